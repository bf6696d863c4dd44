/**
 * What kind of image a file holds, read from its first bytes (its "magic number"), never
 * from its name. Only the four raster formats every browser shows are recognised; SVG
 * (which can carry scripts), text and everything else are not images here.
 */

export const IMAGE_TYPES = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
} as const;

export type ImageExt = keyof typeof IMAGE_TYPES;
export type ImageMime = (typeof IMAGE_TYPES)[ImageExt];
export interface ImageType {
  mime: ImageMime;
  /** The canonical extension (`jpg` for every JPEG), used in media URLs. */
  ext: ImageExt;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** SOI followed by the first marker's 0xFF. */
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

function startsWith(bytes: Uint8Array, expected: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((byte, index) => bytes[offset + index] === byte);
}

function isWebp(bytes: Uint8Array): boolean {
  // RIFF <size> WEBP, then the first chunk: lossy, lossless or extended.
  return (
    startsWith(bytes, ascii('RIFF')) &&
    startsWith(bytes, ascii('WEBP'), 8) &&
    ['VP8 ', 'VP8L', 'VP8X'].some((chunk) => startsWith(bytes, ascii(chunk), 12))
  );
}

/** The image type `bytes` hold, or null when they are not a PNG, JPEG, GIF or WebP image. */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return { mime: IMAGE_TYPES.png, ext: 'png' };
  if (startsWith(bytes, JPEG_SIGNATURE)) return { mime: IMAGE_TYPES.jpg, ext: 'jpg' };
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return { mime: IMAGE_TYPES.gif, ext: 'gif' };
  if (isWebp(bytes)) return { mime: IMAGE_TYPES.webp, ext: 'webp' };
  return null;
}
