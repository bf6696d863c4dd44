/**
 * A global budget for password verifications. Argon2id takes 19 MiB and tens of
 * milliseconds per check; 32 parallel logins would push a 1 GB box's memory up by
 * ~600 MiB. At most `concurrent` checks run at once, at most `waiting` queue behind them,
 * and the rest are turned away at once.
 */
export const VERIFICATIONS_AT_ONCE = 2;
export const VERIFICATIONS_WAITING = 32;

export const BUDGET_EXHAUSTED = Symbol('budget exhausted');

export function createVerificationBudget(concurrent = VERIFICATIONS_AT_ONCE, waiting = VERIFICATIONS_WAITING) {
  let running = 0;
  const queue: (() => void)[] = [];

  return {
    async run<Result>(task: () => Promise<Result>): Promise<Result | typeof BUDGET_EXHAUSTED> {
      if (running >= concurrent) {
        if (queue.length >= waiting) return BUDGET_EXHAUSTED;
        await new Promise<void>((resolve) => queue.push(resolve));
      } else running += 1;
      try {
        return await task();
      } finally {
        // Hand the slot straight to the next waiter, or give it back.
        const next = queue.shift();
        if (next) next();
        else running -= 1;
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
