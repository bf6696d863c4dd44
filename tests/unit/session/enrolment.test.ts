import { describe, expect, test } from 'bun:test';
import { silentLogger } from '../../../src/logger';
import { CLOSE_CODES } from '../../../src/protocol/constants';
import { Broadcaster } from '../../../src/session/broadcaster';
import { joinRun, releaseFromRun, type EnrolmentDeps } from '../../../src/session/enrolment';
import { JoinBatch } from '../../../src/session/join-batch';
import type { JoinWrite, SessionStore } from '../../../src/session/ports';
import { Run } from '../../../src/session/run';
import { FakePublisher, FakeSocket } from '../../helpers/fake-socket';
import { makePool } from '../../helpers/test-server';

const RUN_ID = 3;
const NOW = 1_700_000_123_000;

type StoreCall =
  | { call: 'commitJoins'; runId: number; batch: JoinWrite[]; rosterSizeThen: number; releasedThen: (boolean | undefined)[] }
  | { call: 'releaseStudent'; runId: number; studentId: string; epoch: number; epochThen: number | undefined; releasedThen: boolean | undefined };

/**
 * A store for the enrolment writes (the join batch and release). Each call records what memory looked like when
 * it was made, so a test can tell that storage was written before memory changed.
 */
function world() {
  const calls: StoreCall[] = [];
  let run: Run;
  let failing = false;
  const fail = () => {
    if (failing) throw new Error('SQLITE_READONLY');
  };
  const writes = {
    listStudents: () => [],
    listAnswers: () => [],
    commitJoins(runId: number, batch: readonly JoinWrite[]) {
      const releasedThen = batch.map((join) => run.roster.get(join.studentId)?.released);
      calls.push({ call: 'commitJoins', runId, batch: structuredClone([...batch]), rosterSizeThen: run.roster.size, releasedThen });
      fail();
      return batch.map(() => true);
    },
    releaseStudent(runId: number, studentId: string, epoch: number) {
      const entry = run.roster.get(studentId);
      calls.push({ call: 'releaseStudent', runId, studentId, epoch, epochThen: entry?.epoch, releasedThen: entry?.released });
      fail();
    },
  };
  const store = new Proxy(writes as unknown as SessionStore, {
    get(target, property) {
      if (property in target) return target[property as keyof typeof target];
      throw new Error(`unexpected store call: ${String(property)}`);
    },
  });
  run = Run.load({ id: RUN_ID, poolJson: JSON.stringify(makePool(2)), state: { phase: 'lobby' } }, store);
  const broadcaster = new Broadcaster(new FakePublisher());
  let rosterChanges = 0;
  const joins = new JoinBatch(store, silentLogger, () => void (rosterChanges += 1));
  const deps: EnrolmentDeps = {
    store,
    clock: { now: () => NOW },
    logger: silentLogger,
    broadcaster,
    joins,
    commitJoinsSoon: () => setImmediate(() => joins.commit(run)),
  };
  return {
    run,
    deps,
    calls,
    rosterChanges: () => rosterChanges,
    /** From now on every write throws (after recording the call). */
    failWrites: () => void (failing = true),
  };
}

async function joined(pending: ReturnType<typeof joinRun>) {
  const result = await pending;
  if (!result.ok) throw new Error(`join refused: ${result.code}`);
  return result;
}

