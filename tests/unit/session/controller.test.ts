import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type QuizDatabase } from '../../../src/db/open';
import { createQuizStore } from '../../../src/db/quiz-store';
import { CLOSE_CODES, SESSION_ID } from '../../../src/protocol/constants';
import { silentLogger } from '../../../src/logger';
import type { Pool } from '../../../src/protocol/pool';
import type { StudentFrame } from '../../../src/protocol/client-frames';
import type { Submission } from '../../../src/session/answers';
import { createSessionController, type SessionController } from '../../../src/session/controller';
import { QUIZ_SIGNAL_FLUSH_MS } from '../../../src/session/back-channel';
import {
  TOPIC_ADMINS,
  TOPIC_STUDENTS,
  type AnswerRow,
  type Clock,
  type SessionStore,
  type SocketPort,
} from '../../../src/session/ports';
import type { StudentEntry, StudentIdentityClaim } from '../../../src/session/roster';
import { FakeTime } from '../../helpers/fake-time';
import { makePool, makeQuestion } from '../../helpers/test-server';

type Frame = { type: string; [key: string]: any };

/** Lets the deferred answer flush (setImmediate) run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

class FakeSocket implements SocketPort {
  frames: Frame[] = [];
  closes: { code: number; reason: string }[] = [];
  /** When true, send reports a dropped message (Bun returns 0). */
  full = false;
  onSend: ((frame: Frame) => void) | null = null;

  send(data: string): number {
    const frame = JSON.parse(data) as Frame;
    this.frames.push(frame);
    this.onSend?.(frame);
    return this.full ? 0 : data.length;
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((frame) => frame.type === type);
  }

  last(type: string): Frame | undefined {
    return this.ofType(type).at(-1);
  }
}

class FakePublisher {
  published: { topic: string; data: string }[] = [];

  publish(topic: string, data: string): void {
    this.published.push({ topic, data });
  }

  frames(topic: string, type?: string): Frame[] {
    return this.published
      .filter((entry) => entry.topic === topic)
      .map((entry) => JSON.parse(entry.data) as Frame)
      .filter((frame) => type === undefined || frame.type === type);
  }
}

interface World {
  dir: string;
  db: QuizDatabase;
  store: SessionStore;
  time: FakeTime;
  publisher: FakePublisher;
  controller: SessionController;
  insertCalls: AnswerRow[][];
}

const worlds: World[] = [];

afterEach(() => {
  for (const world of worlds.splice(0)) {
    world.controller.stop();
    world.db.$client.close();
    rmSync(world.dir, { recursive: true, force: true });
  }
});

/** A controller over a fresh temp database; `insertAnswers` is wrapped to record batches. */
function createWorld(pool: Pool = makePool(3)): World {
  const dir = mkdtempSync(join(tmpdir(), 'quiz-controller-'));
  const db = openDb(join(dir, 'quiz.db'));
  const insertCalls: AnswerRow[][] = [];
  const store = spyStore(createQuizStore(db, SESSION_ID), insertCalls);
  const time = new FakeTime();
  const publisher = new FakePublisher();
  const controller = createSessionController({
    store,
    clock: time,
    scheduler: time,
    publisher,
    logger: silentLogger,
    joinCodeKey: 'test-join-code-key',
    loadedPool: pool,
  });
  const world = { dir, db, store, time, publisher, controller, insertCalls };
  worlds.push(world);
  return world;
}

function spyStore(store: SessionStore, insertCalls: AnswerRow[][]): SessionStore {
  return {
    ...store,
    insertAnswers(runId, batch) {
      insertCalls.push([...batch]);
      return store.insertAnswers(runId, batch);
    },
  };
}

/** A second controller on the same database, as after a process restart. */
function restart(world: World, clock: Clock & { setTimer: FakeTime['setTimer']; defer: FakeTime['defer'] } = world.time) {
  const publisher = new FakePublisher();
  const controller = createSessionController({
    store: world.store,
    clock,
    scheduler: clock,
    publisher,
    logger: silentLogger,
    joinCodeKey: 'test-join-code-key',
    loadedPool: makePool(1),
  });
  return { controller, publisher };
}

interface Student {
  entry: StudentEntry;
  claim: StudentIdentityClaim;
  socket: FakeSocket;
}

async function joinAndConnect(controller: SessionController, studentId: string, name = `Name ${studentId}`): Promise<Student> {
  const joined = await controller.join(studentId, name, null);
  if (!joined.ok) throw new Error(`join refused: ${joined.code}`);
  const socket = new FakeSocket();
  controller.connectStudent(joined.entry, socket);
  return { entry: joined.entry, claim: joined.claim, socket };
}

function connectAdmin(controller: SessionController): FakeSocket {
  const socket = new FakeSocket();
  controller.connectAdmin(socket);
  return socket;
}

function command(controller: SessionController, name: 'next' | 'close' | 'end' | 'revote') {
  const result = controller.command(name);
  if (!result.ok) throw new Error(`${name} refused: ${result.message}`);
  return controller.state;
}

function submit(controller: SessionController, student: Student, questionIdx: number, choice: string) {
  controller.receiveStudentFrame(student.socket, student.entry, { type: 'submit', question_idx: questionIdx, choice });
}

/** A submit of any answer form (choices, value), as the socket endpoint forwards it. */
function submitFrame(controller: SessionController, student: Student, frame: { question_idx: number } & Submission) {
  controller.receiveStudentFrame(student.socket, student.entry, { type: 'submit', ...frame } as StudentFrame);
}

