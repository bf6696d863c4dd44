/**
 * Boots the real server in-process on port 0 with a temp database, and gives tests the
 * few HTTP and socket moves they all need. Always `await world.stop()` (afterEach/afterAll).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { loadConfig } from '../../src/config';
import type { Logger } from '../../src/logger';
import { CHOICE_LETTERS } from '../../src/protocol/constants';
import { startServer, type QuizServer } from '../../src/server';
import { poolToInput } from '../../src/pool/pool-input';
import { PoolSchema, type Pool, type PoolInput, type PoolQuestion, type QuestionInput } from '../../src/protocol/pool';
import type { HeartbeatOptions } from '../../src/realtime/sockets';
import { FakeTime } from './fake-time';
import { Inbox } from './inbox';

export const TEST_ADMIN_PASSWORD = 'test-admin-password';
export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdefghijklmnop';

export interface TestWorldOptions {
  /** Use a FakeTime clock/scheduler (deadlines move only with `time.advance`). */
  fakeTime?: boolean;
  /** A pool file, or a normalised pool (written as `toPoolInput` of it). */
  pool?: unknown;
  env?: Record<string, string>;
  /** Reuse a database folder (restart tests). */
  dir?: string;
  /** Socket liveness timing (real time), e.g. short values to test reaping. */
  heartbeat?: HeartbeatOptions;
  /** Capture the server's log lines. */
  logger?: Logger;
}

export function makePool(questionCount: number, options: { timeLimitS?: number; choices?: number } = {}): Pool {
  const choiceCount = options.choices ?? 4;
  return {
    title: `Test pool (${questionCount})`,
    scoring: 'speed',
    questions: Array.from({ length: questionCount }, (_, index) => ({
      type: 'single',
      text: `Question ${index + 1}?`,
      choices: Array.from({ length: choiceCount }, (_, choice) => `Choice ${CHOICE_LETTERS[choice]} of ${index + 1}`),
      answer: CHOICE_LETTERS[index % choiceCount]!,
      tolerance: 0,
      time_limit_s: options.timeLimitS ?? 20,
      explanation: `Because ${CHOICE_LETTERS[index % choiceCount]}.`,
      scoring: 'speed',
      image: null,
      image_alt: null,
    })),
  };
}

/** A full v2 question: a 4-choice single-answer question (answer A, 20 s) unless overridden. */
export function makeQuestion(overrides: Partial<PoolQuestion> = {}): PoolQuestion {
  const type = overrides.type ?? 'single';
  return {
    type,
    text: 'Question?',
    choices: type === 'numeric' ? [] : ['Choice A', 'Choice B', 'Choice C', 'Choice D'],
    answer: type === 'poll' ? null : type === 'numeric' ? 0 : type === 'multiple' ? ['A'] : 'A',
    tolerance: 0,
    time_limit_s: 20,
    explanation: null,
    scoring: 'speed',
    image: null,
    image_alt: null,
    ...overrides,
  };
}

/** The pool file an instructor would upload for a normalised pool (src/pool/pool-input.ts). */
export const toPoolInput: (pool: Pool) => PoolInput = poolToInput;

const isNormalisedPool = TypeCompiler.Compile(PoolSchema);

export interface TestWorld {
  server: QuizServer;
  time: FakeTime | null;
  dir: string;
  baseUrl: string;
  wsUrl: string;
  adminWsUrl: string;
  http(path: string, init?: RequestInit & { cookie?: string; json?: unknown }): Promise<Response>;
  join(studentId: string, name?: string, cookie?: string): Promise<{ response: Response; cookie: string }>;
  adminLogin(): Promise<string>;
  adminPost(path: string, json?: unknown): Promise<Response>;
  connectStudent(cookie: string): Promise<Inbox>;
  connectAdmin(): Promise<Inbox>;
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/**
 * The `name=value` part of a response's Set-Cookie for `name`, under its plain or its
 * `__Host-` name (behind https); a set value wins over a clearing one ('' if none).
 */
export function cookieFrom(response: Response, name: string): string {
  const pairs = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .filter((pair) => pair.startsWith(`${name}=`) || pair.startsWith(`__Host-${name}=`));
  return pairs.find((pair) => !pair.endsWith('=')) ?? pairs[0] ?? '';
}

export async function startTestWorld(options: TestWorldOptions = {}): Promise<TestWorld> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'quiz-test-'));
  let poolPath: string | undefined;
  if (options.pool !== undefined) {
    poolPath = join(dir, 'pool.json');
    // A normalised pool (makePool) is written as the pool file it comes from.
    const poolFile = isNormalisedPool.Check(options.pool) ? toPoolInput(options.pool) : options.pool;
    writeFileSync(poolPath, JSON.stringify(poolFile));
  }
  const config = loadConfig({
    PORT: '0',
    QUIZ_DB_PATH: join(dir, 'quiz.db'),
    QUIZ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    QUIZ_SECRET_KEY: TEST_SECRET_KEY,
    QUIZ_LOG_LEVEL: process.env.QUIZ_TEST_LOGS ? 'debug' : 'silent',
    ...(poolPath ? { QUIZ_POOL_PATH: poolPath } : {}),
    ...options.env,
  });
  const time = options.fakeTime ? new FakeTime() : null;
  const server = await startServer(config, {
    ...(time ? { clock: time, scheduler: time } : {}),
    ...(options.heartbeat ? { heartbeat: options.heartbeat } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const baseUrl = server.url;
  const wsBase = baseUrl.replace(/^http/, 'ws');
  let adminCookie: string | null = null;

  const world: TestWorld = {
    server,
    time,
    dir,
    baseUrl,
    wsUrl: `${wsBase}/ws`,
    adminWsUrl: `${wsBase}/admin/ws`,
    async http(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.cookie) headers.set('cookie', init.cookie);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(`${baseUrl}${path}`, { ...init, headers, body });
    },
    async join(studentId, name = `Student ${studentId}`, cookie) {
      const response = await world.http('/api/join', {
        method: 'POST',
        json: { student_id: studentId, name },
        ...(cookie ? { cookie } : {}),
      });
      return { response, cookie: cookieFrom(response, 'quiz_student') };
    },
    async adminLogin() {
      if (adminCookie) return adminCookie;
      const response = await world.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
      if (response.status !== 200) throw new Error(`admin login failed: ${response.status}`);
      adminCookie = cookieFrom(response, 'quiz_admin');
      return adminCookie;
    },
    async adminPost(path, json) {
      const cookie = await world.adminLogin();
      return world.http(path, { method: 'POST', cookie, ...(json === undefined ? {} : { json }) });
    },
    async connectStudent(cookie) {
      const inbox = Inbox.connect(world.wsUrl, cookie);
      await inbox.opened;
      return inbox;
    },
    async connectAdmin() {
      const inbox = Inbox.connect(world.adminWsUrl, await world.adminLogin());
      await inbox.opened;
      return inbox;
    },
    async stop(stopOptions = {}) {
      await server.stop();
      if (!stopOptions.keepDir && !options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
