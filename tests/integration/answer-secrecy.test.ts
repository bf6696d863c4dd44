/**
 * The correct answer never reaches a student before question_closed: not in a `correct`
 * or `answer` field, not in the explanation, and not through a score that moves while the
 * question is still open. Every raw frame every student receives is checked, plus GET
 * /api/me and the snapshot on reconnect during an open question.
 */
import { expect, test } from 'bun:test';
import { CHOICE_LETTERS } from '../../src/protocol/constants';
import type { Frame, Inbox } from '../helpers/inbox';
import { useTestWorlds } from '../helpers/test-worlds';
import { findKeys } from '../helpers/find-keys';
import { sleep, waitForFrames } from '../helpers/wait';

const POOL = {
  title: 'Secrets',
  questions: [
    { text: 'Q-one?', choices: ['one-a', 'one-b', 'one-c', 'one-d'], answer: 'C', time_limit_s: 20, explanation: 'EXPLAIN-ONE-ZQX' },
    { text: 'Q-two?', choices: ['two-a', 'two-b'], answer: 'B', time_limit_s: 30, explanation: 'EXPLAIN-TWO-ZQX' },
    { text: 'Q-three?', choices: ['t-a', 't-b', 't-c', 't-d', 't-e', 't-f'], answer: 'F', time_limit_s: 10, explanation: 'EXPLAIN-THREE-ZQX' },
    { text: 'Q-four?', choices: ['f-a', 'f-b', 'f-c'], answer: 'A', time_limit_s: 15 },
  ],
};

const QUESTION_KEYS_WHILE_OPEN = [
  'choices',
  'image',
  'image_alt',
  'question_type',
  'remaining_ms',
  'round',
  'scoring',
  'text',
  'time_limit_ms',
];
const ACK_KEYS = ['accepted', 'choice', 'question_idx', 'reason', 'type'];

const worlds = useTestWorlds();

/**
 * Checks one student's raw frames, in order: until question i's question_closed arrives,
 * nothing may reveal question i's answer. Returns a list of problems (empty = fine).
 */
function leaks(raw: readonly string[], who: string): string[] {
  const problems: string[] = [];
  const revealed = new Set<number>();
  let current: number | null = null;
  for (const text of raw) {
    const frame = JSON.parse(text) as Frame;
    const where = `${who} ${frame.type}: ${text.slice(0, 200)}`;
    if (frame.type === 'question_closed') {
      revealed.add(frame.question_idx);
      continue;
    }
    if (frame.type === 'question_open') current = frame.question_idx;
    if (frame.type === 'snapshot' && frame.question_idx !== null) current = frame.question_idx;
    const openIndex = frame.type === 'snapshot' && frame.phase !== 'question' ? null : current;
    if (openIndex === null || revealed.has(openIndex)) continue;

    const question = POOL.questions[openIndex]!;
    // No `correct` anywhere; `answer` only as the student's own `me.answer`.
    for (const hit of findKeys(frame, ['correct', 'answer', 'explanation', 'counts', 'first_round_counts', 'tally', 'first_round_tally', 'points'])) {
      const allowed =
        (hit.path === '/me/answer' && frame.type === 'snapshot') ||
        (hit.path === '/me/points' && hit.value === null);
      if (!allowed) problems.push(`${where} has ${hit.path}=${JSON.stringify(hit.value)}`);
    }
    if (question.explanation && text.includes(question.explanation)) problems.push(`${where} contains the explanation`);
    if (frame.type === 'question_open' || frame.type === 'snapshot') {
      const view = frame.type === 'snapshot' ? frame.question : frame;
      if (view) {
        const keys = Object.keys(view).filter((key) => !['type', 'question_idx'].includes(key)).sort();
        if (JSON.stringify(keys) !== JSON.stringify(QUESTION_KEYS_WHILE_OPEN)) {
          problems.push(`${where} shows question keys ${keys.join(',')}`);
        }
      }
    }
    if (frame.type === 'submit_ack') {
      const extra = Object.keys(frame).filter((key) => !ACK_KEYS.includes(key));
      if (extra.length > 0) problems.push(`${where} carries ${extra.join(',')}`);
    }
  }
  return problems;
}

