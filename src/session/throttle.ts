/**
 * Coalesces bursts of "something changed" into at most one call per interval: the first
 * change goes out at once, later ones within the interval are folded into one trailing
 * call. This is what keeps joins and answers from becoming one broadcast each.
 */
import type { Clock, Scheduler } from './ports';

export interface Throttle {
  request(): void;
  cancel(): void;
  readonly pending: boolean;
}

export function createThrottle(clock: Clock, scheduler: Scheduler, intervalMs: number, run: () => void): Throttle {
  let lastRunAt = Number.NEGATIVE_INFINITY;
  let stopTimer: (() => void) | null = null;

  const fire = () => {
    stopTimer = null;
    lastRunAt = clock.now();
    run();
  };

  return {
    request() {
      if (stopTimer) return;
      const wait = lastRunAt + intervalMs - clock.now();
      if (wait <= 0) fire();
      else stopTimer = scheduler.setTimer(wait, fire);
    },
    cancel() {
      stopTimer?.();
      stopTimer = null;
    },
    get pending() {
      return stopTimer !== null;
    },
  };
}
