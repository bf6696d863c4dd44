// The lettered choices of an open question: buttons for `single` and `poll` (one tap
// answers), real checkboxes for `multiple` (tick any, then Submit). Each choice is named
// for screen readers by its letter and its text (aria-labelledby), so the name stays right
// now that the text is rendered Markdown (inline: code, emphasis, maths; a link keeps only
// its text, as a control holds no link).
import { CHOICE_LETTERS } from '/static/protocol.js';
import { el } from './page.js';
import { setRichText } from './rich-text.js';

function letterBadge(letter) {
  const badge = document.createElement('span');
  badge.className = 'choice-letter';
  badge.id = `choice-${letter}-letter`;
  badge.textContent = letter;
  return badge;
}

function choiceLabel(letter, text) {
  const label = document.createElement('span');
  label.className = 'choice-text';
  label.id = `choice-${letter}-text`;
  void setRichText(label, text, { inline: true, control: true });
  return label;
}

function choiceButton(letter, text) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'choice';
  button.dataset.testid = `choice-${letter}`;
  button.dataset.letter = letter;
  button.setAttribute('aria-labelledby', `choice-${letter}-letter choice-${letter}-text`);
  button.append(letterBadge(letter), choiceLabel(letter, text));
  return button;
}

function choiceCheckbox(letter, text) {
  const label = document.createElement('label');
  label.className = 'choice choice-check';
  label.dataset.testid = `choice-${letter}`;
  label.dataset.letter = letter;
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.className = 'choice-box';
  box.value = letter;
  box.dataset.letter = letter;
  box.dataset.testid = `check-${letter}`;
  box.setAttribute('aria-labelledby', `choice-${letter}-letter choice-${letter}-text`);
  label.append(box, letterBadge(letter), choiceLabel(letter, text));
  return label;
}

/** Draws the choices of a question of `type` into the choices group. */
export function buildChoices(type, choices) {
  const make = type === 'multiple' ? choiceCheckbox : choiceButton;
  el.choices.replaceChildren(...choices.map((text, position) => make(CHOICE_LETTERS[position], text)));
  el.choices.hidden = choices.length === 0;
  if (type === 'multiple') el.choices.setAttribute('aria-describedby', 'type-hint');
  else el.choices.removeAttribute('aria-describedby');
}

/** The element that takes focus for `letter`: the button, or the checkbox inside its label. */
export function focusTargetOf(letter) {
  const choice = el.choices.querySelector(`.choice[data-letter="${letter}"]`);
  return choice?.querySelector('input') ?? choice;
}

/** The ticked letters of a multiple question, in A…F order. */
export function tickedLetters() {
  return [...el.choices.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.dataset.letter);
}
