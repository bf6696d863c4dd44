/**
 * CSV records as spreadsheets and LMSs export them, for every CSV the app reads (pool
 * files and class lists): RFC 4180 quoting (a quoted field may hold the delimiter, `""`
 * and line breaks; spaces before the opening quote are allowed), LF, CRLF or CR line
 * ends, an optional byte-order mark, blank lines dropped. The delimiter is the one the
 * header line uses most outside quotes: `,`, or the `;` and tab that Excel writes where
 * the comma is the decimal mark. Each record keeps the line it starts on, for messages.
 */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export interface CsvLimits {
  /** A longer cell stops the read: no valid file needs one, and it bounds memory. */
  maxCellChars: number;
  /** More records than this (blank lines not counted) stops the read. */
  maxRecords: number;
}

export type CsvRead =
  | { ok: true; records: CsvRecord[] }
  | { ok: false; line: number; problem: 'unclosed_quote' | 'cell_too_long' | 'too_many_records' };

const DELIMITERS = [',', ';', '\t'] as const;

export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best: string = ',';
  for (const delimiter of DELIMITERS) if (counts.get(delimiter)! > counts.get(best)!) best = delimiter;
  return best;
}

export function readCsvRecords(text: string, limits: CsvLimits): CsvRead {
  const delimiter = detectDelimiter(text);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quotedFrom = 0;
  let inQuotes = false;
  /** Ends the record; false when that makes one record too many. */
  const endRecord = (): boolean => {
    cells.push(cell);
    if (cells.some((value) => value.trim() !== '')) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    return records.length <= limits.maxRecords;
  };
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index]!;
    if (cell.length > limits.maxCellChars) return { ok: false, line: recordLine, problem: 'cell_too_long' };
    if (inQuotes) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') inQuotes = false;
      else {
        if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) line += 1;
        cell += char;
      }
    } else if (char === '"' && cell.trim() === '') {
      cell = '';
      inQuotes = true;
      quotedFrom = line;
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      if (!endRecord()) return { ok: false, line: recordLine, problem: 'too_many_records' };
      line += 1;
      recordLine = line;
    } else cell += char;
  }
  if (inQuotes) return { ok: false, line: quotedFrom, problem: 'unclosed_quote' };
  if (cell.length > limits.maxCellChars) return { ok: false, line: recordLine, problem: 'cell_too_long' };
  if (!endRecord()) return { ok: false, line: recordLine, problem: 'too_many_records' };
  return { ok: true, records };
}
