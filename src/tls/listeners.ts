/**
 * The port the quiz listens on, as one object: a single Bun server, or with TLS the
 * current one plus the ones retiring after a certificate swap.
 *
 * Bun 1.4.4 cannot change a running server's certificate (`server.reload()` only swaps
 * handlers, and ignores `tls`: checked by tests/integration/tls.test.ts). So a swap starts
 * a second server with the new certificate on the same port (SO_REUSEPORT) and stops the
 * old one gracefully: the old one stops accepting, but its open WebSockets stay open and
 * keep working until they close by themselves. Publishing therefore goes to every server
 * still holding sockets: a topic reaches only the sockets of the server that publishes it.
 */
import type { Server, WebSocketHandler } from 'bun';
import type { CertificatePair } from './certificate';

export class ListenError extends Error {}

export interface ServerHandlers<Data> {
  fetch(request: Request, server: Server<Data>): Response | undefined | Promise<Response | undefined>;
  error(error: Error): Response;
  websocket: WebSocketHandler<Data>;
  maxRequestBodySize: number;
}

/** Runs `start`, turning "port taken" and "not allowed" into a sentence naming the variable. */
export function listenOrExplain<T>(variable: string, port: number, hostname: string, start: () => T): T {
  try {
    return start();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'EADDRINUSE' || /in use/i.test(message)) {
      throw new ListenError(`${variable}=${port}: port ${port} on ${hostname} is already in use by another process; stop it or choose another ${variable}`);
    }
    if (code === 'EACCES' || /permission denied|EACCES/i.test(message)) {
      throw new ListenError(`${variable}=${port}: not allowed to listen on port ${port} (ports below 1024 need CAP_NET_BIND_SERVICE)`);
    }
    throw error;
  }
}

export type Listeners<Data> = Awaited<ReturnType<typeof startListeners<Data>>>;

export async function startListeners<Data>(options: {
  port: number;
  hostname: string;
  handlers: ServerHandlers<Data>;
  certificate: CertificatePair | null;
}) {
  const { hostname, handlers } = options;
  const serve = (port: number, certificate: CertificatePair | null) =>
    Bun.serve<Data>({
      ...handlers,
      port,
      hostname,
      // Only with TLS: a swap needs two servers on the port for a moment.
      reusePort: certificate !== null,
      ...(certificate ? { tls: { cert: certificate.cert, key: certificate.key } } : {}),
    });

  let port = options.port;
  if (options.certificate) {
    // SO_REUSEPORT would let us share the port with another server that also asked for it
    // (a second quiz): bind once without it first, so a taken port is refused as taken.
    const probe = listenOrExplain('PORT', port, hostname, () =>
      Bun.serve({ port, hostname, reusePort: false, fetch: () => new Response(null, { status: 503 }) }),
    );
    port = probe.port as number;
    await probe.stop(true);
  }
  let current = listenOrExplain('PORT', port, hostname, () => serve(port, options.certificate));
  port = current.port as number;
  const retiring = new Set<Server<Data>>();

  return {
    /** The server accepting new connections. */
    get server(): Server<Data> {
      return current;
    },
    port,
    /** Servers still holding connections from before a certificate swap. */
    get retiringCount(): number {
      return retiring.size;
    },
    publish(topic: string, data: string): void {
      current.publish(topic, data);
      for (const server of retiring) server.publish(topic, data);
    },
    /**
     * New connections get `certificate`; open ones keep theirs. Throws (and changes nothing)
     * if Bun refuses the pair.
     */
    replaceCertificate(certificate: CertificatePair): void {
      const next = serve(port, certificate);
      const previous = current;
      current = next;
      retiring.add(previous);
      void previous.stop(false).finally(() => retiring.delete(previous));
    },
    async stop(): Promise<void> {
      await Promise.all([current, ...retiring].map((server) => server.stop(true)));
    },
  };
}
