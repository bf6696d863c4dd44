/**
 * The instructor's HTTP surface: login (cookie attributes, rate limit), cookie checks,
 * same-origin checks on POSTs and the admin socket, pool uploads, results.csv, backup,
 * health, unknown routes and oversized bodies.
 */
import { Database } from 'bun:sqlite';
import { expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { MAX_POOL_ARCHIVE_BYTES } from '../../src/pool/pool-archive';
import { MAX_BODY_BYTES } from '../../src/protocol/constants';
import { Inbox } from '../helpers/inbox';
import { cookieFrom, makePool, TEST_ADMIN_PASSWORD, toPoolInput, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { csvRecords, parseCsv } from '../helpers/csv';
import { expectJsonError } from '../helpers/json-error';
import { sleep } from '../helpers/wait';

const EVIL = 'https://evil.example';

const worlds = useTestWorlds();

function boot(pool: unknown = makePool(3)): Promise<TestWorld> {
  return worlds.start({ fakeTime: true, pool });
}

/** The contract's error shape, with a snake_case code and no stack trace or schema in it. */
async function expectCleanJsonError(response: Response, status: number, code?: string) {
  const body = await expectJsonError(response, status, code);
  expect(body.error).toMatch(/^[a-z][a-z0-9_]*$/);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat .*\.ts:\d+/);
  expect(text).not.toContain('"schema"');
  return body;
}

async function adminState(w: TestWorld) {
  const response = await w.http('/admin/api/state', { cookie: await w.adminLogin() });
  expect(response.status).toBe(200);
  return response.json();
}

/** Sends a raw HTTP/1.1 request and returns the status code of the response. */
function rawStatus(w: TestWorld, lines: string[]): Promise<number> {
  const { hostname, port } = new URL(w.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no HTTP status line; got ${JSON.stringify(received.slice(0, 200))}`));
    }, 3000);
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function upgradeRequest(w: TestWorld, path: string, headers: Record<string, string>): string[] {
  const host = new URL(w.baseUrl).host;
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
}

// ---- login and the admin cookie ----

test('login: wrong password 401, right password 200 with an HttpOnly SameSite=Strict 12-hour cookie', async () => {
  const w = await boot();
  await expectCleanJsonError(await w.http('/admin/login', { method: 'POST', json: { password: 'not-the-password' } }), 401);
  await expectCleanJsonError(await w.http('/admin/login', { method: 'POST', json: {} }), 400);
  const response = await w.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
  expect(response.status).toBe(200);
  const header = response.headers.getSetCookie().find((value) => value.startsWith('quiz_admin='));
  expect(header).toBeDefined();
  const attributes = header!.split(';').map((part) => part.trim().toLowerCase());
  expect(attributes).toContain('httponly');
  expect(attributes).toContain('samesite=strict');
  expect(attributes).toContain('max-age=43200');
  expect(attributes).toContain('path=/');
  const cookie = cookieFrom(response, 'quiz_admin');
  expect((await w.http('/admin/api/state', { cookie })).status).toBe(200);
  expect((await w.http('/screen', { cookie })).status).toBe(200);
});

test('the 11th login attempt within a minute is refused with 429 and Retry-After', async () => {
  const w = await boot();
  for (let attempt = 1; attempt <= 10; attempt++) {
    const response = await w.http('/admin/login', { method: 'POST', json: { password: `wrong-${attempt}` } });
    expect(response.status).toBe(401);
  }
  for (const password of ['wrong-11', 'wrong-12']) {
    const response = await w.http('/admin/login', { method: 'POST', json: { password } });
    await expectCleanJsonError(response, 429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }
  // Students are never throttled by it.
  expect((await w.join('after-limit')).response.status).toBe(200);
  // A minute later the instructor can sign in again.
  w.time!.advance(61_000);
  expect((await w.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } })).status).toBe(200);
});

test('a tampered, forged or unsigned admin cookie is refused with 401', async () => {
  const w = await boot();
  const good = await w.adminLogin();
  const [name, value] = [good.slice(0, good.indexOf('=')), good.slice(good.indexOf('=') + 1)];
  const dot = value.lastIndexOf('.');
  const payload = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
  const longerExp = decodeURIComponent(payload).replace(/"exp":(\d+)/, (_, exp) => `"exp":${Number(exp) + 1_000_000_000}`);
  const candidates = [
    `${name}=${payload}.${flipped}`,
    `${name}=${encodeURIComponent(longerExp)}.${signature}`,
    `${name}=${payload}`,
    `${name}=${encodeURIComponent(JSON.stringify({ exp: Date.now() + 1e9, fp: 'x' }))}`,
    `${name}=garbage`,
  ];
  for (const cookie of candidates) {
    await expectCleanJsonError(await w.http('/admin/api/state', { cookie }), 401);
    await expectCleanJsonError(await w.http('/admin/api/next', { method: 'POST', cookie }), 401);
  }
  expect((await adminState(w)).phase).toBe('lobby');
  // The admin socket refuses them too.
  const socket = worlds.track(Inbox.connect(w.adminWsUrl, candidates[0]!));
  expect(await socket.expectClose()).toBe(4401);
});

test('logout clears the admin cookie', async () => {
  const w = await boot();
  const cookie = await w.adminLogin();
  const response = await w.http('/admin/logout', { method: 'POST', cookie });
  expect(response.status).toBe(200);
  const header = response.headers.getSetCookie().find((value) => value.startsWith('quiz_admin='));
  expect(header).toBeDefined();
  expect(header!.startsWith('quiz_admin=;')).toBe(true);
  expect(/max-age=0\b/i.test(header!) || /expires=thu, 01 jan 1970/i.test(header!)).toBe(true);
});

test('admin routes without a cookie answer 401 JSON', async () => {
  const w = await boot();
  const routes: Array<[string, string]> = [
    ['GET', '/admin/api/state'],
    ['GET', '/admin/api/results.csv'],
    ['GET', '/admin/api/backup'],
    ['GET', '/screen'],
    ['POST', '/admin/logout'],
    ['POST', '/admin/api/pool'],
    ['POST', '/admin/api/reset'],
    ['POST', '/admin/api/next'],
    ['POST', '/admin/api/close'],
    ['POST', '/admin/api/end'],
    ['POST', '/admin/api/students/x/release'],
  ];
  for (const [method, path] of routes) {
    const response = await w.http(path, { method, ...(method === 'POST' ? { json: toPoolInput(makePool(1)) } : {}) });
    expect({ path, status: response.status }).toEqual({ path, status: 401 });
    await expectCleanJsonError(response, 401);
  }
  // The socket without a cookie closes with 4401.
  const socket = worlds.track(Inbox.connect(w.adminWsUrl));
  expect(await socket.expectClose()).toBe(4401);
  expect((await adminState(w)).phase).toBe('lobby');
});

// ---- same-origin checks ----

test('admin POSTs with a foreign Origin are refused with 403 and change nothing; same origin is accepted', async () => {
  const w = await boot();
  const cookie = await w.adminLogin();
  const { cookie: studentCookie } = await w.join('o1', 'Origin Tester');
  const before = await adminState(w);
  const foreign = { origin: EVIL };
  const attempts: Array<[string, unknown?]> = [
    ['/admin/api/next'],
    ['/admin/api/end'],
    ['/admin/api/close'],
    ['/admin/api/reset'],
    ['/admin/api/pool', toPoolInput(makePool(7))],
    ['/admin/api/students/o1/release'],
    ['/admin/logout'],
  ];
  for (const [path, json] of attempts) {
    const response = await w.http(path, { method: 'POST', cookie, headers: foreign, ...(json ? { json } : {}) });
    expect({ path, status: response.status }).toEqual({ path, status: 403 });
    await expectCleanJsonError(response, 403, 'forbidden_origin');
    expect(response.headers.getSetCookie().filter((value) => value.startsWith('quiz_admin='))).toEqual([]);
  }
  // Login from another site is refused as well (a login CSRF would plant the attacker's session).
  await expectCleanJsonError(
    await w.http('/admin/login', { method: 'POST', headers: foreign, json: { password: TEST_ADMIN_PASSWORD } }),
    403,
    'forbidden_origin',
  );
  await expectCleanJsonError(await w.http('/admin/api/next', { method: 'POST', cookie, headers: { origin: 'null' } }), 403);
  await expectCleanJsonError(
    await w.http('/admin/api/next', { method: 'POST', cookie, headers: { origin: w.baseUrl.replace('127.0.0.1', 'localhost') } }),
    403,
  );
  expect(await adminState(w)).toEqual(before);
  expect((await w.http('/api/me', { cookie: studentCookie })).status).toBe(200);

  // The server's own origin, and no Origin at all, are accepted.
  const same = await w.http('/admin/api/next', { method: 'POST', cookie, headers: { origin: w.baseUrl } });
  expect(same.status).toBe(200);
  expect((await adminState(w)).phase).toBe('question');
  expect((await w.http('/admin/api/close', { method: 'POST', cookie })).status).toBe(200);
  expect((await adminState(w)).phase).toBe('review');
});

test('/admin/ws with a foreign Origin is refused with HTTP 403; same origin upgrades', async () => {
  const w = await boot();
  const cookie = await w.adminLogin();
  expect(await rawStatus(w, upgradeRequest(w, '/admin/ws', { Origin: EVIL, Cookie: cookie }))).toBe(403);
  expect(await rawStatus(w, upgradeRequest(w, '/admin/ws', { Origin: 'null', Cookie: cookie }))).toBe(403);
  expect(await rawStatus(w, upgradeRequest(w, '/admin/ws', { Origin: w.baseUrl, Cookie: cookie }))).toBe(101);
  expect(await rawStatus(w, upgradeRequest(w, '/admin/ws', { Cookie: cookie }))).toBe(101);
  // Through a real WebSocket client too.
  const evil = worlds.track(Inbox.connect(w.adminWsUrl, cookie, { origin: EVIL }));
  let failed = false;
  await evil.opened.catch(() => {
    failed = true;
  });
  expect(failed).toBe(true);
  const good = worlds.track(Inbox.connect(w.adminWsUrl, cookie, { origin: w.baseUrl }));
  await good.opened;
  expect((await good.next('snapshot')).phase).toBe('lobby');
  await sleep(20);
  expect(w.server.controller.connectionCounts().admins).toBe(1);
});

// ---- pool uploads ----

const goodQuestion = { text: 'Ok?', choices: ['yes', 'no', 'maybe', 'never'], answer: 'A', time_limit_s: 20 };
const INVALID_POOLS: Array<{ name: string; body: string; paths: string[] }> = [
  { name: 'invalid JSON', body: '{"title": "Broken", "questions": [', paths: ['/'] },
  { name: 'a JSON string', body: JSON.stringify(JSON.stringify(toPoolInput(makePool(2)))), paths: ['/'] },
  { name: 'a JSON array', body: JSON.stringify([goodQuestion]), paths: ['/'] },
  { name: 'wrong types', body: JSON.stringify({ title: 5, questions: 'many' }), paths: ['/title', '/questions'] },
  {
    name: 'answer letter beyond the choices',
    body: JSON.stringify({ title: 'Bad letter', questions: [goodQuestion, { ...goodQuestion, answer: 'E' }] }),
    paths: ['/questions/1/answer'],
  },
  {
    name: 'lower-case answer',
    body: JSON.stringify({ title: 'Bad letter', questions: [{ ...goodQuestion, answer: 'a' }] }),
    paths: ['/questions/0/answer'],
  },
  {
    name: 'time limit out of range and too few choices',
    body: JSON.stringify({ title: 'Bad', questions: [{ ...goodQuestion, time_limit_s: 3 }, { ...goodQuestion, choices: ['only'] }] }),
    paths: ['/questions/0/time_limit_s', '/questions/1/choices'],
  },
  {
    name: 'seven choices',
    body: JSON.stringify({ title: 'Bad', questions: [{ ...goodQuestion, choices: ['1', '2', '3', '4', '5', '6', '7'] }] }),
    paths: ['/questions/0/choices'],
  },
  { name: 'no questions', body: JSON.stringify({ title: 'Empty', questions: [] }), paths: ['/questions'] },
  {
    name: 'an unknown field',
    body: JSON.stringify({ title: 'Extra', questions: [{ ...goodQuestion, correct: 'A' }] }),
    paths: ['/questions/0/correct'],
  },
  {
    name: 'a multiple answer letter beyond the choices, and a repeat',
    body: JSON.stringify({
      title: 'Bad multiple',
      questions: [goodQuestion, { ...goodQuestion, type: 'multiple', answer: ['A', 'E'] }, { ...goodQuestion, type: 'multiple', answer: ['B', 'B'] }],
    }),
    paths: ['/questions/1/answer/1', '/questions/2/answer/1'],
  },
  {
    name: 'a numeric answer of 1e400, and a negative tolerance',
    body: `{"title":"Bad numeric","questions":[{"type":"numeric","text":"n?","answer":1e400},{"type":"numeric","text":"n?","answer":1,"tolerance":-1}]}`,
    paths: ['/questions/0/answer', '/questions/1/tolerance'],
  },
  {
    name: 'a poll with an answer, and a tolerance on a single question',
    body: JSON.stringify({ title: 'Bad', questions: [{ ...goodQuestion, type: 'poll' }, { ...goodQuestion, tolerance: 1 }] }),
    paths: ['/questions/0/answer', '/questions/1/tolerance'],
  },
  {
    name: 'an image that was not uploaded with the pool (a JSON upload has none)',
    body: JSON.stringify({ title: 'Bad image', questions: [{ ...goodQuestion, image: 'tree.png' }] }),
    paths: ['/questions/0/image'],
  },
];

test.each(INVALID_POOLS)('an invalid pool upload ($name) is refused with 400 invalid_pool and changes nothing', async (bad) => {
  const w = await boot();
  const { cookie: studentCookie } = await w.join('p1');
  const student = worlds.track(await w.connectStudent(studentCookie));
  await student.next('snapshot');
  const before = await adminState(w);
  const response = await w.http('/admin/api/pool', {
    method: 'POST',
    cookie: await w.adminLogin(),
    headers: { 'content-type': 'application/json' },
    body: bad.body,
  });
  const body = await expectCleanJsonError(response, 400, 'invalid_pool');
  expect(Array.isArray(body.details)).toBe(true);
  for (const detail of body.details) {
    expect(typeof detail.path).toBe('string');
    expect(typeof detail.message).toBe('string');
  }
  const paths = body.details.map((detail: { path: string }) => detail.path);
  for (const path of bad.paths) expect(paths).toContain(path);
  expect(await adminState(w)).toEqual(before);
  await sleep(30);
  expect(student.all('snapshot')).toHaveLength(1);
});

test('a valid pool upload in the lobby is played at once and students get a new snapshot', async () => {
  const w = await boot(makePool(3));
  const { cookie } = await w.join('p2', 'Pool Watcher');
  const student = worlds.track(await w.connectStudent(cookie));
  expect((await student.next('snapshot')).total_questions).toBe(3);
  const admin = worlds.track(await w.connectAdmin());
  await admin.next('snapshot');

  const pool = { ...toPoolInput(makePool(5, { choices: 3 })), title: 'Fresh pool' };
  const response = await w.adminPost('/admin/api/pool', pool);
  expect(response.status).toBe(200);
  const snapshot = await student.next('snapshot');
  expect(snapshot.total_questions).toBe(5);
  expect(snapshot.phase).toBe('lobby');
  expect(snapshot.me.student_id).toBe('p2');
  const adminSnapshot = await admin.next('snapshot');
  expect(adminSnapshot.pool.title).toBe('Fresh pool');
  const state = await adminState(w);
  expect(state.total_questions).toBe(5);
  expect(state.pool.questions[0].choices).toHaveLength(3);
  admin.send({ type: 'next' });
  expect((await student.next('question_open')).choices).toHaveLength(3);
});

test('a pool upload while a question is open (or in review) is refused with 409 and changes nothing', async () => {
  const w = await boot(makePool(3));
  expect((await w.adminPost('/admin/api/next')).status).toBe(200);
  const before = await adminState(w);
  await expectCleanJsonError(await w.adminPost('/admin/api/pool', toPoolInput(makePool(6))), 409, 'wrong_phase');
  const during = await adminState(w);
  expect(during.pool).toEqual(before.pool);
  expect(during.total_questions).toBe(3);
  expect((await w.adminPost('/admin/api/close')).status).toBe(200);
  await expectCleanJsonError(await w.adminPost('/admin/api/pool', toPoolInput(makePool(6))), 409, 'wrong_phase');
  expect((await adminState(w)).total_questions).toBe(3);
  // After the end the upload is kept for the next run; the ended run keeps its pool.
  expect((await w.adminPost('/admin/api/end')).status).toBe(200);
  expect((await w.adminPost('/admin/api/pool', toPoolInput(makePool(6)))).status).toBe(200);
  expect((await adminState(w)).total_questions).toBe(3);
  expect((await w.adminPost('/admin/api/reset')).status).toBe(200);
  expect((await adminState(w)).total_questions).toBe(6);
});

test('admin commands that do not apply answer 409 JSON and change nothing', async () => {
  const w = await boot();
  await expectCleanJsonError(await w.adminPost('/admin/api/close'), 409);
  expect((await adminState(w)).phase).toBe('lobby');
  expect((await w.adminPost('/admin/api/end')).status).toBe(200);
  await expectCleanJsonError(await w.adminPost('/admin/api/end'), 409);
  await expectCleanJsonError(await w.adminPost('/admin/api/next'), 409);
  expect((await adminState(w)).phase).toBe('ended');
});

// ---- results.csv ----

async function csv(w: TestWorld, query = ''): Promise<Response> {
  return w.http(`/admin/api/results.csv${query}`, { cookie: await w.adminLogin() });
}

test('results.csv: header, RFC 4180 quoting, neutralised formulas, older runs and unknown runs', async () => {
  const w = await boot(makePool(2));
  const people = [
    { id: 'plain', name: 'Ann Plain' },
    { id: 'quoted', name: 'Doe, Jane "JJ"' },
    { id: 'formula', name: '=HYPERLINK("http://evil.example","x")' },
    { id: '+plus', name: '+1+2' },
    { id: 'at', name: '@SUM(A1)' },
    { id: 'minus', name: '-3' },
  ];
  const cookies = new Map<string, string>();
  for (const person of people) {
    const { response, cookie } = await w.join(person.id, person.name);
    expect(response.status).toBe(200);
    cookies.set(person.id, cookie);
  }
  const admin = worlds.track(await w.connectAdmin());
  await admin.next('snapshot');
  admin.send({ type: 'next' });
  await admin.next('question_open');
  const answers: Record<string, string> = { plain: 'A', quoted: 'B', formula: 'A' };
  for (const [id, choice] of Object.entries(answers)) {
    const socket = worlds.track(await w.connectStudent(cookies.get(id)!));
    socket.send({ type: 'submit', question_idx: 0, choice });
    expect((await socket.next('submit_ack')).accepted).toBe(true);
  }
  const response = await csv(w);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/csv');
  const text = await response.text();
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual(['student_id', 'name', 'q1_choice', 'q1_points', 'q2_choice', 'q2_points', 'total', 'rank']);
  expect(rows).toHaveLength(people.length);
  expect(text).toContain('"Doe, Jane ""JJ"""');
  expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  const byId = new Map(csvRecords(text).map((record) => [record.student_id, record]));
  expect(byId.get('quoted')!.name).toBe('Doe, Jane "JJ"');
  for (const record of csvRecords(text)) {
    // No cell a spreadsheet would run as a formula.
    for (const cell of Object.values(record)) expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
  }
  expect(byId.get('formula')!.name).toBe(`'=HYPERLINK("http://evil.example","x")`);
  expect(byId.has('+plus')).toBe(false);
  expect(byId.get("'+plus")!.name).toBe("'+1+2");
  expect(byId.get('at')!.name).toBe("'@SUM(A1)");
  expect(byId.get('minus')!.name).toBe("'-3");
  expect(byId.get('plain')).toMatchObject({ q1_choice: 'A', q1_points: '1000', q2_choice: '', total: '1000', rank: '1' });
  expect(byId.get('quoted')).toMatchObject({ q1_choice: 'B', q1_points: '0', total: '0', rank: '3' });
  expect(byId.get('minus')).toMatchObject({ q1_choice: '', q1_points: '', total: '0', rank: '3' });

  const oldRun = (await adminState(w)).run_id;
  const reset = await w.adminPost('/admin/api/reset');
  expect(reset.status).toBe(200);
  const { run_id: newRun } = await reset.json();
  expect(newRun).not.toBe(oldRun);
  expect((await w.join('newbie', 'New Run')).response.status).toBe(200);
  const current = csvRecords(await (await csv(w)).text());
  expect(current.map((record) => record.student_id)).toEqual(['newbie']);
  const old = await csv(w, `?run=${oldRun}`);
  expect(old.status).toBe(200);
  expect(await old.text()).toBe(text);
  await expectCleanJsonError(await csv(w, '?run=999999'), 404);
  await expectCleanJsonError(await csv(w, '?run=abc'), 404);
});

// ---- backup ----

test('GET /admin/api/backup returns a SQLite database holding the answers', async () => {
  const w = await boot(makePool(2));
  const { cookie } = await w.join('b1', 'Backup Person');
  const admin = worlds.track(await w.connectAdmin());
  admin.send({ type: 'next' });
  await admin.next('question_open');
  const student = worlds.track(await w.connectStudent(cookie));
  student.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect((await student.next('submit_ack')).accepted).toBe(true);

  const response = await w.http('/admin/api/backup', { cookie: await w.adminLogin() });
  expect(response.status).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(new TextDecoder().decode(bytes.slice(0, 16))).toBe('SQLite format 3\0');
  const dir = worlds.tempDir('quiz-backup-');
  const path = join(dir, 'copy.db');
  writeFileSync(path, bytes);
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.query('SELECT student_id, question_idx, choice, points FROM answers').all();
    expect(rows).toEqual([{ student_id: 'b1', question_idx: 0, choice: 'A', points: 1000 }]);
    const students = db.query('SELECT student_id, name FROM students').all();
    expect(students).toEqual([{ student_id: 'b1', name: 'Backup Person' }]);
    expect((db.query('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
  } finally {
    db.close();
  }
});

// ---- health, unknown routes, oversized bodies ----

test('/healthz has the contract shape', async () => {
  const w = await boot();
  await w.join('h1');
  await w.join('h2');
  const response = await w.http('/healthz');
  expect(response.status).toBe(200);
  const body = await response.json();
  expect(Object.keys(body).sort()).toEqual(['connections', 'ok', 'phase', 'students', 'uptime_s']);
  expect(body).toMatchObject({ ok: true, phase: 'lobby', students: 2, connections: { students: 0, admins: 0 } });
  expect(Number.isInteger(body.uptime_s)).toBe(true);
  expect(body.uptime_s).toBeGreaterThanOrEqual(0);
});

test('unknown routes answer 404 JSON', async () => {
  const w = await boot();
  for (const path of ['/nope', '/api/nope', '/admin/api/nope/../../etc/passwd', '/static/../../package.json']) {
    const response = await w.http(path);
    expect({ path, status: response.status }).toEqual({ path, status: 404 });
    await expectCleanJsonError(response, 404);
  }
  await expectCleanJsonError(await w.http('/api/nope', { method: 'POST', json: {} }), 404);
});

test('a request body over 1 MiB is refused with 413 JSON; a pool upload only over 24 MiB', async () => {
  const w = await boot();
  const big = JSON.stringify({ student_id: 'big', name: 'x'.repeat(MAX_BODY_BYTES + 10) });
  const tooBig = await expectCleanJsonError(
    await w.http('/api/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }),
    413,
  );
  expect(tooBig.error).toBe('body_too_large');
  const cookie = await w.adminLogin();
  const tooBigPool = await expectCleanJsonError(
    await w.http('/admin/api/pool', { method: 'POST', cookie, json: { ...toPoolInput(makePool(1)), title: 'y'.repeat(MAX_POOL_ARCHIVE_BYTES + 10) } }),
    413,
  );
  expect(tooBigPool.error).toBe('body_too_large');
  // Over 1 MiB but within the pool upload's limit: read, and refused by the pool's own rules.
  const longTitle = await expectCleanJsonError(
    await w.http('/admin/api/pool', { method: 'POST', cookie, json: { ...toPoolInput(makePool(1)), title: 'y'.repeat(MAX_BODY_BYTES + 10) } }),
    400,
  );
  expect(longTitle.error).toBe('invalid_pool');
  expect((await adminState(w)).students).toEqual([]);
  expect((await adminState(w)).total_questions).toBe(3);
});

test('a request body over the limit sent without Content-Length (chunked) is refused with 413 JSON too', async () => {
  const w = await boot();
  const chunked = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024) controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
        controller.close();
      },
    });
  };
  const cookie = await w.adminLogin();
  const outcomes: Array<{ case: string; status: number; json: boolean; error: unknown }> = [];
  for (const [label, path, body] of [
    ['join, 1 MiB + 10', '/api/join', JSON.stringify({ student_id: 'big', name: 'x'.repeat(MAX_BODY_BYTES + 10) })],
    ['pool, 1 MiB + 10', '/admin/api/pool', JSON.stringify({ ...toPoolInput(makePool(1)), title: 'y'.repeat(MAX_BODY_BYTES + 10) })],
    ['pool, 24 MiB + 10', '/admin/api/pool', JSON.stringify({ ...toPoolInput(makePool(1)), title: 'y'.repeat(MAX_POOL_ARCHIVE_BYTES + 10) })],
  ] as const) {
    const response = await fetch(`${w.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: chunked(body),
    });
    const text = await response.text();
    let error: unknown = null;
    try {
      error = JSON.parse(text).error;
    } catch {
      // not JSON
    }
    outcomes.push({ case: label, status: response.status, json: (response.headers.get('content-type') ?? '').includes('json'), error });
  }
  expect(outcomes).toEqual([
    { case: 'join, 1 MiB + 10', status: 413, json: true, error: 'body_too_large' },
    { case: 'pool, 1 MiB + 10', status: 400, json: true, error: 'invalid_pool' },
    { case: 'pool, 24 MiB + 10', status: 413, json: true, error: 'body_too_large' },
  ]);
  expect((await adminState(w)).total_questions).toBe(3);
});
