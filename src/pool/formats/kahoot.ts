/**
 * Kahoot's quiz spreadsheet template (the "Import from spreadsheet" .xlsx): instruction
 * rows, then a header row with "Question - max 120 characters", "Answer 1" … "Answer 4",
 * "Time limit (sec)" and "Correct answer(s) - choose at least one", then one numbered row
 * per question; the template's unused numbered rows are blank and skipped. Correct answers
 * are answer numbers ("2" or "1,3"): one makes a single-answer question, several a
 * multiple-answer one. Also read when the template is saved as CSV.
 */
import type { PoolError } from '../../protocol/pool';
import { MAX_REPORTED_PROBLEMS, type ParsedQuestion } from './parsed-bank';
import { readInteger, type SheetRow } from './sheet-cells';

export interface KahootHeader {
  rowIndex: number;
  question: number;
  answers: number[];
  timeLimit: number | null;
  correct: number;
}

const starts = (cell: string, prefix: string) => cell.trim().toLowerCase().startsWith(prefix);

/** The header row of Kahoot's template, if the sheet has one. */
export function findKahootHeader(rows: SheetRow[]): KahootHeader | null {
  for (const [rowIndex, row] of rows.entries()) {
    const find = (prefix: string) => row.cells.findIndex((cell) => starts(cell, prefix));
    const question = find('question');
    const correct = find('correct answer');
    const first = find('answer 1');
    if (question < 0 || correct < 0 || first < 0) continue;
    const answers = [1, 2, 3, 4].map((number) => find(`answer ${number}`)).filter((index) => index >= 0);
    const timeLimit = find('time limit');
    return { rowIndex, question, answers, timeLimit: timeLimit < 0 ? null : timeLimit, correct };
  }
  return null;
}

/** Hands each question row to `collect`, which returns false to stop reading. */
export function readKahootRows(rows: SheetRow[], header: KahootHeader, details: PoolError[], collect: (question: ParsedQuestion) => boolean): void {
  for (const row of rows.slice(header.rowIndex + 1)) {
    if (details.length >= MAX_REPORTED_PROBLEMS) return;
    const cell = (index: number) => (row.cells[index] ?? '').trim();
    const text = cell(header.question);
    const answerCells = header.answers.map(cell);
    // The template numbers its rows in the first column; a row with nothing else is unused.
    if (text === '' && answerCells.every((answer) => answer === '') && cell(header.correct) === '') continue;
    const before = details.length;
    const problem = (message: string) => details.push({ path: row.where, message });
    const choices: string[] = [];
    const letterOfAnswer = new Map<number, string>();
    answerCells.forEach((answer, index) => {
      if (answer === '') return;
      letterOfAnswer.set(index + 1, String.fromCharCode(65 + choices.length));
      choices.push(answer);
    });
    const numbers = cell(header.correct).split(/[\s,;]+/).filter(Boolean);
    if (numbers.length === 0) problem('Correct answer(s): give the number of at least one right answer (1 to 4)');
    const letters: string[] = [];
    for (const number of numbers) {
      const letter = /^\d+$/.test(number) ? letterOfAnswer.get(Number(number)) : undefined;
      if (letter === undefined) problem(`Correct answer(s): "${number.slice(0, 20)}" is not the number of a filled answer (${[...letterOfAnswer.keys()].join(', ')})`);
      else letters.push(letter);
    }
    const timeLimit = header.timeLimit === null ? undefined : readInteger(cell(header.timeLimit), 'Time limit', row.where, details);
    if (details.length > before) continue;
    const kept = collect({
      input: {
        type: letters.length > 1 ? 'multiple' : 'single',
        text,
        choices,
        answer: letters.length > 1 ? letters : letters[0],
        ...(timeLimit === undefined ? {} : { time_limit_s: timeLimit }),
      },
      where: row.where,
    });
    if (!kept) return;
  }
}
