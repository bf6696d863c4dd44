/**
 * scripts/backup.ts against a live local server: students answer while the backup runs;
 * the copy opens with the sqlite3 CLI and holds the answers, and results.csv is written.
 * Then the failures a lecturer can meet: wrong password, rate limit, nothing listening,
 * no password and no terminal, and --password (refused: argv is public).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inbox } from '../helpers/inbox';
import { makePool, startTestWorld, TEST_ADMIN_PASSWORD, type TestWorld } from '../helpers/test-server';
import { REPO, requireTool, run, runAsync } from '../helpers/run-command';

const STUDENTS = 8;
const EARLY = 4; // answer before the backup starts; the others answer while it runs

let world: TestWorld;
const inboxes: Inbox[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'quiz-backup-'));

/** The environment for the script: no inherited password unless given. */
function scriptEnv(password?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'QUIZ_ADMIN_PASSWORD') env[key] = value;
  if (password !== undefined) env.QUIZ_ADMIN_PASSWORD = password;
  return env;
}

function backupScript(args: string[], password?: string) {
  return runAsync(['bun', join(REPO, 'scripts', 'backup.ts'), ...args], { env: scriptEnv(password) });
}

beforeAll(async () => {
  world = await startTestWorld({ pool: makePool(2, { timeLimitS: 120 }) });
});

