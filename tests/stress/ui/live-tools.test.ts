/**
 * The live tools themselves: live.ts against a fresh local server (5 students, 2
 * questions), a wrong password, a refused URL, stalls (a TCP port that accepts and never
 * answers; a server whose sockets never send a snapshot) ending with a message within the
 * timeouts, live-loop's summary lines and Ctrl-C, and stress-loop's handling of a suite
 * folder with no tests. Fast: no browser, short timeouts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TCPSocketListener } from 'bun';
import { parseDuration, requireHttpUrl, UsageError } from '../lib/live-cli';
import { runLive, type LiveResult } from '../lib/live-run';
import { LOCAL_ADMIN_PASSWORD, makeStressPool, startTarget, type Target } from '../lib/target';
import { parseBunTestCounts } from '../stress-loop';

const STRESS_DIR = join(import.meta.dir, '..');
const QUESTIONS = 2;

let target: Target;
let stall: TCPSocketListener<undefined>;
let scratch: string;

beforeAll(async () => {
  target = await startTarget({ pool: makeStressPool(QUESTIONS, 600) });
  // Accepts connections and never answers a byte.
  stall = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {}, open() {} } });
  scratch = mkdtempSync(join(tmpdir(), 'live-tools-'));
}, 20_000);

afterAll(async () => {
  stall?.stop(true);
  await target?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a tool as a person would; the password only through the environment. */
async function runTool(script: string, args: string[], env: Record<string, string> = {}) {
  const started = performance.now();
  const child = Bun.spawn([process.execPath, join(STRESS_DIR, script), ...args], {
    env: { ...process.env, QUIZ_ADMIN_PASSWORD: '', STRESS_ADMIN_PASSWORD: '', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, exitCode, ms: performance.now() - started, child };
}

function onlyJsonLine(stdout: string): LiveResult {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as LiveResult;
}

describe('live.ts', () => {
  test('against a local server: exit 0, one JSON line, acks = students × questions, percentiles', async () => {
    const { stdout, stderr, exitCode } = await runTool('live.ts', ['--url', target.url, '--students', '5'], {
      QUIZ_ADMIN_PASSWORD: target.adminPassword,
    });
    expect(stderr).toContain('live: PASS');
    expect(exitCode).toBe(0);
    const result = onlyJsonLine(stdout);
    expect(result.passed).toBe(true);
    expect(result.failures).toEqual([]);
    if (target.local) expect(result.questions).toBe(QUESTIONS);
    expect(result.acks).toBe(5 * result.questions);
    expect(result.expected_acks).toBe(5 * result.questions);
    for (const value of [result.ack_p50_ms, result.ack_p95_ms, result.ack_p99_ms]) {
      expect(typeof value).toBe('number');
      expect(value!).toBeGreaterThanOrEqual(0);
    }
    expect(result.ack_p50_ms!).toBeLessThanOrEqual(result.ack_p95_ms!);
    expect(result.ack_p95_ms!).toBeLessThanOrEqual(result.ack_p99_ms!);
  });

  test('a wrong password: non-zero exit and a clear message', async () => {
    const { stdout, stderr, exitCode } = await runTool('live.ts', ['--url', target.url, '--students', '2'], { QUIZ_ADMIN_PASSWORD: 'not-the-password' });
    expect(exitCode).toBe(1);
    expect(stderr).toContain('admin login refused: wrong password (HTTP 401)');
    const result = onlyJsonLine(stdout);
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual(['admin login refused: wrong password (HTTP 401)']);
  });

  test('--url is required and must be http(s); usage errors exit 2 without JSON', async () => {
    const missing = await runTool('live.ts', ['--students', '2'], { QUIZ_ADMIN_PASSWORD: 'x' });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--url is required');
    const ftp = await runTool('live.ts', ['--url', 'ftp://example.org'], { QUIZ_ADMIN_PASSWORD: 'x' });
    expect(ftp.exitCode).toBe(2);
    expect(ftp.stderr).toContain('--url must be http:// or https://');
    expect(ftp.stdout).toBe('');
    const noPassword = await runTool('live.ts', ['--url', target.url]);
    expect(noPassword.exitCode).toBe(2);
    expect(noPassword.stderr).toContain('no admin password');
  });

  test('a port that accepts and never answers: an error message within the timeout, not a hang', async () => {
    const { stdout, stderr, exitCode, ms } = await runTool('live.ts', [
      '--url',
      `http://127.0.0.1:${stall.port}`,
      '--students',
      '3',
      '--http-timeout',
      '1.5',
    ], { QUIZ_ADMIN_PASSWORD: 'x' });
    expect(exitCode).toBe(1);
    expect(stderr).toContain('GET /healthz: no answer within 1.5 s');
    expect(onlyJsonLine(stdout).failures).toEqual(['GET /healthz: no answer within 1.5 s']);
    expect(ms).toBeLessThan(6_000);
  });
});

describe('runLive with sockets that never send a snapshot', () => {
  /** Answers the HTTP half of the contract, accepts WebSocket upgrades, and stays silent. */
  function silentSocketServer(adminSnapshot: boolean) {
    return Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(request, server) {
        const { pathname } = new URL(request.url);
        const cookie = (name: string) => ({ 'set-cookie': `${name}=x; Path=/; HttpOnly` });
        if (pathname === '/ws' || pathname === '/admin/ws') {
          return server.upgrade(request, { data: { admin: pathname === '/admin/ws' } }) ? undefined : new Response('no', { status: 400 });
        }
        if (pathname === '/healthz') return Response.json({ ok: true, phase: 'lobby', students: 0, uptime_s: 1 });
        if (pathname === '/admin/login') return Response.json({}, { headers: cookie('quiz_admin') });
        if (pathname === '/admin/api/reset') return Response.json({ run_id: 7 });
        if (pathname === '/admin/api/state') {
          return Response.json({ phase: 'lobby', total_questions: 1, pool: { title: 't', questions: [{ text: 'q', choices: ['a', 'b'], answer: 'A' }] } });
        }
        if (pathname === '/api/join') return Response.json({}, { headers: cookie('quiz_student') });
        return new Response('not found', { status: 404 });
      },
      websocket: {
        open(ws: { data: { admin: boolean }; send(text: string): void }) {
          if (adminSnapshot && ws.data.admin) ws.send(JSON.stringify({ type: 'snapshot', phase: 'lobby' }));
        },
        message() {},
      },
    });
  }

  test('the instructor socket: a failure naming it after its snapshot timeout', async () => {
    const server = silentSocketServer(false);
    try {
      const started = performance.now();
      const result = await runLive({
        url: `http://127.0.0.1:${server.port}`,
        password: 'x',
        students: 3,
        snapshotTimeoutMs: 500,
        adminSnapshotTimeoutMs: 800,
      });
      expect(result.passed).toBe(false);
      expect(result.failures).toEqual(['instructor socket snapshot: no answer within 0.8 s']);
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      server.stop(true);
    }
  });

  test('student sockets: one failure counting them after the snapshot timeout', async () => {
    const server = silentSocketServer(true);
    try {
      const started = performance.now();
      const result = await runLive({ url: `http://127.0.0.1:${server.port}`, password: 'x', students: 4, snapshotTimeoutMs: 500 });
      expect(result.passed).toBe(false);
      expect(result.failures).toEqual([
        '4 of 4 student sockets got no snapshot; first: live-7-1 snapshot: no answer within 0.5 s',
      ]);
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      server.stop(true);
    }
  });
});

