/**
 * Helpers for the deploy tests: run a command and capture everything, and insist that a
 * tool CI installs is really there (a missing tool fails the test; it never skips).
 */
import { join } from 'node:path';

export const REPO = join(import.meta.dir, '..', '..');
export const BOOTSTRAP = join(REPO, 'deploy', 'bootstrap.sh');
export const DOMAIN = 'quiz.example.org';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (synchronously: for scripts that do not need our server). */
export function run(cmd: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): RunResult {
  const result = Bun.spawnSync(cmd, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? (process.env as Record<string, string>),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Runs a command without blocking the event loop (the server under test runs in-process). */
export async function runAsync(cmd: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<RunResult> {
  const child = Bun.spawn(cmd, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? (process.env as Record<string, string>),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
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

/** An environment without the variables the bootstrap script reads, plus `extra`. */
export function bootstrapEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (['DOMAIN', 'REPO_URL', 'REPO_REF', 'ADMIN_PASSWORD', 'ACME_EMAIL', 'ROOT', 'BUN_BIN', 'QUIZ_OS_RELEASE'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
