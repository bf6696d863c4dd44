import { describe, expect, test } from 'bun:test';
import { signCookie } from 'elysia/utils';
import { clearedCookie } from '../../../src/identity/cookies';
import { dropForgedCookies, isPageRequest, withClearedCookies } from '../../../src/http/forged-cookies';
import { ADMIN_COOKIE, STUDENT_COOKIE } from '../../../src/protocol/constants';

const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const OTHER_SECRET = 'another-secret-0123456789abcdefghijklmn';
const studentClaim = { sid: 'main', run: 1, student: 's1', epoch: 0 };
const adminClaim = { exp: 1_900_000_000_000, fp: '0123456789abcdef' };

async function signed(name: string, value: unknown, secret = SECRET): Promise<string> {
  return `${name}=${encodeURIComponent(await signCookie(JSON.stringify(value), secret))}`;
}

function pageRequest(cookie?: string, path = '/'): Request {
  return new Request(`http://quiz.local${path}?x=1`, { headers: cookie === undefined ? {} : { cookie, accept: 'text/html' } });
}

/** The cookie header as name=value pairs, in order. */
function cookiePairs(request: Request): string[] {
  return (request.headers.get('cookie') ?? '').split(';').map((pair) => pair.trim()).filter(Boolean);
}

describe('isPageRequest', () => {
  test.each(['/', '/admin', '/admin/', '/screen', '/static/student.js', '/static/protocol.js', `/media/${'a'.repeat(64)}.png`])('GET %s is a page request', (path) => {
    expect(isPageRequest(new Request(`http://h${path}`), path)).toBe(true);
  });

  test.each(['/join', '/admin/api/next', '/admin/login', '/healthz', '/screenx', '/staticfoo', '/mediafoo'])('GET %s is not', (path) => {
    expect(isPageRequest(new Request(`http://h${path}`), path)).toBe(false);
  });

  test('a POST to a page path is not', () => {
    expect(isPageRequest(new Request('http://h/', { method: 'POST', body: 'x' }), '/')).toBe(false);
    expect(isPageRequest(new Request('http://h/admin', { method: 'POST', body: 'x' }), '/admin')).toBe(false);
  });
});

describe('dropForgedCookies', () => {
  test('without a Cookie header nothing changes', async () => {
    const request = pageRequest();
    const result = await dropForgedCookies(request, SECRET);
    expect(result.dropped).toEqual([]);
    expect(result.request).toBe(request);
  });

  test('valid signed cookies and unrelated cookies are kept as they are', async () => {
    const header = `theme=dark; ${await signed(STUDENT_COOKIE, studentClaim)}; ${await signed(ADMIN_COOKIE, adminClaim)}; lang=en`;
    const request = pageRequest(header);
    const result = await dropForgedCookies(request, SECRET);
    expect(result.dropped).toEqual([]);
    expect(result.request).toBe(request);
    expect(result.request.headers.get('cookie')).toBe(header);
  });

  test('a forged student cookie is dropped and reported; the others stay in order', async () => {
    const validAdmin = await signed(ADMIN_COOKIE, adminClaim);
    const forged = await signed(STUDENT_COOKIE, studentClaim, OTHER_SECRET);
    const result = await dropForgedCookies(pageRequest(`theme=dark; ${forged}; ${validAdmin}; lang=en`), SECRET);
    expect(result.dropped).toEqual([STUDENT_COOKIE]);
    expect(cookiePairs(result.request)).toEqual(['theme=dark', validAdmin, 'lang=en']);
  });

  test('an altered value (signature no longer matches) is dropped', async () => {
    const value = await signCookie(JSON.stringify(studentClaim), SECRET);
    const altered = value.replace('"s1"', '"s2"');
    expect(altered).not.toBe(value);
    const result = await dropForgedCookies(pageRequest(`${STUDENT_COOKIE}=${encodeURIComponent(altered)}; theme=dark`), SECRET);
    expect(result.dropped).toEqual([STUDENT_COOKIE]);
    expect(cookiePairs(result.request)).toEqual(['theme=dark']);
  });

  test('an unsigned value under a signed name is dropped', async () => {
    const result = await dropForgedCookies(pageRequest(`${ADMIN_COOKIE}=${encodeURIComponent(JSON.stringify(adminClaim))}`), SECRET);
    expect(result.dropped).toEqual([ADMIN_COOKIE]);
  });

  test('both forged and nothing else: the Cookie header is removed', async () => {
    const header = `${await signed(STUDENT_COOKIE, studentClaim, OTHER_SECRET)}; ${await signed(ADMIN_COOKIE, adminClaim, OTHER_SECRET)}`;
    const result = await dropForgedCookies(pageRequest(header), SECRET);
    expect(result.dropped.sort()).toEqual([ADMIN_COOKIE, STUDENT_COOKIE].sort());
    expect(result.request.headers.get('cookie')).toBeNull();
  });

  test('a cookie whose name only starts like a signed one is not dropped with it', async () => {
    const forged = await signed(STUDENT_COOKIE, studentClaim, OTHER_SECRET);
    const result = await dropForgedCookies(pageRequest(`${STUDENT_COOKIE}_pref=big; ${forged}`), SECRET);
    expect(result.dropped).toEqual([STUDENT_COOKIE]);
    expect(cookiePairs(result.request)).toEqual([`${STUDENT_COOKIE}_pref=big`]);
  });

  test('the cleaned request keeps the URL, method and other headers', async () => {
    const forged = await signed(STUDENT_COOKIE, studentClaim, OTHER_SECRET);
    const original = pageRequest(forged, '/screen');
    const { request } = await dropForgedCookies(original, SECRET);
    expect(request).not.toBe(original);
    expect(request.url).toBe('http://quiz.local/screen?x=1');
    expect(request.method).toBe('GET');
    expect(request.headers.get('accept')).toBe('text/html');
  });
});

describe('withClearedCookies', () => {
  test('with no names the response is returned as it is', () => {
    const response = new Response('hi');
    expect(withClearedCookies(response, [])).toBe(response);
  });

  test('appends one clearing Set-Cookie per name and keeps status, status text, headers and body', async () => {
    const response = new Response('<html>page</html>', {
      status: 203,
      statusText: 'Partial',
      headers: { 'content-type': 'text/html', 'set-cookie': 'theme=dark; Path=/' },
    });
    const cleared = withClearedCookies(response, [STUDENT_COOKIE, ADMIN_COOKIE]);
    expect(cleared.status).toBe(203);
    expect(cleared.statusText).toBe('Partial');
    expect(cleared.headers.get('content-type')).toBe('text/html');
    expect(cleared.headers.getSetCookie()).toEqual(['theme=dark; Path=/', clearedCookie(STUDENT_COOKIE), clearedCookie(ADMIN_COOKIE)]);
    expect(await cleared.text()).toBe('<html>page</html>');
  });

  test('a clearing cookie expires the cookie at the root path', () => {
    const [setCookie] = withClearedCookies(new Response(null, { status: 204 }), [STUDENT_COOKIE]).headers.getSetCookie();
    expect(setCookie).toStartWith(`${STUDENT_COOKIE}=;`);
    expect(setCookie).toContain('Max-Age=0');
    expect(setCookie).toContain('Path=/');
  });
});
