import { describe, expect, test } from 'bun:test';
import { CHOICE_LETTERS } from '../../../src/protocol/constants';
import { AnswerBook } from '../../../src/session/answer-book';

/** The count keys of a question with `choiceCount` choices, as views.ts passes them. */
const letters = (choiceCount: number) => CHOICE_LETTERS.slice(0, choiceCount);

describe('hold and commit', () => {
  test('a held answer is known but not counted', () => {
    const book = new AnswerBook();
    book.hold(0, 1, 'ann', 'B', 800);
    expect(book.get(0, 1, 'ann')).toEqual({ stored: 'B', points: 800, committed: false });
    expect(book.answeredCount(0, 1)).toBe(0);
    expect(book.counts(0, 1, letters(4))).toEqual({ A: 0, B: 0, C: 0, D: 0 });
  });

  test('a committed answer is counted once, under its choice', () => {
    const book = new AnswerBook();
    book.hold(0, 1, 'ann', 'B', 800);
    book.commit(0, 1, 'ann', { stored: 'B', points: 800, countKeys: ['B'], fullyCorrect: true });
    expect(book.get(0, 1, 'ann')).toEqual({ stored: 'B', points: 800, committed: true });
    expect(book.answeredCount(0, 1)).toBe(1);
    expect(book.counts(0, 1, letters(4))).toEqual({ A: 0, B: 1, C: 0, D: 0 });
  });

  test('answers to different questions are kept apart', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'A', points: 1000, countKeys: ['A'], fullyCorrect: true });
    book.commit(1, 1, 'ann', { stored: 'C', points: 0, countKeys: ['C'], fullyCorrect: false });
    book.commit(1, 1, 'bob', { stored: 'C', points: 0, countKeys: ['C'], fullyCorrect: false });
    expect(book.get(0, 1, 'ann')?.stored).toBe('A');
    expect(book.get(1, 1, 'ann')?.stored).toBe('C');
    expect(book.get(0, 1, 'bob')).toBeUndefined();
    expect(book.answeredCount(0, 1)).toBe(1);
    expect(book.answeredCount(1, 1)).toBe(2);
    expect(book.counts(0, 1, letters(3))).toEqual({ A: 1, B: 0, C: 0 });
    expect(book.counts(1, 1, letters(3))).toEqual({ A: 0, B: 0, C: 2 });
  });

  test('the two rounds of one question are kept apart', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'A', points: 1000, countKeys: ['A'], fullyCorrect: true });
    book.commit(0, 2, 'ann', { stored: 'B', points: 0, countKeys: ['B'], fullyCorrect: false });
    book.commit(0, 2, 'bob', { stored: 'B', points: 0, countKeys: ['B'], fullyCorrect: false });
    expect(book.get(0, 1, 'ann')).toEqual({ stored: 'A', points: 1000, committed: true });
    expect(book.get(0, 2, 'ann')).toEqual({ stored: 'B', points: 0, committed: true });
    expect(book.get(0, 1, 'bob')).toBeUndefined();
    expect(book.answeredCount(0, 1)).toBe(1);
    expect(book.answeredCount(0, 2)).toBe(2);
    expect(book.counts(0, 1, letters(2))).toEqual({ A: 1, B: 0 });
    expect(book.counts(0, 2, letters(2))).toEqual({ A: 0, B: 2 });
    // Round 2 of question 0 is not question 1.
    expect(book.answeredCount(1, 1)).toBe(0);
    expect([...book.answersTo(1, 1)]).toEqual([]);
  });

  test('answersTo lists held and committed answers of one question and round', () => {
    const book = new AnswerBook();
    book.commit(2, 1, 'ann', { stored: 'A', points: 900, countKeys: ['A'], fullyCorrect: true });
    book.hold(2, 1, 'bob', 'D', 0);
    book.commit(2, 2, 'cat', { stored: 'B', points: 0, countKeys: ['B'], fullyCorrect: false });
    book.commit(3, 1, 'cat', { stored: 'A', points: 1000, countKeys: ['A'], fullyCorrect: true });
    expect(new Map(book.answersTo(2, 1))).toEqual(
      new Map([
        ['ann', { stored: 'A', points: 900, committed: true }],
        ['bob', { stored: 'D', points: 0, committed: false }],
      ]),
    );
    expect(new Map(book.answersTo(2, 2))).toEqual(new Map([['cat', { stored: 'B', points: 0, committed: true }]]));
    expect([...book.answersTo(9, 1)]).toEqual([]);
  });
});

