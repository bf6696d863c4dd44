/**
 * Images uploaded with a pool, stored by the SHA-256 of their bytes: the same image in two
 * pools is stored once, and its URL never changes meaning, so it can be cached for good.
 * `MediaStore` is the port; the SQLite store in `db/media-store.ts` implements it.
 */
import type { ImageExt, ImageMime } from './image-sniff';

/** An image read from a pool archive, its type known from its bytes. */
export interface PoolImage {
  /** The file's name in the archive (`tree.png`, `img/tree.png`): what pool.json names. */
  name: string;
  bytes: Uint8Array;
  mime: ImageMime;
  ext: ImageExt;
  /** Lower-case hex SHA-256 of `bytes`. */
  sha256: string;
}

export interface StoredMedia {
  mime: string;
  ext: string;
  bytes: Uint8Array;
}

export interface MediaStore {
  /** Stores the image under its hash; storing the same bytes again changes nothing. */
  putMedia(image: Omit<PoolImage, 'name'>): void;
  getMedia(sha256: string): StoredMedia | null;
}

export const MEDIA_PATH_PREFIX = '/media/';

/** Where the image is served: `/media/<sha256>.<ext>`. */
export function mediaUrl(image: Pick<PoolImage, 'sha256' | 'ext'>): string {
  return `${MEDIA_PATH_PREFIX}${image.sha256}.${image.ext}`;
}

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(bytes).digest('hex');
}
