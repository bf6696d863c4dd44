/**
 * Who is asking and from where: the client IP (from X-Forwarded-For only behind a trusted
 * proxy), this server's own origin, and the same-origin rule that the join route, every
 * admin POST and both socket upgrades apply.
 */
import { AppError } from '../errors';

export type RequestIp = (request: Request) => string | null;

/** The part of the configuration these checks read. */
export interface OriginSettings {
  publicUrl: string | null;
  trustProxy: boolean;
}

export function clientIp(request: Request, trustProxy: boolean, requestIp: RequestIp): string {
  if (trustProxy) {
    // Caddy appends the address it saw: the last entry is the one a client cannot forge.
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return requestIp(request) ?? 'unknown';
}

/** The origin the request was sent to: its Host, and the scheme the client used (from a trusted proxy's X-Forwarded-Proto). */
function requestOrigin(request: Request, trustProxy: boolean): string {
  const url = new URL(request.url);
  const host = request.headers.get('host') ?? url.host;
  const forwardedProto = trustProxy ? request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() : undefined;
  const protocol = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.slice(0, -1);
  return `${protocol}://${host}`;
}

/**
 * A request with an `Origin` must come from this server's own origin or from
 * QUIZ_PUBLIC_URL's, compared whole: scheme, host and port. Requests without `Origin`
 * (scripts, curl) pass; a browser always sends one on the requests this guards.
 */
export function isAllowedOrigin(request: Request, settings: OriginSettings): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  let sentFrom: string;
  try {
    sentFrom = new URL(origin).origin;
  } catch {
    return false;
  }
  // An opaque origin (sandboxed frame, file:) serialises as "null": never ours.
  if (sentFrom === 'null') return false;
  if (sentFrom === new URL(requestOrigin(request, settings.trustProxy)).origin) return true;
  return settings.publicUrl !== null && new URL(settings.publicUrl).origin === sentFrom;
}

export function assertAllowedOrigin(request: Request, settings: OriginSettings): void {
  if (!isAllowedOrigin(request, settings)) {
    throw new AppError(403, 'forbidden_origin', 'this request comes from another site');
  }
}

/** The join URL: QUIZ_PUBLIC_URL, or the origin the request was sent to. */
export function publicBaseUrl(request: Request, settings: OriginSettings): string {
  return settings.publicUrl ?? requestOrigin(request, settings.trustProxy);
}
