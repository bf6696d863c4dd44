import { beforeAll, describe, expect, test } from 'bun:test';
import { AppError } from '../../../src/errors';
import { ADMIN_SESSION_MS, adminFingerprint, type AdminClaim } from '../../../src/identity/cookies';
import { createInstructorCheck } from '../../../src/identity/instructor';
import type { SignInStore } from '../../../src/identity/ports';
import { VERIFICATIONS_AT_ONCE, VERIFICATIONS_WAITING } from '../../../src/identity/verification-budget';
import { FakeTime } from '../../helpers/fake-time';

const HASH = '$argon2id$v=19$m=65536,t=2,p=1$current-hash';
const OTHER_HASH = '$argon2id$v=19$m=65536,t=2,p=1$previous-hash';

/** An in-memory SignInStore that behaves like the SQLite one (expired rows go on liveSignIns). */
class MemorySignInStore implements SignInStore {
  readonly rows = new Map<string, { createdAtMs: number; expiresAtMs: number }>();

  recordSignIn(id: string, createdAtMs: number, expiresAtMs: number): void {
    this.rows.set(id, { createdAtMs, expiresAtMs });
  }
  forgetSignIn(id: string): void {
    this.rows.delete(id);
  }
  forgetAllSignIns(): void {
    this.rows.clear();
  }
  liveSignIns(now: number): string[] {
    for (const [id, row] of this.rows) if (row.expiresAtMs <= now) this.rows.delete(id);
    return [...this.rows.keys()];
  }
  ids(): string[] {
    return [...this.rows.keys()].sort();
  }
}

function setup(hash = HASH, time = new FakeTime(), signIns = new MemorySignInStore()) {
  const check = createInstructorCheck({ adminPasswordHash: hash, clock: time, signIns });
  return { time, signIns, check };
}

