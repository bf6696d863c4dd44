/**
 * The real process, killed with SIGKILL mid-question and restarted on the same database:
 * every acknowledged answer survives exactly once, the question keeps its absolute
 * deadline, students reconnect with their old cookies. Also: a restart after the deadline
 * closes the question, and bad start-up configurations exit 1 with a clear message.
 */
import { expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { choiceLettersFor } from '../../src/protocol/constants';
import { Inbox, type Frame } from '../helpers/inbox';
import type { Pool } from '../../src/protocol/pool';
import { cookieFrom, makePool, TEST_ADMIN_PASSWORD, toPoolInput } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { baseEnv, killAll, runToExit, serverEnv, startProcess, type ServerProcess } from '../helpers/server-process';
import { csvRecords } from '../helpers/csv';
import { sleep, waitFor } from '../helpers/wait';

// Real server processes rather than in-process worlds: each test's are killed after it.
const cleanup = useTestWorlds({ afterEach: killAll });
const tempDir = () => cleanup.tempDir('quiz-crash-');

/** Writes the pool file of a normalised pool. */
function writePool(dir: string, pool: Pool): string {
  const path = join(dir, 'pool.json');
  writeFileSync(path, JSON.stringify(toPoolInput(pool)));
  return path;
}

async function adminCookie(server: ServerProcess): Promise<string> {
  const response = await fetch(`${server.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: TEST_ADMIN_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return cookieFrom(response, 'quiz_admin');
}

async function joinAs(server: ServerProcess, id: string): Promise<string> {
  const response = await fetch(`${server.url}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ student_id: id, name: `Name ${id}` }),
  });
  expect(response.status).toBe(200);
  return cookieFrom(response, 'quiz_student');
}

async function connect(url: string, cookie: string): Promise<Inbox> {
  const inbox = Inbox.connect(url, cookie);
  cleanup.track(inbox);
  await inbox.opened;
  return inbox;
}

async function getJson(server: ServerProcess, path: string, cookie: string) {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.json();
}

async function post(server: ServerProcess, path: string, cookie: string) {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { cookie } });
}

