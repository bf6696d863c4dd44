/** Small shared helpers for the integration tests (CSV parsing, polling, timing). */
import { expect } from 'bun:test';
import type { Inbox, Frame } from '../helpers/inbox';
import { parseCsv } from '../stress/lib/quiz-client';

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

/** RFC 4180 parsing is the harness client's (quoted cells, doubled quotes, CRLF or LF). */
export { parseCsv };

/** results.csv as objects keyed by the header. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((cells) => Object.fromEntries(header.map((name, position) => [name, cells[position] ?? ''])));
}

/** Every (path, value) in a JSON value whose key is one of `keys`. */
export function findKeys(value: unknown, keys: readonly string[], path = ''): Array<{ path: string; value: unknown }> {
  const found: Array<{ path: string; value: unknown }> = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => found.push(...findKeys(item, keys, `${path}/${index}`)));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (keys.includes(key)) found.push({ path: `${path}/${key}`, value: child });
      found.push(...findKeys(child, keys, `${path}/${key}`));
    }
  }
  return found;
}

/** Asserts the contract's error shape and returns the body. */
export async function expectJsonError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type') ?? '').toContain('application/json');
  const body = await response.json();
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe('string');
  return body;
}
