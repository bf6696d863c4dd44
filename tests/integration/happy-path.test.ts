/**
 * A whole lecture: 20 students join over HTTP and connect, the admin drives a 4-question
 * pool over the admin socket, students answer a deterministic mix of right and wrong
 * letters at different fake times, and every frame and the results CSV agree with the
 * contract's scoring and ranking.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { choiceLettersFor, type ChoiceLetter } from '../../src/protocol/constants';
import { makePool, startTestWorld, type TestWorld } from '../helpers/test-server';
import type { Frame, Inbox } from '../helpers/inbox';
import { parseCrlfCsv } from '../helpers/csv';

/** makePool's questions have four choices. */
const POOL_LETTERS = choiceLettersFor(4);
const STUDENT_COUNT = 20;
const QUESTION_COUNT = 4;
const TIME_LIMIT_MS = 20_000;
/** The last student joins and connects but never answers. */
const SILENT = STUDENT_COUNT - 1;

const pool = makePool(QUESTION_COUNT, { timeLimitS: TIME_LIMIT_MS / 1000 });
const points = (elapsedMs: number, limitMs: number) => Math.round(1000 * (1 - elapsedMs / limitMs / 2));

interface Student {
  id: string;
  name: string;
  cookie: string;
  inbox: Inbox;
}

/** Student i on question q: right unless (i + q) % 3 === 0; elapsed differs by student and question. */
function plan(i: number, q: number): { choice: string; elapsedMs: number; correct: boolean } {
  const answer = pool.questions[q]!.answer as ChoiceLetter;
  const correct = (i + q) % 3 !== 0;
  const choice = correct ? answer : POOL_LETTERS[(POOL_LETTERS.indexOf(answer) + 1 + (i % 3)) % 4]!;
  return { choice, elapsedMs: i * 500 + q * 137, correct };
}

function expectedRank(score: number, all: number[]): number {
  return 1 + all.filter((other) => other > score).length;
}

let world: TestWorld;
let admin: Inbox;
const students: Student[] = [];
const expectedScore = new Array<number>(STUDENT_COUNT).fill(0);
/** expectedPoints[q][i] */
const expectedPoints: number[][] = [];
const expectedChoice: (string | null)[][] = [];

beforeAll(async () => {
  world = await startTestWorld({ fakeTime: true, pool });
});
afterAll(async () => {
  for (const student of students) await student.inbox.close();
  await admin?.close();
  await world.stop();
});

test('20 students join over HTTP and connect; everyone sees the lobby', async () => {
  for (let i = 0; i < STUDENT_COUNT; i++) {
    const id = `s${String(i + 1).padStart(2, '0')}`;
    const name = `Student ${String(i + 1).padStart(2, '0')}`;
    const { response, cookie } = await world.join(id, name);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ student_id: id, name });
    expect(cookie).toStartWith('quiz_student=');
    const inbox = await world.connectStudent(cookie);
    const snapshot = await inbox.next('snapshot');
    expect(snapshot.phase).toBe('lobby');
    expect(snapshot.question_idx).toBeNull();
    expect(snapshot.question).toBeNull();
    expect(snapshot.total_questions).toBe(QUESTION_COUNT);
    expect(snapshot.me).toEqual({ student_id: id, name, score: 0, answer: null, points: null });
    students.push({ id, name, cookie, inbox });
  }
  admin = await world.connectAdmin();
  const snapshot = await admin.next('snapshot');
  expect(snapshot.phase).toBe('lobby');
  expect(snapshot.students_count).toBe(STUDENT_COUNT);
  expect(snapshot.students.map((s: Frame) => s.student_id)).toEqual(students.map((s) => s.id));
  expect(snapshot.students.every((s: Frame) => s.connected === true && s.score === 0)).toBe(true);
  expect(snapshot.pool.questions.map((q: Frame) => q.answer)).toEqual(pool.questions.map((q) => q.answer));

  const health = await (await world.http('/healthz')).json();
  expect(health).toMatchObject({ ok: true, phase: 'lobby', students: STUDENT_COUNT });
});

// Each question is closed a different way: deadline, `close`, `next`, deadline.
const closers = ['deadline', 'close', 'next', 'deadline'] as const;

