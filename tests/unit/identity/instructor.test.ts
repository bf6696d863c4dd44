import { describe, expect, test } from 'bun:test';
import { signCookie } from 'elysia/utils';
import { AppError } from '../../../src/errors';
import { ADMIN_SESSION_MS, adminFingerprint } from '../../../src/identity/cookies';
import { createInstructorCheck } from '../../../src/identity/instructor';
import { ADMIN_COOKIE, STUDENT_COOKIE } from '../../../src/protocol/constants';
import { FakeTime } from '../../helpers/fake-time';

const HASH = '$argon2id$v=19$m=65536,t=2,p=1$current-hash';
const OTHER_HASH = '$argon2id$v=19$m=65536,t=2,p=1$previous-hash';
const KEY = 'unit-test-signing-key-0123456789abcdef';

function setup() {
  const time = new FakeTime();
  const check = createInstructorCheck(HASH, KEY, time);
  return { time, check };
}

async function cookieHeader(value: unknown, name = ADMIN_COOKIE, key = KEY): Promise<string> {
  return `${name}=${encodeURIComponent(await signCookie(JSON.stringify(value), key))}`;
}

function thrownBy(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('newClaim', () => {
  test('expires ADMIN_SESSION_MS from now and carries the current hash’s fingerprint', () => {
    const { time, check } = setup();
    expect(check.newClaim()).toEqual({ exp: time.now() + ADMIN_SESSION_MS, fp: adminFingerprint(HASH) });
  });

  test('a new claim is accepted until just before it expires, then refused', () => {
    const { time, check } = setup();
    const claim = check.newClaim();
    expect(check.isInstructor(claim)).toBe(true);
    time.advance(ADMIN_SESSION_MS - 1);
    expect(check.isInstructor(claim)).toBe(true);
    time.advance(1);
    expect(check.isInstructor(claim)).toBe(false);
  });
});

describe('isInstructor', () => {
  test('refuses an expired claim', () => {
    const { time, check } = setup();
    expect(check.isInstructor({ exp: time.now() - 1, fp: adminFingerprint(HASH) })).toBe(false);
  });

  test('refuses a claim made under another password (fingerprint differs)', () => {
    const { time, check } = setup();
    const oldCheck = createInstructorCheck(OTHER_HASH, KEY, time);
    const oldClaim = oldCheck.newClaim();
    expect(oldCheck.isInstructor(oldClaim)).toBe(true);
    expect(check.isInstructor(oldClaim)).toBe(false);
  });

  test.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', 'admin'],
    ['a student claim', { sid: 'main', run: 1, student: 's', epoch: 0 }],
  ])('refuses %s', (_label, value) => {
    expect(setup().check.isInstructor(value)).toBe(false);
  });
});

describe('assertInstructor', () => {
  test('passes for a valid claim', () => {
    const { check } = setup();
    expect(() => check.assertInstructor(check.newClaim())).not.toThrow();
  });

  test('throws a 401 not_signed_in AppError otherwise, whose response says so', async () => {
    const { check } = setup();
    const error = thrownBy(() => check.assertInstructor(undefined));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 401, code: 'not_signed_in' });
    const response = (error as AppError).toResponse();
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'not_signed_in' });
  });

  test('throws for an expired claim too', () => {
    const { time, check } = setup();
    const claim = check.newClaim();
    time.advance(ADMIN_SESSION_MS);
    expect(thrownBy(() => check.assertInstructor(claim))).toMatchObject({ status: 401, code: 'not_signed_in' });
  });
});

describe('fromCookieHeader', () => {
  test('accepts a properly signed admin cookie holding a new claim', async () => {
    const { check } = setup();
    expect(await check.fromCookieHeader(await cookieHeader(check.newClaim()))).toBe(true);
  });

  test('finds the admin cookie among other cookies', async () => {
    const { check } = setup();
    const header = `theme=dark; ${await cookieHeader(check.newClaim())}; lang=en`;
    expect(await check.fromCookieHeader(header)).toBe(true);
  });

  test('refuses a missing header or a header without the admin cookie', async () => {
    const { check } = setup();
    expect(await check.fromCookieHeader(null)).toBe(false);
    expect(await check.fromCookieHeader('')).toBe(false);
    expect(await check.fromCookieHeader('theme=dark')).toBe(false);
  });

  test('refuses a valid claim under the student cookie name', async () => {
    const { check } = setup();
    expect(await check.fromCookieHeader(await cookieHeader(check.newClaim(), STUDENT_COOKIE))).toBe(false);
  });

  test('refuses a claim signed with another key', async () => {
    const { check } = setup();
    expect(await check.fromCookieHeader(await cookieHeader(check.newClaim(), ADMIN_COOKIE, 'another-key-0123456789abcdefghijklmn'))).toBe(false);
  });

  test('refuses an unsigned claim', async () => {
    const { check } = setup();
    expect(await check.fromCookieHeader(`${ADMIN_COOKIE}=${encodeURIComponent(JSON.stringify(check.newClaim()))}`)).toBe(false);
  });

  test('refuses a signed cookie whose expiry was pushed forward by hand', async () => {
    const { check } = setup();
    const signed = await signCookie(JSON.stringify(check.newClaim()), KEY);
    const tampered = signed.replace(/"exp":\d+/, '"exp":9999999999999');
    expect(tampered).not.toBe(signed);
    expect(await check.fromCookieHeader(`${ADMIN_COOKIE}=${encodeURIComponent(tampered)}`)).toBe(false);
  });

  test('refuses a properly signed but expired claim', async () => {
    const { time, check } = setup();
    const header = await cookieHeader(check.newClaim());
    time.advance(ADMIN_SESSION_MS + 1);
    expect(await check.fromCookieHeader(header)).toBe(false);
  });

  test('refuses a properly signed claim from before the password changed', async () => {
    const { time } = setup();
    const before = createInstructorCheck(OTHER_HASH, KEY, time);
    const after = createInstructorCheck(HASH, KEY, time);
    const header = await cookieHeader(before.newClaim());
    expect(await before.fromCookieHeader(header)).toBe(true);
    expect(await after.fromCookieHeader(header)).toBe(false);
  });
});
