/** Storage identity needs, implemented in db/ (the server wires it in). */

/** Instructor sign-ins that are still honoured: one per admin cookie issued. */
export interface SignInStore {
  recordSignIn(id: string, createdAtMs: number, expiresAtMs: number): void;
  forgetSignIn(id: string): void;
  forgetAllSignIns(): void;
  /** Ids of sign-ins that have not expired at `now` (expired rows are deleted). */
  liveSignIns(now: number): string[];
}
