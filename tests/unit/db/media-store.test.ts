import { afterEach, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMediaStore } from '../../../src/db/media-store';
import { openDb, type QuizDatabase } from '../../../src/db/open';
import { media } from '../../../src/db/schema';
import { sha256Hex, type PoolImage } from '../../../src/pool/media';
import { imageBytes } from '../../helpers/image-bytes';

const opened: Array<{ db: QuizDatabase; dir: string }> = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function openTempDb(dir = mkdtempSync(join(tmpdir(), 'media-store-'))) {
  const db = openDb(join(dir, 'quiz.db'));
  opened.push({ db, dir });
  return { db, dir };
}

function pngImage(label: string, size = 0): PoolImage {
  const bytes = imageBytes('png', label, size);
  return { name: `${label}.png`, bytes, mime: 'image/png', ext: 'png', sha256: sha256Hex(bytes) };
}

test('an image put is got back by its hash: type, extension and the same bytes', () => {
  const store = createMediaStore(openTempDb().db, { now: () => 1234 });
  const tree = pngImage('tree', 300_000);
  store.putMedia(tree);
  const stored = store.getMedia(tree.sha256);
  expect(stored).not.toBeNull();
  expect(stored!.mime).toBe('image/png');
  expect(stored!.ext).toBe('png');
  expect(stored!.bytes).toBeInstanceOf(Uint8Array);
  expect(Buffer.from(stored!.bytes).equals(Buffer.from(tree.bytes))).toBe(true);
});

test('an unknown hash is null', () => {
  const store = createMediaStore(openTempDb().db);
  expect(store.getMedia('0'.repeat(64))).toBeNull();
  expect(store.getMedia('not a hash')).toBeNull();
});

test('putting the same image twice stores one row and keeps the first', () => {
  const { db } = openTempDb();
  let now = 1000;
  const store = createMediaStore(db, { now: () => now });
  const tree = pngImage('tree');
  store.putMedia(tree);
  now = 2000;
  const sameBytesOtherName: PoolImage = { ...tree, name: 'copy-of-tree.png' };
  store.putMedia(sameBytesOtherName);
  const rows = db.select({ sha256: media.sha256, size: media.size, createdAtMs: media.createdAtMs }).from(media).all();
  expect(rows).toEqual([{ sha256: tree.sha256, size: tree.bytes.length, createdAtMs: 1000 }]);
});

test('different images are stored side by side', () => {
  const store = createMediaStore(openTempDb().db);
  const [tree, leaf] = [pngImage('tree'), pngImage('leaf')];
  store.putMedia(tree);
  store.putMedia(leaf);
  expect(Buffer.from(store.getMedia(tree.sha256)!.bytes).equals(Buffer.from(tree.bytes))).toBe(true);
  expect(Buffer.from(store.getMedia(leaf.sha256)!.bytes).equals(Buffer.from(leaf.bytes))).toBe(true);
});

test('an image whose bytes do not match its hash is refused (it would be served under the wrong address)', () => {
  const { db } = openTempDb();
  const store = createMediaStore(db);
  const tree = pngImage('tree');
  expect(() => store.putMedia({ ...tree, sha256: pngImage('leaf').sha256 })).toThrow('do not hash to');
  expect(db.select().from(media).all()).toEqual([]);
});

test('a view into a larger buffer is stored as just its own bytes', () => {
  const store = createMediaStore(openTempDb().db);
  const backing = new Uint8Array(1000).fill(7);
  const own = imageBytes('png', 'inside');
  backing.set(own, 100);
  const view = backing.subarray(100, 100 + own.length);
  store.putMedia({ bytes: view, mime: 'image/png', ext: 'png', sha256: sha256Hex(view) });
  expect(Buffer.from(store.getMedia(sha256Hex(own))!.bytes).equals(Buffer.from(own))).toBe(true);
});

test('images survive closing and reopening the database (the media migration is applied once)', () => {
  const { db, dir } = openTempDb();
  const tree = pngImage('tree');
  createMediaStore(db).putMedia(tree);
  db.$client.close();
  opened.splice(0);
  const reopened = openTempDb(dir);
  expect(createMediaStore(reopened.db).getMedia(tree.sha256)?.ext).toBe('png');
});
