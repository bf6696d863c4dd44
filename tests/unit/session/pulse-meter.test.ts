/**
 * The pulse meter with a fake clock: a student's latest value counts, it expires exactly
 * PULSE_TTL_MS after it was sent, a newer signal restarts that student's five minutes,
 * and the timeline holds each minute's closing counts.
 */
import { describe, expect, test } from 'bun:test';
import { PULSE_TTL_MS } from '../../../src/protocol/constants';
import { isPulseValue, PulseMeter } from '../../../src/session/pulse-meter';
import { FakeTime } from '../../helpers/fake-time';

describe('PulseMeter', () => {
  test("a student's latest value counts, once", () => {
    const time = new FakeTime(0);
    const meter = new PulseMeter();
    meter.record('a', 'lost', time.now());
    meter.record('b', 'lost', time.now());
    meter.record('a', 'ok', time.now());
    expect(meter.counts(time.now())).toEqual({ lost: 1, ok: 1, fast: 0 });
  });

  test('a value expires five minutes after it was sent, not a millisecond earlier', () => {
    const time = new FakeTime(0);
    const meter = new PulseMeter();
    meter.record('a', 'fast', time.now());
    time.advance(PULSE_TTL_MS - 1);
    expect(meter.counts(time.now())).toEqual({ lost: 0, ok: 0, fast: 1 });
    expect(meter.nextExpiryAt()).toBe(PULSE_TTL_MS);
    time.advance(1);
    expect(meter.counts(time.now())).toEqual({ lost: 0, ok: 0, fast: 0 });
    expect(meter.nextExpiryAt()).toBeNull();
  });

  test("a newer signal restarts that student's five minutes; the old one's expiry is skipped", () => {
    const time = new FakeTime(0);
    const meter = new PulseMeter();
    meter.record('a', 'lost', time.now());
    time.advance(4 * 60_000);
    meter.record('a', 'lost', time.now());
    time.advance(2 * 60_000);
    expect(meter.expire(time.now())).toBe(false);
    expect(meter.counts(time.now()).lost).toBe(1);
    expect(meter.nextExpiryAt()).toBe(4 * 60_000 + PULSE_TTL_MS);
    time.advance(3 * 60_000);
    expect(meter.expire(time.now())).toBe(true);
    expect(meter.counts(time.now()).lost).toBe(0);
  });

  test('forget drops a live value at once', () => {
    const meter = new PulseMeter();
    meter.record('a', 'ok', 0);
    expect(meter.forget('a', 10)).toBe(true);
    expect(meter.forget('a', 10)).toBe(false);
    expect(meter.counts(10)).toEqual({ lost: 0, ok: 0, fast: 0 });
    expect(meter.nextExpiryAt()).toBeNull();
  });

  test('the timeline keeps each minute’s closing counts, expiries at their own time', () => {
    const meter = new PulseMeter();
    meter.record('a', 'lost', 10_000);
    meter.record('b', 'lost', 20_000);
    meter.record('b', 'ok', 70_000);
    meter.expire(10_000 + PULSE_TTL_MS + 5 * 60_000);
    expect(meter.timeline()).toEqual([
      { minute_ms: 0, lost: 2, ok: 0, fast: 0 },
      { minute_ms: 60_000, lost: 1, ok: 1, fast: 0 },
      { minute_ms: 300_000, lost: 0, ok: 1, fast: 0 },
      { minute_ms: 360_000, lost: 0, ok: 0, fast: 0 },
    ]);
  });

  test('ten thousand students, each signal and expiry O(1): the counts stay exact', () => {
    const meter = new PulseMeter();
    const values = ['lost', 'ok', 'fast'] as const;
    for (let i = 0; i < 30_000; i++) meter.record(`s${i % 10_000}`, values[i % 3]!, i);
    // The latest signal of each student is from i = 20,000…29,999.
    expect(meter.counts(30_000)).toEqual({ lost: 3333, ok: 3333, fast: 3334 });
    expect(meter.counts(30_000 + PULSE_TTL_MS)).toEqual({ lost: 0, ok: 0, fast: 0 });
  });

  test('only the three values are pulse values', () => {
    expect(['lost', 'ok', 'fast'].every(isPulseValue)).toBe(true);
    for (const value of ['', 'LOST', 'confused', 'ok ', 'toString', '__proto__']) expect(isPulseValue(value)).toBe(false);
  });
});
