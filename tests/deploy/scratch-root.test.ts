/**
 * The file-writing stages (swap → fstab + sysctl, user → sshd drop-in, secrets → env file,
 * service → unit + Caddyfile) run against a scratch root with `--root DIR`: the same code
 * as a real install, with no system command run. A second run must change nothing.
 */
import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BOOTSTRAP, bootstrapEnv, DOMAIN } from '../helpers/bootstrap-script';
import { run } from '../helpers/run-command';

const scratch = mkdtempSync(join(tmpdir(), 'quiz-root-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FILE_STAGES = 'swap,user,secrets,service';
const PASSWORD = 'lecture-day-password';

function bootstrap(root: string, extra: Record<string, string> = {}, stages = FILE_STAGES) {
  return run(['bash', BOOTSTRAP, '--root', root, '--stages', stages], { env: bootstrapEnv({ DOMAIN, ...extra }) });
}

/** Every file under root: its mode and bytes. */
function tree(root: string): Record<string, { mode: string; text: string }> {
  const files: Record<string, { mode: string; text: string }> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[`/${relative(root, path)}`] = { mode: (statSync(path).mode & 0o777).toString(8), text: readFileSync(path, 'utf8') };
    }
  };
  walk(root);
  return files;
}

function newRoot(name: string, fstab?: string): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'etc'), { recursive: true });
  if (fstab !== undefined) writeFileSync(join(root, 'etc', 'fstab'), fstab);
  return root;
}

test('the file-writing stages produce the expected files, modes and contents', () => {
  const root = newRoot('first', '# /etc/fstab\nUUID=1234 / ext4 defaults 0 1');  // no final newline
  const result = bootstrap(root, { ADMIN_PASSWORD: PASSWORD });
  if (result.code !== 0) console.error(result.stdout, result.stderr);
  expect(result.code).toBe(0);
  for (const header of ['[1/9 swap]', '[3/9 user]', '[5/9 secrets]', '[7/9 service]']) expect(result.stdout).toContain(header);
  for (const skipped of ['[2/9 packages]', '[4/9 app]', '[6/9 pool]', '[8/9 start]']) expect(result.stdout).not.toContain(skipped);

  const files = tree(root);
  expect(Object.keys(files).sort()).toEqual([
    '/etc/caddy/Caddyfile',
    '/etc/fstab',
    '/etc/quiz/quiz.env',
    '/etc/ssh/sshd_config.d/60-quiz-deny.conf',
    '/etc/sysctl.d/60-quiz-swap.conf',
    '/etc/systemd/system/quiz.service',
    '/etc/systemd/system/quiz@.service',
  ]);

  // swap: the existing fstab kept, the swap line added on its own line.
  expect(files['/etc/fstab']!.text).toBe('# /etc/fstab\nUUID=1234 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n');
  expect(files['/etc/sysctl.d/60-quiz-swap.conf']!.text).toMatch(/^vm\.swappiness=10$/m);
  expect(files['/etc/sysctl.d/60-quiz-swap.conf']!.mode).toBe('644');
  // user: sshd refuses the service account.
  expect(files['/etc/ssh/sshd_config.d/60-quiz-deny.conf']!.text).toMatch(/^DenyUsers quiz$/m);

  // secrets: 0600 (the owner is root on a real install; not checkable as a test user).
  const env = files['/etc/quiz/quiz.env']!;
  expect(env.mode).toBe('600');
  expect(env.text).toContain(`QUIZ_ADMIN_PASSWORD='${PASSWORD}'\n`);
  const key = env.text.match(/^QUIZ_SECRET_KEY='([A-Za-z0-9]+)'$/m)?.[1] ?? '';
  expect(key.length).toBeGreaterThanOrEqual(32);
  expect(result.stdout).not.toContain(PASSWORD);
  expect(result.stdout).not.toContain(key);

  // service: byte for byte what --print-unit / --print-caddyfile print.
  const unit = run(['bash', BOOTSTRAP, '--print-unit', DOMAIN], { env: bootstrapEnv() }).stdout;
  const caddyfile = run(['bash', BOOTSTRAP, '--print-caddyfile', DOMAIN], { env: bootstrapEnv() }).stdout;
  expect(files['/etc/systemd/system/quiz.service']).toEqual({ mode: '644', text: unit });
  expect(files['/etc/caddy/Caddyfile']).toEqual({ mode: '644', text: caddyfile });
  expect(unit).toContain(`Environment=QUIZ_PUBLIC_URL=https://${DOMAIN}`);
  expect(caddyfile).toContain(`${DOMAIN} {`);
});

