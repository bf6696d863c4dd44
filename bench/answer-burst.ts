/**
 * `bun run bench [--students N] [--type single|multiple|numeric|poll] [--no-baseline]
 * [--fsync-ms MS] [--joins-only] [--back-channel [--bc-seconds 60]]`: boots the real server
 * on a temp database, N students join over HTTP and connect, one question of that type
 * opens, every student submits at once (half right, half wrong). Prints one JSON line: join
 * time and rate, connect time, fan-out time, submit→ack percentiles, answers persisted vs
 * acknowledged, server peak RSS — and the same burst against bare Bun pub/sub
 * (bench/bare-pubsub-server.ts) for comparison.
 * `--fsync-ms` slows every fsync of the server by that much (a cloud disk; fsync-delay.ts);
 * `--joins-only` stops after the joins.
 *
 * `--back-channel` runs the quiz three times on fresh servers: quiet, with Q&A and the
 * pulse on and back-channel traffic (500 asks, 20,000 upvotes, 10,000 pulses spread over
 * `--bc-seconds`, bench/back-channel-traffic.ts) around the burst, which starts in the
 * middle of that window, and quiet again; it prints the ack p99s and the busy run's ratio
 * to the mean quiet p99, and checks that
 * every upvote and signal was stored (votes persisted = upvotes sent, no error frames).
 */
import { Database } from 'bun:sqlite';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AdminClient, inParallel, joinStudent } from '../tests/stress/lib/quiz-client';
import { fsyncDelayEnv } from './fsync-delay';
import { percentiles } from '../tests/stress/lib/report';
import { makeStressPool, spawnListening, startTarget } from '../tests/stress/lib/target';
import { startBackChannelTraffic } from './back-channel-traffic';

const { values: args } = parseArgs({
  options: {
    students: { type: 'string', default: '1000' },
    'no-baseline': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '64' },
    type: { type: 'string', default: 'single' },
    'back-channel': { type: 'boolean', default: false },
    'bc-seconds': { type: 'string', default: '60' },
    'bc-asks': { type: 'string', default: '500' },
    'bc-upvotes': { type: 'string', default: '20000' },
    'bc-pulses': { type: 'string', default: '10000' },
    'fsync-ms': { type: 'string', default: '0' },
    'joins-only': { type: 'boolean', default: false },
  },
});
const fsyncDelayMs = Number(args['fsync-ms']);
if (!Number.isFinite(fsyncDelayMs) || fsyncDelayMs < 0) {
  process.stderr.write('--fsync-ms must be a number of milliseconds ≥ 0\n');
  process.exit(2);
}
const studentCount = Number(args.students);
const questionType = args.type as keyof typeof SUBMITS;
const httpConcurrency = Number(args.concurrency);

/** The question each type is benchmarked with, and the submit every other student sends. */
const SUBMITS = {
  single: { question: {}, submit: (index: number) => ({ choice: index % 2 === 0 ? 'A' : 'B' }) },
  poll: { question: { type: 'poll', answer: undefined }, submit: (index: number) => ({ choice: index % 2 === 0 ? 'A' : 'B' }) },
  multiple: {
    question: { type: 'multiple', answer: ['A', 'C'] },
    submit: (index: number) => ({ choices: index % 2 === 0 ? ['A', 'C'] : ['B', 'C', 'D'] }),
  },
  numeric: {
    question: { type: 'numeric', choices: undefined, answer: 10, tolerance: 0.5 },
    submit: (index: number) => ({ value: index % 2 === 0 ? 10.25 : 3.5 }),
  },
} as const;
if (!(questionType in SUBMITS)) {
  process.stderr.write(`--type must be one of ${Object.keys(SUBMITS).join(', ')}\n`);
  process.exit(2);
}

function benchPool() {
  const pool = makeStressPool(1);
  return { ...pool, questions: pool.questions.map((question) => ({ ...question, ...SUBMITS[questionType].question })) };
}

interface Client {
  socket: WebSocket;
  /** The id of this student's own ask (back-channel mode). */
  ownAskId?: number;
  errors: number;
  gotQuestionAt: number;
  sentAt: number;
  ackAt: number;
  accepted: boolean;
}

const round = (value: number) => Math.round(value * 100) / 100;

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

