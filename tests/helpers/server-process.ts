/**
 * Runs the real server process (`bun src/main.ts`) for tests that need a real crash or a
 * real start-up: spawn on port 0, read the "listening" log line for the URL, keep draining
 * its output, and kill it for sure afterwards (`killAll` in afterEach).
 */
import type { Subprocess } from 'bun';
import { join } from 'node:path';
import { REPO } from './run-command';
import { TEST_ADMIN_PASSWORD, TEST_SECRET_KEY } from './test-server';

const running = new Set<Subprocess>();

/** A minimal environment: nothing from the test runner (bun test sets NODE_ENV=test). */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    HOST: '127.0.0.1',
    QUIZ_LOG_LEVEL: 'info',
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function serverEnv(dir: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return baseEnv({
    QUIZ_DB_PATH: join(dir, 'quiz.db'),
    QUIZ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    QUIZ_SECRET_KEY: TEST_SECRET_KEY,
    ...extra,
  });
}

/** `bun src/main.ts` in the clone, tracked for `killAll`. */
function spawnServer(env: Record<string, string>) {
  const proc = Bun.spawn(['bun', 'src/main.ts'], { cwd: REPO, env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  running.add(proc);
  return proc;
}

async function drain(stream: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
}

export interface ServerProcess {
  proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  url: string;
  wsUrl: string;
  adminWsUrl: string;
  stdout: () => string;
  stderr: () => string;
  /** Parsed JSON log lines so far. */
  logs: () => Array<Record<string, unknown>>;
  kill9: () => Promise<void>;
}

/** Starts the server and resolves once it logs "listening" (rejects on exit or timeout). */
export async function startProcess(env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  const proc = spawnServer(env);
  let out = '';
  let err = '';
  let resolveListening!: (url: string) => void;
  const listening = new Promise<string>((resolve) => (resolveListening = resolve));
  void drain(proc.stdout, (text) => {
    out += text;
    for (const line of out.split('\n')) {
      if (!line.includes('"msg":"listening"')) continue;
      try {
        resolveListening(String(JSON.parse(line).url));
      } catch {
        // a partial line; the next chunk completes it
      }
    }
  }).catch(() => {});
  void drain(proc.stderr, (text) => (err += text)).catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const url = await Promise.race([
    listening,
    proc.exited.then((code) => {
      throw new Error(`server exited with ${code} before listening; stderr: ${err}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms; stdout: ${out} stderr: ${err}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const ws = url.replace(/^http/, 'ws');
  return {
    proc,
    url,
    wsUrl: `${ws}/ws`,
    adminWsUrl: `${ws}/admin/ws`,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    async kill9() {
      proc.kill(9);
      await proc.exited;
      running.delete(proc);
    },
  };
}

/** Runs the server expecting it to exit by itself; returns its exit code and output. */
export async function runToExit(env: Record<string, string>, timeoutMs = 15_000) {
  const proc = spawnServer(env);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const [code, stdout, stderr] = await Promise.race([
      Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the server did not exit within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    proc.kill(9);
    running.delete(proc);
  }
}

/** Kills every process started here that is still running (call from afterEach). */
export async function killAll(): Promise<void> {
  const procs = [...running];
  running.clear();
  for (const proc of procs) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(9);
  }
  await Promise.all(procs.map((proc) => proc.exited));
}
