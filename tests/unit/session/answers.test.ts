import { describe, expect, test } from 'bun:test';
import type { PoolQuestion } from '../../../src/protocol/pool';
import {
  countKeysFor,
  countKeysOf,
  creditFor,
  decodeAnswer,
  echoOf,
  encodeAnswer,
  isCorrectNumber,
  zeroCounts,
  type Submission,
} from '../../../src/session/answers';
import { makeQuestion } from '../../helpers/test-server';

/** 4 choices, answer B. */
const single = makeQuestion({ type: 'single', answer: 'B' });
/** 4 choices, no answer. */
const poll = makeQuestion({ type: 'poll' });
/** 6 choices, answer A, C, D. */
const multiple = makeQuestion({
  type: 'multiple',
  choices: ['a', 'b', 'c', 'd', 'e', 'f'],
  answer: ['A', 'C', 'D'],
});
/** 4 choices, answer A, C. */
const multipleOf4 = makeQuestion({ type: 'multiple', answer: ['A', 'C'] });
/** 10 ± 0.5. */
const numeric = makeQuestion({ type: 'numeric', answer: 10, tolerance: 0.5 });

describe('encodeAnswer: the stored text of a well-formed answer', () => {
  test.each(['A', 'B', 'C', 'D'])('single: choice %p is stored as that letter', (letter) => {
    expect(encodeAnswer(single, { choice: letter })).toBe(letter);
  });

  test('single and poll: E and F exist only on questions with that many choices', () => {
    const six = makeQuestion({ type: 'single', choices: ['a', 'b', 'c', 'd', 'e', 'f'] });
    expect(encodeAnswer(six, { choice: 'F' })).toBe('F');
    expect(encodeAnswer(single, { choice: 'E' })).toBeNull();
    expect(encodeAnswer(poll, { choice: 'E' })).toBeNull();
    const two = makeQuestion({ type: 'poll', choices: ['yes', 'no'] });
    expect(encodeAnswer(two, { choice: 'B' })).toBe('B');
    expect(encodeAnswer(two, { choice: 'C' })).toBeNull();
  });

  test('poll: any letter of the question is stored as that letter (a poll has no answer to match)', () => {
    for (const letter of ['A', 'B', 'C', 'D']) expect(encodeAnswer(poll, { choice: letter })).toBe(letter);
  });

  test('multiple: the letters are stored sorted, joined by +', () => {
    expect(encodeAnswer(multiple, { choices: ['A', 'C', 'D'] })).toBe('A+C+D');
    expect(encodeAnswer(multiple, { choices: ['D', 'A', 'C'] })).toBe('A+C+D');
    expect(encodeAnswer(multiple, { choices: ['F'] })).toBe('F');
    expect(encodeAnswer(multiple, { choices: ['F', 'E', 'D', 'C', 'B', 'A'] })).toBe('A+B+C+D+E+F');
  });

  test('numeric: a finite number is stored as its JavaScript text', () => {
    expect(encodeAnswer(numeric, { value: 10 })).toBe('10');
    expect(encodeAnswer(numeric, { value: 3.5 })).toBe('3.5');
    expect(encodeAnswer(numeric, { value: -2 })).toBe('-2');
    expect(encodeAnswer(numeric, { value: 0 })).toBe('0');
    expect(encodeAnswer(numeric, { value: 0.1 + 0.2 })).toBe('0.30000000000000004');
    expect(encodeAnswer(numeric, { value: 1e21 })).toBe('1e+21');
    expect(encodeAnswer(numeric, { value: Number.MAX_VALUE })).toBe(String(Number.MAX_VALUE));
  });
});