afterAll(async () => {
  for (const inbox of inboxes) await inbox.close().catch(() => {});
  await world?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function sqlite(path: string, sql: string): string {
  const result = run([requireTool('sqlite3'), '-readonly', path, sql]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

test('a backup taken while students answer holds their answers and the results', async () => {
  requireTool('sqlite3');
  for (let i = 0; i < STUDENTS; i++) {
    const { response, cookie } = await world.join(`b${i}`, `Backup Student ${i}`);
    expect(response.status).toBe(200);
    const inbox = await world.connectStudent(cookie);
    await inbox.next('snapshot');
    inboxes.push(inbox);
  }
  expect((await world.adminPost('/admin/api/next')).status).toBe(200);
  for (const inbox of inboxes) await inbox.next('question_open');

  const submit = async (inbox: Inbox, choice: string) => {
    inbox.send({ type: 'submit', question_idx: 0, choice });
    const ack = await inbox.next('submit_ack');
    expect(ack).toMatchObject({ question_idx: 0, choice, accepted: true });
  };
  for (let i = 0; i < EARLY; i++) await submit(inboxes[i]!, 'A');

  const out = join(scratch, 'live');
  // The backup and the remaining answers at the same time.
  const [result] = await Promise.all([
    backupScript(['--url', world.baseUrl, '--out', out], TEST_ADMIN_PASSWORD),
    (async () => {
      for (let i = EARLY; i < STUDENTS; i++) await submit(inboxes[i]!, 'B');
    })(),
  ]);
  if (result.code !== 0) console.error(result.stdout, result.stderr);
  expect(result.code).toBe(0);

  const files = readdirSync(out).sort();
  expect(files).toHaveLength(2);
  const [csvName, dbName] = files as [string, string];
  expect(dbName).toMatch(/^quiz-\d{4}-\d{2}-\d{2}\.db$/);
  expect(csvName).toBe(dbName.replace(/\.db$/, '.csv'));
  expect(result.stdout).toContain(`wrote ${join(out, dbName)}`);
  expect(result.stdout).toContain(`wrote ${join(out, csvName)}`);

  // The copy opens with the sqlite3 CLI, is intact, and holds at least the answers
  // acknowledged before the backup began (an ack means committed).
  const db = join(out, dbName);
  expect(sqlite(db, 'PRAGMA integrity_check;')).toBe('ok');
  const answers = Number(sqlite(db, 'SELECT count(*) FROM answers;'));
  expect(answers).toBeGreaterThanOrEqual(EARLY);
  expect(answers).toBeLessThanOrEqual(STUDENTS);
  expect(Number(sqlite(db, 'SELECT count(*) FROM students;'))).toBe(STUDENTS);

  // results.csv: a header and one row per student.
  const csv = readFileSync(join(out, csvName), 'utf8').trim().split(/\r?\n/);
  expect(csv).toHaveLength(1 + STUDENTS);
  expect(csv[0]).toContain('student_id');
  expect(csv.slice(1).filter((row) => row.startsWith('b'))).toHaveLength(STUDENTS);
});

test('a second backup on the same day gets a time suffix; nothing is overwritten', async () => {
  const out = join(scratch, 'live');
  const before = Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(join(out, name))]));
  // Through the package script, as the README and deploy/README.md show it.
  const result = await runAsync(['bun', 'run', '--silent', 'backup', '--', '--url', world.baseUrl, '--out', out], {
    env: scriptEnv(TEST_ADMIN_PASSWORD),
  });
  if (result.code !== 0) console.error(result.stdout, result.stderr);
  expect(result.code).toBe(0);
  const names = readdirSync(out).sort();
  expect(names).toHaveLength(4);
  const added = names.filter((name) => !(name in before));
  expect(added).toHaveLength(2);
  for (const name of added) expect(name).toMatch(/^quiz-\d{4}-\d{2}-\d{2}-\d{6}(-\d+)?\.(db|csv)$/);
  for (const [name, bytes] of Object.entries(before)) expect(readFileSync(join(out, name)).equals(bytes)).toBe(true);
  // Every answer is in the second copy (all were acknowledged before it started).
  const db = join(out, added.find((name) => name.endsWith('.db'))!);
  expect(Number(sqlite(db, 'SELECT count(*) FROM answers;'))).toBe(STUDENTS);
});

/** A password file only its owner may read, as --password-file requires. */
function passwordFile(name: string, password: string): string {
  const path = join(scratch, `${name}.password`);
  writeFileSync(path, `${password}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

test('--password-file works too; a wrong password exits 1 with a clear message and writes nothing', async () => {
  const out = join(scratch, 'wrong');
  const result = await backupScript(['--url', world.baseUrl, '--out', out, '--password-file', passwordFile('wrong', 'not-the-password')]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('wrong password (HTTP 401');
  expect(existsSync(out)).toBe(false);

  const file = passwordFile('right', TEST_ADMIN_PASSWORD);
  const good = await backupScript(['--url', world.baseUrl, '--out', join(scratch, 'flag'), '--password-file', file]);
  expect(good.code).toBe(0);
  expect(readdirSync(join(scratch, 'flag'))).toHaveLength(2);
});

test('--password is refused: arguments are visible to every local user', async () => {
  const out = join(scratch, 'argv');
  const result = await backupScript(['--url', world.baseUrl, '--out', out, '--password', TEST_ADMIN_PASSWORD]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('--password is not accepted');
  expect(result.stderr).toContain('--password-file');
  expect(existsSync(out)).toBe(false);
});

test('an unreachable server exits 1 with a clear message', async () => {
  // A port that was just free: nothing listens there.
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') });
  const port = probe.port;
  await probe.stop(true);
  const out = join(scratch, 'unreachable');
  const result = await backupScript(['--url', `http://127.0.0.1:${port}`, '--out', out], TEST_ADMIN_PASSWORD);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`backup: cannot reach http://127.0.0.1:${port}/admin/login`);
  expect(existsSync(out)).toBe(false);
});

test('no password and no terminal: exits 1 and says how to pass one', async () => {
  const result = await runAsync(['setsid', 'bun', join(REPO, 'scripts', 'backup.ts'), '--url', world.baseUrl, '--out', join(scratch, 'nopw')], {
    env: scriptEnv(),
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('no password: pass --password-file PATH or set QUIZ_ADMIN_PASSWORD');
});

test('missing --url is a usage error', async () => {
  const result = await backupScript([], TEST_ADMIN_PASSWORD);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('--url is required');
  expect(result.stderr).toContain('usage: bun run backup -- --url https://DOMAIN');
});

test('past the login rate limit (429) the script says when to retry', async () => {
  // A world of its own: the limit is per client IP and would lock out the tests above.
  const limited = await startTestWorld();
  try {
    for (let i = 0; i < 10; i++) {
      const response = await limited.http('/admin/login', { method: 'POST', json: { password: 'wrong-password' } });
      expect(response.status).toBe(401);
    }
    const out = join(scratch, 'limited');
    // The limit counts failures only (a right password always gets in): an 11th wrong one is limited.
    const result = await backupScript(['--url', limited.baseUrl, '--out', out], 'still-the-wrong-password');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/too many attempts \(HTTP 429\); try again in \d+ s/);
    expect(existsSync(out)).toBe(false);
  } finally {
    await limited.stop();
  }
});
