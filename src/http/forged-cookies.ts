/**
 * A forged or altered signed cookie makes Elysia refuse the whole request (401). That is
 * right for the API, but a phone holding such a cookie must still get the pages and their
 * assets: for those, the bad cookie is dropped from the request and cleared in the response.
 */
import { SIGNED_COOKIE_NAMES } from '../identity/cookie-names';
import { clearedCookie, readSignedCookie } from '../identity/cookies';

const PAGE_PATHS = new Set(['/', '/admin', '/admin/', '/screen']);
/** The pages' assets, and the pool's images the pages show. */
const ASSET_PREFIXES = ['/static/', '/media/'];

export function isPageRequest(request: Request, path: string): boolean {
  return request.method === 'GET' && (PAGE_PATHS.has(path) || ASSET_PREFIXES.some((prefix) => path.startsWith(prefix)));
}

/** The request without the signed cookies that fail verification, and the names dropped. */
export async function dropForgedCookies(request: Request, secret: string): Promise<{ request: Request; dropped: string[] }> {
  const header = request.headers.get('cookie');
  if (!header) return { request, dropped: [] };
  const dropped: string[] = [];
  for (const name of SIGNED_COOKIE_NAMES) {
    if ((await readSignedCookie(header, name, secret)) === null) dropped.push(name);
  }
  if (dropped.length === 0) return { request, dropped };
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => !dropped.some((name) => pair.startsWith(`${name}=`)));
  const headers = new Headers(request.headers);
  if (kept.length > 0) headers.set('cookie', kept.join('; '));
  else headers.delete('cookie');
  return { request: new Request(request.url, { method: request.method, headers }), dropped };
}

export function withClearedCookies(response: Response, names: readonly string[]): Response {
  if (names.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const name of names) headers.append('set-cookie', clearedCookie(name));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