describe('answers are committed in batches and acknowledged after the commit', () => {
  test('submits in the same turn are one batch; acks arrive only after it lands', async () => {
    const { controller, store, insertCalls } = createWorld();
    const students = await Promise.all(['s1', 's2', 's3'].map((id) => joinAndConnect(controller, id)));
    command(controller, 'next');

    // Each ack must find its answer already in the database.
    for (const student of students) {
      student.socket.onSend = (frame) => {
        if (frame.type !== 'submit_ack') return;
        const rows = store.listAnswers(controller.runId);
        expect(rows.some((row) => row.studentId === student.entry.studentId && row.questionIdx === 0)).toBe(true);
      };
    }

    submit(controller, students[0]!, 0, 'A');
    submit(controller, students[1]!, 0, 'B');
    submit(controller, students[2]!, 0, 'A');

    expect(insertCalls).toHaveLength(0);
    for (const student of students) expect(student.socket.ofType('submit_ack')).toHaveLength(0);
    expect(store.listAnswers(controller.runId)).toHaveLength(0);

    await turn();

    expect(insertCalls).toHaveLength(1);
    expect(insertCalls[0]!.map((row) => row.studentId)).toEqual(['s1', 's2', 's3']);
    expect(store.listAnswers(controller.runId)).toHaveLength(3);
    for (const [position, student] of students.entries()) {
      expect(student.socket.ofType('submit_ack')).toEqual([
        { type: 'submit_ack', question_idx: 0, choice: position === 1 ? 'B' : 'A', accepted: true },
      ]);
    }
  });

  test('submits in different turns are different batches', async () => {
    const { controller, insertCalls } = createWorld();
    const first = await joinAndConnect(controller, 's1');
    const second = await joinAndConnect(controller, 's2');
    command(controller, 'next');
    submit(controller, first, 0, 'A');
    await turn();
    submit(controller, second, 0, 'A');
    await turn();
    expect(insertCalls.map((batch) => batch.length)).toEqual([1, 1]);
  });

  test('a duplicate submit in the same turn is already_answered and stored once', async () => {
    const { controller, store } = createWorld();
    const student = await joinAndConnect(controller, 's1');
    command(controller, 'next');
    submit(controller, student, 0, 'A');
    submit(controller, student, 0, 'B');

    // The duplicate is refused at once, before the first is even committed.
    expect(student.socket.ofType('submit_ack')).toEqual([
      { type: 'submit_ack', question_idx: 0, choice: 'B', accepted: false, reason: 'already_answered' },
    ]);
    await turn();
    expect(student.socket.ofType('submit_ack')).toEqual([
      { type: 'submit_ack', question_idx: 0, choice: 'B', accepted: false, reason: 'already_answered' },
      { type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true },
    ]);
    const rows = store.listAnswers(controller.runId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ studentId: 's1', choice: 'A', points: 1000 });
  });

  test('a submit after the commit is already_answered too', async () => {
    const { controller } = createWorld();
    const student = await joinAndConnect(controller, 's1');
    command(controller, 'next');
    submit(controller, student, 0, 'A');
    await turn();
    submit(controller, student, 0, 'A');
    await turn();
    expect(student.socket.ofType('submit_ack').map((ack) => ack.reason ?? 'accepted')).toEqual([
      'accepted',
      'already_answered',
    ]);
  });

  test('refused submits are acknowledged with their reason and never stored', async () => {
    const { controller, store, insertCalls } = createWorld();
    const student = await joinAndConnect(controller, 's1');
    submit(controller, student, 0, 'A'); // lobby
    command(controller, 'next');
    submit(controller, student, 1, 'A');
    submit(controller, student, 0, 'E');
    await turn();
    expect(student.socket.ofType('submit_ack').map((ack) => ack.reason)).toEqual([
      'closed',
      'wrong_question',
      'invalid_choice',
    ]);
    expect(insertCalls).toHaveLength(0);
    expect(store.listAnswers(controller.runId)).toHaveLength(0);
  });

  test('a failed commit is never acknowledged as accepted, and the student may submit again', async () => {
    const world = createWorld();
    const failing = { fail: true };
    const store: SessionStore = {
      ...world.store,
      insertAnswers(runId, batch) {
        if (failing.fail) throw new Error('disk full');
        return world.store.insertAnswers(runId, batch);
      },
    };
    world.controller.stop();
    const controller = createSessionController({
      store,
      clock: world.time,
      scheduler: world.time,
      publisher: new FakePublisher(),
      logger: silentLogger,
      joinCodeKey: 'test-join-code-key',
      loadedPool: makePool(3),
    });
    const student = await joinAndConnect(controller, 's1');
    command(controller, 'next');
    submit(controller, student, 0, 'A');
    await turn();
    expect(student.socket.ofType('submit_ack')).toHaveLength(0);
    expect(student.socket.last('error')?.code).toBe('storage_error');

    failing.fail = false;
    submit(controller, student, 0, 'A');
    await turn();
    expect(student.socket.ofType('submit_ack')).toEqual([{ type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true }]);
    expect(world.store.listAnswers(controller.runId)).toHaveLength(1);
    controller.stop();
  });
});

describe('the deadline', () => {
  test('the deadline timer closes the question at opened_at + time limit', async () => {
    const { controller, time, publisher } = createWorld(makePool(2, { timeLimitS: 10 }));
    command(controller, 'next');
    time.advance(9_999);
    expect(controller.state.phase).toBe('question');
    time.advance(1);
    expect(controller.state).toEqual({ phase: 'review', index: 0, round: 1 });
    expect(publisher.frames(TOPIC_STUDENTS, 'question_closed')).toHaveLength(0); // students get personal frames
    expect(publisher.frames(TOPIC_ADMINS, 'question_closed')).toHaveLength(1);
  });

  test('a submit received after the deadline, before the timer fired, is closed and closes the question', async () => {
    const world = createWorld(makePool(2, { timeLimitS: 10 }));
    world.controller.stop();
    // A clock that can run ahead of the scheduler: the deadline passes, its timer has not fired.
    const skew = { ms: 0 };
    const clock = { now: () => world.time.now() + skew.ms };
    const publisher = new FakePublisher();
    const controller = createSessionController({
      store: world.store,
      clock,
      scheduler: world.time,
      publisher,
      logger: silentLogger,
      joinCodeKey: 'test-join-code-key',
      loadedPool: makePool(2, { timeLimitS: 10 }),
    });
    const early = await joinAndConnect(controller, 'early');
    const late = await joinAndConnect(controller, 'late');
    world.time.advance(1_000); // the joins' lobby_update goes out
    command(controller, 'next');
    expect(world.time.pendingTimers).toBe(1);

    skew.ms = 9_999;
    submit(controller, early, 0, 'A'); // one millisecond to spare: accepted, held
    skew.ms = 10_000;
    submit(controller, late, 0, 'A'); // at the deadline: closed

    expect(late.socket.ofType('submit_ack')).toEqual([
      { type: 'submit_ack', question_idx: 0, choice: 'A', accepted: false, reason: 'closed' },
    ]);
    expect(controller.state).toEqual({ phase: 'review', index: 0, round: 1 });
    expect(world.time.pendingTimers).toBe(0);

    // The answer that beat the deadline was committed and acknowledged before the close.
    expect(early.socket.frames.map((frame) => frame.type).slice(-2)).toEqual(['submit_ack', 'question_closed']);
    expect(early.socket.last('submit_ack')!.accepted).toBe(true);
    expect(early.socket.last('question_closed')).toMatchObject({ your_choice: 'A', points: 500, score: 500 });
    expect(late.socket.last('question_closed')).toMatchObject({ your_choice: null, points: 0, score: 0 });
    expect(publisher.frames(TOPIC_ADMINS, 'question_closed')).toEqual([
      expect.objectContaining({ question_idx: 0, counts: { A: 1, B: 0, C: 0, D: 0 } }),
    ]);
    // Only one close, never counted twice.
    await turn();
    world.time.advance(60_000);
    expect(publisher.frames(TOPIC_ADMINS, 'question_closed')).toHaveLength(1);
    expect(world.store.listAnswers(controller.runId).map((row) => row.studentId)).toEqual(['early']);
    controller.stop();
  });
});

