/**
 * A TCP proxy on 127.0.0.1 (Bun.listen + Bun.connect) that sits between clients and the
 * server and misbehaves on request: it adds latency to every chunk, drops connections
 * (closes both sides), or turns connections half-open (stops forwarding and stops
 * reading on both sides without closing, so neither peer learns anything: a phone that
 * walked out of Wi-Fi range). It knows nothing about HTTP or WebSocket.
 */
import type { Socket, TCPSocketListener } from 'bun';

/** Per-direction buffered bytes above which the proxy stops reading the source. */
const HIGH_WATER_BYTES = 256 * 1024;

type Side = { role: 'client' | 'upstream'; link: Link };

class Pipe {
  readonly queue: { at: number; bytes: Uint8Array }[] = [];
  queuedBytes = 0;
  timer: Timer | null = null;
  constructor(
    readonly link: Link,
    readonly from: 'client' | 'upstream',
  ) {}
}

class Link {
  client: Socket<Side>;
  upstream: Socket<Side> | null = null;
  state: 'open' | 'half-open' | 'closed' = 'open';
  readonly toUpstream: Pipe;
  readonly toClient: Pipe;
  /** Client bytes that arrived before the upstream connection was up. */
  early: Uint8Array[] = [];

  constructor(client: Socket<Side>) {
    this.client = client;
    this.toUpstream = new Pipe(this, 'client');
    this.toClient = new Pipe(this, 'upstream');
  }
}

export interface TcpProxy {
  /** http://127.0.0.1:port of the proxy. */
  readonly url: string;
  readonly port: number;
  /** Latency added to every chunk in each direction, ms. */
  setLatency(ms: number): void;
  /** Connections currently open through the proxy (not half-open, not closed). */
  openCount(): number;
  /** Connections made half-open and still held. */
  halfOpenCount(): number;
  /** Closes the given number of open connections (all when omitted) on both sides. */
  drop(count?: number): number;
  /** Makes the given number of open connections (all when omitted) half-open. */
  halfOpen(count?: number): number;
  /** New connections from now on are half-open from the start (after the upstream connect). */
  setNewConnectionsHalfOpen(value: boolean): void;
  /** Stops listening and closes every connection, half-open ones included. */
  close(): void;
}

