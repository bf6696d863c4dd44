import { describe, expect, test } from 'bun:test';
import { parseCsv, readCsvRows } from '../../../../src/pool/formats/csv';
import { parseXlsx } from '../../../../src/pool/formats/xlsx';
import { importPoolFile } from '../../../../src/pool/pool-import';
import { writeTestXlsx } from '../../../helpers/xlsx-writer';

const TEMPLATE_CSV = `type,text,choice_a,choice_b,choice_c,choice_d,choice_e,choice_f,answer,tolerance,time_limit_s,scoring,explanation
single,"Capital of France?",Paris,Lyon,Nice,,,,A,,30,,"Paris, since 987."
multiple,Primes?,2,3,4,,,,"A, B",,,accuracy,
numeric,"Speed of light (Mm/s)?",,,,,,,299.8,0.5,,,
poll,"Tea or coffee?",Tea,Coffee,,,,,,,,,
,"Quote ""this"" and a
line break",yes,no,,,,,b,,,,
`;

/** Kahoot's "Quiz template" as a sheet: instruction rows, its header row, numbered rows, unused rows left blank. */
const KAHOOT_ROWS = [
  ['Quiz template'],
  ['Add questions, at least two answer alternatives, time limit and choose correct answers (at least one).'],
  [],
  [null, 'Question - max 120 characters', 'Answer 1 - max 75 characters', 'Answer 2 - max 75 characters', 'Answer 3 - max 75 characters', 'Answer 4 - max 75 characters', 'Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs', 'Correct answer(s) - choose at least one'],
  [1, 'What is 2 + 2?', '3', '4', '5', '22', 20, '2'],
  [2, 'Which are fruits?', 'Apple', 'Carrot', 'Banana', null, 30, '1,3'],
  [3, 'True or false: the Earth is flat.', 'True', 'False', null, null, 10, 2],
  [4, null, null, null, null, null, null, null],
  [5],
];

