/**
 * A WebSocket client written by hand on a raw TCP socket (Bun.connect), for the tests and
 * chaos scenarios that need what a browser-grade client hides: stop reading while the server
 * keeps sending (a slow consumer), keep writing while not reading, and see exactly which
 * frames and which close code arrive once reading resumes. Speaks only RFC 6455 and the
 * contract's `/ws` path; imports nothing from src/.
 */
import type { Socket } from 'bun';
import type { Frame } from './frame';

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;

/** One masked client frame (clients must mask, RFC 6455 §5.3). */
export function encodeClientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = new Uint8Array(headerLength + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame[2] = length >> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(length));
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, headerLength);
  for (let index = 0; index < length; index += 1) frame[headerLength + 4 + index] = payload[index]! ^ mask[index % 4]!;
  return frame;
}

export interface RawWebSocketOptions {
  /** http://host:port of the server (or of a proxy in front of it). */
  url: string;
  path: string;
  cookie?: string;
  timeoutMs?: number;
}

export class RawWebSocket {
  /** Text frames received (parsed JSON), in order. */
  readonly frames: Frame[] = [];
  /** Bytes read from the socket after the handshake. */
  bytesReceived = 0;
  /** Bytes handed to the socket (frames), including ones still queued locally. */
  bytesSent = 0;
  /** The close code of a close frame from the server, if one was read. */
  closeCode: number | null = null;
  /** True once the TCP connection has ended (FIN, RST or local close). */
  ended = false;
  readonly endedPromise: Promise<void>;

  #socket: Socket<undefined> | null = null;
  #inbound = new Uint8Array(0);
  #outbound: Uint8Array[] = [];
  #handshakeDone = false;
  #paused = false;
  #resolveEnded!: () => void;
  #onHandshake: ((error?: Error) => void) | null = null;

  private constructor() {
    this.endedPromise = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  /** Connects and completes the upgrade (101), or throws within the timeout. */
  static async connect(options: RawWebSocketOptions): Promise<RawWebSocket> {
    const client = new RawWebSocket();
    const target = new URL(options.url);
    const handshake = new Promise<void>((resolve, reject) => {
      client.#onHandshake = (error) => (error ? reject(error) : resolve());
    });
    client.#socket = await Bun.connect({
      hostname: target.hostname,
      port: Number(target.port),
      socket: {
        data: (_socket, chunk) => client.#receive(chunk),
        drain: () => client.#flush(),
        close: () => client.#end(),
        end: () => client.#end(),
        error: () => client.#end(),
        connectError: () => client.#end(),
      },
    });
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
    const request = [
      `GET ${options.path} HTTP/1.1`,
      `Host: ${target.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      ...(options.cookie ? [`Cookie: ${options.cookie}`] : []),
      '',
      '',
    ].join('\r\n');
    client.#write(new TextEncoder().encode(request));
    const timeoutMs = options.timeoutMs ?? 10_000;
    let timer: Timer | undefined;
    try {
      await Promise.race([
        handshake,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`raw websocket handshake timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      client.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  /** Stops reading from the kernel: the server sees TCP backpressure. */
  pause(): void {
    this.#paused = true;
    this.#socket?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#socket?.resume();
  }

  get paused(): boolean {
    return this.#paused;
  }

  sendText(text: string): void {
    this.#write(encodeClientFrame(OPCODE_TEXT, new TextEncoder().encode(text)));
  }

  /** Bytes accepted by sendText but not yet taken by the kernel. */
  get pendingBytes(): number {
    return this.#outbound.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  /** Waits until `predicate` holds on the received frames, the socket ends, or the timeout. */
  async waitFor(predicate: (client: RawWebSocket) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (predicate(this)) return true;
      if (this.ended) return predicate(this);
      await Bun.sleep(20);
    }
    return predicate(this);
  }

  /** Closes the TCP connection at once (no close handshake). */
  terminate(): void {
    this.#outbound = [];
    this.#socket?.terminate();
    this.#end();
  }

  #write(bytes: Uint8Array): void {
    this.bytesSent += bytes.length;
    this.#outbound.push(bytes);
    this.#flush();
  }

  #flush(): void {
    const socket = this.#socket;
    if (!socket || this.ended) return;
    while (this.#outbound.length > 0) {
      const chunk = this.#outbound[0]!;
      const written = socket.write(chunk);
      if (written < 0) return;
      if (written < chunk.length) {
        this.#outbound[0] = chunk.subarray(written);
        return;
      }
      this.#outbound.shift();
    }
  }

  #end(): void {
    if (this.ended) return;
    this.ended = true;
    this.#onHandshake?.(new Error('connection ended during the handshake'));
    this.#onHandshake = null;
    this.#resolveEnded();
  }

  #receive(chunk: Uint8Array): void {
    const merged = new Uint8Array(this.#inbound.length + chunk.length);
    merged.set(this.#inbound);
    merged.set(chunk, this.#inbound.length);
    this.#inbound = merged;
    if (!this.#handshakeDone) {
      const text = new TextDecoder().decode(this.#inbound);
      const headerEnd = text.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const status = text.slice(0, text.indexOf('\r\n'));
      if (!/^HTTP\/1\.1 101/.test(status)) {
        this.#onHandshake?.(new Error(`upgrade refused: ${status}`));
        this.#onHandshake = null;
        return;
      }
      this.#handshakeDone = true;
      this.#inbound = this.#inbound.subarray(new TextEncoder().encode(text.slice(0, headerEnd + 4)).length);
      this.#onHandshake?.();
      this.#onHandshake = null;
    }
    this.bytesReceived += chunk.length;
    this.#parseFrames();
  }

  #parseFrames(): void {
    for (;;) {
      const buffer = this.#inbound;
      if (buffer.length < 2) return;
      const opcode = buffer[0]! & 0x0f;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = (buffer[2]! << 8) | buffer[3]!;
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(new DataView(buffer.buffer, buffer.byteOffset).getBigUint64(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      this.#inbound = buffer.subarray(offset + length);
      if (opcode === OPCODE_TEXT) {
        const text = new TextDecoder().decode(payload);
        try {
          this.frames.push(JSON.parse(text) as Frame);
        } catch {
          this.frames.push({ type: '__not_json__', raw: text });
        }
      } else if (opcode === OPCODE_CLOSE) {
        this.closeCode = payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : 1005;
      } else if (opcode === OPCODE_PING && !this.#paused) {
        this.#write(encodeClientFrame(0xa, payload.slice()));
      }
    }
  }
}
