import { describe, expect, test } from 'bun:test';
import { SESSION_ID } from '../../../src/protocol/constants';
import type { Round } from '../../../src/protocol/constants';
import type { Pool } from '../../../src/protocol/pool';
import type { SessionState } from '../../../src/session/machine';
import type { AnswerRow, RunRecord, SessionStore, StudentRow } from '../../../src/session/ports';
import { Run } from '../../../src/session/run';
import { makePool, makeQuestion } from '../../helpers/test-server';

const RUN_ID = 12;
const pool = makePool(3);

/** A store that holds rows for one run; only the two list calls Run.load makes are allowed. */
function storeWith(students: StudentRow[], answers: AnswerRow[]): SessionStore {
  const known = {
    listStudents: (runId: number) => (runId === RUN_ID ? students : []),
    listAnswers: (runId: number) => (runId === RUN_ID ? answers : []),
  };
  return new Proxy(known as unknown as SessionStore, {
    get(target, property) {
      if (property in target) return target[property as keyof typeof target];
      throw new Error(`unexpected store call: ${String(property)}`);
    },
  });
}

const ENDED: SessionState = { phase: 'ended', lastIndex: 2 };

function record(state: SessionState, runPool: Pool = pool): RunRecord {
  return { id: RUN_ID, poolJson: JSON.stringify(runPool), state };
}

const LETTERS_4 = ['A', 'B', 'C', 'D'];

function student(studentId: string, joinedAtMs: number, extra: Partial<StudentRow> = {}): StudentRow {
  return { studentId, name: `Name ${studentId}`, epoch: 0, released: false, joinedAtMs, ...extra };
}

function row(questionIdx: number, studentId: string, choice: string, points: number, round: Round = 1): AnswerRow {
  return { questionIdx, round, studentId, choice, points, receivedAtMs: 0 };
}

/** An empty run in the given state, for the ranking tests. */
function emptyRun(state: SessionState): Run {
  return Run.load(record(state), storeWith([], []));
}

