/**
 * Login attempts per client IP in a sliding one-minute window. Only the admin login is
 * limited: a whole class behind one NAT address must never be throttled.
 */
export const LOGIN_ATTEMPTS_PER_WINDOW = 10;
export const LOGIN_WINDOW_MS = 60_000;
const MAX_TRACKED_CLIENTS = 10_000;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterS: number };

export function createLoginRateLimiter(limit = LOGIN_ATTEMPTS_PER_WINDOW, windowMs = LOGIN_WINDOW_MS) {
  const attemptsByClient = new Map<string, number[]>();

  function forgetExpired(now: number): void {
    for (const [client, attempts] of attemptsByClient) {
      if (attempts[attempts.length - 1]! <= now - windowMs) attemptsByClient.delete(client);
    }
  }

  return {
    attempt(client: string, now: number): RateDecision {
      if (attemptsByClient.size >= MAX_TRACKED_CLIENTS) forgetExpired(now);
      const recent = (attemptsByClient.get(client) ?? []).filter((at) => at > now - windowMs);
      if (recent.length >= limit) {
        attemptsByClient.set(client, recent);
        return { allowed: false, retryAfterS: Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000)) };
      }
      recent.push(now);
      attemptsByClient.set(client, recent);
      return { allowed: true };
    },
  };
}
