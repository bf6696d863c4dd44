import { DEFAULT_COURSE_SETTINGS, publicSettingsOf } from '../../../src/protocol/settings';
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
import { makeQuestion } from '../../helpers/test-server';

const T0 = 1_700_000_000_000;
const SECRET_FIELDS = ['correct', 'counts', 'tally', 'explanation'] as const;

/** Two questions: 20 s with answer B and an explanation; 10 s, three choices, answer C, none. */
const pool: Pool = {
  title: 'views',
  scoring: 'speed',
  questions: [
    makeQuestion({ text: 'Which is B?', choices: ['a', 'b', 'c', 'd'], answer: 'B', time_limit_s: 20, explanation: 'B is B.' }),
    makeQuestion({ text: 'Which is C?', choices: ['a', 'b', 'c'], answer: 'C', time_limit_s: 10, explanation: null }),
  ],
};

/** What every question view and frame of a round-1 single, speed-scored question without an image carries. */
const SINGLE_FACE = { question_type: 'single', round: 1, image: null, image_alt: null, scoring: 'speed' } as const;

const emptyStore = { listStudents: () => [], listAnswers: () => [] } as unknown as SessionStore;

const QUESTION_0: SessionState = { phase: 'question', index: 0, round: 1, openedAt: T0, deadline: T0 + 20_000 };
const REVIEW_0: SessionState = { phase: 'review', index: 0, round: 1 };
const ENDED: SessionState = { phase: 'ended', lastIndex: 1 };

