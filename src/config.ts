/**
 * The environment, read once. The contract's defaults table lives here: a fresh clone
 * starts with no environment at all; production refuses to start without its secrets.
 * No other module reads `process.env`.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { LOG_LEVELS, type LogLevel } from './logger';

const EnvSchema = t.Object({
  PORT: t.Optional(t.String({ pattern: '^[0-9]{1,5}$' })),
  HOST: t.Optional(t.String()),
  QUIZ_DB_PATH: t.Optional(t.String()),
  QUIZ_POOL_PATH: t.Optional(t.String()),
  QUIZ_ADMIN_PASSWORD: t.Optional(t.String()),
  QUIZ_SECRET_KEY: t.Optional(t.String()),
  QUIZ_PUBLIC_URL: t.Optional(t.String()),
  QUIZ_TRUST_PROXY: t.Optional(t.Union([t.Literal('0'), t.Literal('1'), t.Literal('')])),
  QUIZ_MAX_SOCKETS_PER_ADDRESS: t.Optional(t.String({ pattern: '^[0-9]{1,7}$' })),
  QUIZ_TLS_CERT: t.Optional(t.String()),
  QUIZ_TLS_KEY: t.Optional(t.String()),
  QUIZ_HTTP_PORT: t.Optional(t.String({ pattern: '^[0-9]{0,5}$' })),
  QUIZ_ACME_WEBROOT: t.Optional(t.String()),
  QUIZ_LOG_LEVEL: t.Optional(t.Union([...LOG_LEVELS.map((level) => t.Literal(level)), t.Literal('')])),
  NODE_ENV: t.Optional(t.String()),
});
type Env = Static<typeof EnvSchema>;
const envChecker = TypeCompiler.Compile(EnvSchema);

export const DEFAULT_PORT = 8001;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DB_PATH = './data/quiz.db';
export const DEMO_POOL_PATH = new URL('../examples/demo10_pool.json', import.meta.url).pathname;
export const MIN_SECRET_KEY_LENGTH = 32;
export const MIN_ADMIN_PASSWORD_LENGTH = 8;
/** A lecture hall's NAT shows a whole class as one address: allow thousands, not all. */
export const DEFAULT_MAX_SOCKETS_PER_ADDRESS = 5000;

export interface Config {
  port: number;
  host: string;
  dbPath: string;
  poolPath: string | null;
  adminPassword: string | null;
  secretKey: string | null;
  publicUrl: string | null;
  trustProxy: boolean;
  /** Open sockets one client address may hold, so one client cannot take every file descriptor. */
  maxSocketsPerAddress: number;
  /** QUIZ_TLS_CERT + QUIZ_TLS_KEY: PEM files; HTTPS and WSS on `port`, re-read on SIGHUP. */
  tls: { certPath: string; keyPath: string } | null;
  /** QUIZ_HTTP_PORT (TLS only): plain HTTP for ACME http-01 challenges, everything else redirected to https. */
  httpPort: number | null;
  /** QUIZ_ACME_WEBROOT: the folder certbot's webroot mode writes `.well-known/acme-challenge/` into. */
  acmeWebroot: string | null;
  production: boolean;
  logLevel: LogLevel;
}

export class ConfigError extends Error {}

const blankToNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value);

export function loadConfig(env: Record<string, string | undefined>): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    if (value !== undefined) relevant[key] = value;
  }
  const firstError = envChecker.Errors(relevant).First();
  if (firstError) {
    throw new ConfigError(`${firstError.path.slice(1)} is invalid: ${firstError.message}`);
  }
  const checked = relevant as Env;
  const production = checked.NODE_ENV === 'production';
  const port = checked.PORT === undefined ? DEFAULT_PORT : Number(checked.PORT);
  if (port > 65535) throw new ConfigError('PORT must be 0…65535');

  const config: Config = {
    port,
    host: blankToNull(checked.HOST) ?? DEFAULT_HOST,
    dbPath: blankToNull(checked.QUIZ_DB_PATH) ?? DEFAULT_DB_PATH,
    poolPath: blankToNull(checked.QUIZ_POOL_PATH),
    adminPassword: blankToNull(checked.QUIZ_ADMIN_PASSWORD),
    secretKey: blankToNull(checked.QUIZ_SECRET_KEY),
    publicUrl: parsePublicUrl(blankToNull(checked.QUIZ_PUBLIC_URL)),
    trustProxy: checked.QUIZ_TRUST_PROXY === '1',
    maxSocketsPerAddress: checked.QUIZ_MAX_SOCKETS_PER_ADDRESS
      ? Number(checked.QUIZ_MAX_SOCKETS_PER_ADDRESS)
      : DEFAULT_MAX_SOCKETS_PER_ADDRESS,
    ...parseTls(checked, port),
    production,
    logLevel: (blankToNull(checked.QUIZ_LOG_LEVEL) as LogLevel | null) ?? (checked.NODE_ENV === 'test' ? 'silent' : 'info'),
  };

  if (production) {
    const missing = [
      config.adminPassword ? null : 'QUIZ_ADMIN_PASSWORD',
      config.secretKey ? null : 'QUIZ_SECRET_KEY',
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new ConfigError(`NODE_ENV=production needs ${missing.join(' and ')} to be set (see .env.example)`);
    }
  }
  if (config.secretKey && config.secretKey.length < MIN_SECRET_KEY_LENGTH) {
    throw new ConfigError(`QUIZ_SECRET_KEY must be at least ${MIN_SECRET_KEY_LENGTH} characters`);
  }
  if (config.adminPassword && config.adminPassword.length < MIN_ADMIN_PASSWORD_LENGTH) {
    throw new ConfigError(`QUIZ_ADMIN_PASSWORD must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`);
  }
  return config;
}

/** The TLS variables, checked together: they only make sense as a set. */
function parseTls(env: Env, port: number): Pick<Config, 'tls' | 'httpPort' | 'acmeWebroot'> {
  const certPath = blankToNull(env.QUIZ_TLS_CERT);
  const keyPath = blankToNull(env.QUIZ_TLS_KEY);
  const httpPortText = blankToNull(env.QUIZ_HTTP_PORT);
  const acmeWebroot = blankToNull(env.QUIZ_ACME_WEBROOT);
  if ((certPath === null) !== (keyPath === null)) {
    throw new ConfigError('QUIZ_TLS_CERT and QUIZ_TLS_KEY must be set together (the certificate and its private key, PEM files)');
  }
  const tls = certPath && keyPath ? { certPath, keyPath } : null;
  const httpPort = httpPortText === null ? null : Number(httpPortText);
  if (httpPort !== null) {
    if (!tls) throw new ConfigError('QUIZ_HTTP_PORT needs QUIZ_TLS_CERT and QUIZ_TLS_KEY: it only redirects to https and answers ACME challenges');
    if (httpPort > 65535) throw new ConfigError('QUIZ_HTTP_PORT must be 0…65535');
    if (httpPort !== 0 && httpPort === port) throw new ConfigError('QUIZ_HTTP_PORT must differ from PORT');
  }
  if (acmeWebroot !== null && httpPort === null) {
    throw new ConfigError('QUIZ_ACME_WEBROOT needs QUIZ_HTTP_PORT: challenges are answered on the plain-HTTP port');
  }
  return { tls, httpPort, acmeWebroot };
}

function parsePublicUrl(value: string | null): string | null {
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('QUIZ_PUBLIC_URL must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('QUIZ_PUBLIC_URL must be an absolute http(s) URL');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}
