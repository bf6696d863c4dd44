// Answers per choice as bars, on the console (live, during the question) and on the
// projector (after it closes). One markup for both; each page's stylesheet decides what it
// shows of it:
//
//   <div class="bar correct" data-letter="B" data-count="2" data-correct="true">
//     <span class="bar-letter">B</span>
//     <span class="bar-body"><span class="bar-choice">…</span>
//       <span class="bar-track"><span class="bar-fill"></span></span></span>
//     <span class="bar-count">2</span>
//     <span class="bar-note">✓ correct</span>      (other bars: their share, "40%")
//   </div>
//
// Choice text is set with textContent. Bars are rebuilt only when the question (its
// choices) or the correct letter changes; answer counts update them in place.
import { CHOICE_LETTERS } from '/static/protocol.js';
import { el } from '/static/shared/dom.js';

/**
 * A histogram drawn into `box`. `fill` says what a full bar means: 'total' — every answer
 * (a bar's length is its share); 'largest' — the most chosen answer.
 */
export function createHistogram(box, { fill = 'total' } = {}) {
  let shownChoices = null;
  let shownCorrect = null;

  function build(choices, correct) {
    shownChoices = choices;
    shownCorrect = correct;
    box.replaceChildren(
      ...choices.map((choice, i) => {
        const letter = CHOICE_LETTERS[i];
        const isCorrect = letter === correct;
        return el(
          'div',
          {
            className: isCorrect ? 'bar correct' : 'bar',
            attrs: { 'data-letter': letter, 'data-count': 0, ...(isCorrect ? { 'data-correct': 'true' } : {}) },
          },
          [
            el('span', { className: 'bar-letter', text: letter }),
            el('span', { className: 'bar-body' }, [
              el('span', { className: 'bar-choice', text: choice }),
              el('span', { className: 'bar-track' }, [el('span', { className: 'bar-fill' })]),
            ]),
            el('span', { className: 'bar-count', text: '0' }),
            el('span', { className: 'bar-note', text: isCorrect ? '✓ correct' : '' }),
          ],
        );
      }),
    );
  }

  return {
    /** Draws `choices` with `counts` ({ A: 3, … }); `correct` is a letter or null. */
    show({ choices, counts, correct = null }) {
      if (choices !== shownChoices || correct !== shownCorrect) build(choices, correct);
      const values = choices.map((_, i) => counts?.[CHOICE_LETTERS[i]] ?? 0);
      const total = Math.max(1, values.reduce((sum, n) => sum + n, 0));
      const full = fill === 'largest' ? Math.max(1, ...values) : total;
      [...box.children].forEach((bar, i) => {
        const count = values[i];
        if (bar.dataset.count !== String(count)) {
          bar.dataset.count = String(count);
          bar.querySelector('.bar-count').textContent = String(count);
        }
        bar.querySelector('.bar-fill').style.width = `${(count / full) * 100}%`;
        if (!bar.classList.contains('correct')) bar.querySelector('.bar-note').textContent = `${Math.round((count / total) * 100)}%`;
      });
    },
    clear() {
      box.replaceChildren();
      shownChoices = null;
      shownCorrect = null;
    },
  };
}
