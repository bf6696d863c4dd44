/**
 * A pool CSV into sheet rows (csv-records.ts reads the records, each at the line it starts
 * on); the rows are then this app's template or Kahoot's (sheet-rows.ts).
 */
import type { PoolError } from '../../protocol/pool';
import { readCsvRecords } from './csv-records';
import { MAX_QUESTION_SOURCE_CHARS, MAX_SHEET_ROWS, type ParsedFile } from './parsed-bank';
import type { SheetRow } from './sheet-cells';
import { readSheetRows } from './sheet-rows';

export type CsvRows = { ok: true; rows: SheetRow[] } | { ok: false; details: PoolError[] };

const PROBLEMS = {
  unclosed_quote: 'a quoted field (") is never closed',
  cell_too_long: `a cell is longer than ${MAX_QUESTION_SOURCE_CHARS / 1024} KiB, more than any valid question`,
  too_many_records: `the file has more than ${MAX_SHEET_ROWS} rows; a pool has at most 500 questions`,
} as const;

export function readCsvRows(text: string): CsvRows {
  const read = readCsvRecords(text, { maxCellChars: MAX_QUESTION_SOURCE_CHARS, maxRecords: MAX_SHEET_ROWS });
  if (!read.ok) return { ok: false, details: [{ path: `line ${read.line}`, message: PROBLEMS[read.problem] }] };
  return { ok: true, rows: read.records.map(({ line, cells }) => ({ where: `line ${line}`, cells })) };
}

export function parseCsv(text: string, title: string): ParsedFile {
  const read = readCsvRows(text);
  return read.ok ? readSheetRows(read.rows, title) : read;
}
