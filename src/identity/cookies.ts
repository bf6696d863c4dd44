/**
 * The two signed cookies and what they carry. Signing and verification are Elysia's own
 * (the app's `cookie.secrets`/`sign` config for HTTP routes, `parseCookie` with the same
 * secret for WebSocket upgrades), so both paths accept exactly the same cookies.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parseCookie } from 'elysia/cookies';
import { SECURE_COOKIE_PREFIX, kindOfCookie } from './cookie-names';

export const ADMIN_SESSION_MS = 12 * 60 * 60 * 1000;
export const STUDENT_COOKIE_MAX_AGE_S = 24 * 60 * 60;

export const StudentClaimSchema = t.Object({
  sid: t.String(),
  run: t.Integer(),
  student: t.String(),
  epoch: t.Integer(),
});
export type StudentClaim = Static<typeof StudentClaimSchema>;

export const AdminClaimSchema = t.Object({
  /** Expiry (ms since epoch), checked server-side: Max-Age alone is only a request to the browser. */
  exp: t.Integer(),
  /** Fingerprint of the admin password hash: changing the password ends every admin session. */
  fp: t.String(),
  /** The sign-in this cookie belongs to: honoured only while the server keeps it (see instructor.ts). */
  sid: t.String({ minLength: 1, maxLength: 64 }),
});
export type AdminClaim = Static<typeof AdminClaimSchema>;

const studentClaimChecker = TypeCompiler.Compile(StudentClaimSchema);
const adminClaimChecker = TypeCompiler.Compile(AdminClaimSchema);

export function asStudentClaim(value: unknown): StudentClaim | null {
  return studentClaimChecker.Check(value) ? value : null;
}

export function asAdminClaim(value: unknown, fingerprint: string, now: number): AdminClaim | null {
  if (!adminClaimChecker.Check(value)) return null;
  return value.fp === fingerprint && value.exp > now ? value : null;
}

/** A Set-Cookie value that removes one of our cookies. */
export function clearedCookie(name: string): string {
  const sameSite = kindOfCookie(name) === 'admin' ? 'Strict' : 'Lax';
  // A browser ignores a __Host- cookie (even a clearing one) that is not Secure.
  const secure = name.startsWith(SECURE_COOKIE_PREFIX) ? '; Secure' : '';
  return `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=${sameSite}${secure}`;
}

export function adminFingerprint(passwordHash: string): string {
  return new Bun.CryptoHasher('sha256').update(passwordHash).digest('hex').slice(0, 16);
}

/**
 * Reads one signed cookie from a raw Cookie header. A missing cookie is `undefined`; a
 * forged or altered one is `null` (Elysia throws for a bad signature).
 */
export async function readSignedCookie(cookieHeader: string | null, name: string, secret: string): Promise<unknown> {
  if (!cookieHeader) return undefined;
  try {
    const jar = await parseCookie({ cookie: {} } as never, cookieHeader, { secrets: secret, sign: [name] });
    return jar[name]?.value ?? undefined;
  } catch {
    return null;
  }
}

/**
 * The first of `names` present in a raw Cookie header, verified: `undefined` when none is
 * present, `null` when the first present one is forged.
 */
export async function readFirstSignedCookie(cookieHeader: string | null, names: readonly string[], secret: string): Promise<unknown> {
  for (const name of names) {
    const value = await readSignedCookie(cookieHeader, name, secret);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The first of `names` present in Elysia's cookie jar. */
export function readJarValue(jar: Record<string, { value?: unknown } | undefined>, names: readonly string[]): unknown {
  for (const name of names) {
    const value = jar[name]?.value;
    if (value !== undefined) return value;
  }
  return undefined;
}
