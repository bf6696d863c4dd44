/**
 * deploy/bootstrap.sh for real, under systemd, in a booted Debian 12 container:
 *
 *   bun test ./tests/deploy/systemd/deploy.nspawn.ts      (root; .ci/run runs it when it can)
 *
 * Not part of the plain `bun test` run (its name does not end in .test.ts): it needs root,
 * systemd-nspawn and the network for packages, and takes minutes.
 *
 * What differs from the Ubuntu 24.04 the script is for, and how the test bridges it:
 * - Debian 12 (bookworm, systemd 252, Caddy 2.6, certbot 2.1): QUIZ_OS_RELEASE points the
 *   OS check at a fake Ubuntu 24.04 os-release; Ubuntu 24.04 has systemd 255 and the same
 *   Caddy 2.6 and certbot 2.9 packages, so the unit's directives behave the same there.
 * - a minbase root, not a cloud image: prepare-root.sh adds procps, /etc/hosts and this
 *   network's CA certificates, which a real server already has, and lets dpkg skip its
 *   fsyncs (force-unsafe-io) in this throwaway root.
 * - a container sharing the host's kernel and network: the swap stage is left out (it
 *   would turn swap on for the whole host; tests/deploy/scratch-root.test.ts covers it with
 *   --root), the public ports are 18443/18080 instead of 443/80, and the app ports
 *   18001/18101+ instead of 8001/8101+.
 * - no public DNS and no ACME server: QUIZ_TEST_TLS=1 makes Caddy issue every certificate
 *   from its own CA (`tls internal`) and native mode keep a self-signed certificate;
 *   quiz.test and the course names resolve through the container's /etc/hosts.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { REPO } from '../../helpers/run-command';
import { cannotRunReason, Container, OUTSIDE } from './container';

const DOMAIN = 'quiz.test';
const HTTPS_PORT = 18443;
const PORTS = { HTTPS_PORT: String(HTTPS_PORT), HTTP_PORT: '18080', APP_PORT: '18001', COURSE_PORT_BASE: '18101' };
const PASSWORD = 'main-course-password';
const COURSES = { algebra: 'algebra-password-1', physics: 'physics-password-2' } as const;
const CADDY_CA = '/var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt';
const NATIVE_CERT = '/etc/ssl/quiz/fullchain.pem';
const LIVE_STUDENTS = 30;
const MINUTES = 60_000;

const reason = cannotRunReason();
if (reason) throw new Error(`the systemd deploy test cannot run here: ${reason}`);

let box: Container;
/** Numbers the test measured, printed at the end. */
const measured: string[] = [];

function record(line: string): void {
  measured.push(line);
  console.log(`measured: ${line}`);
}

/** bootstrap.sh inside the container, with the test's settings. */
function bootstrap(args: string, env: Record<string, string> = {}) {
  return box.sh(`cd /root/quiz-src && bash deploy/bootstrap.sh ${args}`, {
    env: { QUIZ_OS_RELEASE: '/etc/quiz-test-os-release', DOMAIN, QUIZ_TEST_TLS: '1', ADMIN_PASSWORD: PASSWORD, ...PORTS, ...env },
    allowFail: true,
  });
}
const ALL_BUT_SWAP = '--stages packages,user,app,secrets,pool,service,start,certificate';

async function sql(db: string, query: string): Promise<string> {
  return (await box.sh(`runuser -u quiz -- sqlite3 -readonly ${db} "${query}"`)).stdout.trim();
}
const MAIN_DB = '/var/lib/quiz/quiz.db';
const courseDb = (name: string) => `/var/lib/quiz/courses/${name}/quiz.db`;

/** curl through the front door: the host name resolves to 127.0.0.1 in the container. */
function curl(host: string, path: string, extra = '', ca = CADDY_CA) {
  return box.sh(`curl -sS --max-time 10 --cacert ${ca} ${extra} https://${host}:${HTTPS_PORT}${path}`, { allowFail: true });
}

