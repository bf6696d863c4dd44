/**
 * results.csv: a header row, then one row per student with each question's choice and
 * points, the total and the rank. Quoted per RFC 4180, and text cells that a spreadsheet
 * would run as a formula (leading = + - @, tab or CR) are neutralised with a leading '.
 */
import type { Pool } from '../protocol/pool';
import type { AnswerRow, StudentRow } from '../session/ports';
import { rankScores } from '../session/scoring';

const FORMULA_TRIGGERS = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const neutralised = FORMULA_TRIGGERS.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(neutralised) ? `"${neutralised.replaceAll('"', '""')}"` : neutralised;
}

export function buildResultsCsv(pool: Pool, students: readonly StudentRow[], answers: readonly AnswerRow[]): string {
  const answerByKey = new Map<string, AnswerRow>();
  const totals = new Map<string, number>();
  for (const answer of answers) {
    answerByKey.set(`${answer.questionIdx}\u0000${answer.studentId}`, answer);
    totals.set(answer.studentId, (totals.get(answer.studentId) ?? 0) + answer.points);
  }
  const scores = students.map((student) => totals.get(student.studentId) ?? 0);
  const ranks = rankScores(scores);

  const header = ['student_id', 'name'];
  pool.questions.forEach((_, index) => header.push(`q${index + 1}_choice`, `q${index + 1}_points`));
  header.push('total', 'rank');

  const rows = students
    .map((student, position) => ({ student, total: scores[position]!, rank: ranks[position]! }))
    .sort((a, b) => a.rank - b.rank || a.student.joinedAtMs - b.student.joinedAtMs)
    .map(({ student, total, rank }) => {
      const cells: (string | number)[] = [student.studentId, student.name];
      pool.questions.forEach((_, index) => {
        const answer = answerByKey.get(`${index}\u0000${student.studentId}`);
        cells.push(answer?.choice ?? '', answer ? answer.points : '');
      });
      cells.push(total, rank);
      return cells.map(csvCell).join(',');
    });

  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
