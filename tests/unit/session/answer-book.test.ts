import { describe, expect, test } from 'bun:test';
import { AnswerBook } from '../../../src/session/answer-book';

describe('hold and commit', () => {
  test('a held answer is known but not counted', () => {
    const book = new AnswerBook();
    book.hold(0, 'ann', 'B', 800);
    expect(book.get(0, 'ann')).toEqual({ choice: 'B', points: 800, committed: false });
    expect(book.answeredCount(0)).toBe(0);
    expect(book.counts(0, 4)).toEqual({ A: 0, B: 0, C: 0, D: 0 });
  });

  test('a committed answer is counted once, under its choice', () => {
    const book = new AnswerBook();
    book.hold(0, 'ann', 'B', 800);
    book.commit(0, 'ann', 'B', 800);
    expect(book.get(0, 'ann')).toEqual({ choice: 'B', points: 800, committed: true });
    expect(book.answeredCount(0)).toBe(1);
    expect(book.counts(0, 4)).toEqual({ A: 0, B: 1, C: 0, D: 0 });
  });

  test('answers to different questions are kept apart', () => {
    const book = new AnswerBook();
    book.commit(0, 'ann', 'A', 1000);
    book.commit(1, 'ann', 'C', 0);
    book.commit(1, 'bob', 'C', 0);
    expect(book.get(0, 'ann')?.choice).toBe('A');
    expect(book.get(1, 'ann')?.choice).toBe('C');
    expect(book.get(0, 'bob')).toBeUndefined();
    expect(book.answeredCount(0)).toBe(1);
    expect(book.answeredCount(1)).toBe(2);
    expect(book.counts(0, 3)).toEqual({ A: 1, B: 0, C: 0 });
    expect(book.counts(1, 3)).toEqual({ A: 0, B: 0, C: 2 });
  });

  test('answersTo lists held and committed answers of one question', () => {
    const book = new AnswerBook();
    book.commit(2, 'ann', 'A', 900);
    book.hold(2, 'bob', 'D', 0);
    book.commit(3, 'cat', 'A', 1000);
    expect(new Map(book.answersTo(2))).toEqual(
      new Map([
        ['ann', { choice: 'A', points: 900, committed: true }],
        ['bob', { choice: 'D', points: 0, committed: false }],
      ]),
    );
    expect([...book.answersTo(9)]).toEqual([]);
  });
});

describe('release', () => {
  test('forgets a held answer so the student may submit again', () => {
    const book = new AnswerBook();
    book.hold(0, 'ann', 'A', 1000);
    book.release(0, 'ann');
    expect(book.get(0, 'ann')).toBeUndefined();
    expect(book.answeredCount(0)).toBe(0);
    expect([...book.answersTo(0)]).toEqual([]);
  });

  test('touches only that student and question', () => {
    const book = new AnswerBook();
    book.hold(0, 'ann', 'A', 1000);
    book.hold(0, 'bob', 'B', 0);
    book.hold(1, 'ann', 'C', 0);
    book.release(0, 'ann');
    expect(book.get(0, 'bob')).toBeDefined();
    expect(book.get(1, 'ann')).toBeDefined();
  });

  test('of an unknown question or student does nothing', () => {
    const book = new AnswerBook();
    book.release(5, 'nobody');
    expect(book.answeredCount(5)).toBe(0);
  });
});

describe('counts', () => {
  test('are zero-filled for every letter of the question and only those', () => {
    const book = new AnswerBook();
    expect(book.counts(0, 2)).toEqual({ A: 0, B: 0 });
    expect(book.counts(0, 6)).toEqual({ A: 0, B: 0, C: 0, D: 0, E: 0, F: 0 });
  });

  test('list letters in order', () => {
    const book = new AnswerBook();
    book.commit(0, 'ann', 'D', 0);
    book.commit(0, 'bob', 'A', 1000);
    expect(Object.keys(book.counts(0, 5))).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  test('add up over many students', () => {
    const book = new AnswerBook();
    const choices = ['A', 'B', 'A', 'C', 'A', 'B'];
    choices.forEach((choice, position) => book.commit(0, `s${position}`, choice, 0));
    expect(book.counts(0, 4)).toEqual({ A: 3, B: 2, C: 1, D: 0 });
    expect(book.answeredCount(0)).toBe(6);
  });

  test('a held answer that is released never reaches the counts', () => {
    const book = new AnswerBook();
    book.commit(0, 'ann', 'A', 1000);
    book.hold(0, 'bob', 'A', 1000);
    book.release(0, 'bob');
    expect(book.counts(0, 4)).toEqual({ A: 1, B: 0, C: 0, D: 0 });
    expect(book.answeredCount(0)).toBe(1);
  });
});
