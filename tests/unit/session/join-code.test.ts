/** The join code: derived from the key and the 30-second window (a fake clock moves it). */
import { describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { acceptsJoinCode, joinCodeAt, joinCodeOfWindow } from '../../../src/session/join-code';
import { FakeTime } from '../../helpers/fake-time';

const KEY = 'test-secret-key-0123456789abcdefghijklmnop';
const WINDOW = 30_000;

describe('join code', () => {
  test('is 4 digits from HMAC-SHA256(key, "join-code:" + window), mod 10,000, zero-padded', () => {
    for (const window of [0, 1, 57_000_000, 57_000_001]) {
      const digest = createHmac('sha256', KEY).update(`join-code:${window}`).digest();
      const expected = String(digest.readUInt32BE(0) % 10_000).padStart(4, '0');
      expect(joinCodeOfWindow(KEY, window)).toBe(expected);
      expect(expected).toMatch(/^\d{4}$/);
    }
  });

  test('another key gives other codes', () => {
    const differ = Array.from({ length: 20 }, (_, window) => joinCodeOfWindow(KEY, window) !== joinCodeOfWindow('another-key', window));
    expect(differ.filter(Boolean).length).toBeGreaterThan(15);
  });

  test('changes every 30 s, counting down to the change', () => {
    const time = new FakeTime(1_699_999_990_000); // 10 s into a window
    const first = joinCodeAt(KEY, time.now());
    expect(first.changes_in_ms).toBe(20_000);
    time.advance(19_999);
    expect(joinCodeAt(KEY, time.now())).toEqual({ code: first.code, changes_in_ms: 1 });
    time.advance(1);
    const second = joinCodeAt(KEY, time.now());
    expect(second.changes_in_ms).toBe(WINDOW);
    expect(second.code).toBe(joinCodeOfWindow(KEY, Math.floor(time.now() / WINDOW)));
  });

  test('the previous code stays valid 30 s more, then expires; the next one is not valid early', () => {
    const time = new FakeTime(1_699_999_990_000); // 10 s into a window
    const window = Math.floor(time.now() / WINDOW);
    const code = joinCodeOfWindow(KEY, window);
    const next = joinCodeOfWindow(KEY, window + 1);
    expect(acceptsJoinCode(KEY, code, time.now())).toBe(true);
    if (next !== code) expect(acceptsJoinCode(KEY, next, time.now())).toBe(false);
    time.advance(20_000); // the next window: the old code still works
    expect(acceptsJoinCode(KEY, code, time.now())).toBe(true);
    expect(acceptsJoinCode(KEY, next, time.now())).toBe(true);
    time.advance(WINDOW - 1);
    expect(acceptsJoinCode(KEY, code, time.now())).toBe(true);
    time.advance(1); // two windows on: expired
    const current = [joinCodeOfWindow(KEY, window + 2), next];
    if (!current.includes(code)) expect(acceptsJoinCode(KEY, code, time.now())).toBe(false);
  });

  test('wrong, empty and malformed codes are refused; surrounding spaces are forgiven', () => {
    const now = 1_699_999_990_000;
    const { code } = joinCodeAt(KEY, now);
    expect(acceptsJoinCode(KEY, ` ${code} `, now)).toBe(true);
    const wrong = String((Number(code) + 1) % 10_000).padStart(4, '0');
    if (wrong !== joinCodeOfWindow(KEY, Math.floor(now / WINDOW) - 1)) expect(acceptsJoinCode(KEY, wrong, now)).toBe(false);
    for (const bad of ['', '12', '12345', 'abcd', `${code}0`]) expect(acceptsJoinCode(KEY, bad, now)).toBe(false);
  });
});
