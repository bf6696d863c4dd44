/**
 * The two secrets: the cookie-signing key and the admin password hash. Outside production
 * both may be generated on first start; the key is kept in the data folder, the password
 * is printed once and only its hash is kept.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config';
import type { SettingsStore } from '../session/ports';
import type { Logger } from '../logger';

const ADMIN_HASH_SETTING = 'admin_password_hash';

/** Argon2id at OWASP's minimum memory cost: a 1 GB VPS cannot spare the default 64 MiB per login. */
export const PASSWORD_HASH_OPTIONS = { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 } as const;

function randomToken(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

export function signingKeyPath(config: Config): string {
  return join(dirname(config.dbPath), 'secret.key');
}

export function resolveSigningKey(config: Config, logger: Logger): string {
  if (config.secretKey) return config.secretKey;
  const path = signingKeyPath(config);
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomToken(48);
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  logger.info('signing_key_generated', { path });
  return key;
}

/**
 * The hash is kept in the database and reused while it still matches: admin cookies carry
 * a fingerprint of it, so a restart with the same password keeps the instructor signed in,
 * and a changed password signs every admin session out.
 */
export async function resolveAdminPasswordHash(config: Config, store: SettingsStore, logger: Logger): Promise<string> {
  const stored = store.readSetting(ADMIN_HASH_SETTING);
  if (config.adminPassword) {
    if (stored && (await Bun.password.verify(config.adminPassword, stored))) return stored;
    const hash = await Bun.password.hash(config.adminPassword, PASSWORD_HASH_OPTIONS);
    store.writeSetting(ADMIN_HASH_SETTING, hash);
    return hash;
  }
  if (stored) return stored;
  const password = randomToken(12);
  const hash = await Bun.password.hash(password, PASSWORD_HASH_OPTIONS);
  store.writeSetting(ADMIN_HASH_SETTING, hash);
  logger.warn('admin_password_generated', {
    admin_password: password,
    note: 'shown once; only its hash is kept. Set QUIZ_ADMIN_PASSWORD to choose your own.',
  });
  return hash;
}
