/**
 * The join code, checked at `POST /api/join` before enrolment while the setting is on. Wrong
 * or missing codes are counted per (client address, student id): after
 * JOIN_CODE_FAILURES_PER_MINUTE of them in a minute that pair gets 429 with Retry-After,
 * whatever code it sends, so guessing the 10,000 codes costs time; counting per pair (not
 * per address) keeps one prankster from locking out a whole lecture hall behind one NAT.
 */
import { AppError } from '../errors';
import { createLoginFailureLimiter, LOGIN_WINDOW_MS } from '../identity/login-rate-limit';
import { clientIp } from '../identity/request-origin';
import { JOIN_CODE_FAILURES_PER_MINUTE } from '../protocol/constants';
import type { AppDeps } from './deps';

export function createJoinCodeCheck(deps: AppDeps) {
  // The limiter answers "wait" once a client has more failures than its limit: one fewer
  // than the allowance means the pair that has used all of it waits.
  const failures = createLoginFailureLimiter(JOIN_CODE_FAILURES_PER_MINUTE - 1, LOGIN_WINDOW_MS);

  /** Throws 403 wrong_join_code or 429 too_many_join_attempts; returns when the code is not needed or right. */
  return function checkJoinCode(request: Request, studentId: string, code: string | undefined): void {
    if (!deps.controller.settings.join_code) return;
    const client = `${clientIp(request, deps.config.trustProxy, deps.requestIp)}\n${studentId}`;
    const now = deps.clock.now();
    const waitS = failures.retryAfterS(client, now);
    if (waitS > 0) {
      throw new AppError(429, 'too_many_join_attempts', `too many wrong join codes; try again in ${waitS} s`, { retry_after_s: waitS }, {
        'retry-after': String(waitS),
      });
    }
    if (code !== undefined && deps.controller.acceptsJoinCode(code)) return;
    failures.recordFailure(client, now);
    const message = code === undefined ? 'enter the join code shown on the projector' : 'this join code is wrong or has expired: type the one on the projector now';
    throw new AppError(403, 'wrong_join_code', message);
  };
}
