import { describe, expect, test } from 'bun:test';
import { createLogger, type Logger } from '../../../src/logger';
import { JoinBatch } from '../../../src/session/join-batch';
import type { JoinWrite, SessionStore } from '../../../src/session/ports';
import { Run } from '../../../src/session/run';
import { makePool } from '../../helpers/test-server';

const RUN_ID = 9;

/** A store that only knows commitJoins; any other call is a test failure. */
function joinStore(commitJoins: (runId: number, batch: readonly JoinWrite[]) => boolean[]): SessionStore {
  return new Proxy({ commitJoins, listStudents: () => [], listAnswers: () => [] } as unknown as SessionStore, {
    get(target, property) {
      if (property in target) return target[property as keyof SessionStore];
      throw new Error(`unexpected store call: ${String(property)}`);
    },
  });
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger: Logger = createLogger('debug', (line) => void lines.push(JSON.parse(line)));
  return { logger, lines };
}

const newJoin = (studentId: string): JoinWrite => ({
  kind: 'new',
  studentId,
  row: { studentId, name: `Name ${studentId}`, epoch: 0, released: false, joinedAtMs: 1 },
});

function freshRun(store: SessionStore) {
  return Run.load({ id: RUN_ID, poolJson: JSON.stringify(makePool(1)), state: { phase: 'lobby' } }, store);
}

describe('JoinBatch', () => {
  test('the first join starts a batch; queued ids are reserved until the commit', async () => {
    const store = joinStore((_runId, batch) => batch.map(() => true));
    const batch = new JoinBatch(store, capturingLogger().logger, () => {});
    const run = freshRun(store);
    const ann = batch.add(newJoin('ann'));
    const bob = batch.add(newJoin('bob'));
    expect([ann.startsBatch, bob.startsBatch]).toEqual([true, false]);
    expect(batch.isPending('ann')).toBe(true);
    expect(run.roster.size).toBe(0);
    expect(batch.commit(run)).toBe(2);
    expect(batch.isPending('ann')).toBe(false);
    expect((await ann.settled).ok).toBe(true);
    expect(run.roster.get('bob')?.name).toBe('Name bob');
    expect(batch.commit(run)).toBe(0);
  });

  test('an id storage already had is refused as taken and never enters the roster, the rest of the batch joins', async () => {
    const store = joinStore((_runId, batch) => batch.map((join) => join.studentId !== 'ghost'));
    let rosterChanges = 0;
    const batch = new JoinBatch(store, capturingLogger().logger, () => void (rosterChanges += 1));
    const run = freshRun(store);
    const ghost = batch.add(newJoin('ghost'));
    const ann = batch.add(newJoin('ann'));
    expect(batch.commit(run)).toBe(1);
    expect(await ghost.settled).toEqual({ ok: false, code: 'student_id_taken', message: expect.any(String) });
    expect((await ann.settled).ok).toBe(true);
    expect(run.roster.get('ghost')).toBeUndefined();
    expect(rosterChanges).toBe(1);
  });

  test('a throwing store settles every join with storage_error, logs once and frees the ids', async () => {
    const store = joinStore(() => {
      throw new Error('SQLITE_FULL: database or disk is full');
    });
    const { logger, lines } = capturingLogger();
    let rosterChanges = 0;
    const batch = new JoinBatch(store, logger, () => void (rosterChanges += 1));
    const run = freshRun(store);
    const joins = [batch.add(newJoin('ann')), batch.add(newJoin('bob'))];
    expect(batch.commit(run)).toBe(0);
    for (const join of joins) expect(await join.settled).toEqual({ ok: false, code: 'storage_error', message: expect.any(String) });
    expect(batch.isPending('ann')).toBe(false);
    expect(run.roster.size).toBe(0);
    expect(rosterChanges).toBe(0);
    expect(lines.filter((line) => line.msg === 'join_commit_failed')).toEqual([
      expect.objectContaining({ run_id: RUN_ID, joins: 2, error: expect.stringContaining('SQLITE_FULL') }),
    ]);
  });
});
