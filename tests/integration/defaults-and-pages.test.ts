/**
 * A fresh clone with no environment: the data folder, the generated admin password (logged
 * once), the generated signing key (kept with mode 0600 and reused), the demo pool, and a
 * pool uploaded over HTTP surviving a restart. Then the pages, the plain-HTTP answers of
 * the socket endpoints, chunked request bodies and `/api/me` without a cookie.
 */
import { expect, test } from 'bun:test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_POOL_PATH, loadConfig } from '../../src/config';
import { MAX_BODY_BYTES } from '../../src/protocol/constants';
import { createLogger } from '../../src/logger';
import { startServer, type QuizServer } from '../../src/server';
import { cookieFrom, makePool, toPoolInput, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { parseCsv } from '../helpers/csv';
import { expectJsonError } from '../helpers/json-error';

let servers: QuizServer[] = [];
const worlds = useTestWorlds({
  afterEach: async () => {
    for (const server of servers) await server.stop();
    servers = [];
  },
});


// ---------------------------------------------------------------------------------------
// 1. Embedded defaults
// ---------------------------------------------------------------------------------------

interface LoggedLine {
  msg: string;
  level: string;
  [field: string]: unknown;
}

/** Boots startServer exactly as main.ts would with only PORT and QUIZ_DB_PATH set. */
async function bootBare(dbPath: string) {
  const raw: string[] = [];
  const config = loadConfig({ PORT: '0', QUIZ_DB_PATH: dbPath });
  const server = await startServer(config, { logger: createLogger('info', (line) => raw.push(line)) });
  servers.push(server);
  const lines = (): LoggedLine[] =>
    raw
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LoggedLine);
  return { server, raw, lines };
}

async function stopBare(server: QuizServer) {
  servers = servers.filter((s) => s !== server);
  await server.stop();
}

async function login(baseUrl: string, password: string): Promise<Response> {
  return fetch(`${baseUrl}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
}

test('no environment: the data folder, a generated password logged once, a 0600 key and the demo pool', async () => {
  const dir = worlds.tempDir('quiz-defaults-');
  const dataDir = join(dir, 'data');
  const dbPath = join(dataDir, 'quiz.db');
  expect(existsSync(dataDir)).toBe(false);

  const { server, raw, lines } = await bootBare(dbPath);
  expect(existsSync(dataDir)).toBe(true);
  expect(existsSync(dbPath)).toBe(true);

  // Every log line is one JSON object; the password appears in exactly one of them.
  const generated = lines().filter((line) => line.msg === 'admin_password_generated');
  expect(generated).toHaveLength(1);
  const password = generated[0]!.admin_password;
  expect(typeof password).toBe('string');
  expect((password as string).length).toBeGreaterThanOrEqual(8);
  expect(raw.join('').split(password as string).length - 1).toBe(1);

  // The key is kept beside the database, readable by the owner only.
  const keyPath = join(dataDir, 'secret.key');
  expect(existsSync(keyPath)).toBe(true);
  expect(statSync(keyPath).mode & 0o777).toBe(0o600);
  expect(readFileSync(keyPath, 'utf8').trim().length).toBeGreaterThanOrEqual(32);

  // The generated password works, and a wrong one does not.
  expect((await login(server.url, 'definitely-not-it')).status).toBe(401);
  const ok = await login(server.url, password as string);
  expect(ok.status).toBe(200);
  const adminCookie = cookieFrom(ok, 'quiz_admin');
  expect(adminCookie).not.toBe('');

  // The demo pool is what plays.
  const demo = JSON.parse(readFileSync(DEMO_POOL_PATH, 'utf8'));
  expect(demo.questions).toHaveLength(10);
  const state = await (await fetch(`${server.url}/admin/api/state`, { headers: { cookie: adminCookie } })).json();
  expect(state.phase).toBe('lobby');
  expect(state.total_questions).toBe(10);
  expect(state.pool.title).toBe(demo.title);
  expect(state.pool.questions).toHaveLength(10);
  expect(state.pool.questions.map((q: { text: string }) => q.text)).toEqual(
    demo.questions.map((q: { text: string }) => q.text),
  );
});

test('a restart on the same folder logs no new password, keeps it, and reuses the signing key', async () => {
  const dir = worlds.tempDir('quiz-defaults-');
  const dbPath = join(dir, 'data', 'quiz.db');
  const keyPath = join(dir, 'data', 'secret.key');

  const first = await bootBare(dbPath);
  const password = first.lines().find((line) => line.msg === 'admin_password_generated')!.admin_password as string;
  expect(typeof password).toBe('string');
  const keyBefore = readFileSync(keyPath, 'utf8');

  const joined = await fetch(`${first.server.url}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ student_id: 's-restart', name: 'Restart Student' }),
  });
  expect(joined.status).toBe(200);
  const studentCookie = cookieFrom(joined, 'quiz_student');
  expect(studentCookie).not.toBe('');
  const adminCookie = cookieFrom(await login(first.server.url, password), 'quiz_admin');
  expect(adminCookie).not.toBe('');
  await stopBare(first.server);

  const second = await bootBare(dbPath);
  const secondLines = second.lines();
  expect(secondLines.some((line) => line.msg === 'admin_password_generated')).toBe(false);
  expect(secondLines.some((line) => line.msg === 'signing_key_generated')).toBe(false);
  expect(second.raw.join('')).not.toContain(password);
  expect(secondLines.some((line) => line.msg === 'listening')).toBe(true);
  expect(readFileSync(keyPath, 'utf8')).toBe(keyBefore);
  expect(statSync(keyPath).mode & 0o777).toBe(0o600);

  // The same password still logs in.
  expect((await login(second.server.url, password)).status).toBe(200);
  // A cookie signed before the restart is still honoured (same key, same run).
  const me = await fetch(`${second.server.url}/api/me`, { headers: { cookie: studentCookie } });
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ student_id: 's-restart', name: 'Restart Student' });
  const state = await fetch(`${second.server.url}/admin/api/state`, { headers: { cookie: adminCookie } });
  expect(state.status).toBe(200);
  expect((await state.json()).pool.questions).toHaveLength(10);
});

