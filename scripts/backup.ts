/**
 * Back up a running quiz server from the lecturer's laptop:
 *
 *   bun run backup -- --url https://quiz.example.org [--out DIR] [--password-file PATH] [--run ID]
 *
 * Logs in as the instructor (password from the first line of --password-file, else
 * QUIZ_ADMIN_PASSWORD, else prompted on the terminal without echo), then downloads a
 * consistent copy of the database (GET /admin/api/backup) and the results
 * (GET /admin/api/results.csv) to DIR/quiz-YYYY-MM-DD.db and .csv (DIR defaults to ./backups). An existing file is never
 * overwritten: the name gets the time of day instead. Exits 1 with a message on failure.
 *
 * There is no --password: a process's arguments are readable by every local user (`ps`,
 * /proc/PID/cmdline) and stay in shell history. /proc/PID/environ is readable only by the
 * process's own user and root, so QUIZ_ADMIN_PASSWORD stays supported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { PasswordFileError, readPasswordFile } from './password-file';
import { join, resolve } from 'node:path';

class BackupError extends Error {}

interface Options {
  url: string;
  out: string;
  passwordFile: string | null;
  run: string | null;
}

const USAGE = `usage: bun run backup -- --url https://DOMAIN [--out DIR] [--password-file PATH] [--run ID]

  --url            the quiz server (https:// is assumed when no scheme is given)
  --out            folder for the files (default: backups)
  --password-file  a file whose first line is the admin password; only you may read it
                   (chmod 600). Default: $QUIZ_ADMIN_PASSWORD, else asked on the terminal
  --run            results.csv of an older run (default: the current run)`;

const PASSWORD_FLAG_REFUSED =
  '--password is not accepted: command-line arguments are visible to every user on this machine (ps) ' +
  'and stay in shell history. Use --password-file PATH (chmod 600), QUIZ_ADMIN_PASSWORD, or type it when asked.';

function parseArgs(argv: string[]): Options | 'help' {
  const options: Options = { url: '', out: 'backups', passwordFile: null, run: null };
  // Refused wherever it stands and before anything else; its value is never read or repeated.
  if (argv.some((arg) => arg === '--password' || arg.startsWith('--password='))) throw new BackupError(PASSWORD_FLAG_REFUSED);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new BackupError(`${flag} needs a value\n\n${USAGE}`);
      return next;
    };
    switch (flag) {
      case '--url':
        options.url = value();
        break;
      case '--out':
        options.out = value();
        break;
      case '--password-file':
        options.passwordFile = value();
        break;
      case '--run':
        options.run = value();
        break;
      default:
        throw new BackupError(`unknown argument: ${arg}\n\n${USAGE}`);
    }
  }
  if (!options.url) throw new BackupError(`--url is required\n\n${USAGE}`);
  return options;
}

function normaliseUrl(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new BackupError(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BackupError(`not an http(s) URL: ${raw}`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}


/** Asks on the terminal with echo off; the shell restores echo even on Ctrl-C. */
function promptPassword(): string {
  const script = [
    "trap 'stty echo </dev/tty 2>/dev/null' EXIT",
    "trap 'exit 130' INT TERM",
    "printf 'Admin password: ' >/dev/tty",
    'stty -echo </dev/tty',
    'IFS= read -r password </dev/tty',
    "printf '\\n' >/dev/tty",
    'printf %s "$password"',
  ].join('\n');
  let ttyAvailable = true;
  try {
    // Opening /dev/tty fails without a controlling terminal (CI, cron, setsid).
    const probe = spawnSync('sh', ['-c', ': </dev/tty'], { stdio: 'ignore' });
    ttyAvailable = probe.status === 0;
  } catch {
    ttyAvailable = false;
  }
  if (!ttyAvailable) {
    throw new BackupError('no password: pass --password-file PATH or set QUIZ_ADMIN_PASSWORD (there is no terminal to ask on)');
  }
  const result = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new BackupError('no password entered');
  return result.stdout;
}

async function request(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackupError(`cannot reach ${url} (${what}): ${reason}`);
  }
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: string; message?: string };
    if (body.message) return `${body.message}${body.error ? ` (${body.error})` : ''}`;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 200) || response.statusText;
}

