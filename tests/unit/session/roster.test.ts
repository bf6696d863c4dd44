import { describe, expect, test } from 'bun:test';
import { Roster, studentIdForClaim, studentIdFromClaim, type StudentIdentityClaim } from '../../../src/session/roster';
import { FakeSocket } from '../../helpers/fake-socket';

const SID = 'main';
const RUN = 7;

function rosterWithAnn() {
  const roster = new Roster(SID, RUN);
  const ann = roster.add({ studentId: 'ann', name: 'Ann', epoch: 2, released: false, joinedAtMs: 100 });
  return { roster, ann };
}

const annClaim: StudentIdentityClaim = { sid: SID, run: RUN, student: 'ann', epoch: 2 };

describe('Roster.add', () => {
  test('starts a score at 0 with no sockets, unless a score is given', () => {
    const roster = new Roster(SID, RUN);
    const fresh = roster.add({ studentId: 'a', name: 'A', epoch: 0, released: false, joinedAtMs: 1 });
    const loaded = roster.add({ studentId: 'b', name: 'B', epoch: 0, released: false, joinedAtMs: 2, score: 750 });
    expect(fresh.score).toBe(0);
    expect(fresh.sockets.size).toBe(0);
    expect(loaded.score).toBe(750);
    expect(roster.size).toBe(2);
    expect(roster.get('a')).toBe(fresh);
    expect(roster.get('b')).toBe(loaded);
    expect(roster.get('c')).toBeUndefined();
  });

  test('each entry gets its own socket set', () => {
    const roster = new Roster(SID, RUN);
    const a = roster.add({ studentId: 'a', name: 'A', epoch: 0, released: false, joinedAtMs: 1 });
    const b = roster.add({ studentId: 'b', name: 'B', epoch: 0, released: false, joinedAtMs: 2 });
    a.sockets.add(new FakeSocket());
    expect(b.sockets.size).toBe(0);
  });
});

describe('Roster.authenticate', () => {
  test('honours a claim with the same sid, run, student and epoch', () => {
    const { roster, ann } = rosterWithAnn();
    expect(roster.authenticate(annClaim)).toBe(ann);
  });

  test.each([
    ['no claim', null],
    ['another session id', { ...annClaim, sid: 'other' }],
    ['another run', { ...annClaim, run: RUN - 1 }],
    ['an older epoch', { ...annClaim, epoch: 1 }],
    ['a newer epoch', { ...annClaim, epoch: 3 }],
    ['an unknown student', { ...annClaim, student: 'bob' }],
  ] as [string, StudentIdentityClaim | null][])('refuses %s', (_label, claim) => {
    const { roster } = rosterWithAnn();
    expect(roster.authenticate(claim)).toBeNull();
  });

  test('refuses a released student even with the current epoch', () => {
    const { roster, ann } = rosterWithAnn();
    ann.released = true;
    expect(roster.authenticate(annClaim)).toBeNull();
  });
});

describe('Roster.decideJoin', () => {
  test('an unknown id is new', () => {
    const { roster } = rosterWithAnn();
    expect(roster.decideJoin('bob', null)).toEqual({ kind: 'new' });
  });

  test('a known id with its own live cookie is the same student', () => {
    const { roster, ann } = rosterWithAnn();
    const decision = roster.decideJoin('ann', annClaim);
    expect(decision).toEqual({ kind: 'same', entry: ann });
    if (decision.kind === 'same') expect(decision.entry).toBe(ann);
  });

  test('a known id without a cookie is taken', () => {
    const { roster } = rosterWithAnn();
    expect(roster.decideJoin('ann', null)).toEqual({ kind: 'taken' });
  });

  test('a known id with a stale cookie (old epoch) is taken', () => {
    const { roster } = rosterWithAnn();
    expect(roster.decideJoin('ann', { ...annClaim, epoch: 1 })).toEqual({ kind: 'taken' });
  });

  test('a cookie for another student does not open this id', () => {
    const { roster } = rosterWithAnn();
    const bob = roster.add({ studentId: 'bob', name: 'Bob', epoch: 0, released: false, joinedAtMs: 200 });
    const bobClaim = roster.claimFor(bob);
    expect(roster.decideJoin('ann', bobClaim)).toEqual({ kind: 'taken' });
  });

  test('a released id is reclaimable by anyone', () => {
    const { roster, ann } = rosterWithAnn();
    ann.released = true;
    const decision = roster.decideJoin('ann', null);
    expect(decision.kind).toBe('reclaim');
    if (decision.kind === 'reclaim') expect(decision.entry).toBe(ann);
    // Even the old cookie reclaims rather than being "same": it was revoked.
    expect(roster.decideJoin('ann', annClaim).kind).toBe('reclaim');
  });
});

describe('Roster.claimFor', () => {
  test('names the roster’s sid and run and the entry’s id and current epoch', () => {
    const { roster, ann } = rosterWithAnn();
    expect(roster.claimFor(ann)).toEqual({ sid: SID, run: RUN, student: 'ann', epoch: 2 });
    ann.epoch = 3;
    const claim = roster.claimFor(ann);
    expect(claim.epoch).toBe(3);
    expect(roster.authenticate(claim)).toBe(ann);
  });
});

describe('Roster.list', () => {
  test('is join (insertion) order, not id or time order', () => {
    const roster = new Roster(SID, RUN);
    roster.add({ studentId: 'zed', name: 'Zed', epoch: 0, released: false, joinedAtMs: 300 });
    roster.add({ studentId: 'amy', name: 'Amy', epoch: 0, released: false, joinedAtMs: 100 });
    roster.add({ studentId: 'max', name: 'Max', epoch: 0, released: false, joinedAtMs: 200 });
    expect(roster.list().map((entry) => entry.studentId)).toEqual(['zed', 'amy', 'max']);
    expect([...roster.entries()].map((entry) => entry.studentId)).toEqual(['zed', 'amy', 'max']);
  });

  test('is a copy: changing it does not change the roster', () => {
    const { roster } = rosterWithAnn();
    roster.list().pop();
    expect(roster.size).toBe(1);
  });
});

describe('ids in claims', () => {
  test('an id with "%" (or that looks encoded) travels base64url-encoded and comes back whole', () => {
    for (const id of ['%2e', '%', 'a%b', '~b64~JTJl', 'é%']) {
      const carried = studentIdForClaim(id);
      expect(carried).not.toContain('%');
      expect(studentIdFromClaim(carried)).toBe(id);
    }
  });

  test('any other id travels as itself, so earlier cookies stay valid', () => {
    for (const id of ['s1', '..', 'a/b', 'x+y', 'Ａ']) expect(studentIdForClaim(id)).toBe(id);
  });

  test('a roster honours the claim of a "%" id it issued', () => {
    const roster = new Roster('main', 1);
    const entry = roster.add({ studentId: '%2e', name: 'P', epoch: 0, released: false, joinedAtMs: 1 });
    expect(roster.authenticate(roster.claimFor(entry))).toBe(entry);
  });
});
