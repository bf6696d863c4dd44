/**
 * Command-line plumbing shared by live.ts, live-loop.ts and stress-loop.ts: argument
 * parsing with a usage error that names the flag, http(s) URL validation, durations
 * ("90s", "30m", "2h", "1h30m"), and the admin password from a flag, the environment, or
 * a no-echo prompt on the terminal.
 */
import { PasswordFileError, readPasswordFile } from '../../../scripts/password-file';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/**
 * How a tool ends when its arguments do not parse: `tool: message` (none for --help) and the
 * usage on stderr; returns the exit code, 2 (0 for --help). Anything but a UsageError is rethrown.
 */
export function usageExit(tool: string, usage: string, error: unknown): number {
  if (!(error instanceof UsageError)) throw error;
  if (error.message) process.stderr.write(`${tool}: ${error.message}\n`);
  process.stderr.write(`${usage}\n`);
  return error.message ? 2 : 0;
}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The base URL without a trailing slash; refuses anything but http:// and https://. */
export function requireHttpUrl(raw: string | undefined): string {
  if (!raw) throw new UsageError('--url is required (the server to test, e.g. --url https://quiz.example.org)');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(raw)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url must be http:// or https://, got ${parsed.protocol}`);
  }
  return raw.replace(/\/+$/, '');
}

export function positiveInteger(raw: string | undefined, flag: string, fallback: number, { allowZero = false } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new UsageError(`${flag} must be a whole number${allowZero ? '' : ' above 0'}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function seconds(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`${flag} must be a number of seconds, got ${JSON.stringify(raw)}`);
  return value;
}

/** "90", "90s", "30m", "2h", "1h30m" → milliseconds. */
export function parseDuration(raw: string, flag = '--duration'): number {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') throw new UsageError(`${flag} must look like 90s, 30m, 2h or 1h30m, got ${JSON.stringify(raw)}`);
  const [, hours = '0', minutes = '0', secs = '0'] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(secs)) * 1000;
}

/** Reads a line from the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            return resolve(typed);
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            return reject(new UsageError('cancelled'));
          }
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else if (char >= ' ') typed += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/**
 * --password-file (first line, owner-only file), else QUIZ_ADMIN_PASSWORD /
 * STRESS_ADMIN_PASSWORD, else a prompt on a terminal. There is no --password: arguments
 * are visible to every local user (ps) and stay in shell history.
 */
export async function resolvePassword(passwordFile: string | undefined): Promise<string> {
  if (passwordFile !== undefined) {
    try {
      return readPasswordFile(passwordFile);
    } catch (error) {
      if (error instanceof PasswordFileError) throw new UsageError(error.message);
      throw error;
    }
  }
  const fromEnv = process.env.QUIZ_ADMIN_PASSWORD || process.env.STRESS_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) return promptHidden('Admin password: ');
  throw new UsageError('no admin password: pass --password-file PATH, or set QUIZ_ADMIN_PASSWORD (or STRESS_ADMIN_PASSWORD)');
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

export function clockTime(date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}
