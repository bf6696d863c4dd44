import { describe, expect, test } from 'bun:test';
import { AppError } from '../../../src/errors';
import { assertAllowedOrigin, clientIp, isAllowedOrigin, publicBaseUrl } from '../../../src/identity/request-origin';

const SOCKET_IP = '10.0.0.9';
const socketIp = () => SOCKET_IP;
const noSocketIp = () => null;

function request(headers: Record<string, string> = {}, url = 'http://quiz.example:3000/admin/api/next'): Request {
  return new Request(url, { method: 'POST', headers });
}

describe('clientIp', () => {
  test('without a trusted proxy, X-Forwarded-For is ignored', () => {
    expect(clientIp(request({ 'x-forwarded-for': '1.2.3.4' }), false, socketIp)).toBe(SOCKET_IP);
  });

  test('behind a trusted proxy, the X-Forwarded-For entry is used', () => {
    expect(clientIp(request({ 'x-forwarded-for': '1.2.3.4' }), true, socketIp)).toBe('1.2.3.4');
  });

  test('behind a trusted proxy, the last entry wins (the one the proxy appended), trimmed', () => {
    const forged = request({ 'x-forwarded-for': '6.6.6.6, 7.7.7.7,   203.0.113.5  ' });
    expect(clientIp(forged, true, socketIp)).toBe('203.0.113.5');
  });

  test('behind a trusted proxy without the header, or with an empty last entry, the socket address is used', () => {
    expect(clientIp(request(), true, socketIp)).toBe(SOCKET_IP);
    expect(clientIp(request({ 'x-forwarded-for': '1.2.3.4, ' }), true, socketIp)).toBe(SOCKET_IP);
  });

  test('with no address at all it is "unknown"', () => {
    expect(clientIp(request(), false, noSocketIp)).toBe('unknown');
    expect(clientIp(request(), true, noSocketIp)).toBe('unknown');
  });
});

describe('isAllowedOrigin', () => {
  test('a request without Origin (curl, scripts) passes', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000' }), null)).toBe(true);
  });

  test('an Origin with the same host as the Host header passes', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://quiz.example:3000' }), null)).toBe(true);
  });

  test('without a Host header the request URL’s host is used', () => {
    const withoutHost = new Request('http://quiz.example:3000/x', { headers: { origin: 'http://quiz.example:3000' } });
    expect(withoutHost.headers.get('host')).toBeNull();
    expect(isAllowedOrigin(withoutHost, null)).toBe(true);
  });

  test('another host is refused', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://evil.example:3000' }), null)).toBe(false);
  });

  test('the same host name on another port is refused', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://quiz.example:4000' }), null)).toBe(false);
  });

  test.each(['null', 'not a url', '://quiz.example:3000', ''])('a malformed Origin %p is refused', (origin) => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin }), null)).toBe(false);
  });

  test('QUIZ_PUBLIC_URL’s origin passes even when Host differs (behind a proxy)', () => {
    const proxied = request({ host: '127.0.0.1:3000', origin: 'https://quiz.example.org' });
    expect(isAllowedOrigin(proxied, 'https://quiz.example.org')).toBe(true);
    expect(isAllowedOrigin(proxied, 'https://quiz.example.org/some/path')).toBe(true);
    expect(isAllowedOrigin(proxied, null)).toBe(false);
  });

  test('QUIZ_PUBLIC_URL does not let another origin in', () => {
    const other = request({ host: '127.0.0.1:3000', origin: 'https://evil.example.org' });
    expect(isAllowedOrigin(other, 'https://quiz.example.org')).toBe(false);
    // Same host, other scheme: not the public origin.
    expect(isAllowedOrigin(request({ host: '127.0.0.1:3000', origin: 'http://quiz.example.org' }), 'https://quiz.example.org')).toBe(false);
  });
});

describe('assertAllowedOrigin', () => {
  test('throws a 403 forbidden_origin AppError for another site, nothing otherwise', () => {
    expect(() => assertAllowedOrigin(request({ host: 'a.example', origin: 'http://a.example' }), null)).not.toThrow();
    let thrown: unknown;
    try {
      assertAllowedOrigin(request({ host: 'a.example', origin: 'http://b.example' }), null);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ status: 403, code: 'forbidden_origin' });
  });
});

describe('publicBaseUrl', () => {
  test('QUIZ_PUBLIC_URL wins when set', () => {
    expect(publicBaseUrl(request({ host: 'x:1' }), 'https://quiz.example.org', true)).toBe('https://quiz.example.org');
  });

  test('otherwise the request’s protocol and Host', () => {
    expect(publicBaseUrl(request({ host: 'quiz.local:8080' }), null, false)).toBe('http://quiz.local:8080');
  });

  test('X-Forwarded-Proto is used only behind a trusted proxy', () => {
    const forwarded = request({ host: 'quiz.example.org', 'x-forwarded-proto': 'https' });
    expect(publicBaseUrl(forwarded, null, true)).toBe('https://quiz.example.org');
    expect(publicBaseUrl(forwarded, null, false)).toBe('http://quiz.example.org');
  });

  test('the first X-Forwarded-Proto entry is used, and only http or https', () => {
    expect(publicBaseUrl(request({ host: 'h', 'x-forwarded-proto': 'https, http' }), null, true)).toBe('https://h');
    expect(publicBaseUrl(request({ host: 'h', 'x-forwarded-proto': 'javascript' }), null, true)).toBe('http://h');
  });
});
