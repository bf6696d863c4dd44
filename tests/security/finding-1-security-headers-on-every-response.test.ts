/**
 * Security finding 1: the pages' HTML escaped their headers through the static plugin.
 * `/static/admin.html` and `/static/screen.html` were served without the page CSP, without
 * `frame-ancestors` and without `nosniff`: a page on another port framed the console with
 * the instructor signed in, and `/static/screen.html` skipped the instructor check of
 * `GET /screen`. Now no `.html` is served under `/static/`, and every response the server
 * sends (pages, assets, API JSON, errors, downloads, redirects, the socket's 426) carries
 * the same security headers, set in one place.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_BODY_BYTES, SOCKET_PATHS } from '../../src/protocol/constants';
import { appRoutes } from '../helpers/app-routes';
import { cookieFrom, makePool, startTestWorld, TEST_ADMIN_PASSWORD, type TestWorld } from '../helpers/test-server';

const PUBLIC_DIR = join(import.meta.dir, '../../public');
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Expectation {
  /** Whether Strict-Transport-Security must be present (public URL is https). */
  https?: boolean;
}

/** Checks the headers every response must carry; `label` names the request in failures. */
function expectSecurityHeaders(response: Response, label: string, { https = false }: Expectation = {}): void {
  const headers = response.headers;
  const got = (name: string) => [label, name, headers.get(name)];
  expect(got('x-content-type-options')).toEqual([label, 'x-content-type-options', 'nosniff']);
  expect(got('referrer-policy')).toEqual([label, 'referrer-policy', 'same-origin']);
  expect(got('x-frame-options')).toEqual([label, 'x-frame-options', 'DENY']);
  expect(got('cross-origin-opener-policy')).toEqual([label, 'cross-origin-opener-policy', 'same-origin']);
  const csp = headers.get('content-security-policy') ?? '';
  expect([label, csp]).toEqual([label, expect.stringContaining("frame-ancestors 'none'")]);
  const type = headers.get('content-type') ?? '';
  const cache = headers.get('cache-control') ?? '';
  if (type.includes('text/html')) {
    expect([label, csp]).toEqual([label, PAGE_CSP]);
    expect([label, cache]).toEqual([label, 'no-cache']);
  } else {
    expect([label, csp]).toEqual([label, expect.stringContaining("default-src 'none'")]);
    // Cached only if revalidated every time.
    expect([label, cache]).toEqual([label, expect.stringMatching(/no-store|no-cache|max-age=0\b.*must-revalidate/)]);
  }
  if (type.includes('application/json')) expect([label, cache]).toEqual([label, 'no-store']);
  const hsts = headers.get('strict-transport-security');
  expect([label, hsts]).toEqual([label, https ? 'max-age=31536000' : null]);
}

async function expectNotFoundJson(response: Response, label: string): Promise<void> {
  expect([label, response.status]).toEqual([label, 404]);
  expect([label, response.headers.get('content-type') ?? '']).toEqual([label, expect.stringContaining('application/json')]);
  const text = await response.text();
  expect([label, text.toLowerCase()]).toEqual([label, expect.not.stringContaining('<html')]);
  expect([label, JSON.parse(text).error]).toEqual([label, 'not_found']);
}

/** Every route the app registers, as `[method, path]`, read from the app itself. */
function registeredRoutes(): Array<[string, string]> {
  const routes = appRoutes().map(({ method, path }) => [method, path] as [string, string]);
  routes.push(['GET', SOCKET_PATHS.STUDENT], ['GET', SOCKET_PATHS.ADMIN]);
  // Logging out ends the sign-in: those go last.
  return routes.sort(([, a], [, b]) => Number(a.includes('logout')) - Number(b.includes('logout')));
}

/** Every file under public/, as a path relative to it. */
function publicFiles(dir = PUBLIC_DIR, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? publicFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

const POOL_TEXT = JSON.stringify(makePool(2));

function bodyFor(path: string): { json?: unknown; body?: string } {
  if (path === '/api/join') return { json: { student_id: 's-walk', name: 'Walker' } };
  if (path === '/admin/login') return { json: { password: TEST_ADMIN_PASSWORD } };
  if (path === '/admin/api/pool') return { body: POOL_TEXT };
  if (path === '/admin/api/students/release') return { json: { student_id: 's1' } };
  return {};
}

let world: TestWorld;
beforeAll(async () => {
  world = await startTestWorld();
  await world.join('s1');
});
afterAll(async () => {
  await world.stop();
});

async function freshAdminCookie(): Promise<string> {
  const response = await world.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
  expect(response.status).toBe(200);
  return cookieFrom(response, 'quiz_admin');
}

describe('every registered route carries the security headers', () => {
  const routes = registeredRoutes();

  test('the route list is read from the app', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes).toContainEqual(['GET', '/admin/api/backup']);
    expect(routes).toContainEqual(['GET', '/qr.svg']);
  });

  for (const [method, template] of routes) {
    const path = template.replace(':student_id', 's1');
    for (const who of ['anonymous', 'admin'] as const) {
      test(`${who}: ${method} ${path}`, async () => {
        const cookie = who === 'admin' ? await freshAdminCookie() : undefined;
        const response = await world.http(path, {
          method,
          redirect: 'manual',
          ...(cookie ? { cookie } : {}),
          ...bodyFor(template),
        });
        const label = `${who} ${method} ${path} → ${response.status}`;
        expectSecurityHeaders(response, label);
        await response.arrayBuffer();
      });
    }
  }
});

