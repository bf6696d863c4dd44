/**
 * Late joiners and reconnects: the snapshot a (re)connecting student gets must put them
 * exactly where the session is, with their own answer and score, and never the correct
 * answer while the question is open.
 */
import { beforeEach, expect, test } from 'bun:test';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import type { Inbox } from '../helpers/inbox';

const TIME_LIMIT_MS = 20_000;
const pool = makePool(4, { timeLimitS: TIME_LIMIT_MS / 1000 });
const points = (elapsedMs: number) => Math.round(1000 * (1 - elapsedMs / TIME_LIMIT_MS / 2));
/** The question fields every view of a makePool question carries (round 1, single, speed, no image). */
const SINGLE_FACE = { question_type: 'single', round: 1, image: null, image_alt: null, scoring: 'speed' };

const worlds = useTestWorlds({ checkSockets: true });
let world: TestWorld;
let admin: Inbox;
beforeEach(async () => {
  world = await worlds.start({ fakeTime: true, pool });
  admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
});

async function joinAndConnect(id: string, name = `Student ${id}`) {
  const { response, cookie } = await world.join(id, name);
  expect(response.status).toBe(200);
  const inbox = worlds.track(await world.connectStudent(cookie));
  const snapshot = await inbox.next('snapshot');
  return { cookie, inbox, snapshot };
}

async function connect(cookie: string) {
  const inbox = worlds.track(await world.connectStudent(cookie));
  return { inbox, snapshot: await inbox.next('snapshot') };
}

async function command(name: 'next' | 'close' | 'end') {
  const response = await world.adminPost(`/admin/api/${name}`);
  expect(response.status).toBe(200);
  return response.json();
}

async function submit(inbox: Inbox, questionIdx: number, choice: string) {
  inbox.send({ type: 'submit', question_idx: questionIdx, choice });
  return inbox.next('submit_ack');
}

test('a student who joins 7 s into a 20 s question gets the question with 13 s left and can answer', async () => {
  const early = await joinAndConnect('early');
  await command('next');
  await early.inbox.next('question_open');
  world.time!.advance(7_000);

  const late = await joinAndConnect('late', 'Late Comer');
  const { snapshot } = late;
  expect(snapshot.phase).toBe('question');
  expect(snapshot.question_idx).toBe(0);
  expect(snapshot.total_questions).toBe(4);
  expect(snapshot.students_count).toBe(2);
  expect(snapshot.question).toEqual({
    text: pool.questions[0]!.text,
    choices: pool.questions[0]!.choices,
    ...SINGLE_FACE,
    time_limit_ms: TIME_LIMIT_MS,
    remaining_ms: 13_000,
  });
  // Nothing that gives the answer away while the question is open.
  expect(snapshot.question).not.toHaveProperty('correct');
  expect(snapshot.question).not.toHaveProperty('counts');
  expect(snapshot.question).not.toHaveProperty('tally');
  expect(snapshot.question).not.toHaveProperty('explanation');
  expect(JSON.stringify(late.inbox.raw)).not.toContain('"correct"');
  expect(snapshot.me).toEqual({ student_id: 'late', name: 'Late Comer', score: 0, answer: null, points: null });

  const ack = await submit(late.inbox, 0, 'A');
  expect(ack).toEqual({ type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true });

  world.time!.advance(13_000);
  const closed = await late.inbox.next('question_closed');
  expect(closed).toMatchObject({ question_idx: 0, correct: 'A', your_choice: 'A', points: points(7_000), score: 825 });
  expect(points(7_000)).toBe(825);
  const earlyClosed = await early.inbox.next('question_closed');
  expect(earlyClosed).toMatchObject({ your_choice: null, points: 0, score: 0 });
});

