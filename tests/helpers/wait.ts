/** Waiting in tests: sleeping, yielding a turn, polling a condition, and waiting for frames. */
import type { Frame, Inbox } from './inbox';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Polls `check` until it returns true (or throws with `what` after `timeoutMs`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

/** Waits until `inbox` holds at least `count` frames of `type`. */
export async function waitForFrames(inbox: Inbox, type: string, count: number, timeoutMs = 5000): Promise<Frame[]> {
  await waitFor(`${count} × ${type}`, () => inbox.all(type).length >= count || inbox.closeCode !== null, timeoutMs);
  const frames = inbox.all(type);
  if (frames.length < count) {
    throw new Error(`socket closed (${inbox.closeCode}) with ${frames.length}/${count} ${type} frames`);
  }
  return frames;
}
