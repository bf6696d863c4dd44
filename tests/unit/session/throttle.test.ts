import { expect, test } from 'bun:test';
import { createThrottle } from '../../../src/session/throttle';
import { FakeTime } from '../../helpers/fake-time';

function setup(intervalMs = 100) {
  const time = new FakeTime();
  const calls: number[] = [];
  const throttle = createThrottle(time, time, intervalMs, () => calls.push(time.now()));
  return { time, calls, throttle, start: time.now() };
}

test('the first request fires at once, with no timer', () => {
  const { time, calls, throttle, start } = setup();
  throttle.request();
  expect(calls).toEqual([start]);
  expect(throttle.pending).toBe(false);
  expect(time.pendingTimers).toBe(0);
});

test('a burst within the interval folds into one trailing call at the end of the interval', () => {
  const { time, calls, throttle, start } = setup();
  throttle.request();
  time.advance(10);
  throttle.request();
  time.advance(30);
  throttle.request();
  throttle.request();
  expect(calls).toEqual([start]);
  expect(throttle.pending).toBe(true);
  expect(time.pendingTimers).toBe(1);
  time.advance(59);
  expect(calls).toEqual([start]);
  time.advance(1);
  expect(calls).toEqual([start, start + 100]);
  expect(throttle.pending).toBe(false);
  time.advance(1_000);
  expect(calls).toHaveLength(2);
});

test('a request after a quiet interval fires at once again', () => {
  const { time, calls, throttle, start } = setup();
  throttle.request();
  time.advance(100);
  throttle.request();
  expect(calls).toEqual([start, start + 100]);
  expect(throttle.pending).toBe(false);
});

test('requests just after a trailing call wait for a full interval after it', () => {
  const { time, calls, throttle, start } = setup();
  throttle.request();
  time.advance(50);
  throttle.request();
  time.advance(50); // trailing call at +100
  time.advance(20);
  throttle.request();
  expect(calls).toEqual([start, start + 100]);
  time.advance(80);
  expect(calls).toEqual([start, start + 100, start + 200]);
});

test('a steady stream of requests produces at most one call per interval', () => {
  const { time, calls, throttle } = setup();
  for (let step = 0; step < 100; step += 1) {
    throttle.request();
    time.advance(10);
  }
  time.advance(200);
  // 1000 ms of requests plus the trailing call.
  expect(calls.length).toBeGreaterThanOrEqual(10);
  expect(calls.length).toBeLessThanOrEqual(11);
  for (let position = 1; position < calls.length; position += 1) {
    expect(calls[position]! - calls[position - 1]!).toBeGreaterThanOrEqual(100);
  }
});

test('cancel removes the pending timer and the trailing call never happens', () => {
  const { time, calls, throttle, start } = setup();
  throttle.request();
  throttle.request();
  expect(throttle.pending).toBe(true);
  expect(time.pendingTimers).toBe(1);
  throttle.cancel();
  expect(throttle.pending).toBe(false);
  expect(time.pendingTimers).toBe(0);
  time.advance(1_000);
  expect(calls).toEqual([start]);
});

test('cancel with nothing pending is harmless', () => {
  const { time, calls, throttle } = setup();
  throttle.cancel();
  expect(throttle.pending).toBe(false);
  throttle.request();
  expect(calls).toHaveLength(1);
  expect(time.pendingTimers).toBe(0);
});
