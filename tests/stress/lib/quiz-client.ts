/**
 * A client written only from the contract (../shared/CONTRACT.md): HTTP join and admin
 * calls, and a WebSocket that buffers frames and waits for them with timeouts. It imports
 * nothing from src/, so it can be pointed at any deployed server.
 */
import { parseCsv } from '../../helpers/csv';
import type { Frame } from '../../helpers/frame';

export type { Frame };

export class ContractError extends Error {}

/** Every HTTP call gives up after this long: a stalled server is an error, never a hang. */
export const HTTP_TIMEOUT_MS = 15_000;
const withTimeout = (init: RequestInit = {}): RequestInit => ({ signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), ...init });

/** The cookie `name` sets, under its plain name or, behind https, its `__Host-` name. */
function cookiePair(response: Response, name: string): string {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0]!;
    const isOurs = pair.startsWith(`${name}=`) || pair.startsWith(`__Host-${name}=`);
    if (isOurs && !pair.endsWith('=')) return pair;
  }
  throw new ContractError(`no ${name} cookie in the response (status ${response.status})`);
}

export async function joinStudent(url: string, studentId: string, name: string): Promise<string> {
  const response = await fetch(`${url}/api/join`, {
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ student_id: studentId, name }),
  });
  if (response.status !== 200) throw new ContractError(`join ${studentId}: HTTP ${response.status} ${await response.text()}`);
  return cookiePair(response, 'quiz_student');
}

export class AdminClient {
  private constructor(
    readonly url: string,
    readonly cookie: string,
  ) {}

  static async login(url: string, password: string): Promise<AdminClient> {
    const response = await fetch(`${url}/admin/login`, {
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
    });
    if (response.status !== 200) throw new ContractError(`admin login: HTTP ${response.status}`);
    return new AdminClient(url, cookiePair(response, 'quiz_admin'));
  }

  async post(path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      method: 'POST',
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async command(name: 'next' | 'close' | 'end'): Promise<Frame> {
    const response = await this.post(`/admin/api/${name}`);
    if (response.status !== 200) throw new ContractError(`${name}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as Frame;
  }

  async reset(): Promise<number> {
    const response = await this.post('/admin/api/reset');
    if (response.status !== 200) throw new ContractError(`reset: HTTP ${response.status}`);
    return ((await response.json()) as { run_id: number }).run_id;
  }

  async uploadPool(pool: unknown): Promise<void> {
    const response = await this.post('/admin/api/pool', pool);
    if (response.status !== 200) throw new ContractError(`pool: HTTP ${response.status} ${await response.text()}`);
  }

  async state(): Promise<Frame> {
    const response = await fetch(`${this.url}/admin/api/state`, withTimeout({ headers: { cookie: this.cookie } }));
    if (response.status !== 200) throw new ContractError(`state: HTTP ${response.status}`);
    return (await response.json()) as Frame;
  }

  /** results.csv parsed into header + rows (RFC 4180). */
  async results(runId?: number): Promise<{ header: string[]; rows: string[][] }> {
    const query = runId === undefined ? '' : `?run=${runId}`;
    const response = await fetch(
      `${this.url}/admin/api/results.csv${query}`,
      withTimeout({ headers: { cookie: this.cookie } }),
    );
    if (response.status !== 200) throw new ContractError(`results.csv: HTTP ${response.status}`);
    const [header = [], ...rows] = parseCsv(await response.text());
    return { header, rows };
  }

  socket(): LiveSocket {
    return LiveSocket.open(`${this.url.replace(/^http/, 'ws')}/admin/ws`, this.cookie);
  }
}

/** A WebSocket that buffers frames; `next(type)` waits with a timeout and fails fast on close. */
export class LiveSocket {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  #cursor = new Map<string, number>();
  #waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new ContractError('socket error before open')), { once: true });
    });
    // A socket closed before it opened is reported by whoever awaits `opened`, not as an
    // unhandled rejection.
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      socket.addEventListener('close', (event) => {
        this.closeCode = event.code;
        resolve(event.code);
        this.#wake();
      });
    });
    socket.addEventListener('message', (event) => {
      try {
        this.frames.push(JSON.parse(String(event.data)) as Frame);
      } catch {
        this.frames.push({ type: '__not_json__', raw: String(event.data) });
      }
      this.#wake();
    });
  }

  static open(wsUrl: string, cookie?: string): LiveSocket {
    return new LiveSocket(new WebSocket(wsUrl, cookie ? ({ headers: { cookie } } as never) : undefined));
  }

  static student(url: string, cookie: string): LiveSocket {
    return LiveSocket.open(`${url.replace(/^http/, 'ws')}/ws`, cookie);
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }

  /** The next frame of `type` not yet returned by `next` for that type. */
  async next(type: string, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let position = this.#cursor.get(type) ?? 0;
      while (position < this.frames.length) {
        const frame = this.frames[position++]!;
        if (frame.type === type) {
          this.#cursor.set(type, position);
          return frame;
        }
      }
      this.#cursor.set(type, position);
      if (this.closeCode !== null) throw new ContractError(`socket closed (${this.closeCode}) while waiting for ${type}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new ContractError(`timed out after ${timeoutMs} ms waiting for ${type}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.#waiters.add(wake);
      });
    }
  }

  all(type: string): Frame[] {
    return this.frames.filter((frame) => frame.type === type);
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  submit(questionIdx: number, choice: string): void {
    this.send({ type: 'submit', question_idx: questionIdx, choice });
  }

  /** Closes and forgets: a long run must not keep client objects alive (bun 11722). */
  close(): void {
    if (this.closeCode === null) this.socket.close();
    this.frames.length = 0;
    this.#cursor.clear();
  }
}

/** Runs `task` for 0..count-1 with at most `limit` in flight. */
export async function inParallel<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** The contract's scoring formula, for checking scores from outside. */
export function expectedPoints(elapsedMs: number, timeLimitMs: number): number {
  const clamped = Math.min(Math.max(elapsedMs, 0), timeLimitMs);
  return Math.round(1000 * (1 - clamped / timeLimitMs / 2));
}