test('a signing key file that is too short is replaced by a fresh one (and old cookies stop working)', async () => {
  const dir = worlds.tempDir('quiz-defaults-');
  const dbPath = join(dir, 'data', 'quiz.db');
  const keyPath = join(dir, 'data', 'secret.key');

  const first = await bootBare(dbPath);
  const joined = await fetch(`${first.server.url}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ student_id: 's1', name: 'One' }),
  });
  const studentCookie = cookieFrom(joined, 'quiz_student');
  await stopBare(first.server);

  await Bun.write(keyPath, 'too-short\n');
  const second = await bootBare(dbPath);
  expect(second.lines().filter((line) => line.msg === 'signing_key_generated')).toHaveLength(1);
  const key = readFileSync(keyPath, 'utf8').trim();
  expect(key.length).toBeGreaterThanOrEqual(32);
  expect(statSync(keyPath).mode & 0o777).toBe(0o600);
  const me = await fetch(`${second.server.url}/api/me`, { headers: { cookie: studentCookie } });
  expect(me.status).toBe(401);
});

// ---------------------------------------------------------------------------------------
// 2. Uploaded pools and restarts
// ---------------------------------------------------------------------------------------

test('a pool uploaded in the lobby is what a restart without QUIZ_POOL_PATH plays (stored pool beats the demo)', async () => {
  const dir = worlds.tempDir('quiz-defaults-');
  const first = await worlds.start({ dir });
  const demo = JSON.parse(readFileSync(DEMO_POOL_PATH, 'utf8'));
  const before = await (await first.http('/admin/api/state', { cookie: await first.adminLogin() })).json();
  expect(before.pool.title).toBe(demo.title);

  const uploaded = { ...makePool(3), title: 'Uploaded over HTTP' };
  const upload = await first.adminPost('/admin/api/pool', toPoolInput(uploaded));
  expect(upload.status).toBe(200);
  expect(await upload.json()).toMatchObject({ ok: true, title: 'Uploaded over HTTP', questions: 3 });
  await worlds.stop(first, { keepDir: true });

  const second = await worlds.start({ dir });
  const state = await (await second.http('/admin/api/state', { cookie: await second.adminLogin() })).json();
  expect(state.phase).toBe('lobby');
  expect(state.total_questions).toBe(3);
  expect(state.pool.title).toBe('Uploaded over HTTP');
  expect(state.pool.questions).toEqual(uploaded.questions);

  // And it is what is actually played.
  expect((await second.adminPost('/admin/api/next')).status).toBe(200);
  const open = await (await second.http('/admin/api/state', { cookie: await second.adminLogin() })).json();
  expect(open.phase).toBe('question');
  expect(open.question.text).toBe(uploaded.questions[0]!.text);
});

test('a pool uploaded after the end keeps the ended run for results.csv; reset plays the new pool', async () => {
  const w = await worlds.start({ pool: makePool(2) });
  expect((await w.join('s1', 'Ada')).response.status).toBe(200);
  expect((await w.adminPost('/admin/api/next')).status).toBe(200);
  expect((await w.adminPost('/admin/api/end')).status).toBe(200);
  const cookie = await w.adminLogin();
  const endedRun = (await (await w.http('/admin/api/state', { cookie })).json()) as { phase: string };
  expect(endedRun.phase).toBe('ended');
  const oldRunId = w.server.controller.runId;

  const newPool = { ...makePool(4), title: 'After the end' };
  const upload = await w.adminPost('/admin/api/pool', toPoolInput(newPool));
  expect(upload.status).toBe(200);
  expect(w.server.controller.state.phase).toBe('ended');

  const header = (csvText: string) => parseCsv(csvText)[0]!;
  const twoQuestionHeader = ['student_id', 'name', 'q1_choice', 'q1_points', 'q2_choice', 'q2_points', 'total', 'rank'];
  const endedCsv = await w.http('/admin/api/results.csv', { cookie });
  expect(endedCsv.status).toBe(200);
  const endedRows = parseCsv(await endedCsv.text());
  expect(endedRows[0]).toEqual(twoQuestionHeader);
  expect(endedRows[1]![0]).toBe('s1');

  const reset = await w.adminPost('/admin/api/reset');
  expect(reset.status).toBe(200);
  const { run_id: newRunId } = await reset.json();
  expect(newRunId).not.toBe(oldRunId);

  const state = await (await w.http('/admin/api/state', { cookie })).json();
  expect(state.phase).toBe('lobby');
  expect(state.total_questions).toBe(4);
  expect(state.pool.title).toBe('After the end');
  expect(header(await (await w.http('/admin/api/results.csv', { cookie })).text())).toHaveLength(2 + 4 * 2 + 2);
  // The ended run still reports with its own questions.
  const oldCsv = await w.http(`/admin/api/results.csv?run=${oldRunId}`, { cookie });
  expect(oldCsv.status).toBe(200);
  expect(header(await oldCsv.text())).toEqual(twoQuestionHeader);
});

// ---------------------------------------------------------------------------------------
// 7. Pages
// ---------------------------------------------------------------------------------------

function scriptSrc(csp: string): string {
  const directive = csp
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('script-src ') || part === 'script-src');
  const fallback = csp
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('default-src'));
  return directive ?? fallback ?? '';
}

for (const path of ['/', '/admin/']) {
  test(`GET ${path} is an HTML page with a CSP that forbids inline scripts`, async () => {
    const w = await worlds.start();
    const response = await w.http(path, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type') ?? '').toContain('text/html');
    const csp = response.headers.get('content-security-policy');
    expect(csp).not.toBeNull();
    const scripts = scriptSrc(csp!);
    expect(scripts).toContain("'self'");
    expect(scripts).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html.toLowerCase()).toContain('<html');
    // Under that CSP an inline <script> would never run: every script must have a src.
    for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) expect(tag).toMatch(/\bsrc=/i);
  });
}

test('GET /admin redirects to /admin/', async () => {
  const w = await worlds.start();
  const response = await w.http('/admin', { redirect: 'manual' });
  expect([301, 302, 303, 307, 308]).toContain(response.status);
  expect(new URL(response.headers.get('location')!, w.baseUrl).pathname).toBe('/admin/');
  // Following it lands on the console (not on another redirect).
  const followed = await w.http('/admin', { redirect: 'manual' }).then((first) =>
    w.http(new URL(first.headers.get('location')!, w.baseUrl).pathname, { redirect: 'manual' }),
  );
  expect(followed.status).toBe(200);
  expect(followed.headers.get('content-type') ?? '').toContain('text/html');
});

test('GET /screen needs the admin cookie: 401 JSON without (or with a forged one), 200 HTML with', async () => {
  const w = await worlds.start();
  await expectJsonError(await w.http('/screen'), 401, 'not_signed_in');
  const forged = await w.http('/screen', { cookie: 'quiz_admin=%7B%22exp%22%3A9999999999999%7D.bogus' });
  expect(forged.status).toBe(401);
  expect(forged.headers.get('content-type') ?? '').toContain('application/json');
  // A student's cookie is not an admin cookie.
  const { cookie: studentCookie } = await w.join('s1');
  expect((await w.http('/screen', { cookie: studentCookie })).status).toBe(401);

  const response = await w.http('/screen', { cookie: await w.adminLogin() });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type') ?? '').toContain('text/html');
  expect(scriptSrc(response.headers.get('content-security-policy') ?? '')).not.toContain('unsafe-inline');
  expect((await response.text()).toLowerCase()).toContain('<html');
});

test('GET /static/common.css is served as text/css; unknown static files are 404 JSON', async () => {
  const w = await worlds.start();
  const response = await w.http('/static/common.css');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type') ?? '').toContain('text/css');
  expect(await response.text()).toBe(readFileSync(join(import.meta.dir, '../../public/common.css'), 'utf8'));
  const missing = await w.http('/static/nope.css');
  expect(missing.status).toBe(404);
});

// ---------------------------------------------------------------------------------------
// 8. Socket endpoints over plain HTTP
// ---------------------------------------------------------------------------------------

for (const path of ['/ws', '/admin/ws']) {
  test(`plain GET ${path} without Upgrade → 426 upgrade_required`, async () => {
    const w = await worlds.start();
    await expectJsonError(await w.http(path), 426, 'upgrade_required');
    // Even with valid cookies it is still not a socket.
    const { cookie } = await w.join('s1');
    const withCookie = path === '/ws' ? cookie : await w.adminLogin();
    await expectJsonError(await w.http(path, { cookie: withCookie }), 426, 'upgrade_required');
  });
}

// ---------------------------------------------------------------------------------------
// 9. Chunked request bodies
// ---------------------------------------------------------------------------------------

function chunkedBody(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/** A join body padded with trailing spaces to exactly `size` bytes (still valid JSON). */
function paddedJoinBody(studentId: string, size: number): Uint8Array {
  const json = JSON.stringify({ student_id: studentId, name: `Name ${studentId}` });
  return new TextEncoder().encode(json.padEnd(size, ' '));
}

async function postChunked(w: TestWorld, bytes: Uint8Array): Promise<Response> {
  return fetch(`${w.baseUrl}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: chunkedBody(bytes),
    duplex: 'half',
  } as RequestInit);
}

