/**
 * Removing students from the current run (a prankster's squatted ids): their rows and every
 * answer of theirs are deleted in one transaction, then memory forgets them (roster,
 * answer counts and tallies), their sockets close with 4401 and the ids are free. The
 * caller commits the answer batch first, so no answer of theirs is held half-way: each is
 * either committed (and removed here) or was never accepted.
 */
import type { Logger } from '../logger';
import { CLOSE_CODES } from '../protocol/constants';
import { countKeysOf, creditFor } from './answers';
import type { Broadcaster } from './broadcaster';
import type { SessionStore } from './ports';
import type { Run } from './run';

export interface RemovalDeps {
  store: SessionStore;
  logger: Logger;
  broadcaster: Broadcaster;
}

export interface Removal {
  /** Removed now, in the order asked. */
  removed: string[];
  /** Not students of the current run (unknown, or removed already). */
  notFound: string[];
}

const LOGGED_IDS = 50;

export function removeFromRun(run: Run, deps: RemovalDeps, studentIds: readonly string[]): Removal {
  const removal: Removal = { removed: [], notFound: [] };
  for (const studentId of new Set(studentIds)) (run.roster.get(studentId) ? removal.removed : removal.notFound).push(studentId);
  if (removal.removed.length === 0) return removal;
  // Durable first: if the delete fails, memory still agrees with the database.
  deps.store.removeStudents(run.id, removal.removed);
  const describe = (questionIdx: number, stored: string) => {
    const question = run.pool.questions[questionIdx]!;
    return { countKeys: countKeysOf(question, stored), fullyCorrect: creditFor(question, stored) === 1 };
  };
  const entries = removal.removed.map((studentId) => run.roster.get(studentId)!);
  for (const entry of entries) {
    run.roster.remove(entry.studentId);
    run.book.forgetStudent(entry.studentId, describe);
  }
  deps.broadcaster.closeStudents(entries, CLOSE_CODES.UNAUTHORIZED, 'removed by the instructor');
  deps.logger.info('students_removed', {
    run_id: run.id,
    count: removal.removed.length,
    student_ids: removal.removed.slice(0, LOGGED_IDS),
  });
  return removal;
}