async function resultsCsv(server: ServerProcess, cookie: string) {
  const response = await fetch(`${server.url}/admin/api/results.csv`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return csvRecords(await response.text());
}

const STUDENTS = 15;
/** makePool's questions have four choices. */
const POOL_LETTERS = choiceLettersFor(4);

test('SIGKILL mid-question: acknowledged answers survive once, the question continues, students reconnect', async () => {
  const dir = tempDir();
  const pool = makePool(3, { timeLimitS: 60 });
  const env = serverEnv(dir, { QUIZ_POOL_PATH: writePool(dir, pool) });
  const first = await startProcess(env);

  const ids = Array.from({ length: STUDENTS }, (_, index) => `k${String(index).padStart(2, '0')}`);
  const cookies = new Map<string, string>();
  for (const id of ids) cookies.set(id, await joinAs(first, id));
  const live = new Map<string, Inbox>();
  for (const id of ids) live.set(id, await connect(first.wsUrl, cookies.get(id)!));
  for (const inbox of live.values()) await inbox.next('snapshot');

  let admin = await adminCookie(first);
  expect((await post(first, '/admin/api/next', admin)).status).toBe(200);
  for (const inbox of live.values()) await inbox.next('question_open');
  const before = await getJson(first, '/admin/api/state', admin);
  expect(before.phase).toBe('question');
  const choiceOf = (id: string) => POOL_LETTERS[ids.indexOf(id) % POOL_LETTERS.length]!;

  // k00..k07 answer and are acknowledged; k08..k11 answer right before the kill; the rest never do.
  const settled = ids.slice(0, 8);
  const inFlight = ids.slice(8, 12);
  const silent = ids.slice(12);
  for (const id of settled) live.get(id)!.send({ type: 'submit', question_idx: 0, choice: choiceOf(id) });
  for (const id of settled) expect((await live.get(id)!.next('submit_ack')).accepted).toBe(true);
  for (const id of inFlight) live.get(id)!.send({ type: 'submit', question_idx: 0, choice: choiceOf(id) });
  await first.kill9();
  for (const inbox of live.values()) await inbox.expectClose();

  // An ack that reached the client at any time was sent after its commit.
  const acknowledged = new Map<string, string>();
  for (const [id, inbox] of live) {
    const acks = inbox.all('submit_ack');
    expect(acks.length).toBeLessThanOrEqual(1);
    if (acks[0]?.accepted) acknowledged.set(id, acks[0].choice);
    else expect(acks).toHaveLength(0);
  }
  for (const id of settled) expect(acknowledged.get(id)).toBe(choiceOf(id));

  const restartedAt = Date.now();
  const second = await startProcess(env);
  admin = await adminCookie(second);
  const after = await getJson(second, '/admin/api/state', admin);
  expect(after.phase).toBe('question');
  expect(after.question_idx).toBe(0);
  expect(after.run_id).toBe(before.run_id);
  expect(after.question.remaining_ms).toBeGreaterThan(0);
  expect(after.question.remaining_ms).toBeLessThan(before.question.remaining_ms);
  // The deadline is absolute: it did not restart from the full minute.
  expect(after.question.remaining_ms).toBeLessThanOrEqual(60_000 - (Date.now() - restartedAt));
  expect(after.students).toHaveLength(STUDENTS);

  // Every acknowledged answer is stored, once, with its choice and points.
  const records = await resultsCsv(second, admin);
  expect(records).toHaveLength(STUDENTS);
  expect(new Set(records.map((record) => record.student_id)).size).toBe(STUDENTS);
  const stored = new Map(records.filter((record) => record.q1_choice !== '').map((record) => [record.student_id!, record]));
  for (const [id, choice] of acknowledged) {
    const record = stored.get(id);
    expect(record).toBeDefined();
    expect(record!.q1_choice).toBe(choice);
    const points = Number(record!.q1_points);
    if (choice === pool.questions[0]!.answer) {
      expect(points).toBeGreaterThanOrEqual(500);
      expect(points).toBeLessThanOrEqual(1000);
    } else expect(points).toBe(0);
    expect(Number(record!.total)).toBe(points);
  }
  // Only the students who submitted can have an answer; nobody's is counted twice.
  for (const id of stored.keys()) expect([...settled, ...inFlight]).toContain(id);
  for (const id of silent) expect(stored.has(id)).toBe(false);
  expect(after.answered).toBe(stored.size);
  expect(Object.values(after.counts as Record<string, number>).reduce((sum, n) => sum + n, 0)).toBe(stored.size);

  // Students come back with their old cookies.
  const back = new Map<string, Inbox>();
  for (const id of ids) back.set(id, await connect(second.wsUrl, cookies.get(id)!));
  const snapshots = new Map<string, Frame>();
  for (const [id, inbox] of back) snapshots.set(id, await inbox.next('snapshot'));
  for (const [id, snapshot] of snapshots) {
    expect(snapshot.phase).toBe('question');
    expect(snapshot.question_idx).toBe(0);
    expect(snapshot.me.student_id).toBe(id);
    expect(snapshot.me.answer).toBe(stored.get(id)?.q1_choice ?? null);
    expect(snapshot.question.correct).toBeUndefined();
  }
  // Those with a stored answer are refused a second one; everyone else can still answer.
  for (const id of ids) back.get(id)!.send({ type: 'submit', question_idx: 0, choice: choiceOf(id) });
  for (const id of ids) {
    const ack = await back.get(id)!.next('submit_ack');
    if (stored.has(id)) expect(ack).toMatchObject({ accepted: false, reason: 'already_answered' });
    else expect(ack).toMatchObject({ accepted: true, choice: choiceOf(id) });
  }

  expect((await post(second, '/admin/api/close', admin)).status).toBe(200);
  for (const [id, inbox] of back) {
    const closed = await inbox.next('question_closed');
    expect(closed.your_choice).toBe(stored.get(id)?.q1_choice ?? choiceOf(id));
    expect(Object.values(closed.counts as Record<string, number>).reduce((sum, n) => sum + n, 0)).toBe(STUDENTS);
  }
  const final = await resultsCsv(second, admin);
  expect(final.filter((record) => record.q1_choice !== '')).toHaveLength(STUDENTS);
  for (const [id, choice] of acknowledged) {
    expect(final.find((record) => record.student_id === id)!.q1_choice).toBe(choice);
  }
  // Stored points did not change for the answers given before the crash.
  for (const [id, record] of stored) {
    expect(final.find((candidate) => candidate.student_id === id)!.q1_points).toBe(record.q1_points!);
  }
}, 30_000);

test('a restart after the deadline has passed closes the question', async () => {
  const dir = tempDir();
  const pool = makePool(2, { timeLimitS: 5 });
  const env = serverEnv(dir, { QUIZ_POOL_PATH: writePool(dir, pool) });
  const first = await startProcess(env);
  const cookie = await joinAs(first, 'late1');
  const other = await joinAs(first, 'late2');
  let admin = await adminCookie(first);
  const student = await connect(first.wsUrl, cookie);
  await student.next('snapshot');
  expect((await post(first, '/admin/api/next', admin)).status).toBe(200);
  const open = await student.next('question_open');
  const openedAt = Date.now() - (open.time_limit_ms - open.remaining_ms);
  student.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect((await student.next('submit_ack')).accepted).toBe(true);
  await first.kill9();

  // Wait until the 5 s deadline has passed while the server is down.
  await sleep(Math.max(0, openedAt + 5_500 - Date.now()));
  const second = await startProcess(env);
  admin = await adminCookie(second);
  const state = await getJson(second, '/admin/api/state', admin);
  expect(state.phase).toBe('review');
  expect(state.question_idx).toBe(0);
  expect(state.answered).toBe(1);
  const again = await connect(second.wsUrl, cookie);
  const snapshot = await again.next('snapshot');
  expect(snapshot.phase).toBe('review');
  expect(snapshot.question.correct).toBe('A');
  expect(snapshot.me.answer).toBe('A');
  expect(snapshot.me.points).toBeGreaterThanOrEqual(500);
  expect(snapshot.me.score).toBe(snapshot.me.points);
  // The student who did not answer cannot answer now.
  const late = await connect(second.wsUrl, other);
  await late.next('snapshot');
  late.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect(await late.next('submit_ack')).toMatchObject({ accepted: false, reason: 'closed' });
  const records = await resultsCsv(second, admin);
  expect(records.find((record) => record.student_id === 'late1')!.q1_choice).toBe('A');
  expect(records.find((record) => record.student_id === 'late2')!.q1_choice).toBe('');
  // And the session goes on from there.
  expect((await post(second, '/admin/api/next', admin)).status).toBe(200);
  expect((await getJson(second, '/admin/api/state', admin)).question_idx).toBe(1);
}, 30_000);

test('start-up with an invalid pool file exits 1 and names the error path on stderr', async () => {
  const dir = tempDir();
  const pool = makePool(2);
  (pool.questions[1] as { answer: string }).answer = 'E';
  const { code, stdout, stderr } = await runToExit(serverEnv(dir, { QUIZ_POOL_PATH: writePool(dir, pool) }));
  expect(code).toBe(1);
  expect(stderr).toContain('/questions/1/answer');
  expect(stderr).toContain('pool.json');
  expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  expect(stdout).not.toContain('"msg":"listening"');
});

test('start-up with an invalid pool file lists every error, of every kind, at once', async () => {
  const dir = tempDir();
  const pool = makePool(3);
  (pool.questions[0] as { time_limit_s: number }).time_limit_s = 2;
  (pool.questions[1] as { answer: string }).answer = 'E';
  (pool.questions[2] as { choices: string[] }).choices = ['only one'];
  const { code, stderr } = await runToExit(serverEnv(dir, { QUIZ_POOL_PATH: writePool(dir, pool) }));
  expect(code).toBe(1);
  expect(stderr).toContain('/questions/0/time_limit_s');
  expect(stderr).toContain('/questions/2/choices');
  // A wrong answer letter is an error too; fixing the others should not be needed to see it.
  expect(stderr).toContain('/questions/1/answer');
});

test('start-up with a pool file that is not JSON, or missing, exits 1 with a message', async () => {
  const dir = tempDir();
  const path = join(dir, 'broken.json');
  writeFileSync(path, '{"title": "oops", ');
  const broken = await runToExit(serverEnv(dir, { QUIZ_POOL_PATH: path }));
  expect(broken.code).toBe(1);
  expect(broken.stderr).toContain('JSON');
  const missing = await runToExit(serverEnv(dir, { QUIZ_POOL_PATH: join(dir, 'nope.json') }));
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('nope.json');
});

test('NODE_ENV=production without the secrets exits 1 naming them', async () => {
  const dir = tempDir();
  const db = join(dir, 'quiz.db');
  const none = await runToExit(baseEnv({ NODE_ENV: 'production', QUIZ_DB_PATH: db }));
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('QUIZ_ADMIN_PASSWORD');
  expect(none.stderr).toContain('QUIZ_SECRET_KEY');
  expect(none.stdout).not.toContain('"msg":"listening"');

  const noKey = await runToExit(baseEnv({ NODE_ENV: 'production', QUIZ_DB_PATH: db, QUIZ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }));
  expect(noKey.code).toBe(1);
  expect(noKey.stderr).toContain('QUIZ_SECRET_KEY');
  expect(noKey.stderr).not.toContain('QUIZ_ADMIN_PASSWORD');

  const noPassword = await runToExit(
    baseEnv({ NODE_ENV: 'production', QUIZ_DB_PATH: db, QUIZ_SECRET_KEY: 'k'.repeat(40) }),
  );
  expect(noPassword.code).toBe(1);
  expect(noPassword.stderr).toContain('QUIZ_ADMIN_PASSWORD');
});

test('production with both secrets starts and answers /healthz', async () => {
  const dir = tempDir();
  const server = await startProcess(serverEnv(dir, { NODE_ENV: 'production', QUIZ_POOL_PATH: writePool(dir, makePool(2)) }));
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, phase: 'lobby', students: 0 });
  await waitFor('a listening log line with the url', () => server.logs().some((line) => line.msg === 'listening'));
});