test('a small chunked join body (no Content-Length) is accepted', async () => {
  const w = await worlds.start();
  const response = await postChunked(w, new TextEncoder().encode(JSON.stringify({ student_id: 'c1', name: 'Chunky' })));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ student_id: 'c1', name: 'Chunky' });
  const cookie = cookieFrom(response, 'quiz_student');
  expect(cookie).not.toBe('');
  const me = await w.http('/api/me', { cookie });
  expect(me.status).toBe(200);
  expect((await me.json()).student_id).toBe('c1');
});

test('a chunked body of exactly 1 MiB is accepted; one byte more → 413 body_too_large', async () => {
  const w = await worlds.start();
  expect(MAX_BODY_BYTES).toBe(1024 * 1024);
  const atLimit = await postChunked(w, paddedJoinBody('edge', MAX_BODY_BYTES));
  expect(atLimit.status).toBe(200);
  expect((await atLimit.json()).student_id).toBe('edge');

  const over = await postChunked(w, paddedJoinBody('over', MAX_BODY_BYTES + 1));
  await expectJsonError(over, 413, 'body_too_large');
  expect(w.server.controller.studentsCount).toBe(1);

  const wayOver = await postChunked(w, paddedJoinBody('way-over', 3 * MAX_BODY_BYTES));
  await expectJsonError(wayOver, 413, 'body_too_large');
  expect(w.server.controller.studentsCount).toBe(1);
  // The server is still serving normally afterwards.
  expect((await w.join('after')).response.status).toBe(200);
});

