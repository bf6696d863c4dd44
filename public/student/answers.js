// What an answer is, per question type, and how the page says it in words. An answer is
// what the server takes and echoes: a letter (single, poll), letters (multiple) or a
// number (numeric). Pure functions: no DOM, no state.
import { CHOICE_LETTERS } from '/static/protocol.js';

/** The submit fields for an answer of `type`: { choice }, { choices } or { value }. */
export function submitFieldsOf(type, answer) {
  if (type === 'multiple') return { choices: answer };
  if (type === 'numeric') return { value: answer };
  return { choice: answer };
}

/** The answer a submit_ack echoes, whichever field it carries. */
export function answerFromAck(ack) {
  if (Array.isArray(ack.choices)) return ack.choices;
  if (typeof ack.value === 'number') return ack.value;
  if (typeof ack.choice === 'string') return ack.choice;
  return null;
}

/** Letters as a list in A…F order, whatever order (or form) they came in. */
export function lettersOf(answer) {
  const given = Array.isArray(answer) ? answer : typeof answer === 'string' ? [answer] : [];
  return CHOICE_LETTERS.filter((letter) => given.includes(letter));
}

/** "A", "A, C", "3.5": an answer as a short line of text. */
export function formatAnswer(answer) {
  if (typeof answer === 'number') return formatNumber(answer);
  return lettersOf(answer).join(', ');
}

/** A number as the page shows it: plain digits, a point for the decimals, a real minus sign. */
export function formatNumber(value) {
  return String(value).replace(/^-/, '−');
}

/** The choice text of `letter`, or ''. */
export function choiceTextOf(choices, letter) {
  return (choices ?? [])[CHOICE_LETTERS.indexOf(letter)] ?? '';
}

/** True when two letter answers name the same letters. */
export function sameLetters(a, b) {
  const left = lettersOf(a);
  const right = lettersOf(b);
  return left.length === right.length && left.every((letter, index) => letter === right[index]);
}
