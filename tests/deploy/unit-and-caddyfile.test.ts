/**
 * The systemd unit and the Caddyfile, produced by the functions bootstrap.sh installs them
 * with (--print-unit / --print-caddyfile), checked by the real tools: `systemd-analyze
 * verify` where it is available (else the unit's content), and Caddy's own adapter and
 * validator. Both Caddy commands work offline: they adapt and provision the config without
 * listening or asking for a certificate.
 */
import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOTSTRAP, bootstrapEnv, DOMAIN } from '../helpers/bootstrap-script';
import { requireTool, run } from '../helpers/run-command';

const scratch = mkdtempSync(join(tmpdir(), 'quiz-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function printUnit(extra: Record<string, string> = {}): string {
  const result = run(['bash', BOOTSTRAP, '--print-unit', DOMAIN], { env: bootstrapEnv(extra) });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

function printCaddyfile(extra: Record<string, string> = {}): string {
  const result = run(['bash', BOOTSTRAP, '--print-caddyfile', DOMAIN], { env: bootstrapEnv(extra) });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** `Key=value` lines of a unit, in order. */
function directives(unit: string): string[] {
  return unit.split('\n').filter((line) => /^[A-Za-z]+=/.test(line));
}

test('the unit runs the server as quiz, in production, behind Caddy, with the hardening lines', () => {
  const lines = directives(printUnit());
  for (const expected of [
    'User=quiz',
    'Group=quiz',
    'WorkingDirectory=/opt/quiz',
    'Environment=NODE_ENV=production',
    'Environment=PORT=8001',
    'Environment=HOST=127.0.0.1',
    'Environment=QUIZ_DB_PATH=/var/lib/quiz/quiz.db',
    'Environment=QUIZ_TRUST_PROXY=1',
    `Environment=QUIZ_PUBLIC_URL=https://${DOMAIN}`,
    'EnvironmentFile=/etc/quiz/quiz.env',
    'ExecStart=/usr/local/bin/bun src/main.ts',
    'Restart=always',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ReadWritePaths=/var/lib/quiz',
    'PrivateTmp=yes',
    'WantedBy=multi-user.target',
  ]) {
    expect(lines).toContain(expected);
  }
  // The secrets come only from the 0600 file, never from the world-readable unit.
  expect(lines.join('\n')).not.toMatch(/QUIZ_ADMIN_PASSWORD|QUIZ_SECRET_KEY/);
  // Bun's JIT needs writable+executable memory: this line would stop the server.
  expect(lines).not.toContain('MemoryDenyWriteExecute=yes');
});

const systemdAnalyze = Bun.which('systemd-analyze');
test(
  systemdAnalyze
    ? 'systemd-analyze verify accepts the unit (no warnings)'
    : 'the unit has every section and no unknown keys (systemd-analyze is not available here: checking the content instead)',
  () => {
    // ExecStart must name an executable that exists here: point it at this test's bun.
    const unit = printUnit({ BUN_BIN: process.execPath });
    expect(unit).toContain(`ExecStart=${process.execPath} src/main.ts`);
    if (systemdAnalyze) {
      const path = join(scratch, 'quiz.service');
      writeFileSync(path, unit);
      const result = run([systemdAnalyze, 'verify', '--man=no', path]);
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.code).toBe(0);
    } else {
      const sections = unit.split('\n').filter((line) => line.startsWith('['));
      expect(sections).toEqual(['[Unit]', '[Service]', '[Install]']);
      const known = new Set([
        'Description', 'Documentation', 'After', 'Wants', 'Type', 'User', 'Group', 'WorkingDirectory', 'Environment',
        'EnvironmentFile', 'ExecStart', 'Restart', 'RestartSec', 'TimeoutStopSec', 'LimitNOFILE', 'NoNewPrivileges',
        'ProtectSystem', 'ReadWritePaths', 'PrivateTmp', 'ProtectHome', 'PrivateDevices', 'ProtectKernelTunables',
        'ProtectKernelModules', 'ProtectControlGroups', 'RestrictSUIDSGID', 'LockPersonality', 'CapabilityBoundingSet',
        'WantedBy',
      ]);
      for (const line of directives(unit)) expect(known).toContain(line.slice(0, line.indexOf('=')));
    }
  },
);

/** Caddy writes nothing outside this scratch home. */
const caddyEnv = () => ({
  ...bootstrapEnv(),
  HOME: scratch,
  XDG_DATA_HOME: join(scratch, 'data'),
  XDG_CONFIG_HOME: join(scratch, 'config'),
});

const variants: { name: string; env: Record<string, string> }[] = [
  { name: 'plain', env: {} },
  { name: 'with ACME_EMAIL', env: { ACME_EMAIL: 'lecturer@example.org' } },
];
for (const variant of variants) {
  test(`caddy adapt --validate and caddy validate accept the Caddyfile (${variant.name})`, () => {
    const caddy = requireTool('caddy');
    const caddyfile = printCaddyfile(variant.env);
    const path = join(scratch, `Caddyfile-${variant.name.replace(/\W+/g, '-')}`);
    writeFileSync(path, caddyfile);

    const adapted = run([caddy, 'adapt', '--config', path, '--adapter', 'caddyfile', '--validate'], { env: caddyEnv() });
    expect(adapted.stderr).not.toMatch(/"level":"(warn|error)"/);
    expect(adapted.code).toBe(0);
    const config = JSON.parse(adapted.stdout);
    const server = Object.values(config.apps.http.servers)[0] as any;
    expect(server.listen).toEqual([':443']);
    const route = server.routes[0];
    expect(route.match).toEqual([{ host: [DOMAIN] }]);
    // The reverse proxy to the local server (WebSocket upgrades pass through it as-is).
    expect(JSON.stringify(route)).toContain('"handler":"reverse_proxy"');
    expect(JSON.stringify(route)).toContain('"dial":"127.0.0.1:8001"');
    if (variant.env.ACME_EMAIL) expect(JSON.stringify(config.apps.tls)).toContain('lecturer@example.org');

    const validated = run([caddy, 'validate', '--config', path, '--adapter', 'caddyfile'], { env: caddyEnv() });
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('Valid configuration');
  });
}

test('--print-caddyfile refuses a URL where a DNS name belongs', () => {
  const result = run(['bash', BOOTSTRAP, '--print-caddyfile', 'https://quiz.example.org'], { env: bootstrapEnv() });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('not a DNS name');
});

/** The unit in a mode, or the course template. */
function printed(args: string[], extra: Record<string, string> = {}): string {
  const result = run(['bash', BOOTSTRAP, ...args], { env: bootstrapEnv({ BUN_BIN: process.execPath, ...extra }) });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

const HARDENING = [
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@privileged @resources',
  'SystemCallArchitectures=native',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
  'UMask=0077',
  'ProtectKernelLogs=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'ProtectProc=invisible',
  'ProcSubset=pid',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RemoveIPC=yes',
];

test('caddy mode unit: the review\'s hardening, no capability, private users', () => {
  const lines = directives(printed(['--print-unit', DOMAIN]));
  for (const line of [...HARDENING, 'CapabilityBoundingSet=', 'PrivateUsers=yes', 'Environment=QUIZ_TRUST_PROXY=1']) expect(lines).toContain(line);
  expect(lines.join('\n')).not.toContain('AmbientCapabilities');
});

test('native mode unit: TLS in the server on 443/80, one capability to bind them, no proxy trusted', () => {
  const unit = printed(['--print-unit', DOMAIN], { TLS_MODE: 'native' });
  const lines = directives(unit);
  for (const line of [
    ...HARDENING,
    'Environment=PORT=443',
    'Environment=HOST=::',
    'Environment=QUIZ_TLS_CERT=/etc/ssl/quiz/fullchain.pem',
    'Environment=QUIZ_TLS_KEY=/etc/ssl/quiz/privkey.pem',
    'Environment=QUIZ_HTTP_PORT=80',
    'Environment=QUIZ_ACME_WEBROOT=/var/lib/quiz/acme',
    'Environment=QUIZ_TRUST_PROXY=0',
    `Environment=QUIZ_PUBLIC_URL=https://${DOMAIN}`,
    'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    'ExecReload=/bin/kill -HUP $MAINPID',
    'User=quiz',
  ]) {
    expect(lines).toContain(line);
  }
  // PrivateUsers would make the capability useless outside the service's user namespace.
  expect(lines).not.toContain('PrivateUsers=yes');
  if (systemdAnalyze) {
    const path = join(scratch, 'quiz-native.service');
    writeFileSync(path, unit);
    const result = run([systemdAnalyze, 'verify', '--man=no', path]);
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
  }
});

test('the course template quiz@.service: per-instance env file and database, same hardening', () => {
  const unit = printed(['--print-course-unit']);
  const lines = directives(unit);
  for (const line of [
    ...HARDENING,
    'EnvironmentFile=/etc/quiz/courses/%i.env',
    'Environment=QUIZ_DB_PATH=/var/lib/quiz/courses/%i/quiz.db',
    'ReadWritePaths=/var/lib/quiz/courses/%i',
    'Environment=HOST=127.0.0.1',
    'User=quiz',
  ]) {
    expect(lines).toContain(line);
  }
  if (systemdAnalyze) {
    const path = join(scratch, 'quiz@algebra.service');
    writeFileSync(path, unit);
    const result = run([systemdAnalyze, 'verify', '--man=no', path]);
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
  }
});

test('the Caddyfile hardening: header and body timeouts, HSTS and no Server banner on every site', () => {
  const caddy = requireTool('caddy');
  const path = join(scratch, 'Caddyfile-hardening');
  writeFileSync(path, printCaddyfile());
  const adapted = run([caddy, 'adapt', '--config', path, '--adapter', 'caddyfile'], { env: caddyEnv() });
  expect(adapted.code).toBe(0);
  const server = Object.values(JSON.parse(adapted.stdout).apps.http.servers)[0] as any;
  expect(server.read_header_timeout).toBe(10_000_000_000);
  expect(server.read_timeout).toBe(60_000_000_000);
  expect(server.idle_timeout).toBe(120_000_000_000);
  const route = JSON.stringify(server.routes[0]);
  expect(route).toContain('"Strict-Transport-Security":["max-age=31536000"]');
  expect(route).toContain('"delete":["Server"]');
});

test('QUIZ_TEST_TLS=1 (tests only): every certificate from Caddy\'s own CA, never ACME', () => {
  const caddy = requireTool('caddy');
  const caddyfile = printCaddyfile({ QUIZ_TEST_TLS: '1', HTTPS_PORT: '18443', HTTP_PORT: '18080' });
  expect(caddyfile).toContain('\tlocal_certs\n');
  expect(printCaddyfile()).not.toContain('local_certs');
  const path = join(scratch, 'Caddyfile-test-tls');
  writeFileSync(path, caddyfile);
  const adapted = run([caddy, 'adapt', '--config', path, '--adapter', 'caddyfile'], { env: caddyEnv() });
  expect(adapted.code).toBe(0);
  const config = JSON.parse(adapted.stdout);
  const issuers = JSON.stringify(config.apps.tls);
  expect(issuers).toContain('"module":"internal"');
  expect(issuers).not.toContain('acme');
  expect(config.apps.http.https_port).toBe(18443);
});