test('a second run changes nothing: same bytes, same secret, one fstab line', () => {
  const root = newRoot('second', 'UUID=1234 / ext4 defaults 0 1\n');
  expect(bootstrap(root, { ADMIN_PASSWORD: PASSWORD }).code).toBe(0);
  const first = tree(root);
  // Even with another password given: the env file is never overwritten.
  const again = bootstrap(root, { ADMIN_PASSWORD: 'another-password' });
  expect(again.code).toBe(0);
  expect(again.stderr).toContain('ADMIN_PASSWORD is ignored');
  expect(again.stdout).not.toMatch(/^ *(wrote|appended)/m);
  expect(again.stdout).toContain('unchanged: /etc/fstab already mounts /swapfile');
  expect(again.stdout).toContain('unchanged: /etc/quiz/quiz.env exists');
  const second = tree(root);
  expect(second).toEqual(first);
  expect(second['/etc/fstab']!.text.match(/\/swapfile/g)).toHaveLength(1);
  expect(second['/etc/quiz/quiz.env']!.text).not.toContain('another-password');
});

test('a re-run without DOMAIN keeps the domain of the installed unit', () => {
  const root = newRoot('keep-domain');
  expect(bootstrap(root, { ADMIN_PASSWORD: PASSWORD }).code).toBe(0);
  const before = tree(root);
  const result = run(['bash', BOOTSTRAP, '--root', root, '--stages', FILE_STAGES], { env: bootstrapEnv() });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`keeping ${DOMAIN}`);
  expect(tree(root)).toEqual(before);
});

test('no ADMIN_PASSWORD and no terminal: a password is generated into the env file, not printed', () => {
  const root = newRoot('generated');
  // setsid: no controlling terminal, so /dev/tty cannot be opened and nothing is prompted.
  const result = run(['setsid', 'bash', BOOTSTRAP, '--root', root, '--stages', 'secrets'], { env: bootstrapEnv() });
  expect(result.code).toBe(0);
  const env = readFileSync(join(root, 'etc/quiz/quiz.env'), 'utf8');
  const password = env.match(/^QUIZ_ADMIN_PASSWORD='([A-Za-z0-9]+)'$/m)?.[1] ?? '';
  expect(password.length).toBeGreaterThanOrEqual(16);
  expect(result.stdout).toContain('generated an admin password; read it with: sudo grep QUIZ_ADMIN_PASSWORD /etc/quiz/quiz.env');
  expect(result.stdout).not.toContain(password);
});

test('a short or unquotable admin password is refused and no env file is left behind', () => {
  for (const bad of ['short', "it's-a-password", 'back\\slash-password']) {
    const root = newRoot(`bad-${bad.length}`);
    const result = bootstrap(root, { ADMIN_PASSWORD: bad }, 'secrets');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/admin password (must be at least 8|may not contain)/);
    expect(existsSync(join(root, 'etc/quiz/quiz.env'))).toBe(false);
  }
});

test('--dry-run with --root writes nothing there either', () => {
  const root = newRoot('dry');
  const result = run(['bash', BOOTSTRAP, '--dry-run', '--root', root, '--stages', FILE_STAGES], {
    env: bootstrapEnv({ DOMAIN, ADMIN_PASSWORD: PASSWORD }),
  });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('would write: /etc/quiz/quiz.env');
  expect(tree(root)).toEqual({});
});
