/**
 * Every question type through real sockets: a multiple-answer question with partial
 * credit, a poll, a numeric question with a tolerance, an accuracy-scored question, the
 * wrong answer forms (invalid_choice, literal frame text included), answer secrecy for
 * every type and round, and a revote (peer instruction) with a restart in its round 2.
 */
import { expect, test } from 'bun:test';
import type { Frame, Inbox } from '../helpers/inbox';
import { csvRecords } from '../helpers/csv';
import { findKeys } from '../helpers/find-keys';
import type { TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds({ checkSockets: true });

/** A version 2 pool file, one question of each type; 20 s each. */
const TYPES_POOL = {
  title: 'Every type',
  scoring: 'speed',
  questions: [
    {
      type: 'multiple',
      text: 'Which are prime?',
      choices: ['2', '4', '5', '7', '9', '10'],
      answer: ['A', 'C', 'D'],
      time_limit_s: 20,
      explanation: 'EXPLAIN-MULTIPLE-QX',
    },
    { type: 'poll', text: 'How confident are you?', choices: ['Very', 'Somewhat', 'Not at all'], time_limit_s: 20, explanation: 'EXPLAIN-POLL-QX' },
    { type: 'numeric', text: 'What is 4 × 2.5?', answer: 10, tolerance: 0.5, time_limit_s: 20, explanation: 'EXPLAIN-NUMERIC-QX' },
    {
      type: 'single',
      text: 'Which letter is B?',
      choices: ['a', 'b', 'c', 'd'],
      answer: 'B',
      time_limit_s: 20,
      scoring: 'accuracy',
      explanation: 'EXPLAIN-ACCURACY-QX',
    },
  ],
};
const EXPLANATIONS = TYPES_POOL.questions.map((question) => question.explanation);

/** What a student sees of an open question: exactly these keys, nothing about the answer. */
const QUESTION_KEYS_WHILE_OPEN = ['choices', 'image', 'image_alt', 'question_type', 'remaining_ms', 'round', 'scoring', 'text', 'time_limit_ms'];
const ACK_KEYS = ['accepted', 'choice', 'choices', 'question_idx', 'reason', 'type', 'value'];

/**
 * Checks one student's raw frames in order: from a question's (round's) opening until its
 * question_closed, nothing may carry its answer, counts, tally or explanation. Returns the problems.
 */
function leaks(raw: readonly string[], who: string, explanations: readonly (string | undefined)[]): string[] {
  const problems: string[] = [];
  const revealed = new Set<string>();
  let current: { index: number; key: string } | null = null;
  const keyOf = (index: number, round: number) => `${index}/${round}`;
  for (const text of raw) {
    const frame = JSON.parse(text) as Frame;
    const where = `${who} ${frame.type}: ${text.slice(0, 160)}`;
    if (frame.type === 'question_closed') {
      revealed.add(keyOf(frame.question_idx, frame.round));
      continue;
    }
    if (frame.type === 'question_open') current = { index: frame.question_idx, key: keyOf(frame.question_idx, frame.round) };
    if (frame.type === 'snapshot') {
      current = frame.phase === 'question' ? { index: frame.question_idx, key: keyOf(frame.question_idx, frame.question.round) } : null;
    }
    if (current === null || revealed.has(current.key)) continue;

    for (const hit of findKeys(frame, ['correct', 'answer', 'explanation', 'counts', 'first_round_counts', 'tally', 'first_round_tally', 'points'])) {
      const allowed = (hit.path === '/me/answer' && frame.type === 'snapshot') || (hit.path === '/me/points' && hit.value === null);
      if (!allowed) problems.push(`${where} has ${hit.path}=${JSON.stringify(hit.value)}`);
    }
    const explanation = explanations[current.index];
    if (explanation && text.includes(explanation)) problems.push(`${where} contains the explanation`);
    if (frame.type === 'question_open' || frame.type === 'snapshot') {
      const view = frame.type === 'snapshot' ? frame.question : frame;
      const keys = Object.keys(view).filter((key) => !['type', 'question_idx'].includes(key)).sort();
      if (JSON.stringify(keys) !== JSON.stringify(QUESTION_KEYS_WHILE_OPEN)) problems.push(`${where} shows question keys ${keys.join(',')}`);
    }
    if (frame.type === 'submit_ack') {
      const extra = Object.keys(frame).filter((key) => !ACK_KEYS.includes(key));
      if (extra.length > 0) problems.push(`${where} carries ${extra.join(',')}`);
    }
  }
  return problems;
}

interface Student {
  id: string;
  cookie: string;
  inbox: Inbox;
}

async function joinAndConnect(w: TestWorld, id: string): Promise<Student> {
  const { response, cookie } = await w.join(id, `Name ${id}`);
  expect(response.status).toBe(200);
  const inbox = worlds.track(await w.connectStudent(cookie));
  await inbox.next('snapshot');
  return { id, cookie, inbox };
}

/** Sends a submit (an object, or frame text as is) and returns its ack. */
async function submit(student: Student, frame: Record<string, unknown> | string): Promise<Frame> {
  student.inbox.send(frame);
  return student.inbox.next('submit_ack');
}

async function adminState(w: TestWorld): Promise<Frame> {
  const response = await w.http('/admin/api/state', { cookie: await w.adminLogin() });
  expect(response.status).toBe(200);
  return response.json();
}

/** Reconnects a student during an open question: their snapshot, checked for leaks, then closed. */
async function reconnectSnapshot(w: TestWorld, student: Student): Promise<Frame> {
  const again = worlds.track(await w.connectStudent(student.cookie));
  const snapshot = await again.next('snapshot');
  expect(leaks(again.raw, `reconnect ${student.id}`, EXPLANATIONS)).toEqual([]);
  await again.close();
  return snapshot;
}

const open = (index: number, round: 1 | 2, question: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'question_open',
  question_idx: index,
  text: question.text,
  choices: question.choices ?? [],
  question_type: question.type,
  round,
  image: null,
  image_alt: null,
  scoring: question.scoring ?? 'speed',
  time_limit_ms: 20_000,
  remaining_ms: 20_000,
  ...extra,
});