describe('CSV in the template columns', () => {
  test('reads every type, quoted fields with commas, doubled quotes and line breaks', () => {
    const parsed = parseCsv(TEMPLATE_CSV, 'week');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
    const questions = parsed.banks[0]!.questions;
    expect(questions.map((question) => question.input)).toEqual([
      { type: 'single', text: 'Capital of France?', choices: ['Paris', 'Lyon', 'Nice'], answer: 'A', time_limit_s: 30, explanation: 'Paris, since 987.' },
      { type: 'multiple', text: 'Primes?', choices: ['2', '3', '4'], answer: ['A', 'B'], scoring: 'accuracy' },
      { type: 'numeric', text: 'Speed of light (Mm/s)?', answer: 299.8, tolerance: 0.5 },
      { type: 'poll', text: 'Tea or coffee?', choices: ['Tea', 'Coffee'] },
      { type: 'single', text: 'Quote "this" and a\nline break', choices: ['yes', 'no'], answer: 'B' },
    ]);
    expect(questions.map((question) => question.where)).toEqual(['line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
  });

  test('semicolon-separated CSV (Excel in comma-decimal locales) is read too', () => {
    const parsed = parseCsv('text;choice_a;choice_b;answer\nQ?;x;y;A\n', 't');
    expect(parsed.ok && parsed.banks[0]!.questions[0]!.input).toEqual({ type: 'single', text: 'Q?', choices: ['x', 'y'], answer: 'A' });
  });

  test('problems are reported by line: unknown column, gap in choices, bad numbers, and the validator\'s rules', async () => {
    expect(parseCsv('text,colour\nQ,red\n', 't')).toMatchObject({ ok: false, details: [{ path: 'line 1', message: expect.stringContaining('column "colour"') }] });
    const parsed = parseCsv('text,choice_a,choice_b,choice_c,answer,time_limit_s,type\nQ,a,,c,A,,\nQ,a,b,,A,soon,\nQ,a,b,,,,numeric\n', 't');
    expect(!parsed.ok && parsed.details.map((detail) => detail.path)).toEqual(['line 2', 'line 3', 'line 4']);
    const validated = await importPoolFile({ name: 'q.csv', bytes: new TextEncoder().encode('text,choice_a,choice_b,answer\nQ,a,b,C\n') });
    expect(validated).toEqual({ ok: false, format: 'csv', details: [{ path: 'line 2', message: expect.stringContaining('answer: must be one of A, B') }] });
  });

  test('an unclosed quote is reported at the line it opens', () => {
    expect(readCsvRows('text\n"never closed\nmore\n')).toEqual({ ok: false, details: [{ path: 'line 2', message: expect.stringContaining('never closed') }] });
  });
});

describe('.xlsx through read-excel-file', () => {
  test('the template columns, rows numbered as the spreadsheet shows them', async () => {
    const bytes = writeTestXlsx([
      ['text', 'choice_a', 'choice_b', 'answer', 'time_limit_s'],
      ['2 + 2?', 3, 4, 'B', 15],
      [],
      ['Pick one', 'x', 'y', 'A', null],
    ]);
    const parsed = await parseXlsx(bytes, 'sheet');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
    expect(parsed.banks[0]!.questions).toEqual([
      { input: { type: 'single', text: '2 + 2?', choices: ['3', '4'], answer: 'B', time_limit_s: 15 }, where: 'row 2' },
      { input: { type: 'single', text: 'Pick one', choices: ['x', 'y'], answer: 'A' }, where: 'row 4' },
    ]);
  });

  test('a formula cell gives its saved value as text and is never evaluated; one saved without a value is empty', async () => {
    const withCached = writeTestXlsx([
      ['text', 'choice_a', 'choice_b', 'answer'],
      [{ formula: 'CONCATENATE("What is ","1+1?")', cached: 'What is 1+1?' }, { formula: '1+1', cached: '2' }, '3', 'A'],
    ]);
    const parsed = await parseXlsx(withCached, 'f');
    expect(parsed.ok && parsed.banks[0]!.questions[0]!.input).toMatchObject({ text: 'What is 1+1?', choices: ['2', '3'] });
    const uncached = writeTestXlsx([['text', 'choice_a', 'choice_b', 'answer'], [{ formula: 'A1' }, 'x', 'y', 'A']]);
    const refused = await importPoolFile({ name: 'f.xlsx', bytes: uncached });
    expect(refused).toEqual({ ok: false, format: 'xlsx', details: [{ path: 'row 2', message: expect.stringContaining('text:') }] });
  });
});

describe("Kahoot's spreadsheet template", () => {
  test('as .xlsx: instructions skipped, unused numbered rows skipped, answer numbers mapped to letters', async () => {
    const result = await importPoolFile({ name: 'KahootQuizTemplate.xlsx', bytes: writeTestXlsx(KAHOOT_ROWS) });
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.format).toBe('xlsx');
    expect(result.banks[0]!.title).toBe('KahootQuizTemplate');
    expect(result.banks[0]!.input.questions).toEqual([
      { type: 'single', text: 'What is 2 + 2?', choices: ['3', '4', '5', '22'], answer: 'B', time_limit_s: 20 },
      { type: 'multiple', text: 'Which are fruits?', choices: ['Apple', 'Carrot', 'Banana'], answer: ['A', 'C'], time_limit_s: 30 },
      { type: 'single', text: 'True or false: the Earth is flat.', choices: ['True', 'False'], answer: 'B', time_limit_s: 10 },
    ]);
  });

  test('as CSV too, and a correct answer naming an empty answer is reported by line', async () => {
    const csv = 'Question - max 120 characters,Answer 1,Answer 2,Answer 3,Answer 4,Time limit (sec),Correct answer(s)\nQ?,a,b,,,20,3\n';
    expect(parseCsv(csv, 'k')).toMatchObject({ ok: false, details: [{ path: 'line 2', message: expect.stringContaining('"3" is not the number of a filled answer (1, 2)') }] });
  });

  test('a Kahoot time limit the pool does not allow is reported by the one validator at its row', async () => {
    const rows = [KAHOOT_ROWS[3]!, [1, 'Q', 'a', 'b', null, null, 240, 1], [2, 'Q', 'a', 'b', null, null, 1, 1]];
    const result = await importPoolFile({ name: 'k.xlsx', bytes: writeTestXlsx(rows) });
    expect(result).toEqual({ ok: false, format: 'xlsx', details: [{ path: 'row 3', message: expect.stringContaining('time_limit_s:') }] });
  });
});
