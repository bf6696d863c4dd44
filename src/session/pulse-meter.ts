/**
 * The comprehension pulse, kept incrementally: each student's latest value counts until
 * PULSE_TTL_MS after it was sent. A signal or an expiry moves the three counts by one, so
 * no count is ever recomputed over the class. Signals expire in the order they were sent,
 * so expiry is a queue (stale entries, overtaken by a newer signal, are skipped).
 *
 * The timeline holds, for each minute in which the counts changed, the counts after the
 * last change in that minute (the counts at the minute's end). Expiries are applied at
 * their own expiry time, so replaying the stored signals (pulse-csv.ts) gives exactly the
 * timeline the console drew live.
 */
import { PULSE_TTL_MS, PULSE_VALUES, type PulseValue } from '../protocol/constants';
import type { PulseMinute } from '../protocol/server-frames';

export type PulseCounts = Record<PulseValue, number>;

interface Signal {
  studentId: string;
  value: PulseValue;
  expiresAt: number;
}

const MINUTE_MS = 60_000;

export const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

export function isPulseValue(value: string): value is PulseValue {
  return (PULSE_VALUES as readonly string[]).includes(value);
}

export class PulseMeter {
  readonly #latest = new Map<string, Signal>();
  #queue: Signal[] = [];
  #head = 0;
  readonly #counts: PulseCounts = { lost: 0, ok: 0, fast: 0 };
  readonly #timeline: PulseMinute[] = [];

  /** A student's signal at `sentAt` replaces their previous one. */
  record(studentId: string, value: PulseValue, sentAt: number): void {
    this.expire(sentAt);
    const previous = this.#latest.get(studentId);
    if (previous) this.#counts[previous.value]--;
    const signal = { studentId, value, expiresAt: sentAt + PULSE_TTL_MS };
    this.#latest.set(studentId, signal);
    this.#queue.push(signal);
    this.#counts[value]++;
    this.#sample(sentAt);
  }

  /** Drops every signal whose time is up at `now`; true if a count moved. */
  expire(now: number): boolean {
    let changed = false;
    for (let signal = this.#peek(); signal && signal.expiresAt <= now; signal = this.#peek()) {
      this.#head++;
      this.#latest.delete(signal.studentId);
      this.#counts[signal.value]--;
      this.#sample(signal.expiresAt);
      changed = true;
    }
    this.#compact();
    return changed;
  }

  /** Forgets a student's live signal (a student removed from the run); true if a count moved. */
  forget(studentId: string, now: number): boolean {
    const signal = this.#latest.get(studentId);
    if (!signal) return false;
    this.#latest.delete(studentId);
    this.#counts[signal.value]--;
    this.#sample(now);
    return true;
  }

  /** When the next live signal expires, or null if none is live. */
  nextExpiryAt(): number | null {
    return this.#peek()?.expiresAt ?? null;
  }

  counts(now: number): PulseCounts {
    this.expire(now);
    return { ...this.#counts };
  }

  timeline(): PulseMinute[] {
    return this.#timeline.map((minute) => ({ ...minute }));
  }

  /** The first queued signal that is still its student's latest. */
  #peek(): Signal | undefined {
    while (this.#head < this.#queue.length) {
      const signal = this.#queue[this.#head]!;
      if (this.#latest.get(signal.studentId) === signal) return signal;
      this.#head++;
    }
    return undefined;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #sample(at: number): void {
    const minute_ms = minuteOf(at);
    const last = this.#timeline.at(-1);
    const entry = { minute_ms, ...this.#counts };
    if (last && last.minute_ms >= minute_ms) this.#timeline[this.#timeline.length - 1] = { ...entry, minute_ms: last.minute_ms };
    else this.#timeline.push(entry);
  }
}
