/**
 * A pool uploaded as a .zip: `pool.json` plus the images its questions name. This module
 * applies the archive's rules and returns the pool text and the images, or every problem
 * found (`{ path, message }`: `/media/<name>` for a file, `/pool.json`, `/` for the zip as
 * a whole). Pure: no storage, no HTTP. Validating pool.json itself is `pool.ts`'s job.
 *
 * Order matters for safety: names, count and the directory's declared sizes are checked
 * before anything is inflated; inflating then stops any entry that outgrows its declared
 * size (zip-reader.ts); only then are the bytes' image types checked.
 */
import { MAX_BODY_BYTES } from '../protocol/constants';
import type { PoolError } from '../protocol/pool';
import { sniffImage, type ImageExt } from './image-sniff';
import { sha256Hex, type PoolImage } from './media';
import { inflateZipEntries, listZipEntries, READABLE_COMPRESSION, type ZipEntry } from './zip-reader';

export type { PoolImage };

const MiB = 1024 * 1024;
export const MAX_IMAGE_BYTES = 2 * MiB;
export const MAX_POOL_IMAGES_BYTES = 20 * MiB;
/** pool.json inside an archive may be as large as a pool uploaded alone. */
export const MAX_POOL_JSON_BYTES = MAX_BODY_BYTES;
export const MAX_ARCHIVE_ENTRIES = 200;
/** The upload itself: every image, pool.json and the zip's own overhead. */
export const MAX_POOL_ARCHIVE_BYTES = 24 * MiB;

export const POOL_FILE_NAME = 'pool.json';

export type PoolArchive =
  | { ok: true; poolText: string; images: Map<string, PoolImage> }
  | { ok: false; details: PoolError[] };

/** The extensions an image may have, and the type its bytes must then be. */
const ACCEPTED_EXTENSIONS: Record<string, ImageExt> = { png: 'png', jpg: 'jpg', jpeg: 'jpg', gif: 'gif', webp: 'webp' };
const TYPE_NAMES: Record<ImageExt, string> = { png: 'PNG', jpg: 'JPEG', gif: 'GIF', webp: 'WebP' };
const ACCEPTED_LIST = 'PNG, JPEG, WebP or GIF';
/** Image files we recognise by name but do not serve. */
const REFUSED_IMAGE_EXTENSIONS = new Set(['svg', 'svgz', 'bmp', 'tif', 'tiff', 'ico', 'avif', 'heic', 'heif', 'jxl']);
/** Long names are cut in error paths so a hostile archive cannot make the answer huge. */
const MAX_NAME_IN_PATH = 200;

interface Candidate {
  entry: ZipEntry;
  /** The name pool.json uses: as written, without the single top folder if there is one. */
  name: string;
}

export function readPoolArchive(bytes: Uint8Array): PoolArchive {
  const listing = listZipEntries(bytes, MAX_ARCHIVE_ENTRIES);
  if (!listing.ok) return refused([{ path: '/', message: `not a readable zip file: ${listing.message}` }]);

  const details: PoolError[] = [];
  if (listing.more) details.push({ path: '/', message: `the archive holds more than ${MAX_ARCHIVE_ENTRIES} files` });

  const { kept, problems } = checkNames(listing.entries);
  details.push(...problems);
  const topFolder = singleTopFolder(kept);
  const candidates = kept.map((entry) => ({ entry, name: topFolder ? entry.name.slice(topFolder.length) : entry.name }));

  const poolFile = candidates.find((candidate) => candidate.name === POOL_FILE_NAME);
  const images: Candidate[] = [];
  for (const candidate of candidates) {
    if (candidate === poolFile) continue;
    const problem = checkImageName(candidate.name);
    if (problem) details.push({ path: mediaPath(candidate.name), message: problem });
    else images.push(candidate);
  }
  const sizeProblems = checkDeclaredSizes(poolFile, images);
  details.push(...sizeProblems);
  if (!poolFile) details.push({ path: `/${POOL_FILE_NAME}`, message: 'is missing: the archive must hold pool.json, at its top or in its one folder' });
  for (const candidate of [poolFile, ...images]) {
    if (candidate && !(READABLE_COMPRESSION as readonly number[]).includes(candidate.entry.compression)) {
      details.push({ path: pathOf(candidate), message: `is compressed with a method this server cannot read (${candidate.entry.compression}); zip it with the usual settings` });
    }
  }
  // Nothing is inflated while the archive is too big as a whole, has too many files or
  // cannot be read: a zip bomb's declared sizes are refused before any of its bytes.
  const mayInflate = !listing.more && sizeProblems.length === 0;
  if (!mayInflate) return refused(details);

  const toInflate = [poolFile, ...images].filter(
    (candidate): candidate is Candidate =>
      candidate !== undefined && !details.some((detail) => detail.path === pathOf(candidate)),
  );
  const inflated = inflateZipEntries(bytes, listing.entries, new Set(toInflate.map((candidate) => candidate.entry.name)));
  if (inflated.archiveProblem) details.push({ path: '/', message: `not a readable zip file: ${inflated.archiveProblem}` });

  let poolText: string | null = null;
  const readImages = new Map<string, PoolImage>();
  for (const candidate of toInflate) {
    const outcome = inflated.entries.get(candidate.entry.name)!;
    if (!outcome.ok) {
      details.push({ path: pathOf(candidate), message: outcome.message });
    } else if (candidate === poolFile) {
      poolText = decodePoolText(outcome.bytes, details);
    } else {
      const image = checkImageBytes(candidate.name, outcome.bytes, details);
      if (image) readImages.set(candidate.name, image);
    }
  }
  if (details.length > 0 || poolText === null) return refused(details);
  return { ok: true, poolText, images: readImages };
}

