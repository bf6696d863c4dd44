/**
 * bootstrap.sh --course and --tls in a scratch root (--root): the files a course adds, the
 * Caddyfile's NAME.DOMAIN sites, and the refusals (a bad name, a duplicate, native mode
 * with courses) that must leave every file as it was. The real run of both is
 * tests/deploy/systemd/deploy.nspawn.ts.
 */
import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BOOTSTRAP, bootstrapEnv, DOMAIN } from '../helpers/bootstrap-script';
import { run } from '../helpers/run-command';

const scratch = mkdtempSync(join(tmpdir(), 'quiz-courses-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function bootstrap(root: string, args: string[], extra: Record<string, string> = {}) {
  return run(['bash', BOOTSTRAP, '--root', root, ...args], { env: bootstrapEnv({ DOMAIN, ADMIN_PASSWORD: 'main-password-1', ...extra }) });
}

/** Every file and folder under root, with its bytes. */
function tree(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const key = `/${relative(root, path)}`;
      if (entry.isDirectory()) {
        entries[key] = 'dir';
        walk(path);
      } else entries[key] = `${(statSync(path).mode & 0o777).toString(8)} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(root);
  return entries;
}

/** A scratch root with the main install's files (the course flow needs its unit). */
function installedRoot(name: string, tls = 'caddy'): string {
  const root = join(scratch, name);
  mkdirSync(root, { recursive: true });
  const result = bootstrap(root, ['--tls', tls, '--stages', 'secrets,service']);
  if (result.code !== 0) console.error(result.stdout, result.stderr);
  expect(result.code).toBe(0);
  return root;
}

test('--course adds an env file with its own port, URL and secrets, and a NAME.DOMAIN site', () => {
  const root = installedRoot('two-courses');
  const first = bootstrap(root, ['--course', 'algebra'], { ADMIN_PASSWORD: 'algebra-password' });
  if (first.code !== 0) console.error(first.stdout, first.stderr);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(`the course algebra: quiz@algebra.service on 127.0.0.1:8101, https://algebra.${DOMAIN}/`);
  expect(bootstrap(root, ['--course', 'physics-2'], { ADMIN_PASSWORD: 'physics-password' }).code).toBe(0);

  const algebra = readFileSync(join(root, 'etc/quiz/courses/algebra.env'), 'utf8');
  const physics = readFileSync(join(root, 'etc/quiz/courses/physics-2.env'), 'utf8');
  expect((statSync(join(root, 'etc/quiz/courses/algebra.env')).mode & 0o777).toString(8)).toBe('600');
  expect(algebra).toContain('PORT=8101\n');
  expect(physics).toContain('PORT=8102\n');
  expect(algebra).toContain(`QUIZ_PUBLIC_URL=https://algebra.${DOMAIN}\n`);
  expect(algebra).toContain("QUIZ_ADMIN_PASSWORD='algebra-password'\n");
  expect(physics).toContain("QUIZ_ADMIN_PASSWORD='physics-password'\n");
  const key = (text: string) => text.match(/^QUIZ_SECRET_KEY='(\w+)'$/m)?.[1];
  expect(key(algebra)!.length).toBeGreaterThanOrEqual(32);
  expect(key(algebra)).not.toBe(key(physics));
  expect(existsSync(join(root, 'var/lib/quiz/courses/algebra'))).toBe(true);

  const caddyfile = readFileSync(join(root, 'etc/caddy/Caddyfile'), 'utf8');
  expect(caddyfile).toContain(`algebra.${DOMAIN} {\n\timport quiz_site\n\treverse_proxy 127.0.0.1:8101\n}`);
  expect(caddyfile).toContain(`physics-2.${DOMAIN} {\n\timport quiz_site\n\treverse_proxy 127.0.0.1:8102\n}`);
  expect(caddyfile).toContain(`${DOMAIN} {\n\timport quiz_site\n\treverse_proxy 127.0.0.1:8001\n}`);
  // A re-run of the main install keeps the courses in the Caddyfile.
  expect(bootstrap(root, ['--stages', 'service']).code).toBe(0);
  expect(readFileSync(join(root, 'etc/caddy/Caddyfile'), 'utf8')).toBe(caddyfile);
});

test('a course name with spaces, ../, capitals or dots, or one that exists, is refused and nothing changes', () => {
  const root = installedRoot('refusals');
  expect(bootstrap(root, ['--course', 'algebra']).code).toBe(0);
  const before = tree(root);
  const cases: [string, string][] = [
    ['bad name', "error: course name 'bad name' is not allowed: use 1-32 lowercase letters, digits and inner hyphens"],
    ['../etc', "error: course name '../etc' is not allowed"],
    ['../../root/.ssh', "error: course name '../../root/.ssh' is not allowed"],
    ['Algebra', "error: course name 'Algebra' is not allowed"],
    ['a.b', "error: course name 'a.b' is not allowed"],
    ['-lead', "error: course name '-lead' is not allowed"],
    ['x'.repeat(33), 'is not allowed'],
    ['', 'is not allowed'],
    ['algebra', "error: the course 'algebra' already exists (port 8101, /etc/quiz/courses/algebra.env): nothing changed"],
  ];
  for (const [name, message] of cases) {
    const result = bootstrap(root, ['--course', name]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(tree(root)).toEqual(before);
  }
});

test('--course before the quiz is installed, or with native mode, is refused with nothing written', () => {
  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  const result = bootstrap(empty, ['--course', 'algebra']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('install the quiz first (run the script without --course), then add courses');
  expect(tree(empty)).toEqual({});

  const native = installedRoot('native', 'native');
  const before = tree(native);
  const refused = bootstrap(native, ['--course', 'algebra']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('courses need --tls caddy');
  expect(tree(native)).toEqual(before);
});

test('native mode is refused while courses exist (they need Caddy in front)', () => {
  const root = installedRoot('switch');
  expect(bootstrap(root, ['--course', 'algebra']).code).toBe(0);
  const before = tree(root);
  const result = bootstrap(root, ['--tls', 'native', '--stages', 'service']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('--tls native serves one course on 443; this box has courses (algebra) that need Caddy in front');
  expect(tree(root)).toEqual(before);
});

test('a re-run keeps the installed TLS mode; --tls switches it; a bad --tls is refused', () => {
  const root = installedRoot('modes', 'native');
  const unit = () => readFileSync(join(root, 'etc/systemd/system/quiz.service'), 'utf8');
  expect(unit()).toContain('Environment=QUIZ_TLS_CERT=/etc/ssl/quiz/fullchain.pem');
  expect(readFileSync(join(root, 'etc/quiz/certbot-deploy-hook'), 'utf8')).toContain('systemctl reload quiz.service');
  const again = bootstrap(root, ['--stages', 'service']);
  expect(again.stdout).toContain('--tls not given: keeping native mode');
  expect(unit()).toContain('Environment=QUIZ_TLS_CERT=');
  const back = bootstrap(root, ['--tls', 'caddy', '--stages', 'service']);
  expect(back.stdout).toContain('switching from native to caddy mode');
  expect(unit()).not.toContain('QUIZ_TLS_CERT');
  expect(unit()).toContain('Environment=HOST=127.0.0.1');
  const bad = bootstrap(root, ['--tls', 'stunnel']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("--tls must be caddy or native, not 'stunnel'");
});
