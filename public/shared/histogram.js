// Answers as bars, on the console (live, during the question) and on the projector (after
// it closes). One markup for both; each page's stylesheet decides what it shows of it:
//
//   <div class="bar correct" data-key="B" data-letter="B" data-count="2" data-correct="true">
//     <span class="bar-letter">B</span>
//     <span class="bar-body"><span class="bar-choice">…</span>
//       <span class="bar-track"><span class="bar-fill"></span></span></span>
//     <span class="bar-count">2</span>
//     <span class="bar-note">✓ correct</span>      (other bars, and numeric's: their share, "40%")
//   </div>
//
// By question type: single and poll have a bar per letter; multiple too, where a letter's
// count is how often it was picked and several bars may be marked; numeric has two bars,
// data-key "correct" and "incorrect" (no data-letter). A poll marks nothing. A bar is marked
// only when the page passes the answer key as `correct`, so a page that hides the answer
// passes null. Choices are inline Markdown (shared/markdown.js, sanitised). Bars are rebuilt only when the
// question or the marks change; counts update them in place.
import { CHOICE_LETTERS } from '/static/protocol.js';
import { el } from '/static/shared/dom.js';
import { showMarkdown } from '/static/shared/question-markdown.js';

const NUMERIC_BARS = [
  { key: 'correct', label: 'correct' },
  { key: 'incorrect', label: 'incorrect' },
];

/** The count keys a question's bars are drawn for, with their label and letter. */
function barsFor(type, choices) {
  if (type === 'numeric') return NUMERIC_BARS.map((bar) => ({ ...bar, letter: null }));
  return choices.map((choice, i) => ({ key: CHOICE_LETTERS[i], label: choice, letter: CHOICE_LETTERS[i] }));
}

/** The count keys the answer key marks: a letter, letters, the numeric "correct" bar, or none. */
export function markedKeys(type, correct) {
  if (correct === null || correct === undefined || type === 'poll') return [];
  if (type === 'numeric') return ['correct'];
  return Array.isArray(correct) ? correct : [correct];
}

/** A bar's label: a choice as inline Markdown; numeric's "correct"/"incorrect" as text. */
function choiceLabel(bar) {
  const label = el('span', { className: 'bar-choice' });
  if (bar.letter) showMarkdown(label, bar.label, { inline: true });
  else label.textContent = bar.label;
  return label;
}

/**
 * A histogram drawn into `box`. `fill` says what a full bar means: 'total' — every
 * respondent (a bar's length is its share); 'largest' — the most chosen answer.
 */
export function createHistogram(box, { fill = 'total' } = {}) {
  let shownKey = null;

  function build(bars, marked, type) {
    box.dataset.type = type;
    box.replaceChildren(
      ...bars.map((bar) => {
        const isMarked = marked.includes(bar.key);
        const attrs = { 'data-key': bar.key, 'data-count': 0 };
        if (bar.letter) attrs['data-letter'] = bar.letter;
        if (isMarked) attrs['data-correct'] = 'true';
        return el('div', { className: `bar${bar.letter ? '' : ' bar-tally'}${isMarked ? ' correct' : ''}`, attrs }, [
          el('span', { className: 'bar-letter', text: bar.letter ?? '' }),
          el('span', { className: 'bar-body' }, [
            choiceLabel(bar),
            el('span', { className: 'bar-track' }, [el('span', { className: 'bar-fill' })]),
          ]),
          el('span', { className: 'bar-count', text: '0' }),
          el('span', { className: 'bar-note', text: isMarked && bar.letter ? '✓ correct' : '' }),
        ]);
      }),
    );
  }

  return {
    /**
     * Draws a question's counts. `type`: single | multiple | poll | numeric; `correct`: the
     * answer key to mark, or null; `respondents`: how many answered (the % notes' base;
     * default the sum of the counts, which a multiple question does not have: without it,
     * its bars carry no %); `scaleMax`: the count a full bar stands for (two rounds side by
     * side share one), instead of `fill`.
     */
    show({ type = 'single', choices = [], counts, correct = null, respondents = null, scaleMax = null }) {
      const bars = barsFor(type, choices);
      const marked = markedKeys(type, correct);
      const key = JSON.stringify([type, choices, marked]);
      if (key !== shownKey) {
        shownKey = key;
        build(bars, marked, type);
      }
      const values = bars.map((bar) => counts?.[bar.key] ?? 0);
      const sum = values.reduce((total, n) => total + n, 0);
      const base = respondents ?? (type === 'multiple' ? null : sum);
      const full = Math.max(1, scaleMax ?? (fill === 'largest' ? Math.max(...values, 0) : (base ?? Math.max(...values, 0))));
      [...box.children].forEach((bar, i) => {
        const count = values[i];
        if (bar.dataset.count !== String(count)) {
          bar.dataset.count = String(count);
          bar.querySelector('.bar-count').textContent = String(count);
        }
        bar.querySelector('.bar-fill').style.width = `${Math.min(100, (count / full) * 100)}%`;
        // A marked letter says "✓ correct"; numeric's two bars always give their share.
        if (!bar.classList.contains('correct') || bar.classList.contains('bar-tally')) {
          bar.querySelector('.bar-note').textContent = base === null ? '' : `${Math.round((count / Math.max(1, base)) * 100)}%`;
        }
      });
    },
    clear() {
      box.replaceChildren();
      delete box.dataset.type;
      shownKey = null;
    },
  };
}
