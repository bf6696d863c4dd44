import { describe, expect, test } from 'bun:test';
import { ConfigError, loadConfig } from '../../src/config';

const GOOD_SECRET = 'k'.repeat(32);
const GOOD_PASSWORD = 'correct horse battery';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig defaults', () => {
  test('an empty environment gives the contract defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8001);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dbPath).toBe('./data/quiz.db');
    expect(config.trustProxy).toBe(false);
    expect(config.production).toBe(false);
    expect(config.poolPath).toBeNull();
    expect(config.adminPassword).toBeNull();
    expect(config.secretKey).toBeNull();
    expect(config.publicUrl).toBeNull();
    expect(config.logLevel).toBe('info');
  });

  test('unrelated variables are ignored', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root', SHELL: '' }).port).toBe(8001);
  });

  test('whitespace-only optional values count as unset', () => {
    const config = loadConfig({ HOST: ' ', QUIZ_DB_PATH: '  ', QUIZ_POOL_PATH: '', QUIZ_PUBLIC_URL: '', QUIZ_TRUST_PROXY: '' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.dbPath).toBe('./data/quiz.db');
    expect(config.poolPath).toBeNull();
    expect(config.publicUrl).toBeNull();
    expect(config.trustProxy).toBe(false);
  });

  test('empty HOST= and QUIZ_DB_PATH= count as unset, like their whitespace-only forms', () => {
    // An `.env` line such as `HOST=` must mean the default, as `HOST= ` already does.
    const config = loadConfig({ HOST: '', QUIZ_DB_PATH: '' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.dbPath).toBe('./data/quiz.db');
  });

  test('values given are used', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      QUIZ_DB_PATH: '/var/lib/quiz/q.db',
      QUIZ_POOL_PATH: '/etc/quiz/pool.json',
      QUIZ_ADMIN_PASSWORD: GOOD_PASSWORD,
      QUIZ_SECRET_KEY: GOOD_SECRET,
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dbPath: '/var/lib/quiz/q.db',
      poolPath: '/etc/quiz/pool.json',
      adminPassword: GOOD_PASSWORD,
      secretKey: GOOD_SECRET,
    });
  });
});

describe('production', () => {
  test('without QUIZ_ADMIN_PASSWORD and QUIZ_SECRET_KEY names both', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.message).toContain('QUIZ_ADMIN_PASSWORD');
    expect(error.message).toContain('QUIZ_SECRET_KEY');
  });

  test('without QUIZ_ADMIN_PASSWORD names only it', () => {
    const error = configError({ NODE_ENV: 'production', QUIZ_SECRET_KEY: GOOD_SECRET });
    expect(error.message).toContain('QUIZ_ADMIN_PASSWORD');
    expect(error.message).not.toContain('QUIZ_SECRET_KEY');
  });

  test('without QUIZ_SECRET_KEY names only it', () => {
    const error = configError({ NODE_ENV: 'production', QUIZ_ADMIN_PASSWORD: GOOD_PASSWORD });
    expect(error.message).toContain('QUIZ_SECRET_KEY');
    expect(error.message).not.toContain('QUIZ_ADMIN_PASSWORD');
  });

  test('a blank secret counts as missing', () => {
    const error = configError({ NODE_ENV: 'production', QUIZ_ADMIN_PASSWORD: GOOD_PASSWORD, QUIZ_SECRET_KEY: '   ' });
    expect(error.message).toContain('QUIZ_SECRET_KEY');
  });

  test('with both set it starts', () => {
    const config = loadConfig({ NODE_ENV: 'production', QUIZ_ADMIN_PASSWORD: GOOD_PASSWORD, QUIZ_SECRET_KEY: GOOD_SECRET });
    expect(config.production).toBe(true);
    expect(config.logLevel).toBe('info');
  });

  test('secrets are optional outside production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).production).toBe(false);
  });
});