describe('release', () => {
  test('forgets a held answer so the student may submit again', () => {
    const book = new AnswerBook();
    book.hold(0, 1, 'ann', 'A', 1000);
    book.release(0, 1, 'ann');
    expect(book.get(0, 1, 'ann')).toBeUndefined();
    expect(book.answeredCount(0, 1)).toBe(0);
    expect([...book.answersTo(0, 1)]).toEqual([]);
  });

  test('touches only that student, question and round', () => {
    const book = new AnswerBook();
    book.hold(0, 1, 'ann', 'A', 1000);
    book.hold(0, 1, 'bob', 'B', 0);
    book.hold(1, 1, 'ann', 'C', 0);
    book.hold(0, 2, 'ann', 'B', 0);
    book.release(0, 1, 'ann');
    expect(book.get(0, 1, 'ann')).toBeUndefined();
    expect(book.get(0, 1, 'bob')).toBeDefined();
    expect(book.get(1, 1, 'ann')).toBeDefined();
    expect(book.get(0, 2, 'ann')).toBeDefined();
  });

  test('of an unknown question or student does nothing', () => {
    const book = new AnswerBook();
    book.release(5, 1, 'nobody');
    book.release(5, 2, 'nobody');
    expect(book.answeredCount(5, 1)).toBe(0);
    expect(book.answeredCount(5, 2)).toBe(0);
  });
});

describe('counts', () => {
  test('are zero-filled for every key asked for and only those', () => {
    const book = new AnswerBook();
    expect(book.counts(0, 1, letters(2))).toEqual({ A: 0, B: 0 });
    expect(book.counts(0, 1, letters(6))).toEqual({ A: 0, B: 0, C: 0, D: 0, E: 0, F: 0 });
    expect(book.counts(0, 1, ['correct', 'incorrect'])).toEqual({ correct: 0, incorrect: 0 });
  });

  test('list keys in the order asked for', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'D', points: 0, countKeys: ['D'], fullyCorrect: false });
    book.commit(0, 1, 'bob', { stored: 'A', points: 1000, countKeys: ['A'], fullyCorrect: true });
    expect(Object.keys(book.counts(0, 1, letters(5)))).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  test('add up over many students', () => {
    const book = new AnswerBook();
    const choices = ['A', 'B', 'A', 'C', 'A', 'B'];
    choices.forEach((choice, position) =>
      book.commit(0, 1, `s${position}`, { stored: choice, points: 0, countKeys: [choice], fullyCorrect: false }),
    );
    expect(book.counts(0, 1, letters(4))).toEqual({ A: 3, B: 2, C: 1, D: 0 });
    expect(book.answeredCount(0, 1)).toBe(6);
  });

  test('an answer with several count keys (multiple) adds one to each, and counts as one answer', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'A+C', points: 1000, countKeys: ['A', 'C'], fullyCorrect: true });
    book.commit(0, 1, 'bob', { stored: 'A+B+C', points: 333, countKeys: ['A', 'B', 'C'], fullyCorrect: false });
    book.commit(0, 1, 'cat', { stored: 'D', points: 0, countKeys: ['D'], fullyCorrect: false });
    expect(book.counts(0, 1, letters(4))).toEqual({ A: 2, B: 1, C: 2, D: 1 });
    expect(book.answeredCount(0, 1)).toBe(3);
  });

  test('numeric answers count under correct and incorrect', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: '3.5', points: 1000, countKeys: ['correct'], fullyCorrect: true });
    book.commit(0, 1, 'bob', { stored: '7', points: 0, countKeys: ['incorrect'], fullyCorrect: false });
    book.commit(0, 1, 'cat', { stored: '3.4', points: 900, countKeys: ['correct'], fullyCorrect: true });
    expect(book.counts(0, 1, ['correct', 'incorrect'])).toEqual({ correct: 2, incorrect: 1 });
  });

  test('a held answer that is released never reaches the counts', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'A', points: 1000, countKeys: ['A'], fullyCorrect: true });
    book.hold(0, 1, 'bob', 'A', 1000);
    book.release(0, 1, 'bob');
    expect(book.counts(0, 1, letters(4))).toEqual({ A: 1, B: 0, C: 0, D: 0 });
    expect(book.answeredCount(0, 1)).toBe(1);
  });
});

