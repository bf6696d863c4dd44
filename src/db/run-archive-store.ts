/**
 * The SQLite side of past runs (session/past-runs.ts `RunArchive`): the run list, renames,
 * scores per student per run for the gradebook, question open times, and deletion.
 *
 * Deletion finds its tables itself: every table with a `run_id` column loses the run's
 * rows, so a per-run table added later (asks, pulses…) is purged without touching this
 * file. Foreign keys are checked at commit (`defer_foreign_keys`), so the order of the
 * deletes does not matter and a dangling reference still aborts the whole transaction.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { QuestionOpenRow, RunArchive, RunListRow, RunScoreRow } from '../session/past-runs';
import type { QuizDatabase } from './open';
import { answers, questionOpens, runs, students } from './schema';

export function createRunArchiveStore(db: QuizDatabase, sid: string): RunArchive {
  const client = db.$client;
  const pointsOfRun = client.query<[string, number], [number]>('SELECT student_id, points FROM answers WHERE run_id = ?');
  const studentsOfRun = client.query<{ studentId: string; name: string; joinedAtMs: number }, [number]>(
    'SELECT student_id AS studentId, name, joined_at_ms AS joinedAtMs FROM students WHERE run_id = ? ORDER BY joined_at_ms, student_id',
  );

  function perRunTables(): string[] {
    const tables = client
      .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\'")
      .all()
      .map((row) => row.name);
    return tables.filter(
      (table) => table !== 'runs' && client.query<{ name: string }, [string]>('SELECT name FROM pragma_table_info(?)').all(table).some((column) => column.name === 'run_id'),
    );
  }

  const deleteRunsNow = client.transaction((runIds: readonly number[]) => {
    client.exec('PRAGMA defer_foreign_keys = ON');
    const deleted: Record<string, number> = {};
    const placeholders = runIds.map(() => '?').join(',');
    for (const table of [...perRunTables(), 'runs']) {
      const column = table === 'runs' ? 'id' : 'run_id';
      // Table names come from sqlite_master, never from a request; quoted all the same.
      const statement = client.prepare(`DELETE FROM "${table.replaceAll('"', '""')}" WHERE ${column} IN (${placeholders})`);
      deleted[table] = statement.run(...runIds).changes;
      statement.finalize();
    }
    return deleted;
  });

  /** Students matching `who`, each with the sum of their points (answers matching `whose`): one student's term. */
  function scoresOf(who: SQL | undefined, whose: SQL | undefined): RunScoreRow[] {
    // One grouped pass over the answers, joined once: a correlated sum per student would
    // rescan a run's answers for every student.
    const totals = db
      .select({ runId: answers.runId, studentId: answers.studentId, score: sql<number>`sum(${answers.points})`.as('score') })
      .from(answers)
      .where(whose)
      .groupBy(answers.runId, answers.studentId)
      .as('totals');
    return db
      .select({
        runId: students.runId,
        studentId: students.studentId,
        name: students.name,
        joinedAtMs: students.joinedAtMs,
        score: sql<number>`coalesce(${totals.score}, 0)`,
      })
      .from(students)
      .leftJoin(totals, and(eq(totals.runId, students.runId), eq(totals.studentId, students.studentId)))
      .where(who)
      .orderBy(asc(students.runId), asc(students.joinedAtMs))
      .all();
  }

  return {
    listRuns(): RunListRow[] {
      return db
        .select({
          id: runs.id,
          title: runs.title,
          poolJson: runs.poolJson,
          phase: runs.phase,
          createdAtMs: runs.createdAtMs,
          endedAtMs: runs.endedAtMs,
          students: sql<number>`(select count(*) from ${students} where ${students.runId} = ${runs.id})`,
        })
        .from(runs)
        .where(eq(runs.sid, sid))
        .all();
    },

    renameRun(runId: number, title: string): void {
      db.update(runs).set({ title }).where(and(eq(runs.sid, sid), eq(runs.id, runId))).run();
    },

    deleteRuns(runIds: readonly number[]): Record<string, number> {
      return runIds.length === 0 ? {} : deleteRunsNow(runIds);
    },

    listRunScores(runIds: readonly number[]): RunScoreRow[] {
      // Per run: its answers read along the primary key and summed here. SQLite's GROUP BY
      // sorted 255,000 answers in a temp B-tree and took twice as long (bench/gradebook.ts).
      const rows: RunScoreRow[] = [];
      for (const runId of runIds) {
        const totals = new Map<string, number>();
        for (const [studentId, points] of pointsOfRun.values(runId) as [string, number][]) {
          totals.set(studentId, (totals.get(studentId) ?? 0) + points);
        }
        for (const student of studentsOfRun.all(runId)) {
          rows.push({ runId, ...student, score: totals.get(student.studentId) ?? 0 });
        }
      }
      return rows;
    },

    listStudentRunScores(studentId: string): RunScoreRow[] {
      const ownRuns = db.select({ id: runs.id }).from(runs).where(eq(runs.sid, sid));
      return scoresOf(and(eq(students.studentId, studentId), inArray(students.runId, ownRuns)), eq(answers.studentId, studentId));
    },

    listQuestionOpens(runId: number): QuestionOpenRow[] {
      return db
        .select({ questionIdx: questionOpens.questionIdx, round: questionOpens.round, openedAtMs: questionOpens.openedAtMs })
        .from(questionOpens)
        .where(eq(questionOpens.runId, runId))
        .all();
    },
  };
}
