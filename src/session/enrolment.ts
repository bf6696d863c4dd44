/**
 * Joining and releasing: the roster decides, storage records, and only then does memory
 * change. A join that writes (a new id, or a released id taken again) is queued in the
 * join batch and answered after its commit (join-batch.ts). A released id can be joined
 * again from a new device; its answers and score stay.
 */
import type { Logger } from '../logger';
import { CLOSE_CODES } from '../protocol/constants';
import type { Broadcaster } from './broadcaster';
import type { Enrolled, JoinBatch } from './join-batch';
import { refuse, type Outcome } from './outcome';
import type { Clock, SessionStore } from './ports';
import { firstEpoch, type StudentIdentityClaim } from './roster';
import type { Run } from './run';

export type { Enrolled } from './join-batch';

export interface EnrolmentDeps {
  store: SessionStore;
  clock: Clock;
  logger: Logger;
  broadcaster: Broadcaster;
  joins: JoinBatch;
  /** Schedules the join batch's commit (once per event-loop turn). */
  commitJoinsSoon(): void;
}

const taken = () => refuse('student_id_taken', 'this student id is already in use in this session');

export function joinRun(run: Run, deps: EnrolmentDeps, studentId: string, name: string, claim: StudentIdentityClaim | null): Promise<Enrolled> {
  const { roster } = run;
  // A join of this id is already waiting for its commit: it wins, this one is taken.
  if (deps.joins.isPending(studentId)) return Promise.resolve(taken());
  const decision = roster.decideJoin(studentId, claim);
  switch (decision.kind) {
    case 'taken':
      return Promise.resolve(taken());
    case 'same':
      return Promise.resolve({ ok: true, entry: decision.entry, claim: roster.claimFor(decision.entry) });
    case 'reclaim':
      return queueJoin(deps, { kind: 'reclaim', studentId, name });
    case 'new': {
      const row = { studentId, name, epoch: firstEpoch(), released: false, joinedAtMs: deps.clock.now() };
      return queueJoin(deps, { kind: 'new', studentId, row });
    }
  }
}

function queueJoin(deps: EnrolmentDeps, write: Parameters<JoinBatch['add']>[0]): Promise<Enrolled> {
  const { settled, startsBatch } = deps.joins.add(write);
  if (startsBatch) deps.commitJoinsSoon();
  return settled;
}

/** Revokes a student's cookie and closes their sockets: the id is free again. */
export function releaseFromRun(run: Run, deps: EnrolmentDeps, studentId: string): Outcome {
  const entry = run.roster.get(studentId);
  if (!entry) return refuse('student_not_found', 'no student with this id in the current run');
  const epoch = entry.epoch + 1;
  deps.store.releaseStudent(run.id, studentId, epoch);
  entry.epoch = epoch;
  entry.released = true;
  deps.broadcaster.closeStudents([entry], CLOSE_CODES.UNAUTHORIZED, 'released by the instructor');
  deps.logger.info('student_released', { run_id: run.id, student_id: studentId });
  return { ok: true };
}