for (let q = 0; q < QUESTION_COUNT; q++) {
  test(`question ${q}: open, answers, progress, close (${closers[q]})`, async () => {
    expect(students.length).toBe(STUDENT_COUNT);
    const question = pool.questions[q]!;
    admin.send({ type: 'next' });

    const adminOpen = await admin.next('question_open');
    expect(adminOpen.question_idx).toBe(q);
    for (const student of students) {
      const open = await student.inbox.next('question_open');
      expect(open).toEqual({
        type: 'question_open',
        question_idx: q,
        text: question.text,
        choices: question.choices,
        question_type: 'single',
        round: 1,
        image: null,
        image_alt: null,
        scoring: 'speed',
        time_limit_ms: TIME_LIMIT_MS,
        remaining_ms: TIME_LIMIT_MS,
      });
      // The correct answer never reaches a student before question_closed.
      expect(open).not.toHaveProperty('correct');
    }

    // Students answer in order, each at its own fake instant.
    let elapsed = 0;
    const counts: Record<string, number> = { A: 0, B: 0, C: 0, D: 0 };
    const tally = { answered: 0, correct: 0 };
    expectedPoints[q] = new Array<number>(STUDENT_COUNT).fill(0);
    expectedChoice[q] = new Array<string | null>(STUDENT_COUNT).fill(null);
    for (let i = 0; i < STUDENT_COUNT; i++) {
      if (i === SILENT) continue;
      const { choice, elapsedMs, correct } = plan(i, q);
      world.time!.advance(elapsedMs - elapsed);
      elapsed = elapsedMs;
      students[i]!.inbox.send({ type: 'submit', question_idx: q, choice });
      const ack = await students[i]!.inbox.next('submit_ack');
      expect(ack).toEqual({ type: 'submit_ack', question_idx: q, choice, accepted: true });
      counts[choice]! += 1;
      tally.answered += 1;
      if (correct) tally.correct += 1;
      expectedChoice[q]![i] = choice;
      expectedPoints[q]![i] = correct ? points(elapsedMs, TIME_LIMIT_MS) : 0;
      expectedScore[i]! += expectedPoints[q]![i]!;
    }
    expect(expectedPoints[q]!.filter((p) => p > 0).length).toBeGreaterThan(5);
    expect(tally).toEqual({ answered: STUDENT_COUNT - 1, correct: expectedPoints[q]!.filter((p) => p > 0).length });
    expect(new Set(expectedPoints[q]!.filter((p) => p > 0)).size).toBeGreaterThan(5);

    // Let the throttled progress flush, then the admin has seen every answer.
    world.time!.advance(100);
    let progress: Frame;
    do {
      progress = await admin.next('answer_progress');
      expect(progress.question_idx).toBe(q);
      expect(progress.students_count).toBe(STUDENT_COUNT);
    } while (progress.answered < STUDENT_COUNT - 1);
    expect(progress.answered).toBe(STUDENT_COUNT - 1);
    expect(progress.counts).toEqual(counts);
    expect(admin.all('answer_progress').filter((p) => p.question_idx === q).length).toBeGreaterThan(1);

    const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
    expect(state.phase).toBe('question');
    expect(state.answered).toBe(STUDENT_COUNT - 1);
    expect(state.counts).toEqual(counts);
    expect(state.question.tally).toEqual(tally);

    switch (closers[q]) {
      case 'deadline':
        world.time!.advance(TIME_LIMIT_MS - elapsed - 100);
        break;
      case 'close':
        admin.send({ type: 'close' });
        break;
      case 'next':
        admin.send({ type: 'next' });
        break;
    }

    const adminClosed = await admin.next('question_closed');
    expect(adminClosed).toEqual({
      type: 'question_closed',
      question_idx: q,
      question_type: 'single',
      round: 1,
      correct: question.answer,
      counts,
      tally,
      explanation: question.explanation!,
    });

    for (let i = 0; i < STUDENT_COUNT; i++) {
      const closed = await students[i]!.inbox.next('question_closed');
      expect(closed).toEqual({
        type: 'question_closed',
        question_idx: q,
        question_type: 'single',
        round: 1,
        correct: question.answer,
        counts,
        tally,
        explanation: question.explanation!,
        your_choice: expectedChoice[q]![i]!,
        points: expectedPoints[q]![i]!,
        score: expectedScore[i]!,
      });
    }
    // The silent student: no choice, no points, no score.
    const silent = students[SILENT]!.inbox.all('question_closed').at(-1)!;
    expect(silent.your_choice).toBeNull();
    expect(silent.points).toBe(0);
    expect(silent.score).toBe(0);
  });
}

