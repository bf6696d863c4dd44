/**
 * Joins that were accepted but are not committed yet, and the one transaction that
 * commits them: the group commit answers already have (answer-batch.ts), for joins. On a
 * cloud disk each synchronous=FULL commit costs an fsync of 1–5 ms, so one transaction per
 * join capped a class at a few hundred joins a second.
 *
 * A queued join reserves its id at once, so of two first joins of one id in the same turn
 * only the first is queued and the second is refused as taken ("one id, one winner").
 * Memory (the roster) changes only after COMMIT has returned, and each joiner's promise
 * settles only then: the HTTP 200 and the cookie follow the commit. A failed commit
 * changes nothing in memory, frees every queued id and settles each join with
 * `storage_error`, so the student can simply try again.
 */
import type { Logger } from '../logger';
import { refuse, type Outcome } from './outcome';
import type { JoinWrite, SessionStore } from './ports';
import type { Run } from './run';
import type { StudentEntry, StudentIdentityClaim } from './roster';

export type Enrolled = Outcome<{ entry: StudentEntry; claim: StudentIdentityClaim }>;

interface PendingJoin {
  write: JoinWrite;
  settle(result: Enrolled): void;
}

export class JoinBatch {
  /** Queued joins by student id: the id is reserved until the batch settles. */
  #pending = new Map<string, PendingJoin>();

  constructor(
    private readonly store: SessionStore,
    private readonly logger: Logger,
    /** Called once after a commit that added or reclaimed students. */
    private readonly rosterChanged: () => void,
  ) {}

  /** True while a join of this id waits for its commit. */
  isPending(studentId: string): boolean {
    return this.#pending.has(studentId);
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Queues a join; the promise settles after the commit. `startsBatch` tells the caller to
   * schedule the commit (once per turn).
   */
  add(write: JoinWrite): { settled: Promise<Enrolled>; startsBatch: boolean } {
    let settle!: (result: Enrolled) => void;
    const settled = new Promise<Enrolled>((resolve) => (settle = resolve));
    this.#pending.set(write.studentId, { write, settle });
    return { settled, startsBatch: this.#pending.size === 1 };
  }

  /**
   * Commits every queued join to `run` in one transaction, then adopts each into the roster
   * and settles its promise. Returns how many were committed.
   */
  commit(run: Run): number {
    if (this.#pending.size === 0) return 0;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    let stored: boolean[];
    try {
      stored = this.store.commitJoins(run.id, batch.map((join) => join.write));
    } catch (error) {
      this.logger.error('join_commit_failed', { run_id: run.id, joins: batch.length, error: String(error) });
      for (const join of batch) join.settle(refuse('storage_error', 'your join could not be saved; please try again'));
      return 0;
    }
    let committed = 0;
    batch.forEach((join, position) => {
      if (!stored[position]) {
        // Storage already had this id although memory did not: never hand out a second cookie for it.
        join.settle(refuse('student_id_taken', 'this student id is already in use in this session'));
        return;
      }
      const entry = adopt(run, join.write);
      this.logger.info(join.write.kind === 'new' ? 'student_joined' : 'student_rejoined', { run_id: run.id, student_id: entry.studentId });
      join.settle({ ok: true, entry, claim: run.roster.claimFor(entry) });
      committed += 1;
    });
    if (committed > 0) this.rosterChanged();
    return committed;
  }
}

/** The committed write, now in memory. */
function adopt(run: Run, write: JoinWrite): StudentEntry {
  if (write.kind === 'new') return run.roster.add(write.row);
  const entry = run.roster.get(write.studentId)!;
  entry.name = write.name;
  entry.released = false;
  return entry;
}
