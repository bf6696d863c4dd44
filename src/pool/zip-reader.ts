/**
 * Reading an uploaded zip without trusting it, with fflate. Two passes:
 *  1. `listZipEntries` reads the central directory only (names, declared sizes, method):
 *     nothing is inflated, so a caller can refuse a zip bomb by its declared sizes first.
 *  2. `inflateZipEntries` inflates the entries the caller chose, streaming, and stops an
 *     entry the moment its real output passes the size the directory declared for it, so
 *     an entry that lies low cannot inflate big. Work per step is bounded by the slice of
 *     compressed input pushed (deflate expands at most ~1032×).
 * fflate's `unzipSync` does not do the second: given the declared size it truncates
 * silently but still decodes the whole stream.
 */
import { Inflate, Unzip, unzipSync, type AsyncFlateStreamHandler, type FlateError, type UnzipDecoder, type UnzipFile } from 'fflate';

export interface ZipEntry {
  /** As written in the archive (directories end in `/`). */
  name: string;
  /** Uncompressed size, as the central directory declares it. */
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflate; anything else cannot be read here. */
  compression: number;
}

export const READABLE_COMPRESSION = [0, 8] as const;

export type ZipListing =
  | { ok: true; entries: ZipEntry[]; /** The directory holds more than `maxEntries`; only those are listed. */ more: boolean }
  | { ok: false; message: string };

export type InflatedEntry =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; problem: 'larger_than_declared' | 'smaller_than_declared' | 'corrupt' | 'missing'; message: string };

export interface InflatedArchive {
  entries: Map<string, InflatedEntry>;
  /** Something wrong with the archive as a whole (entries beyond the directory, a cut-off file). */
  archiveProblem: string | null;
}

/** Compressed bytes handed to the inflater at a time: bounds the output of one step to ~4 MiB. */
const PUSH_SLICE_BYTES = 4096;

class TooManyEntries extends Error {}

/** The central directory's entries, in order; never inflates anything. */
export function listZipEntries(bytes: Uint8Array, maxEntries: number): ZipListing {
  const entries: ZipEntry[] = [];
  try {
    unzipSync(bytes, {
      filter(file) {
        if (entries.length === maxEntries) throw new TooManyEntries();
        entries.push({ name: file.name, size: file.originalSize, compressedSize: file.size, compression: file.compression });
        return false;
      },
    });
  } catch (error) {
    if (error instanceof TooManyEntries) return { ok: true, entries, more: true };
    return { ok: false, message: describeFlateError(error) };
  }
  const sizesAreNumbers = entries.every((entry) => Number.isSafeInteger(entry.size) && Number.isSafeInteger(entry.compressedSize));
  if (!sizesAreNumbers) return { ok: false, message: 'its directory is damaged' };
  return { ok: true, entries, more: false };
}

/**
 * Inflates the entries of `listing` (from `listZipEntries`) named in `wanted`, each stopped
 * as soon as its output passes the size the directory declared for it. Other entries are
 * skipped, not inflated.
 */
export function inflateZipEntries(bytes: Uint8Array, listing: readonly ZipEntry[], wanted: ReadonlySet<string>): InflatedArchive {
  const declaredSizes = new Map(listing.map((entry) => [entry.name, entry.size]));
  /** How many entries of each name the directory lists and reading has not met yet. */
  const unmet = new Map<string, number>();
  for (const entry of listing) unmet.set(entry.name, (unmet.get(entry.name) ?? 0) + 1);
  const entries = new Map<string, InflatedEntry>();
  const problems: string[] = [];
  const unzip = new Unzip((file) => {
    // The entries met while reading must be the directory's: anything else is a damaged
    // archive, or one built to show a reader something other than what its directory lists.
    const left = unmet.get(file.name) ?? 0;
    if (left === 0) {
      problems.push('its entries do not match its directory');
      return;
    }
    unmet.set(file.name, left - 1);
    if (!wanted.has(file.name) || entries.has(file.name)) return;
    const declared = declaredSizes.get(file.name)!;
    if (file.originalSize !== undefined && file.originalSize !== declared) {
      entries.set(file.name, { ok: false, problem: 'corrupt', message: 'is corrupt: its two size headers disagree' });
      return;
    }
    // Claimed now, so a second entry of the same name is never inflated into it.
    entries.set(file.name, { ok: false, problem: 'missing', message: 'is corrupt: its data ends too early' });
    inflateOne(file, declared, (outcome) => entries.set(file.name, outcome));
  });
  unzip.register(StoppableInflate);
  try {
    for (let offset = 0; offset < bytes.length; offset += PUSH_SLICE_BYTES) {
      const end = Math.min(offset + PUSH_SLICE_BYTES, bytes.length);
      unzip.push(bytes.subarray(offset, end), end === bytes.length);
    }
  } catch (error) {
    problems.push(`it ends too early or is damaged (${describeFlateError(error)})`);
  }
  for (const name of wanted) {
    if (!entries.has(name)) entries.set(name, { ok: false, problem: 'missing', message: 'is listed but its data was not found' });
  }
  return { entries, archiveProblem: problems[0] ?? null };
}

/** Collects one entry's output, stopping it once it passes `declared` bytes. */
function inflateOne(file: UnzipFile, declared: number, settle: (outcome: InflatedEntry) => void): void {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let settled = false;
  const finish = (outcome: InflatedEntry) => {
    settled = true;
    settle(outcome);
  };
  file.ondata = (error, data, final) => {
    if (settled) return;
    if (error) return finish({ ok: false, problem: 'corrupt', message: `is corrupt (${describeFlateError(error)})` });
    total += data.length;
    if (total > declared) {
      file.terminate();
      return finish({
        ok: false,
        problem: 'larger_than_declared',
        message: `inflates to more than the ${declared} bytes its archive entry declares (refused as a possible zip bomb)`,
      });
    }
    chunks.push(data);
    if (!final) return;
    if (total !== declared) {
      return finish({ ok: false, problem: 'smaller_than_declared', message: `is corrupt: ${total} bytes where its entry declares ${declared}` });
    }
    finish({ ok: true, bytes: concatBytes(chunks, total) });
  };
  file.start();
}

/**
 * fflate's inflater for zip entries, plus what fflate's own lacks: once terminated, later
 * compressed input is dropped instead of being inflated.
 */
class StoppableInflate implements UnzipDecoder {
  static readonly compression = 8;
  ondata: AsyncFlateStreamHandler = () => {};
  private stopped = false;
  private readonly inflate = new Inflate((data, final) => this.ondata(null, data, final));

  push(chunk: Uint8Array, final: boolean): void {
    if (this.stopped) return;
    try {
      this.inflate.push(chunk, final);
    } catch (error) {
      this.stopped = true;
      this.ondata(error as FlateError, new Uint8Array(0), true);
    }
  }

  terminate = (): void => {
    this.stopped = true;
  };
}

function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function describeFlateError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
