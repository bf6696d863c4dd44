/**
 * TLS in the server (QUIZ_TLS_CERT, QUIZ_TLS_KEY, QUIZ_HTTP_PORT, QUIZ_ACME_WEBROOT), on a
 * real server process with self-signed certificates made at test time: HTTPS and WSS on
 * PORT, Secure __Host- cookies, a live class that stays connected while SIGHUP swaps the
 * certificate, a broken pair on SIGHUP that keeps the one in service, the ACME webroot and
 * the redirect to https, and clear start-up refusals.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inbox } from '../helpers/inbox';
import { REPO } from '../helpers/run-command';
import { killAll, runToExit, serverEnv, startProcess, type ServerProcess } from '../helpers/server-process';
import { makeCertificate, servedFingerprint, type TestCertificate } from '../helpers/self-signed';
import { cookieFrom, makePool, TEST_ADMIN_PASSWORD, toPoolInput } from '../helpers/test-server';
import { waitFor } from '../helpers/wait';

const INSECURE = { tls: { rejectUnauthorized: false } } as const;

const dir = mkdtempSync(join(tmpdir(), 'quiz-tls-'));
const certs = { a: null as unknown as TestCertificate, b: null as unknown as TestCertificate };
const livePaths = { cert: join(dir, 'live-cert.pem'), key: join(dir, 'live-key.pem') };
const webroot = join(dir, 'webroot');

function install(cert: TestCertificate | { cert: string; key: string }) {
  writeFileSync(livePaths.cert, cert.cert);
  writeFileSync(livePaths.key, cert.key);
}

function https(url: string, init: RequestInit & { cookie?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(url, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}), ...INSECURE } as RequestInit);
}

function wss(url: string, cookie: string): Inbox {
  return new Inbox(new WebSocket(url, { headers: { cookie }, ...INSECURE } as never));
}

/** Sends SIGHUP and waits for the server to log the outcome (the n-th line of that kind). */
async function sighup(server: ServerProcess, expected: 'tls_reloaded' | 'tls_reload_failed') {
  const before = server.logs().filter((line) => line.msg === expected).length;
  server.proc.kill('SIGHUP');
  await waitFor(`${expected} logged`, () => server.logs().filter((line) => line.msg === expected).length > before);
  return server.logs().filter((line) => line.msg === expected).at(-1)!;
}

/** Every new connection (several: SO_REUSEPORT spreads them over listeners) gets this certificate. */
async function expectServed(url: string, fingerprint: string) {
  for (let attempt = 0; attempt < 6; attempt += 1) expect(await servedFingerprint(url)).toBe(fingerprint);
}

