/**
 * Live accuracy check of a deployed (or local) server:
 *
 *   bun run live -- --url https://quiz.example.org --students 50 [--password-file PATH]
 *
 * The password may also come from QUIZ_ADMIN_PASSWORD or STRESS_ADMIN_PASSWORD, or is
 * asked for on the terminal. WARNING: it resets the server (a new run) and plays the whole
 * loaded pool; never point it at a lecture in progress.
 *
 * stdout: one JSON line (the LiveResult); stderr: human lines, and a live progress line on
 * a terminal. Exit code 0 only if every check held; 1 a check failed or the server did not
 * answer in time; 2 a usage error; 130 interrupted (Ctrl-C / SIGTERM abort the run cleanly).
 */
import { formatMs, parseFlags, positiveInteger, requireHttpUrl, resolvePassword, seconds, usageExit, UsageError } from './lib/live-cli';
import { runLive, type LiveOptions, type LiveResult } from './lib/live-run';
import { progress, progressDone } from './lib/report';

const USAGE = `usage: bun run live -- --url http(s)://HOST [--students 50] [--password-file PATH]
           [--http-timeout 15] [--snapshot-timeout 12] [--seed N]
  password: --password-file PATH, QUIZ_ADMIN_PASSWORD, STRESS_ADMIN_PASSWORD, or a prompt on the terminal`;

/** Human lines go to stderr, uncoloured (Bun colours console.error on a terminal). */
function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function parseLiveArgs(argv: string[]): Promise<LiveOptions> {
  const flags = parseFlags(argv, {
    url: { type: 'string' },
    students: { type: 'string' },
    'password-file': { type: 'string' },
    'http-timeout': { type: 'string' },
    'snapshot-timeout': { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) throw new UsageError('');
  const url = requireHttpUrl(flags.url);
  const students = positiveInteger(flags.students, '--students', 50);
  const snapshotS = seconds(flags['snapshot-timeout'], '--snapshot-timeout', 12);
  const httpS = seconds(flags['http-timeout'], '--http-timeout', 15);
  const password = await resolvePassword(flags['password-file']);
  return {
    url,
    password,
    students,
    snapshotTimeoutMs: snapshotS * 1000,
    adminSnapshotTimeoutMs: (snapshotS + 3) * 1000,
    frameTimeoutMs: Math.max(httpS, snapshotS + 3) * 1000,
    httpTimeoutMs: httpS * 1000,
    seed: flags.seed === undefined ? undefined : positiveInteger(flags.seed, '--seed', 1, { allowZero: true }),
  };
}

export function describeResult(result: LiveResult): string {
  const interrupted = result.failures.at(-1) === 'interrupted';
  const verdict = result.passed ? 'PASS' : interrupted ? 'INTERRUPTED' : 'FAIL';
  return (
    `live: ${verdict} · ${result.students} students × ${result.questions} questions · acks ${result.acks}/${result.expected_acks} · ` +
    `ack p50 ${formatMs(result.ack_p50_ms)} p95 ${formatMs(result.ack_p95_ms)} p99 ${formatMs(result.ack_p99_ms)} · ` +
    `${(result.duration_ms / 1000).toFixed(1)} s`
  );
}

async function main(): Promise<number> {
  let options: LiveOptions;
  try {
    options = await parseLiveArgs(Bun.argv.slice(2));
  } catch (error) {
    return usageExit('live', USAGE, error);
  }

  const abort = new AbortController();
  const interrupt = () => {
    if (abort.signal.aborted) process.exit(130);
    if (process.stderr.isTTY) progressDone();
    say('live: interrupted, closing sockets…');
    abort.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  let lastDraw = 0;
  const result = await runLive({
    ...options,
    signal: abort.signal,
    onProgress: ({ phase, connected, acks, expectedAcks }) => {
      const now = performance.now();
      if (now - lastDraw < 100 && phase !== 'done') return;
      lastDraw = now;
      progress(`live ${phase} · students connected ${connected}/${options.students} · acks ${acks}/${expectedAcks || '?'}`);
    },
  });
  progressDone();
  say(describeResult(result));
  for (const failure of result.failures.slice(0, 20)) say(`  ✗ ${failure}`);
  if (result.errors > 20) say(`  … ${result.errors - 20} more`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (abort.signal.aborted) return 130;
  return result.passed ? 0 : 1;
}

if (import.meta.main) {
  const code = await main();
  // Exit now: a stalled server can leave requests that would never settle.
  process.exit(code);
}