async function mainPid(unit = 'quiz.service'): Promise<number> {
  return Number((await box.sh(`systemctl show -p MainPID --value ${unit}`)).stdout.trim());
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `bun run live` through the front door; returns its JSON result. */
async function live(url: string, ca: string, label: string) {
  const result = await box.sh(`cd /opt/quiz && bun run live -- --url ${url} --students ${LIVE_STUDENTS}`, {
    env: { NODE_EXTRA_CA_CERTS: ca, QUIZ_ADMIN_PASSWORD: PASSWORD },
    allowFail: true,
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0) throw new Error(`bun run live failed (${result.code}):\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  const parsed = JSON.parse(line);
  record(
    `bun run live via ${label}: ${parsed.students} students, acks ${parsed.acks}/${parsed.expected_acks}, ack p50 ${parsed.ack_p50_ms} ms, p95 ${parsed.ack_p95_ms} ms, p99 ${parsed.ack_p99_ms} ms`,
  );
  return parsed;
}

async function securityScore(unit: string): Promise<number> {
  const out = (await box.sh(`systemd-analyze security ${unit} --no-pager`, { allowFail: true })).stdout;
  const score = Number(out.match(/Overall exposure level for \S+: ([\d.]+)/)?.[1]);
  record(`systemd-analyze security ${unit}: ${score}`);
  return score;
}

/** Anonymous executable mappings in the server: the JavaScript JIT's code. */
async function jitMappings(pid: number): Promise<number> {
  const out = (await box.sh(`awk '$2 ~ /x/ && NF == 5' /proc/${pid}/maps | wc -l`)).stdout.trim();
  return Number(out);
}

async function rssMb(pid: number): Promise<number> {
  const kb = Number((await box.sh(`awk '/^VmRSS/ { print $2 }' /proc/${pid}/status`)).stdout.trim());
  return Math.round(kb / 102.4) / 10;
}

beforeAll(async () => {
  const started = Date.now();
  box = await Container.prepare(join(OUTSIDE, 'root'));
  // The clone under test, as tracked plus untracked-but-not-ignored files. QUIZ_DEPLOY_TEST_SRC
  // (another checkout) tries this deploy/ against that tree's server.
  const source = process.env.QUIZ_DEPLOY_TEST_SRC ?? REPO;
  const dest = `${box.root}/root/quiz-src`;
  const copy = Bun.spawnSync([
    'bash',
    '-c',
    `mkdir -p '${dest}' && (cd '${source}' && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C '${dest}' -xf - && ` +
      `tar -C '${REPO}' -cf - deploy | tar -C '${dest}' -xf -`,
  ]);
  if (copy.exitCode !== 0) throw new Error(`copying the clone failed: ${copy.stderr}`);
  await Bun.write(join(box.root, 'etc/quiz-test-os-release'), 'PRETTY_NAME="Ubuntu 24.04 LTS (test stand-in)"\nID=ubuntu\nVERSION_ID="24.04"\n');
  const hosts = [DOMAIN, ...Object.keys(COURSES).map((name) => `${name}.${DOMAIN}`)].join(' ');
  await Bun.write(join(box.root, 'etc/hosts'), `127.0.0.1\tlocalhost ${hosts}\n::1\tlocalhost\n`);
  await box.boot();
  record(`container prepared and booted in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}, 10 * MINUTES);

afterAll(async () => {
  await box?.shutdown();
  if (!process.env.QUIZ_KEEP_DEPLOY_ROOT) box?.remove();
  console.log(`\nsystemd deploy test, measured:\n${measured.map((line) => `  ${line}`).join('\n')}`);
  console.log(`container log: ${box?.log}`);
}, 3 * MINUTES);

// ------------------------------------------------------------------ caddy mode
test('caddy mode: bootstrap.sh installs for real and HTTPS /healthz answers through Caddy', async () => {
  const started = Date.now();
  const result = await bootstrap(`--tls caddy ${ALL_BUT_SWAP}`);
  if (result.code !== 0) console.error(result.stdout.slice(-4000), result.stderr.slice(-4000));
  expect(result.code).toBe(0);
  record(`first install (caddy mode, packages cached after the first run) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  expect(result.stdout).toContain('The quiz is running (caddy mode).');
  await waitFor('the Caddy local CA', async () => (await box.sh(`test -f ${CADDY_CA}`, { allowFail: true })).code === 0);
  await waitFor('HTTPS /healthz', async () => (await curl(DOMAIN, '/healthz', '-f')).code === 0);
  expect((await box.sh('systemctl is-active quiz.service caddy.service')).stdout.trim().split('\n')).toEqual(['active', 'active']);
}, 15 * MINUTES);

test('caddy mode: HSTS, no Server banner, plain HTTP redirects to HTTPS', async () => {
  const head = await curl(DOMAIN, '/healthz', '-D - -o /dev/null');
  expect(head.stdout).toMatch(/^strict-transport-security: max-age=31536000/im);
  expect(head.stdout).not.toMatch(/^server:/im);
  const redirect = await box.sh(`curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' http://${DOMAIN}:18080/`);
  // Caddy 2.6 leaves a non-default https_port out of the redirect; on 443 there is none.
  expect(redirect.stdout).toMatch(new RegExp(`^308 https://${DOMAIN.replace('.', '\\.')}(:${HTTPS_PORT})?/$`));
});

let answersBeforeKill = 0;
test('caddy mode: students join and answer through the front door (bun run live via Caddy TLS)', async () => {
  const result = await live(`https://${DOMAIN}:${HTTPS_PORT}`, CADDY_CA, 'Caddy TLS');
  expect(result.passed).toBe(true);
  expect(result.acks).toBe(result.expected_acks);
  answersBeforeKill = Number(await sql(MAIN_DB, 'SELECT count(*) FROM answers'));
  expect(answersBeforeKill).toBeGreaterThanOrEqual(result.acks);
}, 5 * MINUTES);

test('kill -9 of the server: systemd restarts it and every acknowledged answer is still there', async () => {
  const before = await mainPid();
  expect(before).toBeGreaterThan(0);
  await box.sh(`kill -9 ${before}`);
  await waitFor('a new server process', async () => {
    const now = await mainPid();
    return now !== 0 && now !== before;
  });
  await waitFor('HTTPS /healthz after the restart', async () => (await curl(DOMAIN, '/healthz', '-f')).code === 0);
  expect(Number((await box.sh('systemctl show -p NRestarts --value quiz.service')).stdout.trim())).toBeGreaterThanOrEqual(1);
  expect(Number(await sql(MAIN_DB, 'SELECT count(*) FROM answers'))).toBe(answersBeforeKill);
}, 2 * MINUTES);

test('the hardened unit scores below 4.9 and Bun still JIT-compiles under it', async () => {
  expect(await securityScore('quiz.service')).toBeLessThan(4.9);
  const pid = await mainPid();
  // The server answered the live run above under SystemCallFilter & co.; its JIT code lives
  // in anonymous executable mappings, which a JIT-less interpreter would not have.
  expect(await jitMappings(pid)).toBeGreaterThan(0);
  record(`main instance RSS after a ${LIVE_STUDENTS}-student live run: ${await rssMb(pid)} MB`);
});

test('re-running the script upgrades in place: database backed up first, secrets and data kept', async () => {
  const envBefore = (await box.sh('sha256sum /etc/quiz/quiz.env')).stdout;
  const answers = Number(await sql(MAIN_DB, 'SELECT count(*) FROM answers'));
  const result = await bootstrap(ALL_BUT_SWAP, { ADMIN_PASSWORD: 'not-taken-on-upgrade' });
  if (result.code !== 0) console.error(result.stdout.slice(-4000), result.stderr.slice(-4000));
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('upgrade: /opt/quiz exists');
  expect(result.stdout).toContain('--tls not given: keeping caddy mode');
  expect(result.stderr).toContain('ADMIN_PASSWORD is ignored');
  const backup = result.stdout.match(/Pre-upgrade database backup: (\S+)/)?.[1] ?? '';
  expect(backup).toMatch(/^\/var\/lib\/quiz\/backups\/quiz-before-upgrade-\d{8}T\d{6}Z\.db$/);
  expect(Number(await sql(backup, 'SELECT count(*) FROM answers'))).toBe(answers);
  expect((await box.sh('sha256sum /etc/quiz/quiz.env')).stdout).toBe(envBefore);
  expect(Number(await sql(MAIN_DB, 'SELECT count(*) FROM answers'))).toBe(answers);
  expect((await curl(DOMAIN, '/healthz', '-f')).code).toBe(0);
}, 10 * MINUTES);

// ------------------------------------------------------------------ native mode
test('native mode with a public port taken by another program is refused before anything changes', async () => {
  const unit = (await box.sh('sha256sum /etc/systemd/system/quiz.service')).stdout;
  // perl (in every Debian root) holds the HTTP port native mode would use, as a forgotten
  // nginx would (18081 here: Caddy, which the script may replace, holds 18080 right now).
  await box.sh(
    "perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalPort => 18081, Listen => 5, ReuseAddr => 1) or die; sleep 120' >/dev/null 2>&1 & echo $! > /tmp/squatter.pid",
  );
  await waitFor('the squatter listening', async () => (await box.sh("ss -ltnpH 'sport = :18081'")).stdout.includes('"perl"'));
  try {
    const result = await bootstrap(`--tls native ${ALL_BUT_SWAP}`, { HTTP_PORT: '18081' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('port 18081 is already taken by perl: --tls native needs it for the quiz server');
    expect((await box.sh('sha256sum /etc/systemd/system/quiz.service')).stdout).toBe(unit);
    expect((await box.sh('systemctl is-active caddy.service quiz.service')).stdout.trim()).toBe('active\nactive');
  } finally {
    await box.sh('kill $(cat /tmp/squatter.pid)', { allowFail: true });
  }
}, 2 * MINUTES);

test('native mode: the server itself serves HTTPS on the public port, Caddy is gone, certbot is set up', async () => {
  const result = await bootstrap(`--tls native ${ALL_BUT_SWAP}`);
  if (result.code !== 0) console.error(result.stdout.slice(-4000), result.stderr.slice(-4000));
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('The quiz is running (native mode).');
  expect((await box.sh('systemctl is-enabled caddy.service', { allowFail: true })).stdout.trim()).toBe('disabled');
  await waitFor('native HTTPS /healthz', async () => (await curl(DOMAIN, '/healthz', '-f', NATIVE_CERT)).code === 0);
  // The server process itself holds the public port, as the unprivileged quiz user.
  const pid = await mainPid();
  expect((await box.sh(`ps -o user= -p ${pid}`)).stdout.trim()).toBe('quiz');
  expect((await box.sh(`ss -ltnpH 'sport = :${HTTPS_PORT}'`)).stdout).toContain(`pid=${pid},`);
  // certbot's package timer renews; the hook is in place.
  expect((await box.sh('systemctl is-enabled certbot.timer', { allowFail: true })).stdout.trim()).toBe('enabled');
  expect((await box.sh('test -x /etc/quiz/certbot-deploy-hook && echo ok')).stdout.trim()).toBe('ok');
  const redirect = await box.sh(`curl -sS -o /dev/null -w '%{http_code}' http://${DOMAIN}:18080/`);
  expect(redirect.stdout).toMatch(/^30[178]$/);
  // certbot --webroot writes the http-01 token as root (umask 022); the server, as quiz, serves it on port 80.
  await box.sh('umask 022 && mkdir -p /var/lib/quiz/acme/.well-known/acme-challenge && echo token-body > /var/lib/quiz/acme/.well-known/acme-challenge/t0k3n');
  const challenge = await box.sh(`curl -sS -w ' %{http_code}' http://${DOMAIN}:18080/.well-known/acme-challenge/t0k3n`);
  expect(challenge.stdout).toBe('token-body\n 200');
}, 10 * MINUTES);

test('native mode: bun run live through the server\'s own TLS', async () => {
  const result = await live(`https://${DOMAIN}:${HTTPS_PORT}`, NATIVE_CERT, 'native TLS');
  expect(result.passed).toBe(true);
  expect(result.acks).toBe(result.expected_acks);
}, 5 * MINUTES);

test('native mode: the certbot deploy hook installs a renewed certificate and reloads without a restart', async () => {
  const pid = await mainPid();
  const fingerprint = () =>
    box.sh(`openssl s_client -connect 127.0.0.1:${HTTPS_PORT} -servername ${DOMAIN} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`);
  const before = (await fingerprint()).stdout.trim();
  // A renewed lineage as certbot leaves it, then the hook as certbot runs it.
  await box.sh(
    `mkdir -p /tmp/lineage && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=${DOMAIN} ` +
      `-addext subjectAltName=DNS:${DOMAIN} -keyout /tmp/lineage/privkey.pem -out /tmp/lineage/fullchain.pem 2>/dev/null && ` +
      `RENEWED_LINEAGE=/tmp/lineage RENEWED_DOMAINS='${DOMAIN}' /etc/quiz/certbot-deploy-hook`,
  );
  await waitFor('the new certificate on the wire', async () => {
    const now = (await fingerprint()).stdout.trim();
    return now !== '' && now !== before;
  });
  expect(await mainPid()).toBe(pid);
  expect((await box.sh(`stat -c '%a %U:%G' ${NATIVE_CERT} /etc/ssl/quiz/privkey.pem`)).stdout.trim().split('\n')).toEqual(['640 root:quiz', '640 root:quiz']);
}, 2 * MINUTES);

test('native mode: the unit (with CAP_NET_BIND_SERVICE) still scores below 4.9; the JIT runs', async () => {
  expect(await securityScore('quiz.service')).toBeLessThan(4.9);
  expect(await jitMappings(await mainPid())).toBeGreaterThan(0);
});

test('back to caddy mode: --tls caddy rewrites the unit and brings Caddy back', async () => {
  const result = await bootstrap(`--tls caddy ${ALL_BUT_SWAP}`);
  if (result.code !== 0) console.error(result.stdout.slice(-4000), result.stderr.slice(-4000));
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('switching from native to caddy mode');
  await waitFor('HTTPS /healthz through Caddy', async () => (await curl(DOMAIN, '/healthz', '-f')).code === 0);
}, 10 * MINUTES);

// ------------------------------------------------------------------ courses
/** What a refused --course must leave exactly as it was. */
async function courseState(): Promise<string> {
  return (
    await box.sh(
      "ls -la /etc/quiz/courses /var/lib/quiz/courses 2>&1; sha256sum /etc/caddy/Caddyfile; systemctl list-units --all --no-legend 'quiz@*' | awk '{ print $1, $3, $4 }'",
    )
  ).stdout;
}

test('two courses side by side, each its own service, port, database and password', async () => {
  for (const [name, password] of Object.entries(COURSES)) {
    const result = await bootstrap(`--course ${name}`, { ADMIN_PASSWORD: password });
    if (result.code !== 0) console.error(result.stdout.slice(-4000), result.stderr.slice(-4000));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`The course ${name} is running.`);
  }
  for (const name of Object.keys(COURSES)) {
    expect((await box.sh(`systemctl is-active quiz@${name}.service`)).stdout.trim()).toBe('active');
    await waitFor(`https://${name}.${DOMAIN}/healthz`, async () => (await curl(`${name}.${DOMAIN}`, '/healthz', '-f')).code === 0);
  }
  const ports = (await box.sh("grep -h '^PORT=' /etc/quiz/courses/algebra.env /etc/quiz/courses/physics.env")).stdout.trim();
  expect(ports).toBe('PORT=18101\nPORT=18102');
  for (const name of Object.keys(COURSES)) {
    record(`idle course instance quiz@${name}: RSS ${await rssMb(await mainPid(`quiz@${name}.service`))} MB`);
  }
}, 10 * MINUTES);

/** Logs in to a course's console; a right password keeps the cookie in /tmp/NAME.jar. */
const login = (name: string, password: string, jar = `/tmp/${name}.jar`) =>
  curl(`${name}.${DOMAIN}`, '/admin/login', `-o /dev/null -w '%{http_code}' -c ${jar} -H 'content-type: application/json' --data '{"password":"${password}"}'`);

test('courses: separate passwords and separate data; one course\'s reset leaves the other alone', async () => {
  expect((await login('algebra', COURSES.algebra)).stdout).toBe('200');
  expect((await login('physics', COURSES.physics)).stdout).toBe('200');
  expect((await login('algebra', COURSES.physics, '/dev/null')).stdout).toBe('401');
  expect((await login('physics', PASSWORD, '/dev/null')).stdout).toBe('401');
  const join = (name: string, id: string) =>
    curl(`${name}.${DOMAIN}`, '/api/join', `-o /dev/null -w '%{http_code}' -H 'content-type: application/json' --data '{"student_id":"${id}","name":"Student ${id}"}'`);
  expect((await join('algebra', 'a1')).stdout).toBe('200');
  expect((await join('physics', 'p1')).stdout).toBe('200');
  expect((await join('physics', 'p2')).stdout).toBe('200');
  expect(await sql(courseDb('algebra'), 'SELECT student_id FROM students ORDER BY 1')).toBe('a1');
  expect(await sql(courseDb('physics'), 'SELECT student_id FROM students ORDER BY 1')).toBe('p1\np2');
  expect(await sql(MAIN_DB, "SELECT count(*) FROM students WHERE student_id IN ('a1','p1','p2')")).toBe('0');

  const physicsBefore = await sql(courseDb('physics'), 'SELECT group_concat(id) FROM runs; SELECT group_concat(run_id || student_id) FROM students');
  const algebraRuns = Number(await sql(courseDb('algebra'), 'SELECT count(*) FROM runs'));
  const reset = await curl(`algebra.${DOMAIN}`, '/admin/api/reset', "-o /dev/null -w '%{http_code}' -b /tmp/algebra.jar -X POST");
  expect(reset.stdout).toBe('200');
  expect(Number(await sql(courseDb('algebra'), 'SELECT count(*) FROM runs'))).toBe(algebraRuns + 1);
  expect(await sql(courseDb('physics'), 'SELECT group_concat(id) FROM runs; SELECT group_concat(run_id || student_id) FROM students')).toBe(physicsBefore);
});

test('a course name with spaces or ../, or one that exists, is refused with nothing changed', async () => {
  const before = await courseState();
  const cases: [string, string][] = [
    ["'bad name'", "course name 'bad name' is not allowed"],
    ['../etc', "course name '../etc' is not allowed"],
    ['Algebra', "course name 'Algebra' is not allowed"],
    ['algebra', "the course 'algebra' already exists (port 18101"],
  ];
  for (const [arg, message] of cases) {
    const result = await bootstrap(`--course ${arg}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(await courseState()).toBe(before);
  }
});

test('after the container reboots, the service, both courses and Caddy are back with their data', async () => {
  const answers = await sql(MAIN_DB, 'SELECT count(*) FROM answers');
  await box.reboot();
  for (const unit of ['quiz.service', 'quiz@algebra.service', 'quiz@physics.service', 'caddy.service']) {
    await waitFor(`${unit} active`, async () => (await box.sh(`systemctl is-active ${unit}`, { allowFail: true })).stdout.trim() === 'active');
  }
  for (const host of [DOMAIN, `algebra.${DOMAIN}`, `physics.${DOMAIN}`]) {
    await waitFor(`https://${host}/healthz after the reboot`, async () => (await curl(host, '/healthz', '-f')).code === 0);
  }
  expect(await sql(MAIN_DB, 'SELECT count(*) FROM answers')).toBe(answers);
  expect(await sql(courseDb('physics'), 'SELECT count(*) FROM students')).toBe('2');
}, 5 * MINUTES);

test('an upgrade with courses backs every course database up and restarts every instance', async () => {
  const pids = [await mainPid('quiz@algebra.service'), await mainPid('quiz@physics.service')];
  const result = await bootstrap(ALL_BUT_SWAP);
  if (result.code !== 0) console.error(result.stdout.slice(-4000), result.stderr.slice(-4000));
  expect(result.code).toBe(0);
  for (const name of Object.keys(COURSES)) {
    const backups = (await box.sh(`ls /var/lib/quiz/backups/ | grep '^${name}-before-upgrade-'`, { allowFail: true })).stdout.trim();
    expect(backups).not.toBe('');
  }
  const after = [await mainPid('quiz@algebra.service'), await mainPid('quiz@physics.service')];
  expect(after[0]).not.toBe(pids[0]);
  expect(after[1]).not.toBe(pids[1]);
  expect(await sql(courseDb('physics'), 'SELECT count(*) FROM students')).toBe('2');
  expect(await securityScore('quiz@physics.service')).toBeLessThan(4.9);
}, 10 * MINUTES);
