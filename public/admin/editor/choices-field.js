// A choice question's choices: each one's Markdown text, whether it is a right answer (one
// for "single", any for "multiple", none for a poll), and removing it; a choice can be
// added up to six. Numeric questions have an answer and a tolerance instead.
import { CHOICE_LETTERS } from '/static/protocol.js';
import { el } from '/static/shared/dom.js';
import { labelled, textInput } from './fields.js';
import { lettersOf, markAnswer, MAX_CHOICES, removeChoice } from './question-model.js';

/** The choices of question `index` of `draft`, bound to it. */
export function choicesField(draft, index, nextStep) {
  const question = draft.doc.questions[index];
  const right = new Set(lettersOf(question.answer));
  const rows = question.choices.map((choice, position) => {
    const letter = CHOICE_LETTERS[position];
    const text = textInput({
      value: choice,
      focusKey: `choice-${position}`,
      attrs: { 'aria-label': `Choice ${letter}`, 'data-testid': `choice-${letter}` },
      onInput: (value) => draft.change(`q${index}:choice${position}`, (doc) => (doc.questions[index].choices[position] = value)),
    });
    text.dataset.field = `choices/${position}`;
    const mark =
      question.type === 'poll'
        ? null
        : markControl(question.type, letter, right.has(letter), index, (on) =>
            draft.change(nextStep(`q${index}:answer`), (doc) => markAnswer(doc.questions[index], letter, on)),
          );
    const remove = el('button', {
      text: 'Remove',
      className: 'small quiet',
      attrs: { type: 'button', 'aria-label': `Remove choice ${letter}`, 'data-testid': `remove-choice-${letter}`, 'data-focus-key': `remove-${position}` },
    });
    remove.addEventListener('click', () => draft.change(null, (doc) => removeChoice(doc.questions[index], position)));
    const problem = el('p', { className: 'field-problem', attrs: { 'data-problem-for': `choices/${position}` } });
    problem.hidden = true;
    return el('li', { className: 'choice-row', attrs: { 'data-letter': letter } }, [
      el('b', { className: 'choice-letter', text: letter, attrs: { 'aria-hidden': 'true' } }),
      text,
      mark,
      remove,
      problem,
    ]);
  });
  const add = el('button', { text: 'Add a choice', className: 'small', attrs: { type: 'button', 'data-testid': 'add-choice', 'data-focus-key': 'add-choice' } });
  add.disabled = question.choices.length >= MAX_CHOICES;
  const added = question.choices.length;
  add.addEventListener('click', () =>
    draft.change(null, (doc) => doc.questions[index].choices.push(`Choice ${CHOICE_LETTERS[added]}`), { focus: `choice-${added}` }),
  );
  const hint = {
    single: 'Mark the one right answer.',
    multiple: 'Tick every right answer.',
    poll: 'A poll has no right answer: every vote counts, and scores 0.',
  }[question.type];
  const list = el('ol', { className: 'choice-list', attrs: { 'data-field': 'choices' } }, rows);
  const answerProblem = el('p', { className: 'field-problem', attrs: { 'data-problem-for': 'answer', 'data-testid': 'problem-answer' } });
  answerProblem.hidden = true;
  const choicesProblem = el('p', { className: 'field-problem', attrs: { 'data-problem-for': 'choices', 'data-testid': 'problem-choices' } });
  choicesProblem.hidden = true;
  return el('fieldset', { className: 'editor-field choices-field' }, [
    el('legend', { text: 'Choices (Markdown)' }),
    el('p', { className: 'muted small-text field-hint', text: hint }),
    list,
    choicesProblem,
    answerProblem,
    add,
  ]);
}

function markControl(type, letter, checked, index, onToggle) {
  const input = el('input', {
    attrs: {
      type: type === 'single' ? 'radio' : 'checkbox',
      name: `right-answer-${index}`,
      'data-testid': `right-${letter}`,
      'data-focus-key': `right-${letter}`,
      'data-field': 'answer',
    },
  });
  input.checked = checked;
  input.addEventListener('change', () => onToggle(input.checked));
  return el('label', { className: 'right-answer' }, [input, document.createTextNode(type === 'single' ? ' right answer' : ' right')]);
}

/** A numeric question's answer and tolerance. What is typed is kept as typed until it is a number. */
export function numericFields(draft, index) {
  const question = draft.doc.questions[index];
  const asNumber = (value) => (value.trim() !== '' && Number.isFinite(Number(value.replace(',', '.'))) ? Number(value.replace(',', '.')) : value);
  const answer = textInput({
    value: String(question.answer ?? ''),
    focusKey: 'numeric-answer',
    attrs: { inputmode: 'decimal', 'data-testid': 'numeric-answer' },
    onInput: (value) => draft.change(`q${index}:answer`, (doc) => (doc.questions[index].answer = asNumber(value))),
  });
  const tolerance = textInput({
    value: String(question.tolerance ?? 0),
    focusKey: 'tolerance',
    attrs: { inputmode: 'decimal', 'data-testid': 'tolerance' },
    onInput: (value) => draft.change(`q${index}:tolerance`, (doc) => (doc.questions[index].tolerance = value.trim() === '' ? 0 : asNumber(value))),
  });
  return el('div', { className: 'numeric-fields' }, [
    labelled('Right answer (a number)', answer, 'answer'),
    labelled('Tolerance (± accepted)', tolerance, 'tolerance', { hint: 'Correct when the difference is at most this.' }),
  ]);
}
