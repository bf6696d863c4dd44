/**
 * A WebSocket client for tests: buffers every frame, waits for the next frame of a type
 * with a timeout, and fails fast (instead of hanging) if the socket closes first.
 */
import { Value } from '@sinclair/typebox/value';
import { SERVER_FRAME_SCHEMAS, type ServerFrameType } from '../../src/protocol/server-frames';
import type { Frame } from './frame';

export type { Frame };

export class Inbox {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  /** Frames that broke the protocol schema; `next` fails on the first one. */
  readonly violations: string[] = [];
  closeCode: number | null = null;
  closeReason = '';
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  #cursor = 0;
  #waiters: Array<() => void> = [];

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error('socket error before open')), { once: true });
    });
    this.closed = new Promise((resolve) => {
      socket.addEventListener('close', (event) => {
        this.closeCode = event.code;
        this.closeReason = event.reason;
        resolve(event.code);
        this.#wake();
      });
    });
    socket.addEventListener('message', (event) => {
      const text = String(event.data);
      this.raw.push(text);
      const frame = JSON.parse(text) as Frame;
      // Every frame the server sends must match the protocol's schema for its type.
      const schema = SERVER_FRAME_SCHEMAS[frame.type as ServerFrameType];
      if (!schema || !Value.Check(schema, frame)) this.violations.push(text.slice(0, 300));
      this.frames.push(frame);
      this.#wake();
    });
  }

  static connect(url: string, cookie?: string, headers: Record<string, string> = {}): Inbox {
    const socket = new WebSocket(url, { headers: { ...(cookie ? { cookie } : {}), ...headers } } as never);
    return new Inbox(socket);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** The next unread frame of `type` (frames of other types are skipped past). */
  async next(type: string, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.violations.length > 0) throw new Error(`frame does not match the protocol: ${this.violations[0]}`);
      while (this.#cursor < this.frames.length) {
        const frame = this.frames[this.#cursor++]!;
        if (frame.type === type) return frame;
      }
      if (this.closeCode !== null) {
        throw new Error(`socket closed (${this.closeCode} ${this.closeReason}) while waiting for ${type}`);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const seen = this.frames.map((frame) => frame.type).join(', ');
        throw new Error(`timed out waiting for ${type}; received: ${seen}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Every frame of `type` received so far. */
  all(type: string): Frame[] {
    return this.frames.filter((frame) => frame.type === type);
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  async expectClose(timeoutMs = 5000): Promise<number> {
    return Promise.race([
      this.closed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('socket did not close')), timeoutMs)),
    ]);
  }

  /** Closes every inbox of a test (whatever state each is in) and empties the list. */
  static closeAll(inboxes: Inbox[]): void {
    for (const inbox of inboxes.splice(0)) {
      try {
        inbox.socket.close();
      } catch {
        // already closed
      }
    }
  }

  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    this.socket.close();
    await this.closed;
  }
}
