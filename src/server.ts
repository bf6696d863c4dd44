/**
 * Boots one quiz server from a Config: storage, secrets, the pool, the session, the HTTP
 * app and Bun's server with the two socket endpoints. Returns a handle that stops it all.
 * main.ts calls this with the environment; tests call it with a temp database and port 0.
 */
import type { Server } from 'bun';
import { readFileSync, statSync } from 'node:fs';
import { createApp } from './app';
import { DEMO_POOL_PATH, type Config } from './config';
import { createMediaStore } from './db/media-store';
import { openDb } from './db/open';
import { createQuizStore } from './db/quiz-store';
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
import { importPoolFolder, importPoolUpload } from './pool/pool-import';
import { SESSION_ID, SOCKET_PATHS } from './protocol/constants';
import type { Pool, PoolError } from './protocol/pool';
import { createSocketEndpoints, type HeartbeatOptions, type SocketData } from './realtime/sockets';
import { createSessionController } from './session/controller';
import { LOADED_POOL_SETTING, systemClock, systemScheduler, type Clock, type Scheduler, type SettingsStore } from './session/ports';

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
function resolveStartupPool(config: Config, store: SettingsStore, media: MediaStore): { pool: Pool; fromFile: boolean } {
  // A pool JSON file, a .zip of pool.json and its images, or a folder laid out like one.
  const readPoolFile = (path: string) => {
    let validation: PoolValidation;
    try {
      validation = statSync(path).isDirectory() ? importPoolFolder(path, media) : importPoolUpload(readFileSync(path), media);
    } catch (error) {
      throw new PoolLoadError(path, [{ path: '/', message: `cannot read it: ${(error as Error).message}` }]);
    }
    if (!validation.ok) throw new PoolLoadError(path, validation.details);
    return validation.pool;
  };
  if (config.poolPath) return { pool: readPoolFile(config.poolPath), fromFile: true };
  const stored = store.readSetting(LOADED_POOL_SETTING);
  if (stored) return { pool: readStoredPool(stored), fromFile: false };
  return { pool: readPoolFile(DEMO_POOL_PATH), fromFile: true };
}

export async function startServer(config: Config, overrides: ServerOverrides = {}) {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const scheduler = overrides.scheduler ?? systemScheduler;

  const db = openDb(config.dbPath);
  const store = createQuizStore(db, SESSION_ID);
  const media = createMediaStore(db, clock);
  try {
    const startup = resolveStartupPool(config, store, media);
    if (startup.fromFile) store.writeSetting(LOADED_POOL_SETTING, JSON.stringify(startup.pool));
    const signingKey = resolveSigningKey(config, logger);
    const adminPasswordHash = await resolveAdminPasswordHash(config, store, logger);

    let server: Server<SocketData> | null = null;
    const controller = createSessionController({
      store,
      clock,
      scheduler,
      logger,
      loadedPool: startup.pool,
      joinCodeKey: signingKey,
      publisher: { publish: (topic, data) => void server?.publish(topic, data) },
    });
    // A fresh lobby plays the pool just loaded; a run already under way keeps its own.
    if (startup.fromFile && controller.state.phase === 'lobby') controller.replacePool(startup.pool);
    const instructor = createInstructorCheck({ adminPasswordHash, clock, signIns: createSignInStore(db) });
    const cookieNames = cookieNaming(config.publicUrl?.startsWith('https://') ?? false);

    const deps: AppDeps = {
      config,
      controller,
      store,
      media,
      logger,
      clock,
      signingKey,
      instructor,
      cookieNames,
      requestIp: (request) => server?.requestIP(request)?.address ?? null,
      startedAt: clock.now(),
    };
    const app = createApp(deps);
    const secure = securityHeaders(config);
    const sockets = createSocketEndpoints(
      { controller, instructor, signingKey, cookieNames, origins: config, maxSocketsPerAddress: config.maxSocketsPerAddress },
      overrides.heartbeat,
    );

    server = Bun.serve<SocketData>({
      port: config.port,
      hostname: config.host,
      reusePort: false,
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
    });
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`;
    logger.info('listening', {
      url,
      db: config.dbPath,
      pool: startup.pool.title,
      run_id: controller.runId,
      phase: controller.state.phase,
    });

    let stopped = false;
    return {
      url,
      port: server.port as number,
      controller,
      store,
      media,
      server,
      async stop() {
        if (stopped) return;
        stopped = true;
        sockets.stop();
        controller.stop();
        await server!.stop(true);
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
