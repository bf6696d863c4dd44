/**
 * QUIZ_HTTP_PORT: the plain-HTTP listener beside a TLS server. It answers ACME http-01
 * challenges from QUIZ_ACME_WEBROOT (where certbot's webroot mode writes them) and sends
 * everything else to https with a 308, which keeps the method and body.
 *
 * Only token-shaped names are served (RFC 8555: base64url), and only regular files (not
 * symlinks) inside `<webroot>/.well-known/acme-challenge/`: `..`, `%2f`, dots and slashes
 * never reach the file system.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors';

export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;

export interface HttpPortOptions {
  /** QUIZ_ACME_WEBROOT, or null: then every challenge is 404. */
  webroot: string | null;
  /** The HTTPS port redirects point to. */
  httpsPort: number;
  /** QUIZ_PUBLIC_URL: when it is https, redirects go to its origin. */
  publicUrl: string | null;
}

const noChallenge = () => new AppError(404, 'not_found', 'no such ACME challenge').toResponse();

async function challengeResponse(request: Request, token: string, webroot: string | null): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new AppError(405, 'method_not_allowed', 'ACME challenges are fetched with GET', {}, { allow: 'GET, HEAD' }).toResponse();
  }
  if (webroot === null || !TOKEN_SHAPE.test(token)) return noChallenge();
  const path = join(webroot, '.well-known', 'acme-challenge', token);
  try {
    // A regular file only: a symlink could point anywhere (certbot writes plain files).
    if (!(await lstat(path)).isFile()) return noChallenge();
  } catch {
    return noChallenge();
  }
  return new Response(Bun.file(path), { headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } });
}

/** Where a plain-HTTP request goes on https. */
export function httpsLocation(request: Request, options: HttpPortOptions): string {
  const url = new URL(request.url);
  const publicUrl = options.publicUrl?.startsWith('https://') ? new URL(options.publicUrl) : null;
  const origin = publicUrl ? publicUrl.origin : `https://${url.hostname}${options.httpsPort === 443 ? '' : `:${options.httpsPort}`}`;
  return `${origin}${url.pathname}${url.search}`;
}

export function httpPortHandler(options: HttpPortOptions) {
  return async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith(ACME_CHALLENGE_PATH)) {
      return challengeResponse(request, pathname.slice(ACME_CHALLENGE_PATH.length), options.webroot);
    }
    return new Response(null, { status: 308, headers: { location: httpsLocation(request, options) } });
  };
}
