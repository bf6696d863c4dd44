/**
 * Plain-object fakes for the socket and publisher ports (`src/session/ports.ts`): they
 * record what was sent, published and closed, so a test asserts on frames, not on calls.
 */
import type { Publisher, SocketPort } from '../../src/session/ports';

export type Frame = { type: string; [key: string]: any };

export class FakeSocket implements SocketPort {
  /** Raw text of every send, in order. */
  sent: string[] = [];
  closes: { code: number; reason: string }[] = [];
  /** When true, send reports a dropped message (Bun returns 0). */
  full = false;

  send(data: string): number {
    this.sent.push(data);
    return this.full ? 0 : data.length;
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }

  get frames(): Frame[] {
    return this.sent.map((data) => JSON.parse(data) as Frame);
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((frame) => frame.type === type);
  }
}

export class FakePublisher implements Publisher {
  published: { topic: string; data: string }[] = [];

  publish(topic: string, data: string): void {
    this.published.push({ topic, data });
  }

  frames(topic: string): Frame[] {
    return this.published.filter((entry) => entry.topic === topic).map((entry) => JSON.parse(entry.data) as Frame);
  }
}
