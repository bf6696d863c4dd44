/**
 * Images in a bank: the editor uploads each image on its own (stored by hash, like a
 * pool archive's), and a saved bank names its images by their media URLs. A URL counts
 * only if the image is stored; anything else is refused at that question, as a missing
 * file in a zip is. Export is the way back: a .zip of pool.json and the images, laid out
 * as an upload expects, so downloading and uploading a bank gives the same bank.
 */
import { zipSync } from 'fflate';
import type { PoolError } from '../protocol/pool';
import { sniffImage } from './image-sniff';
import { mediaUrl, sha256Hex, type MediaStore } from './media';
import { MAX_IMAGE_BYTES, POOL_FILE_NAME } from './pool-archive';
import { importPoolFile, storeBankMedia } from './pool-import';
import { parsePoolText, type PoolValidation } from './pool';
import type { Pool } from '../protocol/pool';

const MEDIA_URL = /^\/media\/([0-9a-f]{64})\.([a-z]+)$/;

/** The stored image a media URL names, or null. */
function storedImage(url: string, media: MediaStore) {
  const match = MEDIA_URL.exec(url);
  const stored = match ? media.getMedia(match[1]!) : null;
  return match && stored && stored.ext === match[2] ? { sha256: match[1]!, ...stored } : null;
}

/** Pool JSON whose images are media URLs (the editor's save): validated against the stored images. */
export function parseBankPoolText(text: string, media: MediaStore): PoolValidation {
  return parsePoolText(text, {
    names: { has: (name: string) => storedImage(name, media) !== null } as ReadonlySet<string>,
    urlOf: (name) => name,
  });
}

/** A file uploaded as new banks: its name (it may tell the format) and its bytes. */
export interface BankUpload {
  name: string;
  bytes: Uint8Array;
}

export type BankUploadResult = { ok: true; pools: Pool[] } | { ok: false; details: PoolError[] };

/**
 * The banks a file holds, through the pool import dispatcher: every format it reads is a
 * bank upload too. A GIFT file holds one bank per `$CATEGORY:`, every other format one.
 * Images are stored only when the whole file is valid; nothing else is stored here.
 */
export async function importBankUpload(file: BankUpload, media: MediaStore): Promise<BankUploadResult> {
  const imported = await importPoolFile(file);
  if (!imported.ok) return { ok: false, details: imported.details };
  for (const bank of imported.banks) storeBankMedia(bank, media);
  return { ok: true, pools: imported.banks.map((bank) => bank.pool) };
}

export type ImageUpload = { ok: true; url: string } | { ok: false; details: PoolError[] };

/** One image from the editor: a PNG, JPEG, GIF or WebP by its bytes, at most MAX_IMAGE_BYTES. */
export function storeUploadedImage(bytes: Uint8Array, media: MediaStore): ImageUpload {
  if (bytes.length > MAX_IMAGE_BYTES) {
    return { ok: false, details: [{ path: '/', message: `is ${bytes.length.toLocaleString('en-US')} bytes; an image may be at most 2 MiB` }] };
  }
  const type = sniffImage(bytes);
  if (!type) return { ok: false, details: [{ path: '/', message: 'is not a PNG, JPEG, WebP or GIF image (SVG is refused)' }] };
  const image = { ...type, bytes, sha256: sha256Hex(bytes) };
  media.putMedia(image);
  return { ok: true, url: mediaUrl(image) };
}

/** pool.json (images named `<sha256>.<ext>`) and the image files, zipped. */
export function bankArchive(poolInput: { questions: { image?: string }[] }, media: MediaStore): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const questions = poolInput.questions.map((question) => {
    const stored = question.image ? storedImage(question.image, media) : null;
    if (!stored) return question;
    const name = `${stored.sha256}.${stored.ext}`;
    files[name] = stored.bytes;
    return { ...question, image: name };
  });
  files[POOL_FILE_NAME] = new TextEncoder().encode(`${JSON.stringify({ ...poolInput, questions }, null, 2)}\n`);
  return zipSync(files, { level: 6 });
}