test('per-route headers survive: x-join-url, content-disposition, set-cookie, location, retry-after', async () => {
  const qr = await world.http('/qr.svg');
  expect(qr.status).toBe(200);
  expect(qr.headers.get('content-type')).toContain('image/svg+xml');
  expect(qr.headers.get('x-join-url')).toBe(`${world.baseUrl}/`);
  expectSecurityHeaders(qr, 'qr.svg');

  const cookie = await freshAdminCookie();
  const csv = await world.http('/admin/api/results.csv', { cookie });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toContain('text/csv');
  expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="results-run\d+\.csv"$/);
  expectSecurityHeaders(csv, 'results.csv');

  const login = await world.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
  expect(login.headers.getSetCookie().some((line) => line.startsWith('quiz_admin='))).toBe(true);
  expectSecurityHeaders(login, 'login');

  const redirect = await world.http('/admin', { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  expect(redirect.headers.get('location')).toBe('/admin/');
  expectSecurityHeaders(redirect, 'redirect /admin');
});

test('the backup download still streams a whole SQLite file, with its headers', async () => {
  const response = await world.http('/admin/api/backup', { cookie: await freshAdminCookie() });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/vnd.sqlite3');
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="quiz-.*\.db"$/);
  expectSecurityHeaders(response, 'backup');
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(bytes.length).toBeGreaterThan(4096);
  expect(new TextDecoder().decode(bytes.slice(0, 15))).toBe('SQLite format 3');
});

describe('every file under public/ at /static/<path>', () => {
  const files = publicFiles();

  test('public/ holds the three pages and their assets', () => {
    expect(files).toEqual(expect.arrayContaining(['admin.html', 'screen.html', 'student.html', 'common.css', 'admin/main.js']));
  });

  for (const file of files) {
    test(`/static/${file}`, async () => {
      const response = await world.http(`/static/${file}`, { redirect: 'manual' });
      const label = `/static/${file} → ${response.status}`;
      if (file.endsWith('.html')) {
        await expectNotFoundJson(response, label);
        expectSecurityHeaders(response, label);
        return;
      }
      expectSecurityHeaders(response, label);
      expect([label, response.status]).toEqual([label, 200]);
      expect([label, response.headers.get('content-type') ?? '']).toEqual([label, expect.not.stringContaining('html')]);
      // A conditional request (revalidation) gets the headers too, whatever its answer.
      const etag = response.headers.get('etag');
      await response.arrayBuffer();
      if (etag) {
        const again = await world.http(`/static/${file}`, { headers: { 'if-none-match': etag } });
        expect([label, [200, 304].includes(again.status)]).toEqual([label, true]);
        expectSecurityHeaders(again, `${label} (revalidated)`);
        await again.arrayBuffer();
      }
    });
  }

  test('the page constants module, too', async () => {
    const response = await world.http('/static/protocol.js');
    expect(response.status).toBe(200);
    expectSecurityHeaders(response, '/static/protocol.js');
  });
});

describe('the pages are served only at /, /admin/ and /screen', () => {
  const variants = [
    '/static/admin.html',
    '/static/screen.html',
    '/static/student.html',
    '/static/ADMIN.HTML',
    '/static/admin.htm',
    '/static/admin.html/',
    '/static/admin.html?x=1',
    '/static/%61dmin.html',
    '/static/admin%2ehtml',
    '/static//admin.html',
    '/static/shared/../admin.html',
  ];
  for (const path of variants) {
    for (const who of ['anonymous', 'admin'] as const) {
      test(`${who}: ${path} is 404 JSON, never the page`, async () => {
        const cookie = who === 'admin' ? await freshAdminCookie() : undefined;
        const response = await world.http(path, { redirect: 'manual', ...(cookie ? { cookie } : {}) });
        await expectNotFoundJson(response, `${who} ${path}`);
        expectSecurityHeaders(response, path);
      });
    }
  }

  test('the pages themselves keep their strict CSP', async () => {
    const cookie = await freshAdminCookie();
    for (const path of ['/', '/admin/', '/screen']) {
      const response = await world.http(path, { cookie });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expectSecurityHeaders(response, path);
      await response.arrayBuffer();
    }
  });
});