describe('question_closed and session_ended', () => {
  test('per-student question_closed carries your_choice, points and score', async () => {
    const { controller, time, publisher } = createWorld(makePool(2, { timeLimitS: 20 }));
    const right = await joinAndConnect(controller, 'right', 'Right');
    const wrong = await joinAndConnect(controller, 'wrong', 'Wrong');
    const silent = await joinAndConnect(controller, 'silent', 'Silent');
    const admin = connectAdmin(controller);
    command(controller, 'next');

    // The question as students see it never holds the answer.
    const open = publisher.frames(TOPIC_STUDENTS, 'question_open')[0]!;
    expect(open).not.toHaveProperty('correct');
    expect(open).toMatchObject({ question_idx: 0, time_limit_ms: 20_000, remaining_ms: 20_000 });

    time.advance(10_000);
    submit(controller, right, 0, 'A'); // question 0's answer is A: 750 points at half time
    submit(controller, wrong, 0, 'C');
    await turn();
    command(controller, 'close');

    const common = {
      type: 'question_closed',
      question_idx: 0,
      question_type: 'single',
      round: 1,
      correct: 'A',
      counts: { A: 1, B: 0, C: 1, D: 0 },
      tally: { answered: 2, correct: 1 },
      explanation: 'Because A.',
    };
    expect(right.socket.last('question_closed')).toEqual({ ...common, your_choice: 'A', points: 750, score: 750 });
    expect(wrong.socket.last('question_closed')).toEqual({ ...common, your_choice: 'C', points: 0, score: 0 });
    expect(silent.socket.last('question_closed')).toEqual({ ...common, your_choice: null, points: 0, score: 0 });
    // The admins' frame is the shared part only.
    expect(publisher.frames(TOPIC_ADMINS, 'question_closed')).toEqual([common]);
    expect(admin.ofType('question_closed')).toHaveLength(0);

    // Scores accumulate over questions.
    command(controller, 'next');
    submit(controller, right, 1, 'B'); // question 1's answer is B, at once: 1000
    await turn();
    command(controller, 'close');
    expect(right.socket.last('question_closed')).toMatchObject({ question_idx: 1, your_choice: 'B', points: 1000, score: 1750 });
  });

  test('session_ended carries rank and total_students; the leaderboard is the top 10', async () => {
    const { controller, time, publisher } = createWorld(makePool(1, { timeLimitS: 20 }));
    const students = await Promise.all(Array.from({ length: 12 }, (_, index) => joinAndConnect(controller, `s${String(index).padStart(2, '0')}`, `Student ${index}`)));
    command(controller, 'next');
    // s00 and s01 answer at once (1000 each, a tie); s02…s10 one second apart (975, 950, …); s11 never answers.
    submit(controller, students[0]!, 0, 'A');
    submit(controller, students[1]!, 0, 'A');
    await turn();
    for (let index = 2; index <= 10; index += 1) {
      time.advance(1_000);
      submit(controller, students[index]!, 0, index === 10 ? 'B' : 'A');
      await turn();
    }
    command(controller, 'end');
    expect(controller.state.phase).toBe('ended');

    const shared = publisher.frames(TOPIC_ADMINS, 'session_ended');
    expect(shared).toHaveLength(1);
    const leaderboard = shared[0]!.leaderboard as { name: string; score: number; rank: number }[];
    expect(leaderboard).toHaveLength(10);
    expect(leaderboard.slice(0, 3)).toEqual([
      { name: 'Student 0', score: 1000, rank: 1 },
      { name: 'Student 1', score: 1000, rank: 1 },
      { name: 'Student 2', score: 975, rank: 3 },
    ]);
    for (let position = 1; position < leaderboard.length; position += 1) {
      expect(leaderboard[position]!.score).toBeLessThanOrEqual(leaderboard[position - 1]!.score);
    }
    expect(leaderboard.map((entry) => entry.name)).not.toContain('Student 10');
    expect(leaderboard.map((entry) => entry.name)).not.toContain('Student 11');

    const endedFor = (index: number) => students[index]!.socket.last('session_ended')!;
    expect(endedFor(0)).toMatchObject({ score: 1000, rank: 1, total_students: 12 });
    expect(endedFor(1)).toMatchObject({ score: 1000, rank: 1, total_students: 12 });
    expect(endedFor(2)).toMatchObject({ score: 975, rank: 3, total_students: 12 });
    expect(endedFor(9)).toMatchObject({ score: 800, rank: 10, total_students: 12 });
    // s10 answered wrong and s11 never answered: both 0, sharing the last rank.
    expect(endedFor(10)).toMatchObject({ score: 0, rank: 11, total_students: 12 });
    expect(endedFor(11)).toMatchObject({ score: 0, rank: 11, total_students: 12 });
    expect(endedFor(11).leaderboard).toEqual(leaderboard);
    // Ending an open question closes it first.
    expect(students[11]!.socket.ofType('question_closed')).toHaveLength(1);
  });

  test('a command that does not apply is refused and changes nothing', () => {
    const { controller, publisher } = createWorld();
    const before = publisher.published.length;
    const result = controller.command('close');
    expect(result.ok).toBe(false);
    expect(controller.state.phase).toBe('lobby');
    expect(publisher.published.length).toBe(before);
    command(controller, 'end');
    expect(controller.command('end').ok).toBe(false);
    expect(controller.command('next').ok).toBe(false);
    expect(controller.state.phase).toBe('ended');
  });
});

describe('answer_progress', () => {
  test('many submits are coalesced into at most a couple of publishes within 100 ms', async () => {
    const { controller, time, publisher } = createWorld();
    const students = await Promise.all(Array.from({ length: 40 }, (_, index) => joinAndConnect(controller, `s${index}`)));
    connectAdmin(controller);
    command(controller, 'next');
    const progress = () => publisher.frames(TOPIC_ADMINS, 'answer_progress');

    // 40 answers over 80 ms of fake time, in 8 turns.
    for (let turnIndex = 0; turnIndex < 8; turnIndex += 1) {
      for (let index = turnIndex * 5; index < turnIndex * 5 + 5; index += 1) submit(controller, students[index]!, 0, 'B');
      await turn();
      time.advance(10);
    }
    expect(progress().length).toBeLessThanOrEqual(2);
    time.advance(100);
    expect(progress().length).toBeLessThanOrEqual(2);
    expect(progress().at(-1)).toEqual({
      type: 'answer_progress',
      question_idx: 0,
      answered: 40,
      students_count: 40,
      counts: { A: 0, B: 40, C: 0, D: 0 },
    });
    expect(publisher.frames(TOPIC_STUDENTS, 'answer_progress')).toHaveLength(0);
    time.advance(1_000); // let the joins' lobby_update drain too
    expect(time.pendingTimers).toBe(1); // only the deadline
  });
});