/** Back-channel frames every student gets; only the asker's own `ask_added` (mine) is read. */
const BROADCAST_PREFIXES = ['{"type":"ask_votes"', '{"type":"ask_updated"', '{"type":"ask_added"'];

/** Connects every client, waits for each one's first frame. */
async function connectAll(wsUrl: string, cookies: (string | null)[], clients: Client[]): Promise<number> {
  const started = performance.now();
  await inParallel(cookies.length, 256, async (index) => {
    const cookie = cookies[index];
    const socket = new WebSocket(wsUrl, cookie ? ({ headers: { cookie } } as never) : undefined);
    const client: Client = { socket, gotQuestionAt: 0, sentAt: 0, ackAt: 0, accepted: false, errors: 0 };
    clients[index] = client;
    await new Promise<void>((resolve, reject) => {
      socket.onerror = () => reject(new Error('socket error'));
      socket.onmessage = (event) => {
        const data = String(event.data);
        // 10,000 phones parse their own frames on their own CPUs; here one process parses for
        // all of them, so the back channel's broadcasts (which the quiz does not read) are
        // skipped unparsed: the ack times then measure the server, not the load generator.
        if (BROADCAST_PREFIXES.some((prefix) => data.startsWith(prefix)) && !data.includes('"mine":true')) return;
        const frame = JSON.parse(data) as { type: string; accepted?: boolean; ask?: { id: number; mine: boolean } };
        if (frame.type === 'snapshot') resolve();
        else if (frame.type === 'ask_added' && frame.ask?.mine) client.ownAskId = frame.ask.id;
        else if (frame.type === 'error') client.errors++;
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
    client.socket.send(JSON.stringify({ type: 'submit', question_idx: 0, ...SUBMITS[questionType].submit(index) }));
  });
  await waitFor(() => clients.every((client) => client.ackAt > 0), 120_000, 'every submit_ack');
  const burstMs = performance.now() - submitStarted;
  const latency = percentiles(clients.map((client) => client.ackAt - client.sentAt));
  return {
    fan_out_ms: round(fanOutMs),
    ack_p50_ms: latency.p50,
    ack_p95_ms: latency.p95,
    ack_p99_ms: latency.p99,
    ack_max_ms: latency.max,
    burst_ms: round(burstMs),
    acked: clients.filter((client) => client.accepted).length,
  };
}

function closeAll(clients: Client[]) {
  for (const client of clients) client.socket.close();
}

/** Every student joins over HTTP, `httpConcurrency` requests in flight at a time. */
async function joinEveryone(url: string) {
  const latencies: number[] = [];
  const started = performance.now();
  const cookies = await inParallel(studentCount, httpConcurrency, async (index) => {
    const sent = performance.now();
    const cookie = await joinStudent(url, `s${index}`, `Student ${index}`);
    latencies.push(performance.now() - sent);
    return cookie;
  });
  const joinMs = performance.now() - started;
  const latency = percentiles(latencies);
  const stats = {
    join_ms: round(joinMs),
    joins_per_s: round(studentCount / (joinMs / 1000)),
    join_p50_ms: latency.p50,
    join_p99_ms: latency.p99,
  };
  return { cookies, stats };
}

async function benchQuizServer(withBackChannel = false) {
  const target = await startTarget({ pool: benchPool(), env: fsyncDelayMs > 0 ? fsyncDelayEnv(fsyncDelayMs) : {} });
  try {
    const admin = await AdminClient.login(target.url, target.adminPassword);
    const { cookies, stats: joins } = await joinEveryone(target.url);
    if (args['joins-only']) return { ...joins, server_peak_rss_mb: target.peakRssMb() };

    const clients: Client[] = [];
    const connectMs = await connectAll(`${target.url.replace('http', 'ws')}/ws`, cookies, clients);
    let traffic: ReturnType<typeof startBackChannelTraffic> | null = null;
    if (withBackChannel) {
      const switched = await admin.post('/admin/api/settings', { qa: true, pulse: true });
      if (!switched.ok) throw new Error(`settings: ${switched.status}`);
      const windowMs = Number(args['bc-seconds']) * 1000;
      const load = { asks: Number(args['bc-asks']), upvotes: Number(args['bc-upvotes']), pulses: Number(args['bc-pulses']), windowMs };
      traffic = startBackChannelTraffic(clients.map((client) => client.socket), load, (index) => clients[index]!.ownAskId);
      await Bun.sleep(windowMs / 2);
    }
    const result = await burst(clients, async () => {
      await admin.command('next');
    });
    const backChannel = traffic ? await traffic.done : null;
    if (backChannel) await Bun.sleep(500); // the last upvotes' commit
    const rss = target.peakRssMb();
    const errorFrames = clients.reduce((sum, client) => sum + client.errors, 0);
    closeAll(clients);
    const db = new Database(target.dbPath!, { readonly: true });
    const count = (sql: string) => (db.query(sql).get() as { n: number }).n;
    const persisted = count('SELECT count(*) AS n FROM answers');
    const stored = backChannel
      ? { asks_stored: count('SELECT count(*) AS n FROM asks'), votes_stored: count('SELECT count(*) AS n FROM ask_votes'), pulses_stored: count('SELECT count(*) AS n FROM pulses') }
      : {};
    db.close();
    return {
      ...(backChannel ? { back_channel: { ...backChannel, ...stored, error_frames: errorFrames } } : {}),
      ...joins,
      connect_ms: round(connectMs),
      ...result,
      persisted,
      server_peak_rss_mb: rss,
    };
  } finally {
    await target.stop();
  }
}

async function benchBarePubSub() {
  const { proc, url } = await spawnListening(['bun', 'bench/bare-pubsub-server.ts'], {});
  try {
    const clients: Client[] = [];
    const connectMs = await connectAll(url.replace('http', 'ws'), new Array(studentCount).fill(null), clients);
    const result = await burst(clients, async () => {
      await fetch(`${url}/open`);
    });
    const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    const rss = round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    closeAll(clients);
    return { connect_ms: round(connectMs), ...result, server_peak_rss_mb: rss };
  } finally {
    proc.kill();
    await proc.exited;
  }
}

/** A run that went through the burst (not --joins-only). */
function burstRun(run: Awaited<ReturnType<typeof benchQuizServer>>) {
  if (!('ack_p99_ms' in run)) throw new Error('--back-channel needs the burst: drop --joins-only');
  return run;
}

if (args['back-channel']) {
  // Quiet, busy, quiet again: the first run also warms the bench process up, so the busy
  // run is compared with the mean of a cold and a warm quiet run.
  const quietRuns = [burstRun(await benchQuizServer(false))];
  const busy = burstRun(await benchQuizServer(true));
  quietRuns.push(burstRun(await benchQuizServer(false)));
  const quietP99 = round((quietRuns[0]!.ack_p99_ms + quietRuns[1]!.ack_p99_ms) / 2);
  const output = {
    bench: 'answer-burst --back-channel',
    students: studentCount,
    type: questionType,
    bun: Bun.version,
    quiet: quietRuns.map((run) => ({ ack_p50_ms: run.ack_p50_ms, ack_p99_ms: run.ack_p99_ms, burst_ms: run.burst_ms, acked: run.acked, persisted: run.persisted })),
    with_back_channel: {
      ack_p50_ms: busy.ack_p50_ms,
      ack_p99_ms: busy.ack_p99_ms,
      burst_ms: busy.burst_ms,
      acked: busy.acked,
      persisted: busy.persisted,
      server_peak_rss_mb: busy.server_peak_rss_mb,
      ...busy.back_channel,
    },
    quiet_ack_p99_ms: quietP99,
    ack_p99_ratio: round(busy.ack_p99_ms / quietP99),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
  process.exit(0);
}

const quiz = await benchQuizServer();
if (!('acked' in quiz)) {
  process.stdout.write(`${JSON.stringify({ bench: 'joins', students: studentCount, fsync_delay_ms: fsyncDelayMs, bun: Bun.version, ...quiz })}\n`);
  process.exit(0);
}
const baseline = args['no-baseline'] ? null : await benchBarePubSub();
const output = {
  bench: 'answer-burst',
  students: studentCount,
  type: questionType,
  fsync_delay_ms: fsyncDelayMs,
  bun: Bun.version,
  ...quiz,
  lost_answers: quiz.acked - quiz.persisted,
  baseline_bare_bun: baseline,
  ack_p99_vs_baseline: baseline ? round(quiz.ack_p99_ms / baseline.ack_p99_ms) : null,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
process.exit(0);