test('disconnect and reconnect mid-question keeps the answer; a resubmit is already_answered', async () => {
  const ann = await joinAndConnect('ann', 'Ann');
  await command('next');
  await ann.inbox.next('question_open');
  world.time!.advance(4_000);
  expect(await submit(ann.inbox, 0, 'A')).toMatchObject({ accepted: true });
  await ann.inbox.close();

  world.time!.advance(2_000);
  const again = await connect(ann.cookie);
  expect(again.snapshot.phase).toBe('question');
  expect(again.snapshot.question_idx).toBe(0);
  expect(again.snapshot.question.remaining_ms).toBe(14_000);
  expect(again.snapshot.question).not.toHaveProperty('correct');
  // The score moves only at close: a jump now would reveal that A is right.
  expect(again.snapshot.me).toEqual({ student_id: 'ann', name: 'Ann', score: 0, answer: 'A', points: null });

  for (const choice of ['A', 'B']) {
    const ack = await submit(again.inbox, 0, choice);
    expect(ack).toEqual({ type: 'submit_ack', question_idx: 0, choice, accepted: false, reason: 'already_answered' });
  }
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.answered).toBe(1);
  expect(state.counts).toEqual({ A: 1, B: 0, C: 0, D: 0 });

  await command('close');
  const closed = await again.inbox.next('question_closed');
  expect(closed).toMatchObject({ your_choice: 'A', points: points(4_000), score: points(4_000) });
  expect(closed.counts).toEqual({ A: 1, B: 0, C: 0, D: 0 });
});

test('a student asleep for two questions wakes into q2 with a fresh answer and the earlier score', async () => {
  const sleepy = await joinAndConnect('sleepy', 'Sleepy');
  const awake = await joinAndConnect('awake', 'Awake');
  expect(sleepy.snapshot.question_idx).toBeNull();

  await command('next');
  await sleepy.inbox.next('question_open');
  world.time!.advance(2_000);
  expect(await submit(sleepy.inbox, 0, 'A')).toMatchObject({ accepted: true });
  // The phone locks during q0.
  await sleepy.inbox.close();

  world.time!.advance(18_000); // q0's deadline
  expect((await awake.inbox.next('question_closed')).question_idx).toBe(0);
  await command('next'); // q1
  await awake.inbox.next('question_open');
  world.time!.advance(1_000);
  expect(await submit(awake.inbox, 1, 'B')).toMatchObject({ accepted: true });
  await command('close');
  await command('next'); // q2
  const open2 = await awake.inbox.next('question_open');
  expect(open2.question_idx).toBe(2);
  world.time!.advance(3_000);

  const woke = await connect(sleepy.cookie);
  expect(woke.snapshot.phase).toBe('question');
  expect(woke.snapshot.question_idx).toBe(2);
  expect(woke.snapshot.question).toEqual({
    text: pool.questions[2]!.text,
    choices: pool.questions[2]!.choices,
    ...SINGLE_FACE,
    time_limit_ms: TIME_LIMIT_MS,
    remaining_ms: 17_000,
  });
  expect(woke.snapshot.me).toEqual({
    student_id: 'sleepy',
    name: 'Sleepy',
    score: points(2_000),
    answer: null,
    points: null,
  });

  // Old questions are gone; the open one can be answered.
  expect(await submit(woke.inbox, 0, 'C')).toMatchObject({ accepted: false, reason: 'wrong_question' });
  expect(await submit(woke.inbox, 2, 'C')).toEqual({ type: 'submit_ack', question_idx: 2, choice: 'C', accepted: true });

  world.time!.advance(17_000);
  const closed = await woke.inbox.next('question_closed');
  expect(closed).toMatchObject({
    question_idx: 2,
    correct: 'C',
    your_choice: 'C',
    points: points(3_000),
    score: points(2_000) + points(3_000),
  });
});

