/**
 * The one instructor check, used by the admin routes, the projector page and the admin
 * socket alike. An admin cookie is honoured while it has not expired, carries the
 * fingerprint of the current password hash, and names a sign-in the server still keeps:
 * signing out forgets that sign-in, so a copy of the cookie stops working too.
 */
import { AppError } from '../errors';
import type { Clock } from '../session/ports';
import { ADMIN_SESSION_MS, adminFingerprint, asAdminClaim, type AdminClaim } from './cookies';
import type { SignInStore } from './ports';
import { BUDGET_EXHAUSTED, createVerificationBudget } from './verification-budget';

export interface InstructorCheckDeps {
  adminPasswordHash: string;
  clock: Clock;
  signIns: SignInStore;
}

/** Told which sign-in ended (null: every one), so open admin sockets can be closed. */
export type SignOutListener = (signInId: string | null) => void;

export type InstructorCheck = ReturnType<typeof createInstructorCheck>;

export function createInstructorCheck({ adminPasswordHash, clock, signIns }: InstructorCheckDeps) {
  const fingerprint = adminFingerprint(adminPasswordHash);
  const live = new Set(signIns.liveSignIns(clock.now()));
  const listeners = new Set<SignOutListener>();
  const verifications = createVerificationBudget();

  /** The claim of an honoured admin cookie value, else null. */
  function claimOf(cookieValue: unknown): AdminClaim | null {
    const claim = asAdminClaim(cookieValue, fingerprint, clock.now());
    return claim && live.has(claim.sid) ? claim : null;
  }

  function forget(signInId: string | null): void {
    if (signInId === null) {
      signIns.forgetAllSignIns();
      live.clear();
    } else {
      signIns.forgetSignIn(signInId);
      live.delete(signInId);
    }
    for (const listener of listeners) listener(signInId);
  }

  return {
    /** true or false, or 'busy' when too many verifications are already under way. */
    async verifyPassword(password: string): Promise<boolean | 'busy'> {
      const verified = await verifications.run(() => Bun.password.verify(password, adminPasswordHash));
      return verified === BUDGET_EXHAUSTED ? 'busy' : verified;
    },
    claimOf,
    isInstructor: (cookieValue: unknown) => claimOf(cookieValue) !== null,
    /** Throws the 401 every admin-only route answers with. */
    assertInstructor(cookieValue: unknown): AdminClaim {
      const claim = claimOf(cookieValue);
      if (!claim) throw new AppError(401, 'not_signed_in', 'sign in as the instructor first');
      return claim;
    },
    /** Records a new sign-in and returns the value of its cookie. */
    signIn(): AdminClaim {
      const now = clock.now();
      const claim = { exp: now + ADMIN_SESSION_MS, fp: fingerprint, sid: crypto.randomUUID() };
      signIns.recordSignIn(claim.sid, now, claim.exp);
      // Expired sign-ins leave memory here, so the set stays as small as the live ones.
      live.clear();
      for (const id of signIns.liveSignIns(now)) live.add(id);
      return claim;
    },
    signOut: (claim: AdminClaim) => forget(claim.sid),
    signOutEverywhere: () => forget(null),
    onSignOut(listener: SignOutListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