describe('live-loop.ts', () => {
  test('--cycles 2 --every 0 appends exactly 2 lines to --summary', async () => {
    const summary = join(scratch, 'live_summary.jsonl');
    const { stdout, exitCode } = await runTool(
      'live-loop.ts',
      ['--url', target.url, '--cycles', '2', '--every', '0', '--students', '3', '--summary', summary],
      { STRESS_ADMIN_PASSWORD: target.adminPassword },
    );
    expect(exitCode).toBe(0);
    const lines = readFileSync(summary, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    for (const [index, line] of lines.entries()) {
      expect(Object.keys(line)).toEqual(
        expect.arrayContaining(['at', 'url', 'passed', 'students', 'acks', 'ack_p50_ms', 'ack_p95_ms', 'ack_p99_ms', 'errors', 'duration_ms', 'failures']),
      );
      expect(line).toMatchObject({ cycle: index + 1, url: target.url, passed: true, students: 3, errors: 0, failures: [] });
      expect(line.acks).toBe(3 * line.questions);
    }
    // One status line per cycle plus the header and the summary.
    expect(stdout.trim().split('\n').filter((line) => / #\d\/2 {2}PASS/.test(line))).toHaveLength(2);
    expect(stdout).toContain('2 cycle(s) · 2 passed · 0 failed');
  });

  test('Ctrl-C during a stalled cycle: the cycle finishes, a summary, exit 1, one line', async () => {
    const summary = join(scratch, 'stalled.jsonl');
    const started = performance.now();
    const child = Bun.spawn(
      [process.execPath, join(STRESS_DIR, 'live-loop.ts'), '--url', `http://127.0.0.1:${stall.port}`, '--cycles', '5', '--every', '0', '--http-timeout', '1.5', '--summary', summary],
      { stdout: 'pipe', stderr: 'pipe', env: { ...process.env, QUIZ_ADMIN_PASSWORD: 'x' } },
    );
    await Bun.sleep(500);
    child.kill('SIGINT');
    const [stdout, exitCode] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(exitCode).toBe(1);
    expect(stdout).toContain('finishing the current cycle');
    expect(stdout).toContain('1 cycle(s) · 0 passed · 1 failed');
    expect(performance.now() - started).toBeLessThan(6_000);
    const lines = readFileSync(summary, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).failures).toEqual(['GET /healthz: no answer within 1.5 s']);
  });
});

describe('stress-loop.ts and the shared parsing', () => {
  test('a suite folder with no tests is skipped and not recorded', async () => {
    const summary = join(scratch, 'summary.jsonl');
    const { stdout, exitCode } = await runTool('stress-loop.ts', ['--suites', 'no-such-suite', '--cycles', '2', '--summary', summary]);
    expect(exitCode).toBe(0);
    expect(stdout.match(/SKIP {2}no tests in tests\/stress\/no-such-suite yet/g)).toHaveLength(2);
    expect(() => readFileSync(summary, 'utf8')).toThrow();
  });

  test('bun test counts, durations and URLs', () => {
    expect(parseBunTestCounts('(pass) a\n\n 9 pass\n 1 fail\n 3 expect() calls\nRan 10 tests across 8 files. [30.59s]\n')).toEqual({ passed: 9, failed: 1 });
    expect(parseBunTestCounts('error: crashed')).toEqual({ passed: 0, failed: 0 });
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(() => parseDuration('2 hours')).toThrow(UsageError);
    expect(requireHttpUrl('https://quiz.example.org/')).toBe('https://quiz.example.org');
    expect(() => requireHttpUrl('ws://quiz.example.org')).toThrow('http:// or https://');
    expect(() => requireHttpUrl(undefined)).toThrow('--url is required');
  });
});
