/**
 * The security headers every response carries, set in one place (server.ts applies them
 * to whatever leaves the fetch handler: pages, assets, API JSON, errors, downloads,
 * redirects, the socket endpoints' refusals). A route's own headers (content-type,
 * content-disposition, set-cookie, retry-after, x-join-url, x-request-id) are kept; the
 * security headers themselves are always ours, so no route can weaken them.
 */

/** The pages: same-origin scripts and styles only, no inline code, never framed. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Anything else (JSON, scripts, styles, the QR svg, downloads) is not a document. */
export const RESOURCE_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const HSTS = 'max-age=31536000';

export interface SecurityHeaderOptions {
  /** Served over https (our own TLS, or QUIZ_PUBLIC_URL is https): browsers are told to stay on https. */
  https: boolean;
}

/** Cache-Control when the route set none: pages and assets revalidate, everything else is not stored. */
function defaultCacheControl(isHtml: boolean, path: string, status: number): string {
  if (isHtml) return 'no-cache';
  if (path.startsWith('/static/') && status < 400) return 'no-cache';
  return 'no-store';
}

export function securityHeaders(options: SecurityHeaderOptions) {
  const { https } = options;

  function set(headers: Headers, path: string, status: number): void {
    const isHtml = (headers.get('content-type') ?? '').toLowerCase().startsWith('text/html');
    headers.set('content-security-policy', isHtml ? PAGE_CSP : RESOURCE_CSP);
    headers.set('x-content-type-options', 'nosniff');
    headers.set('x-frame-options', 'DENY');
    headers.set('referrer-policy', 'same-origin');
    headers.set('cross-origin-opener-policy', 'same-origin');
    headers.set('cross-origin-resource-policy', 'same-origin');
    if (https) headers.set('strict-transport-security', HSTS);
    if (!headers.has('cache-control')) headers.set('cache-control', defaultCacheControl(isHtml, path, status));
  }

  /**
   * The response with the headers set. Headers are changed in place so that file and
   * streamed bodies (the backup) go out untouched; a response whose headers are immutable
   * is copied around the same body.
   */
  return function secure(response: Response, path: string): Response {
    try {
      set(response.headers, path, response.status);
      return response;
    } catch {
      const headers = new Headers(response.headers);
      set(headers, path, response.status);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
  };
}
