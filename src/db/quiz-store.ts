/**
 * Every query the quiz makes, behind named functions: the SQLite implementation of the
 * session's `SessionStore` port (session/ports.ts). The answer batch and the join batch are each one synchronous
 * transaction over prepared statements (transactions on bun:sqlite must stay synchronous: no await inside).
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Round } from '../protocol/constants';
import type { SessionState } from '../session/machine';
import type { AnswerRow, ClassListRow, JoinWrite, RunRecord, SessionStore, StudentRow } from '../session/ports';
import { createBackChannelStore } from './back-channel-store';
import type { QuizDatabase } from './open';
import { answers, classList, runs, settings, students } from './schema';

export function createQuizStore(db: QuizDatabase, sid: string): SessionStore {
  // The one hot statement runs on bun:sqlite directly: through Drizzle's prepared query a
  // 10,000-answer batch took ~65 ms, this way ~20 ms (bench notes in SPEC.md). The table
  // and its primary key still come from the Drizzle schema and its migrations.
  const insertAnswer = db.$client.prepare<unknown, [number, number, number, string, string, number, number]>(
    'INSERT INTO answers (run_id, question_idx, round, student_id, choice, points, received_at_ms) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const commitAnswers = db.$client.transaction((runId: number, batch: readonly AnswerRow[]) =>
    batch.map(
      (answer) =>
        insertAnswer.run(runId, answer.questionIdx, answer.round, answer.studentId, answer.choice, answer.points, answer.receivedAtMs)
          .changes === 1,
    ),
  );

  const insertStudent = db.$client.prepare<unknown, [number, string, string, number, number, number]>(
    'INSERT INTO students (run_id, student_id, name, epoch, released, joined_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const reclaimStudent = db.$client.prepare<unknown, [string, number, string]>(
    'UPDATE students SET name = ?, released = 0 WHERE run_id = ? AND student_id = ?',
  );
  const commitJoinBatch = db.$client.transaction((runId: number, batch: readonly JoinWrite[]) =>
    batch.map((join) =>
      join.kind === 'new'
        ? insertStudent.run(runId, join.studentId, join.row.name, join.row.epoch, join.row.released ? 1 : 0, join.row.joinedAtMs)
            .changes === 1
        : reclaimStudent.run(join.name, runId, join.studentId).changes === 1,
    ),
  );
  // Removal and the class list write many rows at once: one transaction each. A removal is
  // one pass over the run's answers (the ids as a JSON array), not one scan per student.
  const deleteAnswersOf = db.$client.prepare<unknown, [number, string]>(
    'DELETE FROM answers WHERE run_id = ? AND student_id IN (SELECT value FROM json_each(?))',
  );
  const deleteStudents = db.$client.prepare<unknown, [number, string]>(
    'DELETE FROM students WHERE run_id = ? AND student_id IN (SELECT value FROM json_each(?))',
  );
  const removeStudents = db.$client.transaction((runId: number, studentIds: readonly string[]) => {
    const ids = JSON.stringify(studentIds);
    deleteAnswersOf.run(runId, ids);
    deleteStudents.run(runId, ids);
  });
  const insertClassListRow = db.$client.prepare<unknown, [string, string, number]>(
    'INSERT INTO class_list (student_id, name, position) VALUES (?, ?, ?)',
  );
  const replaceClassList = db.$client.transaction((rows: readonly ClassListRow[]) => {
    db.delete(classList).run();
    for (const row of rows) insertClassListRow.run(row.studentId, row.name, row.position);
  });

  function toRunRecord(row: typeof runs.$inferSelect): RunRecord {
    return { id: row.id, poolJson: row.poolJson, state: stateFromRow(row) };
  }

  return {
    ...createBackChannelStore(db),

    readSetting(key: string): string | null {
      return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value ?? null;
    },

    writeSetting(key: string, value: string): void {
      db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
    },

    loadCurrentRun(): RunRecord | null {
      const row = db.select().from(runs).where(eq(runs.sid, sid)).orderBy(desc(runs.id)).limit(1).get();
      return row ? toRunRecord(row) : null;
    },

    loadRun(runId: number): RunRecord | null {
      const row = db.select().from(runs).where(and(eq(runs.sid, sid), eq(runs.id, runId))).get();
      return row ? toRunRecord(row) : null;
    },

    createRun(poolJson: string, now: number): number {
      const row = db
        .insert(runs)
        .values({ sid, poolJson, phase: 'lobby', createdAtMs: now })
        .returning({ id: runs.id })
        .get();
      return row.id;
    },

    saveRunState(runId: number, state: SessionState, now: number): void {
      db.update(runs).set(stateToColumns(state, now)).where(eq(runs.id, runId)).run();
    },

    replaceRunPool(runId: number, poolJson: string): void {
      db.update(runs).set({ poolJson }).where(eq(runs.id, runId)).run();
    },

    listStudents(runId: number): StudentRow[] {
      return db
        .select({
          studentId: students.studentId,
          name: students.name,
          epoch: students.epoch,
          released: students.released,
          joinedAtMs: students.joinedAtMs,
        })
        .from(students)
        .where(eq(students.runId, runId))
        .orderBy(asc(students.joinedAtMs), asc(students.studentId))
        .all();
    },

    /** New ids insert (the primary key refuses one storage already has); a reclaim keeps the row and its answers. */
    commitJoins(runId: number, batch: readonly JoinWrite[]): boolean[] {
      return commitJoinBatch(runId, batch);
    },

    releaseStudent(runId: number, studentId: string, epoch: number): void {
      db.update(students)
        .set({ epoch, released: true })
        .where(and(eq(students.runId, runId), eq(students.studentId, studentId)))
        .run();
    },

    removeStudents(runId: number, studentIds: readonly string[]): void {
      removeStudents(runId, studentIds);
    },

    listClassList(): ClassListRow[] {
      return db
        .select({ studentId: classList.studentId, name: classList.name, position: classList.position })
        .from(classList)
        .orderBy(asc(classList.position), asc(classList.studentId))
        .all()
        .map((row) => ({ ...row, position: row.position ?? 0 }));
    },

    replaceClassList(rows: readonly ClassListRow[]): void {
      replaceClassList(rows);
    },

    listAnswers(runId: number): AnswerRow[] {
      return db
        .select({
          questionIdx: answers.questionIdx,
          round: answers.round,
          studentId: answers.studentId,
          choice: answers.choice,
          points: answers.points,
          receivedAtMs: answers.receivedAtMs,
        })
        .from(answers)
        .where(eq(answers.runId, runId))
        .all()
        .map((row) => ({ ...row, round: asRound(row.round) }));
    },

    /** The primary key refuses a second answer even if memory were wrong. */
    insertAnswers(runId: number, batch: readonly AnswerRow[]): boolean[] {
      return commitAnswers(runId, batch);
    },

    backupTo(path: string): void {
      db.$client.query('VACUUM INTO ?').run(path);
    },
  };
}