describe('joinRun', () => {
  test('a new id is committed first, then added to the roster with a random first epoch and the clock’s time', async () => {
    const { run, deps, calls, rosterChanges } = world();
    const pending = joinRun(run, deps, 'ann', 'Ann', null);
    // Queued, not yet in memory: nothing reads a student storage does not have.
    expect(run.roster.size).toBe(0);
    const result = await joined(pending);
    // Random, so a cookie of a removed earlier holder of the id cannot match the new holder's.
    expect(Number.isSafeInteger(result.entry.epoch) && result.entry.epoch >= 0).toBe(true);
    const row = { studentId: 'ann', name: 'Ann', epoch: result.entry.epoch, released: false, joinedAtMs: NOW };
    expect(calls).toEqual([
      { call: 'commitJoins', runId: RUN_ID, batch: [{ kind: 'new', studentId: 'ann', row }], rosterSizeThen: 0, releasedThen: [undefined] },
    ]);
    expect((await joined(joinRun(run, deps, 'bob', 'Bob', null))).entry.epoch).not.toBe(row.epoch);
    expect(result.entry).toMatchObject({ ...row, score: 0 });
    expect(run.roster.get('ann')).toBe(result.entry);
    expect(result.claim).toEqual({ sid: 'main', run: RUN_ID, student: 'ann', epoch: row.epoch });
    expect(run.roster.authenticate(result.claim)).toBe(result.entry);
    expect(rosterChanges()).toBe(2);
  });

  test('joins in one turn are one commit; a second first join of the same id is taken', async () => {
    const { run, deps, calls, rosterChanges } = world();
    const results = await Promise.all([
      joinRun(run, deps, 'ann', 'Ann', null),
      joinRun(run, deps, 'bob', 'Bob', null),
      joinRun(run, deps, 'ann', 'Impostor', null),
    ]);
    expect(results.map((result) => (result.ok ? 'ok' : result.code))).toEqual(['ok', 'ok', 'student_id_taken']);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call: 'commitJoins', batch: [{ studentId: 'ann' }, { studentId: 'bob' }] });
    expect(run.roster.get('ann')?.name).toBe('Ann');
    expect(rosterChanges()).toBe(1);
  });

  test('a failed commit leaves the roster unchanged, announces nothing, frees the id and says storage_error', async () => {
    const { run, deps, rosterChanges, failWrites } = world();
    failWrites();
    expect(await joinRun(run, deps, 'ann', 'Ann', null)).toEqual({ ok: false, code: 'storage_error', message: expect.any(String) });
    expect(run.roster.size).toBe(0);
    expect(rosterChanges()).toBe(0);
    expect(deps.joins.isPending('ann')).toBe(false);
  });

  test('the same student with their cookie gets the same entry back, without a write', async () => {
    const { run, deps, calls, rosterChanges } = world();
    const first = await joined(joinRun(run, deps, 'ann', 'Ann', null));
    const again = await joined(joinRun(run, deps, 'ann', 'Another Name', first.claim));
    expect(again.entry).toBe(first.entry);
    expect(again.claim).toEqual(first.claim);
    expect(again.entry.name).toBe('Ann');
    expect(calls).toHaveLength(1);
    expect(rosterChanges()).toBe(1);
  });

  test('a taken id without its cookie is refused with student_id_taken', async () => {
    const { run, deps, calls } = world();
    await joined(joinRun(run, deps, 'ann', 'Ann', null));
    const result = await joinRun(run, deps, 'ann', 'Impostor', null);
    expect(result).toEqual({ ok: false, code: 'student_id_taken', message: expect.any(String) });
    expect(run.roster.get('ann')?.name).toBe('Ann');
    expect(calls).toHaveLength(1);
  });

  test('a taken id with another student’s cookie is refused', async () => {
    const { run, deps } = world();
    await joined(joinRun(run, deps, 'ann', 'Ann', null));
    const bob = await joined(joinRun(run, deps, 'bob', 'Bob', null));
    expect(await joinRun(run, deps, 'ann', 'Bob', bob.claim)).toMatchObject({ ok: false, code: 'student_id_taken' });
  });

  test('a released id is reclaimed: committed first, score kept, new name, current epoch, old cookie dead', async () => {
    const { run, deps, calls, rosterChanges } = world();
    const first = await joined(joinRun(run, deps, 'ann', 'Ann', null));
    first.entry.score = 1500;
    expect(releaseFromRun(run, deps, 'ann')).toEqual({ ok: true });

    const again = await joined(joinRun(run, deps, 'ann', 'Ann B', null));
    expect(calls.at(-1)).toEqual({
      call: 'commitJoins',
      runId: RUN_ID,
      batch: [{ kind: 'reclaim', studentId: 'ann', name: 'Ann B' }],
      rosterSizeThen: 1,
      releasedThen: [true],
    });
    expect(again.entry).toBe(first.entry);
    expect(again.entry).toMatchObject({ name: 'Ann B', released: false, score: 1500, epoch: first.claim.epoch + 1 });
    expect(again.claim.epoch).toBe(first.claim.epoch + 1);
    expect(run.roster.authenticate(again.claim)).toBe(again.entry);
    expect(run.roster.authenticate(first.claim)).toBeNull();
    expect(run.roster.size).toBe(1);
    expect(rosterChanges()).toBe(2);
  });

  test('a reclaim whose commit fails leaves the id released', async () => {
    const { run, deps, failWrites, rosterChanges } = world();
    await joined(joinRun(run, deps, 'ann', 'Ann', null));
    releaseFromRun(run, deps, 'ann');
    failWrites();
    expect(await joinRun(run, deps, 'ann', 'Ann B', null)).toMatchObject({ ok: false, code: 'storage_error' });
    expect(rosterChanges()).toBe(1);
    expect(run.roster.get('ann')).toMatchObject({ name: 'Ann', released: true });
  });
});

