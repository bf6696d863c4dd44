/**
 * The gradebook across runs: one row per student id, one score per chosen run (null where
 * they did not join it), the runs attended and the total. Students on the class list who
 * never joined get a row with no scores. Pure; gradebook-csv.ts lays it out for a file.
 *
 * Rows: the class list's students in its order, then everyone else by student id. A
 * student's name is the one they last joined under (the latest run), else the class list's.
 */
import type { RunScoreRow } from '../session/past-runs';

export interface GradebookRun {
  runId: number;
  title: string;
  pointsPossible: number;
}

/** A student on the class list (the roster CSV), whether or not they ever joined. */
export interface ClassListEntry {
  student_id: string;
  name: string;
}

export interface GradebookRow {
  studentId: string;
  name: string;
  /** Per run, in the order of `runs`; null where the student did not join that run. */
  scores: (number | null)[];
  runsAttended: number;
  /** Null for a student who attended none of the runs. */
  total: number | null;
}

export interface Gradebook {
  runs: GradebookRun[];
  rows: GradebookRow[];
}

export function buildGradebook(runs: readonly GradebookRun[], scores: readonly RunScoreRow[], classList: readonly ClassListEntry[]): Gradebook {
  const ordered = [...runs].sort((a, b) => a.runId - b.runId);
  const column = new Map(ordered.map((run, position) => [run.runId, position]));
  const byStudent = new Map<string, { name: string; latestRun: number; scores: (number | null)[] }>();
  const entryFor = (studentId: string, name: string) => {
    let entry = byStudent.get(studentId);
    if (!entry) {
      entry = { name, latestRun: -1, scores: ordered.map(() => null) };
      byStudent.set(studentId, entry);
    }
    return entry;
  };
  for (const row of scores) {
    const position = column.get(row.runId);
    if (position === undefined) continue;
    const entry = entryFor(row.studentId, row.name);
    entry.scores[position] = row.score;
    if (row.runId > entry.latestRun) {
      entry.latestRun = row.runId;
      entry.name = row.name;
    }
  }

  const listed = new Set<string>();
  const rows: GradebookRow[] = [];
  const rowOf = (studentId: string, name: string): GradebookRow => {
    const entry = byStudent.get(studentId);
    const attended = entry ? entry.scores.filter((score): score is number => score !== null) : [];
    return {
      studentId,
      name: entry?.name ?? name,
      scores: entry?.scores ?? ordered.map(() => null),
      runsAttended: attended.length,
      total: attended.length === 0 ? null : attended.reduce((sum, score) => sum + score, 0),
    };
  };
  for (const student of classList) {
    if (listed.has(student.student_id)) continue;
    listed.add(student.student_id);
    rows.push(rowOf(student.student_id, student.name));
  }
  const others = [...byStudent.keys()].filter((id) => !listed.has(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const studentId of others) rows.push(rowOf(studentId, byStudent.get(studentId)!.name));
  return { runs: ordered, rows };
}