describe('encodeAnswer: a submit of the wrong form is null', () => {
  const choiceForms: [string, Submission][] = [
    ['a letter beyond the choices', { choice: 'E' }],
    ['a lower-case letter', { choice: 'a' }],
    ['an empty string', { choice: '' }],
    ['two letters in one string', { choice: 'AB' }],
    ['a letter with a space', { choice: 'A ' }],
    ['a number', { choice: 1 }],
    ['null', { choice: null }],
    ['a list of one letter', { choices: ['A'] }],
    ['a value', { value: 1 }],
    ['a choice and a list', { choice: 'A', choices: ['A'] }],
    ['a choice and a value', { choice: 'A', value: 1 }],
    ['nothing', {}],
  ];

  test.each(choiceForms)('single: %s', (_name, submission) => {
    expect(encodeAnswer(single, submission)).toBeNull();
  });

  test.each(choiceForms)('poll: %s', (_name, submission) => {
    expect(encodeAnswer(poll, submission)).toBeNull();
  });

  test.each([
    ['a choice (a single letter) instead of a list', { choice: 'A' }],
    ['an empty list', { choices: [] }],
    ['a duplicate letter', { choices: ['A', 'A'] }],
    ['a duplicate among others', { choices: ['A', 'C', 'D', 'C'] }],
    ['a letter beyond the choices', { choices: ['A', 'E'] }],
    ['only a letter beyond the choices', { choices: ['F'] }],
    ['a lower-case letter', { choices: ['a'] }],
    ['a number in the list', { choices: ['A', 1] }],
    ['letters in one string', { choices: 'A+C' }],
    ['null', { choices: null }],
    ['a list and a choice', { choices: ['A'], choice: 'A' }],
    ['a list and a value', { choices: ['A'], value: 1 }],
    ['nothing', {}],
  ] as [string, Submission][])('multiple (4 choices): %s', (_name, submission) => {
    expect(encodeAnswer(multipleOf4, submission)).toBeNull();
  });

  test.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['1e400 as JSON parses it', JSON.parse('1e400')],
    ['-1e400 as JSON parses it', JSON.parse('-1e400')],
    ['a numeric string', '3'],
    ['an empty string', ''],
    ['an array of a number', [3]],
    ['null', null],
    ['true', true],
    ['an object', { value: 3 }],
  ] as [string, unknown][])('numeric: value %s', (_name, value) => {
    expect(encodeAnswer(numeric, { value })).toBeNull();
  });

  test('1e400 in frame text is Infinity once parsed, and refused', () => {
    const frame = JSON.parse('{"value":1e400}') as Submission;
    expect(frame.value).toBe(Number.POSITIVE_INFINITY);
    expect(encodeAnswer(numeric, frame)).toBeNull();
  });

  test.each([
    ['no value', {}],
    ['a choice', { choice: 'A' }],
    ['a list', { choices: ['A'] }],
    ['a value and a choice', { value: 10, choice: 'A' }],
    ['a value and a list', { value: 10, choices: [] }],
  ] as [string, Submission][])('numeric: %s', (_name, submission) => {
    expect(encodeAnswer(numeric, submission)).toBeNull();
  });
});

describe('decodeAnswer: what a stored answer reads back as on the wire', () => {
  test('single and poll: the letter', () => {
    expect(decodeAnswer(single, 'C')).toBe('C');
    expect(decodeAnswer(poll, 'A')).toBe('A');
  });

  test('multiple: the letters, sorted', () => {
    expect(decodeAnswer(multiple, 'A+C+D')).toEqual(['A', 'C', 'D']);
    expect(decodeAnswer(multiple, 'F')).toEqual(['F']);
  });

  test('numeric: the number', () => {
    expect(decodeAnswer(numeric, '3.5')).toBe(3.5);
    expect(decodeAnswer(numeric, '-2')).toBe(-2);
  });

  test.each([
    [single, { choice: 'D' }],
    [poll, { choice: 'B' }],
    [multiple, { choices: ['E', 'A'] }],
    [numeric, { value: 0.1 + 0.2 }],
    [numeric, { value: -1e-7 }],
    [numeric, { value: 1e21 }],
    [numeric, { value: Number.MAX_VALUE }],
  ] as [PoolQuestion, Submission][])('encode then decode is the answer given (sorted for multiple): %#', (question, submission) => {
    const stored = encodeAnswer(question, submission)!;
    const expected =
      submission.choice ?? (Array.isArray(submission.choices) ? [...submission.choices].sort() : submission.value);
    expect(decodeAnswer(question, stored)).toEqual(expected as never);
  });
});