/**
 * Drops the entries a zip tool adds on its own and refuses unsafe or repeated names.
 * Silently ignored: folders (names ending in `/`), macOS's `__MACOSX/` resource forks and
 * Finder's `.DS_Store` files, which "Compress" on a Mac adds to every archive.
 */
function checkNames(entries: readonly ZipEntry[]): { kept: ZipEntry[]; problems: PoolError[] } {
  const kept: ZipEntry[] = [];
  const problems: PoolError[] = [];
  const names = new Set<string>();
  for (const entry of entries) {
    const unsafe = unsafeNameProblem(entry.name);
    if (unsafe) {
      problems.push({ path: mediaPath(entry.name), message: unsafe });
      continue;
    }
    if (names.has(entry.name)) {
      problems.push({ path: mediaPath(entry.name), message: 'appears twice in the archive' });
      continue;
    }
    names.add(entry.name);
    if (isIgnored(entry.name)) continue;
    kept.push(entry);
  }
  return { kept, problems };
}

function isIgnored(name: string): boolean {
  const parts = name.split('/');
  return name.endsWith('/') || parts[0] === '__MACOSX' || parts.at(-1) === '.DS_Store';
}

/** Names that would point outside a folder they were unpacked into, or that only a trick would use. */
function unsafeNameProblem(name: string): string | null {
  if (name.includes('\\')) return 'has a backslash in its name: names must use "/" between folders';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'has an absolute path: names must be relative to the archive';
  // Control characters include the NUL byte some archivers' names end at.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has control characters in its name';
  const parts = name.replace(/\/$/, '').split('/');
  if (parts.includes('..')) return 'has ".." in its name: names must stay inside the archive';
  if (parts.some((part) => part === '' || part === '.')) return 'has an empty or "." folder in its name';
  return null;
}

/** `folder/` when every kept entry sits inside that one folder (as a Mac's "Compress" makes). */
function singleTopFolder(entries: readonly ZipEntry[]): string | null {
  const firstParts = new Set(entries.map((entry) => (entry.name.includes('/') ? entry.name.split('/')[0]! : null)));
  if (firstParts.size !== 1) return null;
  const [first] = firstParts;
  return first === null || first === undefined ? null : `${first}/`;
}

function checkImageName(name: string): string | null {
  const ext = extensionOf(name);
  if (ext && ACCEPTED_EXTENSIONS[ext]) return null;
  if (ext === 'svg' || ext === 'svgz') return `SVG images are not accepted (they can carry scripts); use ${ACCEPTED_LIST}`;
  if (ext && REFUSED_IMAGE_EXTENSIONS.has(ext)) return `${ext.toUpperCase()} images are not accepted; use ${ACCEPTED_LIST}`;
  return `is neither pool.json nor an image (${ACCEPTED_LIST})`;
}

/** Sizes as the directory declares them, checked before inflating anything. */
function checkDeclaredSizes(poolFile: Candidate | undefined, images: readonly Candidate[]): PoolError[] {
  const problems: PoolError[] = [];
  if (poolFile && poolFile.entry.size > MAX_POOL_JSON_BYTES) {
    problems.push({ path: pathOf(poolFile), message: `is ${describeSize(poolFile.entry.size)}; it may be at most ${describeSize(MAX_POOL_JSON_BYTES)}` });
  }
  let total = 0;
  for (const image of images) {
    total += image.entry.size;
    if (image.entry.size > MAX_IMAGE_BYTES) {
      problems.push({ path: pathOf(image), message: `is ${describeSize(image.entry.size)}; an image may be at most ${describeSize(MAX_IMAGE_BYTES)}` });
    }
  }
  if (total > MAX_POOL_IMAGES_BYTES) {
    problems.push({ path: '/media', message: `the images add up to ${describeSize(total)}; a pool's images may total at most ${describeSize(MAX_POOL_IMAGES_BYTES)}` });
  }
  return problems;
}

/** The image, if its bytes are the type its name says. */
function checkImageBytes(name: string, bytes: Uint8Array, details: PoolError[]): PoolImage | null {
  const expected = ACCEPTED_EXTENSIONS[extensionOf(name)!]!;
  const sniffed = sniffImage(bytes);
  if (!sniffed) {
    details.push({ path: mediaPath(name), message: `is not a ${TYPE_NAMES[expected]} image: its bytes are not a ${ACCEPTED_LIST} image` });
    return null;
  }
  if (sniffed.ext !== expected) {
    details.push({ path: mediaPath(name), message: `is named as a ${TYPE_NAMES[expected]} image but holds a ${TYPE_NAMES[sniffed.ext]} image` });
    return null;
  }
  return { name, bytes, mime: sniffed.mime, ext: sniffed.ext, sha256: sha256Hex(bytes) };
}

function decodePoolText(bytes: Uint8Array, details: PoolError[]): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    details.push({ path: `/${POOL_FILE_NAME}`, message: 'is not UTF-8 text' });
    return null;
  }
}

function extensionOf(name: string): string | null {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : null;
}

function pathOf(candidate: Candidate): string {
  return candidate.name === POOL_FILE_NAME ? `/${POOL_FILE_NAME}` : mediaPath(candidate.name);
}

function mediaPath(name: string): string {
  return `/media/${name.length > MAX_NAME_IN_PATH ? `${name.slice(0, MAX_NAME_IN_PATH)}…` : name}`;
}

/** Limits are round MiB; sizes are given exactly, so "2 MiB and 1 byte" is not shown as "2 MiB". */
function describeSize(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  return `${bytes.toLocaleString('en-US')} bytes`;
}

function refused(details: PoolError[]): PoolArchive {
  return { ok: false, details };
}
