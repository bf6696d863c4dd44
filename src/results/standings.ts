/**
 * A run's standings from its stored rows: each student's total, their rank by the
 * contract's rule (ties share a rank), in rank order with ties in join order. Shared by
 * results.csv and the console's past-run view.
 */
import type { AnswerRow, StudentRow } from '../session/ports';
import { rankScores } from '../session/scoring';

export interface Standing {
  student: StudentRow;
  total: number;
  rank: number;
}

export function standingsOf(students: readonly StudentRow[], answers: readonly AnswerRow[]): Standing[] {
  const totals = new Map<string, number>();
  for (const answer of answers) totals.set(answer.studentId, (totals.get(answer.studentId) ?? 0) + answer.points);
  const scores = students.map((student) => totals.get(student.studentId) ?? 0);
  const ranks = rankScores(scores);
  return students
    .map((student, position) => ({ student, total: scores[position]!, rank: ranks[position]! }))
    .sort((a, b) => a.rank - b.rank || a.student.joinedAtMs - b.student.joinedAtMs);
}
