/**
 * Turning what an instructor hands us into a pool: pool JSON text, a .zip of pool.json and
 * its images, or (at start-up, QUIZ_POOL_PATH) a folder laid out like such a zip. Images
 * are checked whole with the pool and stored only once the pool is valid, so a refused
 * upload leaves nothing behind.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';
import { mediaUrl, type MediaStore } from './media';
import { readPoolArchive } from './pool-archive';
import { parsePoolText, type PoolValidation } from './pool';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** A .zip by its first bytes, whatever the name or content type says. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, index) => bytes[index] === byte);
}

/** pool.json and its images from a zip; the images the pool uses are stored once it is valid. */
export function importPoolArchive(bytes: Uint8Array, media: MediaStore): PoolValidation {
  const archive = readPoolArchive(bytes);
  if (!archive.ok) return archive;
  const used = new Set<string>();
  const validation = parsePoolText(archive.poolText, {
    names: new Set(archive.images.keys()),
    urlOf(name) {
      used.add(name);
      return mediaUrl(archive.images.get(name)!);
    },
  });
  // Files the pool does not name are left out: an extra picture in the folder is harmless.
  if (validation.ok) for (const name of used) media.putMedia(archive.images.get(name)!);
  return validation;
}

/** An upload's bytes: a zip (by its magic bytes) or pool JSON text. */
export function importPoolUpload(bytes: Uint8Array, media: MediaStore): PoolValidation {
  if (looksLikeZip(bytes)) return importPoolArchive(bytes, media);
  return parsePoolText(new TextDecoder().decode(bytes));
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