function thrownBy(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('signIn', () => {
  test('returns a claim expiring ADMIN_SESSION_MS from now, with the current hash’s fingerprint and a new sign-in id', () => {
    const { time, check } = setup();
    const claim = check.signIn();
    expect(claim).toEqual({ exp: time.now() + ADMIN_SESSION_MS, fp: adminFingerprint(HASH), sid: expect.any(String) });
    expect(claim.sid.length).toBeGreaterThan(0);
    expect(claim.sid.length).toBeLessThanOrEqual(64);
  });

  test('records the sign-in in the store, with its creation and expiry times', () => {
    const { time, signIns, check } = setup();
    const claim = check.signIn();
    expect(signIns.rows.get(claim.sid)).toEqual({ createdAtMs: time.now(), expiresAtMs: claim.exp });
  });

  test('each sign-in gets its own id', () => {
    const { signIns, check } = setup();
    const first = check.signIn();
    const second = check.signIn();
    expect(first.sid).not.toBe(second.sid);
    expect(signIns.ids()).toEqual([first.sid, second.sid].sort());
  });

  test('drops expired sign-ins from the store, keeping live ones', () => {
    const { time, signIns, check } = setup();
    const old = check.signIn();
    time.advance(ADMIN_SESSION_MS / 2);
    const middle = check.signIn();
    time.advance(ADMIN_SESSION_MS / 2);
    expect(signIns.ids()).toContain(old.sid);
    const fresh = check.signIn();
    expect(signIns.ids()).toEqual([middle.sid, fresh.sid].sort());
    expect(check.isInstructor(middle)).toBe(true);
    expect(check.isInstructor(fresh)).toBe(true);
  });
});

describe('isInstructor and claimOf', () => {
  test('a signed-in claim is honoured until just before it expires, then refused', () => {
    const { time, check } = setup();
    const claim = check.signIn();
    expect(check.isInstructor(claim)).toBe(true);
    expect(check.claimOf(claim)).toEqual(claim);
    time.advance(ADMIN_SESSION_MS - 1);
    expect(check.isInstructor(claim)).toBe(true);
    time.advance(1);
    expect(check.isInstructor(claim)).toBe(false);
    expect(check.claimOf(claim)).toBeNull();
  });

  test('a copy of the claim (what a cookie carries) is honoured like the original', () => {
    const { check } = setup();
    const claim = check.signIn();
    expect(check.isInstructor(JSON.parse(JSON.stringify(claim)))).toBe(true);
  });

  test('an expired claim naming a live sign-in is refused', () => {
    const { time, check } = setup();
    const claim = check.signIn();
    expect(check.isInstructor({ ...claim, exp: time.now() - 1 })).toBe(false);
    expect(check.isInstructor({ ...claim, exp: time.now() })).toBe(false);
  });

  test('a claim made under another password (fingerprint differs) is refused', () => {
    const time = new FakeTime();
    const signIns = new MemorySignInStore();
    const before = setup(OTHER_HASH, time, signIns).check;
    const oldClaim = before.signIn();
    expect(before.isInstructor(oldClaim)).toBe(true);
    // Same store, so the sign-in itself is known: only the fingerprint refuses it.
    const after = setup(HASH, time, signIns).check;
    expect(after.isInstructor(oldClaim)).toBe(false);
    expect(after.isInstructor({ ...oldClaim, fp: adminFingerprint(HASH) })).toBe(true);
  });

  test('a well-formed claim naming a sign-in the store does not hold is refused', () => {
    const { time, check } = setup();
    const real = check.signIn();
    const madeUp = { exp: time.now() + ADMIN_SESSION_MS, fp: adminFingerprint(HASH), sid: 'made-up-sign-in' };
    expect(check.isInstructor(madeUp)).toBe(false);
    expect(check.claimOf(madeUp)).toBeNull();
    expect(check.isInstructor({ ...real, sid: `${real.sid}x` })).toBe(false);
  });

  describe('malformed values are refused', () => {
    let claim: AdminClaim;
    let check: ReturnType<typeof setup>['check'];
    beforeAll(() => {
      ({ check } = setup());
      claim = check.signIn();
    });

    test('the well-formed claim they are made from is honoured', () => {
      expect(check.isInstructor(claim)).toBe(true);
    });

    test.each<[string, (claim: AdminClaim) => unknown]>([
      ['nothing', () => undefined],
      ['null', () => null],
      ['a string', () => 'admin'],
      ['the claim as a JSON string', (c) => JSON.stringify(c)],
      ['the sign-in id alone', (c) => c.sid],
      ['an array holding the claim', (c) => [c]],
      ['a student claim', () => ({ sid: 'main', run: 1, student: 's', epoch: 0 })],
      ['missing sid', ({ exp, fp }) => ({ exp, fp })],
      ['missing exp', ({ fp, sid }) => ({ fp, sid })],
      ['missing fp', ({ exp, sid }) => ({ exp, sid })],
      ['empty sid', (c) => ({ ...c, sid: '' })],
      ['numeric sid', (c) => ({ ...c, sid: 42 })],
      ['string exp', (c) => ({ ...c, exp: String(c.exp) })],
      ['fractional exp', (c) => ({ ...c, exp: c.exp + 0.5 })],
      ['numeric fp', (c) => ({ ...c, fp: 123 })],
    ])('%s', (_label, make) => {
      expect(check.isInstructor(make(claim))).toBe(false);
      expect(check.claimOf(make(claim))).toBeNull();
    });
  });
});

describe('assertInstructor', () => {
  test('returns the claim of a signed-in cookie', () => {
    const { check } = setup();
    const claim = check.signIn();
    expect(check.assertInstructor(claim)).toEqual(claim);
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
    const claim = check.signIn();
    time.advance(ADMIN_SESSION_MS);
    expect(thrownBy(() => check.assertInstructor(claim))).toMatchObject({ status: 401, code: 'not_signed_in' });
  });

  test('throws after sign-out', () => {
    const { check } = setup();
    const claim = check.signIn();
    check.signOut(claim);
    expect(thrownBy(() => check.assertInstructor(claim))).toMatchObject({ status: 401, code: 'not_signed_in' });
  });
});

describe('signOut', () => {
  test('ends only that sign-in, in memory and in the store', () => {
    const { signIns, check } = setup();
    const mine = check.signIn();
    const other = check.signIn();
    const copy = { ...mine };
    check.signOut(mine);
    expect(check.isInstructor(mine)).toBe(false);
    expect(check.isInstructor(copy)).toBe(false);
    expect(check.isInstructor(other)).toBe(true);
    expect(signIns.ids()).toEqual([other.sid]);
  });

  test('a sign-in ended before a restart stays ended after it', () => {
    const time = new FakeTime();
    const signIns = new MemorySignInStore();
    const first = setup(HASH, time, signIns).check;
    const claim = first.signIn();
    first.signOut(claim);
    expect(setup(HASH, time, signIns).check.isInstructor(claim)).toBe(false);
  });
});

describe('signOutEverywhere', () => {
  test('ends every sign-in and empties the store; a new sign-in works afterwards', () => {
    const { signIns, check } = setup();
    const claims = [check.signIn(), check.signIn(), check.signIn()];
    check.signOutEverywhere();
    for (const claim of claims) expect(check.isInstructor(claim)).toBe(false);
    expect(signIns.ids()).toEqual([]);
    const fresh = check.signIn();
    expect(check.isInstructor(fresh)).toBe(true);
    for (const claim of claims) expect(check.isInstructor(claim)).toBe(false);
  });
});

describe('onSignOut', () => {
  test('listeners are told the sign-in id, or null for every sign-in', () => {
    const { check } = setup();
    const heardA: (string | null)[] = [];
    const heardB: (string | null)[] = [];
    check.onSignOut((id) => heardA.push(id));
    check.onSignOut((id) => heardB.push(id));
    const claim = check.signIn();
    expect(heardA).toEqual([]);
    check.signOut(claim);
    check.signOutEverywhere();
    expect(heardA).toEqual([claim.sid, null]);
    expect(heardB).toEqual([claim.sid, null]);
  });

  test('the returned function unsubscribes only that listener', () => {
    const { check } = setup();
    const heardA: (string | null)[] = [];
    const heardB: (string | null)[] = [];
    const unsubscribeA = check.onSignOut((id) => heardA.push(id));
    check.onSignOut((id) => heardB.push(id));
    unsubscribeA();
    const claim = check.signIn();
    check.signOut(claim);
    check.signOutEverywhere();
    expect(heardA).toEqual([]);
    expect(heardB).toEqual([claim.sid, null]);
  });
});

describe('restart', () => {
  test('sign-ins already in the store at creation are honoured', () => {
    const time = new FakeTime();
    const signIns = new MemorySignInStore();
    const claim = setup(HASH, time, signIns).check.signIn();
    time.advance(60_000);
    const restarted = setup(HASH, time, signIns).check;
    expect(restarted.isInstructor(claim)).toBe(true);
    restarted.signOut(claim);
    expect(restarted.isInstructor(claim)).toBe(false);
  });

  test('a row put in the store before creation by someone else is honoured', () => {
    const time = new FakeTime();
    const signIns = new MemorySignInStore();
    const exp = time.now() + 1_000;
    signIns.recordSignIn('stored-sign-in', time.now(), exp);
    const { check } = setup(HASH, time, signIns);
    expect(check.isInstructor({ exp, fp: adminFingerprint(HASH), sid: 'stored-sign-in' })).toBe(true);
  });

  test('sign-ins already expired at creation are not honoured and leave the store', () => {
    const time = new FakeTime();
    const signIns = new MemorySignInStore();
    const claim = setup(HASH, time, signIns).check.signIn();
    time.advance(ADMIN_SESSION_MS);
    const restarted = setup(HASH, time, signIns).check;
    expect(restarted.isInstructor(claim)).toBe(false);
    expect(signIns.ids()).toEqual([]);
  });
});

describe('verifyPassword', () => {
  let realHash: string;
  beforeAll(async () => {
    realHash = await Bun.password.hash('correct horse', { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 });
  });

  test('true for the right password, false for a wrong one', async () => {
    const { check } = setup(realHash);
    expect(await check.verifyPassword('correct horse')).toBe(true);
    expect(await check.verifyPassword('correct horse ')).toBe(false);
    expect(await check.verifyPassword('')).toBe(false);
  });

  test('busy when more checks are asked for than run and wait at once; free again afterwards', async () => {
    const { check } = setup(realHash);
    const total = VERIFICATIONS_AT_ONCE + VERIFICATIONS_WAITING + 1;
    const results = await Promise.all(Array.from({ length: total }, () => check.verifyPassword('wrong')));
    expect(results.filter((result) => result === 'busy')).toHaveLength(1);
    expect(results.filter((result) => result === false)).toHaveLength(total - 1);
    expect(await check.verifyPassword('correct horse')).toBe(true);
  }, 30_000);
});
