// The live preview of the question being edited, as a phone shows it: number, type hint,
// text, image, then the choices (or the number box). Text goes through the same Markdown
// renderer as the phone and the projector (shared/markdown.js, sanitised; KaTeX for maths,
// highlighted code), so what the author sees here is what the class will see.
import { CHOICE_LETTERS, DEFAULT_TIME_LIMIT_S } from '/static/protocol.js';
import { el } from '/static/shared/dom.js';
import { showMarkdown } from '/static/shared/question-markdown.js';
import { answerKeyText } from '/static/shared/question-types.js';
import { lettersOf } from './question-model.js';

const TYPE_HINTS = {
  single: '',
  multiple: 'Select all that apply, then Submit.',
  numeric: 'Type a number. A decimal comma is fine (3,5).',
  poll: 'Vote: there is no right or wrong answer.',
};

export function createPreview() {
  const number = el('p', { className: 'preview-number', attrs: { 'data-testid': 'preview-number' } });
  const hint = el('p', { className: 'preview-hint muted small-text' });
  const text = el('div', { className: 'preview-text markdown', attrs: { 'data-testid': 'preview-text' } });
  const figure = el('figure', { className: 'preview-figure' });
  const choices = el('ol', { className: 'preview-choices', attrs: { 'data-testid': 'preview-choices' } });
  const numeric = el('div', { className: 'preview-numeric', text: 'Your answer: ____' });
  const key = el('p', { className: 'preview-key small-text', attrs: { 'data-testid': 'preview-key' } });
  const explanation = el('div', { className: 'preview-explanation small-text markdown' });
  const phone = el('section', { className: 'phone-preview', attrs: { 'aria-label': 'Preview: the question as a phone shows it', 'data-testid': 'preview' } }, [
    number,
    hint,
    text,
    figure,
    choices,
    numeric,
    key,
    explanation,
  ]);

  function update(question, index, total) {
    const type = question.type ?? 'single';
    const limit = question.scoring === 'accuracy' ? 'no time pressure' : `${question.time_limit_s ?? DEFAULT_TIME_LIMIT_S} s`;
    number.textContent = `Question ${index + 1} of ${total} · ${limit}`;
    hint.textContent = TYPE_HINTS[type] ?? '';
    hint.hidden = !hint.textContent;
    showMarkdown(text, question.text ?? '');

    figure.hidden = !question.image;
    const image = figure.querySelector('img');
    if (!question.image) image?.remove();
    else if (!image || image.getAttribute('src') !== question.image) {
      figure.replaceChildren(el('img', { className: 'preview-image', attrs: { src: question.image, alt: question.image_alt ?? '', 'data-testid': 'preview-image' } }));
    } else image.alt = question.image_alt ?? '';

    const right = new Set(lettersOf(question.answer));
    const labels = type === 'numeric' ? [] : (question.choices ?? []);
    while (choices.children.length > labels.length) choices.lastElementChild.remove();
    labels.forEach((choice, position) => {
      let item = choices.children[position];
      if (!item) {
        item = el('li', { className: 'preview-choice' }, [el('b', { className: 'preview-letter' }), el('span', { className: 'markdown' })]);
        choices.append(item);
      }
      const letter = CHOICE_LETTERS[position];
      item.dataset.letter = letter;
      item.classList.toggle('correct', right.has(letter) && type !== 'poll');
      item.firstChild.textContent = letter;
      showMarkdown(item.lastChild, choice ?? '', { inline: true });
    });
    choices.hidden = labels.length === 0;
    numeric.hidden = type !== 'numeric';

    const keyText = answerKeyText(type, type === 'numeric' ? question.answer : [...right].sort(), Number(question.tolerance) || 0);
    if (keyText === null) key.textContent = 'No right answer (poll): every vote scores 0.';
    else key.textContent = keyText === '' ? 'No right answer marked yet.' : `Right answer: ${keyText}`;
    explanation.hidden = !question.explanation;
    if (question.explanation) showMarkdown(explanation, question.explanation);
  }

  return { element: phone, update };
}
