/**
 * The join code on the projector: 4 digits derived from the secret key and the current
 * 30-second window (an HMAC of the window number), so there is no state to store or lose on
 * a restart, and nobody without the key can compute the next one. The code of the previous
 * window stays valid for one more window, so a student typing as it changes still gets in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { JOIN_CODE_DIGITS, JOIN_CODE_WINDOW_MS } from '../protocol/constants';
import type { JoinCodeView } from '../protocol/server-frames';

const MODULUS = 10 ** JOIN_CODE_DIGITS;

const windowOf = (now: number) => Math.floor(now / JOIN_CODE_WINDOW_MS);

/** The code of one window: the first 4 bytes of HMAC-SHA256(key, "join-code:" + window), mod 10,000, zero-padded. */
export function joinCodeOfWindow(key: string, window: number): string {
  const digest = createHmac('sha256', key).update(`join-code:${window}`).digest();
  return String(digest.readUInt32BE(0) % MODULUS).padStart(JOIN_CODE_DIGITS, '0');
}

/** The code to show at `now`, and how long until it changes. */
export function joinCodeAt(key: string, now: number): JoinCodeView {
  const window = windowOf(now);
  return { code: joinCodeOfWindow(key, window), changes_in_ms: (window + 1) * JOIN_CODE_WINDOW_MS - now };
}

/** True for the current window's code or the previous window's (compared in constant time). */
export function acceptsJoinCode(key: string, typed: string, now: number): boolean {
  const given = Buffer.from(typed.trim());
  const window = windowOf(now);
  let accepted = false;
  for (const candidate of [window, window - 1]) {
    const expected = Buffer.from(joinCodeOfWindow(key, candidate));
    if (given.length === expected.length && timingSafeEqual(given, expected)) accepted = true;
  }
  return accepted;
}
