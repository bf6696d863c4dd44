/**
 * Security finding 2: the student socket and the join route had no Origin check, and the
 * admin check compared the host only. A page on another origin of the same site opened
 * `/ws` with a student's Lax cookie, read the snapshot and submitted an accepted answer;
 * `POST /api/join` with `Origin: https://evil.example` returned 200. Also: Secure cookies
 * get the `__Host-` prefix, and the unprefixed names are still read for one release.
 */
import { expect, test } from 'bun:test';
import { Inbox } from '../helpers/inbox';
import { cookieFrom, makePool, TEST_ADMIN_PASSWORD } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();

const EVIL = 'https://evil.example';

test('POST /api/join from a foreign origin is refused with 403 and joins nobody', async () => {
  const world = await worlds.start();
  const response = await world.http('/api/join', {
    method: 'POST',
    json: { student_id: 's1', name: 'Mallory' },
    headers: { origin: EVIL },
  });
  expect(response.status).toBe(403);
  expect(await response.json()).toMatchObject({ error: 'forbidden_origin' });
  expect(response.headers.getSetCookie()).toEqual([]);
  expect(world.server.controller.studentsCount).toBe(0);
  // The page's own origin, and a script without Origin, still join.
  expect((await world.http('/api/join', { method: 'POST', json: { student_id: 's1', name: 'Sam' }, headers: { origin: world.baseUrl } })).status).toBe(200);
  expect((await world.join('s2')).response.status).toBe(200);
});

test('the student socket refuses a foreign origin: no snapshot, no answer', async () => {
  const world = await worlds.start({ pool: makePool(1) });
  const { cookie } = await world.join('s1');
  await world.adminPost('/admin/api/next');
  const foreign = Inbox.connect(world.wsUrl, cookie, { origin: EVIL });
  worlds.track(foreign);
  await expect(foreign.opened).rejects.toThrow();
  expect(foreign.frames).toEqual([]);
  // The same cookie from the page's own origin works.
  const own = Inbox.connect(world.wsUrl, cookie, { origin: world.baseUrl });
  worlds.track(own);
  await own.opened;
  expect((await own.next('snapshot')).phase).toBe('question');
});

test('the origin is compared whole: another scheme or port of the same host is foreign', async () => {
  const world = await worlds.start();
  const own = new URL(world.baseUrl);
  const otherPort = `http://${own.hostname}:${Number(own.port) === 65535 ? 1 : Number(own.port) + 1}`;
  const otherScheme = `https://${own.host}`;
  for (const origin of [otherPort, otherScheme, 'null']) {
    const join = await world.http('/api/join', { method: 'POST', json: { student_id: 'x', name: 'X' }, headers: { origin } });
    expect(join.status).toBe(403);
    const login = await world.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD }, headers: { origin } });
    expect(login.status).toBe(403);
  }
  expect(world.server.controller.studentsCount).toBe(0);
});

test('behind a trusted proxy the scheme comes from X-Forwarded-Proto', async () => {
  const world = await worlds.start({ env: { QUIZ_TRUST_PROXY: '1' } });
  const host = new URL(world.baseUrl).host;
  const viaHttps = { origin: `https://${host}`, 'x-forwarded-proto': 'https' };
  expect((await world.http('/api/join', { method: 'POST', json: { student_id: 'a', name: 'A' }, headers: viaHttps })).status).toBe(200);
  const mismatched = { origin: `http://${host}`, 'x-forwarded-proto': 'https' };
  expect((await world.http('/api/join', { method: 'POST', json: { student_id: 'b', name: 'B' }, headers: mismatched })).status).toBe(403);
});

test('with an https public URL the cookies are __Host- prefixed, and the old names are still honoured', async () => {
  const world = await worlds.start({ env: { QUIZ_PUBLIC_URL: 'https://quiz.example.org' } });
  const { response } = await world.join('s1');
  const setCookies = response.headers.getSetCookie();
  const student = setCookies.find((header) => header.startsWith('__Host-quiz_student='))!;
  expect(student).toBeDefined();
  expect(student).toContain('Secure');
  expect(student).toContain('Path=/');
  expect(student.toLowerCase()).not.toContain('domain=');
  expect(setCookies.some((header) => header.startsWith('quiz_student='))).toBe(false);

  // A cookie issued before the prefix (same signed value, old name) still works for one release…
  const value = cookieFrom(response, 'quiz_student').slice('__Host-quiz_student='.length);
  const legacy = `quiz_student=${value}`;
  const me = await world.http('/api/me', { cookie: legacy });
  expect(me.status).toBe(200);
  const socket = await world.connectStudent(legacy);
  worlds.track(socket);
  expect((await socket.next('snapshot')).me.student_id).toBe('s1');
  // …and rejoining with it moves the browser to the new name and clears the old one.
  const rejoin = await world.join('s1', 'Student s1', legacy);
  expect(rejoin.response.status).toBe(200);
  const headers = rejoin.response.headers.getSetCookie();
  expect(headers.some((header) => header.startsWith('__Host-quiz_student=') && !header.startsWith('__Host-quiz_student=;'))).toBe(true);
  expect(headers.some((header) => header.startsWith('quiz_student=;'))).toBe(true);
});

test('without https the cookies keep their plain names', async () => {
  const world = await worlds.start();
  const { response } = await world.join('s1');
  expect(response.headers.getSetCookie().some((header) => header.startsWith('quiz_student='))).toBe(true);
  expect(response.headers.getSetCookie().some((header) => header.startsWith('__Host-'))).toBe(false);
});
