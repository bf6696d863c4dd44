/**
 * Who is asking and from where: the client IP (from X-Forwarded-For only behind a trusted
 * proxy) and the same-origin check that admin POSTs and the admin socket require.
 */
import { AppError } from '../errors';

export type RequestIp = (request: Request) => string | null;

export function clientIp(request: Request, trustProxy: boolean, requestIp: RequestIp): string {
  if (trustProxy) {
    // Caddy appends the address it saw: the last entry is the one a client cannot forge.
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return requestIp(request) ?? 'unknown';
}

/**
 * A request with an `Origin` must come from this server's own origin (the Host it was
 * sent to) or from QUIZ_PUBLIC_URL's. Requests without `Origin` (scripts, curl) pass.
 */
export function isAllowedOrigin(request: Request, publicUrl: string | null): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const host = request.headers.get('host') ?? new URL(request.url).host;
  if (originHost === host) return true;
  return publicUrl !== null && new URL(publicUrl).origin === origin;
}

export function assertAllowedOrigin(request: Request, publicUrl: string | null): void {
  if (!isAllowedOrigin(request, publicUrl)) {
    throw new AppError(403, 'forbidden_origin', 'this request comes from another site');
  }
}

/** The join URL: QUIZ_PUBLIC_URL, or the origin the request was sent to. */
export function publicBaseUrl(request: Request, publicUrl: string | null, trustProxy: boolean): string {
  if (publicUrl) return publicUrl;
  const url = new URL(request.url);
  const host = request.headers.get('host') ?? url.host;
  const forwardedProto = trustProxy ? request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() : undefined;
  const protocol = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.slice(0, -1);
  return `${protocol}://${host}`;
}