describe('tally', () => {
  test('of a question and round nobody answered is zero', () => {
    const book = new AnswerBook();
    expect(book.tally(0, 1)).toEqual({ answered: 0, correct: 0 });
    expect(book.tally(7, 2)).toEqual({ answered: 0, correct: 0 });
  });

  test('counts every committed answer, and as correct only those with full credit (partial credit is not correct)', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'A+C', points: 1000, countKeys: ['A', 'C'], fullyCorrect: true });
    book.commit(0, 1, 'bob', { stored: 'A', points: 500, countKeys: ['A'], fullyCorrect: false }); // a subset
    book.commit(0, 1, 'cat', { stored: 'A+B+C', points: 500, countKeys: ['A', 'B', 'C'], fullyCorrect: false }); // a superset
    book.commit(0, 1, 'dan', { stored: 'B+D', points: 0, countKeys: ['B', 'D'], fullyCorrect: false });
    book.commit(0, 1, 'eve', { stored: 'C+A', points: 900, countKeys: ['A', 'C'], fullyCorrect: true });
    expect(book.tally(0, 1)).toEqual({ answered: 5, correct: 2 });
    expect(book.answeredCount(0, 1)).toBe(5);
  });

  test('is kept per round and per question', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'A', points: 1000, countKeys: ['A'], fullyCorrect: true });
    book.commit(0, 1, 'bob', { stored: 'B', points: 0, countKeys: ['B'], fullyCorrect: false });
    book.commit(0, 1, 'cat', { stored: 'C', points: 0, countKeys: ['C'], fullyCorrect: false });
    book.commit(0, 2, 'ann', { stored: 'A', points: 0, countKeys: ['A'], fullyCorrect: true });
    book.commit(0, 2, 'bob', { stored: 'A', points: 0, countKeys: ['A'], fullyCorrect: true });
    book.commit(1, 1, 'ann', { stored: 'D', points: 0, countKeys: ['D'], fullyCorrect: false });
    expect(book.tally(0, 1)).toEqual({ answered: 3, correct: 1 });
    // Round 2 scores nothing, yet its right answers are right: correct follows the flag, not the points.
    expect(book.tally(0, 2)).toEqual({ answered: 2, correct: 2 });
    expect(book.tally(1, 1)).toEqual({ answered: 1, correct: 0 });
    expect(book.tally(1, 2)).toEqual({ answered: 0, correct: 0 });
  });

  test('counts committed answers only: a held answer, right or not, is in neither number until committed', () => {
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'B', points: 1000, countKeys: ['B'], fullyCorrect: true });
    book.hold(0, 1, 'bob', 'B', 900);
    book.hold(0, 1, 'cat', 'A', 0);
    expect(book.tally(0, 1)).toEqual({ answered: 1, correct: 1 });
    book.release(0, 1, 'bob');
    expect(book.tally(0, 1)).toEqual({ answered: 1, correct: 1 });
    book.commit(0, 1, 'cat', { stored: 'A', points: 0, countKeys: ['A'], fullyCorrect: false });
    expect(book.tally(0, 1)).toEqual({ answered: 2, correct: 1 });
  });

  test('a held answer committed later is counted once', () => {
    const book = new AnswerBook();
    book.hold(0, 1, 'ann', 'B', 800);
    book.commit(0, 1, 'ann', { stored: 'B', points: 800, countKeys: ['B'], fullyCorrect: true });
    expect(book.tally(0, 1)).toEqual({ answered: 1, correct: 1 });
  });
});

describe('forgetStudent (a removed student)', () => {
  test('takes every committed answer of theirs out of counts and tallies, in every question and round; held ones just go', () => {
    const book = new AnswerBook();
    const describe = (_questionIdx: number, stored: string) => ({ countKeys: stored.split('+'), fullyCorrect: stored === 'A' });
    book.commit(0, 1, 'ann', { stored: 'A', points: 900, countKeys: ['A'], fullyCorrect: true });
    book.commit(0, 1, 'bob', { stored: 'A', points: 800, countKeys: ['A'], fullyCorrect: true });
    book.commit(0, 2, 'ann', { stored: 'B', points: 0, countKeys: ['B'], fullyCorrect: false });
    book.commit(1, 1, 'ann', { stored: 'A+C', points: 500, countKeys: ['A', 'C'], fullyCorrect: false });
    book.hold(2, 1, 'ann', 'D', 0);

    book.forgetStudent('ann', describe);

    expect(book.get(0, 1, 'ann')).toBeUndefined();
    expect(book.get(2, 1, 'ann')).toBeUndefined();
    expect(book.get(0, 1, 'bob')?.committed).toBe(true);
    expect(book.tally(0, 1)).toEqual({ answered: 1, correct: 1 });
    expect(book.tally(0, 2)).toEqual({ answered: 0, correct: 0 });
    expect(book.counts(0, 1, letters(4))).toEqual({ A: 1, B: 0, C: 0, D: 0 });
    expect(book.counts(1, 1, letters(4))).toEqual({ A: 0, B: 0, C: 0, D: 0 });
    expect(book.answeredCount(1, 1)).toBe(0);
    // Forgetting someone with no answers changes nothing.
    book.forgetStudent('nobody', describe);
    expect(book.tally(0, 1)).toEqual({ answered: 1, correct: 1 });
  });
});
