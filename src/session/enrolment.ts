/**
 * Joining and releasing: the roster decides, storage records, and only then does memory
 * change. A released id can be joined again from a new device; its answers and score stay.
 */
import type { Logger } from '../logger';
import { CLOSE_CODES } from '../protocol/constants';
import type { Broadcaster } from './broadcaster';
import { refuse, type Outcome } from './outcome';
import type { Clock, SessionStore } from './ports';
import { firstEpoch, type StudentEntry, type StudentIdentityClaim } from './roster';
import type { Run } from './run';

export interface EnrolmentDeps {
  store: SessionStore;
  clock: Clock;
  logger: Logger;
  broadcaster: Broadcaster;
  /** Called after the roster changed (the lobby update is coalesced by the caller). */
  rosterChanged(): void;
}

export type Enrolled = Outcome<{ entry: StudentEntry; claim: StudentIdentityClaim }>;

export function joinRun(run: Run, deps: EnrolmentDeps, studentId: string, name: string, claim: StudentIdentityClaim | null): Enrolled {
  const { roster } = run;
  const decision = roster.decideJoin(studentId, claim);
  switch (decision.kind) {
    case 'taken':
      return refuse('student_id_taken', 'this student id is already in use in this session');
    case 'same':
      return { ok: true, entry: decision.entry, claim: roster.claimFor(decision.entry) };
    case 'reclaim': {
      const entry = decision.entry;
      deps.store.reclaimStudent(run.id, studentId, name, entry.epoch);
      entry.name = name;
      entry.released = false;
      deps.logger.info('student_rejoined', { run_id: run.id, student_id: studentId });
      deps.rosterChanged();
      return { ok: true, entry, claim: roster.claimFor(entry) };
    }
    case 'new': {
      const row = { studentId, name, epoch: firstEpoch(), released: false, joinedAtMs: deps.clock.now() };
      deps.store.insertStudent(run.id, row);
      const entry = roster.add(row);
      deps.logger.info('student_joined', { run_id: run.id, student_id: studentId });
      deps.rosterChanged();
      return { ok: true, entry, claim: roster.claimFor(entry) };
    }
  }
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
