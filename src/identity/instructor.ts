/**
 * The one instructor check, used by the admin routes, the projector page and the admin
 * socket alike: an admin cookie is honoured while it has not expired and carries the
 * fingerprint of the current password hash.
 */
import { AppError } from '../errors';
import { ADMIN_COOKIE } from '../protocol/constants';
import type { Clock } from '../session/ports';
import { ADMIN_SESSION_MS, adminFingerprint, asAdminClaim, readSignedCookie, type AdminClaim } from './cookies';

export type InstructorCheck = ReturnType<typeof createInstructorCheck>;

export function createInstructorCheck(adminPasswordHash: string, signingKey: string, clock: Clock) {
  const fingerprint = adminFingerprint(adminPasswordHash);
  const isInstructor = (cookieValue: unknown) => asAdminClaim(cookieValue, fingerprint, clock.now()) !== null;
  return {
    /** The value of a new admin cookie. */
    newClaim: (): AdminClaim => ({ exp: clock.now() + ADMIN_SESSION_MS, fp: fingerprint }),
    isInstructor,
    /** Throws the 401 every admin-only route answers with. */
    assertInstructor(cookieValue: unknown): void {
      if (!isInstructor(cookieValue)) throw new AppError(401, 'not_signed_in', 'sign in as the instructor first');
    },
    /** For the socket upgrade, which sees the raw Cookie header rather than Elysia's jar. */
    async fromCookieHeader(cookieHeader: string | null): Promise<boolean> {
      return isInstructor(await readSignedCookie(cookieHeader, ADMIN_COOKIE, signingKey));
    },
  };
}