describe('count keys', () => {
  test('single and poll: the letter', () => {
    expect(countKeysOf(single, 'B')).toEqual(['B']);
    expect(countKeysOf(poll, 'D')).toEqual(['D']);
  });

  test('multiple: each letter picked', () => {
    expect(countKeysOf(multiple, 'A+C+D')).toEqual(['A', 'C', 'D']);
    expect(countKeysOf(multiple, 'E')).toEqual(['E']);
  });

  test('numeric: correct or incorrect, by the tolerance', () => {
    expect(countKeysOf(numeric, '10')).toEqual(['correct']);
    expect(countKeysOf(numeric, '10.5')).toEqual(['correct']);
    expect(countKeysOf(numeric, '9.5')).toEqual(['correct']);
    expect(countKeysOf(numeric, '10.51')).toEqual(['incorrect']);
    expect(countKeysOf(numeric, '-10')).toEqual(['incorrect']);
  });

  test('every key of a question, in order: its letters, or correct and incorrect', () => {
    expect(countKeysFor(single)).toEqual(['A', 'B', 'C', 'D']);
    expect(countKeysFor(poll)).toEqual(['A', 'B', 'C', 'D']);
    expect(countKeysFor(multiple)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(countKeysFor(makeQuestion({ choices: ['x', 'y'] }))).toEqual(['A', 'B']);
    expect(countKeysFor(numeric)).toEqual(['correct', 'incorrect']);
  });

  test('zeroCounts has every key at 0', () => {
    expect(zeroCounts(single)).toEqual({ A: 0, B: 0, C: 0, D: 0 });
    expect(zeroCounts(multiple)).toEqual({ A: 0, B: 0, C: 0, D: 0, E: 0, F: 0 });
    expect(zeroCounts(numeric)).toEqual({ correct: 0, incorrect: 0 });
  });
});

describe('creditFor: the share of a fully correct answer', () => {
  test('single: 1 for the answer, 0 for any other letter', () => {
    expect(creditFor(single, 'B')).toBe(1);
    for (const letter of ['A', 'C', 'D']) expect(creditFor(single, letter)).toBe(0);
  });

  test('poll: 0 for every letter', () => {
    for (const letter of ['A', 'B', 'C', 'D']) expect(creditFor(poll, letter)).toBe(0);
  });

  test('numeric: 1 within the tolerance (edges included), 0 outside', () => {
    expect(creditFor(numeric, '10')).toBe(1);
    expect(creditFor(numeric, '9.5')).toBe(1);
    expect(creditFor(numeric, '10.5')).toBe(1);
    expect(creditFor(numeric, '9.499')).toBe(0);
    expect(creditFor(numeric, '10.501')).toBe(0);
    const exact = makeQuestion({ type: 'numeric', answer: 10, tolerance: 0 });
    expect(creditFor(exact, '10')).toBe(1);
    expect(creditFor(exact, '10.000001')).toBe(0);
  });

  // answer A, C, D of six: max(0, hits − wrong picks) / 3
  test.each([
    ['A+C+D', 1],
    ['A+C', 2 / 3],
    ['C+D', 2 / 3],
    ['A', 1 / 3],
    ['A+B+C', 1 / 3],
    ['A+C+D+E', 2 / 3],
    ['A+B+C+D+E', 1 / 3],
    ['A+B+C+D+E+F', 0],
    ['A+B', 0],
    ['A+B+E', 0],
    ['B', 0],
    ['B+E+F', 0],
  ])('multiple: %s → %d', (stored, credit) => {
    expect(creditFor(multiple, stored)).toBeCloseTo(credit, 12);
  });
});

describe('isCorrectNumber', () => {
  test('is |value − answer| ≤ tolerance', () => {
    const negative = makeQuestion({ type: 'numeric', answer: -2, tolerance: 0.25 });
    expect(isCorrectNumber(negative, -2.25)).toBe(true);
    expect(isCorrectNumber(negative, -1.75)).toBe(true);
    expect(isCorrectNumber(negative, -2.2500001)).toBe(false);
    expect(isCorrectNumber(negative, 2)).toBe(false);
  });

  test('a question without a numeric answer is never correct', () => {
    expect(isCorrectNumber(single, 0)).toBe(false);
    expect(isCorrectNumber(poll, 0)).toBe(false);
  });
});

describe('echoOf: exactly the answer fields a submit carried', () => {
  test('copies each answer field that is present, whatever its value', () => {
    expect(echoOf({ choice: 'A' })).toEqual({ choice: 'A' });
    expect(echoOf({ choices: ['C', 'A'] })).toEqual({ choices: ['C', 'A'] });
    expect(echoOf({ value: '3' })).toEqual({ value: '3' });
    expect(echoOf({ value: null })).toEqual({ value: null });
    expect(echoOf({ choice: 'A', value: [3] })).toEqual({ choice: 'A', value: [3] });
  });

  test('drops every other field of the frame and adds none', () => {
    const frame = { type: 'submit', question_idx: 2, choices: ['B'], extra: true } as Submission;
    const echo = echoOf(frame);
    expect(echo).toEqual({ choices: ['B'] });
    expect(Object.keys(echo)).toEqual(['choices']);
    expect(Object.keys(echoOf({}))).toEqual([]);
  });
});