test('every question type through real sockets: partial credit, poll, numeric tolerance, accuracy scoring, wrong forms, secrecy', async () => {
  const w = await worlds.start({ fakeTime: true, pool: TYPES_POOL });
  const admin = worlds.track(await w.connectAdmin());
  await admin.next('snapshot');
  const [ann, bob, cat, dan] = [
    await joinAndConnect(w, 'ann'),
    await joinAndConnect(w, 'bob'),
    await joinAndConnect(w, 'cat'),
    await joinAndConnect(w, 'dan'),
  ] as [Student, Student, Student, Student];
  const students = [ann, bob, cat, dan];
  const time = w.time!;
  const invalid = (index: number, echo: Record<string, unknown>) => ({
    type: 'submit_ack',
    question_idx: index,
    ...echo,
    accepted: false,
    reason: 'invalid_choice',
  });

  // ---- question 0: multiple (A, C, D of six), partial credit ----
  const q0 = TYPES_POOL.questions[0]!;
  admin.send({ type: 'next' });
  for (const student of students) expect(await student.inbox.next('question_open')).toEqual(open(0, 1, q0));
  expect(await admin.next('question_open')).toEqual(open(0, 1, q0));
  time.advance(4_000); // P = round(1000 × (1 − 4/20/2)) = 900

  // The wrong forms for a multiple question are invalid_choice, echoed as sent, and not stored.
  expect(await submit(dan, { type: 'submit', question_idx: 0, choice: 'A' })).toEqual(invalid(0, { choice: 'A' }));
  expect(await submit(dan, { type: 'submit', question_idx: 0, choices: ['A', 'A'] })).toEqual(invalid(0, { choices: ['A', 'A'] }));
  expect(await submit(dan, { type: 'submit', question_idx: 0, choices: ['A', 'G'] })).toEqual(invalid(0, { choices: ['A', 'G'] }));
  expect(await submit(dan, { type: 'submit', question_idx: 0, choices: [] })).toEqual(invalid(0, { choices: [] }));
  expect(await submit(dan, { type: 'submit', question_idx: 0, value: 1 })).toEqual(invalid(0, { value: 1 }));
  expect((await adminState(w)).answered).toBe(0);

  const q0Picks: [Student, string[], number][] = [
    [ann, ['D', 'A', 'C'], 900], // all three
    [bob, ['A', 'C'], 600], // 2 of 3
    [cat, ['A', 'B', 'C', 'D', 'E'], 300], // 3 hits − 2 wrong = 1 of 3
    [dan, ['A', 'B'], 0], // 1 hit − 1 wrong
  ];
  for (const [student, choices] of q0Picks) {
    expect(await submit(student, { type: 'submit', question_idx: 0, choices })).toEqual({
      type: 'submit_ack',
      question_idx: 0,
      choices, // as sent, not sorted
      accepted: true,
    });
  }
  expect(await submit(ann, { type: 'submit', question_idx: 0, choices: ['A'] })).toMatchObject({ accepted: false, reason: 'already_answered' });
  const q0Counts = { A: 4, B: 2, C: 3, D: 2, E: 1, F: 0 };
  // Four answered; only Ann picked exactly the right set (partial credit is not correct).
  const q0Tally = { answered: 4, correct: 1 };
  const q0State = await adminState(w);
  expect(q0State.counts).toEqual(q0Counts);
  expect(q0State.question.tally).toEqual(q0Tally);
  expect((await reconnectSnapshot(w, dan)).me).toMatchObject({ answer: ['A', 'B'], points: null, score: 0 });

  admin.send({ type: 'close' });
  const q0Closed = {
    type: 'question_closed',
    question_idx: 0,
    question_type: 'multiple',
    round: 1,
    correct: ['A', 'C', 'D'],
    counts: q0Counts,
    tally: q0Tally,
    explanation: q0.explanation,
  };
  expect(await admin.next('question_closed')).toEqual(q0Closed);
  const scores = new Map<Student, number>(students.map((student) => [student, 0]));
  for (const [student, choices, points] of q0Picks) {
    scores.set(student, scores.get(student)! + points);
    expect(await student.inbox.next('question_closed')).toEqual({
      ...q0Closed,
      your_choice: [...choices].sort(),
      points,
      score: scores.get(student)!,
    });
  }

  // ---- question 1: a poll: accepted, 0 points, correct null ----
  const q1 = TYPES_POOL.questions[1]!;
  admin.send({ type: 'next' });
  for (const student of students) expect(await student.inbox.next('question_open')).toEqual(open(1, 1, q1));
  time.advance(1_000);
  expect(await submit(dan, { type: 'submit', question_idx: 1, choices: ['A'] })).toEqual(invalid(1, { choices: ['A'] }));
  expect(await submit(dan, { type: 'submit', question_idx: 1, choice: 'D' })).toEqual(invalid(1, { choice: 'D' })); // three choices
  expect(await submit(dan, { type: 'submit', question_idx: 1, value: 2 })).toEqual(invalid(1, { value: 2 }));
  const q1Choices: [Student, string][] = [
    [ann, 'A'],
    [bob, 'B'],
    [cat, 'B'],
    [dan, 'C'],
  ];
  for (const [student, choice] of q1Choices) {
    expect(await submit(student, { type: 'submit', question_idx: 1, choice })).toEqual({ type: 'submit_ack', question_idx: 1, choice, accepted: true });
  }
  expect((await reconnectSnapshot(w, dan)).me).toMatchObject({ answer: 'C', points: null });
  admin.send({ type: 'close' });
  const q1Closed = {
    type: 'question_closed',
    question_idx: 1,
    question_type: 'poll',
    round: 1,
    correct: null,
    counts: { A: 1, B: 2, C: 1 },
    tally: { answered: 4, correct: null }, // a poll has no right answer
    explanation: q1.explanation,
  };
  expect(await admin.next('question_closed')).toEqual(q1Closed);
  for (const [student, choice] of q1Choices) {
    expect(await student.inbox.next('question_closed')).toEqual({ ...q1Closed, your_choice: choice, points: 0, score: scores.get(student)! });
  }

  // ---- question 2: numeric, 10 ± 0.5 ----
  const q2 = TYPES_POOL.questions[2]!;
  admin.send({ type: 'next' });
  for (const student of students) expect(await student.inbox.next('question_open')).toEqual(open(2, 1, q2, { choices: [] }));
  time.advance(2_000); // P = 950
  // Values that are not finite numbers, written literally in the frame text.
  expect(await submit(dan, '{"type":"submit","question_idx":2,"value":"3"}')).toEqual(invalid(2, { value: '3' }));
  expect(await submit(dan, '{"type":"submit","question_idx":2,"value":[3]}')).toEqual(invalid(2, { value: [3] }));
  expect(await submit(dan, '{"type":"submit","question_idx":2,"value":null}')).toEqual(invalid(2, { value: null }));
  // 1e400 parses as Infinity, which JSON writes back as null.
  expect(await submit(dan, '{"type":"submit","question_idx":2,"value":1e400}')).toEqual(invalid(2, { value: null }));
  expect(await submit(dan, '{"type":"submit","question_idx":2,"value":-1e400}')).toEqual(invalid(2, { value: null }));
  expect(await submit(dan, { type: 'submit', question_idx: 2, choice: 'A' })).toEqual(invalid(2, { choice: 'A' }));
  expect(await submit(dan, { type: 'submit', question_idx: 2, choices: ['A'] })).toEqual(invalid(2, { choices: ['A'] }));
  expect(await submit(dan, { type: 'submit', question_idx: 2, choice: 'A', value: 10 })).toEqual(invalid(2, { choice: 'A', value: 10 }));
  expect((await adminState(w)).answered).toBe(0);

  const q2Values: [Student, number, number][] = [
    [ann, 10.5, 950], // exactly answer + tolerance
    [bob, 9.6, 950],
    [cat, 11, 0],
    [dan, -10, 0],
  ];
  for (const [student, value] of q2Values) {
    expect(await submit(student, { type: 'submit', question_idx: 2, value })).toEqual({ type: 'submit_ack', question_idx: 2, value, accepted: true });
  }
  expect((await adminState(w)).counts).toEqual({ correct: 2, incorrect: 2 });
  expect((await reconnectSnapshot(w, dan)).me).toMatchObject({ answer: -10, points: null });
  time.advance(18_000); // the deadline closes it
  const q2Closed = {
    type: 'question_closed',
    question_idx: 2,
    question_type: 'numeric',
    round: 1,
    correct: 10,
    counts: { correct: 2, incorrect: 2 },
    tally: { answered: 4, correct: 2 }, // 10.5 and 9.6 are within 10 ± 0.5
    explanation: q2.explanation,
  };
  expect(await admin.next('question_closed')).toEqual(q2Closed);
  for (const [student, value, points] of q2Values) {
    scores.set(student, scores.get(student)! + points);
    expect(await student.inbox.next('question_closed')).toEqual({ ...q2Closed, your_choice: value, points, score: scores.get(student)! });
  }

  // ---- question 3: single, accuracy scoring: 1000 whatever the time ----
  const q3 = TYPES_POOL.questions[3]!;
  admin.send({ type: 'next' });
  for (const student of students) expect(await student.inbox.next('question_open')).toEqual(open(3, 1, q3));
  time.advance(500);
  expect(await submit(ann, { type: 'submit', question_idx: 3, choice: 'B' })).toMatchObject({ accepted: true });
  expect(await submit(cat, { type: 'submit', question_idx: 3, choice: 'A' })).toMatchObject({ accepted: true });
  time.advance(19_000); // 500 ms before the deadline
  expect(await submit(bob, { type: 'submit', question_idx: 3, choice: 'B' })).toMatchObject({ accepted: true });
  expect((await reconnectSnapshot(w, dan)).me).toMatchObject({ answer: null, points: null });
  time.advance(500);
  const q3Closed = {
    type: 'question_closed',
    question_idx: 3,
    question_type: 'single',
    round: 1,
    correct: 'B',
    counts: { A: 1, B: 2, C: 0, D: 0 },
    tally: { answered: 3, correct: 2 },
    explanation: q3.explanation,
  };
  expect(await admin.next('question_closed')).toEqual(q3Closed);
  const q3Results: [Student, string | null, number][] = [
    [ann, 'B', 1000],
    [bob, 'B', 1000],
    [cat, 'A', 0],
    [dan, null, 0],
  ];
  for (const [student, choice, points] of q3Results) {
    scores.set(student, scores.get(student)! + points);
    expect(await student.inbox.next('question_closed')).toEqual({ ...q3Closed, your_choice: choice, points, score: scores.get(student)! });
  }
  expect([...scores.values()]).toEqual([2850, 2550, 300, 0]);

  // ---- the end ----
  admin.send({ type: 'next' });
  expect((await admin.next('session_ended')).leaderboard).toEqual([
    { name: 'Name ann', score: 2850, rank: 1 },
    { name: 'Name bob', score: 2550, rank: 2 },
    { name: 'Name cat', score: 300, rank: 3 },
    { name: 'Name dan', score: 0, rank: 4 },
  ]);
  for (const student of students) {
    expect(await student.inbox.next('session_ended')).toMatchObject({ score: scores.get(student)!, total_students: 4 });
  }

  // Nothing leaked to any student before its question closed, in any frame.
  for (const student of students) expect(leaks(student.inbox.raw, student.id, EXPLANATIONS)).toEqual([]);
  // The check is not vacuous: the admin, who may see counts while a question is open, is flagged.
  expect(leaks(admin.raw, 'admin', EXPLANATIONS).some((problem) => problem.includes('answer_progress') && problem.includes('/counts'))).toBe(true);

  // results.csv: answers as stored per type, points and totals.
  const csv = await w.http('/admin/api/results.csv', { cookie: await w.adminLogin() });
  expect(csv.status).toBe(200);
  const records = new Map(csvRecords(await csv.text()).map((record) => [record.student_id!, record]));
  expect(records.get('ann')).toMatchObject({ q1_choice: 'A+C+D', q1_points: '900', q2_choice: 'A', q3_choice: '10.5', q3_points: '950', q4_choice: 'B', total: '2850', rank: '1' });
  expect(records.get('cat')).toMatchObject({ q1_choice: 'A+B+C+D+E', q1_points: '300', q3_choice: '11', q3_points: '0' });
  expect(records.get('dan')).toMatchObject({ q1_choice: 'A+B', q2_choice: 'C', q3_choice: '-10', q4_choice: '', q4_points: '', total: '0' });
});

