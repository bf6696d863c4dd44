/**
 * Running a command to completion and capturing everything (the deploy tests drive shell
 * scripts and tools this way), and insisting that a tool CI installs is really there (a
 * missing tool fails the test; it never skips).
 */
import { join } from 'node:path';

/** The root of this clone. */
export const REPO = join(import.meta.dir, '..', '..');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Spawn options shared by `run` and `runAsync`: in the clone, no stdin, both outputs piped. */
function spawnOptions(options: RunOptions) {
  return {
    cwd: options.cwd ?? REPO,
    env: options.env ?? (process.env as Record<string, string>),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  } as const;
}

/** Runs a command to completion (synchronously: for scripts that do not need our server). */
export function run(cmd: string[], options: RunOptions = {}): RunResult {
  const result = Bun.spawnSync(cmd, spawnOptions(options));
  return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Runs a command without blocking the event loop (the server under test runs in-process). */
export async function runAsync(cmd: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = Bun.spawn(cmd, spawnOptions(options));
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** The tool's path; throws (failing the test) when CI forgot to install it. */
export function requireTool(name: string): string {
  const path = Bun.which(name);
  if (!path) throw new Error(`${name} is not installed: CI must install it (apt-get install ${name === 'shellcheck' ? 'shellcheck' : name})`);
  return path;
}