beforeAll(() => {
  certs.a = makeCertificate(dir, 'quiz-a');
  certs.b = makeCertificate(dir, 'quiz-b');
  mkdirSync(join(webroot, '.well-known', 'acme-challenge'), { recursive: true });
});
afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS, WSS and a certificate swap on SIGHUP', () => {
  afterEach(killAll);
  test('a live class over WSS stays connected across SIGHUP; new connections get the new certificate; a broken pair keeps it', async () => {
    install(certs.a);
    const poolPath = join(dir, 'pool.json');
    writeFileSync(poolPath, JSON.stringify(toPoolInput(makePool(2, { timeLimitS: 600 }))));
    const db = mkdtempSync(join(dir, 'db-'));
    const server = await startProcess(serverEnv(db, { QUIZ_TLS_CERT: livePaths.cert, QUIZ_TLS_KEY: livePaths.key, QUIZ_POOL_PATH: poolPath }));
    expect(server.url).toStartWith('https://');
    await expectServed(server.url, certs.a.fingerprint256);

    // A plain-http request to the TLS port gets no page.
    expect(await fetch(server.url.replace('https://', 'http://') + '/healthz').then((r) => r.status, () => 'refused')).not.toBe(200);

    const joinOne = async (id: string) => {
      const response = await https(`${server.url}/api/join`, { method: 'POST', json: { student_id: id, name: `Student ${id}` } });
      expect(response.status).toBe(200);
      // Behind TLS the cookie is Secure and host-only (__Host-).
      const setCookie = response.headers.getSetCookie().find((header) => header.startsWith('__Host-quiz_student='))!;
      expect(setCookie).toContain('Secure');
      return cookieFrom(response, 'quiz_student');
    };
    const ids = ['s1', 's2', 's3', 's4', 's5'];
    const cookies = await Promise.all(ids.map(joinOne));
    const students = cookies.map((cookie) => wss(server.wsUrl, cookie));
    for (const student of students) {
      await student.opened;
      await student.next('snapshot');
    }
    const login = await https(`${server.url}/admin/login`, { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const adminCookie = cookieFrom(login, 'quiz_admin');
    expect(adminCookie).toStartWith('__Host-quiz_admin=');
    const admin = wss(server.adminWsUrl, adminCookie);
    await admin.opened;
    await admin.next('snapshot');

    install(certs.b);
    const reloaded = await sighup(server, 'tls_reloaded');
    expect(reloaded).toMatchObject({ fingerprint: certs.b.fingerprint256, previous: certs.a.fingerprint256 });
    await expectServed(server.url, certs.b.fingerprint256);

    // The class on the old connections keeps working: frames published after the swap
    // reach them, and their submits are acknowledged.
    expect((await https(`${server.url}/admin/api/next`, { method: 'POST', cookie: adminCookie })).status).toBe(200);
    for (const student of students) {
      const open = await student.next('question_open');
      student.send({ type: 'submit', question_idx: open.question_idx, choice: 'A' });
      expect((await student.next('submit_ack')).accepted).toBe(true);
    }

    // A student who joins now connects through the new certificate, beside the old class.
    const late = wss(server.wsUrl, await joinOne('late'));
    await late.opened;
    expect((await late.next('snapshot')).phase).toBe('question');

    // Broken pairs on SIGHUP: logged with the reason, the certificate in service stays.
    install({ cert: 'not a certificate', key: certs.b.key });
    expect(String((await sighup(server, 'tls_reload_failed')).reason)).toContain('holds no PEM certificate');
    install({ cert: certs.a.cert, key: certs.b.key });
    expect(String((await sighup(server, 'tls_reload_failed')).reason)).toContain('is not the private key of the certificate');
    rmSync(livePaths.key);
    expect(String((await sighup(server, 'tls_reload_failed')).reason)).toContain('does not exist');
    await expectServed(server.url, certs.b.fingerprint256);
    const health = await https(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // Served over TLS: browsers are told to stay on https.
    expect(health.headers.get('strict-transport-security')).toBe('max-age=31536000');

    // Old and new sockets alike hear the close, and none of them was ever dropped.
    expect((await https(`${server.url}/admin/api/close`, { method: 'POST', cookie: adminCookie })).status).toBe(200);
    for (const student of [...students, late]) expect((await student.next('question_closed')).question_idx).toBe(0);
    await admin.next('question_closed');
    for (const socket of [...students, late, admin]) {
      expect(socket.closeCode).toBeNull();
      expect(socket.violations).toEqual([]);
      socket.socket.close();
    }
  }, 30_000);
});

describe('QUIZ_HTTP_PORT: ACME challenges and the redirect to https', () => {
  let server: ServerProcess;
  let httpUrl: string;
  beforeAll(async () => {
    install(certs.a);
    writeFileSync(join(webroot, '.well-known', 'acme-challenge', 'Tok3n_with-dash'), 'Tok3n_with-dash.thumbprint');
    mkdirSync(join(webroot, '.well-known', 'acme-challenge', 'a-folder'), { recursive: true });
    writeFileSync(join(webroot, 'secret.txt'), 'outside the challenge folder');
    symlinkSync(livePaths.key, join(webroot, '.well-known', 'acme-challenge', 'key-link'));
    const db = mkdtempSync(join(dir, 'db-'));
    server = await startProcess(
      serverEnv(db, { QUIZ_TLS_CERT: livePaths.cert, QUIZ_TLS_KEY: livePaths.key, QUIZ_HTTP_PORT: '0', QUIZ_ACME_WEBROOT: webroot }),
    );
    httpUrl = String(server.logs().find((line) => line.msg === 'listening')!.http_url);
  });
  afterAll(killAll);

  test('a challenge file is served as text', async () => {
    const response = await fetch(`${httpUrl}/.well-known/acme-challenge/Tok3n_with-dash`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toStartWith('text/plain');
    expect(await response.text()).toBe('Tok3n_with-dash.thumbprint');
  });

  test('unknown names, a folder, a symlink (to the TLS key) and names not shaped like a token are a JSON 404', async () => {
    for (const name of ['missing-token', 'a-folder', 'key-link', 'has.dot', '%2e%2e%2fsecret.txt', '..%2f..%2fsecret.txt', 'x%00y']) {
      const response = await fetch(`${httpUrl}/.well-known/acme-challenge/${name}`, { redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found', message: expect.any(String) });
    }
  });

  test('a raw path with ../ never reads outside the challenge folder', async () => {
    const { port } = new URL(httpUrl);
    for (const path of ['/.well-known/acme-challenge/../../secret.txt', '/.well-known/acme-challenge/..%2F..%2Fsecret.txt']) {
      const reply = await rawGet(Number(port), path);
      expect(reply).not.toContain('outside the challenge folder');
      expect(reply).toMatch(/^HTTP\/1\.1 (308|404|400)/);
    }
  });

  test('everything else is a 308 to the same path and query on https, method kept', async () => {
    const httpsPort = new URL(server.url).port;
    for (const [method, path] of [['GET', '/admin/?tab=2'], ['POST', '/api/join'], ['GET', '/']] as const) {
      const response = await fetch(`${httpUrl}${path}`, { method, redirect: 'manual' });
      expect(response.status).toBe(308);
      expect(response.headers.get('location')).toBe(`https://127.0.0.1:${httpsPort}${path}`);
    }
  });
});

/** One HTTP/1.1 GET with the path sent exactly as given (fetch would normalise `..`). */
async function rawGet(port: number, path: string): Promise<string> {
  let reply = '';
  await new Promise<void>((resolve, reject) => {
    void Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(socket) {
          socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        },
        data(_socket, data) {
          reply += data.toString();
        },
        close: () => resolve(),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
  return reply;
}

describe('start-up refusals: a clear message and exit code 1', () => {
  afterEach(killAll);
  async function refused(extra: Record<string, string>, message: string) {
    const db = mkdtempSync(join(dir, 'db-'));
    const result = await runToExit(serverEnv(db, extra));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('    at ');
  }

  test('a missing certificate or key file', async () => {
    await refused({ QUIZ_TLS_CERT: join(dir, 'nope.crt'), QUIZ_TLS_KEY: certs.a.keyPath }, `QUIZ_TLS_CERT: ${join(dir, 'nope.crt')} does not exist`);
    await refused({ QUIZ_TLS_CERT: certs.a.certPath, QUIZ_TLS_KEY: join(dir, 'nope.key') }, `QUIZ_TLS_KEY: ${join(dir, 'nope.key')} does not exist`);
  });

  test('a key the service user may not read (certbot keeps privkey.pem root-only)', async () => {
    const keyDir = mkdtempSync(join(dir, 'private-'));
    const keyPath = join(keyDir, 'privkey.pem');
    const certPath = join(keyDir, 'fullchain.pem');
    writeFileSync(keyPath, certs.a.key, { mode: 0o600 });
    writeFileSync(certPath, certs.a.cert, { mode: 0o644 });
    chmodSync(keyPath, 0o000);
    const env = serverEnv(join(keyDir, 'db'), { QUIZ_TLS_CERT: certPath, QUIZ_TLS_KEY: keyPath, HOME: keyDir });
    // Root reads any file: drop the capabilities that let it (the service user has none),
    // rather than run as another user, who may not read a checkout in a 0700 folder.
    const withoutOverride = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search'] : [];
    const proc = Bun.spawn([...withoutOverride, 'bun', 'src/main.ts'], { cwd: REPO, env, stdout: 'pipe', stderr: 'pipe' });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code).toBe(1);
    expect(stderr).toContain(`QUIZ_TLS_KEY: ${keyPath} is not readable by this user (EACCES)`);
  });

  test('an unreadable certificate path (a folder, a path through a file)', async () => {
    await refused({ QUIZ_TLS_CERT: dir, QUIZ_TLS_KEY: certs.a.keyPath }, 'is a folder, not a PEM file');
    await refused({ QUIZ_TLS_CERT: join(certs.a.certPath, 'x'), QUIZ_TLS_KEY: certs.a.keyPath }, 'QUIZ_TLS_CERT: cannot read');
  });

  test('a file that is no certificate, a key that is no key, a key of another certificate', async () => {
    await refused({ QUIZ_TLS_CERT: certs.a.keyPath, QUIZ_TLS_KEY: certs.a.keyPath }, 'holds no PEM certificate');
    await refused({ QUIZ_TLS_CERT: certs.a.certPath, QUIZ_TLS_KEY: certs.a.certPath }, 'holds no usable PEM private key');
    await refused({ QUIZ_TLS_CERT: certs.a.certPath, QUIZ_TLS_KEY: certs.b.keyPath }, 'is not the private key of the certificate');
  });

  test('half a TLS configuration, an HTTP port without TLS, a missing webroot', async () => {
    await refused({ QUIZ_TLS_CERT: certs.a.certPath }, 'QUIZ_TLS_CERT and QUIZ_TLS_KEY must be set together');
    await refused({ QUIZ_HTTP_PORT: '0' }, 'QUIZ_HTTP_PORT needs QUIZ_TLS_CERT and QUIZ_TLS_KEY');
    await refused(
      { QUIZ_TLS_CERT: certs.a.certPath, QUIZ_TLS_KEY: certs.a.keyPath, QUIZ_HTTP_PORT: '0', QUIZ_ACME_WEBROOT: join(dir, 'no-webroot') },
      'QUIZ_ACME_WEBROOT',
    );
  });

  test('a PORT (or QUIZ_HTTP_PORT) another process already listens on', async () => {
    const squatter = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('someone else') });
    try {
      const port = String(squatter.port);
      const taken = `port ${port} on 127.0.0.1 is already in use by another process`;
      await refused({ PORT: port }, `PORT=${port}: ${taken}`);
      await refused({ PORT: port, QUIZ_TLS_CERT: certs.a.certPath, QUIZ_TLS_KEY: certs.a.keyPath }, `PORT=${port}: ${taken}`);
      await refused({ QUIZ_TLS_CERT: certs.a.certPath, QUIZ_TLS_KEY: certs.a.keyPath, QUIZ_HTTP_PORT: port }, `QUIZ_HTTP_PORT=${port}: ${taken}`);
      // The squatter was not joined on its port (no SO_REUSEPORT sharing): it still answers alone.
      for (let attempt = 0; attempt < 4; attempt += 1) expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('someone else');
    } finally {
      await squatter.stop(true);
    }
  });
});

describe('Bun itself', () => {
  // Why the swap starts a second listener (src/tls/listeners.ts): if this starts failing,
  // Bun learned to swap certificates in place and listeners.ts can become much simpler.
  test('server.reload({ tls }) keeps serving the old certificate in Bun 1.4.4', async () => {
    const server = Bun.serve({ port: 0, hostname: '127.0.0.1', tls: { cert: certs.a.cert, key: certs.a.key }, fetch: () => new Response('ok') });
    try {
      server.reload({ tls: { cert: certs.b.cert, key: certs.b.key }, fetch: () => new Response('ok') } as never);
      expect(await servedFingerprint(`https://127.0.0.1:${server.port}`)).toBe(certs.a.fingerprint256);
    } finally {
      await server.stop(true);
    }
  });
});

