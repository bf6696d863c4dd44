// The countdown every page shows while a question is open. It counts to a deadline on
// performance.now() (set from the server's remaining_ms), never the device's wall clock,
// redraws a few times a second, stops by itself at zero, and marks the last seconds urgent.

/** At this many seconds left (and below) the countdown gets the `urgent` class. */
export const URGENT_AT_S = 5;
const TICK_MS = 200;

/**
 * A countdown drawn into `node`.
 * - `format(seconds)`: the text for a whole number of seconds left (default: the number).
 * - `urgentNode`: the element that gets the `urgent` class (default: `node`).
 * - `onTick(remainingMs)`: called after each redraw, for what else a page draws from the
 *   time left (a time bar, a spoken warning).
 */
export function createCountdown(node, { format = String, urgentNode = node, onTick = () => {} } = {}) {
  let timer = null;
  let deadlineAt = null;

  function halt() {
    clearInterval(timer);
    timer = null;
  }

  function tick() {
    const remainingMs = Math.max(0, deadlineAt - performance.now());
    const seconds = Math.ceil(remainingMs / 1000);
    node.textContent = format(seconds);
    urgentNode.classList.toggle('urgent', seconds <= URGENT_AT_S);
    if (remainingMs <= 0) halt();
    onTick(remainingMs);
  }

  return {
    /** Counts down to `deadline`, a performance.now() time. */
    run(deadline) {
      halt();
      deadlineAt = deadline;
      timer = setInterval(tick, TICK_MS);
      tick();
    },
    /** Stops ticking; with `text`, shows it in place of the number, not urgent. */
    stop(text) {
      halt();
      if (text === undefined) return;
      node.textContent = text;
      urgentNode.classList.remove('urgent');
    },
  };
}
