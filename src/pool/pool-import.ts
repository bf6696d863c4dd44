/**
 * Turning what an instructor hands us into a pool: pool JSON text, a .zip of pool.json and
 * its images, (at start-up, QUIZ_POOL_PATH) a folder laid out like such a zip, and, through
 * `importPoolFile`, every format in `formats/` (GIFT, Aiken, Moodle XML, CSV, .xlsx,
 * Kahoot's template). Images are checked whole with the pool and stored only once the
 * pool is valid, so a refused upload leaves nothing behind.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';
import type { Pool, PoolError, PoolInput } from '../protocol/pool';
import { parseAiken } from './formats/aiken';
import { parseCsv } from './formats/csv';
import { formatOfName, formatOfText, POOL_FILE_EXTENSIONS, titleFromName, type PoolFormat } from './formats/file-format';
import { parseGift } from './formats/gift';
import { parseMoodleXml } from './formats/moodle-xml';
import { bankInput, MAX_REPORTED_PROBLEMS, sortByPlace, validateParsedBank, type ParsedBank, type ParsedFile } from './formats/parsed-bank';
import { readSourceText } from './formats/source-text';
import { parseXlsx } from './formats/xlsx';
import { mediaUrl, type MediaStore, type PoolImage } from './media';
import { MAX_POOL_ARCHIVE_BYTES, readPoolArchive } from './pool-archive';
import { parsePoolText, type PoolMedia, type PoolValidation } from './pool';
import { listZipEntries } from './zip-reader';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** A .zip by its first bytes, whatever the name or content type says. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, index) => bytes[index] === byte);
}

/** The validator's view of a set of images; `used` collects the ones the pool names. */
function mediaOf(images: ReadonlyMap<string, PoolImage>, used: Set<string>): PoolMedia {
  return {
    names: new Set(images.keys()),
    urlOf(name) {
      used.add(name);
      return mediaUrl(images.get(name)!);
    },
  };
}

/** pool.json and its images from a zip, validated; nothing is stored. */
function readArchiveBank(bytes: Uint8Array, title: string): BankValidation {
  const archive = readPoolArchive(bytes);
  if (!archive.ok) return archive;
  const used = new Set<string>();
  const validation = parsePoolText(archive.poolText, mediaOf(archive.images, used));
  if (!validation.ok) return validation;
  // Files the pool does not name are left out: an extra picture in the folder is harmless.
  const images = [...used].map((name) => archive.images.get(name)!);
  return { ok: true, bank: { title: validation.pool.title || title, input: JSON.parse(archive.poolText) as PoolInput, pool: validation.pool, images } };
}

/** pool.json and its images from a zip; the images the pool uses are stored once it is valid. */
export function importPoolArchive(bytes: Uint8Array, media: MediaStore): PoolValidation {
  const read = readArchiveBank(bytes, '');
  if (!read.ok) return read;
  storeBankMedia(read.bank, media);
  return { ok: true, pool: read.bank.pool };
}

/** A folder holding pool.json and its images, read exactly as the same files zipped would be. */
export function importPoolFolder(folder: string, media: MediaStore): PoolValidation {
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(folder, path).split(sep).join('/')] = readFileSync(path);
    }
  };
  walk(folder);
  return importPoolArchive(zipSync(files, { level: 0 }), media);
}

/** A file as a lecturer hands it over: its name (for the format and the title) and its bytes. */
export interface PoolFile {
  name: string;
  bytes: Uint8Array;
}

/** One valid bank from a file: the pool to play, the pool JSON it stands for, and its images. */
export interface ImportedBank {
  title: string;
  /** Valid pool JSON (version 2) naming images by `images[].name`: what `convert` writes. */
  input: PoolInput;
  /** Validated and normalised; images as `/media/<sha256>.<ext>` URLs. */
  pool: Pool;
  /** The images the pool uses, to be stored (`storeBankMedia`) when the bank is kept. */
  images: PoolImage[];
}

export type PoolFileImport =
  | { ok: true; format: PoolFormat; banks: ImportedBank[] }
  | { ok: false; format: PoolFormat | null; details: PoolError[] };

type BankValidation = { ok: true; bank: ImportedBank } | { ok: false; details: PoolError[] };

/** A pool file may be as large as the pool upload's body (24 MiB), whatever its format. */
export const MAX_POOL_FILE_BYTES = MAX_POOL_ARCHIVE_BYTES;

export interface PoolFileOptions {
  /**
   * Make one bank of the whole file: GIFT's categories are joined in file order, under
   * the file's name (or the one category's). The single-pool upload uses this.
   */
  oneBank?: boolean;
}