export async function startTcpProxy(upstreamUrl: string, options: { latencyMs?: number } = {}): Promise<TcpProxy> {
  const upstream = new URL(upstreamUrl);
  let latencyMs = options.latencyMs ?? 0;
  let newHalfOpen = false;
  const links = new Set<Link>();

  function schedule(pipe: Pipe): void {
    if (pipe.timer || pipe.queue.length === 0 || pipe.link.state !== 'open') return;
    const wait = pipe.queue[0]!.at - Date.now();
    if (wait > 0) {
      pipe.timer = setTimeout(() => {
        pipe.timer = null;
        pump(pipe);
      }, wait);
      return;
    }
    pump(pipe);
  }

  /** Writes due chunks to the destination; stops on kernel backpressure (drain resumes). */
  function pump(pipe: Pipe): void {
    const link = pipe.link;
    if (link.state !== 'open') return;
    const destination = pipe.from === 'client' ? link.upstream : link.client;
    const source = pipe.from === 'client' ? link.client : link.upstream;
    if (!destination) return;
    const now = Date.now();
    while (pipe.queue.length > 0 && pipe.queue[0]!.at <= now) {
      const head = pipe.queue[0]!;
      const written = destination.write(head.bytes);
      if (written < head.bytes.length) {
        const taken = Math.max(0, written);
        head.bytes = head.bytes.subarray(taken);
        pipe.queuedBytes -= taken;
        return;
      }
      pipe.queue.shift();
      pipe.queuedBytes -= head.bytes.length;
    }
    if (pipe.queuedBytes < HIGH_WATER_BYTES) source?.resume();
    schedule(pipe);
  }

  function enqueue(pipe: Pipe, chunk: Uint8Array): void {
    if (pipe.link.state !== 'open') return;
    pipe.queue.push({ at: Date.now() + latencyMs, bytes: new Uint8Array(chunk) });
    pipe.queuedBytes += chunk.length;
    const source = pipe.from === 'client' ? pipe.link.client : pipe.link.upstream;
    if (pipe.queuedBytes >= HIGH_WATER_BYTES) source?.pause();
    schedule(pipe);
  }

  function closeLink(link: Link): void {
    if (link.state === 'closed') return;
    link.state = 'closed';
    for (const pipe of [link.toClient, link.toUpstream]) {
      if (pipe.timer) clearTimeout(pipe.timer);
      pipe.queue.length = 0;
    }
    links.delete(link);
    link.client.terminate();
    link.upstream?.terminate();
  }

  function makeHalfOpen(link: Link): void {
    if (link.state !== 'open') return;
    link.state = 'half-open';
    for (const pipe of [link.toClient, link.toUpstream]) {
      if (pipe.timer) clearTimeout(pipe.timer);
      pipe.timer = null;
      pipe.queue.length = 0;
      pipe.queuedBytes = 0;
    }
    link.early = [];
    // Not reading means the kernel buffers fill and then the peers' writes stall, exactly
    // as with a vanished client; nothing is closed, so no FIN or RST is ever sent.
    link.client.pause();
    link.upstream?.pause();
  }

  const listener: TCPSocketListener<Side> = Bun.listen<Side>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(client) {
        const link = new Link(client);
        client.data = { role: 'client', link };
        links.add(link);
        Bun.connect<Side>({
          hostname: upstream.hostname,
          port: Number(upstream.port),
          data: { role: 'upstream', link },
          socket: {
            open(server) {
              if (link.state === 'closed') return void server.terminate();
              link.upstream = server;
              for (const chunk of link.early) enqueue(link.toUpstream, chunk);
              link.early = [];
              if (newHalfOpen) makeHalfOpen(link);
            },
            data(_server, chunk) {
              enqueue(link.toClient, chunk);
            },
            drain() {
              pump(link.toUpstream);
            },
            close() {
              if (link.state === 'open') closeLink(link);
            },
            end() {
              if (link.state === 'open') closeLink(link);
            },
            error() {
              if (link.state === 'open') closeLink(link);
            },
            connectError() {
              closeLink(link);
            },
          },
        }).catch(() => closeLink(link));
      },
      data(client, chunk) {
        const link = client.data.link;
        if (link.state !== 'open') return;
        if (!link.upstream) link.early.push(new Uint8Array(chunk));
        else enqueue(link.toUpstream, chunk);
      },
      drain(client) {
        pump(client.data.link.toClient);
      },
      close(client) {
        if (client.data.link.state === 'open') closeLink(client.data.link);
      },
      end(client) {
        if (client.data.link.state === 'open') closeLink(client.data.link);
      },
      error(client) {
        if (client.data.link.state === 'open') closeLink(client.data.link);
      },
    },
  });

  const openLinks = () => [...links].filter((link) => link.state === 'open' && link.upstream);
  return {
    url: `http://127.0.0.1:${listener.port}`,
    port: listener.port,
    setLatency(ms) {
      latencyMs = ms;
    },
    openCount: () => [...links].filter((link) => link.state === 'open').length,
    halfOpenCount: () => [...links].filter((link) => link.state === 'half-open').length,
    drop(count) {
      const chosen = openLinks().slice(0, count ?? Infinity);
      for (const link of chosen) closeLink(link);
      return chosen.length;
    },
    halfOpen(count) {
      const chosen = openLinks().slice(0, count ?? Infinity);
      for (const link of chosen) makeHalfOpen(link);
      return chosen.length;
    },
    setNewConnectionsHalfOpen(value) {
      newHalfOpen = value;
    },
    close() {
      listener.stop(true);
      for (const link of [...links]) closeLink(link);
    },
  };
}
