import { describe, expect, test } from 'bun:test';
import { AppError } from '../../../src/errors';
import {
  assertAllowedOrigin,
  clientIp,
  isAllowedOrigin,
  publicBaseUrl,
  type OriginSettings,
} from '../../../src/identity/request-origin';

const SOCKET_IP = '10.0.0.9';
const socketIp = () => SOCKET_IP;
const noSocketIp = () => null;

const DIRECT: OriginSettings = { publicUrl: null, trustProxy: false };
const PROXIED: OriginSettings = { publicUrl: null, trustProxy: true };
const withPublicUrl = (publicUrl: string, trustProxy = false): OriginSettings => ({ publicUrl, trustProxy });

function request(headers: Record<string, string> = {}, url = 'http://quiz.example:3000/admin/api/next'): Request {
  return new Request(url, { method: 'POST', headers });
}

/** What Caddy forwards: the browser's Host, the scheme it used, to the plain-http upstream. */
function proxied(origin: string, proto: string, host = 'quiz.example.org'): Request {
  return request({ host, origin, 'x-forwarded-proto': proto }, 'http://127.0.0.1:3000/admin/api/next');
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
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000' }), DIRECT)).toBe(true);
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', 'x-forwarded-proto': 'https' }), PROXIED)).toBe(true);
  });

  test('the request’s own origin (scheme, Host and port) passes', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://quiz.example:3000' }), DIRECT)).toBe(true);
  });

  test('without a Host header the request URL’s host is used', () => {
    const withoutHost = new Request('http://quiz.example:3000/x', { headers: { origin: 'http://quiz.example:3000' } });
    expect(withoutHost.headers.get('host')).toBeNull();
    expect(isAllowedOrigin(withoutHost, DIRECT)).toBe(true);
  });

  test('the Host header, not the URL, names the host', () => {
    const viaHost = request({ host: 'quiz.local:8080', origin: 'http://quiz.local:8080' });
    expect(isAllowedOrigin(viaHost, DIRECT)).toBe(true);
    expect(isAllowedOrigin(request({ host: 'quiz.local:8080', origin: 'http://quiz.example:3000' }), DIRECT)).toBe(false);
  });

  test('another host is refused', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://evil.example:3000' }), DIRECT)).toBe(false);
  });

  test('a host that merely starts or ends like ours is refused', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://quiz.example.evil.org:3000' }), DIRECT)).toBe(false);
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://evilquiz.example:3000' }), DIRECT)).toBe(false);
  });

  test('the same host name on another port is refused', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://quiz.example:4000' }), DIRECT)).toBe(false);
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'http://quiz.example' }), DIRECT)).toBe(false);
  });

  test('the same host and port under another scheme is refused', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'https://quiz.example:3000' }), DIRECT)).toBe(false);
  });

  test('a default port written out is the same origin', () => {
    const plain = request({ host: 'quiz.example', origin: 'http://quiz.example:80' }, 'http://quiz.example/x');
    expect(isAllowedOrigin(plain, DIRECT)).toBe(true);
    expect(isAllowedOrigin(proxied('https://quiz.example.org:443', 'https'), PROXIED)).toBe(true);
  });

  test('Origin: null (sandboxed frame, file:) is refused', () => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'null' }), DIRECT)).toBe(false);
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'null' }), withPublicUrl('http://quiz.example:3000'))).toBe(false);
    // An Origin that parses to an opaque origin never matches, not even an opaque public URL.
    expect(new URL('file:///srv/quiz').origin).toBe('null');
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin: 'file:///home/page.html' }), withPublicUrl('file:///srv/quiz'))).toBe(false);
  });

  test.each(['not a url', '://quiz.example:3000', '', 'quiz.example:3000'])('a malformed Origin %p is refused', (origin) => {
    expect(isAllowedOrigin(request({ host: 'quiz.example:3000', origin }), DIRECT)).toBe(false);
  });

  test('QUIZ_PUBLIC_URL’s origin passes even when Host differs', () => {
    const other = request({ host: '127.0.0.1:3000', origin: 'https://quiz.example.org' });
    expect(isAllowedOrigin(other, withPublicUrl('https://quiz.example.org'))).toBe(true);
    expect(isAllowedOrigin(other, withPublicUrl('https://quiz.example.org/some/path'))).toBe(true);
    expect(isAllowedOrigin(other, DIRECT)).toBe(false);
  });

  test('QUIZ_PUBLIC_URL does not let another origin in, nor its host under another scheme or port', () => {
    const settings = withPublicUrl('https://quiz.example.org');
    expect(isAllowedOrigin(request({ host: '127.0.0.1:3000', origin: 'https://evil.example.org' }), settings)).toBe(false);
    expect(isAllowedOrigin(request({ host: '127.0.0.1:3000', origin: 'http://quiz.example.org' }), settings)).toBe(false);
    expect(isAllowedOrigin(request({ host: '127.0.0.1:3000', origin: 'https://quiz.example.org:8443' }), settings)).toBe(false);
  });

  test('QUIZ_PUBLIC_URL does not stop the request’s own origin from passing', () => {
    const own = request({ host: 'quiz.example:3000', origin: 'http://quiz.example:3000' });
    expect(isAllowedOrigin(own, withPublicUrl('https://quiz.example.org'))).toBe(true);
  });

  describe('behind a trusted proxy, the scheme comes from X-Forwarded-Proto', () => {
    test('https://host passes when the proxy says https, and http://host does not', () => {
      expect(isAllowedOrigin(proxied('https://quiz.example.org', 'https'), PROXIED)).toBe(true);
      expect(isAllowedOrigin(proxied('http://quiz.example.org', 'https'), PROXIED)).toBe(false);
    });

    test('http://host passes when the proxy says http, and https://host does not', () => {
      expect(isAllowedOrigin(proxied('http://quiz.example.org', 'http'), PROXIED)).toBe(true);
      expect(isAllowedOrigin(proxied('https://quiz.example.org', 'http'), PROXIED)).toBe(false);
    });

    test('the host is still compared', () => {
      expect(isAllowedOrigin(proxied('https://evil.example.org', 'https'), PROXIED)).toBe(false);
    });

    test('the first entry counts, and only http or https (else the request URL’s scheme)', () => {
      expect(isAllowedOrigin(proxied('https://quiz.example.org', ' https , http'), PROXIED)).toBe(true);
      expect(isAllowedOrigin(proxied('https://quiz.example.org', 'javascript'), PROXIED)).toBe(false);
      expect(isAllowedOrigin(proxied('http://quiz.example.org', 'javascript'), PROXIED)).toBe(true);
    });

    test('without a header, the request URL’s scheme is used', () => {
      const bare = request({ host: 'quiz.example.org', origin: 'http://quiz.example.org' }, 'http://127.0.0.1:3000/x');
      expect(isAllowedOrigin(bare, PROXIED)).toBe(true);
    });
  });

  test('without a trusted proxy X-Forwarded-Proto is ignored', () => {
    expect(isAllowedOrigin(proxied('https://quiz.example.org', 'https'), DIRECT)).toBe(false);
    expect(isAllowedOrigin(proxied('http://quiz.example.org', 'https'), DIRECT)).toBe(true);
    const httpsUrl = request({ host: 'quiz.example.org', origin: 'https://quiz.example.org', 'x-forwarded-proto': 'http' }, 'https://quiz.example.org/x');
    expect(isAllowedOrigin(httpsUrl, DIRECT)).toBe(true);
  });
});