describe('Run.load', () => {
  test('rebuilds the roster in stored order with epochs and release flags', () => {
    const run = Run.load(
      record({ phase: 'lobby' }),
      storeWith([student('bob', 20), student('ann', 10, { epoch: 3, released: true, name: 'Ann' })], []),
    );
    expect(run.id).toBe(RUN_ID);
    expect(run.pool).toEqual(pool);
    expect(run.state).toEqual({ phase: 'lobby' });
    expect(run.roster.sid).toBe(SESSION_ID);
    expect(run.roster.runId).toBe(RUN_ID);
    expect(run.roster.list().map((entry) => [entry.studentId, entry.epoch, entry.released])).toEqual([
      ['bob', 0, false],
      ['ann', 3, true],
    ]);
    expect(run.roster.get('ann')?.name).toBe('Ann');
  });

  test('rebuilds the book: committed answers, counts and scores of closed questions', () => {
    const run = Run.load(
      record({ phase: 'review', index: 1, round: 1 }),
      storeWith(
        [student('ann', 1), student('bob', 2)],
        [row(0, 'ann', 'A', 1000), row(0, 'bob', 'B', 0), row(1, 'ann', 'B', 700), row(1, 'bob', 'B', 600)],
      ),
    );
    expect(run.book.get(0, 1, 'ann')).toEqual({ stored: 'A', points: 1000, committed: true });
    expect(run.book.answeredCount(1, 1)).toBe(2);
    expect(run.book.counts(1, 1, LETTERS_4)).toEqual({ A: 0, B: 2, C: 0, D: 0 });
    // Question 0's answer is A, question 1's B.
    expect(run.book.tally(0, 1)).toEqual({ answered: 2, correct: 1 });
    expect(run.book.tally(1, 1)).toEqual({ answered: 2, correct: 2 });
    // In review the current question's points are already revealed.
    expect(run.roster.get('ann')?.score).toBe(1700);
    expect(run.roster.get('bob')?.score).toBe(600);
  });

  test('points of the open question stay hidden after a restart, and show once revealed', () => {
    const run = Run.load(
      record({ phase: 'question', index: 1, round: 1, openedAt: 0, deadline: 20_000 }),
      storeWith([student('ann', 1)], [row(0, 'ann', 'A', 1000), row(1, 'ann', 'B', 800)]),
    );
    expect(run.roster.get('ann')?.score).toBe(1000);
    // The answer itself is known (the student cannot answer twice) and counted.
    expect(run.book.get(1, 1, 'ann')).toEqual({ stored: 'B', points: 800, committed: true });
    expect(run.book.answeredCount(1, 1)).toBe(1);

    run.revealPoints(1, 1);
    expect(run.roster.get('ann')?.score).toBe(1800);
  });

  test('answers of a student missing from the roster are counted but give nobody points', () => {
    const run = Run.load(record(ENDED), storeWith([student('ann', 1)], [row(0, 'ghost', 'A', 1000)]));
    expect(run.book.answeredCount(0, 1)).toBe(1);
    expect(run.roster.get('ann')?.score).toBe(0);
    expect(run.roster.size).toBe(1);
  });

  test('rebuilds both rounds of a revoted question apart, with round 1’s points in the score', () => {
    const run = Run.load(
      record({ phase: 'review', index: 0, round: 2 }),
      storeWith(
        [student('ann', 1), student('bob', 2)],
        [row(0, 'ann', 'A', 900), row(0, 'bob', 'B', 0), row(0, 'ann', 'A', 0, 2), row(0, 'bob', 'A', 0, 2)],
      ),
    );
    expect(run.book.get(0, 1, 'bob')).toEqual({ stored: 'B', points: 0, committed: true });
    expect(run.book.get(0, 2, 'bob')).toEqual({ stored: 'A', points: 0, committed: true });
    expect(run.book.counts(0, 1, LETTERS_4)).toEqual({ A: 1, B: 1, C: 0, D: 0 });
    expect(run.book.counts(0, 2, LETTERS_4)).toEqual({ A: 2, B: 0, C: 0, D: 0 });
    // Round 2 scores 0, yet both its answers are right: the tally is judged from the answer, not the points.
    expect(run.book.tally(0, 1)).toEqual({ answered: 2, correct: 1 });
    expect(run.book.tally(0, 2)).toEqual({ answered: 2, correct: 2 });
    expect(run.roster.get('ann')?.score).toBe(900);
  });

  test('in round 2 of an open question, round 1’s points of that question are shown', () => {
    const run = Run.load(
      record({ phase: 'question', index: 0, round: 2, openedAt: 0, deadline: 20_000 }),
      storeWith([student('ann', 1)], [row(0, 'ann', 'A', 900), row(0, 'ann', 'B', 0, 2)]),
    );
    expect(run.roster.get('ann')?.score).toBe(900);
    expect(run.book.get(0, 2, 'ann')).toEqual({ stored: 'B', points: 0, committed: true });
    expect(run.book.answeredCount(0, 2)).toBe(1);
  });

  test('rebuilds the count keys of every type: each letter of a multiple answer, correct/incorrect of a numeric one', () => {
    const typed: Pool = {
      title: 'typed',
      scoring: 'speed',
      questions: [
        makeQuestion({ type: 'multiple', answer: ['A', 'C'] }),
        makeQuestion({ type: 'numeric', answer: 10, tolerance: 1 }),
        makeQuestion({ type: 'poll' }),
      ],
    };
    const run = Run.load(
      record({ phase: 'review', index: 2, round: 1 }, typed),
      storeWith(
        [student('ann', 1), student('bob', 2)],
        [
          row(0, 'ann', 'A+C', 1000),
          row(0, 'bob', 'A+B+C', 333),
          row(1, 'ann', '11', 900),
          row(1, 'bob', '-3.5', 0),
          row(2, 'ann', 'D', 0),
        ],
      ),
    );
    expect(run.book.counts(0, 1, LETTERS_4)).toEqual({ A: 2, B: 1, C: 2, D: 0 });
    expect(run.book.answeredCount(0, 1)).toBe(2);
    expect(run.book.counts(1, 1, ['correct', 'incorrect'])).toEqual({ correct: 1, incorrect: 1 });
    expect(run.book.counts(2, 1, LETTERS_4)).toEqual({ A: 0, B: 0, C: 0, D: 1 });
    // A+B+C earned partial credit: answered, not fully correct. 11 is within 10 ± 1. A poll has no right answer.
    expect(run.book.tally(0, 1)).toEqual({ answered: 2, correct: 1 });
    expect(run.book.tally(1, 1)).toEqual({ answered: 2, correct: 1 });
    expect(run.book.tally(2, 1)).toEqual({ answered: 1, correct: 0 });
    expect(run.roster.get('ann')?.score).toBe(1900);
    expect(run.roster.get('bob')?.score).toBe(333);
  });

  test('rebuilds the tally from the stored answers: only a multiple answer’s exact set, only a number within tolerance, is correct', () => {
    const typed: Pool = {
      title: 'typed',
      scoring: 'speed',
      questions: [
        makeQuestion({ type: 'multiple', answer: ['A', 'C'] }),
        makeQuestion({ type: 'numeric', answer: 3.14, tolerance: 0.01 }),
        makeQuestion({ type: 'poll' }),
      ],
    };
    const run = Run.load(
      record({ phase: 'review', index: 2, round: 1 }, typed),
      storeWith(
        [],
        [
          row(0, 'exact', 'A+C', 1000),
          row(0, 'subset', 'A', 500),
          row(0, 'superset', 'A+B+C', 500),
          row(0, 'wrong', 'B+D', 0),
          row(0, 'exact', 'A+C', 0, 2),
          row(0, 'subset', 'A+C', 0, 2),
          row(0, 'superset', 'A+C', 0, 2),
          row(1, 'edge', '3.13', 1000), // 3.14 − 0.01: on the edge despite binary floating point
          row(1, 'inside', '3.145', 1000),
          row(1, 'outside', '3.16', 0),
          row(2, 'ann', 'A', 0),
          row(2, 'bob', 'B', 0),
        ],
      ),
    );
    expect(run.book.tally(0, 1)).toEqual({ answered: 4, correct: 1 });
    expect(run.book.tally(0, 2)).toEqual({ answered: 3, correct: 3 });
    expect(run.book.tally(1, 1)).toEqual({ answered: 3, correct: 2 });
    expect(run.book.tally(2, 1)).toEqual({ answered: 2, correct: 0 });
  });

  test('a pool stored before version 2 is read as single, speed-scored questions', () => {
    const v1 = {
      title: 'Old',
      questions: [{ text: 'q', choices: ['a', 'b'], answer: 'B', time_limit_s: 20, explanation: null }],
    };
    const run = Run.load({ id: RUN_ID, poolJson: JSON.stringify(v1), state: { phase: 'lobby' } }, storeWith([], []));
    expect(run.pool).toEqual({
      title: 'Old',
      scoring: 'speed',
      questions: [makeQuestion({ text: 'q', choices: ['a', 'b'], answer: 'B' })],
    });
  });

  test('answers to a question the pool does not have are skipped', () => {
    const run = Run.load(record(ENDED), storeWith([student('ann', 1)], [row(7, 'ann', 'A', 1000), row(0, 'ann', 'A', 500)]));
    expect(run.book.answeredCount(7, 1)).toBe(0);
    expect(run.book.tally(7, 1)).toEqual({ answered: 0, correct: 0 });
    expect(run.roster.get('ann')?.score).toBe(500);
  });
});

