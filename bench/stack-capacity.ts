/**
 * The deployed stack's capacity, per TLS mode of deploy/bootstrap.sh:
 *
 *   bun bench/stack-capacity.ts --mode caddy,native,direct --students 500,2000
 *
 * For each mode and class size it starts a fresh server (and, in caddy mode, Caddy with the
 * exact Caddyfile bootstrap.sh installs, certificates from Caddy's own CA), then a separate
 * load process joins N students over HTTPS, opens their WebSockets (WSS), opens a question
 * and has every student answer at once. Printed per row: stack peak RSS (server + Caddy,
 * VmHWM), the largest number of open file descriptors seen, and submit→ack percentiles.
 *
 * Modes: caddy = the default deploy (Caddy terminates TLS, proxies to the server on
 * 127.0.0.1); native = --tls native (the server terminates TLS itself: QUIZ_TLS_CERT/KEY,
 * a self-signed certificate here); direct = plain HTTP to the server, the floor.
 * One JSON line per row on stdout, a Markdown table on stderr. Needs `caddy` and `openssl`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdminClient, inParallel, joinStudent } from '../tests/stress/lib/quiz-client';
import { percentiles } from '../tests/stress/lib/report';
import { makeStressPool, startTarget, type Target } from '../tests/stress/lib/target';

const REPO = join(import.meta.dir, '..');
const MODES = ['caddy', 'native', 'direct'] as const;
type Mode = (typeof MODES)[number];

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'caddy,native,direct' },
    students: { type: 'string', default: '500,2000' },
    // Internal: this process as the load generator against --load URL.
    load: { type: 'string' },
    password: { type: 'string' },
  },
});

const round = (value: number) => Math.round(value * 10) / 10;

// ------------------------------------------------------------------ load generator
interface Client {
  socket: WebSocket;
  question: boolean;
  sentAt: number;
  ackAt: number;
}

async function waitUntil(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

async function generateLoad(url: string, students: number, password: string) {
  const admin = await AdminClient.login(url, password);
  const joinStarted = performance.now();
  const cookies = await inParallel(students, 64, (index) => joinStudent(url, `s${index}`, `Student ${index}`));
  const joinS = (performance.now() - joinStarted) / 1000;
  const connectStarted = performance.now();
  const clients: Client[] = [];
  await inParallel(students, 128, async (index) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie: cookies[index]! } } as never);
    const client: Client = { socket, question: false, sentAt: 0, ackAt: 0 };
    clients[index] = client;
    await new Promise<void>((resolve, reject) => {
      socket.onerror = () => reject(new Error(`socket ${index} failed`));
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string };
        if (frame.type === 'snapshot') resolve();
        else if (frame.type === 'question_open') client.question = true;
        else if (frame.type === 'submit_ack') client.ackAt = performance.now();
      };
    });
  });
  const connectMs = performance.now() - connectStarted;
  // The parent samples RSS and file descriptors now: every student is connected.
  process.stderr.write('load: connected\n');
  await admin.command('next');
  await waitUntil('question_open on every socket', () => clients.every((client) => client.question), 60_000);
  for (const [index, client] of clients.entries()) {
    client.sentAt = performance.now();
    client.socket.send(JSON.stringify({ type: 'submit', question_idx: 0, choice: index % 2 === 0 ? 'A' : 'B' }));
  }
  await waitUntil('every submit_ack', () => clients.every((client) => client.ackAt > 0), 120_000);
  const acks = percentiles(clients.map((client) => client.ackAt - client.sentAt));
  // Hold the class a moment so the parent's sampler sees the connected plateau.
  await Bun.sleep(1000);
  for (const client of clients) client.socket.close();
  return { join_s: round(joinS), connect_ms: Math.round(connectMs), ack_p50_ms: acks.p50, ack_p95_ms: acks.p95, ack_p99_ms: acks.p99 };
}

if (args.load) {
  const result = await generateLoad(args.load, Number(args.students), args.password ?? '');
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ------------------------------------------------------------------ the stack
function run(cmd: string[], env: Record<string, string> = {}): string {
  const result = Bun.spawnSync(cmd, { cwd: REPO, env: { ...process.env, ...env }, stderr: 'pipe' });
  if (result.exitCode !== 0) throw new Error(`${cmd.join(' ')} failed: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

function fds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

interface Stack {
  url: string;
  /** The certificate authority the load generator must trust, or null for plain HTTP. */
  ca: string | null;
  server: Target;
  caddyPid: number | null;
  stop: () => Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, as native mode's stand-in for certbot's. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  return { cert, key };
}

