import { expect, test } from 'bun:test';
import { LOGIN_ATTEMPTS_PER_WINDOW, LOGIN_WINDOW_MS, createLoginRateLimiter } from '../../../src/identity/login-rate-limit';

const T0 = 1_700_000_000_000;

test('the defaults are 10 attempts a minute', () => {
  expect(LOGIN_ATTEMPTS_PER_WINDOW).toBe(10);
  expect(LOGIN_WINDOW_MS).toBe(60_000);
});

test('10 attempts a minute are allowed, the 11th is refused with retryAfterS in 1..60', () => {
  const limiter = createLoginRateLimiter();
  for (let attempt = 0; attempt < 10; attempt += 1) {
    expect(limiter.attempt('10.0.0.1', T0 + attempt * 100)).toEqual({ allowed: true });
  }
  const refused = limiter.attempt('10.0.0.1', T0 + 1_000);
  expect(refused.allowed).toBe(false);
  if (!refused.allowed) {
    expect(Number.isInteger(refused.retryAfterS)).toBe(true);
    expect(refused.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterS).toBeLessThanOrEqual(60);
    // The oldest attempt (T0) leaves the window at T0 + 60 s: 59 s from T0 + 1 s.
    expect(refused.retryAfterS).toBe(59);
  }
});

test('refused attempts keep being refused and do not extend the wait', () => {
  const limiter = createLoginRateLimiter();
  for (let attempt = 0; attempt < 10; attempt += 1) limiter.attempt('ip', T0);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    expect(limiter.attempt('ip', T0 + 30_000).allowed).toBe(false);
  }
  // All ten attempts were at T0: at T0 + 60 s they have left the window.
  expect(limiter.attempt('ip', T0 + 60_000)).toEqual({ allowed: true });
});

test('retryAfterS is at least 1 just before the window frees', () => {
  const limiter = createLoginRateLimiter();
  for (let attempt = 0; attempt < 10; attempt += 1) limiter.attempt('ip', T0);
  const refused = limiter.attempt('ip', T0 + 59_999);
  expect(refused).toEqual({ allowed: false, retryAfterS: 1 });
});

test('other clients are unaffected', () => {
  const limiter = createLoginRateLimiter();
  for (let attempt = 0; attempt < 11; attempt += 1) limiter.attempt('10.0.0.1', T0);
  expect(limiter.attempt('10.0.0.1', T0).allowed).toBe(false);
  for (let attempt = 0; attempt < 10; attempt += 1) {
    expect(limiter.attempt('10.0.0.2', T0).allowed).toBe(true);
  }
  expect(limiter.attempt('10.0.0.2', T0).allowed).toBe(false);
});

test('the window slides: each old attempt frees one slot as it ages out', () => {
  const limiter = createLoginRateLimiter();
  // One attempt every 5 s: T0, T0+5 s, … T0+45 s.
  for (let attempt = 0; attempt < 10; attempt += 1) {
    expect(limiter.attempt('ip', T0 + attempt * 5_000).allowed).toBe(true);
  }
  expect(limiter.attempt('ip', T0 + 59_000).allowed).toBe(false);
  // At T0 + 60 s only the T0 attempt has left the window: one slot.
  expect(limiter.attempt('ip', T0 + 60_000).allowed).toBe(true);
  expect(limiter.attempt('ip', T0 + 60_001).allowed).toBe(false);
  // At T0 + 65 s the T0+5 s attempt leaves: one more.
  expect(limiter.attempt('ip', T0 + 65_000).allowed).toBe(true);
  expect(limiter.attempt('ip', T0 + 65_000).allowed).toBe(false);
});

test('a custom limit and window are honoured', () => {
  const limiter = createLoginRateLimiter(2, 1_000);
  expect(limiter.attempt('ip', T0).allowed).toBe(true);
  expect(limiter.attempt('ip', T0).allowed).toBe(true);
  expect(limiter.attempt('ip', T0 + 500)).toEqual({ allowed: false, retryAfterS: 1 });
  expect(limiter.attempt('ip', T0 + 1_000).allowed).toBe(true);
});