function passwordFromFile(path: string): string {
  try {
    return readPasswordFile(path);
  } catch (error) {
    if (error instanceof PasswordFileError) throw new BackupError(error.message);
    throw error;
  }
}

async function login(base: string, password: string): Promise<string> {
  // No Origin header: the server allows scripts without one.
  const response = await request(
    `${base}/admin/login`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) },
    'login',
  );
  if (response.status === 401) {
    throw new BackupError(`login refused: wrong password (HTTP 401 from ${base}/admin/login)`);
  }
  if (response.status === 429) {
    const retry = response.headers.get('retry-after');
    throw new BackupError(`login refused: too many attempts (HTTP 429); try again in ${retry ?? 'a minute'} s`);
  }
  if (response.status !== 200) {
    throw new BackupError(`login failed: HTTP ${response.status} from ${base}/admin/login: ${await errorMessage(response)}`);
  }
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0]!;
    // Behind https the cookie carries the __Host- prefix.
    const isAdminCookie = pair.startsWith('quiz_admin=') || pair.startsWith('__Host-quiz_admin=');
    if (isAdminCookie && !pair.endsWith('=')) return pair;
  }
  throw new BackupError(`login answered 200 but set no quiz_admin cookie: is ${base} a quiz server?`);
}

async function download(url: string, cookie: string, what: string): Promise<Uint8Array> {
  const response = await request(url, { headers: { cookie } }, what);
  if (response.status !== 200) {
    throw new BackupError(`${what} failed: HTTP ${response.status} from ${url}: ${await errorMessage(response)}`);
  }
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new BackupError(`${what} was cut off: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** quiz-YYYY-MM-DD, or with the time of day (and a counter) when that name is taken. */
function chooseStem(dir: string, now: Date): string {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const free = (stem: string) => !existsSync(join(dir, `${stem}.db`)) && !existsSync(join(dir, `${stem}.csv`));
  const candidates = [`quiz-${date}`, `quiz-${date}-${time}`];
  for (const stem of candidates) if (free(stem)) return stem;
  for (let n = 2; ; n++) {
    const stem = `quiz-${date}-${time}-${n}`;
    if (free(stem)) return stem;
  }
}

/** Writes beside the final name, then renames: never a half-written file under the final name. */
function writeNew(path: string, data: Uint8Array): void {
  const partial = `${path}.part`;
  // The database holds the admin password hash and every student's id and name: owner only.
  writeFileSync(partial, data, { flag: 'w', mode: 0o600 });
  if (existsSync(path)) {
    rmSync(partial, { force: true });
    throw new BackupError(`${path} appeared while downloading; not overwriting it`);
  }
  renameSync(partial, path);
}

export async function backup(options: Options): Promise<string[]> {
  const base = normaliseUrl(options.url);
  const password = options.passwordFile !== null
    ? passwordFromFile(options.passwordFile)
    : (process.env.QUIZ_ADMIN_PASSWORD ?? promptPassword());
  if (!password) throw new BackupError('the password is empty');

  const cookie = await login(base, password);
  const database = await download(`${base}/admin/api/backup`, cookie, 'the database backup');
  const header = new TextDecoder().decode(database.subarray(0, 15));
  if (header !== 'SQLite format 3') {
    throw new BackupError(`the database backup from ${base} is not an SQLite file (${database.length} bytes)`);
  }
  const csvUrl = `${base}/admin/api/results.csv${options.run ? `?run=${encodeURIComponent(options.run)}` : ''}`;
  const csv = await download(csvUrl, cookie, 'results.csv');

  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stem = chooseStem(dir, new Date());
  const written = [join(dir, `${stem}.db`), join(dir, `${stem}.csv`)];
  writeNew(written[0]!, database);
  writeNew(written[1]!, csv);
  return written;
}

if (import.meta.main) {
  try {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed === 'help') {
      console.log(USAGE);
    } else {
      const written = await backup(parsed);
      for (const path of written) console.log(`wrote ${path} (${statSync(path).size} bytes)`);
    }
  } catch (error) {
    const message = error instanceof BackupError ? error.message : `unexpected failure: ${error instanceof Error ? error.stack : String(error)}`;
    process.stderr.write(`backup: ${message}\n`);
    process.exit(1);
  }
}
