/**
 * What an answer is, for every question type: the form a submit must take, the text an
 * accepted answer is stored as (`answers.choice`), what it reads back as on the wire
 * (`your_choice`, `me.answer`), and which count it adds to.
 *
 * | type             | submit             | stored  | counts                      |
 * |------------------|--------------------|---------|-----------------------------|
 * | single, poll     | `choice: "B"`      | `B`     | that letter                 |
 * | multiple         | `choices: [A, C]`  | `A+C`   | each letter picked          |
 * | numeric          | `value: 3.5`       | `3.5`   | `correct` or `incorrect`    |
 */
import { choiceLettersFor, NUMERIC_COUNT_KEYS, type ChoiceLetter } from '../protocol/constants';
import type { PoolQuestion } from '../protocol/pool';
import type { Counts } from '../protocol/server-frames';

/** A submit's answer fields, as sent. */
export interface Submission {
  choice?: unknown;
  choices?: unknown;
  value?: unknown;
}

/** Exactly the answer fields a submit carried, to echo in its ack. */
export function echoOf(frame: Submission): Submission {
  const echo: Submission = {};
  if ('choice' in frame) echo.choice = frame.choice;
  if ('choices' in frame) echo.choices = frame.choices;
  if ('value' in frame) echo.value = frame.value;
  return echo;
}

/** What an answer reads back as: a letter, letters, or a number. */
export type AnswerEcho = string | string[] | number;

const MULTIPLE_SEPARATOR = '+';

/** The stored text of a well-formed answer to `question`, or null when the submit has the wrong form. */
export function encodeAnswer(question: PoolQuestion, submission: Submission): string | null {
  const letters = choiceLettersFor(question.choices.length) as string[];
  const isLetter = (value: unknown): value is string => typeof value === 'string' && letters.includes(value);
  switch (question.type) {
    case 'single':
    case 'poll':
      return submission.choices === undefined && submission.value === undefined && isLetter(submission.choice)
        ? submission.choice
        : null;
    case 'multiple': {
      const picked = submission.choices;
      if (submission.choice !== undefined || submission.value !== undefined || !Array.isArray(picked)) return null;
      if (picked.length === 0 || !picked.every(isLetter) || new Set(picked).size !== picked.length) return null;
      return [...picked].sort().join(MULTIPLE_SEPARATOR);
    }
    case 'numeric': {
      const value = submission.value;
      if (submission.choice !== undefined || submission.choices !== undefined) return null;
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
    }
  }
}

export function decodeAnswer(question: PoolQuestion, stored: string): AnswerEcho {
  switch (question.type) {
    case 'multiple':
      return stored.split(MULTIPLE_SEPARATOR);
    case 'numeric':
      return Number(stored);
    default:
      return stored;
  }
}

/**
 * |value − answer| ≤ tolerance, with room for binary floating point: 3.13 against
 * 3.14 ± 0.01 computes a distance of 0.010000000000000231, which is the edge, not past it.
 */
export function isCorrectNumber(question: PoolQuestion, value: number): boolean {
  if (typeof question.answer !== 'number') return false;
  const rounding = 1e-9 * Math.max(1, Math.abs(question.answer), Math.abs(value));
  return Math.abs(value - question.answer) <= question.tolerance + rounding;
}

/** The count keys an answer adds one to. */
export function countKeysOf(question: PoolQuestion, stored: string): string[] {
  switch (question.type) {
    case 'multiple':
      return stored.split(MULTIPLE_SEPARATOR);
    case 'numeric':
      return [isCorrectNumber(question, Number(stored)) ? 'correct' : 'incorrect'];
    default:
      return [stored];
  }
}

/** Every key a question's counts carry, zeros included, so clients can draw every bar. */
export function countKeysFor(question: PoolQuestion): readonly string[] {
  return question.type === 'numeric' ? NUMERIC_COUNT_KEYS : choiceLettersFor(question.choices.length);
}

export function zeroCounts(question: PoolQuestion): Counts {
  const counts: Counts = {};
  for (const key of countKeysFor(question)) counts[key] = 0;
  return counts;
}

/**
 * The share of a fully correct answer this answer earns: 1 or 0, or for `multiple`
 * max(0, hits − wrong picks) / |answer| (partial credit). A poll has no right answer.
 */
export function creditFor(question: PoolQuestion, stored: string): number {
  switch (question.type) {
    case 'poll':
      return 0;
    case 'single':
      return stored === question.answer ? 1 : 0;
    case 'numeric':
      return isCorrectNumber(question, Number(stored)) ? 1 : 0;
    case 'multiple': {
      const key = question.answer as ChoiceLetter[];
      const picked = stored.split(MULTIPLE_SEPARATOR);
      const hits = picked.filter((letter) => key.includes(letter as ChoiceLetter)).length;
      return Math.max(0, hits - (picked.length - hits)) / key.length;
    }
  }
}
