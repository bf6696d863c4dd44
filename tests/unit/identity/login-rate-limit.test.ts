import { expect, test } from 'bun:test';
import { LOGIN_FAILURES_PER_WINDOW, LOGIN_WINDOW_MS, createLoginFailureLimiter } from '../../../src/identity/login-rate-limit';

const T0 = 1_700_000_000_000;

test('the defaults are 10 failures a minute', () => {
  expect(LOGIN_FAILURES_PER_WINDOW).toBe(10);
  expect(LOGIN_WINDOW_MS).toBe(60_000);
});

test('10 failures a minute leave the client unlimited, the 11th limits it for the rest of the window', () => {
  const limiter = createLoginFailureLimiter();
  for (let failure = 0; failure < 10; failure += 1) {
    expect(limiter.recordFailure('10.0.0.1', T0 + failure * 100)).toBe(failure + 1);
    expect(limiter.retryAfterS('10.0.0.1', T0 + failure * 100)).toBe(0);
  }
  limiter.recordFailure('10.0.0.1', T0 + 1_000);
  // The oldest failure (T0) leaves the window at T0 + 60 s: 59 s from T0 + 1 s.
  expect(limiter.retryAfterS('10.0.0.1', T0 + 1_000)).toBe(59);
});

test('only failures count: asking how long to wait records nothing', () => {
  const limiter = createLoginFailureLimiter();
  for (let check = 0; check < 100; check += 1) expect(limiter.retryAfterS('ip', T0)).toBe(0);
  expect(limiter.recordFailure('ip', T0)).toBe(1);
});

test('retryAfterS is at least 1 just before the window frees, and 0 once it has', () => {
  const limiter = createLoginFailureLimiter();
  for (let failure = 0; failure < 11; failure += 1) limiter.recordFailure('ip', T0);
  expect(limiter.retryAfterS('ip', T0 + 59_999)).toBe(1);
  expect(limiter.retryAfterS('ip', T0 + 60_000)).toBe(0);
});

test('other clients are unaffected', () => {
  const limiter = createLoginFailureLimiter();
  for (let failure = 0; failure < 11; failure += 1) limiter.recordFailure('10.0.0.1', T0);
  expect(limiter.retryAfterS('10.0.0.1', T0)).toBeGreaterThan(0);
  expect(limiter.retryAfterS('10.0.0.2', T0)).toBe(0);
});

test('the window slides: the client is free again when its failures fall back to the limit', () => {
  const limiter = createLoginFailureLimiter(2, 10_000);
  limiter.recordFailure('ip', T0);
  limiter.recordFailure('ip', T0 + 5_000);
  limiter.recordFailure('ip', T0 + 6_000);
  // Three failures, limit two: free when the T0 one leaves, at T0 + 10 s.
  expect(limiter.retryAfterS('ip', T0 + 6_000)).toBe(4);
  expect(limiter.retryAfterS('ip', T0 + 10_000)).toBe(0);
});
