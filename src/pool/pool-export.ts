/**
 * Writing imported banks out in a chosen format (the `pool convert` command): pool JSON,
 * a .zip of pool.json and its images, GIFT (every bank a category), Moodle XML (images
 * embedded), Aiken, or CSV in this app's columns. .xlsx is read but not written.
 */
import { zipSync } from 'fflate';
import { exportAiken } from './formats/aiken-export';
import { exportCsv } from './formats/csv-export';
import { extensionOf } from './formats/file-format';
import { exportGift } from './formats/gift-export';
import { exportMoodleXml } from './formats/moodle-xml-export';
import { mediaUrl } from './media';
import type { ImportedBank } from './pool-import';

export const WRITABLE_EXTENSIONS = ['json', 'zip', 'gift', 'txt', 'xml', 'aiken', 'csv'] as const;

export type PoolExport = { ok: true; bytes: Uint8Array; notes: string[] } | { ok: false; message: string };

const encode = (text: string) => new TextEncoder().encode(text);

/** `banks` as the file `name` asks for by its extension. All but GIFT hold one pool: give them one bank. */
export function exportBanks(banks: readonly ImportedBank[], name: string): PoolExport {
  const extension = extensionOf(name);
  const imageCount = banks.reduce((count, bank) => count + bank.images.length, 0);
  const lostImages = imageCount > 0 ? [`${imageCount} image(s) left out: ${extension} files cannot carry them (write a .zip to keep them)`] : [];
  if (extension === 'gift' || extension === 'txt') {
    return { ok: true, bytes: encode(exportGift(banks.map((bank) => bank.pool))), notes: lostImages };
  }
  if (!(WRITABLE_EXTENSIONS as readonly string[]).includes(extension)) {
    return { ok: false, message: `cannot write ".${extension}" files: write one of .${WRITABLE_EXTENSIONS.join(', .')}` };
  }
  if (banks.length !== 1) return { ok: false, message: `a .${extension} file holds one pool; this input has ${banks.length}` };
  const bank = banks[0]!;
  const json = `${JSON.stringify(bank.input, null, 2)}\n`;
  switch (extension) {
    case 'json':
      if (imageCount > 0) return { ok: false, message: 'the pool has images: write a .zip, which holds pool.json and the images' };
      return { ok: true, bytes: encode(json), notes: [] };
    case 'xml': {
      const byUrl = new Map(bank.images.map((image) => [mediaUrl(image), image]));
      return { ok: true, bytes: encode(exportMoodleXml(bank.pool, (url) => byUrl.get(url) ?? null)), notes: [] };
    }
    case 'aiken': {
      const aiken = exportAiken(bank.pool);
      if (!aiken.ok) return { ok: false, message: aiken.problems.join('; ') };
      return { ok: true, bytes: encode(aiken.text), notes: aiken.notes };
    }
    case 'zip':
      return {
        ok: true,
        bytes: zipSync({ 'pool.json': encode(json), ...Object.fromEntries(bank.images.map((image) => [image.name, image.bytes])) }),
        notes: [],
      };
    default:
      return { ok: true, bytes: encode(exportCsv(bank.pool)), notes: lostImages };
  }
}