/** A single question (answer B) and a multiple one (answer A, C); a minute each, real time. */
const REVOTE_POOL = {
  title: 'Peer instruction',
  questions: [
    { text: 'Which is B?', choices: ['a', 'b', 'c', 'd'], answer: 'B', time_limit_s: 60, explanation: 'EXPLAIN-REVOTE-ONE' },
    { type: 'multiple', text: 'Which are A and C?', choices: ['a', 'b', 'c', 'd'], answer: ['A', 'C'], time_limit_s: 60, explanation: 'EXPLAIN-REVOTE-TWO' },
  ],
};
const REVOTE_EXPLANATIONS = REVOTE_POOL.questions.map((question) => question.explanation);

test('revote: round 2 opens for everyone, scores 0, closes with both rounds’ counts; a restart in round 2 resumes it', async () => {
  const dir = worlds.tempDir('quiz-revote-');
  const first = await worlds.start({ dir, pool: REVOTE_POOL });
  let admin = worlds.track(await first.connectAdmin());
  await admin.next('snapshot');
  const ann = await joinAndConnect(first, 'ann');
  const bob = await joinAndConnect(first, 'bob');
  const cat = await joinAndConnect(first, 'cat');
  const students = [ann, bob, cat];
  const scores = new Map<string, number>();
  const closedPoints = (frame: Frame) => frame.points as number;

  // ---- question 0, round 1: Ann right, Bob wrong, Cat silent ----
  admin.send({ type: 'next' });
  for (const student of students) expect(await student.inbox.next('question_open')).toMatchObject({ question_idx: 0, round: 1 });
  expect(await submit(ann, { type: 'submit', question_idx: 0, choice: 'B' })).toMatchObject({ accepted: true });
  expect(await submit(bob, { type: 'submit', question_idx: 0, choice: 'A' })).toMatchObject({ accepted: true });
  admin.send({ type: 'close' });
  const round1Counts = { A: 1, B: 1, C: 0, D: 0 };
  const round1Tally = { answered: 2, correct: 1 }; // Ann B (right), Bob A
  const round1Closed = await admin.next('question_closed');
  expect(round1Closed).toMatchObject({ round: 1, counts: round1Counts, tally: round1Tally });
  expect(round1Closed).not.toHaveProperty('first_round_tally');
  for (const student of students) {
    const closed = await student.inbox.next('question_closed');
    scores.set(student.id, closed.score);
  }
  expect(scores.get('ann')).toBeGreaterThan(500);
  expect(scores.get('bob')).toBe(0);
  expect(scores.get('cat')).toBe(0);

  // ---- question 0, round 2 ----
  admin.send({ type: 'revote' });
  const round2Open = {
    type: 'question_open',
    question_idx: 0,
    text: 'Which is B?',
    choices: ['a', 'b', 'c', 'd'],
    question_type: 'single',
    round: 2,
    image: null,
    image_alt: null,
    scoring: 'speed',
    time_limit_ms: 60_000, // the same time limit
  };
  expect(await admin.next('question_open')).toMatchObject(round2Open);
  for (const student of students) {
    const frame = await student.inbox.next('question_open');
    expect(frame).toEqual({ ...round2Open, remaining_ms: frame.remaining_ms });
    expect(frame.remaining_ms).toBeGreaterThan(55_000);
  }
  // Round 2's snapshot shows round 2, the student's round-2 answer (none yet), nothing of round 1's answer key.
  const snapshot = await reconnectSnapshot(first, ann);
  expect(snapshot).toMatchObject({ phase: 'question', question_idx: 0, question: { round: 2 }, me: { answer: null, points: null } });

  // Everyone may answer again — Cat too, who did not answer round 1; the form is still judged.
  expect(await submit(bob, { type: 'submit', question_idx: 0, choices: ['B'] })).toMatchObject({ accepted: false, reason: 'invalid_choice' });
  expect(await submit(ann, { type: 'submit', question_idx: 0, choice: 'A' })).toEqual({ type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true });
  expect(await submit(bob, { type: 'submit', question_idx: 0, choice: 'B' })).toEqual({ type: 'submit_ack', question_idx: 0, choice: 'B', accepted: true });
  expect(await submit(cat, { type: 'submit', question_idx: 0, choice: 'B' })).toEqual({ type: 'submit_ack', question_idx: 0, choice: 'B', accepted: true });
  expect(await submit(bob, { type: 'submit', question_idx: 0, choice: 'C' })).toMatchObject({ accepted: false, reason: 'already_answered' });
  const round2Counts = { A: 1, B: 2, C: 0, D: 0 };
  const round2Tally = { answered: 3, correct: 2 }; // Ann A, Bob B (right), Cat B (right): the shift is 1 of 2 → 2 of 3
  const state = await adminState(first);
  expect(state).toMatchObject({
    answered: 3,
    counts: round2Counts,
    question: { round: 2, first_round_counts: round1Counts, tally: round2Tally, first_round_tally: round1Tally },
  });
  // Round 2 points are not revealed (nor earned) while it is open.
  expect(state.students.map((student: Frame) => [student.student_id, student.score])).toEqual([
    ['ann', scores.get('ann')],
    ['bob', 0],
    ['cat', 0],
  ]);

  admin.send({ type: 'close' });
  const round2Closed = {
    type: 'question_closed',
    question_idx: 0,
    question_type: 'single',
    round: 2,
    correct: 'B',
    counts: round2Counts,
    first_round_counts: round1Counts,
    tally: round2Tally,
    first_round_tally: round1Tally,
    explanation: 'EXPLAIN-REVOTE-ONE',
  };
  expect(await admin.next('question_closed')).toEqual(round2Closed);
  for (const [student, choice] of [
    [ann, 'A'],
    [bob, 'B'],
    [cat, 'B'],
  ] as const) {
    // Right or wrong, round 2 scores 0 and the score is round 1's.
    expect(await student.inbox.next('question_closed')).toEqual({ ...round2Closed, your_choice: choice, points: 0, score: scores.get(student.id)! });
  }
  // A question is asked at most twice.
  admin.send({ type: 'revote' });
  expect((await admin.next('error')).code).toBe('invalid_command');

  // ---- question 1 (multiple), round 1, then round 2 with a restart in the middle ----
  admin.send({ type: 'next' });
  for (const student of students) expect(await student.inbox.next('question_open')).toMatchObject({ question_idx: 1, round: 1 });
  expect(await submit(ann, { type: 'submit', question_idx: 1, choices: ['A', 'C'] })).toMatchObject({ accepted: true });
  expect(await submit(bob, { type: 'submit', question_idx: 1, choices: ['A'] })).toMatchObject({ accepted: true });
  admin.send({ type: 'close' });
  const multipleRound1Counts = { A: 2, B: 0, C: 1, D: 0 };
  const multipleRound1Tally = { answered: 2, correct: 1 }; // Ann the exact set, Bob a subset
  expect(await admin.next('question_closed')).toMatchObject({ question_idx: 1, round: 1, counts: multipleRound1Counts, tally: multipleRound1Tally });
  for (const student of students) {
    const closed = await student.inbox.next('question_closed');
    expect(closed.score).toBe(scores.get(student.id)! + closedPoints(closed));
    scores.set(student.id, closed.score);
  }
  expect(scores.get('bob')).toBeGreaterThan(0); // half credit for one of two

  admin.send({ type: 'revote' });
  for (const student of students) expect(await student.inbox.next('question_open')).toMatchObject({ question_idx: 1, round: 2 });
  expect(await submit(ann, { type: 'submit', question_idx: 1, choices: ['C', 'A'] })).toMatchObject({ accepted: true });

  // Every student page saw nothing of round 2's counts before the restart.
  for (const student of students) expect(leaks(student.inbox.raw, student.id, REVOTE_EXPLANATIONS)).toEqual([]);

  await worlds.stop(first, { keepDir: true });
  for (const student of students) await student.inbox.expectClose();
  const second = await worlds.start({ dir });
  admin = worlds.track(await second.connectAdmin());
  const adminSnapshot = await admin.next('snapshot');
  expect(adminSnapshot).toMatchObject({
    phase: 'question',
    question_idx: 1,
    answered: 1,
    counts: { A: 1, B: 0, C: 1, D: 0 },
    question: {
      question_type: 'multiple',
      round: 2,
      counts: { A: 1, B: 0, C: 1, D: 0 },
      first_round_counts: multipleRound1Counts,
      // Rebuilt from the stored answers after the restart: Ann's round-2 C+A is the exact set.
      tally: { answered: 1, correct: 1 },
      first_round_tally: multipleRound1Tally,
    },
  });
  expect(adminSnapshot.question.remaining_ms).toBeGreaterThan(0);
  expect(adminSnapshot.question.remaining_ms).toBeLessThanOrEqual(60_000);
  expect(adminSnapshot.students.map((student: Frame) => [student.student_id, student.score])).toEqual([
    ['ann', scores.get('ann')],
    ['bob', scores.get('bob')],
    ['cat', 0],
  ]);

  // Students come back with their cookies into round 2, with their round-2 answers.
  const back = new Map<string, Student>();
  for (const student of students) {
    const inbox = worlds.track(await second.connectStudent(student.cookie));
    const snap = await inbox.next('snapshot');
    expect(snap).toMatchObject({ phase: 'question', question_idx: 1, question: { round: 2, question_type: 'multiple' } });
    expect(snap.me.score).toBe(scores.get(student.id)!);
    expect(snap.me.answer).toEqual(student === ann ? ['A', 'C'] : null);
    back.set(student.id, { ...student, inbox });
  }
  const [ann2, bob2, cat2] = [back.get('ann')!, back.get('bob')!, back.get('cat')!];
  expect(await submit(ann2, { type: 'submit', question_idx: 1, choices: ['A'] })).toMatchObject({ accepted: false, reason: 'already_answered' });
  expect(await submit(bob2, { type: 'submit', question_idx: 1, choices: ['C', 'A'] })).toMatchObject({ accepted: true });
  expect(await submit(cat2, { type: 'submit', question_idx: 1, choices: ['B'] })).toMatchObject({ accepted: true });

  admin.send({ type: 'close' });
  const resumedClosed = {
    type: 'question_closed',
    question_idx: 1,
    question_type: 'multiple',
    round: 2,
    correct: ['A', 'C'],
    counts: { A: 2, B: 1, C: 2, D: 0 },
    first_round_counts: multipleRound1Counts,
    // Ann (before the restart) and Bob the exact set, Cat B: 1 of 2 → 2 of 3.
    tally: { answered: 3, correct: 2 },
    first_round_tally: multipleRound1Tally,
    explanation: 'EXPLAIN-REVOTE-TWO',
  };
  expect(await admin.next('question_closed')).toEqual(resumedClosed);
  for (const [student, choices] of [
    [ann2, ['A', 'C']],
    [bob2, ['A', 'C']],
    [cat2, ['B']],
  ] as const) {
    expect(await student.inbox.next('question_closed')).toEqual({ ...resumedClosed, your_choice: choices, points: 0, score: scores.get(student.id)! });
    expect(leaks(student.inbox.raw, `${student.id} after restart`, REVOTE_EXPLANATIONS)).toEqual([]);
  }

  // Totals count round 1 only; each revoted question has its round-2 column.
  admin.send({ type: 'end' });
  await admin.next('session_ended');
  const csv = await second.http('/admin/api/results.csv', { cookie: await second.adminLogin() });
  const text = await csv.text();
  expect(text.split('\r\n')[0]).toBe('student_id,name,q1_choice,q1_points,q1_round2_choice,q2_choice,q2_points,q2_round2_choice,total,rank');
  const records = new Map(csvRecords(text).map((record) => [record.student_id!, record]));
  expect(records.get('ann')).toMatchObject({ q1_choice: 'B', q1_round2_choice: 'A', q2_choice: 'A+C', q2_round2_choice: 'A+C', total: String(scores.get('ann')) });
  expect(records.get('cat')).toMatchObject({ q1_choice: '', q1_points: '', q1_round2_choice: 'B', q2_round2_choice: 'B', total: '0' });
});
