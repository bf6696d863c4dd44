/**
 * A clock and timer scheduler that only move when a test says so. `defer` stays real
 * (setImmediate) so that answer batching behaves as in production.
 */
import type { Clock, Scheduler } from '../../src/session/ports';

interface FakeTimer {
  at: number;
  fn: () => void;
  id: number;
}

export class FakeTime implements Clock, Scheduler {
  #now: number;
  #timers: FakeTimer[] = [];
  #nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer = { at: this.#now + Math.max(0, delayMs), fn, id: this.#nextId++ };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((candidate) => candidate.id !== timer.id);
    };
  }

  defer(fn: () => void): void {
    setImmediate(fn);
  }

  /** Moves time forward, firing due timers in order (each sees its own due time as now). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((timer) => timer.id !== due.id);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = target;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }
}
