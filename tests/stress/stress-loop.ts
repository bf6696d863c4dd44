/**
 * The local stress suites on a schedule:
 *
 *   bun run stress-loop [--cycles N] [--every S] [--suites api,ui] [--duration 2h]
 *                       [--scale smoke|small|medium|large|soak] [--summary FILE]
 *
 * Each cycle runs `bun test tests/stress/<suite>` for every suite, one child process each
 * (each boots fresh servers on fresh databases), with STRESS_SCALE (or --scale) passed on.
 * The child's output goes to runs/stress-loop/<start>-c<cycle>-<suite>.log; one status
 * line per suite and cycle; one JSON line per suite and cycle appended to
 * runs/summary.jsonl (or --summary FILE). A suite folder with no tests yet is skipped and
 * not recorded. Bounded by --cycles (default: the profile's cycles) and --duration. Ctrl-C
 * once: finish the current suite and stop; twice: abort it. Exit 0 when nothing failed.
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { clockTime, parseDuration, parseFlags, positiveInteger, seconds, usageExit, UsageError } from './lib/live-cli';
import { LoopControl } from './lib/live-cycles';
import { loadProfile, PROFILE_NAMES, type ProfileName } from './lib/profiles';
import { RUNS_DIR } from './lib/report';

const REPO_ROOT = join(import.meta.dir, '../..');
const USAGE = `usage: bun run stress-loop [--cycles N] [--every S] [--suites api,ui] [--duration 2h]
           [--scale ${PROFILE_NAMES.join('|')}] [--summary FILE]
  Ctrl-C: finish the current suite and stop; again: abort it.`;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export interface SuiteCycleLine {
  at: string;
  kind: 'stress-loop';
  suite: string;
  cycle: number;
  profile: string;
  passed: boolean;
  tests_passed: number;
  tests_failed: number;
  exit_code: number | null;
  duration_ms: number;
  log: string;
}

/** The pass/fail counts of `bun test`'s closing lines (" 5 pass", " 1 fail"). */
export function parseBunTestCounts(output: string): { passed: number; failed: number } {
  const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'm').exec(output)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') };
}

async function hasTests(folder: string): Promise<boolean> {
  if (!existsSync(folder)) return false;
  for await (const _ of new Bun.Glob('**/*.test.ts').scan({ cwd: folder })) return true;
  return false;
}

async function main(): Promise<number> {
  let flags;
  let profileName: ProfileName;
  let cycles: number | null;
  let durationMs: number | null;
  let everyS: number;
  let suites: string[];
  try {
    flags = parseFlags(Bun.argv.slice(2), {
      cycles: { type: 'string' },
      every: { type: 'string' },
      suites: { type: 'string' },
      duration: { type: 'string' },
      scale: { type: 'string' },
      summary: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) throw new UsageError('');
    if (flags.scale !== undefined && !PROFILE_NAMES.includes(flags.scale as ProfileName)) {
      throw new UsageError(`--scale must be one of ${PROFILE_NAMES.join(', ')}`);
    }
    const env = { ...process.env, ...(flags.scale ? { STRESS_SCALE: flags.scale } : {}) };
    let profile;
    try {
      profile = loadProfile(env);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    profileName = profile.name;
    durationMs = flags.duration === undefined ? null : parseDuration(flags.duration);
    cycles = flags.cycles === undefined ? (durationMs === null ? profile.cycles : null) : positiveInteger(flags.cycles, '--cycles', 1);
    everyS = seconds(flags.every, '--every', 0);
    suites = (flags.suites ?? 'api,ui').split(',').map((suite) => suite.trim()).filter(Boolean);
    const invalid = suites.find((suite) => !/^[\w-]+$/.test(suite));
    if (invalid !== undefined || suites.length === 0) throw new UsageError(`--suites takes names of folders under tests/stress, got ${JSON.stringify(flags.suites)}`);
  } catch (error) {
    return usageExit('stress-loop', USAGE, error);
  }

  const summaryFile = flags.summary ?? join(RUNS_DIR, 'summary.jsonl');
  const logDir = join(RUNS_DIR, 'stress-loop');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(dirname(summaryFile), { recursive: true });
  const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
  const bound = [cycles === null ? null : `${cycles} cycles`, flags.duration ?? null].filter(Boolean).join(' or ');
  say(`stress-loop: suites ${suites.join(', ')} · STRESS_SCALE=${profileName} · every ${everyS} s · up to ${bound} · summary ${summaryFile}`);

  const control = new LoopControl('stress-loop', say, 'suite');
  const finished: SuiteCycleLine[] = [];
  let aborted = 0;
  let skipped = 0;

  await control.schedule({ cycles, durationMs, everyMs: everyS * 1000 }, async (cycle) => {
    for (const suite of suites) {
      if (control.stopRequested) return;
      const label = `${clockTime()}  #${cycle}${cycles === null ? '' : `/${cycles}`}  ${suite.padEnd(4)}`;
      const folder = join(REPO_ROOT, 'tests/stress', suite);
      if (!(await hasTests(folder))) {
        skipped += 1;
        say(`${label}  SKIP  no tests in ${relative(REPO_ROOT, folder)} yet`);
        continue;
      }
      const log = join(logDir, `${stamp}-c${cycle}-${suite}.log`);
      const fd = openSync(log, 'a');
      const started = Date.now();
      let exitCode: number | null;
      try {
        ({ exitCode } = await control.run([process.execPath, 'test', `./tests/stress/${suite}`], {
          cwd: REPO_ROOT,
          env: { ...process.env, STRESS_SCALE: profileName },
          stdout: fd,
          stderr: fd,
        }));
      } finally {
        closeSync(fd);
      }
      const durationMs = Date.now() - started;
      if (control.aborted) {
        aborted += 1;
        say(`${clockTime()}  #${cycle}  ${suite.padEnd(4)}  ABORTED (not recorded)  log ${relative(REPO_ROOT, log)}`);
        return;
      }
      const counts = parseBunTestCounts(readFileSync(log, 'utf8'));
      const line: SuiteCycleLine = {
        at: new Date().toISOString(),
        kind: 'stress-loop',
        suite,
        cycle,
        profile: profileName,
        passed: exitCode === 0 && counts.failed === 0,
        tests_passed: counts.passed,
        tests_failed: counts.failed,
        exit_code: exitCode,
        duration_ms: durationMs,
        log: relative(REPO_ROOT, log),
      };
      appendFileSync(summaryFile, `${JSON.stringify(line)}\n`);
      finished.push(line);
      say(
        `${clockTime()}  #${cycle}${cycles === null ? '' : `/${cycles}`}  ${suite.padEnd(4)}  ${line.passed ? 'PASS' : 'FAIL'}  ` +
          `${counts.passed} passed, ${counts.failed} failed  ${(durationMs / 1000).toFixed(1)} s  log ${line.log}`,
      );
    }
  });

  const failed = finished.filter((line) => !line.passed).length;
  say(
    `stress-loop: ${finished.length} suite run(s) · ${finished.length - failed} passed · ${failed} failed` +
      (skipped ? ` · ${skipped} skipped` : '') +
      (aborted ? ` · ${aborted} aborted` : '') +
      ` · ${summaryFile}`,
  );
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) process.exit(await main());
