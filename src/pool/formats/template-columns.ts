/**
 * This app's spreadsheet columns, the same in CSV and .xlsx (README, "Authoring workflow"):
 *
 *   type | text | choice_a … choice_f | answer | tolerance | time_limit_s | scoring | explanation
 *
 * The first non-blank row names the columns, in any order, case and spacing ignored; only
 * `text` is required. `type` is single (the default), multiple, poll or numeric; `answer`
 * is a letter, letters separated by commas (multiple), a number (numeric) or blank (poll).
 */
import { CHOICE_LETTERS, QUESTION_TYPES, SCORING_MODES, type QuestionTypeName, type ScoringModeName } from '../../protocol/constants';
import type { PoolError, QuestionInput } from '../../protocol/pool';
import { MAX_REPORTED_PROBLEMS, type ParsedQuestion } from './parsed-bank';
import { isBlankRow, readInteger, type SheetRow } from './sheet-cells';

const CHOICE_COLUMNS = CHOICE_LETTERS.map((letter) => `choice_${letter.toLowerCase()}`);
export const TEMPLATE_COLUMNS = ['type', 'text', ...CHOICE_COLUMNS, 'answer', 'tolerance', 'time_limit_s', 'scoring', 'explanation'] as const;
type Column = (typeof TEMPLATE_COLUMNS)[number];

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function columnName(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Hands each question row to `collect`, which returns false to stop reading. */
export function readTemplateRows(rows: SheetRow[], details: PoolError[], collect: (question: ParsedQuestion) => boolean): void {
  const headerIndex = rows.findIndex((row) => !isBlankRow(row));
  if (headerIndex < 0) return;
  const header = rows[headerIndex]!;
  const columns = new Map<Column, number>();
  header.cells.forEach((cell, index) => {
    const name = columnName(cell);
    if (name === '') return;
    if (!(TEMPLATE_COLUMNS as readonly string[]).includes(name)) {
      details.push({ path: header.where, message: `column "${cell.trim().slice(0, 40)}" is not one of: ${TEMPLATE_COLUMNS.join(', ')}` });
    } else if (columns.has(name as Column)) details.push({ path: header.where, message: `column "${name}" appears twice` });
    else columns.set(name as Column, index);
  });
  if (!columns.has('text')) {
    details.push({ path: header.where, message: `the first row must name the columns, at least "text" (${TEMPLATE_COLUMNS.join(', ')})` });
    return;
  }
  for (const row of rows.slice(headerIndex + 1)) {
    if (details.length >= MAX_REPORTED_PROBLEMS) return;
    if (isBlankRow(row)) continue;
    const cell = (column: Column) => (columns.has(column) ? (row.cells[columns.get(column)!] ?? '') : '');
    const question = readQuestionRow(cell, row.where, details);
    if (question && !collect({ input: question, where: row.where })) return;
  }
}

function readQuestionRow(cell: (column: Column) => string, where: string, details: PoolError[]): QuestionInput | null {
  const before = details.length;
  const problem = (message: string) => details.push({ path: where, message });
  const typeText = cell('type').trim().toLowerCase();
  if (typeText !== '' && !(QUESTION_TYPES as readonly string[]).includes(typeText)) problem(`type: "${typeText}" is not one of ${QUESTION_TYPES.join(', ')}`);
  const type = (typeText || 'single') as QuestionTypeName;

  const choiceCells = CHOICE_COLUMNS.map((column) => cell(column as Column).trim());
  const lastFilled = choiceCells.findLastIndex((choice) => choice !== '');
  const choices = choiceCells.slice(0, lastFilled + 1);
  const gap = choices.indexOf('');
  if (gap >= 0) problem(`${CHOICE_COLUMNS[gap]} is empty but a later choice is filled: choices must be consecutive`);

  const question: QuestionInput = { type, text: cell('text').trim() };
  if (choices.length > 0) question.choices = choices;
  const answer = cell('answer').trim();
  if (type === 'numeric') {
    if (!NUMBER.test(answer)) problem(`answer: "${answer.slice(0, 40)}" is not a number`);
    else question.answer = Number(answer);
    const tolerance = cell('tolerance').trim();
    if (tolerance !== '') {
      if (!NUMBER.test(tolerance)) problem(`tolerance: "${tolerance.slice(0, 40)}" is not a number`);
      else question.tolerance = Number(tolerance);
    }
  } else if (answer !== '') {
    const letters = answer.toUpperCase().split(/[\s,;]+/).filter(Boolean);
    question.answer = type === 'multiple' ? letters : answer.toUpperCase();
  }
  const timeLimit = readInteger(cell('time_limit_s'), 'time_limit_s', where, details);
  if (timeLimit !== undefined) question.time_limit_s = timeLimit;
  const scoring = cell('scoring').trim().toLowerCase();
  if (scoring !== '') {
    if ((SCORING_MODES as readonly string[]).includes(scoring)) question.scoring = scoring as ScoringModeName;
    else problem(`scoring: "${scoring.slice(0, 40)}" is not one of ${SCORING_MODES.join(', ')}`);
  }
  const explanation = cell('explanation').trim();
  if (explanation !== '') question.explanation = explanation;
  return details.length === before ? question : null;
}
