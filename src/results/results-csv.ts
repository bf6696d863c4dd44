/**
 * results.csv: a header row, then one row per student with each question's answer and
 * points (and, for a revoted question, the round-2 answer after them), the total and the
 * rank. Quoted per RFC 4180, and text cells that a spreadsheet would run as a formula
 * (leading = + - @, tab or CR) are neutralised with a leading '.
 */
import type { Pool, PoolQuestion } from '../protocol/pool';
import type { AnswerRow, StudentRow } from '../session/ports';
import { standingsOf } from './standings';

const FORMULA_TRIGGERS = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const neutralised = FORMULA_TRIGGERS.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(neutralised) ? `"${neutralised.replaceAll('"', '""')}"` : neutralised;
}

export function buildResultsCsv(pool: Pool, students: readonly StudentRow[], answers: readonly AnswerRow[]): string {
  const answerByKey = new Map<string, AnswerRow>();
  const revoted = new Set<number>();
  for (const answer of answers) {
    answerByKey.set(answerKey(answer.questionIdx, answer.round, answer.studentId), answer);
    if (answer.round === 2) revoted.add(answer.questionIdx);
  }

  const header = ['student_id', 'name'];
  pool.questions.forEach((_, index) => {
    header.push(`q${index + 1}_choice`, `q${index + 1}_points`);
    if (revoted.has(index)) header.push(`q${index + 1}_round2_choice`);
  });
  header.push('total', 'rank');

  const rows = standingsOf(students, answers).map(({ student, total, rank }) => {
    const cells: (string | number)[] = [student.studentId, student.name];
    pool.questions.forEach((question, index) => {
      const answer = answerByKey.get(answerKey(index, 1, student.studentId));
      cells.push(answerCell(question, answer), answer ? answer.points : '');
      if (revoted.has(index)) cells.push(answerCell(question, answerByKey.get(answerKey(index, 2, student.studentId))));
    });
    cells.push(total, rank);
    return cells.map(csvCell).join(',');
  });

  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}

const answerKey = (questionIdx: number, round: number, studentId: string) => `${questionIdx}\u0000${round}\u0000${studentId}`;

/** Letters (joined by "+" for multiple) as stored; a numeric answer as a number, so "-2" is not taken for a formula. */
function answerCell(question: PoolQuestion, answer: AnswerRow | undefined): string | number {
  if (!answer) return '';
  return question.type === 'numeric' ? Number(answer.choice) : answer.choice;
}
