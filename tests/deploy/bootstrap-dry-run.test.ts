/**
 * `bootstrap.sh --dry-run` on this machine (Debian in CI, not the Ubuntu the script is for):
 * the OS check is reported, not fatal, every stage prints its plan, and nothing changes.
 * The real (non-dry) run is only exercised where it must stop in preflight.
 */
import { afterAll, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOTSTRAP, bootstrapEnv, DOMAIN } from '../helpers/bootstrap-script';
import { REPO, run } from '../helpers/run-command';

const WATCHED = [
  '/opt/quiz',
  '/opt/quiz.new',
  '/opt/quiz.prev',
  '/etc/quiz',
  '/etc/quiz/quiz.env',
  '/var/lib/quiz',
  '/swapfile',
  '/etc/systemd/system/quiz.service',
  '/etc/caddy/Caddyfile',
  '/etc/caddy/Caddyfile.dist',
  '/etc/sysctl.d/60-quiz-swap.conf',
  '/etc/ssh/sshd_config.d/60-quiz-deny.conf',
  '/etc/fstab',
  '/etc/passwd',
  '/etc/group',
];

/** What each watched path is now: absent, a directory with its mtime, or a file's hash. */
function snapshot(): Record<string, string> {
  const state: Record<string, string> = {};
  for (const path of WATCHED) {
    if (!existsSync(path)) state[path] = 'absent';
    else if (lstatSync(path).isDirectory()) state[path] = `dir ${lstatSync(path).mtimeMs}`;
    else state[path] = `file ${lstatSync(path).mode} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  }
  return state;
}

const STAGE_HEADERS = ['[preflight]', '[1/9 swap]', '[2/9 packages]', '[3/9 user]', '[4/9 app]', '[5/9 secrets]', '[6/9 pool]', '[7/9 service]', '[8/9 start]', '[9/9 certificate]'];

const scratch = mkdtempSync(join(tmpdir(), 'quiz-dry-run-'));
chmodSync(scratch, 0o755); // the non-root run (as nobody) reads a fake os-release and the script from here
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('--dry-run prints the plan of every stage and touches nothing', () => {
  const before = snapshot();
  const result = run(['bash', BOOTSTRAP, '--dry-run'], { env: bootstrapEnv({ DOMAIN }) });
  const after = snapshot();
  if (result.code !== 0) console.error(result.stdout, result.stderr);
  expect(result.code).toBe(0);
  const out = result.stdout;
  for (const header of STAGE_HEADERS) expect(out).toContain(header);
  // The OS check is reported (this is Debian in CI) but not fatal under --dry-run.
  const osRelease = readFileSync('/etc/os-release', 'utf8');
  if (!/^ID="?ubuntu"?$/m.test(osRelease)) expect(out).toMatch(/would stop here: this is \S+ .*not Ubuntu/);
  // One line per action, stage by stage.
  expect(out).toContain('would run: fallocate -l 2G /swapfile');
  expect(out).toContain('would append to /etc/fstab: /swapfile none swap sw 0 0');
  expect(out).toContain('/etc/sysctl.d/60-quiz-swap.conf');
  expect(out).toContain('npm install --global --prefix /usr/local --no-audit --no-fund bun@1.4.4');
  expect(out).toContain('useradd --system');
  expect(out).toContain('--shell /usr/sbin/nologin quiz');
  expect(out).toContain(`would copy the clone ${REPO} to /opt/quiz.new`);
  expect(out).toContain('install --production --frozen-lockfile');
  expect(out).toContain('would run: mv /opt/quiz.new /opt/quiz');
  expect(out).toContain('would prompt for the admin password on /dev/tty');
  expect(out).toContain('would write: /etc/quiz/quiz.env (mode 600');
  expect(out).toContain('examples/demo10_pool.json');
  expect(out).toContain('would write: /etc/systemd/system/quiz.service');
  expect(out).toContain('would write: /etc/caddy/Caddyfile');
  expect(out).toContain('would run: systemctl start quiz.service');
  expect(out).toContain('http://127.0.0.1:8001/healthz');
  expect(out).toContain(`https://${DOMAIN}/admin/`);
  expect(out.trimEnd().endsWith('Dry run complete: nothing was changed.')).toBe(true);
  expect(after).toEqual(before);
  // On a machine that never ran the script, none of its paths may appear.
  for (const path of ['/opt/quiz', '/etc/quiz', '/var/lib/quiz', '/swapfile', '/etc/systemd/system/quiz.service']) {
    if (before[path] === 'absent') expect(existsSync(path)).toBe(false);
  }
});

test('--dry-run without DOMAIN says a real run would stop, and still plans every stage', () => {
  const before = snapshot();
  const result = run(['bash', BOOTSTRAP, '--dry-run'], { env: bootstrapEnv() });
  expect(result.code).toBe(0);
  if (!existsSync('/etc/systemd/system/quiz.service')) expect(result.stdout).toContain('DOMAIN is not set');
  for (const header of STAGE_HEADERS) expect(result.stdout).toContain(header);
  expect(snapshot()).toEqual(before);
});

test('a real run on a non-Ubuntu system stops in preflight with a clear message', () => {
  const fake = join(scratch, 'os-release-debian');
  writeFileSync(fake, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
  const before = snapshot();
  const result = run(['bash', BOOTSTRAP], { env: bootstrapEnv({ DOMAIN, QUIZ_OS_RELEASE: fake, ADMIN_PASSWORD: 'unused-password' }) });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('error: this is debian 12, not Ubuntu: the script supports Ubuntu 24.04 only');
  expect(result.stdout).not.toContain('[1/9 swap]');
  expect(snapshot()).toEqual(before);
});

test('a real run as a non-root user stops in preflight with a clear message', () => {
  const fake = join(scratch, 'os-release-ubuntu');
  writeFileSync(fake, 'ID=ubuntu\nVERSION_ID="24.04"\n', { mode: 0o644 });
  // `nobody` may not be able to read the clone (a 0700 temp folder, a home directory): run
  // a world-readable copy of the script (it sources nothing) from the scratch folder.
  const script = join(scratch, 'bootstrap.sh');
  copyFileSync(BOOTSTRAP, script);
  chmodSync(script, 0o644);
  // As root, drop to `nobody` for this run; as any other user, run as we are.
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
  const before = snapshot();
  const result = run([...asUser, 'bash', script], { env: bootstrapEnv({ DOMAIN, QUIZ_OS_RELEASE: fake }), cwd: '/' });
  expect(result.stderr).toContain('error: run as root');
  expect(result.code).toBe(1);
  expect(result.stdout).not.toContain('[1/9 swap]');
  expect(snapshot()).toEqual(before);
});

test('bad arguments are refused before anything runs', () => {
  const stage = run(['bash', BOOTSTRAP, '--dry-run', '--stages', 'swap,nope'], { env: bootstrapEnv({ DOMAIN }) });
  expect(stage.code).toBe(1);
  expect(stage.stderr).toContain("unknown stage 'nope'");
  const domain = run(['bash', BOOTSTRAP, '--dry-run'], { env: bootstrapEnv({ DOMAIN: 'https://quiz.example.org/' }) });
  expect(domain.code).toBe(1);
  expect(domain.stderr).toContain('is not a DNS name');
});