describe('errors carry the headers too', () => {
  const cases: Array<[string, () => Promise<Response>, number]> = [
    ['unknown GET route', () => world.http('/nope'), 404],
    ['unknown POST route', () => world.http('/api/nope', { method: 'POST', json: {} }), 404],
    ['unknown static file', () => world.http('/static/nope.js'), 404],
    [
      'bad JSON body',
      () => world.http('/api/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' }),
      400,
    ],
    ['invalid body shape', () => world.http('/api/join', { method: 'POST', json: { student_id: 1 } }), 400],
    [
      'oversized body (declared)',
      () => world.http('/api/join', { method: 'POST', json: { student_id: 'x', name: 'y'.repeat(MAX_BODY_BYTES + 1) } }),
      413,
    ],
    [
      'oversized body (chunked)',
      () =>
        world.http('/api/join', {
          method: 'POST',
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array(MAX_BODY_BYTES + 10));
              controller.close();
            },
          }),
        }),
      413,
    ],
    ['wrong password', () => world.http('/admin/login', { method: 'POST', json: { password: 'nope' } }), 401],
    ['not signed in', () => world.http('/admin/api/state'), 401],
    ['no student cookie', () => world.http('/api/me'), 401],
    [
      'forged cookie on the API',
      () => world.http('/api/me', { cookie: 'quiz_student=%7B%22sid%22%3A%22x%22%7D.forged' }),
      401,
    ],
    ['forged admin cookie on /screen', () => world.http('/screen', { cookie: 'quiz_admin=%7B%7D.forged' }), 401],
    [
      'foreign origin',
      () =>
        world.http('/api/join', {
          method: 'POST',
          headers: { origin: 'http://evil.example' },
          json: { student_id: 's-evil', name: 'Evil' },
        }),
      403,
    ],
    [
      'taken student id',
      async () => {
        await world.join('s-taken');
        return world.http('/api/join', { method: 'POST', json: { student_id: 's-taken', name: 'Other' } });
      },
      409,
    ],
    [
      'release of an unknown student',
      async () =>
        world.http('/admin/api/students/release', {
          method: 'POST',
          cookie: await freshAdminCookie(),
          json: { student_id: 'ghost' },
        }),
      404,
    ],
    ['results of an unknown run', async () => world.http('/admin/api/results.csv?run=999', { cookie: await freshAdminCookie() }), 404],
    ['non-upgrade request to /ws', () => world.http('/ws'), 426],
    ['non-upgrade request to /admin/ws', () => world.http('/admin/ws'), 426],
    ['foreign origin on /ws', () => world.http('/ws', { headers: { origin: 'http://evil.example' } }), 403],
  ];
  for (const [name, send, status] of cases) {
    test(`${name} → ${status}`, async () => {
      const response = await send();
      expect([name, response.status]).toEqual([name, status]);
      expect(response.headers.get('content-type')).toContain('application/json');
      expectSecurityHeaders(response, name);
      await response.arrayBuffer();
    });
  }

  test('a forged cookie on the API is still cleared', async () => {
    const response = await world.http('/api/me', { cookie: 'quiz_student=%7B%22sid%22%3A%22x%22%7D.forged' });
    expect(response.headers.getSetCookie().some((line) => /^quiz_student=;/.test(line))).toBe(true);
  });

  test('a forged cookie on a page: the page, the cookie cleared, and the headers', async () => {
    const response = await world.http('/', { cookie: 'quiz_student=%7B%22sid%22%3A%22x%22%7D.forged' });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((line) => /^quiz_student=;.*Max-Age=0/.test(line))).toBe(true);
    expectSecurityHeaders(response, 'forged cookie on /');
    await response.arrayBuffer();
  });

  test('429 keeps its Retry-After', async () => {
    let last: Response | null = null;
    for (let attempt = 0; attempt < 12; attempt++) {
      last = await world.http('/admin/login', { method: 'POST', json: { password: 'wrong' } });
      if (last.status === 429) break;
      await last.arrayBuffer();
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expectSecurityHeaders(last!, '429');
  });

  test('an unexpected failure (500) keeps its X-Request-Id', async () => {
    const store = world.server.store as { loadRun: (...args: unknown[]) => unknown };
    const loadRun = store.loadRun;
    store.loadRun = () => {
      throw new Error('disk on fire');
    };
    try {
      const response = await world.http('/admin/api/results.csv', { cookie: await freshAdminCookie() });
      expect(response.status).toBe(500);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expectSecurityHeaders(response, '500');
    } finally {
      store.loadRun = loadRun;
    }
  });
});

test('behind an https public URL every response also carries Strict-Transport-Security', async () => {
  const secure = await startTestWorld({ env: { QUIZ_PUBLIC_URL: 'https://quiz.example' } });
  try {
    for (const path of ['/', '/admin/', '/healthz', '/static/common.css', '/static/admin.html', '/nope', '/qr.svg', '/ws']) {
      const response = await secure.http(path, { redirect: 'manual' });
      expectSecurityHeaders(response, `https ${path}`, { https: true });
      await response.arrayBuffer();
    }
    const big = await secure.http('/api/join', { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(big.status).toBe(413);
    expectSecurityHeaders(big, 'https 413', { https: true });
  } finally {
    await secure.stop();
  }
});
