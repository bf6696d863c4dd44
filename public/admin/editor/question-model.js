// The editor's document is a pool file (the same shape the server validates and stores):
// { title, scoring?, questions: [{ type, text, choices?, answer?, tolerance?, time_limit_s?,
// explanation?, image?, image_alt?, scoring? }] }. These are the edits that change a
// question's shape: a new question of a type, a change of type, a choice removed (the
// answer letters after it move up one).
import { CHOICE_LETTERS } from '/static/protocol.js';

export const QUESTION_TYPES = ['single', 'multiple', 'poll', 'numeric'];
export const MAX_CHOICES = CHOICE_LETTERS.length;

export function blankQuestion(type = 'single') {
  if (type === 'numeric') return { type, text: 'New question', answer: 0, tolerance: 0 };
  const question = { type, text: 'New question', choices: ['First choice', 'Second choice'] };
  if (type === 'single') question.answer = 'A';
  if (type === 'multiple') question.answer = ['A'];
  return question;
}

/** The question as `type`, keeping its text, time, scoring, image and explanation. */
export function withType(question, type) {
  const kept = { ...question, type };
  delete kept.answer;
  delete kept.tolerance;
  if (type === 'numeric') {
    delete kept.choices;
    return { ...kept, answer: 0, tolerance: 0 };
  }
  const choices = question.choices?.length ? question.choices : blankQuestion(type).choices;
  const letters = lettersOf(question.answer).filter((letter) => CHOICE_LETTERS.indexOf(letter) < choices.length);
  if (type === 'single') return { ...kept, choices, answer: letters[0] ?? 'A' };
  if (type === 'multiple') return { ...kept, choices, answer: letters.length ? letters : ['A'] };
  return { ...kept, choices };
}

/** The answer's letters, whatever its form. */
export function lettersOf(answer) {
  if (Array.isArray(answer)) return answer.filter((value) => typeof value === 'string');
  return typeof answer === 'string' ? [answer] : [];
}

/** Removes choice `index` and moves the answer letters after it up by one. */
export function removeChoice(question, index) {
  const removed = CHOICE_LETTERS[index];
  const shift = (letter) => {
    const at = CHOICE_LETTERS.indexOf(letter);
    return at > index ? CHOICE_LETTERS[at - 1] : letter;
  };
  question.choices.splice(index, 1);
  if (question.type === 'single') {
    if (question.answer === removed) delete question.answer;
    else if (typeof question.answer === 'string') question.answer = shift(question.answer);
  } else if (question.type === 'multiple') {
    question.answer = lettersOf(question.answer).filter((letter) => letter !== removed).map(shift);
  }
}

/** Ticks or unticks the right answer `letter` (a single question has exactly one). */
export function markAnswer(question, letter, on) {
  if (question.type === 'single') {
    if (on) question.answer = letter;
    return;
  }
  const letters = new Set(lettersOf(question.answer));
  if (on) letters.add(letter);
  else letters.delete(letter);
  question.answer = CHOICE_LETTERS.filter((known) => letters.has(known));
}

/** Moves the question at `from` to `to` in place. */
export function moveQuestion(questions, from, to) {
  if (to < 0 || to >= questions.length || from === to) return false;
  const [moved] = questions.splice(from, 1);
  questions.splice(to, 0, moved);
  return true;
}
