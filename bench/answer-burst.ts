/**
 * `bun run bench [--students N] [--no-baseline]`: boots the real server on a temp database,
 * N students join over HTTP and connect, one question opens, every student submits at
 * once. Prints one JSON line: join rate, connect time, fan-out time, submit→ack
 * percentiles, answers persisted vs acknowledged, server peak RSS — and the same burst
 * against bare Bun pub/sub (bench/bare-pubsub-server.ts) for comparison.
 */
import { Database } from 'bun:sqlite';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    students: { type: 'string', default: '1000' },
    'no-baseline': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '64' },
  },
});
const studentCount = Number(args.students);
const httpConcurrency = Number(args.concurrency);
const ADMIN_PASSWORD = 'bench-admin-password';
const repoRoot = join(import.meta.dir, '..');

interface Client {
  socket: WebSocket;
  gotQuestionAt: number;
  sentAt: number;
  ackAt: number;
  accepted: boolean;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number) => Math.round(value * 100) / 100;

async function spawnServer(command: string[], env: Record<string, string>) {
  const proc = Bun.spawn(command, { cwd: repoRoot, env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'inherit' });
  const reader = proc.stdout.getReader();
  let buffered = '';
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += new TextDecoder().decode(value);
    for (const line of buffered.split('\n')) {
      if (line.includes('"msg":"listening"')) {
        // Keep draining stdout so the server never blocks on a full pipe.
        void (async () => {
          while (!(await reader.read()).done);
        })();
        return { proc, url: (JSON.parse(line) as { url: string }).url };
      }
    }
  }
  proc.kill();
  throw new Error(`server did not start: ${buffered.slice(0, 500)}`);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024);
}

async function inBatches<T>(count: number, size: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 2);
    };
    check();
  });
}

/** Connects every client, waits for each one's first frame. */
async function connectAll(wsUrl: string, cookies: (string | null)[], clients: Client[]): Promise<number> {
  const started = performance.now();
  await inBatches(cookies.length, 256, async (index) => {
    const cookie = cookies[index];
    const socket = new WebSocket(wsUrl, cookie ? ({ headers: { cookie } } as never) : undefined);
    const client: Client = { socket, gotQuestionAt: 0, sentAt: 0, ackAt: 0, accepted: false };
    clients[index] = client;
    await new Promise<void>((resolve, reject) => {
      socket.onerror = () => reject(new Error('socket error'));
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string; accepted?: boolean };
        if (frame.type === 'snapshot') resolve();
        else if (frame.type === 'question_open') client.gotQuestionAt = performance.now();
        else if (frame.type === 'submit_ack') {
          client.ackAt = performance.now();
          client.accepted = frame.accepted === true;
        }
      };
    });
  });
  return performance.now() - started;
}

/** Opens the question, waits for every client to have it, then all submit at once. */
async function burst(clients: Client[], open: () => Promise<void>) {
  const openedAt = performance.now();
  await open();
  await waitFor(() => clients.every((client) => client.gotQuestionAt > 0), 60_000, 'question_open on every socket');
  const fanOutMs = Math.max(...clients.map((client) => client.gotQuestionAt)) - openedAt;
  const submitStarted = performance.now();
  clients.forEach((client, index) => {
    client.sentAt = performance.now();
    client.socket.send(JSON.stringify({ type: 'submit', question_idx: 0, choice: index % 2 === 0 ? 'A' : 'B' }));
  });
  await waitFor(() => clients.every((client) => client.ackAt > 0), 120_000, 'every submit_ack');
  const burstMs = performance.now() - submitStarted;
  const latencies = clients.map((client) => client.ackAt - client.sentAt).sort((a, b) => a - b);
  return {
    fan_out_ms: round(fanOutMs),
    ack_p50_ms: round(percentile(latencies, 50)),
    ack_p95_ms: round(percentile(latencies, 95)),
    ack_p99_ms: round(percentile(latencies, 99)),
    ack_max_ms: round(latencies.at(-1)!),
    burst_ms: round(burstMs),
    acked: clients.filter((client) => client.accepted).length,
  };
}

function closeAll(clients: Client[]) {
  for (const client of clients) client.socket.close();
}

async function benchQuizServer() {
  const dir = mkdtempSync(join(tmpdir(), 'quiz-bench-'));
  const dbPath = join(dir, 'quiz.db');
  const poolPath = join(dir, 'pool.json');
  writeFileSync(
    poolPath,
    JSON.stringify({
      title: 'bench',
      questions: [{ text: 'Pick A', choices: ['A', 'B', 'C', 'D'], answer: 'A', time_limit_s: 600 }],
    }),
  );
  const { proc, url } = await spawnServer(['bun', 'src/main.ts'], {
    PORT: '0',
    QUIZ_DB_PATH: dbPath,
    QUIZ_POOL_PATH: poolPath,
    QUIZ_ADMIN_PASSWORD: ADMIN_PASSWORD,
    QUIZ_SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
    QUIZ_LOG_LEVEL: 'info', // as in production: the join log lines are part of the cost
  });
  try {
    const login = await fetch(`${url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: ADMIN_PASSWORD }),
    });
    const adminCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;

    const joinStarted = performance.now();
    const cookies = await inBatches(studentCount, httpConcurrency, async (index) => {
      const response = await fetch(`${url}/api/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ student_id: `s${index}`, name: `Student ${index}` }),
      });
      if (response.status !== 200) throw new Error(`join ${index}: ${response.status}`);
      return response.headers.getSetCookie()[0]!.split(';')[0]!;
    });
    const joinMs = performance.now() - joinStarted;

    const clients: Client[] = [];
    const connectMs = await connectAll(`${url.replace('http', 'ws')}/ws`, cookies, clients);
    const result = await burst(clients, async () => {
      const response = await fetch(`${url}/admin/api/next`, { method: 'POST', headers: { cookie: adminCookie } });
      if (response.status !== 200) throw new Error(`next: ${response.status}`);
    });
    const rss = peakRssMb(proc.pid);
    closeAll(clients);
    const db = new Database(dbPath, { readonly: true });
    const persisted = (db.query('SELECT count(*) AS n FROM answers').get() as { n: number }).n;
    db.close();
    return {
      joins_per_s: round(studentCount / (joinMs / 1000)),
      connect_ms: round(connectMs),
      ...result,
      persisted,
      server_peak_rss_mb: rss,
    };
  } finally {
    proc.kill();
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchBarePubSub() {
  const { proc, url } = await spawnServer(['bun', 'bench/bare-pubsub-server.ts'], {});
  try {
    const clients: Client[] = [];
    const connectMs = await connectAll(url.replace('http', 'ws'), new Array(studentCount).fill(null), clients);
    const result = await burst(clients, async () => {
      await fetch(`${url}/open`);
    });
    const rss = peakRssMb(proc.pid);
    closeAll(clients);
    return { connect_ms: round(connectMs), ...result, server_peak_rss_mb: rss };
  } finally {
    proc.kill();
    await proc.exited;
  }
}

const quiz = await benchQuizServer();
const baseline = args['no-baseline'] ? null : await benchBarePubSub();
const output = {
  bench: 'answer-burst',
  students: studentCount,
  bun: Bun.version,
  ...quiz,
  lost_answers: quiz.acked - quiz.persisted,
  baseline_bare_bun: baseline,
  ack_p99_vs_baseline: baseline ? round(quiz.ack_p99_ms / baseline.ack_p99_ms) : null,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
process.exit(0);