/**
 * Any supported pool file into banks, or every problem with its line, row or JSON path.
 * GIFT gives a bank per `$CATEGORY:`; every other format one, titled after the file (pool
 * JSON and zips keep their own title). Nothing is stored: call `storeBankMedia` for each
 * bank kept. The whole file is refused when anything in it is wrong.
 */
export async function importPoolFile(file: PoolFile, options: PoolFileOptions = {}): Promise<PoolFileImport> {
  const refuse = (format: PoolFormat | null, message: string, path = '/'): PoolFileImport => ({ ok: false, format, details: [{ path, message }] });
  if (file.bytes.length > MAX_POOL_FILE_BYTES) {
    return refuse(null, `is ${(file.bytes.length / 1024 / 1024).toFixed(1)} MiB; a pool file may be at most ${MAX_POOL_FILE_BYTES / 1024 / 1024} MiB`);
  }
  const title = titleFromName(file.name);
  const named = file.name ? formatOfName(file.name) : null;
  if (file.name && named === null && !looksLikeZip(file.bytes)) {
    return refuse(null, `"${file.name.slice(0, 100)}" is not a pool file this app reads: use one of .${POOL_FILE_EXTENSIONS.join(', .')}`);
  }
  if (named === 'xlsx' || (named !== 'zip' && looksLikeZip(file.bytes) && isWorkbook(file.bytes))) {
    return finish('xlsx', await parseXlsx(file.bytes, title), title, options);
  }
  if (named === 'zip' || looksLikeZip(file.bytes)) return single('zip', readArchiveBank(file.bytes, title));

  const source = readSourceText(file.bytes);
  if (!source.ok) return { ok: false, format: named === 'txt' ? null : named, details: source.details };
  const text = source.text;
  const format: PoolFormat = named === 'txt' ? formatOfText(text) : (named ?? (text.trimStart().startsWith('<') ? 'moodle-xml' : 'json'));
  switch (format) {
    case 'gift':
      return finish(format, parseGift(text, title), title, options);
    case 'aiken':
      return finish(format, parseAiken(text, title), title, options);
    case 'moodle-xml':
      return finish(format, parseMoodleXml(text, title), title, options);
    case 'csv':
      return finish(format, parseCsv(text, title), title, options);
    default: {
      const validation = parsePoolText(text);
      if (!validation.ok) return { ok: false, format: 'json', details: validation.details };
      return single('json', { ok: true, bank: { title: validation.pool.title, input: JSON.parse(text) as PoolInput, pool: validation.pool, images: [] } });
    }
  }
}

/** Stores the images a bank uses; call once the bank is kept. */
export function storeBankMedia(bank: ImportedBank, media: MediaStore): void {
  for (const image of bank.images) media.putMedia(image);
}

function isWorkbook(bytes: Uint8Array): boolean {
  const listing = listZipEntries(bytes, 1000);
  return listing.ok && listing.entries.some((entry) => entry.name === 'xl/workbook.xml');
}

function single(format: PoolFormat, read: BankValidation): PoolFileImport {
  return read.ok ? { ok: true, format, banks: [read.bank] } : { ok: false, format, details: read.details };
}

function finish(format: PoolFormat, parsed: ParsedFile, title: string, options: PoolFileOptions): PoolFileImport {
  const parsedBanks = (parsed.banks ?? []).filter((bank) => bank.questions.length > 0);
  const banks = options.oneBank && parsedBanks.length > 1 ? [joinBanks(parsedBanks, title)] : parsedBanks;
  const details: PoolError[] = parsed.ok ? [] : [...parsed.details];
  const imported: ImportedBank[] = [];
  for (const bank of banks) {
    const images = bank.images ?? new Map<string, PoolImage>();
    const used = new Set<string>();
    const validation = validateParsedBank(bank, mediaOf(images, used));
    if (!validation.ok) details.push(...validation.details);
    else imported.push({ title: bank.title, input: bankInput(bank), pool: validation.pool, images: [...used].map((name) => images.get(name)!) });
  }
  return details.length > 0 ? { ok: false, format, details: sortByPlace(details).slice(0, MAX_REPORTED_PROBLEMS) } : { ok: true, format, banks: imported };
}

function joinBanks(banks: ParsedBank[], title: string): ParsedBank {
  const images = new Map<string, PoolImage>();
  for (const bank of banks) for (const [name, image] of bank.images ?? []) images.set(name, image);
  return { title, questions: banks.flatMap((bank) => bank.questions), images };
}
