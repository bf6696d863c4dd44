// Small builders for the editor's form: a labelled field with its own problem line (the
// server's message, shown next to the field it is about), inputs bound to the draft.
import { el } from '/static/shared/dom.js';

let uniqueId = 0;

/**
 * A labelled field. `field` names the JSON path below the question ("text", "choices/1")
 * or the pool ("title"); its problem line is found by it.
 */
export function labelled(labelText, control, field, { hint } = {}) {
  const id = control.id || `editor-field-${++uniqueId}`;
  control.id = id;
  const problem = el('p', { className: 'field-problem', attrs: { id: `${id}-problem`, 'data-problem-for': field, 'data-testid': `problem-${field}` } });
  problem.hidden = true;
  control.dataset.field = field;
  control.setAttribute('aria-describedby', problem.id);
  return el('div', { className: 'editor-field', attrs: { 'data-field-box': field } }, [
    el('label', { text: labelText, attrs: { for: id } }),
    hint ? el('p', { className: 'muted small-text field-hint', text: hint }) : null,
    control,
    problem,
  ]);
}

/** Shows `problems` (field → message) in `root`'s problem lines, and clears the others. */
export function showProblems(root, problems) {
  for (const line of root.querySelectorAll('[data-problem-for]')) {
    const message = problems.get(line.dataset.problemFor);
    line.textContent = message ? `${describe(line.dataset.problemFor)} ${message}` : '';
    line.hidden = !message;
    for (const control of root.querySelectorAll(`[data-field="${CSS.escape(line.dataset.problemFor)}"]`)) {
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    }
  }
}

const FIELD_NAMES = {
  title: 'The title',
  text: 'The question',
  choices: 'The choices',
  answer: 'The right answer',
  tolerance: 'The tolerance',
  time_limit_s: 'The time limit',
  explanation: 'The explanation',
  image: 'The image',
  image_alt: 'The description',
  scoring: 'The scoring',
  type: 'The type',
};

/** "The question" for "text", "Choice B" for "choices/1": whose problem the message is. */
function describe(field) {
  const choice = /^choices\/(\d+)$/.exec(field);
  if (choice) return `Choice ${String.fromCharCode(65 + Number(choice[1]))}`;
  return FIELD_NAMES[field] ?? 'This question';
}

/** A text input or textarea whose every keystroke is one `onInput(value)`. */
export function textInput({ value = '', multiline = false, rows = 3, onInput, focusKey, attrs = {} }) {
  const input = el(multiline ? 'textarea' : 'input', { attrs: { ...(multiline ? { rows } : { type: 'text' }), spellcheck: 'true', ...attrs } });
  input.value = value;
  if (focusKey) input.dataset.focusKey = focusKey;
  input.addEventListener('input', () => onInput(input.value));
  return input;
}

/** A <select> of `options` ([value, label]) calling `onChange(value)`. */
export function selectInput({ value, options, onChange = () => {}, focusKey }) {
  const select = el('select', {}, options.map(([optionValue, label]) => el('option', { text: label, attrs: { value: optionValue } })));
  select.value = value;
  if (focusKey) select.dataset.focusKey = focusKey;
  select.addEventListener('change', () => onChange(select.value));
  return select;
}
