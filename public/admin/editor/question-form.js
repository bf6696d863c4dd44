// The form of one question: type, text (Markdown), choices and right answers (or a
// number and tolerance), time limit, scoring, image, explanation. Every input changes the
// draft at once; the form is redrawn only when the question's shape changes, so typing
// never loses the cursor.
import { DEFAULT_TIME_LIMIT_S } from '/static/protocol.js';
import { el } from '/static/shared/dom.js';
import { TYPE_LABELS } from '/static/shared/question-types.js';
import { choicesField, numericFields } from './choices-field.js';
import { labelled, selectInput, textInput } from './fields.js';
import { imageField } from './image-field.js';
import { QUESTION_TYPES, withType } from './question-model.js';

let steps = 0;
/** A key of its own: a click is one undo step, never merged with the next. */
const nextStep = (key) => `${key}#${++steps}`;

export function questionForm(draft, index) {
  const question = draft.doc.questions[index];
  const set = (field, value) => (doc) => {
    if (value === undefined) delete doc.questions[index][field];
    else doc.questions[index][field] = value;
  };

  const type = selectInput({
    value: question.type ?? 'single',
    focusKey: 'type',
    options: QUESTION_TYPES.map((name) => [name, `${TYPE_LABELS[name]} (${name})`]),
    onChange: (value) => draft.change(null, (doc) => (doc.questions[index] = withType(doc.questions[index], value))),
  });
  type.dataset.testid = 'edit-question-type';

  const text = textInput({
    value: question.text,
    multiline: true,
    rows: 5,
    focusKey: 'text',
    attrs: { 'data-testid': 'edit-question-text' },
    onInput: (value) => draft.change(`q${index}:text`, set('text', value)),
  });

  const timeLimit = textInput({
    value: question.time_limit_s === undefined ? '' : String(question.time_limit_s),
    focusKey: 'time',
    attrs: { inputmode: 'numeric', placeholder: `${DEFAULT_TIME_LIMIT_S} (default)`, 'data-testid': 'time-limit' },
    // Kept as typed until it is a whole number, so the validator names what is wrong.
    onInput: (value) =>
      draft.change(`q${index}:time`, set('time_limit_s', value.trim() === '' ? undefined : /^\d+$/.test(value.trim()) ? Number(value) : value)),
  });

  const poolScoring = draft.doc.scoring ?? 'speed';
  const scoring = selectInput({
    value: question.scoring ?? '',
    focusKey: 'scoring',
    options: [
      ['', `The pool's (${poolScoring})`],
      ['speed', 'Speed: faster right answers score more'],
      ['accuracy', 'Accuracy: every right answer scores 1000'],
    ],
    onChange: (value) => draft.change(nextStep(`q${index}:scoring`), set('scoring', value || undefined)),
  });
  scoring.dataset.testid = 'scoring';

  const explanation = textInput({
    value: question.explanation ?? '',
    multiline: true,
    rows: 3,
    focusKey: 'explanation',
    attrs: { 'data-testid': 'explanation' },
    onInput: (value) => draft.change(`q${index}:explanation`, set('explanation', value === '' ? undefined : value)),
  });

  const kind = question.type ?? 'single';
  const generalProblem = el('p', { className: 'field-problem', attrs: { 'data-problem-for': 'question', 'data-testid': 'problem-question' } });
  generalProblem.hidden = true;
  return el('div', { className: 'question-form', attrs: { 'data-testid': 'question-form', 'data-index': index } }, [
    el('h3', { text: `Question ${index + 1}` }),
    generalProblem,
    labelled('Type', type, 'type'),
    labelled('Question (Markdown: **bold**, `code`, ``` fenced code ```, $maths$)', text, 'text'),
    kind === 'numeric' ? numericFields(draft, index) : choicesField(draft, index, nextStep),
    el('div', { className: 'editor-row' }, [
      labelled('Time limit (seconds, 5–600)', timeLimit, 'time_limit_s'),
      labelled('Scoring', scoring, 'scoring'),
    ]),
    imageField(draft, index),
    labelled('Explanation, shown after the question closes (optional, Markdown)', explanation, 'explanation'),
  ]);
}
