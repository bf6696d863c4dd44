/** How a session refusal reads over HTTP: one status per code, the session's own message. */
import { AppError } from '../errors';
import type { SessionRefusal } from '../protocol/constants';
import type { Outcome } from '../session/outcome';

const STATUS_OF_REFUSAL: Record<SessionRefusal, number> = {
  invalid_command: 409,
  wrong_phase: 409,
  student_id_taken: 409,
  student_not_found: 404,
  not_on_roster: 403,
  ask_not_found: 404,
  // The database refused the write (disk full, read-only): nothing was kept, try again.
  storage_error: 503,
};

/** The outcome's value, or the refusal thrown as an AppError. */
export function unwrapOutcome<Value extends object>(outcome: Outcome<Value>): Value {
  if (!outcome.ok) throw new AppError(STATUS_OF_REFUSAL[outcome.code], outcome.code, outcome.message);
  return outcome;
}
