/**
 * .xlsx into sheet rows with read-excel-file (maintained; reads the sheet XML with a SAX
 * parser and fflate, the zip library this app already uses), after this app's own zip
 * checks: the archive's directory is read and every XML part inflated under the pool
 * upload's limits first (zip-reader.ts stops any entry that inflates past its declared
 * size), so a zip bomb is refused before the library unzips anything. Formulas are never
 * evaluated: a formula cell gives the value the spreadsheet saved with it, and one saved
 * without a value is reported. The first sheet is read.
 */
import readXlsxFile from 'read-excel-file/universal';
import type { PoolError } from '../../protocol/pool';
import { MAX_ARCHIVE_ENTRIES, MAX_POOL_ARCHIVE_BYTES } from '../pool-archive';
import { inflateZipEntries, listZipEntries } from '../zip-reader';
import { MAX_SHEET_ROWS, type ParsedFile } from './parsed-bank';
import type { SheetRow } from './sheet-cells';
import { readSheetRows } from './sheet-rows';

export type XlsxRows = { ok: true; rows: SheetRow[] } | { ok: false; details: PoolError[] };

const MiB = 1024 * 1024;
/** The XML inside a workbook may inflate to this much in all: a 500-question sheet needs well under 1 MiB. */
export const MAX_XLSX_XML_BYTES = MAX_POOL_ARCHIVE_BYTES;

const refuse = (message: string): XlsxRows => ({ ok: false, details: [{ path: '/', message }] });

function checkArchive(bytes: Uint8Array): string | null {
  const listing = listZipEntries(bytes, MAX_ARCHIVE_ENTRIES);
  if (!listing.ok) return `not a readable .xlsx file (${listing.message})`;
  if (listing.more) return `not a spreadsheet this app reads: it holds more than ${MAX_ARCHIVE_ENTRIES} files`;
  const xmlParts = listing.entries.filter((entry) => /\.(xml|rels)$/.test(entry.name));
  if (!xmlParts.some((entry) => entry.name === 'xl/workbook.xml')) return 'not an .xlsx workbook: it has no xl/workbook.xml';
  const declared = xmlParts.reduce((total, entry) => total + entry.size, 0);
  if (declared > MAX_XLSX_XML_BYTES) {
    return `its sheets inflate to ${(declared / MiB).toFixed(1)} MiB; a workbook may inflate to at most ${MAX_XLSX_XML_BYTES / MiB} MiB`;
  }
  const inflated = inflateZipEntries(bytes, listing.entries, new Set(xmlParts.map((entry) => entry.name)));
  if (inflated.archiveProblem) return `not a readable .xlsx file: ${inflated.archiveProblem}`;
  for (const [name, outcome] of inflated.entries) {
    if (!outcome.ok) return `${name} ${outcome.message}`;
    // Counted before the library builds a row array for each: a sheet of a million rows is refused unread.
    if (name.startsWith('xl/worksheets/') && countRows(outcome.bytes) > MAX_SHEET_ROWS) return `a sheet has more than ${MAX_SHEET_ROWS} rows; a pool has at most 500 questions`;
  }
  return null;
}

const ROW_TAG = new TextEncoder().encode('<row');

function countRows(xml: Uint8Array): number {
  let count = 0;
  for (let index = xml.indexOf(ROW_TAG[0]!); index >= 0; index = xml.indexOf(ROW_TAG[0]!, index + 1)) {
    if (ROW_TAG.every((byte, offset) => xml[index + offset] === byte)) count++;
  }
  return count;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

export async function readXlsxRows(bytes: Uint8Array): Promise<XlsxRows> {
  const archiveProblem = checkArchive(bytes);
  if (archiveProblem) return refuse(archiveProblem);
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const sheets = await readXlsxFile(buffer);
    const first = sheets[0];
    if (!first) return refuse('the workbook has no sheet');
    return { ok: true, rows: first.data.map((row, index) => ({ where: `row ${index + 1}`, cells: row.map(cellText) })) };
  } catch (error) {
    return refuse(`not a readable .xlsx file (${describeReadError(error)})`);
  }
}

function describeReadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 200);
}

export async function parseXlsx(bytes: Uint8Array, title: string): Promise<ParsedFile> {
  const read = await readXlsxRows(bytes);
  return read.ok ? readSheetRows(read.rows, title) : read;
}