describe('invalid values', () => {
  test.each(['abc', '80a', '-1', '123456', '70000', '8001.5'])('PORT=%p is refused', (port) => {
    const error = configError({ PORT: port });
    expect(error.message).toContain('PORT');
  });

  test('PORT 0 and 65535 are accepted', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  test('a secret key shorter than 32 characters is refused', () => {
    const error = configError({ QUIZ_SECRET_KEY: 'k'.repeat(31) });
    expect(error.message).toContain('QUIZ_SECRET_KEY');
    expect(loadConfig({ QUIZ_SECRET_KEY: GOOD_SECRET }).secretKey).toBe(GOOD_SECRET);
  });

  test('an admin password shorter than 8 characters is refused', () => {
    const error = configError({ QUIZ_ADMIN_PASSWORD: 'short' });
    expect(error.message).toContain('QUIZ_ADMIN_PASSWORD');
  });

  test.each(['not a url', 'quiz.example.org', 'ftp://quiz.example.org', 'javascript:alert(1)'])(
    'QUIZ_PUBLIC_URL=%p is refused',
    (url) => {
      expect(configError({ QUIZ_PUBLIC_URL: url }).message).toContain('QUIZ_PUBLIC_URL');
    },
  );

  test('QUIZ_PUBLIC_URL is normalised without a trailing slash', () => {
    expect(loadConfig({ QUIZ_PUBLIC_URL: 'https://quiz.example.org/' }).publicUrl).toBe('https://quiz.example.org');
    expect(loadConfig({ QUIZ_PUBLIC_URL: 'http://10.0.0.5:8001/quiz/' }).publicUrl).toBe('http://10.0.0.5:8001/quiz');
  });

  test.each(['yes', 'true', '2'])('QUIZ_TRUST_PROXY=%p is refused', (value) => {
    expect(configError({ QUIZ_TRUST_PROXY: value }).message).toContain('QUIZ_TRUST_PROXY');
  });
});

describe('flags', () => {
  test('QUIZ_TRUST_PROXY=1 trusts the proxy, 0 does not', () => {
    expect(loadConfig({ QUIZ_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(loadConfig({ QUIZ_TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  test("NODE_ENV=test → logLevel 'silent'", () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
  });

  test('QUIZ_LOG_LEVEL overrides the default', () => {
    expect(loadConfig({ QUIZ_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({ NODE_ENV: 'test', QUIZ_LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  });
});

describe('TLS', () => {
  const pair = { QUIZ_TLS_CERT: '/etc/quiz/fullchain.pem', QUIZ_TLS_KEY: '/etc/quiz/privkey.pem' };

  test('unset by default: no TLS, no HTTP port, no webroot', () => {
    expect(loadConfig({})).toMatchObject({ tls: null, httpPort: null, acmeWebroot: null });
  });

  test('a certificate and its key, an HTTP port and a webroot', () => {
    const config = loadConfig({ ...pair, PORT: '443', QUIZ_HTTP_PORT: '80', QUIZ_ACME_WEBROOT: '/var/lib/quiz/acme' });
    expect(config).toMatchObject({
      port: 443,
      tls: { certPath: '/etc/quiz/fullchain.pem', keyPath: '/etc/quiz/privkey.pem' },
      httpPort: 80,
      acmeWebroot: '/var/lib/quiz/acme',
    });
  });

  test('blank values count as unset', () => {
    expect(loadConfig({ QUIZ_TLS_CERT: ' ', QUIZ_TLS_KEY: '', QUIZ_HTTP_PORT: '', QUIZ_ACME_WEBROOT: '' }).tls).toBeNull();
  });

  test.each([
    [{ QUIZ_TLS_CERT: '/c.pem' }, 'must be set together'],
    [{ QUIZ_TLS_KEY: '/k.pem' }, 'must be set together'],
    [{ QUIZ_HTTP_PORT: '80' }, 'QUIZ_HTTP_PORT needs QUIZ_TLS_CERT and QUIZ_TLS_KEY'],
    [{ ...pair, QUIZ_HTTP_PORT: 'eighty' }, 'QUIZ_HTTP_PORT'],
    [{ ...pair, QUIZ_HTTP_PORT: '70000' }, 'QUIZ_HTTP_PORT must be 0…65535'],
    [{ ...pair, PORT: '8443', QUIZ_HTTP_PORT: '8443' }, 'must differ from PORT'],
    [{ ...pair, QUIZ_ACME_WEBROOT: '/var/www' }, 'QUIZ_ACME_WEBROOT needs QUIZ_HTTP_PORT'],
  ] as [Record<string, string>, string][])('%p is refused: %s', (env, message) => {
    expect(configError(env).message).toContain(message);
  });
});