describe('Run.revealPoints', () => {
  test('adds committed points of that question only; held answers add nothing', () => {
    const run = emptyRun({ phase: 'question', index: 0, round: 1, openedAt: 0, deadline: 20_000 });
    const ann = run.roster.add({ studentId: 'ann', name: 'Ann', epoch: 0, released: false, joinedAtMs: 1 });
    const bob = run.roster.add({ studentId: 'bob', name: 'Bob', epoch: 0, released: false, joinedAtMs: 2 });
    run.book.commit(0, 1, 'ann', { stored: 'A', points: 900, countKeys: ['A'], fullyCorrect: true });
    run.book.hold(0, 1, 'bob', 'A', 950);
    run.book.commit(1, 1, 'ann', { stored: 'B', points: 500, countKeys: ['B'], fullyCorrect: true });

    expect(ann.score).toBe(0);
    run.revealPoints(0, 1);
    expect(ann.score).toBe(900);
    expect(bob.score).toBe(0);
  });

  test('revealing round 2 adds round 2’s points only, never round 1’s again', () => {
    const run = emptyRun({ phase: 'question', index: 0, round: 2, openedAt: 0, deadline: 20_000 });
    const ann = run.roster.add({ studentId: 'ann', name: 'Ann', epoch: 0, released: false, joinedAtMs: 1, score: 900 });
    run.book.commit(0, 1, 'ann', { stored: 'A', points: 900, countKeys: ['A'], fullyCorrect: true });
    run.book.commit(0, 2, 'ann', { stored: 'A', points: 0, countKeys: ['A'], fullyCorrect: true });
    run.revealPoints(0, 2);
    expect(ann.score).toBe(900);
  });
});