describe('timers', () => {
  test('pendingTimers is 0 after end with the deadline and answer_progress timers armed', async () => {
    const { controller, time } = createWorld();
    const students = await Promise.all(Array.from({ length: 3 }, (_, index) => joinAndConnect(controller, `s${index}`)));
    connectAdmin(controller);
    time.advance(1_000); // the joins' lobby_update goes out
    expect(time.pendingTimers).toBe(0);
    command(controller, 'next');
    submit(controller, students[0]!, 0, 'A');
    await turn();
    submit(controller, students[1]!, 0, 'A');
    await turn(); // the progress throttle now holds a trailing call
    expect(time.pendingTimers).toBe(2);
    command(controller, 'end');
    expect(time.pendingTimers).toBe(0);
  });

  test('pendingTimers is 0 after end even when a lobby_update was pending', async () => {
    const { controller, time, publisher } = createWorld();
    await joinAndConnect(controller, 's0');
    command(controller, 'next');
    await joinAndConnect(controller, 'late'); // within 500 ms of the first join: a trailing lobby_update is armed
    command(controller, 'end');
    expect(time.pendingTimers).toBe(0);
    // Nothing is broadcast after session_ended (which students get one by one, not by topic).
    const publishedBefore = publisher.frames(TOPIC_STUDENTS).length;
    time.advance(1_000);
    expect(publisher.frames(TOPIC_STUDENTS)).toHaveLength(publishedBefore);
  });

  test('pendingTimers is 0 after stop(), and stop commits held answers', async () => {
    const { controller, time, store } = createWorld();
    const students = await Promise.all(Array.from({ length: 3 }, (_, index) => joinAndConnect(controller, `s${index}`)));
    connectAdmin(controller);
    command(controller, 'next');
    submit(controller, students[0]!, 0, 'A');
    await turn();
    submit(controller, students[1]!, 0, 'A');
    await turn();
    submit(controller, students[2]!, 0, 'A'); // held, not yet committed
    expect(time.pendingTimers).toBeGreaterThanOrEqual(2);
    controller.stop();
    expect(time.pendingTimers).toBe(0);
    expect(store.listAnswers(controller.runId)).toHaveLength(3);
    expect(students[2]!.socket.last('submit_ack')?.accepted).toBe(true);
  });
});

describe('restart', () => {
  test('a second controller on the same store restores phase, answers and scores', async () => {
    const world = createWorld(makePool(3, { timeLimitS: 20 }));
    const { controller, time } = world;
    const ann = await joinAndConnect(controller, 'ann', 'Ann');
    const bob = await joinAndConnect(controller, 'bob', 'Bob');
    command(controller, 'next');
    submit(controller, ann, 0, 'A'); // 1000
    submit(controller, bob, 0, 'D'); // 0
    await turn();
    command(controller, 'close');
    command(controller, 'next'); // question 1 open, answer B
    time.advance(5_000);
    submit(controller, ann, 1, 'B'); // 1000 × (1 − 5/20/2) = 875
    await turn();
    const runId = controller.runId;
    const stateBefore = controller.state;
    controller.stop();

    const { controller: revived } = restart(world);
    expect(revived.runId).toBe(runId);
    expect(revived.state).toEqual(stateBefore);
    expect(revived.state).toMatchObject({ phase: 'question', index: 1 });
    expect(revived.studentsCount).toBe(2);
    // The deadline is re-armed for the remaining 15 s only.
    expect(world.time.pendingTimers).toBe(1);

    // Scores include closed questions only: question 1 is still open, its 875 stay hidden.
    const snapshot = revived.adminSnapshot();
    expect(snapshot.students.map((student) => [student.student_id, student.score])).toEqual([
      ['ann', 1000],
      ['bob', 0],
    ]);
    expect(snapshot.answered).toBe(1);
    expect(snapshot.counts).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(snapshot.question!.remaining_ms).toBe(15_000);
    expect(snapshot.question!.tally).toEqual({ answered: 1, correct: 1 });

    // The old cookie still works, and the restored answer still counts as given.
    const annAgain = revived.authenticate(ann.claim)!;
    expect(annAgain).not.toBeNull();
    const socket = new FakeSocket();
    revived.connectStudent(annAgain, socket);
    expect(socket.frames[0]).toMatchObject({ type: 'snapshot', phase: 'question', me: { answer: 'B', score: 1000 } });
    revived.receiveStudentFrame(socket, annAgain, { type: 'submit', question_idx: 1, choice: 'C' });
    await turn();
    expect(socket.last('submit_ack')).toMatchObject({ accepted: false, reason: 'already_answered' });

    // Its deadline still fires at the original absolute time.
    time.advance(14_999);
    expect(revived.state.phase).toBe('question');
    time.advance(1);
    expect(revived.state).toEqual({ phase: 'review', index: 1, round: 1 });
    revived.stop();
  });

  test('a question whose deadline passed while the server was down is closed on start', async () => {
    const world = createWorld(makePool(2, { timeLimitS: 20 }));
    const { controller, time, store } = world;
    const ann = await joinAndConnect(controller, 'ann', 'Ann');
    command(controller, 'next');
    submit(controller, ann, 0, 'A');
    await turn();
    controller.stop();

    const later = new FakeTime(time.now() + 60_000);
    const { controller: revived } = restart(world, later);
    expect(revived.state).toEqual({ phase: 'review', index: 0, round: 1 });
    expect(store.loadCurrentRun()!.state).toEqual({ phase: 'review', index: 0, round: 1 });
    expect(later.pendingTimers).toBe(0);
    expect(revived.adminSnapshot().students[0]!.score).toBe(1000);
    // The next command carries on from there.
    expect(revived.command('next').ok).toBe(true);
    expect(revived.state).toMatchObject({ phase: 'question', index: 1 });
    revived.stop();
  });
});

describe('sockets', () => {
  test('a socket whose send returns 0 is closed with 1013', async () => {
    const { controller } = createWorld();
    const student = await joinAndConnect(controller, 's1');
    expect(student.socket.closes).toEqual([]);
    command(controller, 'next');
    student.socket.full = true;
    submit(controller, student, 0, 'A');
    await turn();
    expect(student.socket.closes.map((close) => close.code)).toEqual([CLOSE_CODES.SLOW_CONSUMER]);
    expect(CLOSE_CODES.SLOW_CONSUMER).toBe(1013);
  });

  test('a socket that is full on connect is closed with 1013', async () => {
    const { controller } = createWorld();
    const joined = await controller.join('s1', 'Ann', null);
    if (!joined.ok) throw new Error('join refused');
    const socket = new FakeSocket();
    socket.full = true;
    controller.connectStudent(joined.entry, socket);
    expect(socket.closes.map((close) => close.code)).toEqual([1013]);
  });

  test('a socket under backpressure (-1) is not closed', async () => {
    const { controller } = createWorld();
    const joined = await controller.join('s1', 'Ann', null);
    if (!joined.ok) throw new Error('join refused');
    const socket: SocketPort & { closes: number[] } = {
      closes: [],
      send: () => -1,
      close(code) {
        this.closes.push(code);
      },
    };
    controller.connectStudent(joined.entry, socket);
    expect(socket.closes).toEqual([]);
  });
});

