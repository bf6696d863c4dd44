/**
 * The edges the session code depends on, as small interfaces: time, timers, sockets and
 * topic publishing. Bun's objects are adapted to these in `realtime/`; tests pass fakes.
 */

export interface Clock {
  now(): number;
}

export interface Scheduler {
  /** Runs `fn` after `delayMs`; returns a function that cancels it. */
  setTimer(delayMs: number, fn: () => void): () => void;
  /** Runs `fn` once the current event-loop turn has delivered all its messages. */
  defer(fn: () => void): void;
}

/** One client socket. `send` follows Bun: bytes written, -1 queued under backpressure, 0 dropped. */
export interface SocketPort {
  send(data: string): number;
  close(code: number, reason: string): void;
}

export interface Publisher {
  publish(topic: string, data: string): void;
}

export const TOPIC_STUDENTS = 'students';
export const TOPIC_ADMINS = 'admins';

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
  defer(fn) {
    setImmediate(fn);
  },
};
