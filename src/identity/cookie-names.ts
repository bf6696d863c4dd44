/**
 * Which names our two signed cookies go by. Behind https they carry the `__Host-` prefix,
 * which a browser only accepts from a secure origin, for the whole host (no Domain) and
 * path `/`: a sibling subdomain or a plain-http page cannot plant or shadow them. For one
 * release a secure deployment still reads the unprefixed names it issued before.
 */
import { ADMIN_COOKIE, STUDENT_COOKIE } from '../protocol/constants';

export const SECURE_COOKIE_PREFIX = '__Host-';

export type CookieKind = 'student' | 'admin';
const BASE_NAME: Record<CookieKind, string> = { student: STUDENT_COOKIE, admin: ADMIN_COOKIE };

/** Every name a signed cookie of ours may have. */
export const SIGNED_COOKIE_NAMES = [
  STUDENT_COOKIE,
  ADMIN_COOKIE,
  `${SECURE_COOKIE_PREFIX}${STUDENT_COOKIE}`,
  `${SECURE_COOKIE_PREFIX}${ADMIN_COOKIE}`,
];

export interface CookieNaming {
  secure: boolean;
  /** The name a new cookie is set under. */
  nameOf(kind: CookieKind): string;
  /** The names read, in order of preference. */
  acceptedNames(kind: CookieKind): string[];
  /** Names to clear when a new cookie is set (the unprefixed one, once Secure). */
  legacyNames(kind: CookieKind): string[];
}

export function cookieNaming(secure: boolean): CookieNaming {
  const nameOf = (kind: CookieKind) => (secure ? `${SECURE_COOKIE_PREFIX}${BASE_NAME[kind]}` : BASE_NAME[kind]);
  const legacyNames = (kind: CookieKind) => (secure ? [BASE_NAME[kind]] : []);
  return { secure, nameOf, legacyNames, acceptedNames: (kind) => [nameOf(kind), ...legacyNames(kind)] };
}

/** The kind of cookie a name belongs to. */
export function kindOfCookie(name: string): CookieKind {
  return name.endsWith(ADMIN_COOKIE) ? 'admin' : 'student';
}