// ---------------------------------------------------------------------------------------
// 10. /api/me
// ---------------------------------------------------------------------------------------

test('GET /api/me: 401 JSON without a cookie or with a forged one; 200 with the real one', async () => {
  const w = await worlds.start();
  await expectJsonError(await w.http('/api/me'), 401, 'invalid_cookie');
  const forged = await w.http('/api/me', { cookie: 'quiz_student=s1.forged-signature' });
  expect(forged.status).toBe(401);
  expect(forged.headers.get('content-type') ?? '').toContain('application/json');

  const { cookie } = await w.join('s1', 'Real');
  const me = await w.http('/api/me', { cookie });
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual({ student_id: 's1', name: 'Real', score: 0 });
});

// Regression: a phone holding an altered quiz_student cookie got a raw 401 JSON body for
// GET / (Elysia refuses the whole request on a bad signature) instead of the join page.
test('pages and assets are served despite a forged cookie, and the forged cookie is cleared', async () => {
  const w = await worlds.start();
  const { cookie } = await w.join('s1');
  const forged = `${cookie.slice(0, -3)}xyz`;
  for (const path of ['/', '/admin/', '/static/common.css']) {
    const response = await w.http(path, { cookie: forged, redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((line) => /^quiz_student=;.*Max-Age=0/.test(line))).toBe(true);
  }
  // The API still refuses it, as the contract says.
  expect((await w.http('/api/me', { cookie: forged })).status).toBe(401);
  // A valid cookie is left alone.
  const clean = await w.http('/', { cookie });
  expect(clean.status).toBe(200);
  expect(clean.headers.getSetCookie()).toEqual([]);
});