test('the last next ends the session; every student gets rank, score and the leaderboard', async () => {
  expect(expectedPoints.length).toBe(QUESTION_COUNT);
  admin.send({ type: 'next' });
  const adminEnded = await admin.next('session_ended');

  const ranked = students.map((student, i) => ({
    name: student.name,
    score: expectedScore[i]!,
    rank: expectedRank(expectedScore[i]!, expectedScore),
  }));
  const sortedScores = [...expectedScore].sort((a, b) => b - a);

  // Leaderboard: the top 10 by score, each with the contract's rank.
  const leaderboard = adminEnded.leaderboard as Array<{ name: string; score: number; rank: number }>;
  expect(leaderboard.length).toBe(10);
  expect(leaderboard.map((entry) => entry.score)).toEqual(sortedScores.slice(0, 10));
  for (const entry of leaderboard) {
    expect(ranked).toContainEqual(entry);
  }
  expect(leaderboard[0]!.rank).toBe(1);
  expect(adminEnded).not.toHaveProperty('score');
  expect(adminEnded).not.toHaveProperty('rank');

  for (let i = 0; i < STUDENT_COUNT; i++) {
    const ended = await students[i]!.inbox.next('session_ended');
    expect(ended.leaderboard).toEqual(leaderboard);
    expect(ended.score).toBe(expectedScore[i]!);
    expect(ended.rank).toBe(ranked[i]!.rank);
    expect(ended.total_students).toBe(STUDENT_COUNT);
  }
  // The student who never answered is ranked too, with score 0, below everyone who scored.
  const silent = students[SILENT]!.inbox.all('session_ended')[0]!;
  expect(silent.score).toBe(0);
  expect(silent.rank).toBe(1 + expectedScore.filter((score) => score > 0).length);

  // Ended: the snapshot has no question index.
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.phase).toBe('ended');
  expect(state.question_idx).toBeNull();
  for (const row of state.students as Frame[]) {
    const i = students.findIndex((student) => student.id === row.student_id);
    expect(row.score).toBe(expectedScore[i]!);
  }
  for (const student of students) expect(student.inbox.violations).toEqual([]);
  expect(admin.violations).toEqual([]);
});

test('results.csv has the same choices, points, totals and ranks', async () => {
  expect(expectedPoints.length).toBe(QUESTION_COUNT);
  const response = await world.http('/admin/api/results.csv', { cookie: await world.adminLogin() });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/csv');
  const rows = parseCrlfCsv(await response.text());
  const header = ['student_id', 'name'];
  for (let q = 1; q <= QUESTION_COUNT; q++) header.push(`q${q}_choice`, `q${q}_points`);
  header.push('total', 'rank');
  expect(rows[0]).toEqual(header);
  expect(rows.length).toBe(1 + STUDENT_COUNT);

  const byId = new Map(rows.slice(1).map((row) => [row[0]!, row]));
  expect([...byId.keys()].sort()).toEqual(students.map((s) => s.id).sort());
  students.forEach((student, i) => {
    const expected: string[] = [student.id, student.name];
    for (let q = 0; q < QUESTION_COUNT; q++) {
      const choice = expectedChoice[q]![i];
      expected.push(choice ?? '', choice === null ? '' : String(expectedPoints[q]![i]));
    }
    expected.push(String(expectedScore[i]), String(expectedRank(expectedScore[i]!, expectedScore)));
    expect(byId.get(student.id)).toEqual(expected);
  });
  // Rows are in rank order.
  const ranks = rows.slice(1).map((row) => Number(row.at(-1)));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
});
