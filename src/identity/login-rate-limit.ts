/**
 * Failed admin logins per client IP in a sliding one-minute window. Only failures count:
 * the instructor's own successful sign-ins never use up the budget, and a correct password
 * is accepted even from an address that is locked (a student on the lecture hall's NAT
 * typing wrong passwords must not lock the instructor out). Students are never limited.
 */
export const LOGIN_FAILURES_PER_WINDOW = 10;
export const LOGIN_WINDOW_MS = 60_000;
const MAX_TRACKED_CLIENTS = 10_000;

export function createLoginFailureLimiter(limit = LOGIN_FAILURES_PER_WINDOW, windowMs = LOGIN_WINDOW_MS) {
  const failuresByClient = new Map<string, number[]>();

  function recent(client: string, now: number): number[] {
    return (failuresByClient.get(client) ?? []).filter((at) => at > now - windowMs);
  }

  function forgetExpired(now: number): void {
    for (const [client, failures] of failuresByClient) {
      if (failures[failures.length - 1]! <= now - windowMs) failuresByClient.delete(client);
    }
  }

  return {
    /** Records a failed attempt; returns how many the client has in the window now. */
    recordFailure(client: string, now: number): number {
      if (failuresByClient.size >= MAX_TRACKED_CLIENTS) forgetExpired(now);
      const failures = recent(client, now);
      failures.push(now);
      failuresByClient.set(client, failures);
      return failures.length;
    },
    /** Seconds until the client is under the limit again; 0 when it is under it now. */
    retryAfterS(client: string, now: number): number {
      const failures = recent(client, now);
      if (failures.length <= limit) return 0;
      // The client is back to `limit` failures once all but the newest `limit` have left the window.
      const freedAt = failures[failures.length - limit - 1]! + windowMs;
      return Math.max(1, Math.ceil((freedAt - now) / 1000));
    },
  };
}
