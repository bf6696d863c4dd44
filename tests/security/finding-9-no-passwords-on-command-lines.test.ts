/**
 * Security finding 9: passwords on command lines. `bun run backup` took `--password …` and
 * deploy/README.md showed `ADMIN_PASSWORD=… bash …`: a process's arguments are readable by
 * every local user (`ps`, /proc/PID/cmdline is mode 0444) and land in shell history. Now the
 * backup script refuses `--password` without using it and reads `--password-file PATH`
 * (a file only its owner can read), and no documented shell command carries a password.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runAsync } from '../helpers/run-command';
import { startTestWorld, TEST_ADMIN_PASSWORD, type TestWorld } from '../helpers/test-server';

let world: TestWorld;
const scratch = mkdtempSync(join(tmpdir(), 'quiz-finding-9-'));

beforeAll(async () => {
  world = await startTestWorld();
});

afterAll(async () => {
  await world?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The script's environment without an inherited QUIZ_ADMIN_PASSWORD, plus `extra`. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'QUIZ_ADMIN_PASSWORD') result[key] = value;
  return { ...result, ...extra };
}

/** setsid: no controlling terminal, so the script can never fall back to a prompt here. */
function backup(args: string[], extra: Record<string, string> = {}) {
  return runAsync(['setsid', 'bun', join(REPO, 'scripts', 'backup.ts'), ...args], { env: env(extra) });
}

function passwordFile(name: string, content: string, mode: number): string {
  const path = join(scratch, `${name}.password`);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode); // the umask may have narrowed it
  return path;
}

test('--password is refused, names --password-file, and the password is never sent', async () => {
  // A server that records every request: the script must not even try to log in.
  const requests: string[] = [];
  const recorder = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request) {
      requests.push(`${request.method} ${new URL(request.url).pathname}`);
      return new Response('{}', { status: 500 });
    },
  });
  try {
    const secret = 'the-secret-on-argv';
    for (const args of [
      ['--password', secret],
      [`--password=${secret}`],
    ]) {
      const out = join(scratch, 'refused');
      // Even with a usable password in the environment, --password is an error, not ignored.
      const result = await backup(['--url', `http://127.0.0.1:${recorder.port}`, '--out', out, ...args], {
        QUIZ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('--password-file');
      expect(result.stderr + result.stdout).not.toContain(secret);
      expect(existsSync(out)).toBe(false);
    }
    expect(requests).toEqual([]);
  } finally {
    await recorder.stop(true);
  }

  // Against the live server too: the right password on argv still gets nobody signed in.
  const out = join(scratch, 'refused-live');
  const result = await backup(['--url', world.baseUrl, '--out', out, '--password', TEST_ADMIN_PASSWORD]);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('--password-file');
  expect(existsSync(out)).toBe(false);
});