test('no student frame, GET /api/me or reconnect snapshot reveals an answer before its question_closed, through a whole pool', async () => {
  const w = await worlds.start({ fakeTime: true, pool: POOL });
  const students: Inbox[] = [];
  const cookies: string[] = [];
  for (let index = 0; index < 6; index++) {
    const { cookie } = await w.join(`k${index}`, `Keeper ${index}`);
    cookies.push(cookie);
    const inbox = worlds.track(await w.connectStudent(cookie));
    students.push(inbox);
  }
  const admin = worlds.track(await w.connectAdmin());
  await admin.next('snapshot');
  const reconnects: Inbox[] = [];
  const apiMe: string[] = [];
  // A score that already counts the open question tells a student whether they were right.
  const scoreProblems: string[] = [];

  for (let index = 0; index < POOL.questions.length; index++) {
    const question = POOL.questions[index]!;
    admin.send({ type: 'next' });
    for (const student of students) await student.next('question_open');
    // The admin may see the answer; check we are looking at the right question.
    const adminOpen = await admin.next('question_open');
    expect(adminOpen.question_idx).toBe(index);

    const scoresBefore = new Map<string, number>();
    for (let position = 0; position < students.length; position++) {
      const me = await w.http('/api/me', { cookie: cookies[position]! });
      scoresBefore.set(cookies[position]!, (await me.json()).score);
    }
    // Every student answers (some correctly, one late-ish), including an invalid try first.
    w.time!.advance(1000);
    for (let position = 0; position < students.length; position++) {
      const choice = CHOICE_LETTERS[position % question.choices.length]!;
      students[position]!.send({ type: 'submit', question_idx: index, choice: 'Z' });
      students[position]!.send({ type: 'submit', question_idx: index, choice });
    }
    for (const student of students) await waitForFrames(student, 'submit_ack', 2 * (index + 1));

    // While the question is open: reconnect (snapshot) and /api/me must not reveal anything,
    // not even through a score that already counts the open question.
    for (let position = 0; position < students.length; position++) {
      const response = await w.http('/api/me', { cookie: cookies[position]! });
      const text = await response.text();
      apiMe.push(text);
      const body = JSON.parse(text);
      expect(Object.keys(body).sort()).toEqual(['name', 'score', 'student_id']);
      expect(findKeys(body, ['correct', 'answer', 'points'])).toEqual([]);
      if (body.score !== scoresBefore.get(cookies[position]!)) {
        scoreProblems.push(`GET /api/me of k${position} during q${index}: score ${scoresBefore.get(cookies[position]!)} -> ${body.score}`);
      }
      const again = worlds.track(await w.connectStudent(cookies[position]!));
      reconnects.push(again);
      const snapshot = await again.next('snapshot');
      expect(snapshot.phase).toBe('question');
      expect(snapshot.me.answer).toBe(CHOICE_LETTERS[position % question.choices.length]!);
      expect(snapshot.me.points).toBeNull();
      if (snapshot.me.score !== scoresBefore.get(cookies[position]!)) {
        scoreProblems.push(`snapshot me.score of k${position} during q${index}: ${scoresBefore.get(cookies[position]!)} -> ${snapshot.me.score}`);
      }
      expect(leaks(again.raw, `reconnect ${position}`)).toEqual([]);
      await again.close();
    }

    // Close: some by the deadline, some by the admin.
    if (index % 2 === 0) w.time!.advance(question.time_limit_s * 1000);
    else admin.send({ type: 'close' });
    for (const student of students) {
      const closed = await student.next('question_closed');
      expect(closed.correct).toBe(question.answer);
    }
    const adminClosed = await admin.next('question_closed');
    expect(adminClosed.correct).toBe(question.answer);

    // After the close the score may move, and a reconnect in review may show the answer.
    const review = worlds.track(await w.connectStudent(cookies[0]!));
    const reviewSnapshot = await review.next('snapshot');
    expect(reviewSnapshot.phase).toBe('review');
    expect(reviewSnapshot.question.correct).toBe(question.answer);
    await review.close();
  }
  admin.send({ type: 'next' });
  for (const student of students) await student.next('session_ended');
  await sleep(50);

  for (let position = 0; position < students.length; position++) {
    expect(leaks(students[position]!.raw, `student ${position}`)).toEqual([]);
  }
  // The admin, on the other hand, sees the answers from the start.
  const adminSnapshot = admin.all('snapshot')[0]!;
  expect(adminSnapshot.pool.questions.map((q: { answer: string }) => q.answer)).toEqual(POOL.questions.map((q) => q.answer));
  for (const text of apiMe) expect(text).not.toContain('ZQX');
  // Checked last so that a score leak does not hide the frame checks above.
  expect(scoreProblems).toEqual([]);
});

/** One student and the admin connected; question 0 open; the student's correct C acknowledged. */
async function answerCorrectlyWhileOpen(studentId: string, name: string) {
  const w = await worlds.start({ fakeTime: true, pool: POOL });
  const { cookie } = await w.join(studentId, name);
  const student = worlds.track(await w.connectStudent(cookie));
  const admin = worlds.track(await w.connectAdmin());
  admin.send({ type: 'next' });
  await student.next('question_open');
  student.send({ type: 'submit', question_idx: 0, choice: 'C' });
  expect((await student.next('submit_ack')).accepted).toBe(true);
  return { w, cookie, student, admin };
}

test('the raw frames of a student never contain any explanation while its question is open', async () => {
  const { w, student, admin } = await answerCorrectlyWhileOpen('solo', 'Solo');
  const before = student.raw.join('\n');
  expect(before).not.toContain('EXPLAIN-');
  expect(before).not.toContain('"correct"');
  const adminRaw = admin.raw.join('\n');
  expect(adminRaw).toContain('EXPLAIN-ONE-ZQX');
});

test('a correct answer does not move the score seen by the student until the question closes', async () => {
  const { w, cookie, student, admin } = await answerCorrectlyWhileOpen('quick', 'Quick');

  const me = await (await w.http('/api/me', { cookie })).json();
  const again = worlds.track(await w.connectStudent(cookie));
  const snapshot = await again.next('snapshot');
  // Both still say 0: a 1000 here would tell the student (and their neighbours) that C is right.
  expect({ api_me_score: me.score, snapshot_score: snapshot.me.score }).toEqual({ api_me_score: 0, snapshot_score: 0 });

  admin.send({ type: 'close' });
  const closed = await student.next('question_closed');
  expect(closed).toMatchObject({ correct: 'C', your_choice: 'C', points: 1000, score: 1000 });
  expect((await (await w.http('/api/me', { cookie })).json()).score).toBe(1000);
});
