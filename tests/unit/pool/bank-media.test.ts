/**
 * A bank's pool and its images: the editor's JSON (images as stored media URLs), one image
 * uploaded on its own, and the zip a bank downloads as.
 */
import { describe, expect, test } from 'bun:test';
import { unzipSync, zipSync } from 'fflate';
import { bankArchive, importBankUpload, parseBankPoolText, storeUploadedImage } from '../../../src/pool/bank-media';
import { sha256Hex, type MediaStore, type StoredMedia } from '../../../src/pool/media';
import { importPoolArchive } from '../../../src/pool/pool-import';
import { poolToInput } from '../../../src/pool/pool-input';
import { imageBytes } from '../../helpers/image-bytes';
import { makePool, makeQuestion } from '../../helpers/test-server';

function memoryMedia(): MediaStore & { stored: Map<string, StoredMedia> } {
  const stored = new Map<string, StoredMedia>();
  return {
    stored,
    putMedia: (image) => void stored.set(image.sha256, { mime: image.mime, ext: image.ext, bytes: image.bytes }),
    getMedia: (sha256) => stored.get(sha256) ?? null,
  };
}

describe('storeUploadedImage', () => {
  test('a PNG, JPEG, GIF or WebP is stored by hash and named by its URL', () => {
    const media = memoryMedia();
    for (const type of ['png', 'jpg', 'gif', 'webp'] as const) {
      const bytes = imageBytes(type, `upload-${type}`);
      expect(storeUploadedImage(bytes, media)).toEqual({ ok: true, url: `/media/${sha256Hex(bytes)}.${type}` });
    }
    expect(media.stored.size).toBe(4);
  });

  test('SVG, text and an image over 2 MiB are refused, and nothing is stored', () => {
    const media = memoryMedia();
    for (const bytes of [new TextEncoder().encode('<svg/>'), new TextEncoder().encode('hello'), imageBytes('png', 'big', 2 * 1024 * 1024 + 1)]) {
      const result = storeUploadedImage(bytes, media);
      expect(result.ok).toBe(false);
    }
    expect(media.stored.size).toBe(0);
  });
});

describe('parseBankPoolText', () => {
  test('an image must be a stored media URL with its stored extension', () => {
    const media = memoryMedia();
    const bytes = imageBytes('png', 'stored');
    const stored = storeUploadedImage(bytes, media);
    const url = stored.ok ? stored.url : '';
    const poolWith = (image: string) => JSON.stringify({ title: 'T', questions: [{ text: 'Q', choices: ['a', 'b'], answer: 'A', image }] });
    const accepted = parseBankPoolText(poolWith(url), media);
    expect(accepted.ok && accepted.pool.questions[0]!.image).toBe(url);
    for (const image of [url.replace('.png', '.gif'), `/media/${'f'.repeat(64)}.png`, 'tree.png', 'https://example.com/x.png']) {
      const refused = parseBankPoolText(poolWith(image), media);
      expect(refused.ok ? [] : refused.details.map((detail) => detail.path)).toEqual(['/questions/0/image']);
    }
  });
});

describe('bankArchive', () => {
  test('a zip of pool.json (images by file name) and the images, which imports as the same pool', () => {
    const media = memoryMedia();
    const bytes = imageBytes('webp', 'zipped');
    const stored = storeUploadedImage(bytes, media);
    const url = stored.ok ? stored.url : '';
    const pool = { ...makePool(1), questions: [makeQuestion({ image: url, image_alt: 'alt' }), makeQuestion()] };
    const zip = bankArchive(poolToInput(pool), media);
    const files = unzipSync(zip);
    const name = `${sha256Hex(bytes)}.webp`;
    expect(Object.keys(files).sort()).toEqual([name, 'pool.json']);
    expect(JSON.parse(new TextDecoder().decode(files['pool.json'])).questions[0].image).toBe(name);
    expect(importPoolArchive(zip, memoryMedia())).toEqual({ ok: true, pool });
  });
});

describe('importBankUpload', () => {
  test('pool JSON is one bank; a refused file gives its problems and stores no image', async () => {
    const media = memoryMedia();
    const json = new TextEncoder().encode(JSON.stringify(poolToInput(makePool(2))));
    expect(await importBankUpload({ name: 'week.json', bytes: json }, media)).toEqual({ ok: true, pools: [makePool(2)] });

    const pool = { title: 'T', questions: [{ text: 'Q', choices: ['a', 'b'], answer: 'Z', image: 'x.png' }] };
    const zip = zipSync({ 'pool.json': new TextEncoder().encode(JSON.stringify(pool)), 'x.png': imageBytes('png', 'refused') });
    const refused = await importBankUpload({ name: 'week.zip', bytes: zip }, media);
    expect(refused.ok ? [] : refused.details.map((detail) => detail.path)).toEqual(['/questions/0/answer']);
    expect(media.stored.size).toBe(0);
  });
});