describe('release and reset', () => {
  test('release closes the student’s sockets with 4401 and keeps their score', async () => {
    const { controller, store } = createWorld();
    const ann = await joinAndConnect(controller, 'ann', 'Ann');
    const secondDevice = new FakeSocket();
    controller.connectStudent(ann.entry, secondDevice);
    command(controller, 'next');
    submit(controller, ann, 0, 'A');
    await turn();
    command(controller, 'close');

    expect(controller.release('ann')).toEqual({ ok: true });
    expect(ann.socket.closes.map((close) => close.code)).toEqual([CLOSE_CODES.UNAUTHORIZED]);
    expect(secondDevice.closes.map((close) => close.code)).toEqual([4401]);
    expect(controller.connectionCounts().students).toBe(0);
    // The old cookie stops working.
    expect(controller.authenticate(ann.claim)).toBeNull();
    // Answers and score stay.
    expect(store.listAnswers(controller.runId)).toHaveLength(1);
    expect(controller.adminSnapshot().students.find((student) => student.student_id === 'ann')).toMatchObject({
      score: 1000,
      released: true,
    });

    // The id can be taken again from a new device, with the score kept and a new cookie.
    const again = await controller.join('ann', 'Ann B', null);
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.entry.score).toBe(1000);
    expect(again.claim.epoch).toBeGreaterThan(ann.claim.epoch);
    expect(controller.authenticate(again.claim)).toBe(again.entry);
    expect(controller.authenticate(ann.claim)).toBeNull();
    expect(controller.studentsCount).toBe(1);
  });

  test('release of an unknown student is false', () => {
    const { controller } = createWorld();
    expect(controller.release('nobody')).toMatchObject({ ok: false, code: 'student_not_found' });
  });

  test('a taken id without its cookie is refused', async () => {
    const { controller } = createWorld();
    const ann = await joinAndConnect(controller, 'ann', 'Ann');
    expect(await controller.join('ann', 'Impostor', null)).toMatchObject({ ok: false, code: 'student_id_taken' });
    const same = await controller.join('ann', 'Ann', ann.claim);
    expect(same.ok && same.entry).toBe(ann.entry);
  });

  test('a join queued before reset is committed to the run it asked for, not the new one', async () => {
    const { controller, store } = createWorld();
    const pending = controller.join('ann', 'Ann', null);
    const oldRun = controller.runId;
    const reset = controller.reset();
    if (!reset.ok) throw new Error('reset refused');
    const joined = await pending;
    if (!joined.ok) throw new Error(`join refused: ${joined.code}`);
    expect(joined.claim.run).toBe(oldRun);
    expect(store.listStudents(oldRun).map((row) => row.studentId)).toEqual(['ann']);
    expect(store.listStudents(reset.runId)).toEqual([]);
    expect(controller.authenticate(joined.claim)).toBeNull();
  });

  test('reset creates a new run, closes student sockets with 4401 and keeps the old run’s results', async () => {
    const { controller, store, time } = createWorld();
    const ann = await joinAndConnect(controller, 'ann', 'Ann');
    const admin = connectAdmin(controller);
    command(controller, 'next');
    submit(controller, ann, 0, 'A');
    await turn();
    const oldRun = controller.runId;

    const reset = controller.reset();
    if (!reset.ok) throw new Error(reset.message);
    const newRun = reset.runId;
    expect(newRun).not.toBe(oldRun);
    expect(controller.runId).toBe(newRun);
    expect(controller.state.phase).toBe('lobby');
    expect(controller.studentsCount).toBe(0);
    expect(time.pendingTimers).toBe(0);
    expect(ann.socket.closes.map((close) => close.code)).toEqual([CLOSE_CODES.UNAUTHORIZED]);
    expect(admin.closes).toEqual([]);
    expect(controller.authenticate(ann.claim)).toBeNull();
    expect(store.listAnswers(oldRun)).toHaveLength(1);
    expect(store.listAnswers(newRun)).toHaveLength(0);
    expect(store.loadCurrentRun()!.id).toBe(newRun);

    // The id is free in the new run.
    const rejoined = await controller.join('ann', 'Ann', null);
    expect(rejoined.ok).toBe(true);
    if (rejoined.ok) {
      expect(rejoined.claim.run).toBe(newRun);
      expect(rejoined.entry.score).toBe(0);
    }
  });
});