/**
 * Ann answered B (right, 900 points, committed), Bob answered A (wrong, committed), Cat
 * holds C (not committed yet), Dan did not answer: counts A 1, B 1; tally 2 answered, 1 correct. Ann has a socket; the others do not.
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
  run.book.commit(0, 1, 'ann', { stored: 'B', points: 900, countKeys: ['B'], fullyCorrect: true });
  run.book.commit(0, 1, 'bob', { stored: 'A', points: 0, countKeys: ['A'], fullyCorrect: false });
  run.book.hold(0, 1, 'cat', 'C', 0);
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
      settings: publicSettingsOf(DEFAULT_COURSE_SETTINGS),
      asks: [],
    });
  });

  test('while a question is open it never holds correct, counts, tally or explanation', () => {
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
    expect(snapshot.question).toEqual({
      text: 'Which is B?',
      choices: ['a', 'b', 'c', 'd'],
      ...SINGLE_FACE,
      time_limit_ms: 20_000,
      remaining_ms: 15_000,
    });
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

  test('in review the question carries correct, counts and tally of committed answers and explanation; me carries my points', () => {
    const { run, ann, bob, dan } = runIn(REVIEW_0);
    const snapshot = studentSnapshotOf(run, ann, T0 + 60_000);
    expectValidStudentSnapshot(snapshot);
    expect(snapshot.question).toEqual({
      text: 'Which is B?',
      choices: ['a', 'b', 'c', 'd'],
      ...SINGLE_FACE,
      time_limit_ms: 20_000,
      remaining_ms: 0,
      correct: 'B',
      counts: { A: 1, B: 1, C: 0, D: 0 },
      tally: { answered: 2, correct: 1 },
      explanation: 'B is B.',
    });
    expect(snapshot.me).toEqual({ student_id: 'ann', name: 'Name ann', score: 1200, answer: 'B', points: 900 });
    expect(studentSnapshotOf(run, bob, T0).me).toMatchObject({ answer: 'A', points: 0 });
    expect(studentSnapshotOf(run, dan, T0).me).toMatchObject({ answer: null, points: 0 });
  });

  test('a question without an explanation shows null in review', () => {
    const { run, ann } = runIn({ phase: 'review', index: 1, round: 1 });
    const snapshot = studentSnapshotOf(run, ann, T0);
    expectValidStudentSnapshot(snapshot);
    expect(snapshot.question).toMatchObject({
      correct: 'C',
      counts: { A: 0, B: 0, C: 0 },
      tally: { answered: 0, correct: 0 },
      explanation: null,
    });
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
  test('while a question is open: correct, explanation, counts and tally of committed answers only', () => {
    const { run } = runIn(QUESTION_0);
    const snapshot = adminSnapshotOf(run, T0 + 1_000);
    expectValidAdminSnapshot(snapshot);
    expect(snapshot.question).toMatchObject({
      correct: 'B',
      counts: { A: 1, B: 1, C: 0, D: 0 },
      tally: { answered: 2, correct: 1 },
      explanation: 'B is B.',
      remaining_ms: 19_000,
    });
    expect(snapshot.question).not.toHaveProperty('first_round_tally');
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
    const frame = parseValid(questionOpenOf(run, 0, 1, T0 + 2_500));
    expect(frame).toEqual({
      type: 'question_open',
      question_idx: 0,
      text: 'Which is B?',
      choices: ['a', 'b', 'c', 'd'],
      ...SINGLE_FACE,
      time_limit_ms: 20_000,
      remaining_ms: 17_500,
    });
    for (const field of SECRET_FIELDS) expect(frame).not.toHaveProperty(field);
  });
});

describe('answerProgressOf', () => {
  test('counts committed answers only, out of every student', () => {
    const { run } = runIn(QUESTION_0);
    expect(parseValid(answerProgressOf(run, 0, 1))).toEqual({
      type: 'answer_progress',
      question_idx: 0,
      answered: 2,
      students_count: 4,
      counts: { A: 1, B: 1, C: 0, D: 0 },
    });
  });
});

describe('questionClosedOf', () => {
  test('the shared frame (admins) has correct, counts, tally and explanation and no personal fields', () => {
    const { run } = runIn(REVIEW_0);
    const { frames } = questionClosedOf(run, 0, 1);
    const shared = parseValid(frames.shared);
    expect(shared).toEqual({
      type: 'question_closed',
      question_idx: 0,
      question_type: 'single',
      round: 1,
      correct: 'B',
      counts: { A: 1, B: 1, C: 0, D: 0 },
      tally: { answered: 2, correct: 1 },
      explanation: 'B is B.',
    });
  });

  test('each student’s frame adds your_choice, points and score', () => {
    const { run, ann, bob, dan } = runIn(REVIEW_0);
    const { frames, fieldsFor } = questionClosedOf(run, 0, 1);
    const personal = (entry: StudentEntry) => parseValid(frames.personal(fieldsFor(entry)));
    expect(personal(ann)).toMatchObject({ your_choice: 'B', points: 900, score: 1200, correct: 'B', tally: { answered: 2, correct: 1 } });
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

describe('question types and rounds', () => {
  /** multiple (A, C of four), numeric (10 ± 0.5, accuracy), poll (three choices) with an image. */
  const typed: Pool = {
    title: 'typed',
    scoring: 'speed',
    questions: [
      makeQuestion({ type: 'multiple', answer: ['A', 'C'], explanation: 'A and C.' }),
      makeQuestion({ type: 'numeric', answer: 10, tolerance: 0.5, scoring: 'accuracy', time_limit_s: 30 }),
      makeQuestion({ type: 'poll', choices: ['x', 'y', 'z'], image: '/media/abc.png', image_alt: 'a chart' }),
    ],
  };

  function typedRun(state: SessionState) {
    const run = Run.load({ id: 3, poolJson: JSON.stringify(typed), state }, emptyStore);
    const add = (studentId: string, joinedAtMs: number) =>
      run.roster.add({ studentId, name: `Name ${studentId}`, epoch: 0, released: false, joinedAtMs });
    const ann = add('ann', 1);
    const bob = add('bob', 2);
    const cat = add('cat', 3);
    run.book.commit(0, 1, 'ann', { stored: 'A+C', points: 900, countKeys: ['A', 'C'], fullyCorrect: true });
    run.book.commit(0, 1, 'bob', { stored: 'A+B', points: 0, countKeys: ['A', 'B'], fullyCorrect: false });
    run.book.commit(1, 1, 'ann', { stored: '10.25', points: 1000, countKeys: ['correct'], fullyCorrect: true });
    run.book.commit(1, 1, 'bob', { stored: '-3', points: 0, countKeys: ['incorrect'], fullyCorrect: false });
    run.book.commit(1, 1, 'cat', { stored: '12', points: 0, countKeys: ['incorrect'], fullyCorrect: false });
    run.book.commit(2, 1, 'ann', { stored: 'B', points: 0, countKeys: ['B'], fullyCorrect: false });
    run.book.commit(2, 1, 'bob', { stored: 'B', points: 0, countKeys: ['B'], fullyCorrect: false });
    run.book.commit(2, 1, 'cat', { stored: 'C', points: 0, countKeys: ['C'], fullyCorrect: false });
    return { run, ann, bob, cat };
  }

  test('multiple: answers read back as lists of letters; each letter picked is counted', () => {
    const { run, ann, bob, cat } = typedRun({ phase: 'review', index: 0, round: 1 });
    const snapshot = studentSnapshotOf(run, ann, T0);
    expectValidStudentSnapshot(snapshot);
    expect(snapshot.question).toEqual({
      text: 'Question?',
      choices: ['Choice A', 'Choice B', 'Choice C', 'Choice D'],
      question_type: 'multiple',
      round: 1,
      image: null,
      image_alt: null,
      scoring: 'speed',
      time_limit_ms: 20_000,
      remaining_ms: 0,
      correct: ['A', 'C'],
      counts: { A: 2, B: 1, C: 1, D: 0 },
      tally: { answered: 2, correct: 1 },
      explanation: 'A and C.',
    });
    expect(snapshot.me).toMatchObject({ answer: ['A', 'C'], points: 900 });
    const { frames, fieldsFor } = questionClosedOf(run, 0, 1);
    expect(parseValid(frames.personal(fieldsFor(bob)))).toMatchObject({
      question_type: 'multiple',
      correct: ['A', 'C'],
      counts: { A: 2, B: 1, C: 1, D: 0 },
      tally: { answered: 2, correct: 1 },
      your_choice: ['A', 'B'],
      points: 0,
    });
    expect(parseValid(frames.personal(fieldsFor(cat)))).toMatchObject({ your_choice: null, points: 0 });
  });

  test('numeric: no choices, counts correct/incorrect, answers read back as numbers, accuracy scoring shown', () => {
    const { run, ann, bob } = typedRun({ phase: 'question', index: 1, round: 1, openedAt: T0, deadline: T0 + 30_000 });
    const open = studentSnapshotOf(run, bob, T0 + 1_000);
    expectValidStudentSnapshot(open);
    expect(open.question).toEqual({
      text: 'Question?',
      choices: [],
      question_type: 'numeric',
      round: 1,
      image: null,
      image_alt: null,
      scoring: 'accuracy',
      time_limit_ms: 30_000,
      remaining_ms: 29_000,
    });
    expect(open.me.answer).toBe(-3);
    const admin = adminSnapshotOf(run, T0 + 1_000);
    expectValidAdminSnapshot(admin);
    expect(admin.counts).toEqual({ correct: 1, incorrect: 2 });
    expect(admin.question).toMatchObject({ correct: 10, counts: { correct: 1, incorrect: 2 }, tally: { answered: 3, correct: 1 } });
    expect(parseValid(answerProgressOf(run, 1, 1))).toMatchObject({ answered: 3, counts: { correct: 1, incorrect: 2 } });

    const { frames, fieldsFor } = questionClosedOf(run, 1, 1);
    expect(parseValid(frames.shared)).toEqual({
      type: 'question_closed',
      question_idx: 1,
      question_type: 'numeric',
      round: 1,
      correct: 10,
      counts: { correct: 1, incorrect: 2 },
      tally: { answered: 3, correct: 1 },
      explanation: null,
    });
    expect(parseValid(frames.personal(fieldsFor(ann)))).toMatchObject({ your_choice: 10.25, points: 1000 });
  });

  test('poll: correct is null, and so is the tally’s correct; the image and its alt text are in every view', () => {
    const { run, ann } = typedRun({ phase: 'question', index: 2, round: 1, openedAt: T0, deadline: T0 + 20_000 });
    const open = parseValid(questionOpenOf(run, 2, 1, T0));
    expect(open).toMatchObject({ question_type: 'poll', image: '/media/abc.png', image_alt: 'a chart', choices: ['x', 'y', 'z'] });
    for (const field of SECRET_FIELDS) expect(open).not.toHaveProperty(field);
    expect(studentSnapshotOf(run, ann, T0).question).toMatchObject({ image: '/media/abc.png', image_alt: 'a chart' });
    const { frames } = questionClosedOf(run, 2, 1);
    expect(parseValid(frames.shared)).toMatchObject({ correct: null, counts: { A: 0, B: 2, C: 1 }, tally: { answered: 3, correct: null } });
    expect(adminSnapshotOf(run, T0).question).toMatchObject({ correct: null, tally: { answered: 3, correct: null } });
  });

  test('round 2: views carry round 2, this round’s answer, counts and tally, and round 1’s counts and tally beside them', () => {
    const { run, ann, bob, cat } = typedRun({ phase: 'question', index: 0, round: 2, openedAt: T0, deadline: T0 + 20_000 });
    run.book.commit(0, 2, 'ann', { stored: 'A+C', points: 0, countKeys: ['A', 'C'], fullyCorrect: true });
    run.book.commit(0, 2, 'bob', { stored: 'A+C', points: 0, countKeys: ['A', 'C'], fullyCorrect: true });

    const open = parseValid(questionOpenOf(run, 0, 2, T0));
    expect(open).toMatchObject({ question_type: 'multiple', round: 2 });
    for (const field of [...SECRET_FIELDS, 'first_round_counts', 'first_round_tally']) expect(open).not.toHaveProperty(field);

    const student = studentSnapshotOf(run, bob, T0);
    expectValidStudentSnapshot(student);
    expect(student.question?.round).toBe(2);
    for (const field of [...SECRET_FIELDS, 'first_round_counts', 'first_round_tally']) expect(student.question).not.toHaveProperty(field);
    expect(student.me.answer).toEqual(['A', 'C']);
    // Cat answered in round 1 only: nothing yet in round 2.
    expect(studentSnapshotOf(run, cat, T0).me.answer).toBeNull();

    const admin = adminSnapshotOf(run, T0);
    expectValidAdminSnapshot(admin);
    expect(admin.answered).toBe(2);
    expect(admin.counts).toEqual({ A: 2, B: 0, C: 2, D: 0 });
    expect(admin.question).toMatchObject({
      round: 2,
      counts: { A: 2, B: 0, C: 2, D: 0 },
      first_round_counts: { A: 2, B: 1, C: 1, D: 0 },
      tally: { answered: 2, correct: 2 },
      first_round_tally: { answered: 2, correct: 1 },
    });
    expect(parseValid(answerProgressOf(run, 0, 2))).toMatchObject({ answered: 2, counts: { A: 2, B: 0, C: 2, D: 0 } });

    run.state = { phase: 'review', index: 0, round: 2 };
    const review = studentSnapshotOf(run, ann, T0);
    expectValidStudentSnapshot(review);
    expect(review.question).toMatchObject({
      round: 2,
      correct: ['A', 'C'],
      counts: { A: 2, B: 0, C: 2, D: 0 },
      first_round_counts: { A: 2, B: 1, C: 1, D: 0 },
      tally: { answered: 2, correct: 2 },
      first_round_tally: { answered: 2, correct: 1 },
    });
    // Round 2 scores nothing: my points are this round's.
    expect(review.me).toMatchObject({ answer: ['A', 'C'], points: 0 });

    const { frames, fieldsFor } = questionClosedOf(run, 0, 2);
    expect(parseValid(frames.shared)).toEqual({
      type: 'question_closed',
      question_idx: 0,
      question_type: 'multiple',
      round: 2,
      correct: ['A', 'C'],
      counts: { A: 2, B: 0, C: 2, D: 0 },
      first_round_counts: { A: 2, B: 1, C: 1, D: 0 },
      tally: { answered: 2, correct: 2 },
      first_round_tally: { answered: 2, correct: 1 },
      explanation: 'A and C.',
    });
    expect(parseValid(frames.personal(fieldsFor(bob)))).toMatchObject({ your_choice: ['A', 'C'], points: 0 });
    expect(parseValid(frames.personal(fieldsFor(cat)))).toMatchObject({ your_choice: null, points: 0 });
  });

  test('round 1 frames carry no first_round_counts or first_round_tally', () => {
    const { run } = typedRun({ phase: 'review', index: 0, round: 1 });
    for (const field of ['first_round_counts', 'first_round_tally']) {
      expect(parseValid(questionClosedOf(run, 0, 1).frames.shared)).not.toHaveProperty(field);
      expect(adminSnapshotOf(run, T0).question).not.toHaveProperty(field);
    }
  });
});
