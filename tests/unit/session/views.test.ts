import { describe, expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { LEADERBOARD_SIZE } from '../../../src/protocol/constants';
import type { Pool } from '../../../src/protocol/pool';
import { SERVER_FRAME_SCHEMAS, AdminSnapshot, StudentSnapshot } from '../../../src/protocol/server-frames';
import type { SessionState } from '../../../src/session/machine';
import type { SessionStore } from '../../../src/session/ports';
import type { StudentEntry } from '../../../src/session/roster';
import { Run } from '../../../src/session/run';
import {
  adminSnapshotOf,
  answerProgressOf,
  questionClosedOf,
  questionOpenOf,
  sessionEndedOf,
  studentSnapshotOf,
} from '../../../src/session/views';
import { FakeSocket } from '../../helpers/fake-socket';

const T0 = 1_700_000_000_000;
const SECRET_FIELDS = ['correct', 'counts', 'explanation'] as const;

/** Two questions: 20 s with answer B and an explanation; 10 s, three choices, answer C, none. */
const pool: Pool = {
  title: 'views',
  questions: [
    { text: 'Which is B?', choices: ['a', 'b', 'c', 'd'], answer: 'B', time_limit_s: 20, explanation: 'B is B.' },
    { text: 'Which is C?', choices: ['a', 'b', 'c'], answer: 'C', time_limit_s: 10, explanation: null },
  ],
};

const emptyStore = { listStudents: () => [], listAnswers: () => [] } as unknown as SessionStore;

const QUESTION_0: SessionState = { phase: 'question', index: 0, openedAt: T0, deadline: T0 + 20_000 };
const REVIEW_0: SessionState = { phase: 'review', index: 0 };
const ENDED: SessionState = { phase: 'ended', lastIndex: 1 };

/**
 * Ann answered B (right, 900 points, committed), Bob answered A (wrong, committed), Cat
 * holds C (not committed yet), Dan did not answer. Ann has a socket; the others do not.
 */
function runIn(state: SessionState) {
  const run = Run.load({ id: 9, poolJson: JSON.stringify(pool), state }, emptyStore);
  const add = (studentId: string, joinedAtMs: number, score: number) =>
    run.roster.add({ studentId, name: `Name ${studentId}`, epoch: 0, released: false, joinedAtMs, score });
  const ann = add('ann', 1, 1200);
  const bob = add('bob', 2, 300);
  const cat = add('cat', 3, 300);
  const dan = add('dan', 4, 0);
  ann.sockets.add(new FakeSocket());
  run.book.commit(0, 'ann', 'B', 900);
  run.book.commit(0, 'bob', 'A', 0);
  run.book.hold(0, 'cat', 'C', 0);
  return { run, ann, bob, cat, dan };
}

function expectValidStudentSnapshot(snapshot: unknown) {
  expect(Value.Check(StudentSnapshot, snapshot)).toBe(true);
  expect(Value.Check(SERVER_FRAME_SCHEMAS.snapshot, snapshot)).toBe(true);
}

function expectValidAdminSnapshot(snapshot: unknown) {
  expect(Value.Check(AdminSnapshot, snapshot)).toBe(true);
  expect(Value.Check(SERVER_FRAME_SCHEMAS.snapshot, snapshot)).toBe(true);
}

/** Parses a frame's text and checks it against the schema of its own type. */
function parseValid(data: string): Record<string, any> {
  const frame = JSON.parse(data) as { type: keyof typeof SERVER_FRAME_SCHEMAS };
  const schema = SERVER_FRAME_SCHEMAS[frame.type];
  expect(schema).toBeDefined();
  expect([...Value.Errors(schema, frame)].map((error) => `${error.path}: ${error.message}`)).toEqual([]);
  return frame;
}

describe('studentSnapshotOf', () => {
  test('in the lobby: no question, my identity and score, no points or rank', () => {
    const { run, ann } = runIn({ phase: 'lobby' });
    const snapshot = studentSnapshotOf(run, ann, T0);
    expectValidStudentSnapshot(snapshot);
    expect(snapshot).toEqual({
      type: 'snapshot',
      phase: 'lobby',
      question_idx: null,
      total_questions: 2,
      students_count: 4,
      question: null,
      me: { student_id: 'ann', name: 'Name ann', score: 1200, answer: null, points: null },
    });
  });

  test('while a question is open it never holds correct, counts or explanation', () => {
    const { run, ann, bob, cat, dan } = runIn(QUESTION_0);
    for (const entry of [ann, bob, cat, dan]) {
      const snapshot = studentSnapshotOf(run, entry, T0 + 5_000);
      expectValidStudentSnapshot(snapshot);
      for (const field of SECRET_FIELDS) expect(snapshot.question).not.toHaveProperty(field);
      expect(JSON.stringify(snapshot)).not.toContain('B is B.');
      expect(snapshot.me.points).toBeNull();
    }
  });

  test('while a question is open: the question’s text and timing, my answer (held or committed)', () => {
    const { run, ann, cat, dan } = runIn(QUESTION_0);
    const snapshot = studentSnapshotOf(run, ann, T0 + 5_000);
    expect(snapshot.phase).toBe('question');
    expect(snapshot.question_idx).toBe(0);
    expect(snapshot.question).toEqual({ text: 'Which is B?', choices: ['a', 'b', 'c', 'd'], time_limit_ms: 20_000, remaining_ms: 15_000 });
    expect(snapshot.me.answer).toBe('B');
    expect(studentSnapshotOf(run, cat, T0).me.answer).toBe('C');
    expect(studentSnapshotOf(run, dan, T0).me.answer).toBeNull();
  });

  test('remaining_ms never goes below zero after the deadline', () => {
    const { run, ann } = runIn(QUESTION_0);
    const snapshot = studentSnapshotOf(run, ann, T0 + 25_000);
    expect(snapshot.question?.remaining_ms).toBe(0);
    expectValidStudentSnapshot(snapshot);
  });

  test('in review the question carries correct, counts of committed answers and explanation; me carries my points', () => {
    const { run, ann, bob, dan } = runIn(REVIEW_0);
    const snapshot = studentSnapshotOf(run, ann, T0 + 60_000);
    expectValidStudentSnapshot(snapshot);
    expect(snapshot.question).toEqual({
      text: 'Which is B?',
      choices: ['a', 'b', 'c', 'd'],
      time_limit_ms: 20_000,
      remaining_ms: 0,
      correct: 'B',
      counts: { A: 1, B: 1, C: 0, D: 0 },
      explanation: 'B is B.',
    });
    expect(snapshot.me).toEqual({ student_id: 'ann', name: 'Name ann', score: 1200, answer: 'B', points: 900 });
    expect(studentSnapshotOf(run, bob, T0).me).toMatchObject({ answer: 'A', points: 0 });
    expect(studentSnapshotOf(run, dan, T0).me).toMatchObject({ answer: null, points: 0 });
  });

  test('a question without an explanation shows null in review', () => {
    const { run, ann } = runIn({ phase: 'review', index: 1 });
    const snapshot = studentSnapshotOf(run, ann, T0);
    expectValidStudentSnapshot(snapshot);
    expect(snapshot.question).toMatchObject({ correct: 'C', counts: { A: 0, B: 0, C: 0 }, explanation: null });
  });

  test('after the end: no question, and me carries the final rank and the total', () => {
    const { run, ann, bob, cat, dan } = runIn(ENDED);
    const snapshots = [ann, bob, cat, dan].map((entry) => studentSnapshotOf(run, entry, T0));
    for (const snapshot of snapshots) expectValidStudentSnapshot(snapshot);
    expect(snapshots[0]!.question).toBeNull();
    expect(snapshots.map((snapshot) => [snapshot.me.rank, snapshot.me.total_students])).toEqual([
      [1, 4],
      [2, 4],
      [2, 4],
      [4, 4],
    ]);
  });

  test('before the end me has no rank', () => {
    for (const state of [{ phase: 'lobby' }, QUESTION_0, REVIEW_0] as SessionState[]) {
      const { run, ann } = runIn(state);
      const { me } = studentSnapshotOf(run, ann, T0);
      expect(me).not.toHaveProperty('rank');
      expect(me).not.toHaveProperty('total_students');
    }
  });
});

describe('adminSnapshotOf', () => {
  test('while a question is open: correct, explanation and counts of committed answers only', () => {
    const { run } = runIn(QUESTION_0);
    const snapshot = adminSnapshotOf(run, T0 + 1_000);
    expectValidAdminSnapshot(snapshot);
    expect(snapshot.question).toMatchObject({ correct: 'B', counts: { A: 1, B: 1, C: 0, D: 0 }, explanation: 'B is B.', remaining_ms: 19_000 });
    expect(snapshot.counts).toEqual({ A: 1, B: 1, C: 0, D: 0 });
    expect(snapshot.answered).toBe(2);
    expect(snapshot.run_id).toBe(9);
    expect(snapshot.pool).toEqual(pool);
  });

  test('students in join order with their rank (ties shared), connection and release', () => {
    const { run, dan } = runIn(QUESTION_0);
    dan.released = true;
    const snapshot = adminSnapshotOf(run, T0);
    expectValidAdminSnapshot(snapshot);
    expect(snapshot.students).toEqual([
      { student_id: 'ann', name: 'Name ann', score: 1200, rank: 1, connected: true, released: false },
      { student_id: 'bob', name: 'Name bob', score: 300, rank: 2, connected: false, released: false },
      { student_id: 'cat', name: 'Name cat', score: 300, rank: 2, connected: false, released: false },
      { student_id: 'dan', name: 'Name dan', score: 0, rank: 4, connected: false, released: true },
    ]);
  });

  test('in the lobby: no question, no counts, nothing answered', () => {
    const { run } = runIn({ phase: 'lobby' });
    const snapshot = adminSnapshotOf(run, T0);
    expectValidAdminSnapshot(snapshot);
    expect(snapshot).toMatchObject({ phase: 'lobby', question_idx: null, question: null, counts: null, answered: 0, students_count: 4 });
  });

  test('after the end: no question, no counts', () => {
    const { run } = runIn(ENDED);
    const snapshot = adminSnapshotOf(run, T0);
    expectValidAdminSnapshot(snapshot);
    expect(snapshot).toMatchObject({ phase: 'ended', question_idx: null, question: null, counts: null, answered: 0 });
  });

  test('with nobody joined it is still a valid snapshot', () => {
    const run = Run.load({ id: 1, poolJson: JSON.stringify(pool), state: { phase: 'lobby' } }, emptyStore);
    const snapshot = adminSnapshotOf(run, T0);
    expectValidAdminSnapshot(snapshot);
    expect(snapshot.students).toEqual([]);
  });
});

describe('questionOpenOf', () => {
  test('is a valid question_open without the answer, the counts or the explanation', () => {
    const { run } = runIn(QUESTION_0);
    const frame = parseValid(questionOpenOf(run, 0, T0 + 2_500));
    expect(frame).toEqual({
      type: 'question_open',
      question_idx: 0,
      text: 'Which is B?',
      choices: ['a', 'b', 'c', 'd'],
      time_limit_ms: 20_000,
      remaining_ms: 17_500,
    });
    for (const field of SECRET_FIELDS) expect(frame).not.toHaveProperty(field);
  });
});

describe('answerProgressOf', () => {
  test('counts committed answers only, out of every student', () => {
    const { run } = runIn(QUESTION_0);
    expect(parseValid(answerProgressOf(run, 0))).toEqual({
      type: 'answer_progress',
      question_idx: 0,
      answered: 2,
      students_count: 4,
      counts: { A: 1, B: 1, C: 0, D: 0 },
    });
  });
});

describe('questionClosedOf', () => {
  test('the shared frame (admins) has correct, counts and explanation and no personal fields', () => {
    const { run } = runIn(REVIEW_0);
    const { frames } = questionClosedOf(run, 0);
    const shared = parseValid(frames.shared);
    expect(shared).toEqual({
      type: 'question_closed',
      question_idx: 0,
      correct: 'B',
      counts: { A: 1, B: 1, C: 0, D: 0 },
      explanation: 'B is B.',
    });
  });

  test('each student’s frame adds your_choice, points and score', () => {
    const { run, ann, bob, dan } = runIn(REVIEW_0);
    const { frames, fieldsFor } = questionClosedOf(run, 0);
    const personal = (entry: StudentEntry) => parseValid(frames.personal(fieldsFor(entry)));
    expect(personal(ann)).toMatchObject({ your_choice: 'B', points: 900, score: 1200, correct: 'B' });
    expect(personal(bob)).toMatchObject({ your_choice: 'A', points: 0, score: 300 });
    expect(personal(dan)).toMatchObject({ your_choice: null, points: 0, score: 0 });
  });
});

describe('sessionEndedOf', () => {
  function endedRunWith(count: number) {
    const run = Run.load({ id: 1, poolJson: JSON.stringify(pool), state: ENDED }, emptyStore);
    const entries = Array.from({ length: count }, (_, position) =>
      run.roster.add({ studentId: `s${position}`, name: `N${position}`, epoch: 0, released: false, joinedAtMs: position, score: position * 10 }),
    );
    return { run, entries };
  }

  test('the shared leaderboard is the top LEADERBOARD_SIZE by rank, with names, scores and ranks only', () => {
    const { run } = endedRunWith(LEADERBOARD_SIZE + 3);
    const { frames } = sessionEndedOf(run.standings(), run.roster.size);
    const shared = parseValid(frames.shared);
    expect(Object.keys(shared).sort()).toEqual(['leaderboard', 'type']);
    expect(shared.leaderboard).toHaveLength(LEADERBOARD_SIZE);
    expect(shared.leaderboard[0]).toEqual({ name: `N${LEADERBOARD_SIZE + 2}`, score: (LEADERBOARD_SIZE + 2) * 10, rank: 1 });
    expect(shared.leaderboard.map((row: { rank: number }) => row.rank)).toEqual(Array.from({ length: LEADERBOARD_SIZE }, (_, i) => i + 1));
  });

  test('each student’s frame carries their own score, rank and the total, even outside the top', () => {
    const { run, entries } = endedRunWith(LEADERBOARD_SIZE + 3);
    const { frames, fieldsFor } = sessionEndedOf(run.standings(), run.roster.size);
    const last = parseValid(frames.personal(fieldsFor(entries[0]!)));
    expect(last).toMatchObject({ score: 0, rank: LEADERBOARD_SIZE + 3, total_students: LEADERBOARD_SIZE + 3 });
    const first = parseValid(frames.personal(fieldsFor(entries.at(-1)!)));
    expect(first).toMatchObject({ score: (LEADERBOARD_SIZE + 2) * 10, rank: 1, total_students: LEADERBOARD_SIZE + 3 });
  });

  test('ties share a rank in the leaderboard and in the personal frames', () => {
    const { run, ann, bob, cat } = runIn(ENDED);
    const { frames, fieldsFor } = sessionEndedOf(run.standings(), run.roster.size);
    expect(parseValid(frames.shared).leaderboard).toEqual([
      { name: 'Name ann', score: 1200, rank: 1 },
      { name: 'Name bob', score: 300, rank: 2 },
      { name: 'Name cat', score: 300, rank: 2 },
      { name: 'Name dan', score: 0, rank: 4 },
    ]);
    expect(parseValid(frames.personal(fieldsFor(bob))).rank).toBe(2);
    expect(parseValid(frames.personal(fieldsFor(cat))).rank).toBe(2);
    expect(parseValid(frames.personal(fieldsFor(ann)))).toMatchObject({ rank: 1, total_students: 4, score: 1200 });
  });
});
