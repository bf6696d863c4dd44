/**
 * The server under test: a fresh `bun src/main.ts` process on an isolated temp database
 * (the default), or an existing server given by `STRESS_URL` (then `STRESS_ADMIN_PASSWORD`
 * is its password, and process-level probes such as RSS are unavailable).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choiceLettersFor } from '../../../src/protocol/constants';

const REPO_ROOT = join(import.meta.dir, '../../..');
export const LOCAL_ADMIN_PASSWORD = 'stress-admin-password';
const LOCAL_SECRET_KEY = 'stress-secret-key-0123456789abcdefghijklmnop';

export interface Target {
  url: string;
  adminPassword: string;
  /** True when this harness started (and may kill) the server. */
  local: boolean;
  /** The SQLite file of a local target (read-only checks), or null. */
  dbPath: string | null;
  /** The server's current RSS in MB, or null for a remote target. */
  rssMb(): number | null;
  /** The server's peak RSS (VmHWM) in MB, or null for a remote target. */
  peakRssMb(): number | null;
  /** Open file descriptors of the server process, or null. */
  openFds(): number | null;
  /** kill -9 the server (local only). */
  kill9(): Promise<void>;
  /** Start the server again on the same database (local only). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalTargetOptions {
  pool?: unknown;
  env?: Record<string, string>;
}

/** The letters of a stress pool question's four choices. */
export const STRESS_POOL_LETTERS = choiceLettersFor(4);

/** `questions` four-choice questions; question i's answer is STRESS_POOL_LETTERS[i % 4]. */
export function makeStressPool(questions: number, timeLimitS = 600) {
  return {
    title: `Stress pool (${questions})`,
    questions: Array.from({ length: questions }, (_, index) => ({
      text: `Stress question ${index + 1}`,
      choices: STRESS_POOL_LETTERS.map((letter) => `Choice ${letter}`),
      answer: STRESS_POOL_LETTERS[index % STRESS_POOL_LETTERS.length],
      time_limit_s: timeLimitS,
    })),
  };
}

/** A memory field of /proc/<pid>/status (VmRSS, VmHWM) in MB, or null when it cannot be read. */
function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round((Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024) * 100) / 100;
  } catch {
    return null;
  }
}

/**
 * Spawns a server process and waits for its JSON `listening` line (with `url`); its stdout
 * keeps being drained so the process never blocks on a full pipe. Used for the quiz server
 * and for the benchmark's bare-Bun baseline.
 */
export async function spawnListening(command: string[], env: Record<string, string>) {
  const proc = Bun.spawn(command, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      Bun.sleep(Math.max(1, deadline - Date.now())).then(() => ({ done: true, value: undefined })),
    ]);
    if (chunk.done || !chunk.value) break;
    buffered += decoder.decode(chunk.value);
    const line = buffered.split('\n').find((candidate) => candidate.includes('"msg":"listening"'));
    if (line) {
      // Keep draining stdout so the server never blocks on a full pipe.
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return { proc, url: (JSON.parse(line) as { url: string }).url };
    }
  }
  proc.kill(9);
  const stderr = await new Response(proc.stderr).text();
  throw new Error(`server did not start: ${buffered.slice(0, 300)} ${stderr.slice(0, 300)}`);
}

export async function startTarget(options: LocalTargetOptions = {}): Promise<Target> {
  const remote = process.env.STRESS_URL;
  if (remote) {
    const adminPassword = process.env.STRESS_ADMIN_PASSWORD;
    if (!adminPassword) throw new Error('STRESS_URL needs STRESS_ADMIN_PASSWORD');
    return {
      url: remote.replace(/\/+$/, ''),
      adminPassword,
      local: false,
      dbPath: null,
      rssMb: () => null,
      peakRssMb: () => null,
      openFds: () => null,
      kill9: async () => {
        throw new Error('kill -9 needs a local target');
      },
      restart: async () => {
        throw new Error('restart needs a local target');
      },
      stop: async () => {},
    };
  }

  const dir = mkdtempSync(join(tmpdir(), 'quiz-stress-'));
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    QUIZ_DB_PATH: join(dir, 'quiz.db'),
    QUIZ_ADMIN_PASSWORD: LOCAL_ADMIN_PASSWORD,
    QUIZ_SECRET_KEY: LOCAL_SECRET_KEY,
    QUIZ_LOG_LEVEL: 'warn',
    // Every simulated student connects from 127.0.0.1: lift the per-address socket cap.
    QUIZ_MAX_SOCKETS_PER_ADDRESS: '1000000',
    ...options.env,
  };
  if (options.pool !== undefined) {
    const poolPath = join(dir, 'pool.json');
    writeFileSync(poolPath, JSON.stringify(options.pool));
    env.QUIZ_POOL_PATH = poolPath;
  }
  // The listening line is logged at info: keep info on, the harness drains stdout.
  env.QUIZ_LOG_LEVEL = 'info';
  const spawnServer = (serverEnv: Record<string, string>) => spawnListening(['bun', 'src/main.ts'], serverEnv);
  let server = await spawnServer(env);
  // An aborted or crashed test runner must not leave servers behind.
  const killOnExit = () => server.proc.kill(9);
  process.once('exit', killOnExit);
  let port = new URL(server.url).port;
  let stopped = false;

  return {
    get url() {
      return server.url;
    },
    adminPassword: LOCAL_ADMIN_PASSWORD,
    local: true,
    dbPath: env.QUIZ_DB_PATH!,
    rssMb: () => procStatusMb(server.proc.pid, 'VmRSS'),
    peakRssMb: () => procStatusMb(server.proc.pid, 'VmHWM'),
    openFds() {
      try {
        return readdirSync(`/proc/${server.proc.pid}/fd`).length;
      } catch {
        return null;
      }
    },
    async kill9() {
      server.proc.kill(9);
      await server.proc.exited;
    },
    async restart() {
      // Same database, same port: clients reconnect to the address they know.
      server = await spawnServer({ ...env, PORT: port });
      port = new URL(server.url).port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      server.proc.kill();
      await server.proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  } as Target;
}