describe('question types and revote', () => {
  /** multiple (A, C of four), numeric (10 ± 0.5), single (answer B); 20 s each. */
  const typedPool = (): Pool => ({
    title: 'typed',
    scoring: 'speed',
    questions: [
      makeQuestion({ type: 'multiple', answer: ['A', 'C'] }),
      makeQuestion({ type: 'numeric', answer: 10, tolerance: 0.5 }),
      makeQuestion({ type: 'single', answer: 'B' }),
    ],
  });

  test('each answer form is stored encoded, acknowledged as sent and counted per type', async () => {
    const { controller, store, publisher } = createWorld(typedPool());
    const ann = await joinAndConnect(controller, 'ann');
    const bob = await joinAndConnect(controller, 'bob');
    connectAdmin(controller);
    command(controller, 'next');
    submitFrame(controller, ann, { question_idx: 0, choices: ['C', 'A'] });
    submitFrame(controller, bob, { question_idx: 0, choice: 'A' }); // the wrong form for multiple
    await turn();
    expect(ann.socket.last('submit_ack')).toEqual({ type: 'submit_ack', question_idx: 0, choices: ['C', 'A'], accepted: true });
    expect(bob.socket.last('submit_ack')).toEqual({
      type: 'submit_ack',
      question_idx: 0,
      choice: 'A',
      accepted: false,
      reason: 'invalid_choice',
    });
    command(controller, 'close');
    expect(ann.socket.last('question_closed')).toMatchObject({ your_choice: ['A', 'C'], points: 1000, counts: { A: 1, B: 0, C: 1, D: 0 } });

    command(controller, 'next');
    submitFrame(controller, ann, { question_idx: 1, value: 10.5 });
    submitFrame(controller, bob, { question_idx: 1, value: 11 });
    await turn();
    command(controller, 'close');
    expect(publisher.frames(TOPIC_ADMINS, 'question_closed').at(-1)).toMatchObject({
      question_type: 'numeric',
      correct: 10,
      counts: { correct: 1, incorrect: 1 },
    });
    expect(bob.socket.last('question_closed')).toMatchObject({ your_choice: 11, points: 0 });
    const rows = store.listAnswers(controller.runId).map(({ questionIdx, round, studentId, choice }) => [questionIdx, round, studentId, choice]);
    expect(rows).toEqual(
      expect.arrayContaining([
        [0, 1, 'ann', 'A+C'],
        [1, 1, 'ann', '10.5'],
        [1, 1, 'bob', '11'],
      ]),
    );
    expect(rows).toHaveLength(3);
  });

  test('the tally counts fully correct answers only: a multiple question’s exact set, a number within tolerance; a poll has none', async () => {
    const pool: Pool = {
      title: 'tally',
      scoring: 'speed',
      questions: [
        makeQuestion({ type: 'multiple', answer: ['A', 'C'] }),
        makeQuestion({ type: 'poll', choices: ['x', 'y', 'z'] }),
        makeQuestion({ type: 'numeric', answer: 10, tolerance: 0.5 }),
      ],
    };
    const { controller, publisher } = createWorld(pool);
    const [exact, subset, superset, wrong, silent] = (await Promise.all(['exact', 'subset', 'superset', 'wrong', 'silent'].map((id) =>
      joinAndConnect(controller, id),
    ))) as [Student, Student, Student, Student, Student];
    connectAdmin(controller);

    command(controller, 'next');
    submitFrame(controller, exact, { question_idx: 0, choices: ['C', 'A'] });
    submitFrame(controller, subset, { question_idx: 0, choices: ['A'] }); // partial credit
    submitFrame(controller, superset, { question_idx: 0, choices: ['A', 'B', 'C'] }); // partial credit
    submitFrame(controller, wrong, { question_idx: 0, choices: ['B', 'D'] });
    submitFrame(controller, silent, { question_idx: 0, choice: 'A' }); // the wrong form: refused, in neither number
    await turn();
    expect(silent.socket.last('submit_ack')).toMatchObject({ accepted: false, reason: 'invalid_choice' });
    // While the question is open the admins already see it; students do not.
    expect(controller.adminSnapshot().question).toMatchObject({ tally: { answered: 4, correct: 1 } });
    for (const student of [exact, subset, superset, wrong, silent]) expect(JSON.stringify(student.socket.frames)).not.toContain('tally');
    command(controller, 'close');
    const multiple = publisher.frames(TOPIC_ADMINS, 'question_closed').at(-1)!;
    expect(multiple).toMatchObject({ question_idx: 0, counts: { A: 3, B: 2, C: 2, D: 1 }, tally: { answered: 4, correct: 1 } });
    expect(multiple).not.toHaveProperty('first_round_tally');
    expect(subset.socket.last('question_closed')).toMatchObject({ your_choice: ['A'], points: 500, tally: { answered: 4, correct: 1 } });
    expect(silent.socket.last('question_closed')).toMatchObject({ your_choice: null, tally: { answered: 4, correct: 1 } });

    command(controller, 'next');
    submit(controller, exact, 1, 'A');
    submit(controller, subset, 1, 'B');
    submit(controller, superset, 1, 'B');
    await turn();
    command(controller, 'close');
    expect(publisher.frames(TOPIC_ADMINS, 'question_closed').at(-1)).toMatchObject({
      question_idx: 1,
      correct: null,
      counts: { A: 1, B: 2, C: 0 },
      tally: { answered: 3, correct: null },
    });
    expect(exact.socket.last('question_closed')).toMatchObject({ tally: { answered: 3, correct: null } });

    command(controller, 'next');
    submitFrame(controller, exact, { question_idx: 2, value: 10.5 }); // on the edge
    submitFrame(controller, subset, { question_idx: 2, value: 9.75 });
    submitFrame(controller, superset, { question_idx: 2, value: 10.51 });
    submitFrame(controller, wrong, { question_idx: 2, value: -10 });
    await turn();
    command(controller, 'close');
    expect(publisher.frames(TOPIC_ADMINS, 'question_closed').at(-1)).toMatchObject({
      question_idx: 2,
      counts: { correct: 2, incorrect: 2 },
      tally: { answered: 4, correct: 2 },
    });
  });

  test('revote: round 2 takes a second answer from everyone, scores 0 and closes with both rounds’ counts', async () => {
    const { controller, store, time, publisher } = createWorld(typedPool());
    const ann = await joinAndConnect(controller, 'ann');
    const bob = await joinAndConnect(controller, 'bob');
    connectAdmin(controller);
    command(controller, 'next');
    submitFrame(controller, ann, { question_idx: 0, choices: ['A', 'C'] }); // 1000
    submitFrame(controller, bob, { question_idx: 0, choices: ['A', 'B'] }); // 0
    await turn();
    command(controller, 'close');
    expect(controller.command('revote')).toEqual({ ok: true });
    expect(controller.state).toMatchObject({ phase: 'question', index: 0, round: 2 });
    expect(publisher.frames(TOPIC_STUDENTS, 'question_open').at(-1)).toMatchObject({ question_idx: 0, round: 2, question_type: 'multiple' });

    time.advance(1_000);
    submitFrame(controller, ann, { question_idx: 0, choices: ['A', 'C'] });
    submitFrame(controller, bob, { question_idx: 0, choices: ['C', 'A'] });
    await turn();
    expect(ann.socket.last('submit_ack')!.accepted).toBe(true);
    expect(bob.socket.last('submit_ack')!.accepted).toBe(true);
    // Still one answer per round.
    submitFrame(controller, bob, { question_idx: 0, choices: ['B'] });
    await turn();
    expect(bob.socket.last('submit_ack')).toMatchObject({ accepted: false, reason: 'already_answered' });

    command(controller, 'close');
    expect(controller.state).toEqual({ phase: 'review', index: 0, round: 2 });
    const closed = publisher.frames(TOPIC_ADMINS, 'question_closed');
    expect(closed.at(-1)).toEqual({
      type: 'question_closed',
      question_idx: 0,
      question_type: 'multiple',
      round: 2,
      correct: ['A', 'C'],
      counts: { A: 2, B: 0, C: 2, D: 0 },
      first_round_counts: { A: 2, B: 1, C: 1, D: 0 },
      tally: { answered: 2, correct: 2 },
      first_round_tally: { answered: 2, correct: 1 },
      explanation: null,
    });
    expect(ann.socket.last('question_closed')).toMatchObject({ round: 2, your_choice: ['A', 'C'], points: 0, score: 1000 });
    expect(bob.socket.last('question_closed')).toMatchObject({ round: 2, your_choice: ['A', 'C'], points: 0, score: 0 });
    expect(
      store
        .listAnswers(controller.runId)
        .map(({ round, studentId, choice, points }) => [round, studentId, choice, points])
        .sort(),
    ).toEqual([
      [1, 'ann', 'A+C', 1000],
      [1, 'bob', 'A+B', 0],
      [2, 'ann', 'A+C', 0],
      [2, 'bob', 'A+C', 0],
    ]);

    // A second revote is refused; next goes on to question 1 in round 1.
    expect(controller.command('revote')).toMatchObject({ ok: false, code: 'invalid_command' });
    command(controller, 'next');
    expect(controller.state).toMatchObject({ phase: 'question', index: 1, round: 1 });
    command(controller, 'close');
    // A numeric question cannot be revoted.
    expect(controller.command('revote')).toMatchObject({ ok: false, code: 'invalid_command' });
    expect(controller.state).toEqual({ phase: 'review', index: 1, round: 1 });
  });

  test('a restart in round 2 resumes round 2 with both rounds’ answers apart', async () => {
    const world = createWorld(typedPool());
    const { controller, time } = world;
    const ann = await joinAndConnect(controller, 'ann');
    const bob = await joinAndConnect(controller, 'bob');
    command(controller, 'next');
    command(controller, 'close');
    command(controller, 'next');
    command(controller, 'close');
    command(controller, 'next'); // question 2: single, answer B
    submit(controller, ann, 2, 'B');
    await turn();
    command(controller, 'close');
    command(controller, 'revote');
    time.advance(4_000);
    submit(controller, bob, 2, 'B');
    await turn();
    const stateBefore = controller.state;
    controller.stop();

    const { controller: revived } = restart(world);
    expect(revived.state).toEqual(stateBefore);
    expect(revived.state).toMatchObject({ phase: 'question', index: 2, round: 2 });
    const snapshot = revived.adminSnapshot();
    expect(snapshot.question).toMatchObject({
      round: 2,
      remaining_ms: 16_000,
      first_round_counts: { A: 0, B: 1, C: 0, D: 0 },
      tally: { answered: 1, correct: 1 },
      first_round_tally: { answered: 1, correct: 1 },
    });
    expect(snapshot.answered).toBe(1);
    expect(snapshot.counts).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(snapshot.students.map((student) => [student.student_id, student.score])).toEqual([
      ['ann', 1000],
      ['bob', 0],
    ]);
    // Ann has not answered round 2 yet and may; Bob has.
    const annAgain = revived.authenticate(ann.claim)!;
    const annSocket = new FakeSocket();
    revived.connectStudent(annAgain, annSocket);
    expect(annSocket.frames[0]).toMatchObject({ type: 'snapshot', me: { answer: null, score: 1000 }, question: { round: 2 } });
    revived.receiveStudentFrame(annSocket, annAgain, { type: 'submit', question_idx: 2, choice: 'A' });
    const bobAgain = revived.authenticate(bob.claim)!;
    const bobSocket = new FakeSocket();
    revived.connectStudent(bobAgain, bobSocket);
    expect(bobSocket.frames[0]).toMatchObject({ me: { answer: 'B' } });
    revived.receiveStudentFrame(bobSocket, bobAgain, { type: 'submit', question_idx: 2, choice: 'A' });
    await turn();
    expect(annSocket.last('submit_ack')).toMatchObject({ accepted: true });
    expect(bobSocket.last('submit_ack')).toMatchObject({ accepted: false, reason: 'already_answered' });
    revived.stop();
  });
});

