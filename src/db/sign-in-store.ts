/** The SQLite implementation of identity's SignInStore (admin_sessions). */
import { eq, gt, lte } from 'drizzle-orm';
import type { SignInStore } from '../identity/ports';
import type { QuizDatabase } from './open';
import { adminSessions } from './schema';

export function createSignInStore(db: QuizDatabase): SignInStore {
  return {
    recordSignIn(id, createdAtMs, expiresAtMs) {
      db.insert(adminSessions).values({ id, createdAtMs, expiresAtMs }).run();
    },
    forgetSignIn(id) {
      db.delete(adminSessions).where(eq(adminSessions.id, id)).run();
    },
    forgetAllSignIns() {
      db.delete(adminSessions).run();
    },
    liveSignIns(now) {
      db.delete(adminSessions).where(lte(adminSessions.expiresAtMs, now)).run();
      return db.select({ id: adminSessions.id }).from(adminSessions).where(gt(adminSessions.expiresAtMs, now)).all().map((row) => row.id);
    },
  };
}
