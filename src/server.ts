/**
 * Boots one quiz server from a Config: storage, secrets, the pool, the session, the HTTP
 * app and Bun's server with the two socket endpoints. Returns a handle that stops it all.
 * main.ts calls this with the environment; tests call it with a temp database and port 0.
 */
import type { Server } from 'bun';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createApp } from './app';
import { createBankLibrary } from './banks/bank-library';
import { DEMO_POOL_PATH, type Config } from './config';
import { createBankStore } from './db/bank-store';
import { createMediaStore } from './db/media-store';
import { openDb } from './db/open';
import { createQuizStore } from './db/quiz-store';
import { createRunArchiveStore } from './db/run-archive-store';
import { createSignInStore } from './db/sign-in-store';
import { AppError } from './errors';
import { BUN_MAX_REQUEST_BODY_BYTES, enforceBodyLimit } from './http/body-limit';
import type { AppDeps } from './http/deps';
import { dropForgedCookies, isPageRequest, withClearedCookies } from './http/forged-cookies';
import { securityHeaders } from './http/security-headers';
import { cookieNaming } from './identity/cookie-names';
import { createInstructorCheck } from './identity/instructor';
import { resolveAdminPasswordHash, resolveSigningKey } from './identity/secrets';
import { createLogger, type Logger } from './logger';
import type { MediaStore } from './pool/media';
import { readStoredPool, type PoolValidation } from './pool/pool';
import { importPoolFile, importPoolFolder, storeBankMedia } from './pool/pool-import';
import { SESSION_ID, SOCKET_PATHS } from './protocol/constants';
import type { Pool, PoolError } from './protocol/pool';
import { createSocketEndpoints, type HeartbeatOptions, type SocketData } from './realtime/sockets';
import { createSessionController } from './session/controller';
import { createPastRuns } from './session/past-runs';
import { createRetention } from './session/retention';
import { LOADED_POOL_SETTING, systemClock, systemScheduler, type Clock, type Scheduler, type SettingsStore } from './session/ports';
import { CertificateError, readCertificatePair, type CertificatePair } from './tls/certificate';
import { httpPortHandler } from './tls/http-port';
import { listenOrExplain, startListeners, type Listeners, type ServerHandlers } from './tls/listeners';

export interface ServerOverrides {
  clock?: Clock;
  scheduler?: Scheduler;
  logger?: Logger;
  heartbeat?: HeartbeatOptions;
}

export class PoolLoadError extends Error {
  constructor(
    readonly source: string,
    readonly details: PoolError[],
  ) {
    super(`the pool ${source} is invalid`);
  }
}

/** The pool to play: QUIZ_POOL_PATH if given, else the stored one, else the demo pool. */
async function resolveStartupPool(config: Config, store: SettingsStore, media: MediaStore): Promise<{ pool: Pool; fromFile: boolean; sourcePath: string | null }> {
  // A folder laid out like a pool .zip, or a file in any format the console's upload takes
  // (pool JSON, a .zip, GIFT, Aiken, Moodle XML, CSV, .xlsx); a GIFT file's categories are one pool.
  const readPoolFile = async (path: string): Promise<Pool> => {
    let imported: PoolValidation;
    try {
      if (statSync(path).isDirectory()) imported = importPoolFolder(path, media);
      else {
        const file = await importPoolFile({ name: basename(path), bytes: readFileSync(path) }, { oneBank: true });
        if (file.ok) storeBankMedia(file.banks[0]!, media);
        imported = file.ok ? { ok: true, pool: file.banks[0]!.pool } : { ok: false, details: file.details };
      }
    } catch (error) {
      throw new PoolLoadError(path, [{ path: '/', message: `cannot read it: ${(error as Error).message}` }]);
    }
    if (!imported.ok) throw new PoolLoadError(path, imported.details);
    return imported.pool;
  };
  if (config.poolPath) return { pool: await readPoolFile(config.poolPath), fromFile: true, sourcePath: config.poolPath };
  const stored = store.readSetting(LOADED_POOL_SETTING);
  if (stored) return { pool: readStoredPool(stored), fromFile: false, sourcePath: null };
  return { pool: await readPoolFile(DEMO_POOL_PATH), fromFile: true, sourcePath: null };
}