describe('removing students', () => {
  test('an answer held in the batch (not committed yet) is committed, then removed with its student: counts right, nothing half-removed', async () => {
    const world = createWorld();
    const { controller, store } = world;
    const ann = await joinAndConnect(controller, 'ann');
    const bob = await joinAndConnect(controller, 'bob');
    command(controller, 'next');
    submit(controller, ann, 0, 'A');
    submit(controller, bob, 0, 'B');
    expect(store.listAnswers(controller.runId)).toEqual([]); // both only held

    expect(controller.removeStudents(['ann'])).toEqual({ removed: ['ann'], notFound: [] });
    expect(ann.socket.closes.map((close) => close.code)).toEqual([CLOSE_CODES.UNAUTHORIZED]);
    expect(store.listAnswers(controller.runId).map((answer) => answer.studentId)).toEqual(['bob']);
    expect(store.listStudents(controller.runId).map((student) => student.studentId)).toEqual(['bob']);
    const snapshot = controller.adminSnapshot();
    expect(snapshot.answered).toBe(1);
    expect(snapshot.counts).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(snapshot.students.map((student) => student.student_id)).toEqual(['bob']);
    expect(snapshot.students_count).toBe(1);

    // A frame from ann's socket that was already on its way is ignored.
    submit(controller, ann, 0, 'C');
    await turn();
    expect(store.listAnswers(controller.runId)).toHaveLength(1);
    expect(controller.authenticate(ann.claim)).toBeNull();

    command(controller, 'close');
    const closed = world.publisher.frames(TOPIC_ADMINS, 'question_closed').at(-1)!;
    expect(closed.counts).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(closed.tally).toEqual({ answered: 1, correct: 0 });
  });

  test('a committed, fully correct answer leaves the counts and the tally; a bulk removal is one admin snapshot', async () => {
    const world = createWorld();
    const { controller, publisher } = world;
    connectAdmin(controller);
    const students = await Promise.all(['s1', 's2', 's3', 's4'].map((id) => joinAndConnect(controller, id)));
    command(controller, 'next');
    students.forEach((student, i) => submit(controller, student, 0, i < 3 ? 'A' : 'B'));
    await turn();
    command(controller, 'close');
    const snapshotsBefore = publisher.frames(TOPIC_ADMINS, 'snapshot').length;
    expect(controller.removeStudents(['s1', 's2', 'nobody', 's1'])).toEqual({ removed: ['s1', 's2'], notFound: ['nobody'] });
    expect(publisher.frames(TOPIC_ADMINS, 'snapshot')).toHaveLength(snapshotsBefore + 1);
    const snapshot = publisher.frames(TOPIC_ADMINS, 'snapshot').at(-1)!;
    expect(snapshot.question.counts).toEqual({ A: 1, B: 1, C: 0, D: 0 });
    expect(snapshot.question.tally).toEqual({ answered: 2, correct: 1 });
    // In review the students still connected get a fresh snapshot with the new counts.
    const s3Snapshot = students[2]!.socket.last('snapshot')!;
    expect(s3Snapshot.question.counts).toEqual({ A: 1, B: 1, C: 0, D: 0 });
    expect(students[0]!.socket.closes.map((close) => close.code)).toEqual([4401]);
    // Removing them again finds nobody.
    expect(controller.removeStudents(['s1', 's2'])).toEqual({ removed: [], notFound: ['s1', 's2'] });
    expect(publisher.frames(TOPIC_ADMINS, 'snapshot')).toHaveLength(snapshotsBefore + 1);
  });

  test('after the end, removing the winner moves everyone up; the id is free and its old cookie never works again', async () => {
    const world = createWorld(makePool(1));
    const { controller } = world;
    const winner = await joinAndConnect(controller, 'winner');
    const second = await joinAndConnect(controller, 'second');
    command(controller, 'next');
    submit(controller, winner, 0, 'A');
    await turn();
    command(controller, 'next'); // review
    command(controller, 'next'); // ended
    expect(second.socket.last('session_ended')!.rank).toBe(2);
    controller.removeStudents(['winner']);
    expect(second.socket.last('snapshot')!.me).toMatchObject({ rank: 1, total_students: 1 });
    const again = await controller.join('winner', 'Real winner', null);
    if (!again.ok) throw new Error('join refused');
    expect(again.claim.epoch).not.toBe(winner.claim.epoch);
    expect(controller.authenticate(winner.claim)).toBeNull();
    expect(controller.authenticate(again.claim)).toBe(again.entry);
  });
});

