/**
 * Draws examples/showcase/tree.png: a small binary-tree diagram, written with a minimal
 * PNG encoder (2-bit palette, one zlib-compressed IDAT), so the example's image has a
 * known origin and stays a few hundred bytes. Run: `bun scripts/draw-showcase-tree.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const WIDTH = 120;
const HEIGHT = 84;
/** Palette: background, edges, inner nodes, leaves. */
const PALETTE = [
  [255, 255, 255],
  [90, 90, 100],
  [46, 125, 50],
  [141, 110, 99],
];
const [BACKGROUND, EDGE, NODE, LEAF] = [0, 1, 2, 3];

const pixels = new Uint8Array(WIDTH * HEIGHT).fill(BACKGROUND);
const plot = (x: number, y: number, color: number) => {
  if (x >= 0 && x < WIDTH && y >= 0 && y < HEIGHT) pixels[y * WIDTH + Math.round(x)] = color;
};

function line(x0: number, y0: number, x1: number, y1: number): void {
  const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
  for (let step = 0; step <= steps; step++) {
    const x = x0 + ((x1 - x0) * step) / steps;
    const y = Math.round(y0 + ((y1 - y0) * step) / steps);
    plot(x, y, EDGE);
    plot(x + 1, y, EDGE);
  }
}

function disc(cx: number, cy: number, radius: number, color: number): void {
  for (let y = -radius; y <= radius; y++) {
    for (let x = -radius; x <= radius; x++) if (x * x + y * y <= radius * radius) plot(cx + x, cy + y, color);
  }
}

const levels = [[60], [30, 90], [15, 45, 75, 105]];
const ys = [14, 42, 70];
for (let level = 0; level + 1 < levels.length; level++) {
  levels[level]!.forEach((x, index) => {
    for (const child of [2 * index, 2 * index + 1]) line(x, ys[level]!, levels[level + 1]![child]!, ys[level + 1]!);
  });
}
levels.forEach((xs, level) => xs.forEach((x) => disc(x, ys[level]!, 7, level === levels.length - 1 ? LEAF : NODE)));

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, Bun.hash.crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function encodePng(): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, WIDTH);
  view.setUint32(4, HEIGHT);
  header.set([2, 3, 0, 0, 0], 8); // bit depth 2, palette colour, deflate, adaptive filter, no interlace
  const rowBytes = Math.ceil((WIDTH * 2) / 8);
  const raw = new Uint8Array(HEIGHT * (1 + rowBytes));
  for (let y = 0; y < HEIGHT; y++) {
    const row = y * (1 + rowBytes); // filter byte 0 (none), then 4 pixels per byte
    for (let x = 0; x < WIDTH; x++) raw[row + 1 + (x >> 2)]! |= pixels[y * WIDTH + x]! << (6 - 2 * (x & 3));
  }
  return new Uint8Array(
    Buffer.concat([
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('PLTE', new Uint8Array(PALETTE.flat())),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}

const path = join(import.meta.dir, '../examples/showcase/tree.png');
const png = encodePng();
writeFileSync(path, png);
console.log(`wrote ${path} (${png.length} bytes)`);
