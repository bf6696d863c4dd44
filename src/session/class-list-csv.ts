/**
 * Reading a class list CSV as Moodle, Canvas or a spreadsheet exports it: UTF-8 with or
 * without a byte-order mark, `,` `;` or tab between fields (whichever the header line uses
 * most, outside quotes), RFC 4180 quoting (quoted fields may hold the separator, `""` and
 * line breaks), CRLF, LF or CR line ends, blank lines skipped. The header names the
 * columns; `CLASS_LIST_COLUMNS` says which are read. Ids and names follow the join rules
 * (protocol/person-text.ts). A file is taken whole or refused whole with every problem
 * and its line: a duplicate id names both lines.
 */
import { MAX_CLASS_LIST_ROWS, MAX_ID_LENGTH, MAX_NAME_LENGTH } from '../protocol/constants';
import type { ClassListProblem } from '../protocol/http-bodies';
import { checkDisplayName, checkStudentId, type PersonTextCheck } from '../protocol/person-text';
import { readCsvRecords, type CsvRecord } from '../pool/formats/csv-records';
import type { ClassListRow } from './ports';

/**
 * Header names read (compared case-insensitively, `_` as a space). The first id column
 * present in this order is the id; the name is `name`, `student` or `full name`, else
 * first and last name joined with a space.
 */
export const CLASS_LIST_COLUMNS = {
  /** Ours; Moodle "ID number" (`idnumber` in its user files); Canvas "SIS User ID", then "SIS Login ID". */
  id: ['student id', 'id number', 'idnumber', 'sis user id', 'sis login id'],
  /** Ours; Canvas "Student" (as "Last, First"); "Full name". */
  name: ['name', 'student', 'full name', 'fullname'],
  /** Moodle "First name" / "Last name" (`firstname` / `lastname`). */
  firstName: ['first name', 'firstname', 'given name'],
  lastName: ['last name', 'lastname', 'surname', 'family name'],
} as const;

const MAX_PROBLEMS = 100;
/** Far above any id or name (they are checked for length afterwards); bounds a hostile file. */
const MAX_CELL_CHARS = 4096;

const READ_PROBLEMS = {
  unclosed_quote: 'a quoted field is never closed',
  cell_too_long: `a cell is longer than ${MAX_CELL_CHARS} characters; is this a class list?`,
  too_many_records: `a class list holds at most ${MAX_CLASS_LIST_ROWS} rows`,
} as const;

export type ClassListParse =
  | {
      ok: true;
      rows: ClassListRow[];
      /** Rows left out because their id cell is empty (Canvas's "Points Possible" and "Test Student", Moodle users without an ID number). */
      skipped: ClassListProblem[];
      /** The header cells that were read, as written in the file. */
      columns: { id: string; name: string };
    }
  | { ok: false; details: ClassListProblem[] };

const refuse = (message: string, line?: number): ClassListParse => ({ ok: false, details: [line === undefined ? { message } : { line, message }] });

export function parseClassListCsv(bytes: Uint8Array): ClassListParse {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return refuse('the file is not UTF-8 text: save it as "CSV UTF-8" and upload it again');
  }
  // The header is one record more than the rows.
  const read = readCsvRecords(text, { maxCellChars: MAX_CELL_CHARS, maxRecords: MAX_CLASS_LIST_ROWS + 1 });
  if (!read.ok) return refuse(READ_PROBLEMS[read.problem], read.line);
  const [header, ...body] = read.records;
  if (!header) return refuse('the file is empty');
  const columns = findColumns(header.cells);
  if (typeof columns === 'string') return refuse(columns, header.line);
  return readRows(body, columns);
}

interface Columns {
  id: number;
  name: number | null;
  first: number | null;
  last: number | null;
  labels: { id: string; name: string };
}

const normaliseHeader = (cell: string) => cell.trim().toLowerCase().replaceAll('_', ' ').replace(/\s+/g, ' ');

/** The columns to read, or why the header cannot be used. */
function findColumns(header: string[]): Columns | string {
  const names = header.map(normaliseHeader);
  const find = (candidates: readonly string[]) => {
    for (const candidate of candidates) {
      const index = names.indexOf(candidate);
      if (index >= 0) return index;
    }
    return null;
  };
  const id = find(CLASS_LIST_COLUMNS.id);
  if (id === null) {
    return 'no student id column: the header needs one of "student_id", "ID number" (Moodle) or "SIS User ID" (Canvas)';
  }
  const name = find(CLASS_LIST_COLUMNS.name);
  const first = find(CLASS_LIST_COLUMNS.firstName);
  const last = find(CLASS_LIST_COLUMNS.lastName);
  if (name === null && first === null && last === null) {
    return 'no name column: the header needs "name", "Student" (Canvas) or "First name" and "Last name" (Moodle)';
  }
  const label = (index: number | null) => (index === null ? '' : header[index]!.trim());
  const nameLabel = name !== null ? label(name) : [label(first), label(last)].filter(Boolean).join(' + ');
  return { id, name, first, last, labels: { id: label(id), name: nameLabel } };
}

function nameOf(cells: string[], columns: Columns): string {
  const cell = (index: number | null) => (index === null ? '' : (cells[index] ?? '').trim());
  if (columns.name !== null) return cell(columns.name);
  return [cell(columns.first), cell(columns.last)].filter(Boolean).join(' ');
}

function checked(raw: string, rule: (raw: string) => PersonTextCheck, maxLength: number): PersonTextCheck {
  const result = rule(raw);
  if (result.ok && result.value.length > maxLength) return { ok: false, problem: `is longer than ${maxLength} characters` };
  return result;
}

function readRows(records: CsvRecord[], columns: Columns): ClassListParse {
  const rows: ClassListRow[] = [];
  const skipped: ClassListProblem[] = [];
  const details: ClassListProblem[] = [];
  const lineOfId = new Map<string, number>();
  for (const { line, cells } of records) {
    const rawId = cells[columns.id] ?? '';
    if (rawId.trim() === '') {
      skipped.push({ line, message: 'no student id: left out' });
      continue;
    }
    const id = checked(rawId, checkStudentId, MAX_ID_LENGTH);
    const name = checked(nameOf(cells, columns), checkDisplayName, MAX_NAME_LENGTH);
    if (!id.ok) details.push({ line, message: `the student id ${id.problem}` });
    if (!name.ok) details.push({ line, message: `the name ${name.problem}` });
    if (!id.ok || !name.ok) continue;
    const earlier = lineOfId.get(id.value);
    if (earlier !== undefined) {
      details.push({ line, message: `student id "${id.value}" is on lines ${earlier} and ${line}` });
      continue;
    }
    lineOfId.set(id.value, line);
    rows.push({ studentId: id.value, name: name.value, position: rows.length });
  }
  if (details.length > 0) return { ok: false, details: details.slice(0, MAX_PROBLEMS) };
  if (rows.length === 0) return refuse('the file lists no student (every row lacks a student id)');
  return { ok: true, rows, skipped, columns: columns.labels };
}