describe('Run.standings', () => {
  test('orders by score, ties share a rank and keep join order', () => {
    const run = emptyRun(ENDED);
    // Joined in this order; scores chosen so that id and name order differ from join order.
    const scores: [string, number, number][] = [
      ['zoe', 100, 500],
      ['amy', 200, 1000],
      ['max', 300, 500],
      ['bea', 400, 0],
      ['cal', 500, 1000],
    ];
    for (const [studentId, joinedAtMs, score] of scores) {
      run.roster.add({ studentId, name: studentId, epoch: 0, released: false, joinedAtMs, score });
    }
    expect(run.standings().map(({ entry, rank }) => [entry.studentId, rank])).toEqual([
      ['amy', 1],
      ['cal', 1],
      ['zoe', 3],
      ['max', 3],
      ['bea', 5],
    ]);
  });

  test('ties follow join time even when the roster was loaded in another order', () => {
    const run = Run.load(record(ENDED), storeWith([student('late', 900), student('early', 100)], []));
    expect(run.standings().map(({ entry, rank }) => [entry.studentId, rank])).toEqual([
      ['early', 1],
      ['late', 1],
    ]);
  });

  test('includes released students (their score stays)', () => {
    const run = emptyRun(ENDED);
    run.roster.add({ studentId: 'gone', name: 'Gone', epoch: 1, released: true, joinedAtMs: 1, score: 300 });
    expect(run.standings().map(({ entry }) => entry.studentId)).toEqual(['gone']);
  });
});

describe('Run.finalRankOf', () => {
  test('is undefined before the run has ended', () => {
    for (const state of [
      { phase: 'lobby' },
      { phase: 'question', index: 0, round: 1, openedAt: 0, deadline: 1 },
      { phase: 'review', index: 0, round: 1 },
      { phase: 'question', index: 0, round: 2, openedAt: 0, deadline: 1 },
      { phase: 'review', index: 0, round: 2 },
    ] as SessionState[]) {
      const run = emptyRun(state);
      const ann = run.roster.add({ studentId: 'ann', name: 'Ann', epoch: 0, released: false, joinedAtMs: 1, score: 10 });
      expect(run.finalRankOf(ann)).toBeUndefined();
    }
  });

  test('after the end, is the standing rank', () => {
    const run = emptyRun(ENDED);
    const ann = run.roster.add({ studentId: 'ann', name: 'Ann', epoch: 0, released: false, joinedAtMs: 1, score: 100 });
    const bob = run.roster.add({ studentId: 'bob', name: 'Bob', epoch: 0, released: false, joinedAtMs: 2, score: 300 });
    const cat = run.roster.add({ studentId: 'cat', name: 'Cat', epoch: 0, released: false, joinedAtMs: 3, score: 100 });
    expect([ann, bob, cat].map((entry) => run.finalRankOf(entry))).toEqual([2, 1, 2]);
  });

  test('the rank of a run that ends after being asked before is still computed', () => {
    const run = emptyRun({ phase: 'review', index: 2, round: 1 });
    const ann = run.roster.add({ studentId: 'ann', name: 'Ann', epoch: 0, released: false, joinedAtMs: 1, score: 100 });
    const bob = run.roster.add({ studentId: 'bob', name: 'Bob', epoch: 0, released: false, joinedAtMs: 2, score: 300 });
    expect(run.finalRankOf(ann)).toBeUndefined();
    run.state = ENDED;
    expect(run.finalRankOf(ann)).toBe(2);
    expect(run.finalRankOf(bob)).toBe(1);
  });

  test('is recomputed when a student joins after the end', () => {
    const run = emptyRun(ENDED);
    const ann = run.roster.add({ studentId: 'ann', name: 'Ann', epoch: 0, released: false, joinedAtMs: 1, score: 0 });
    expect(run.finalRankOf(ann)).toBe(1);
    // Cached ranks must not outlive a roster change: a higher-scored newcomer pushes Ann down.
    const late = run.roster.add({ studentId: 'late', name: 'Late', epoch: 0, released: false, joinedAtMs: 9, score: 50 });
    expect(run.finalRankOf(late)).toBe(1);
    expect(run.finalRankOf(ann)).toBe(2);
  });

  test('a late joiner with no points ties with the others at zero', () => {
    const run = emptyRun(ENDED);
    const ann = run.roster.add({ studentId: 'ann', name: 'Ann', epoch: 0, released: false, joinedAtMs: 1, score: 500 });
    const zero = run.roster.add({ studentId: 'zero', name: 'Zero', epoch: 0, released: false, joinedAtMs: 2, score: 0 });
    expect(run.finalRankOf(zero)).toBe(2);
    const late = run.roster.add({ studentId: 'late', name: 'Late', epoch: 0, released: false, joinedAtMs: 9 });
    expect(run.finalRankOf(late)).toBe(2);
    expect(run.finalRankOf(ann)).toBe(1);
  });
});
