/**
 * A pool as CSV in this app's template columns (template-columns.ts), which csv.ts reads
 * back to the same questions. Images cannot travel in a CSV and are left out.
 */
import { CHOICE_LETTERS } from '../../protocol/constants';
import type { Pool, PoolQuestion } from '../../protocol/pool';
import { TEMPLATE_COLUMNS } from './template-columns';

function csvField(value: string): string {
  return /[",\n\r;\t]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

function answerCell(question: PoolQuestion): string {
  if (question.answer === null) return '';
  return Array.isArray(question.answer) ? question.answer.join(',') : String(question.answer);
}

function questionRow(question: PoolQuestion): string[] {
  const cells: Record<(typeof TEMPLATE_COLUMNS)[number], string> = {
    type: question.type,
    text: question.text,
    choice_a: '',
    choice_b: '',
    choice_c: '',
    choice_d: '',
    choice_e: '',
    choice_f: '',
    answer: answerCell(question),
    tolerance: question.type === 'numeric' && question.tolerance > 0 ? String(question.tolerance) : '',
    time_limit_s: String(question.time_limit_s),
    scoring: question.scoring,
    explanation: question.explanation ?? '',
  };
  question.choices.forEach((choice, index) => {
    cells[`choice_${CHOICE_LETTERS[index]!.toLowerCase()}` as keyof typeof cells] = choice;
  });
  return TEMPLATE_COLUMNS.map((column) => cells[column] ?? '');
}

export function exportCsv(pool: Pool): string {
  const rows = [[...TEMPLATE_COLUMNS], ...pool.questions.map(questionRow)];
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
