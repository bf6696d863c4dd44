/**
 * The live accuracy check on a schedule (for a tmux pane before and around a lecture):
 *
 *   bun run live-loop -- --url https://quiz.example.org --every 60 [--cycles N] [--duration 2h]
 *                        [--students 50] [--password-file PATH] [--summary FILE]
 *
 * Each cycle runs `bun tests/stress/live.ts` in a child process (the password goes to it
 * through the environment, never the command line), prints one status line, and appends
 * one JSON line to runs/live_summary.jsonl (or --summary FILE). Bounded by --cycles and/or
 * --duration (neither: 10 cycles). Ctrl-C once: finish the current cycle and stop; twice:
 * abort it. Prints a summary; exit code 0 when no completed cycle failed, else 1 (2: usage).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clockTime, formatMs, parseDuration, parseFlags, positiveInteger, requireHttpUrl, resolvePassword, seconds, usageExit, UsageError } from './lib/live-cli';
import { LoopControl } from './lib/live-cycles';
import type { LiveResult } from './lib/live-run';
import { RUNS_DIR } from './lib/report';

const LIVE_SCRIPT = join(import.meta.dir, 'live.ts');
const DEFAULT_CYCLES = 10;
const USAGE = `usage: bun run live-loop -- --url http(s)://HOST [--every 60] [--cycles N] [--duration 2h]
           [--students 50] [--password-file PATH] [--summary FILE] [--http-timeout 15] [--snapshot-timeout 12]
  neither --cycles nor --duration: ${DEFAULT_CYCLES} cycles. Ctrl-C: finish the cycle and stop; again: abort it.`;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The line appended to the summary file for one finished cycle: the cycle's number and most of its live result. */
export type LiveCycleLine = { cycle: number } & Pick<
  LiveResult,
  | 'at'
  | 'url'
  | 'passed'
  | 'students'
  | 'questions'
  | 'acks'
  | 'expected_acks'
  | 'ack_p50_ms'
  | 'ack_p95_ms'
  | 'ack_p99_ms'
  | 'errors'
  | 'duration_ms'
  | 'failures'
>;

async function main(): Promise<number> {
  let flags;
  let url: string;
  let password: string;
  let students: number;
  let everyS: number;
  let cycles: number | null;
  let durationMs: number | null;
  try {
    flags = parseFlags(Bun.argv.slice(2), {
      url: { type: 'string' },
      every: { type: 'string' },
      cycles: { type: 'string' },
      duration: { type: 'string' },
      students: { type: 'string' },
      'password-file': { type: 'string' },
      summary: { type: 'string' },
      'http-timeout': { type: 'string' },
      'snapshot-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) throw new UsageError('');
    url = requireHttpUrl(flags.url);
    students = positiveInteger(flags.students, '--students', 50);
    everyS = seconds(flags.every, '--every', 60);
    durationMs = flags.duration === undefined ? null : parseDuration(flags.duration);
    cycles = flags.cycles === undefined ? (durationMs === null ? DEFAULT_CYCLES : null) : positiveInteger(flags.cycles, '--cycles', DEFAULT_CYCLES);
    seconds(flags['http-timeout'], '--http-timeout', 15);
    seconds(flags['snapshot-timeout'], '--snapshot-timeout', 12);
    password = await resolvePassword(flags['password-file']);
  } catch (error) {
    return usageExit('live-loop', USAGE, error);
  }

  const summaryFile = flags.summary ?? join(RUNS_DIR, 'live_summary.jsonl');
  mkdirSync(dirname(summaryFile), { recursive: true });
  const childArgs = ['--url', url, '--students', String(students)];
  for (const flag of ['http-timeout', 'snapshot-timeout'] as const) {
    if (flags[flag] !== undefined) childArgs.push(`--${flag}`, flags[flag]!);
  }
  const bound = [cycles === null ? null : `${cycles} cycles`, durationMs === null ? null : `${flags.duration}`].filter(Boolean).join(' or ');
  say(`live-loop: ${url} · ${students} students · every ${everyS} s · up to ${bound} · summary ${summaryFile}`);

  const control = new LoopControl('live-loop', say);
  const finished: LiveCycleLine[] = [];
  let abortedCycles = 0;

  await control.schedule({ cycles, durationMs, everyMs: everyS * 1000 }, async (cycle) => {
    const started = Date.now();
    const child = await control.run([process.execPath, LIVE_SCRIPT, ...childArgs], {
      env: { ...process.env, QUIZ_ADMIN_PASSWORD: password },
    });
    const label = `${clockTime()}  #${cycle}${cycles === null ? '' : `/${cycles}`}`;
    if (control.aborted) {
      abortedCycles += 1;
      say(`${label}  ABORTED (not recorded)`);
      return;
    }
    const result = parseResult(child.stdout);
    const line: LiveCycleLine = result
      ? {
          at: result.at,
          url,
          cycle,
          passed: result.passed && child.exitCode === 0,
          students: result.students,
          questions: result.questions,
          acks: result.acks,
          expected_acks: result.expected_acks,
          ack_p50_ms: result.ack_p50_ms,
          ack_p95_ms: result.ack_p95_ms,
          ack_p99_ms: result.ack_p99_ms,
          errors: result.errors,
          duration_ms: result.duration_ms,
          failures: result.failures,
        }
      : {
          at: new Date(started).toISOString(),
          url,
          cycle,
          passed: false,
          students,
          questions: 0,
          acks: 0,
          expected_acks: 0,
          ack_p50_ms: null,
          ack_p95_ms: null,
          ack_p99_ms: null,
          errors: 1,
          duration_ms: Date.now() - started,
          failures: [`live.ts exited ${child.exitCode} without a result: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`],
        };
    appendFileSync(summaryFile, `${JSON.stringify(line)}\n`);
    finished.push(line);
    say(
      `${label}  ${line.passed ? 'PASS' : 'FAIL'}  acks ${line.acks}/${line.expected_acks}  ` +
        `p50 ${formatMs(line.ack_p50_ms)}  p99 ${formatMs(line.ack_p99_ms)}  ${(line.duration_ms / 1000).toFixed(1)} s` +
        (line.passed ? '' : `  ${line.errors} error(s): ${line.failures[0] ?? ''}`),
    );
  });

  const failed = finished.filter((line) => !line.passed).length;
  const p99s = finished.map((line) => line.ack_p99_ms).filter((value): value is number => value !== null);
  say(
    `live-loop: ${finished.length} cycle(s) · ${finished.length - failed} passed · ${failed} failed` +
      (abortedCycles ? ` · ${abortedCycles} aborted` : '') +
      ` · acks ${finished.reduce((sum, line) => sum + line.acks, 0)}` +
      ` · worst ack p99 ${formatMs(p99s.length ? Math.max(...p99s) : null)} · ${summaryFile}`,
  );
  return failed === 0 ? 0 : 1;
}

function parseResult(stdout: string): LiveResult | null {
  const last = stdout.trim().split('\n').at(-1);
  if (!last) return null;
  try {
    return JSON.parse(last) as LiveResult;
  } catch {
    return null;
  }
}

if (import.meta.main) process.exit(await main());