const asRound = (value: number): Round => (value === 2 ? 2 : 1);

function stateFromRow(row: typeof runs.$inferSelect): SessionState {
  switch (row.phase) {
    case 'lobby':
      return { phase: 'lobby' };
    case 'question':
      return {
        phase: 'question',
        index: row.questionIdx!,
        round: asRound(row.round),
        openedAt: row.openedAtMs!,
        deadline: row.deadlineMs!,
      };
    case 'review':
      return { phase: 'review', index: row.questionIdx!, round: asRound(row.round) };
    case 'ended':
      return { phase: 'ended', lastIndex: row.questionIdx };
  }
}

function stateToColumns(state: SessionState, now: number) {
  switch (state.phase) {
    case 'lobby':
      return { phase: state.phase, questionIdx: null, round: 1, openedAtMs: null, deadlineMs: null, endedAtMs: null };
    case 'question':
      return {
        phase: state.phase,
        questionIdx: state.index,
        round: state.round,
        openedAtMs: state.openedAt,
        deadlineMs: state.deadline,
        endedAtMs: null,
      };
    case 'review':
      return { phase: state.phase, questionIdx: state.index, round: state.round, deadlineMs: null };
    case 'ended':
      return { phase: state.phase, questionIdx: state.lastIndex, deadlineMs: null, endedAtMs: now };
  }
}