/** The ACME webroot must be a folder we can read, or certbot's challenges would 404 at renewal time. */
function checkAcmeWebroot(webroot: string | null): void {
  if (webroot === null) return;
  let isFolder = false;
  try {
    isFolder = statSync(webroot).isDirectory();
  } catch {
    throw new CertificateError(`QUIZ_ACME_WEBROOT: ${webroot} does not exist (create it; certbot --webroot -w ${webroot} writes into it)`);
  }
  if (!isFolder) throw new CertificateError(`QUIZ_ACME_WEBROOT: ${webroot} is not a folder`);
}

export async function startServer(config: Config, overrides: ServerOverrides = {}) {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const scheduler = overrides.scheduler ?? systemScheduler;
  // Certificate problems are refused before anything is opened or written.
  let certificate: CertificatePair | null = config.tls ? readCertificatePair(config.tls) : null;
  checkAcmeWebroot(config.acmeWebroot);
  const https = certificate !== null || (config.publicUrl?.startsWith('https://') ?? false);

  const db = openDb(config.dbPath);
  const store = createQuizStore(db, SESSION_ID);
  const media = createMediaStore(db, clock);
  try {
    const startup = await resolveStartupPool(config, store, media);
    if (startup.fromFile) store.writeSetting(LOADED_POOL_SETTING, JSON.stringify(startup.pool));
    const signingKey = resolveSigningKey(config, logger);
    const adminPasswordHash = await resolveAdminPasswordHash(config, store, logger);

    let listeners: Listeners<SocketData> | null = null;
    const controller = createSessionController({
      store,
      clock,
      scheduler,
      logger,
      loadedPool: startup.pool,
      joinCodeKey: signingKey,
      publisher: { publish: (topic, data) => listeners?.publish(topic, data) },
    });
    // A fresh lobby plays the pool just loaded; a run already under way keeps its own.
    if (startup.fromFile && controller.state.phase === 'lobby') controller.replacePool(startup.pool);
    const banks = createBankLibrary({
      store: createBankStore(db),
      settings: store,
      clock,
      player: {
        get phase() {
          return controller.state.phase;
        },
        replacePool: controller.replacePool,
      },
    });
    // The pool loaded today is a bank too (the first one of a database from before banks).
    banks.adoptStartupPool(startup.pool, startup.sourcePath);
    const archive = createRunArchiveStore(db, SESSION_ID);
    const pastRuns = createPastRuns({ archive, clock, logger, currentRunId: () => controller.runId });
    const retention = createRetention({ pastRuns, scheduler, logger, settings: () => controller.settings });
    const instructor = createInstructorCheck({ adminPasswordHash, clock, signIns: createSignInStore(db) });
    // Served over https (our own TLS, or a proxy's per QUIZ_PUBLIC_URL): Secure, __Host- cookies.
    const cookieNames = cookieNaming(https);

    const deps: AppDeps = {
      config,
      controller,
      store,
      media,
      banks,
      logger,
      clock,
      signingKey,
      instructor,
      cookieNames,
      requestIp: (request) => listeners?.server.requestIP(request)?.address ?? null,
      startedAt: clock.now(),
      pastRuns,
      archive,
      retention,
      classList: () => store.listClassList().map((row) => ({ student_id: row.studentId, name: row.name })),
    };
    const app = createApp(deps);
    const secure = securityHeaders({ https });
    const sockets = createSocketEndpoints(
      { controller, instructor, signingKey, cookieNames, origins: config, maxSocketsPerAddress: config.maxSocketsPerAddress },
      overrides.heartbeat,
    );

    const handlers: ServerHandlers<SocketData> = {
      maxRequestBodySize: BUN_MAX_REQUEST_BODY_BYTES,
      // Every response leaves through `secure`: one place for the security headers.
      async fetch(request, bunServer) {
        const path = new URL(request.url).pathname;
        if (path === SOCKET_PATHS.STUDENT || path === SOCKET_PATHS.ADMIN) {
          const refused = await sockets.upgrade(request, bunServer);
          return refused && secure(refused, path);
        }
        if (isPageRequest(request, path)) {
          const { request: cleaned, dropped } = await dropForgedCookies(request, signingKey);
          return secure(withClearedCookies(await app.fetch(cleaned), dropped), path);
        }
        const limited = await enforceBodyLimit(request);
        return secure(limited instanceof Response ? limited : await app.fetch(limited), path);
      },
      // Only reached if something above throws outside the app's own error mapping.
      error(error) {
        const requestId = crypto.randomUUID();
        logger.error('request_failed', { request_id: requestId, error: error.message, stack: error.stack });
        const response = new AppError(500, 'internal_error', 'something went wrong on the server', { request_id: requestId }, {
          'x-request-id': requestId,
        }).toResponse();
        return secure(response, '');
      },
      websocket: sockets.handlers,
    };
    listeners = await startListeners<SocketData>({ port: config.port, hostname: config.host, handlers, certificate });
    const port = listeners.port;
    let httpServer: Server<undefined> | null = null;
    if (config.httpPort !== null) {
      const redirectOrChallenge = httpPortHandler({ webroot: config.acmeWebroot, httpsPort: port, publicUrl: config.publicUrl });
      try {
        httpServer = listenOrExplain('QUIZ_HTTP_PORT', config.httpPort, config.host, () =>
          Bun.serve({
            port: config.httpPort!,
            hostname: config.host,
            reusePort: false,
            fetch: async (request) => secure(await redirectOrChallenge(request), ''),
          }),
        );
      } catch (error) {
        controller.stop();
        await listeners.stop();
        throw error;
      }
    }
    const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
    // Purges at once (start-up) and hourly while a retention is set; stopped with the server.
    retention.start();
    const url = `${certificate ? 'https' : 'http'}://${hostForUrl}:${port}`;
    logger.info('listening', {
      url,
      ...(certificate ? { tls_fingerprint: certificate.fingerprint256, tls_valid_to: certificate.validTo.toISOString() } : {}),
      ...(httpServer ? { http_url: `http://${hostForUrl}:${httpServer.port}` } : {}),
      db: config.dbPath,
      pool: startup.pool.title,
      run_id: controller.runId,
      phase: controller.state.phase,
    });

    /**
     * SIGHUP: re-reads QUIZ_TLS_CERT and QUIZ_TLS_KEY; new connections get the new pair, open
     * ones (every student's socket) stay. A pair that does not check out is logged and the
     * one in service stays.
     */
    function reloadCertificate(): { ok: true; fingerprint256: string } | { ok: false; reason: string } {
      if (!config.tls || !certificate) {
        logger.info('tls_reload_skipped', { reason: 'TLS is not configured (QUIZ_TLS_CERT, QUIZ_TLS_KEY)' });
        return { ok: false, reason: 'TLS is not configured' };
      }
      let next: CertificatePair;
      try {
        next = readCertificatePair(config.tls);
        listeners!.replaceCertificate(next);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        logger.error('tls_reload_failed', { reason, kept_fingerprint: certificate.fingerprint256 });
        return { ok: false, reason };
      }
      logger.info('tls_reloaded', { fingerprint: next.fingerprint256, previous: certificate.fingerprint256, valid_to: next.validTo.toISOString() });
      certificate = next;
      return { ok: true, fingerprint256: next.fingerprint256 };
    }

    let stopped = false;
    return {
      url,
      port,
      /** The plain-HTTP port (QUIZ_HTTP_PORT), or null. */
      httpPort: (httpServer?.port as number | undefined) ?? null,
      controller,
      store,
      media,
      /** The Bun server accepting new connections (after a certificate swap, the new one). */
      get server(): Server<SocketData> {
        return listeners!.server;
      },
      reloadCertificate,
      async stop() {
        if (stopped) return;
        stopped = true;
        sockets.stop();
        retention.stop();
        controller.stop();
        await Promise.all([listeners!.stop(), httpServer?.stop(true)]);
        db.$client.close();
        logger.info('stopped');
      },
    };
  } catch (error) {
    db.$client.close();
    throw error;
  }
}

export type QuizServer = Awaited<ReturnType<typeof startServer>>;
