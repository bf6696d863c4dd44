import { describe, expect, test } from 'bun:test';
import { signCookie } from 'elysia/utils';
import { ADMIN_COOKIE, STUDENT_COOKIE } from '../../../src/protocol/constants';
import {
  adminFingerprint,
  asAdminClaim,
  asStudentClaim,
  readSignedCookie,
} from '../../../src/identity/cookies';

const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const OTHER_SECRET = 'another-secret-0123456789abcdefghijklmn';
const claim = { sid: 'main', run: 3, student: 's-42', epoch: 1 };

async function headerFor(name: string, value: string, secret = SECRET): Promise<string> {
  return `${name}=${encodeURIComponent(await signCookie(value, secret))}`;
}

describe('readSignedCookie', () => {
  test('round-trips a JSON claim signed with Elysia’s signCookie', async () => {
    const header = await headerFor(STUDENT_COOKIE, JSON.stringify(claim));
    expect(await readSignedCookie(header, STUDENT_COOKIE, SECRET)).toEqual(claim);
  });

  test('finds its cookie among others in the header', async () => {
    const admin = { exp: 1_900_000_000_000, fp: 'abcdef0123456789' };
    const header = `theme=dark; ${await headerFor(ADMIN_COOKIE, JSON.stringify(admin))}; other=1`;
    expect(await readSignedCookie(header, ADMIN_COOKIE, SECRET)).toEqual(admin);
  });

  test('an altered value is null', async () => {
    const signed = await signCookie(JSON.stringify(claim), SECRET);
    const altered = signed.replace('"s-42"', '"s-43"');
    expect(altered).not.toBe(signed);
    expect(await readSignedCookie(`${STUDENT_COOKIE}=${encodeURIComponent(altered)}`, STUDENT_COOKIE, SECRET)).toBeNull();
  });

  test('a forged signature is null', async () => {
    const signed = await signCookie(JSON.stringify(claim), SECRET);
    const value = signed.slice(0, signed.lastIndexOf('.'));
    const forged = `${value}.${'A'.repeat(43)}`;
    expect(await readSignedCookie(`${STUDENT_COOKIE}=${encodeURIComponent(forged)}`, STUDENT_COOKIE, SECRET)).toBeNull();
  });

  test('an unsigned value is null', async () => {
    const header = `${STUDENT_COOKIE}=${encodeURIComponent(JSON.stringify(claim))}`;
    expect(await readSignedCookie(header, STUDENT_COOKIE, SECRET)).toBeNull();
  });

  test('a cookie signed with another secret is null', async () => {
    const header = await headerFor(STUDENT_COOKIE, JSON.stringify(claim), OTHER_SECRET);
    expect(await readSignedCookie(header, STUDENT_COOKIE, SECRET)).toBeNull();
  });

  test('a missing cookie is undefined', async () => {
    expect(await readSignedCookie(null, STUDENT_COOKIE, SECRET)).toBeUndefined();
    expect(await readSignedCookie('', STUDENT_COOKIE, SECRET)).toBeUndefined();
    expect(await readSignedCookie('theme=dark', STUDENT_COOKIE, SECRET)).toBeUndefined();
    const adminOnly = await headerFor(ADMIN_COOKIE, JSON.stringify({ exp: 1, fp: 'x' }));
    expect(await readSignedCookie(adminOnly, STUDENT_COOKIE, SECRET)).toBeUndefined();
  });
});

describe('asStudentClaim', () => {
  test('accepts the right shape', () => {
    expect(asStudentClaim(claim)).toEqual(claim);
  });

  test.each([
    ['null', null],
    ['a string', 'main:3:s-42'],
    ['an array', [claim]],
    ['missing sid', { run: 3, student: 's-42', epoch: 1 }],
    ['missing epoch', { sid: 'main', run: 3, student: 's-42' }],
    ['string run', { ...claim, run: '3' }],
    ['fractional run', { ...claim, run: 3.5 }],
    ['numeric student', { ...claim, student: 42 }],
    ['string epoch', { ...claim, epoch: '1' }],
  ])('rejects %s', (_label, value) => {
    expect(asStudentClaim(value)).toBeNull();
  });
});

describe('asAdminClaim', () => {
  const now = 1_800_000_000_000;
  const fingerprint = adminFingerprint('$argon2id$some-hash');

  test('accepts an unexpired claim with the right fingerprint', () => {
    const value = { exp: now + 1_000, fp: fingerprint, sid: 'sign-in-1' };
    expect(asAdminClaim(value, fingerprint, now)).toEqual(value);
  });

  test('rejects an expired claim', () => {
    expect(asAdminClaim({ exp: now - 1, fp: fingerprint, sid: 'sign-in-1' }, fingerprint, now)).toBeNull();
  });

  test('rejects a claim expiring exactly now', () => {
    expect(asAdminClaim({ exp: now, fp: fingerprint, sid: 'sign-in-1' }, fingerprint, now)).toBeNull();
  });

  test('rejects the wrong fingerprint (password changed)', () => {
    const other = adminFingerprint('$argon2id$another-hash');
    expect(asAdminClaim({ exp: now + 1_000, fp: other, sid: 'sign-in-1' }, fingerprint, now)).toBeNull();
  });

  test.each([
    ['null', null],
    ['string exp', { exp: String(now + 1_000), fp: 'x' }],
    ['missing fp', { exp: now + 1_000 }],
    ['a student claim', claim],
  ])('rejects %s', (_label, value) => {
    expect(asAdminClaim(value, 'x', now)).toBeNull();
  });
});

describe('adminFingerprint', () => {
  test('is stable for one hash', () => {
    expect(adminFingerprint('hash-one')).toBe(adminFingerprint('hash-one'));
  });

  test('differs per hash', () => {
    expect(adminFingerprint('hash-one')).not.toBe(adminFingerprint('hash-two'));
  });

  test('is short hex that does not contain the hash', () => {
    const fingerprint = adminFingerprint('secret-hash-value');
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint).not.toContain('secret');
  });
});
