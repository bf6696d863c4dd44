/** What the HTTP route groups are given: nothing global, everything passed in. */
import type { BankLibrary } from '../banks/bank-library';
import type { Config } from '../config';
import { SIGNED_COOKIE_NAMES, type CookieKind, type CookieNaming } from '../identity/cookie-names';
import type { InstructorCheck } from '../identity/instructor';
import type { RequestIp } from '../identity/request-origin';
import type { Logger } from '../logger';
import type { MediaStore } from '../pool/media';
import type { SessionController } from '../session/controller';
import type { Clock, SessionStore } from '../session/ports';

export interface AppDeps {
  config: Config;
  controller: SessionController;
  store: SessionStore;
  media: MediaStore;
  banks: BankLibrary;
  logger: Logger;
  clock: Clock;
  signingKey: string;
  instructor: InstructorCheck;
  cookieNames: CookieNaming;
  requestIp: RequestIp;
  startedAt: number;
}

/**
 * Elysia reads cookie signing from the root app's config (plugins' own config is not used
 * when the root compiles their routes), so createApp passes this to the root instance.
 */
export function cookieConfig(deps: AppDeps) {
  return { secrets: deps.signingKey, sign: SIGNED_COOKIE_NAMES };
}

type CookieJar = Record<string, { value?: unknown; set(options: Record<string, unknown>): unknown } | undefined>;

const SAME_SITE: Record<CookieKind, 'lax' | 'strict'> = { student: 'lax', admin: 'strict' };

/** Sets one of our signed cookies under its current name and clears the names it replaced. */
export function setOurCookie(jar: CookieJar, naming: CookieNaming, kind: CookieKind, value: unknown, maxAgeS: number): void {
  const attributes = { httpOnly: true, sameSite: SAME_SITE[kind], path: '/', secure: naming.secure };
  jar[naming.nameOf(kind)]!.set({ ...attributes, value, maxAge: maxAgeS });
  for (const name of naming.legacyNames(kind)) {
    if (jar[name]?.value !== undefined) jar[name]!.set({ ...attributes, secure: false, value: '', maxAge: 0, expires: new Date(0) });
  }
}

/** Clears one of our cookies under every name it may have. */
export function clearOurCookie(jar: CookieJar, naming: CookieNaming, kind: CookieKind): void {
  for (const name of naming.acceptedNames(kind)) {
    const secure = name === naming.nameOf(kind) && naming.secure;
    jar[name]!.set({ httpOnly: true, sameSite: SAME_SITE[kind], path: '/', secure, value: '', maxAge: 0, expires: new Date(0) });
  }
}