describe('removing a student whose join is still waiting for its commit', () => {
  test('the join lands first and is then removed with the rest: nothing half-joined, the cookie it got never works', async () => {
    const world = createWorld();
    const { controller, store } = world;
    const pending = controller.join('late', 'Late', null);
    expect(controller.removeStudents(['late'])).toEqual({ removed: ['late'], notFound: [] });
    const joined = await pending;
    if (!joined.ok) throw new Error('join refused');
    expect(controller.authenticate(joined.claim)).toBeNull();
    expect(store.listStudents(controller.runId)).toEqual([]);
    expect(controller.studentsCount).toBe(0);
  });
});

describe('back channel', () => {
  /** A world with Q&A and the pulse on, an asker, ten voters and an admin. */
  async function backChannelWorld() {
    const world = createWorld();
    const { controller } = world;
    expect(controller.updateSettings({ qa: true, pulse: true }).ok).toBe(true);
    const asker = await joinAndConnect(controller, 'asker');
    const voters = await Promise.all(Array.from({ length: 10 }, (_, index) => joinAndConnect(controller, `v${index}`)));
    const admin = connectAdmin(controller);
    controller.receiveStudentFrame(asker.socket, asker.entry, { type: 'ask', text: 'Why?' });
    const askId = asker.socket.last('ask_added')!.ask.id as number;
    return { ...world, asker, voters, admin, askId };
  }

  test('votes of one turn are one commit and one ask_votes publish to the students', async () => {
    const { controller, publisher, voters, askId, db } = await backChannelWorld();
    for (const voter of voters) controller.receiveStudentFrame(voter.socket, voter.entry, { type: 'upvote', ask_id: askId });
    expect(publisher.frames(TOPIC_STUDENTS, 'ask_votes')).toHaveLength(0); // not before the commit
    await turn();
    expect(publisher.frames(TOPIC_STUDENTS, 'ask_votes')).toEqual([{ type: 'ask_votes', votes: [{ id: askId, votes: 10 }] }]);
    expect(publisher.frames(TOPIC_ADMINS, 'ask_updated')).toEqual([{ type: 'ask_updated', id: askId, votes: 10, state: 'open' }]);
    expect(publisher.frames(TOPIC_STUDENTS, 'ask_updated')).toEqual([]);
    expect((db.$client.query('SELECT count(*) AS n FROM ask_votes').get() as { n: number }).n).toBe(10);
  });

  test('counts changed within 500 ms wait for one trailing ask_votes', async () => {
    const { controller, publisher, voters, askId, time } = await backChannelWorld();
    controller.receiveStudentFrame(voters[0]!.socket, voters[0]!.entry, { type: 'upvote', ask_id: askId });
    await turn();
    controller.receiveStudentFrame(voters[1]!.socket, voters[1]!.entry, { type: 'upvote', ask_id: askId });
    await turn();
    controller.receiveStudentFrame(voters[2]!.socket, voters[2]!.entry, { type: 'upvote', ask_id: askId });
    await turn();
    expect(publisher.frames(TOPIC_STUDENTS, 'ask_votes')).toHaveLength(1);
    time.advance(500);
    expect(publisher.frames(TOPIC_STUDENTS, 'ask_votes').at(-1)).toEqual({ type: 'ask_votes', votes: [{ id: askId, votes: 3 }] });
  });

  test('while a question is open, students get no ask_votes (admins still do); the counts follow its close', async () => {
    const { controller, publisher, voters, askId, time } = await backChannelWorld();
    command(controller, 'next');
    for (const voter of voters.slice(0, 4)) controller.receiveStudentFrame(voter.socket, voter.entry, { type: 'upvote', ask_id: askId });
    await turn();
    time.advance(5_000);
    expect(publisher.frames(TOPIC_STUDENTS, 'ask_votes')).toEqual([]);
    expect(publisher.frames(TOPIC_ADMINS, 'ask_updated').at(-1)).toMatchObject({ id: askId, votes: 4 });
    command(controller, 'close');
    time.advance(500);
    expect(publisher.frames(TOPIC_STUDENTS, 'ask_votes')).toEqual([{ type: 'ask_votes', votes: [{ id: askId, votes: 4 }] }]);
  });

  test('while a question is open, votes and signals are committed every 250 ms, not every turn; stop() commits what waits', async () => {
    const { controller, publisher, voters, askId, time, db } = await backChannelWorld();
    const stored = () => (db.$client.query('SELECT count(*) AS n FROM ask_votes').get() as { n: number }).n;
    command(controller, 'next');
    controller.receiveStudentFrame(voters[0]!.socket, voters[0]!.entry, { type: 'upvote', ask_id: askId });
    await turn();
    controller.receiveStudentFrame(voters[1]!.socket, voters[1]!.entry, { type: 'upvote', ask_id: askId });
    await turn();
    expect(stored()).toBe(0);
    expect(publisher.frames(TOPIC_ADMINS, 'ask_updated')).toEqual([]); // published only after the commit
    time.advance(QUIZ_SIGNAL_FLUSH_MS);
    expect(stored()).toBe(2);
    expect(publisher.frames(TOPIC_ADMINS, 'ask_updated')).toEqual([{ type: 'ask_updated', id: askId, votes: 2, state: 'open' }]);
    controller.receiveStudentFrame(voters[2]!.socket, voters[2]!.entry, { type: 'pulse', value: 'lost' });
    controller.stop();
    expect((db.$client.query('SELECT count(*) AS n FROM pulses').get() as { n: number }).n).toBe(1);
    expect(time.pendingTimers).toBe(0);
  });

  test('pulse timers (publish, expiry) and vote throttles are gone after stop(); held votes are committed', async () => {
    const { controller, voters, askId, time, db } = await backChannelWorld();
    controller.receiveStudentFrame(voters[0]!.socket, voters[0]!.entry, { type: 'pulse', value: 'lost' });
    controller.receiveStudentFrame(voters[1]!.socket, voters[1]!.entry, { type: 'pulse', value: 'ok' });
    controller.receiveStudentFrame(voters[0]!.socket, voters[0]!.entry, { type: 'upvote', ask_id: askId });
    expect(time.pendingTimers).toBeGreaterThan(0);
    controller.stop();
    expect(time.pendingTimers).toBe(0);
    expect((db.$client.query('SELECT count(*) AS n FROM ask_votes').get() as { n: number }).n).toBe(1);
    expect((db.$client.query('SELECT count(*) AS n FROM pulses').get() as { n: number }).n).toBe(2);
  });

  test('reset starts a run without asks; the old run keeps them in storage', async () => {
    const { controller, store, askId } = await backChannelWorld();
    const oldRun = controller.runId;
    expect(controller.reset().ok).toBe(true);
    expect(controller.adminSnapshot().asks).toEqual([]);
    expect(store.listAsks(oldRun).map((ask) => ask.id)).toEqual([askId]);
    expect(controller.setAskState(askId, 'hidden')).toMatchObject({ ok: false, code: 'ask_not_found' });
  });
});