async function startStack(mode: Mode, dir: string): Promise<Stack> {
  const pool = makeStressPool(1);
  if (mode === 'direct') {
    const target = await startTarget({ pool });
    return { url: target.url, ca: null, server: target, caddyPid: null, stop: () => target.stop() };
  }
  if (mode === 'native') {
    const { cert, key } = selfSigned(dir);
    const target = await startTarget({ pool, env: { QUIZ_TLS_CERT: cert, QUIZ_TLS_KEY: key } });
    const port = new URL(target.url).port;
    const url = `https://127.0.0.1:${port}`;
    const probe = await fetch(`${url}/healthz`, { tls: { ca: readFileSync(cert, 'utf8') } } as never).catch((error) => error as Error);
    if (probe instanceof Error) {
      await target.stop();
      throw new Error(`native mode needs TLS in the server (QUIZ_TLS_CERT/QUIZ_TLS_KEY): ${probe.message}`);
    }
    return { url, ca: cert, server: target, caddyPid: null, stop: () => target.stop() };
  }
  // caddy: the server behind the Caddyfile bootstrap.sh installs, with Caddy's own CA.
  const target = await startTarget({ pool, env: { QUIZ_TRUST_PROXY: '1' } });
  const httpsPort = freePort();
  const caddyfile = run(['bash', 'deploy/bootstrap.sh', '--print-caddyfile', 'quiz.test'], {
    APP_PORT: new URL(target.url).port,
    HTTPS_PORT: String(httpsPort),
    HTTP_PORT: String(freePort()),
    QUIZ_TEST_TLS: '1',
    ACME_EMAIL: '',
  }).replace(/^quiz\.test \{$/m, '127.0.0.1 {');
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, `${caddyfile.replace('{\n', `{\n\tadmin 127.0.0.1:${freePort()}\n`)}`);
  const caddy = Bun.spawn(['caddy', 'run', '--config', file, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
    stdout: 'ignore',
    stderr: 'ignore',
  });
  const ca = join(dir, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
  const url = `https://127.0.0.1:${httpsPort}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`, { tls: { ca: readFileSync(ca, 'utf8') } } as never);
      if (response.ok) break;
    } catch {
      // Caddy is still starting or issuing its certificate.
    }
    if (Date.now() > deadline) throw new Error('Caddy did not answer /healthz within 20 s');
    await Bun.sleep(200);
  }
  return {
    url,
    ca,
    server: target,
    caddyPid: caddy.pid,
    stop: async () => {
      caddy.kill();
      await caddy.exited;
      await target.stop();
    },
  };
}

async function measure(mode: Mode, students: number) {
  const dir = mkdtempSync(join(tmpdir(), `quiz-capacity-${mode}-`));
  const stack = await startStack(mode, dir);
  try {
    let maxFds = 0;
    const sampler = setInterval(() => {
      maxFds = Math.max(maxFds, (stack.server.openFds() ?? 0) + (stack.caddyPid ? fds(stack.caddyPid) : 0));
    }, 200);
    const load = Bun.spawn(['bun', import.meta.path, '--load', stack.url, '--students', String(students), '--password', 'stress-admin-password'], {
      env: { ...process.env, ...(stack.ca ? { NODE_EXTRA_CA_CERTS: stack.ca } : {}) },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [out, err, code] = await Promise.all([new Response(load.stdout).text(), new Response(load.stderr).text(), load.exited]);
    clearInterval(sampler);
    if (code !== 0) throw new Error(`load generator failed (${code}): ${err.slice(-800)}`);
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    const server = stack.server.peakRssMb() ?? 0;
    const caddy = stack.caddyPid ? peakRssMb(stack.caddyPid) : null;
    return {
      bench: 'stack-capacity',
      mode,
      students,
      stack_peak_rss_mb: round(server + (caddy ?? 0)),
      server_peak_rss_mb: server,
      caddy_peak_rss_mb: caddy,
      max_open_fds: maxFds,
      ...result,
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const modes = args.mode.split(',') as Mode[];
for (const mode of modes) if (!MODES.includes(mode)) throw new Error(`--mode takes ${MODES.join(', ')}`);
const sizes = args.students.split(',').map(Number);
const rows: string[] = [
  '| mode | students | stack peak RSS (server + Caddy) | ack p50 / p99 | open fds | join | connect |',
  '|---|---|---|---|---|---|---|',
];
for (const students of sizes) {
  for (const mode of modes) {
    try {
      const row = await measure(mode, students);
      process.stdout.write(`${JSON.stringify({ ...row, bun: Bun.version })}\n`);
      const rss = row.caddy_peak_rss_mb === null ? `${row.stack_peak_rss_mb} MB` : `${row.stack_peak_rss_mb} MB (${row.server_peak_rss_mb} + ${row.caddy_peak_rss_mb})`;
      rows.push(`| ${mode} | ${students} | ${rss} | ${row.ack_p50_ms} / ${row.ack_p99_ms} ms | ${row.max_open_fds} | ${row.join_s} s | ${row.connect_ms} ms |`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ bench: 'stack-capacity', mode, students, error: (error as Error).message })}\n`);
      rows.push(`| ${mode} | ${students} | failed: ${(error as Error).message.split('\n')[0]} | | | | |`);
    }
  }
}
process.stderr.write(`\n${rows.join('\n')}\n`);