describe('assertAllowedOrigin', () => {
  test('throws a 403 forbidden_origin AppError for another site, nothing otherwise', () => {
    expect(() => assertAllowedOrigin(request({ host: 'a.example', origin: 'http://a.example' }), DIRECT)).not.toThrow();
    expect(() => assertAllowedOrigin(request({ host: 'a.example' }), DIRECT)).not.toThrow();
    let thrown: unknown;
    try {
      assertAllowedOrigin(request({ host: 'a.example', origin: 'http://b.example' }), DIRECT);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ status: 403, code: 'forbidden_origin' });
    expect((thrown as AppError).toResponse().status).toBe(403);
  });

  test('applies the same whole-origin rule: another scheme behind the proxy throws', () => {
    expect(() => assertAllowedOrigin(proxied('https://quiz.example.org', 'https'), PROXIED)).not.toThrow();
    expect(() => assertAllowedOrigin(proxied('https://quiz.example.org', 'http'), PROXIED)).toThrow(AppError);
  });
});

describe('publicBaseUrl', () => {
  test('QUIZ_PUBLIC_URL wins when set', () => {
    expect(publicBaseUrl(request({ host: 'x:1' }), withPublicUrl('https://quiz.example.org', true))).toBe('https://quiz.example.org');
    expect(publicBaseUrl(request({ host: 'x:1' }), withPublicUrl('https://quiz.example.org', false))).toBe('https://quiz.example.org');
  });

  test('otherwise the request’s protocol and Host', () => {
    expect(publicBaseUrl(request({ host: 'quiz.local:8080' }), DIRECT)).toBe('http://quiz.local:8080');
  });

  test('without a Host header, the request URL’s host', () => {
    expect(publicBaseUrl(new Request('http://quiz.example:3000/x'), DIRECT)).toBe('http://quiz.example:3000');
  });

  test('X-Forwarded-Proto is used only behind a trusted proxy', () => {
    const forwarded = request({ host: 'quiz.example.org', 'x-forwarded-proto': 'https' });
    expect(publicBaseUrl(forwarded, PROXIED)).toBe('https://quiz.example.org');
    expect(publicBaseUrl(forwarded, DIRECT)).toBe('http://quiz.example.org');
  });

  test('the first X-Forwarded-Proto entry is used, and only http or https', () => {
    expect(publicBaseUrl(request({ host: 'h', 'x-forwarded-proto': 'https, http' }), PROXIED)).toBe('https://h');
    expect(publicBaseUrl(request({ host: 'h', 'x-forwarded-proto': 'javascript' }), PROXIED)).toBe('http://h');
    expect(publicBaseUrl(request({ host: 'h', 'x-forwarded-proto': 'http' }, 'https://h/x'), PROXIED)).toBe('http://h');
  });
});
