/**
 * CSV (RFC 4180) into sheet rows: quoted fields may hold the delimiter, doubled quotes and
 * line breaks; a row is placed at the line it starts on. The delimiter is read from the
 * header line: comma, or the semicolon and tab that Excel writes in locales where the
 * comma is the decimal mark. The rows are then this app's template or Kahoot's
 * (sheet-rows.ts).
 */
import type { PoolError } from '../../protocol/pool';
import { MAX_QUESTION_SOURCE_CHARS, MAX_SHEET_ROWS, type ParsedFile } from './parsed-bank';
import type { SheetRow } from './sheet-cells';
import { readSheetRows } from './sheet-rows';

const DELIMITERS = [',', ';', '\t'] as const;

function pickDelimiter(text: string): string {
  const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')).replace(/"[^"]*"/g, '');
  const counts = DELIMITERS.map((delimiter) => firstLine.split(delimiter).length - 1);
  const best = Math.max(...counts);
  return best === 0 ? ',' : DELIMITERS[counts.indexOf(best)]!;
}

export type CsvRows = { ok: true; rows: SheetRow[] } | { ok: false; details: PoolError[] };

export function readCsvRows(text: string): CsvRows {
  const delimiter = pickDelimiter(text);
  const rows: SheetRow[] = [];
  let cells: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quotedFrom = 0;
  let inQuotes = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (field.length > MAX_QUESTION_SOURCE_CHARS) {
      return { ok: false, details: [{ path: `line ${rowLine}`, message: `a cell is longer than ${MAX_QUESTION_SOURCE_CHARS / 1024} KiB, more than any valid question` }] };
    }
    if (inQuotes) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') inQuotes = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field.trim() === '') {
      field = '';
      inQuotes = true;
      quotedFrom = line;
    } else if (char === delimiter) {
      cells.push(field);
      field = '';
    } else if (char === '\n') {
      cells.push(field);
      rows.push({ where: `line ${rowLine}`, cells });
      if (rows.length > MAX_SHEET_ROWS) return { ok: false, details: [{ path: `line ${rowLine}`, message: `the file has more than ${MAX_SHEET_ROWS} rows; a pool has at most 500 questions` }] };
      cells = [];
      field = '';
      line++;
      rowLine = line;
    } else field += char;
  }
  if (inQuotes) return { ok: false, details: [{ path: `line ${quotedFrom}`, message: 'a quoted field (") is never closed' }] };
  if (field !== '' || cells.length > 0) {
    cells.push(field);
    rows.push({ where: `line ${rowLine}`, cells });
  }
  return { ok: true, rows };
}

export function parseCsv(text: string, title: string): ParsedFile {
  const read = readCsvRows(text);
  return read.ok ? readSheetRows(read.rows, title) : read;
}
