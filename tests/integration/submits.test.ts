/**
 * Submits the server must refuse (and how), malformed submit frames, and admin commands
 * that do not apply, over HTTP and over the admin socket. Every refusal leaves the
 * session exactly as it was.
 */
import { beforeEach, describe, expect, test } from 'bun:test';
import { makePool, toPoolInput, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import type { Frame, Inbox } from '../helpers/inbox';

const TIME_LIMIT_MS = 20_000;

const worlds = useTestWorlds({ checkSockets: true });
let world: TestWorld;
let admin: Inbox;
let ann: Inbox;
let bob: Inbox;

async function setup(pool = makePool(3)) {
  world = await worlds.start({ fakeTime: true, pool });
  admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  const students: Inbox[] = [];
  for (const id of ['ann', 'bob']) {
    const { response, cookie } = await world.join(id, id.toUpperCase());
    expect(response.status).toBe(200);
    const inbox = worlds.track(await world.connectStudent(cookie));
    await inbox.next('snapshot');
    students.push(inbox);
  }
  [ann, bob] = students as [Inbox, Inbox];
}

async function state(): Promise<Frame> {
  const response = await world.http('/admin/api/state', { cookie: await world.adminLogin() });
  expect(response.status).toBe(200);
  return response.json();
}

/** The parts of the admin state a refused submit or command must not change. */
async function essentials() {
  const s = await state();
  return {
    phase: s.phase,
    question_idx: s.question_idx,
    answered: s.answered,
    counts: s.counts,
    remaining_ms: s.question?.remaining_ms ?? null,
    round: s.question?.round ?? null,
    scores: s.students.map((student: Frame) => [student.student_id, student.score]),
  };
}

async function submit(inbox: Inbox, questionIdx: unknown, choice: unknown): Promise<Frame> {
  inbox.send({ type: 'submit', question_idx: questionIdx, choice });
  return inbox.next('submit_ack');
}

async function expectRejected(inbox: Inbox, questionIdx: number, choice: string, reason: string) {
  const before = await essentials();
  const ack = await submit(inbox, questionIdx, choice);
  expect(ack).toEqual({ type: 'submit_ack', question_idx: questionIdx, choice, accepted: false, reason });
  expect(await essentials()).toEqual(before);
}

describe('submits', () => {
  beforeEach(() => setup());

  test('in the lobby → closed', async () => {
    await expectRejected(ann, 0, 'A', 'closed');
    await expectRejected(ann, 1, 'B', 'closed');
    const s = await state();
    expect(s).toMatchObject({ phase: 'lobby', question_idx: null, answered: 0, counts: null });
  });

  test('accepted submit: the ack echoes question_idx and choice; a resubmit is already_answered and the first stands', async () => {
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    world.time!.advance(5_000);
    const ack = await submit(ann, 0, 'B');
    expect(ack).toEqual({ type: 'submit_ack', question_idx: 0, choice: 'B', accepted: true });
    expect(ack).not.toHaveProperty('reason');
    expect(await essentials()).toMatchObject({ answered: 1, counts: { A: 0, B: 1, C: 0, D: 0 } });

    await expectRejected(ann, 0, 'A', 'already_answered');
    await expectRejected(ann, 0, 'B', 'already_answered');

    world.time!.advance(1_000);
    expect(await submit(bob, 0, 'A')).toEqual({ type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true });
    expect(await essentials()).toMatchObject({ answered: 2, counts: { A: 1, B: 1, C: 0, D: 0 } });

    world.time!.advance(TIME_LIMIT_MS);
    // The first (wrong) answer stands: no points for Ann even though she later sent the right letter.
    expect(await ann.next('question_closed')).toMatchObject({ your_choice: 'B', points: 0, score: 0 });
    expect(await bob.next('question_closed')).toMatchObject({
      your_choice: 'A',
      points: Math.round(1000 * (1 - 6_000 / TIME_LIMIT_MS / 2)),
      counts: { A: 1, B: 1, C: 0, D: 0 },
    });
  });

  test('wrong question_idx while open → wrong_question', async () => {
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    await expectRejected(ann, 1, 'A', 'wrong_question');
    await expectRejected(ann, 2, 'A', 'wrong_question');
    await expectRejected(ann, 99, 'A', 'wrong_question');
    // After q0, q0 itself is the wrong question.
    await world.adminPost('/admin/api/close');
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    await expectRejected(ann, 0, 'B', 'wrong_question');
    // The right index still works afterwards.
    expect(await submit(ann, 1, 'B')).toMatchObject({ accepted: true });
  });

  test('invalid choice letters → invalid_choice', async () => {
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    for (const choice of ['G', 'E', 'F', 'a', 'd', '', 'AB', ' A', 'Z', '1']) {
      await expectRejected(ann, 0, choice, 'invalid_choice');
    }
    // Rejections do not use up the student's answer.
    expect(await submit(ann, 0, 'D')).toMatchObject({ accepted: true });
    expect(await essentials()).toMatchObject({ answered: 1, counts: { A: 0, B: 0, C: 0, D: 1 } });
  });

  test('after close (review) and after the end → closed', async () => {
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    expect(await submit(ann, 0, 'A')).toMatchObject({ accepted: true });
    await world.adminPost('/admin/api/close');
    await bob.next('question_closed');
    await expectRejected(bob, 0, 'A', 'closed');
    await expectRejected(ann, 0, 'B', 'closed');
    await expectRejected(bob, 1, 'B', 'closed');
    expect(await essentials()).toMatchObject({ phase: 'review', answered: 1, counts: { A: 1, B: 0, C: 0, D: 0 } });

    await world.adminPost('/admin/api/end');
    await bob.next('session_ended');
    await expectRejected(bob, 0, 'A', 'closed');
    await expectRejected(bob, 1, 'A', 'closed');
  });

  test('after the deadline has fired → closed', async () => {
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    world.time!.advance(TIME_LIMIT_MS);
    await ann.next('question_closed');
    await expectRejected(ann, 0, 'A', 'closed');
  });

  test('a rejected submit in the same breath as an accepted one does not count twice', async () => {
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    ann.send({ type: 'submit', question_idx: 0, choice: 'A' });
    ann.send({ type: 'submit', question_idx: 0, choice: 'A' });
    ann.send({ type: 'submit', question_idx: 0, choice: 'C' });
    const acks = [await ann.next('submit_ack'), await ann.next('submit_ack'), await ann.next('submit_ack')];
    expect(acks.filter((ack) => ack.accepted).length).toBe(1);
    expect(acks.filter((ack) => ack.reason === 'already_answered').length).toBe(2);
    expect(await essentials()).toMatchObject({ answered: 1, counts: { A: 1, B: 0, C: 0, D: 0 } });
  });

  test('malformed submit frames → error invalid_frame, no ack, counts unchanged, socket keeps working', async () => {
    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    const before = await essentials();
    const bad: unknown[] = [
      { type: 'submit', question_idx: 0, choice: 1 },
      { type: 'submit', question_idx: 0, choice: null },
      { type: 'submit', question_idx: 0 },
      { type: 'submit', question_idx: 0.5, choice: 'A' },
      { type: 'submit', question_idx: '0', choice: 'A' },
      { type: 'submit', question_idx: -1, choice: 'A' },
      { type: 'submit', choice: 'A' },
    ];
    for (const frame of bad) {
      ann.send(frame);
      const error = await ann.next('error');
      expect(error.code).toBe('invalid_frame');
      expect(typeof error.message).toBe('string');
    }
    expect(ann.all('submit_ack')).toEqual([]);
    expect(await essentials()).toEqual(before);
    expect(await submit(ann, 0, 'A')).toMatchObject({ accepted: true });
  });

  test('a 2-choice question accepts A and B only; a 6-choice question accepts F', async () => {
    // Replace the lobby's pool: q0 has 2 choices, q1 has 6.
    const two = makePool(1, { choices: 2 }).questions[0]!;
    const six = makePool(2, { choices: 6 }).questions[1]!;
    const upload = await world.adminPost('/admin/api/pool', toPoolInput({ title: 'Mixed', scoring: 'speed', questions: [two, six] }));
    expect(upload.status).toBe(200);
    await ann.next('snapshot'); // the new pool's lobby snapshot

    await world.adminPost('/admin/api/next');
    await ann.next('question_open');
    await expectRejected(ann, 0, 'C', 'invalid_choice');
    expect(await submit(ann, 0, 'B')).toMatchObject({ accepted: true });
    await world.adminPost('/admin/api/close');
    await world.adminPost('/admin/api/next');
    await bob.next('question_open');
    await expectRejected(bob, 1, 'G', 'invalid_choice');
    expect(await submit(bob, 1, 'F')).toMatchObject({ accepted: true });
  });
});

describe('admin commands that do not apply', () => {
  beforeEach(() => setup(makePool(2)));

  async function httpCommand(name: string) {
    const response = await world.adminPost(`/admin/api/${name}`);
    return { status: response.status, body: await response.json() };
  }

  async function expectHttpRefused(name: string) {
    const before = await essentials();
    const { status, body } = await httpCommand(name);
    expect(status).toBe(409);
    expect(body.error).toBe('invalid_command');
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(await essentials()).toEqual(before);
  }

  async function expectSocketRefused(name: string) {
    const before = await essentials();
    const framesBefore = ann.frames.length;
    admin.send({ type: name });
    const error = await admin.next('error');
    expect(error.code).toBe('invalid_command');
    expect(typeof error.message).toBe('string');
    expect(await essentials()).toEqual(before);
    // Nothing was broadcast to students.
    expect(ann.frames.length).toBe(framesBefore);
  }

  test('over HTTP: the whole order, with refusals in between', async () => {
    await expectHttpRefused('close');
    expect(await httpCommand('next')).toEqual({ status: 200, body: { ok: true, phase: 'question', question_idx: 0 } });
    expect(await httpCommand('close')).toEqual({ status: 200, body: { ok: true, phase: 'review', question_idx: 0 } });
    await expectHttpRefused('close');
    expect(await httpCommand('next')).toEqual({ status: 200, body: { ok: true, phase: 'question', question_idx: 1 } });
    // `next` while open closes the question.
    expect(await httpCommand('next')).toEqual({ status: 200, body: { ok: true, phase: 'review', question_idx: 1 } });
    // `next` after the last review ends the session.
    expect(await httpCommand('next')).toEqual({ status: 200, body: { ok: true, phase: 'ended', question_idx: null } });
    await expectHttpRefused('next');
    await expectHttpRefused('close');
    await expectHttpRefused('end');
    expect((await state()).phase).toBe('ended');
  });

  test('over HTTP: revote applies only to the review of a question’s first round', async () => {
    await expectHttpRefused('revote'); // lobby
    expect(await httpCommand('next')).toEqual({ status: 200, body: { ok: true, phase: 'question', question_idx: 0 } });
    await expectHttpRefused('revote'); // open
    expect(await httpCommand('close')).toEqual({ status: 200, body: { ok: true, phase: 'review', question_idx: 0 } });
    expect(await httpCommand('revote')).toEqual({ status: 200, body: { ok: true, phase: 'question', question_idx: 0 } });
    expect(await ann.next('question_open')).toMatchObject({ question_idx: 0, round: 1 });
    expect(await ann.next('question_open')).toMatchObject({ question_idx: 0, round: 2 });
    expect((await state()).question.round).toBe(2);
    await expectHttpRefused('revote'); // round 2 open
    expect(await httpCommand('close')).toEqual({ status: 200, body: { ok: true, phase: 'review', question_idx: 0 } });
    await expectHttpRefused('revote'); // review of round 2
    expect(await httpCommand('next')).toEqual({ status: 200, body: { ok: true, phase: 'question', question_idx: 1 } });
    expect((await state()).question.round).toBe(1);
    expect(await httpCommand('end')).toEqual({ status: 200, body: { ok: true, phase: 'ended', question_idx: null } });
    await expectHttpRefused('revote'); // ended
  });

  test('over the admin socket: revote refusals are error frames; a revote in review opens round 2', async () => {
    await expectSocketRefused('revote');
    admin.send({ type: 'next' });
    expect(await ann.next('question_open')).toMatchObject({ question_idx: 0, round: 1 });
    await expectSocketRefused('revote');
    admin.send({ type: 'close' });
    await ann.next('question_closed');
    admin.send({ type: 'revote' });
    expect(await ann.next('question_open')).toMatchObject({ question_idx: 0, round: 2 });
    expect(await admin.next('question_open')).toMatchObject({ question_idx: 0, round: 2 });
    expect(admin.all('error').length).toBe(2);
  });

  test('over HTTP: end from the lobby, then nothing applies', async () => {
    expect(await httpCommand('end')).toEqual({ status: 200, body: { ok: true, phase: 'ended', question_idx: null } });
    await ann.next('session_ended');
    await expectHttpRefused('next');
    await expectHttpRefused('end');
  });

  test('over HTTP: commands need the admin', async () => {
    const response = await world.http('/admin/api/next', { method: 'POST' });
    expect(response.status).toBe(401);
    expect((await state()).phase).toBe('lobby');
  });

  test('over the admin socket: error frames, state unchanged, the socket keeps working', async () => {
    await expectSocketRefused('close');
    admin.send({ type: 'next' });
    expect((await ann.next('question_open')).question_idx).toBe(0);
    admin.send({ type: 'close' });
    await ann.next('question_closed');
    await expectSocketRefused('close');
    admin.send({ type: 'end' });
    await ann.next('session_ended');
    await expectSocketRefused('next');
    await expectSocketRefused('close');
    await expectSocketRefused('end');
    expect(admin.all('error').length).toBe(5);
  });

  test('over the admin socket: malformed and student frames are errors, not commands', async () => {
    const before = await essentials();
    admin.send({ type: 'submit', question_idx: 0, choice: 'A' });
    expect((await admin.next('error')).code).toBe('unknown_type');
    admin.send('not json');
    expect((await admin.next('error')).code).toBe('invalid_json');
    admin.send({ nope: true });
    expect((await admin.next('error')).code).toBe('invalid_frame');
    expect(await essentials()).toEqual(before);
    // And a student cannot drive the session.
    ann.send({ type: 'next' });
    expect((await ann.next('error')).code).toBe('unknown_type');
    expect(await essentials()).toEqual(before);
  });
});
