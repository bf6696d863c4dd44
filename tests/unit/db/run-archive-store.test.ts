/**
 * Deleting runs finds every table with a `run_id` column by itself: a per-run table added
 * by a later feature (here a made-up `later_rows` table with a foreign key to runs) is purged
 * too, in the same transaction, and other runs' rows stay.
 */
import { afterEach, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../../src/db/open';
import { createQuizStore } from '../../../src/db/quiz-store';
import { createRunArchiveStore } from '../../../src/db/run-archive-store';
import { makePool } from '../../helpers/test-server';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openTemp() {
  const dir = mkdtempSync(join(tmpdir(), 'run-archive-'));
  dirs.push(dir);
  const db = openDb(join(dir, 'quiz.db'));
  return { db, store: createQuizStore(db, 'main'), archive: createRunArchiveStore(db, 'main') };
}

test('a later per-run table is purged with the run; other runs keep their rows', () => {
  const { db, store, archive } = openTemp();
  db.$client.exec('CREATE TABLE later_rows (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), text TEXT NOT NULL)');
  const first = store.createRun(JSON.stringify(makePool(1)), 1);
  const second = store.createRun(JSON.stringify(makePool(1)), 2);
  for (const runId of [first, second]) {
    store.commitJoins(runId, [{ kind: 'new', studentId: 'a', row: { studentId: 'a', name: 'A', epoch: 0, released: false, joinedAtMs: 3 } }]);
    store.saveRunState(runId, { phase: 'question', index: 0, round: 1, openedAt: 10, deadline: 20 }, 10);
    store.insertAnswers(runId, [{ questionIdx: 0, round: 1, studentId: 'a', choice: 'A', points: 900, receivedAtMs: 12 }]);
    db.$client.query('INSERT INTO later_rows (run_id, text) VALUES (?, ?)').run(runId, 'why?');
  }
  expect(archive.listQuestionOpens(first)).toEqual([{ questionIdx: 0, round: 1, openedAtMs: 10 }]);
  expect(archive.deleteRuns([first])).toMatchObject({ answers: 1, later_rows: 1, question_opens: 1, runs: 1, students: 1 });
  expect(archive.listRuns().map((run) => run.id)).toEqual([second]);
  expect(db.$client.query('SELECT count(*) AS n FROM later_rows').get()).toEqual({ n: 1 });
  expect(archive.listRunScores([first, second])).toEqual([{ runId: second, studentId: 'a', name: 'A', joinedAtMs: 3, score: 900 }]);
  db.$client.close();
});

test('a resumed question keeps its first open time; a revote gets its own', () => {
  const { db, store, archive } = openTemp();
  const runId = store.createRun(JSON.stringify(makePool(1)), 1);
  store.saveRunState(runId, { phase: 'question', index: 0, round: 1, openedAt: 10, deadline: 20 }, 10);
  store.saveRunState(runId, { phase: 'question', index: 0, round: 1, openedAt: 10, deadline: 20 }, 15);
  store.saveRunState(runId, { phase: 'review', index: 0, round: 1 }, 20);
  store.saveRunState(runId, { phase: 'question', index: 0, round: 2, openedAt: 30, deadline: 40 }, 30);
  expect(archive.listQuestionOpens(runId)).toEqual([
    { questionIdx: 0, round: 1, openedAtMs: 10 },
    { questionIdx: 0, round: 2, openedAtMs: 30 },
  ]);
  db.$client.close();
});
