/**
 * The gradebook as a CSV file, in three layouts, quoted and formula-safe by results.csv's
 * own `csvCell` (RFC 4180, CRLF):
 *
 * - `plain`: `student_id,name,run_<id>…,runs_attended,total`.
 * - `moodle` (Grades → Import → CSV file): `ID number` then one column per run, named
 *   "<title> (run <id>)"; map "ID number" to the user field "ID number" and each run
 *   column to a grade item.
 * - `canvas` (Grades → Import): Canvas's gradebook header `Student,ID,SIS User ID,SIS Login
 *   ID,Section`, then one assignment column per run, and the "Points Possible" row. The
 *   student id goes in "SIS User ID", which Canvas matches students by; "ID" (Canvas's
 *   own user number) stays empty.
 *
 * An empty cell is "no grade": both LMSs leave such a grade alone rather than record 0.
 */
import type { GradebookFormat } from '../protocol/runs';
import type { Gradebook, GradebookRun } from './gradebook';
import { csvCell } from './results-csv';

type Cell = string | number;

const lmsColumnName = (run: GradebookRun) => `${run.title} (run ${run.runId})`;
const scoreCells = (scores: readonly (number | null)[]): Cell[] => scores.map((score) => score ?? '');

function tableOf(book: Gradebook, format: GradebookFormat): Cell[][] {
  switch (format) {
    case 'plain':
      return [
        ['student_id', 'name', ...book.runs.map((run) => `run_${run.runId}`), 'runs_attended', 'total'],
        ...book.rows.map((row) => [row.studentId, row.name, ...scoreCells(row.scores), row.runsAttended, row.total ?? '']),
      ];
    case 'moodle':
      return [['ID number', ...book.runs.map(lmsColumnName)], ...book.rows.map((row) => [row.studentId, ...scoreCells(row.scores)])];
    case 'canvas':
      return [
        ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', ...book.runs.map(lmsColumnName)],
        ['Points Possible', '', '', '', '', ...book.runs.map((run) => run.pointsPossible)],
        ...book.rows.map((row) => [row.name, '', row.studentId, '', '', ...scoreCells(row.scores)]),
      ];
  }
}

export function gradebookCsv(book: Gradebook, format: GradebookFormat): string {
  return `${tableOf(book, format)
    .map((cells) => cells.map(csvCell).join(','))
    .join('\r\n')}\r\n`;
}
