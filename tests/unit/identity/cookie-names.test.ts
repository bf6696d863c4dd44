import { describe, expect, test } from 'bun:test';
import {
  SECURE_COOKIE_PREFIX,
  SIGNED_COOKIE_NAMES,
  cookieNaming,
  kindOfCookie,
  type CookieKind,
} from '../../../src/identity/cookie-names';
import { ADMIN_COOKIE, STUDENT_COOKIE } from '../../../src/protocol/constants';

const KINDS: CookieKind[] = ['student', 'admin'];

describe('cookieNaming(false) (plain http)', () => {
  const naming = cookieNaming(false);

  test('is not secure', () => {
    expect(naming.secure).toBe(false);
  });

  test('sets the unprefixed names', () => {
    expect(naming.nameOf('student')).toBe(STUDENT_COOKIE);
    expect(naming.nameOf('admin')).toBe(ADMIN_COOKIE);
  });

  test('reads only those names and has nothing legacy to clear', () => {
    expect(naming.acceptedNames('student')).toEqual([STUDENT_COOKIE]);
    expect(naming.acceptedNames('admin')).toEqual([ADMIN_COOKIE]);
    expect(naming.legacyNames('student')).toEqual([]);
    expect(naming.legacyNames('admin')).toEqual([]);
  });
});

describe('cookieNaming(true) (behind https)', () => {
  const naming = cookieNaming(true);

  test('is secure', () => {
    expect(naming.secure).toBe(true);
  });

  test('sets the __Host- prefixed names', () => {
    expect(SECURE_COOKIE_PREFIX).toBe('__Host-');
    expect(naming.nameOf('student')).toBe(`__Host-${STUDENT_COOKIE}`);
    expect(naming.nameOf('admin')).toBe(`__Host-${ADMIN_COOKIE}`);
  });

  test('reads the prefixed name first, then the unprefixed one issued before', () => {
    expect(naming.acceptedNames('student')).toEqual([`__Host-${STUDENT_COOKIE}`, STUDENT_COOKIE]);
    expect(naming.acceptedNames('admin')).toEqual([`__Host-${ADMIN_COOKIE}`, ADMIN_COOKIE]);
  });

  test('clears the unprefixed name when setting a new cookie', () => {
    expect(naming.legacyNames('student')).toEqual([STUDENT_COOKIE]);
    expect(naming.legacyNames('admin')).toEqual([ADMIN_COOKIE]);
  });
});

describe('SIGNED_COOKIE_NAMES', () => {
  test('holds exactly every name either naming sets or reads', () => {
    const used = new Set<string>();
    for (const secure of [false, true]) {
      for (const kind of KINDS) for (const name of cookieNaming(secure).acceptedNames(kind)) used.add(name);
    }
    expect([...SIGNED_COOKIE_NAMES].sort()).toEqual([...used].sort());
    expect(new Set(SIGNED_COOKIE_NAMES).size).toBe(4);
  });
});

describe('kindOfCookie', () => {
  test.each([
    [STUDENT_COOKIE, 'student'],
    [ADMIN_COOKIE, 'admin'],
    [`__Host-${STUDENT_COOKIE}`, 'student'],
    [`__Host-${ADMIN_COOKIE}`, 'admin'],
  ])('%s is a %s cookie', (name, kind) => {
    expect(kindOfCookie(name)).toBe(kind as CookieKind);
  });

  test('every name a naming sets, reads or clears maps back to its kind', () => {
    for (const secure of [false, true]) {
      const naming = cookieNaming(secure);
      for (const kind of KINDS) {
        for (const name of [naming.nameOf(kind), ...naming.acceptedNames(kind), ...naming.legacyNames(kind)]) {
          expect(kindOfCookie(name)).toBe(kind);
        }
      }
    }
  });
});
