/** The SQLite implementation of the pool's MediaStore port (the `media` table). */
import { eq } from 'drizzle-orm';
import { sha256Hex, type MediaStore } from '../pool/media';
import { systemClock, type Clock } from '../session/ports';
import type { QuizDatabase } from './open';
import { media } from './schema';

export function createMediaStore(db: QuizDatabase, clock: Clock = systemClock): MediaStore {
  return {
    putMedia(image) {
      // The hash is the image's address: a wrong one would serve other bytes under it.
      if (sha256Hex(image.bytes) !== image.sha256) throw new Error(`putMedia: the bytes do not hash to ${image.sha256}`);
      db.insert(media)
        .values({
          sha256: image.sha256,
          mime: image.mime,
          ext: image.ext,
          size: image.bytes.length,
          bytes: Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength),
          createdAtMs: clock.now(),
        })
        .onConflictDoNothing()
        .run();
    },
    getMedia(sha256) {
      const row = db.select({ mime: media.mime, ext: media.ext, bytes: media.bytes }).from(media).where(eq(media.sha256, sha256)).get();
      return row ? { mime: row.mime, ext: row.ext, bytes: row.bytes } : null;
    },
  };
}
