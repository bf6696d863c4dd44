/**
 * Which format an uploaded pool file is in: by its name's extension when it has a known
 * one, else by its first bytes (a zip holding xl/workbook.xml is a spreadsheet, any other
 * zip a pool archive; `{` is pool JSON; `<` Moodle XML). A `.txt` file is Aiken when it
 * reads like Aiken, else GIFT (Moodle exports both as .txt).
 */
import { looksLikeAiken } from './aiken';

export const POOL_FORMATS = ['json', 'zip', 'gift', 'aiken', 'moodle-xml', 'csv', 'xlsx'] as const;
export type PoolFormat = (typeof POOL_FORMATS)[number];

const BY_EXTENSION: Record<string, PoolFormat> = {
  json: 'json',
  zip: 'zip',
  gift: 'gift',
  aiken: 'aiken',
  xml: 'moodle-xml',
  csv: 'csv',
  tsv: 'csv',
  xlsx: 'xlsx',
};

/** The extensions `formatOfName` knows, for messages and the file picker. */
export const POOL_FILE_EXTENSIONS = [...Object.keys(BY_EXTENSION), 'txt'];

export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The file's name without folders or extension: the title of a bank made from it. */
export function titleFromName(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  const title = (dot > 0 ? base.slice(0, dot) : base).trim();
  return title || 'Imported questions';
}

/** The format a name says, `txt` left open (Aiken or GIFT), or null for an unknown extension. */
export function formatOfName(name: string): PoolFormat | 'txt' | null {
  const extension = extensionOf(name);
  if (extension === 'txt') return 'txt';
  return BY_EXTENSION[extension] ?? null;
}

/** Aiken or GIFT for a .txt file. */
export function formatOfText(text: string): 'aiken' | 'gift' {
  return looksLikeAiken(text) ? 'aiken' : 'gift';
}
