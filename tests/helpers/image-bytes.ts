/**
 * Bytes that start like each accepted image type (what `sniffImage` reads), followed by
 * `label` so that differently labelled images have different hashes. Not decodable
 * pictures: the server never decodes images, it only checks their type and serves them.
 */
const ascii = (text: string) => [...new TextEncoder().encode(text)];

const MAGIC = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpg: [0xff, 0xd8, 0xff, 0xe0],
  gif: ascii('GIF89a'),
  webp: [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP8 ')],
} as const;

export function imageBytes(type: keyof typeof MAGIC, label: string = type, size = 0): Uint8Array {
  const start = [...MAGIC[type], ...ascii(label)];
  const bytes = new Uint8Array(Math.max(size, start.length));
  bytes.set(start);
  return bytes;
}
