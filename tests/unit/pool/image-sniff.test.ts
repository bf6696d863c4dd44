import { describe, expect, test } from 'bun:test';
import { sniffImage } from '../../../src/pool/image-sniff';

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((char) => char.charCodeAt(0)) : part)));

const PNG = bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR');
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF');
const webp = (chunk: string) => bytes('RIFF', [36, 0, 0, 0], 'WEBP', chunk, [0, 0, 0, 0]);

describe('sniffImage: the four accepted types, by their first bytes', () => {
  test.each([
    ['PNG', PNG, { mime: 'image/png', ext: 'png' }],
    ['JPEG (JFIF)', JPEG, { mime: 'image/jpeg', ext: 'jpg' }],
    ['JPEG (Exif)', bytes([0xff, 0xd8, 0xff, 0xe1, 0, 16], 'Exif'), { mime: 'image/jpeg', ext: 'jpg' }],
    ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), { mime: 'image/gif', ext: 'gif' }],
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), { mime: 'image/gif', ext: 'gif' }],
    ['WebP lossy', webp('VP8 '), { mime: 'image/webp', ext: 'webp' }],
    ['WebP lossless', webp('VP8L'), { mime: 'image/webp', ext: 'webp' }],
    ['WebP extended', webp('VP8X'), { mime: 'image/webp', ext: 'webp' }],
  ])('%s', (_, image, expected) => {
    expect(sniffImage(image)).toEqual(expected as never);
  });
});

describe('sniffImage: anything else is not an image', () => {
  test.each([
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['SVG with an XML declaration', bytes('<?xml version="1.0"?><svg/>')],
    ['text', bytes('just some notes about the tree')],
    ['HTML', bytes('<!doctype html><img src=x onerror=alert(1)>')],
    ['empty', new Uint8Array(0)],
    ['a truncated PNG signature', PNG.subarray(0, 7)],
    ['a PNG signature one byte off', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0b])],
    ['two JPEG bytes', bytes([0xff, 0xd8])],
    ['GIF90a', bytes('GIF90a', [1, 0])],
    ['RIFF WAVE audio', bytes('RIFF', [36, 0, 0, 0], 'WAVEfmt ')],
    ['RIFF WEBP without a VP8 chunk', bytes('RIFF', [36, 0, 0, 0], 'WEBPJUNK')],
    ['BMP', bytes('BM', [0, 0, 0, 0])],
    ['PDF', bytes('%PDF-1.7')],
    ['a PNG signature not at the start', bytes([0, ...PNG])],
  ])('%s', (_, notAnImage) => {
    expect(sniffImage(notAnImage)).toBeNull();
  });
});