test('reconnect during review shows correct, counts, tally, explanation and my points', async () => {
  const ann = await joinAndConnect('ann', 'Ann');
  const bob = await joinAndConnect('bob', 'Bob');
  const cat = await joinAndConnect('cat', 'Cat');
  await command('next');
  world.time!.advance(4_000);
  expect(await submit(ann.inbox, 0, 'A')).toMatchObject({ accepted: true });
  world.time!.advance(1_000);
  expect(await submit(bob.inbox, 0, 'D')).toMatchObject({ accepted: true });
  // Cat does not answer.
  await ann.inbox.close();
  await bob.inbox.close();
  await cat.inbox.close();
  const closedByCommand = await command('close');
  expect(closedByCommand).toEqual({ ok: true, phase: 'review', question_idx: 0 });
  world.time!.advance(60_000); // review does not time out

  const review = {
    text: pool.questions[0]!.text,
    choices: pool.questions[0]!.choices,
    ...SINGLE_FACE,
    time_limit_ms: TIME_LIMIT_MS,
    remaining_ms: 0,
    correct: 'A',
    counts: { A: 1, B: 0, C: 0, D: 1 },
    tally: { answered: 2, correct: 1 },
    explanation: pool.questions[0]!.explanation,
  };

  const annBack = await connect(ann.cookie);
  expect(annBack.snapshot.phase).toBe('review');
  expect(annBack.snapshot.question_idx).toBe(0);
  expect(annBack.snapshot.question).toEqual(review);
  expect(annBack.snapshot.me).toEqual({ student_id: 'ann', name: 'Ann', score: 900, answer: 'A', points: 900 });
  expect(points(4_000)).toBe(900);

  const bobBack = await connect(bob.cookie);
  expect(bobBack.snapshot.question).toEqual(review);
  expect(bobBack.snapshot.me).toEqual({ student_id: 'bob', name: 'Bob', score: 0, answer: 'D', points: 0 });

  const catBack = await connect(cat.cookie);
  expect(catBack.snapshot.me).toEqual({ student_id: 'cat', name: 'Cat', score: 0, answer: null, points: 0 });

  // A submit in review is closed and changes nothing.
  expect(await submit(catBack.inbox, 0, 'A')).toMatchObject({ accepted: false, reason: 'closed' });

  // Next question: the reconnected sockets follow along.
  await command('next');
  const open = await annBack.inbox.next('question_open');
  expect(open.question_idx).toBe(1);
  expect(open.remaining_ms).toBe(TIME_LIMIT_MS);
});

test('reconnect in the lobby and after the end: question_idx is null, score kept', async () => {
  const ann = await joinAndConnect('ann', 'Ann');
  await ann.inbox.close();
  const lobby = await connect(ann.cookie);
  expect(lobby.snapshot).toMatchObject({ phase: 'lobby', question_idx: null, question: null });
  expect(lobby.snapshot.me).toEqual({ student_id: 'ann', name: 'Ann', score: 0, answer: null, points: null });

  await command('next');
  expect(await submit(lobby.inbox, 0, 'A')).toMatchObject({ accepted: true });
  const ended = await command('end');
  expect(ended).toEqual({ ok: true, phase: 'ended', question_idx: null });
  const endFrame = await lobby.inbox.next('session_ended');
  expect(endFrame).toMatchObject({ score: 1000, rank: 1, total_students: 1 });
  await lobby.inbox.close();

  const after = await connect(ann.cookie);
  expect(after.snapshot).toMatchObject({ phase: 'ended', question_idx: null, question: null, total_questions: 4 });
  // After the end a new device still learns the final standing from the snapshot.
  expect(after.snapshot.me).toEqual({
    student_id: 'ann',
    name: 'Ann',
    score: 1000,
    answer: null,
    points: null,
    rank: 1,
    total_students: 1,
  });
});

test('two tabs of the same student both get the personal frames', async () => {
  const ann = await joinAndConnect('ann', 'Ann');
  const tab2 = await connect(ann.cookie);
  await command('next');
  expect(await submit(tab2.inbox, 0, 'A')).toMatchObject({ accepted: true });
  expect(await submit(ann.inbox, 0, 'A')).toMatchObject({ accepted: false, reason: 'already_answered' });
  world.time!.advance(TIME_LIMIT_MS);
  for (const inbox of [ann.inbox, tab2.inbox]) {
    expect(await inbox.next('question_closed')).toMatchObject({ your_choice: 'A', points: 1000, score: 1000 });
  }
});
