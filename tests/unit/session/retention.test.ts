/**
 * Past runs and the retention purge against an in-memory archive and a fake clock: which
 * runs a purge takes (age from the end, or the start of a run never ended; never the
 * current one), the hourly timer, and that `stop` leaves no timer behind.
 */
import { expect, test } from 'bun:test';
import { silentLogger } from '../../../src/logger';
import { DEFAULT_COURSE_SETTINGS, type CourseSettings } from '../../../src/protocol/settings';
import { createPastRuns, DAY_MS, type RunArchive, type RunListRow } from '../../../src/session/past-runs';
import { createRetention, RETENTION_CHECK_INTERVAL_MS } from '../../../src/session/retention';
import { FakeTime } from '../../helpers/fake-time';
import { makePool } from '../../helpers/test-server';

function world(rows: Array<Partial<RunListRow> & { id: number }>) {
  const time = new FakeTime(100 * DAY_MS);
  let runs: RunListRow[] = rows.map((row) => ({
    title: null,
    poolJson: JSON.stringify(makePool(3)),
    phase: 'ended',
    createdAtMs: 0,
    endedAtMs: null,
    students: 0,
    ...row,
  }));
  const deletedBatches: number[][] = [];
  const archive: RunArchive = {
    listRuns: () => runs,
    renameRun: () => {},
    deleteRuns: (ids) => {
      deletedBatches.push([...ids]);
      runs = runs.filter((run) => !ids.includes(run.id));
      return { runs: ids.length };
    },
    listRunScores: () => [],
    listStudentRunScores: () => [],
    listQuestionOpens: () => [],
  };
  const settings: CourseSettings = { ...DEFAULT_COURSE_SETTINGS };
  const currentRunId = () => Math.max(...runs.map((run) => run.id));
  const pastRuns = createPastRuns({ archive, clock: time, logger: silentLogger, currentRunId });
  const retention = createRetention({ pastRuns, scheduler: time, logger: silentLogger, settings: () => settings });
  return { time, settings, retention, pastRuns, deletedBatches, ids: () => runs.map((run) => run.id) };
}

test('a purge takes runs that ended (or, never ended, started) more than N days ago, never the current one', () => {
  const w = world([
    { id: 1, createdAtMs: 10 * DAY_MS, endedAtMs: 11 * DAY_MS }, // ended 89 days ago
    { id: 2, createdAtMs: 10 * DAY_MS, endedAtMs: 95 * DAY_MS }, // lobby long ago, ended 5 days ago
    { id: 3, createdAtMs: 20 * DAY_MS, endedAtMs: null, phase: 'review' }, // reset mid-run 80 days ago
    { id: 4, createdAtMs: 0, endedAtMs: null, phase: 'lobby' }, // current, however old
  ]);
  expect(w.retention.purgeNow('test')).toBeNull(); // off by default
  w.settings.retention_days = 30;
  expect(w.retention.purgeNow('test')).toEqual({ runIds: [1, 3], deleted: { runs: 2 } });
  expect(w.ids()).toEqual([2, 4]);
  expect(w.retention.purgeNow('test')).toEqual({ runIds: [], deleted: {} });
  expect(w.deletedBatches).toEqual([[1, 3]]);
});

test('start purges at once and then hourly while a retention is set; off or stopped, no timer is left', () => {
  const w = world([
    { id: 1, createdAtMs: 99 * DAY_MS, endedAtMs: 99 * DAY_MS + 1 },
    { id: 2, createdAtMs: 99 * DAY_MS + 2 },
  ]);
  w.retention.start();
  expect(w.time.pendingTimers).toBe(0); // off: nothing to check
  w.settings.retention_days = 1;
  w.retention.settingsChanged();
  expect(w.ids()).toEqual([1, 2]); // run 1 ended a millisecond less than a day ago
  expect(w.time.pendingTimers).toBe(1);
  w.time.advance(RETENTION_CHECK_INTERVAL_MS);
  expect(w.ids()).toEqual([2]);
  expect(w.time.pendingTimers).toBe(1);
  w.settings.retention_days = null;
  w.retention.settingsChanged();
  expect(w.time.pendingTimers).toBe(0);
  w.settings.retention_days = 5;
  w.retention.settingsChanged();
  w.retention.settingsChanged();
  expect(w.time.pendingTimers).toBe(1);
  w.retention.stop();
  expect(w.time.pendingTimers).toBe(0);
});

test('delete refuses the current run and a wrong title; rename trims', () => {
  const w = world([{ id: 1 }, { id: 2 }]);
  expect(w.pastRuns.remove(2, 'Test pool (3)')).toMatchObject({ ok: false, code: 'current_run' });
  expect(w.pastRuns.remove(1, 'test pool (3)')).toMatchObject({ ok: false, code: 'title_mismatch' });
  expect(w.pastRuns.remove(9, 'x')).toMatchObject({ ok: false, code: 'run_not_found' });
  expect(w.pastRuns.remove(1, '  Test pool (3) ')).toEqual({ ok: true, deleted: { runs: 1 } });
});