describe('releaseFromRun', () => {
  test('an unknown id is student_not_found and writes nothing', () => {
    const { run, deps, calls } = world();
    expect(releaseFromRun(run, deps, 'nobody')).toEqual({ ok: false, code: 'student_not_found', message: expect.any(String) });
    expect(calls).toEqual([]);
  });

  test('stores the bumped epoch before memory changes, then marks released and closes every socket with 4401', async () => {
    const { run, deps, calls } = world();
    const ann = await joined(joinRun(run, deps, 'ann', 'Ann', null));
    const bob = await joined(joinRun(run, deps, 'bob', 'Bob', null));
    const phone = new FakeSocket();
    const laptop = new FakeSocket();
    const bobSocket = new FakeSocket();
    ann.entry.sockets.add(phone).add(laptop);
    bob.entry.sockets.add(bobSocket);

    expect(releaseFromRun(run, deps, 'ann')).toEqual({ ok: true });

    expect(calls.at(-1)).toEqual({ call: 'releaseStudent', runId: RUN_ID, studentId: 'ann', epoch: ann.claim.epoch + 1, epochThen: ann.claim.epoch, releasedThen: false });
    expect(ann.entry).toMatchObject({ epoch: ann.claim.epoch + 1, released: true });
    expect(phone.closes.map((close) => close.code)).toEqual([CLOSE_CODES.UNAUTHORIZED]);
    expect(laptop.closes.map((close) => close.code)).toEqual([4401]);
    expect(ann.entry.sockets.size).toBe(0);
    expect(bobSocket.closes).toEqual([]);
    expect(run.roster.authenticate(ann.claim)).toBeNull();
    expect(run.roster.authenticate(bob.claim)).toBe(bob.entry);
  });

  test('each release bumps the epoch again', async () => {
    const { run, deps } = world();
    const ann = await joined(joinRun(run, deps, 'ann', 'Ann', null));
    releaseFromRun(run, deps, 'ann');
    await joined(joinRun(run, deps, 'ann', 'Ann', null));
    releaseFromRun(run, deps, 'ann');
    expect(ann.entry.epoch).toBe(ann.claim.epoch + 2);
  });

  test('a release whose write fails changes nothing and closes nothing', async () => {
    const { run, deps, failWrites } = world();
    const ann = await joined(joinRun(run, deps, 'ann', 'Ann', null));
    const socket = new FakeSocket();
    ann.entry.sockets.add(socket);
    failWrites();
    expect(() => releaseFromRun(run, deps, 'ann')).toThrow('SQLITE_READONLY');
    expect(ann.entry).toMatchObject({ epoch: ann.claim.epoch, released: false });
    expect(socket.closes).toEqual([]);
    expect(run.roster.authenticate(ann.claim)).toBe(ann.entry);
  });
});
