/**
 * Past runs as the instructor manages them: the list, a rename, a delete guarded by the
 * title typed again, and the purge of runs older than the retention setting. The run the
 * session is playing is never deleted or purged. Storage comes through `RunArchive`.
 */
import type { Logger } from '../logger';
import type { PhaseName } from '../protocol/constants';
import type { Pool } from '../protocol/pool';
import type { RunSummary } from '../protocol/runs';
import { readStoredPool } from '../pool/pool';
import { refuse, type Outcome } from './outcome';
import type { Clock } from './ports';
import { MAX_POINTS } from './scoring';

export interface RunListRow {
  id: number;
  /** The instructor's name for the run, or null for the pool's title. */
  title: string | null;
  poolJson: string;
  phase: PhaseName;
  createdAtMs: number;
  endedAtMs: number | null;
  students: number;
}

/** A student's total in one run (0 when they joined and scored nothing). */
export interface RunScoreRow {
  runId: number;
  studentId: string;
  name: string;
  joinedAtMs: number;
  score: number;
}

export interface QuestionOpenRow {
  questionIdx: number;
  round: number;
  openedAtMs: number;
}

/** What past runs need from storage (db/run-archive-store.ts). */
export interface RunArchive {
  listRuns(): RunListRow[];
  renameRun(runId: number, title: string): void;
  /**
   * Deletes the runs and every row of every table that names them by `run_id`, in one
   * transaction; returns the rows deleted per table.
   */
  deleteRuns(runIds: readonly number[]): Record<string, number>;
  /** One row per student per run, for the given runs. */
  listRunScores(runIds: readonly number[]): RunScoreRow[];
  /** One row per run the student joined. */
  listStudentRunScores(studentId: string): RunScoreRow[];
  listQuestionOpens(runId: number): QuestionOpenRow[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** 1000 for every question that can score: a poll scores nothing. */
export function pointsPossibleOf(pool: Pool): number {
  return pool.questions.filter((question) => question.type !== 'poll').length * MAX_POINTS;
}

export interface PastRunsDeps {
  archive: RunArchive;
  clock: Clock;
  logger: Logger;
  /** The run the session is playing now. */
  currentRunId: () => number;
}

export interface PurgeReport {
  runIds: number[];
  deleted: Record<string, number>;
}

export type PastRuns = ReturnType<typeof createPastRuns>;

export function createPastRuns(deps: PastRunsDeps) {
  const { archive, logger } = deps;

  function summaryOf(row: RunListRow, currentRunId: number): RunSummary {
    const pool = readStoredPool(row.poolJson);
    return {
      run_id: row.id,
      title: row.title ?? pool.title,
      started_at: new Date(row.createdAtMs).toISOString(),
      ended_at: row.endedAtMs === null ? null : new Date(row.endedAtMs).toISOString(),
      students: row.students,
      questions: pool.questions.length,
      points_possible: pointsPossibleOf(pool),
      phase: row.phase,
      current: row.id === currentRunId,
    };
  }

  /** Every run, newest first. */
  function list(): RunSummary[] {
    const currentRunId = deps.currentRunId();
    return archive
      .listRuns()
      .sort((a, b) => b.id - a.id)
      .map((row) => summaryOf(row, currentRunId));
  }

  function find(runId: number): RunSummary | undefined {
    return list().find((run) => run.run_id === runId);
  }

  function rename(runId: number, title: string): Outcome<{ run: RunSummary }> {
    if (!find(runId)) return refuse('run_not_found', `there is no run ${runId}`);
    archive.renameRun(runId, title.trim());
    logger.info('run_renamed', { run_id: runId });
    return { ok: true, run: find(runId)! };
  }

  /**
   * Deletes a past run with everything recorded in it. The confirmation must equal the
   * title (surrounding spaces ignored), so a slip of the mouse deletes nothing.
   */
  function remove(runId: number, confirmTitle: string): Outcome<{ deleted: Record<string, number> }> {
    const run = find(runId);
    if (!run) return refuse('run_not_found', `there is no run ${runId}`);
    if (run.current) return refuse('current_run', 'this is the run being played; start a new run (reset) before deleting it');
    if (confirmTitle.trim() !== run.title.trim()) {
      return refuse('title_mismatch', 'type the run’s title exactly to delete it; nothing was deleted');
    }
    const deleted = archive.deleteRuns([runId]);
    logger.info('run_deleted', { run_id: runId, deleted });
    return { ok: true, deleted };
  }

  /**
   * Purges every run but the current one that ended more than `days` days ago (a run
   * reset before its end: that started so long ago); logs what went.
   */
  function purgeOlderThan(days: number, reason: string): PurgeReport {
    const cutoff = deps.clock.now() - days * DAY_MS;
    const currentRunId = deps.currentRunId();
    const runIds = archive
      .listRuns()
      .filter((row) => row.id !== currentRunId && (row.endedAtMs ?? row.createdAtMs) < cutoff)
      .map((row) => row.id)
      .sort((a, b) => a - b);
    if (runIds.length === 0) return { runIds, deleted: {} };
    const deleted = archive.deleteRuns(runIds);
    logger.info('runs_purged', { reason, retention_days: days, run_ids: runIds, deleted });
    return { runIds, deleted };
  }

  return { list, find, rename, remove, purgeOlderThan };
}