test('--help no longer offers --password, and offers --password-file', async () => {
  const result = await backup(['--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('--password-file');
  expect(result.stdout).not.toMatch(/--password(?!-file)/);
});

test('--password-file (mode 0600) backs up a live server', async () => {
  // First line only, trailing newline stripped: `echo pw > file` and editors both work.
  const file = passwordFile('good', `${TEST_ADMIN_PASSWORD}\nsecond line ignored\n`, 0o600);
  const out = join(scratch, 'out-good');
  const result = await backup(['--url', world.baseUrl, '--out', out, '--password-file', file]);
  if (result.code !== 0) console.error(result.stdout, result.stderr);
  expect(result.code).toBe(0);
  const names = readdirSync(out).sort();
  expect(names).toHaveLength(2);
  expect(names[1]).toMatch(/^quiz-\d{4}-\d{2}-\d{2}\.db$/);
  expect(readFileSync(join(out, names[1]!)).subarray(0, 15).toString()).toBe('SQLite format 3');

  // The inline form, and a file that wins over the environment.
  const inline = await backup(['--url', world.baseUrl, '--out', join(scratch, 'inline'), `--password-file=${file}`], {
    QUIZ_ADMIN_PASSWORD: 'not-the-password',
  });
  expect(inline.code).toBe(0);
});

test('a group- or world-readable password file is refused, as ssh refuses such keys', async () => {
  for (const mode of [0o644, 0o640, 0o604]) {
    const file = passwordFile(`open-${mode.toString(8)}`, `${TEST_ADMIN_PASSWORD}\n`, mode);
    const out = join(scratch, `out-open-${mode.toString(8)}`);
    const result = await backup(['--url', world.baseUrl, '--out', out, '--password-file', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain(`0${mode.toString(8)}`);
    expect(result.stderr).toContain(`chmod 600 ${file}`);
    expect(existsSync(out)).toBe(false);
  }
});

test('an empty password file (or an empty first line) is refused; so is a missing one', async () => {
  for (const [name, content] of [
    ['empty', ''],
    ['newline', '\n'],
    ['blank-first-line', '\nsecond\n'],
  ] as const) {
    const file = passwordFile(name, content, 0o600);
    const result = await backup(['--url', world.baseUrl, '--out', join(scratch, name), '--password-file', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${file} is empty`);
  }
  const missing = join(scratch, 'does-not-exist');
  const result = await backup(['--url', world.baseUrl, '--out', join(scratch, 'missing'), '--password-file', missing]);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain(`cannot read the password file ${missing}`);
});

// ---------------------------------------------------------------------------- docs

const DOCS = ['README.md', 'deploy/README.md', 'SECURITY.md'];
const SHELL_FENCES = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh']);

/** Lines of the fenced shell blocks of a Markdown file (unlabelled blocks count as shell). */
function shellLines(markdown: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  let fence: string | null = null;
  let isShell = false;
  markdown.split('\n').forEach((text, index) => {
    const opening = text.match(/^\s*(```+|~~~+)\s*([\w-]*)/);
    if (fence === null && opening) {
      fence = opening[1]!;
      isShell = SHELL_FENCES.has(opening[2]!.toLowerCase());
    } else if (fence !== null && text.trim().startsWith(fence)) {
      fence = null;
    } else if (fence !== null && isShell) {
      found.push({ line: index + 1, text });
    }
  });
  return found;
}

/** `…PASSWORD=value` with a literal value (not a `$` expansion), or `--password value`. */
const PASSWORD_ASSIGNMENT = /[A-Za-z_]*PASSWORD=(?!["']?\$)(?=[^\s;|&])/;
const PASSWORD_FLAG = /--password(?:=|\s+)(?=[^\s\\-])/;

test('the checker catches what it must, and lets the safe forms through', () => {
  const sample = [
    '```sh',
    'sudo DOMAIN=x ADMIN_PASSWORD=… bash',
    'bun run backup -- --url u --password hunter22',
    'bun run backup -- --password=hunter22',
    'bun run backup -- --url u --password-file ~/.quiz-password',
    'sudo grep QUIZ_ADMIN_PASSWORD /etc/quiz/quiz.env',
    '```',
    '```json',
    '{ "ADMIN_PASSWORD=x": 1 }',
    '```',
  ].join('\n');
  const bad = shellLines(sample).filter(({ text }) => PASSWORD_ASSIGNMENT.test(text) || PASSWORD_FLAG.test(text));
  expect(bad.map(({ line }) => line)).toEqual([2, 3, 4]);
});

test('no fenced shell command in README.md, deploy/README.md or SECURITY.md puts a password on the command line', () => {
  const offending: string[] = [];
  for (const doc of DOCS) {
    const path = join(REPO, doc);
    if (!existsSync(path)) {
      offending.push(`${doc}: missing`);
      continue;
    }
    for (const { line, text } of shellLines(readFileSync(path, 'utf8'))) {
      if (PASSWORD_ASSIGNMENT.test(text) || PASSWORD_FLAG.test(text)) offending.push(`${doc}:${line}: ${text.trim()}`);
    }
  }
  expect(offending).toEqual([]);
});
