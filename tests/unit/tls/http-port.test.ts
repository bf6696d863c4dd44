import { describe, expect, test } from 'bun:test';
import { httpPortHandler, httpsLocation } from '../../../src/tls/http-port';

describe('httpsLocation', () => {
  const request = (url: string) => new Request(url);

  test('same host, path and query on https; the port only when it is not 443', () => {
    expect(httpsLocation(request('http://quiz.example.org/admin/?tab=2'), { webroot: null, httpsPort: 443, publicUrl: null })).toBe(
      'https://quiz.example.org/admin/?tab=2',
    );
    expect(httpsLocation(request('http://quiz.example.org:8080/'), { webroot: null, httpsPort: 8443, publicUrl: null })).toBe(
      'https://quiz.example.org:8443/',
    );
  });

  test('an https QUIZ_PUBLIC_URL decides the origin, whatever Host the request named', () => {
    expect(
      httpsLocation(request('http://evil.example/x?y=1'), { webroot: null, httpsPort: 443, publicUrl: 'https://quiz.example.org' }),
    ).toBe('https://quiz.example.org/x?y=1');
  });
});

describe('httpPortHandler', () => {
  test('a challenge without a webroot is 404; a non-GET challenge is 405', async () => {
    const handle = httpPortHandler({ webroot: null, httpsPort: 443, publicUrl: null });
    expect((await handle(new Request('http://h/.well-known/acme-challenge/abc'))).status).toBe(404);
    const post = await handle(new Request('http://h/.well-known/acme-challenge/abc', { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
