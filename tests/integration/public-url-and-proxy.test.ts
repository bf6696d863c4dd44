/**
 * What QUIZ_PUBLIC_URL and QUIZ_TRUST_PROXY change: the join URL in the QR code, the
 * Secure flag on cookies, which client the login rate limit counts, and which Origins an
 * admin POST accepts.
 */
import { expect, test } from 'bun:test';
import QRCode from 'qrcode';
import { cookieFrom, TEST_ADMIN_PASSWORD, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { expectJsonError } from '../helpers/json-error';

const worlds = useTestWorlds();

function world(env: Record<string, string> = {}): Promise<TestWorld> {
  return worlds.start({ env });
}


/** The SVG the server should send for `joinUrl` (same library, same options). */
const expectedQr = (joinUrl: string) => QRCode.toString(joinUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

async function qr(w: TestWorld, headers: Record<string, string> = {}) {
  const response = await w.http('/qr.svg', { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type') ?? '').toContain('image/svg+xml');
  const body = await response.text();
  expect(body.trimStart().startsWith('<svg')).toBe(true);
  const joinUrl = response.headers.get('x-join-url');
  expect(joinUrl).not.toBeNull();
  // The picture encodes exactly the advertised URL.
  expect(body).toBe(await expectedQr(joinUrl!));
  return { joinUrl: joinUrl!, body };
}

// ---------------------------------------------------------------------------------------
// 3. /qr.svg
// ---------------------------------------------------------------------------------------

test('/qr.svg encodes QUIZ_PUBLIC_URL + "/" when it is set, whatever the Host', async () => {
  const w = await world({ QUIZ_PUBLIC_URL: 'https://quiz.example.org' });
  expect((await qr(w)).joinUrl).toBe('https://quiz.example.org/');
  expect((await qr(w, { host: 'other.example:8080' })).joinUrl).toBe('https://quiz.example.org/');
});

test('/qr.svg keeps a QUIZ_PUBLIC_URL path and drops its trailing slash before adding one', async () => {
  const w = await world({ QUIZ_PUBLIC_URL: 'https://example.org/quiz/' });
  expect((await qr(w)).joinUrl).toBe('https://example.org/quiz/');
});

test('/qr.svg without QUIZ_PUBLIC_URL derives http://<Host>/ from the request', async () => {
  const w = await world();
  const direct = await qr(w);
  expect(direct.joinUrl).toBe(`http://127.0.0.1:${w.server.port}/`);
  const viaName = await qr(w, { host: 'quiz.lan:8001' });
  expect(viaName.joinUrl).toBe('http://quiz.lan:8001/');
  expect(viaName.body).not.toBe(direct.body);
  // Without a trusted proxy, X-Forwarded-Proto is ignored.
  expect((await qr(w, { host: 'quiz.lan', 'x-forwarded-proto': 'https' })).joinUrl).toBe('http://quiz.lan/');
});

test('/qr.svg behind a trusted proxy honours X-Forwarded-Proto: https', async () => {
  const w = await world({ QUIZ_TRUST_PROXY: '1' });
  expect((await qr(w, { host: 'quiz.example.org', 'x-forwarded-proto': 'https' })).joinUrl).toBe(
    'https://quiz.example.org/',
  );
  // The first entry of a list is the client-facing scheme.
  expect((await qr(w, { host: 'quiz.example.org', 'x-forwarded-proto': 'https, http' })).joinUrl).toBe(
    'https://quiz.example.org/',
  );
  expect((await qr(w, { host: 'quiz.example.org', 'x-forwarded-proto': 'http' })).joinUrl).toBe(
    'http://quiz.example.org/',
  );
  // Anything but http/https falls back to the scheme the request arrived with.
  expect((await qr(w, { host: 'quiz.example.org', 'x-forwarded-proto': 'javascript' })).joinUrl).toBe(
    'http://quiz.example.org/',
  );
  expect((await qr(w, { host: 'quiz.example.org' })).joinUrl).toBe('http://quiz.example.org/');
});

// ---------------------------------------------------------------------------------------
// 4. Secure cookies
// ---------------------------------------------------------------------------------------

function setCookieFor(response: Response, name: string): string {
  const header = response.headers.getSetCookie().find((value) => value.startsWith(`${name}=`));
  expect(header).toBeDefined();
  return header!;
}

const hasSecure = (setCookie: string) => setCookie.split(';').some((part) => part.trim().toLowerCase() === 'secure');

test('cookies are Secure when QUIZ_PUBLIC_URL is https', async () => {
  const w = await world({ QUIZ_PUBLIC_URL: 'https://quiz.example.org' });
  const { response } = await w.join('s1');
  expect(response.status).toBe(200);
  // Secure cookies carry the __Host- prefix: no Domain, Path=/, set only from https.
  const student = setCookieFor(response, '__Host-quiz_student');
  expect(hasSecure(student)).toBe(true);
  expect(student).toContain('Path=/');
  expect(student.toLowerCase()).not.toContain('domain=');
  expect(student.toLowerCase()).toContain('httponly');

  const login = await w.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
  expect(login.status).toBe(200);
  const admin = setCookieFor(login, '__Host-quiz_admin');
  expect(hasSecure(admin)).toBe(true);
  expect(admin.toLowerCase()).toContain('httponly');
});

for (const env of [{}, { QUIZ_PUBLIC_URL: 'http://quiz.lan:8001' }] as Record<string, string>[]) {
  test(`cookies are not Secure when QUIZ_PUBLIC_URL is ${env.QUIZ_PUBLIC_URL ?? 'unset'}`, async () => {
    const w = await world(env);
    const { response } = await w.join('s1');
    expect(response.status).toBe(200);
    expect(hasSecure(setCookieFor(response, 'quiz_student'))).toBe(false);
    const login = await w.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    expect(hasSecure(setCookieFor(login, 'quiz_admin'))).toBe(false);
  });
}

// ---------------------------------------------------------------------------------------
// 5. Login rate limit and X-Forwarded-For
// ---------------------------------------------------------------------------------------

function loginFrom(w: TestWorld, forwardedFor: string | null, password = 'wrong-password') {
  return w.http('/admin/login', {
    method: 'POST',
    json: { password },
    headers: forwardedFor === null ? {} : { 'x-forwarded-for': forwardedFor },
  });
}

test('QUIZ_TRUST_PROXY=1: the login limit counts the LAST X-Forwarded-For entry', async () => {
  const w = await world({ QUIZ_TRUST_PROXY: '1' });
  // The first entry is client-controlled; only the last (added by the proxy) counts.
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    const response = await loginFrom(w, `forged-${attempt}, 10.0.0.1`);
    expect(response.status).toBe(401);
  }
  const blocked = await loginFrom(w, '10.0.0.1');
  await expectJsonError(blocked, 429, 'too_many_attempts');
  const retryAfter = Number(blocked.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // The right password still gets in from that address (security finding 4: only failures count).
  expect((await loginFrom(w, '10.0.0.1', TEST_ADMIN_PASSWORD)).status).toBe(200);
  // …and does not lift the limit for the wrong ones.
  await expectJsonError(await loginFrom(w, '10.0.0.1'), 429, 'too_many_attempts');

  // Another client behind the same proxy is not affected.
  expect((await loginFrom(w, '10.0.0.2')).status).toBe(401);
  const ok = await loginFrom(w, '10.0.0.2', TEST_ADMIN_PASSWORD);
  expect(ok.status).toBe(200);
  expect(cookieFrom(ok, 'quiz_admin')).not.toBe('');
  // A spoofed first entry does not dodge the limit, and a different last entry is a new client.
  expect((await loginFrom(w, '10.0.0.2, 10.0.0.1')).status).toBe(429);
  expect((await loginFrom(w, '10.0.0.1, 10.0.0.3')).status).toBe(401);
});

test('without QUIZ_TRUST_PROXY, X-Forwarded-For is ignored: every value shares one limit', async () => {
  const w = await world();
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    expect((await loginFrom(w, `10.0.1.${attempt}`)).status).toBe(401);
  }
  await expectJsonError(await loginFrom(w, '10.0.1.99'), 429, 'too_many_attempts');
  await expectJsonError(await loginFrom(w, null), 429, 'too_many_attempts');
});

// ---------------------------------------------------------------------------------------
// 6. Origin checks on admin POSTs
// ---------------------------------------------------------------------------------------

test("an admin POST from QUIZ_PUBLIC_URL's origin is accepted although the Host differs", async () => {
  const w = await world({ QUIZ_PUBLIC_URL: 'https://quiz.example.org' });
  const cookie = await w.adminLogin();
  const next = await w.http('/admin/api/next', { method: 'POST', cookie, headers: { origin: 'https://quiz.example.org' } });
  expect(next.status).toBe(200);
  expect((await next.json()).phase).toBe('question');

  // The login itself is an admin POST too.
  const login = await w.http('/admin/login', {
    method: 'POST',
    json: { password: TEST_ADMIN_PASSWORD },
    headers: { origin: 'https://quiz.example.org' },
  });
  expect(login.status).toBe(200);

  // Same host, wrong scheme: not QUIZ_PUBLIC_URL's origin.
  await expectJsonError(
    await w.http('/admin/api/close', { method: 'POST', cookie, headers: { origin: 'http://quiz.example.org' } }),
    403,
    'forbidden_origin',
  );
  await expectJsonError(
    await w.http('/admin/api/close', { method: 'POST', cookie, headers: { origin: 'https://evil.example' } }),
    403,
    'forbidden_origin',
  );
  expect(w.server.controller.state.phase).toBe('question');
});

test('an admin POST from the server\'s own origin (its Host) is accepted', async () => {
  const w = await world();
  const cookie = await w.adminLogin();
  const own = await w.http('/admin/api/next', { method: 'POST', cookie, headers: { origin: w.baseUrl } });
  expect(own.status).toBe(200);
  expect(w.server.controller.state.phase).toBe('question');
});

test("a malformed Origin header ('not a url') → 403 forbidden_origin, nothing changes", async () => {
  const w = await world({ QUIZ_PUBLIC_URL: 'https://quiz.example.org' });
  const cookie = await w.adminLogin();
  await expectJsonError(
    await w.http('/admin/api/next', { method: 'POST', cookie, headers: { origin: 'not a url' } }),
    403,
    'forbidden_origin',
  );
  await expectJsonError(
    await w.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD }, headers: { origin: 'not a url' } }),
    403,
    'forbidden_origin',
  );
  expect(w.server.controller.state.phase).toBe('lobby');
  // A GET is not origin-checked.
  const state = await w.http('/admin/api/state', { cookie, headers: { origin: 'not a url' } });
  expect(state.status).toBe(200);
});
