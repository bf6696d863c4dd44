import { afterEach, describe, expect, spyOn, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inflate, strToU8, Zip, ZipDeflate, zipSync, type Zippable } from 'fflate';
import {
  MAX_ARCHIVE_ENTRIES,
  MAX_IMAGE_BYTES,
  MAX_POOL_IMAGES_BYTES,
  MAX_POOL_JSON_BYTES,
  readPoolArchive,
} from '../../../src/pool/pool-archive';
import { sha256Hex } from '../../../src/pool/media';
import type { PoolError } from '../../../src/protocol/pool';
import { craftZip } from '../../helpers/crafted-zip';
import { imageBytes } from '../../helpers/image-bytes';

const POOL_TEXT = JSON.stringify({ title: 'Trees', questions: [{ text: 'Which?', choices: ['a', 'b'], answer: 'A', image: 'tree.png' }] });
const poolJson = () => strToU8(POOL_TEXT);

/** Counts the compressed bytes handed to fflate's inflater, to prove what was (not) inflated. */
let inflateSpy: { mockRestore(): void } | null = null;
function countInflatedInput(): () => number {
  const spy = spyOn(Inflate.prototype, 'push');
  inflateSpy = spy;
  return () => spy.mock.calls.reduce((sum, [chunk]) => sum + chunk.length, 0);
}
afterEach(() => {
  inflateSpy?.mockRestore();
  inflateSpy = null;
});

function accepted(zip: Uint8Array) {
  const result = readPoolArchive(zip);
  if (!result.ok) throw new Error(`expected the archive to be accepted: ${JSON.stringify(result.details)}`);
  return result;
}

function refused(zip: Uint8Array): PoolError[] {
  const result = readPoolArchive(zip);
  if (result.ok) throw new Error('expected the archive to be refused');
  expect(result.details.length).toBeGreaterThan(0);
  for (const detail of result.details) expect(detail.message.length).toBeGreaterThan(0);
  return result.details;
}

const firstHalf = (bytes: Uint8Array) => bytes.subarray(0, Math.floor(bytes.length / 2));
const messageAt = (details: PoolError[], path: string) => details.find((detail) => detail.path === path)?.message;

describe('readPoolArchive: archives it accepts', () => {
  test('pool.json and one image of each type: the text, and each image by its name with type and hash', () => {
    const files = {
      'tree.png': imageBytes('png', 'tree'),
      'photo.jpg': imageBytes('jpg', 'photo'),
      'scan.jpeg': imageBytes('jpg', 'scan'),
      'anim.gif': imageBytes('gif', 'anim'),
      'leaf.webp': imageBytes('webp', 'leaf'),
      'img/nested.PNG': imageBytes('png', 'nested'),
    };
    const result = accepted(zipSync({ 'pool.json': poolJson(), ...files }));
    expect(result.poolText).toBe(POOL_TEXT);
    expect([...result.images.keys()].sort()).toEqual(Object.keys(files).sort());
    const types = Object.fromEntries([...result.images].map(([name, image]) => [name, [image.mime, image.ext]]));
    expect(types).toEqual({
      'tree.png': ['image/png', 'png'],
      'photo.jpg': ['image/jpeg', 'jpg'],
      'scan.jpeg': ['image/jpeg', 'jpg'],
      'anim.gif': ['image/gif', 'gif'],
      'leaf.webp': ['image/webp', 'webp'],
      'img/nested.PNG': ['image/png', 'png'],
    });
    for (const [name, image] of result.images) {
      expect(image.name).toBe(name);
      expect(Buffer.from(image.bytes).equals(Buffer.from(files[name as keyof typeof files]))).toBe(true);
      expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(image.sha256).toBe(new Bun.CryptoHasher('sha256').update(image.bytes).digest('hex'));
    }
  });

  test('sha256Hex is the SHA-256 of the bytes in lower-case hex', () => {
    expect(sha256Hex(strToU8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('pool.json alone (a pool without images)', () => {
    const result = accepted(zipSync({ 'pool.json': poolJson() }));
    expect(result.poolText).toBe(POOL_TEXT);
    expect(result.images.size).toBe(0);
  });

  test('everything inside one top folder (a Mac\'s "Compress"): the folder is stripped from the names', () => {
    const zip = zipSync({
      'showcase/': new Uint8Array(0),
      'showcase/pool.json': poolJson(),
      'showcase/tree.png': imageBytes('png'),
      'showcase/img/leaf.gif': imageBytes('gif'),
      'showcase/.DS_Store': strToU8('Bud1 finder junk'),
      '__MACOSX/showcase/._tree.png': strToU8('resource fork'),
      '__MACOSX/._showcase': strToU8('resource fork'),
    });
    const result = accepted(zip);
    expect(result.poolText).toBe(POOL_TEXT);
    expect([...result.images.keys()].sort()).toEqual(['img/leaf.gif', 'tree.png']);
  });

  test('a folder is not stripped when pool.json sits at the top', () => {
    const result = accepted(zipSync({ 'pool.json': poolJson(), 'img/tree.png': imageBytes('png') }));
    expect([...result.images.keys()]).toEqual(['img/tree.png']);
  });

  test('__MACOSX/ entries, .DS_Store files and folder entries are ignored silently, whatever they hold', () => {
    const result = accepted(
      zipSync({
        'pool.json': poolJson(),
        '.DS_Store': strToU8('junk'),
        'img/.DS_Store': strToU8('junk'),
        '__MACOSX/._pool.json': strToU8('<svg/>'),
        '__MACOSX/evil.svg': strToU8('<svg onload="alert(1)"/>'),
        'empty/': new Uint8Array(0),
      }),
    );
    expect(result.images.size).toBe(0);
  });

  test('stored (uncompressed) entries are read too', () => {
    const result = accepted(zipSync({ 'pool.json': [poolJson(), { level: 0 }], 'tree.png': [imageBytes('png'), { level: 0 }] }));
    expect(result.images.get('tree.png')!.ext).toBe('png');
  });

  test('entries written with data descriptors (sizes after the data, as streaming zippers write them)', () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      parts.push(chunk);
    });
    for (const [name, bytes] of [['pool.json', poolJson()], ['tree.png', imageBytes('png', 'tree', 70_000)]] as const) {
      const entry = new ZipDeflate(name, { level: 6 });
      zip.add(entry);
      entry.push(bytes, true);
    }
    zip.end();
    const bytes = new Uint8Array(Buffer.concat(parts));
    expect(new DataView(bytes.buffer).getUint16(6, true) & 8).toBe(8);
    const result = accepted(bytes);
    expect(result.poolText).toBe(POOL_TEXT);
    expect(result.images.get('tree.png')!.bytes.length).toBe(70_000);
  });

  test('Unicode names are kept as written; a byte-order mark before pool.json is dropped', () => {
    const result = accepted(zipSync({ 'pool.json': strToU8(`\uFEFF${POOL_TEXT}`), 'café.png': imageBytes('png') }));
    expect(result.poolText).toBe(POOL_TEXT);
    expect([...result.images.keys()]).toEqual(['café.png']);
  });

  test(`exactly at the limits: an image of ${MAX_IMAGE_BYTES} bytes, images totalling ${MAX_POOL_IMAGES_BYTES}, ${MAX_ARCHIVE_ENTRIES} entries`, () => {
    const files: Zippable = { 'pool.json': poolJson() };
    const perImage = MAX_POOL_IMAGES_BYTES / 10;
    expect(perImage).toBe(MAX_IMAGE_BYTES);
    for (let index = 0; index < 10; index++) files[`big-${index}.png`] = imageBytes('png', `big-${index}`, perImage);
    for (let index = 10; index < MAX_ARCHIVE_ENTRIES - 1; index++) files[`dir/${index}/`] = new Uint8Array(0);
    expect(Object.keys(files)).toHaveLength(MAX_ARCHIVE_ENTRIES);
    expect(accepted(zipSync(files)).images.size).toBe(10);
  });
});

test('examples/showcase/tree.png is a small PNG an archive accepts', () => {
  const tree = new Uint8Array(readFileSync(join(import.meta.dir, '../../../examples/showcase/tree.png')));
  expect(tree.length).toBeLessThan(1024);
  const image = accepted(zipSync({ 'showcase/pool.json': poolJson(), 'showcase/tree.png': tree })).images.get('tree.png')!;
  expect([image.mime, image.ext]).toEqual(['image/png', 'png']);
});

describe('readPoolArchive: zip bombs are refused by their declared sizes, before inflating', () => {
  test('a directory declaring a huge image is refused without inflating a byte of it', () => {
    const inflatedInput = countInflatedInput();
    const zip = craftZip([
      { name: 'pool.json', content: poolJson() },
      // Garbage data: inflating it would be a different error ("corrupt"), so the size refusal is what stopped it.
      { name: 'bomb.png', rawData: crypto.getRandomValues(new Uint8Array(4096)), declaredSize: 0xf000_0000 },
    ]);
    const details = refused(zip);
    expect(messageAt(details, '/media/bomb.png')).toContain('an image may be at most 2 MiB');
    expect(messageAt(details, '/media')).toContain('may total at most 20 MiB');
    expect(details.some((detail) => detail.message.includes('corrupt'))).toBe(false);
    expect(inflatedInput()).toBe(0);
  });

  test('one byte over an image\'s limit is refused by its declared size', () => {
    const inflatedInput = countInflatedInput();
    const details = refused(zipSync({ 'pool.json': poolJson(), 'tree.png': imageBytes('png', 'tree', MAX_IMAGE_BYTES + 1) }));
    expect(details).toEqual([{ path: '/media/tree.png', message: 'is 2,097,153 bytes; an image may be at most 2 MiB' }]);
    expect(inflatedInput()).toBe(0);
  });

  test('images each within the limit but over 20 MiB together are refused, nothing inflated', () => {
    const inflatedInput = countInflatedInput();
    const files: Zippable = { 'pool.json': poolJson() };
    for (let index = 0; index < 11; index++) files[`image-${index}.png`] = imageBytes('png', `${index}`, MAX_IMAGE_BYTES);
    const details = refused(zipSync(files));
    expect(details).toEqual([{ path: '/media', message: "the images add up to 22 MiB; a pool's images may total at most 20 MiB" }]);
    expect(inflatedInput()).toBe(0);
  });

  test('a pool.json over 1 MiB is refused by its declared size', () => {
    const details = refused(zipSync({ 'pool.json': new Uint8Array(MAX_POOL_JSON_BYTES + 1).fill(0x20) }));
    expect(messageAt(details, '/pool.json')).toBe('is 1,048,577 bytes; it may be at most 1 MiB');
  });
});

describe('readPoolArchive: an entry that lies low is stopped once its output passes what it declared', () => {
  test('declares 100 bytes, would inflate to 64 MiB: refused after inflating only the first few KiB', () => {
    const huge = imageBytes('png', 'zeros', 64 * 1024 * 1024);
    const zip = craftZip([
      { name: 'pool.json', content: poolJson() },
      { name: 'liar.png', content: huge, declaredSize: 100 },
    ]);
    const compressedSize = zip.length;
    expect(compressedSize).toBeGreaterThan(50_000);
    const inflatedInput = countInflatedInput();
    const details = refused(zip);
    expect(details).toEqual([
      {
        path: '/media/liar.png',
        message: 'inflates to more than the 100 bytes its archive entry declares (refused as a possible zip bomb)',
      },
    ]);
    // pool.json plus one slice of the liar: far less than its ~65 KB of compressed data.
    expect(inflatedInput()).toBeLessThanOrEqual(8192);
  });

  test('within the image limit but more than declared is refused the same way', () => {
    const details = refused(
      craftZip([
        { name: 'pool.json', content: poolJson() },
        { name: 'tree.png', content: imageBytes('png', 'tree', 5000), declaredSize: 4999 },
      ]),
    );
    expect(messageAt(details, '/media/tree.png')).toContain('inflates to more than the 4999 bytes');
  });

  test('a stored entry whose data is longer than declared is refused', () => {
    const details = refused(
      craftZip([
        { name: 'pool.json', content: poolJson() },
        { name: 'tree.png', content: imageBytes('png', 'tree', 300), stored: true, declaredSize: 200 },
      ]),
    );
    expect(messageAt(details, '/media/tree.png')).toContain('inflates to more than the 200 bytes');
  });

  test('fewer bytes than declared is a corrupt entry', () => {
    const details = refused(
      craftZip([
        { name: 'pool.json', content: poolJson() },
        { name: 'tree.png', content: imageBytes('png', 'tree', 100), declaredSize: 200 },
      ]),
    );
    expect(messageAt(details, '/media/tree.png')).toBe('is corrupt: 100 bytes where its entry declares 200');
  });

  test('a local header disagreeing with the directory about the size is a corrupt entry', () => {
    const details = refused(
      craftZip([
        { name: 'pool.json', content: poolJson() },
        { name: 'tree.png', content: imageBytes('png', 'tree', 100), localDeclaredSize: 5_000_000 },
      ]),
    );
    expect(messageAt(details, '/media/tree.png')).toBe('is corrupt: its two size headers disagree');
  });
});

describe('readPoolArchive: unsafe names', () => {
  test.each([
    ['../evil.png', 'has ".." in its name'],
    ['img/../../evil.png', 'has ".." in its name'],
    ['/abs.png', 'has an absolute path'],
    ['C:/windows.png', 'has an absolute path'],
    ['a\\b.png', 'has a backslash in its name'],
    ['..\\evil.png', 'has a backslash in its name'],
    ['a//b.png', 'has an empty or "." folder in its name'],
    ['./tree.png', 'has an empty or "." folder in its name'],
    ['tree\u0000.png', 'has control characters in its name'],
    ['__MACOSX/../../evil.png', 'has ".." in its name'],
  ])('%s', (name, message) => {
    const details = refused(craftZip([{ name: 'pool.json', content: poolJson() }, { name, content: imageBytes('png') }]));
    expect(details).toHaveLength(1);
    expect(details[0]!.path).toBe(`/media/${name}`);
    expect(details[0]!.message).toStartWith(message);
  });

  test('a name given twice is refused', () => {
    const details = refused(
      craftZip([
        { name: 'pool.json', content: poolJson() },
        { name: 'tree.png', content: imageBytes('png', 'one') },
        { name: 'tree.png', content: imageBytes('png', 'two') },
      ]),
    );
    expect(details).toEqual([{ path: '/media/tree.png', message: 'appears twice in the archive' }]);
  });

  test('a very long name is cut in the error path', () => {
    const name = `${'a'.repeat(5000)}/../x.png`;
    const details = refused(craftZip([{ name: 'pool.json', content: poolJson() }, { name, content: imageBytes('png') }]));
    expect(details[0]!.path.length).toBeLessThan(220);
    expect(details[0]!.path).toEndWith('…');
  });
});

describe('readPoolArchive: too many files', () => {
  test(`${MAX_ARCHIVE_ENTRIES + 1} entries are refused, and nothing is inflated`, () => {
    const inflatedInput = countInflatedInput();
    const files: Zippable = { 'pool.json': poolJson() };
    for (let index = 1; index <= MAX_ARCHIVE_ENTRIES; index++) files[`image-${index}.png`] = imageBytes('png', `${index}`);
    expect(Object.keys(files)).toHaveLength(MAX_ARCHIVE_ENTRIES + 1);
    const details = refused(zipSync(files));
    expect(details).toEqual([{ path: '/', message: 'the archive holds more than 200 files' }]);
    expect(inflatedInput()).toBe(0);
  });

  test('ignored entries count too: 201 entries of which most are __MACOSX/', () => {
    const files: Zippable = { 'pool.json': poolJson() };
    for (let index = 1; index <= MAX_ARCHIVE_ENTRIES; index++) files[`__MACOSX/._${index}`] = strToU8('x');
    expect(messageAt(refused(zipSync(files)), '/')).toBe('the archive holds more than 200 files');
  });
});

describe('readPoolArchive: files that are not what they say', () => {
  test('a GIF named .png lies about its type', () => {
    const details = refused(zipSync({ 'pool.json': poolJson(), 'tree.png': imageBytes('gif') }));
    expect(details).toEqual([{ path: '/media/tree.png', message: 'is named as a PNG image but holds a GIF image' }]);
  });

  test('a PNG named .jpg, and a WebP named .gif', () => {
    const details = refused(zipSync({ 'pool.json': poolJson(), 'a.jpg': imageBytes('png'), 'b.gif': imageBytes('webp') }));
    expect(messageAt(details, '/media/a.jpg')).toBe('is named as a JPEG image but holds a PNG image');
    expect(messageAt(details, '/media/b.gif')).toBe('is named as a GIF image but holds a WebP image');
  });

  test('a text file named .jpg is not an image', () => {
    const details = refused(zipSync({ 'pool.json': poolJson(), 'photo.jpg': strToU8('not really a photo') }));
    expect(details).toEqual([{ path: '/media/photo.jpg', message: 'is not a JPEG image: its bytes are not a PNG, JPEG, WebP or GIF image' }]);
  });

  test('an SVG is refused by its name, and SVG bytes named .png by their bytes', () => {
    const svg = strToU8('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    const details = refused(zipSync({ 'pool.json': poolJson(), 'diagram.svg': svg, 'diagram.png': svg }));
    expect(messageAt(details, '/media/diagram.svg')).toBe('SVG images are not accepted (they can carry scripts); use PNG, JPEG, WebP or GIF');
    expect(messageAt(details, '/media/diagram.png')).toStartWith('is not a PNG image');
  });

  test('an image of a type not accepted', () => {
    const details = refused(zipSync({ 'pool.json': poolJson(), 'tree.bmp': strToU8('BM....'), 'tree.TIFF': strToU8('II*') }));
    expect(messageAt(details, '/media/tree.bmp')).toBe('BMP images are not accepted; use PNG, JPEG, WebP or GIF');
    expect(messageAt(details, '/media/tree.TIFF')).toBe('TIFF images are not accepted; use PNG, JPEG, WebP or GIF');
  });

  test('a file that is neither pool.json nor an image, even when its bytes are an image', () => {
    const details = refused(
      zipSync({ 'pool.json': poolJson(), 'notes.txt': strToU8('notes'), 'tree': imageBytes('png'), 'img/pool.json': poolJson() }),
    );
    for (const name of ['notes.txt', 'tree', 'img/pool.json']) {
      expect(messageAt(details, `/media/${name}`)).toBe('is neither pool.json nor an image (PNG, JPEG, WebP or GIF)');
    }
  });

  test('a pool.json that is not UTF-8', () => {
    const details = refused(zipSync({ 'pool.json': new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }));
    expect(details).toEqual([{ path: '/pool.json', message: 'is not UTF-8 text' }]);
  });
});

describe('readPoolArchive: missing pool.json and unreadable zips', () => {
  test('no pool.json', () => {
    const details = refused(zipSync({ 'tree.png': imageBytes('png'), 'leaf.png': imageBytes('png', 'leaf') }));
    expect(details).toEqual([{ path: '/pool.json', message: 'is missing: the archive must hold pool.json, at its top or in its one folder' }]);
  });

  test('an empty zip has no pool.json', () => {
    expect(refused(zipSync({}))).toEqual([expect.objectContaining({ path: '/pool.json' })]);
  });

  test.each([
    ['random bytes', crypto.getRandomValues(new Uint8Array(2000))],
    ['an empty body', new Uint8Array(0)],
    ['JSON', strToU8(POOL_TEXT)],
    ['the first half of a zip', firstHalf(zipSync({ 'pool.json': poolJson(), 'noise.png': crypto.getRandomValues(new Uint8Array(5000)) }))],
  ])('%s: not a readable zip file', (_, bytes) => {
    const details = refused(bytes);
    expect(details).toHaveLength(1);
    expect(details[0]!.path).toBe('/');
    expect(details[0]!.message).toStartWith('not a readable zip file');
  });

  test('garbled compressed data is a corrupt entry', () => {
    const garbage = new Uint8Array(512).fill(0xff);
    const details = refused(craftZip([{ name: 'pool.json', content: poolJson() }, { name: 'tree.png', rawData: garbage, declaredSize: 1000 }]));
    expect(messageAt(details, '/media/tree.png')).toStartWith('is corrupt');
  });

  test('a zip whose entry data is cut short', () => {
    const zip = craftZip([
      { name: 'pool.json', content: poolJson() },
      { name: 'tree.png', content: crypto.getRandomValues(new Uint8Array(3000)), stored: true },
    ]);
    // Move the directory 1000 bytes earlier, over the end of tree.png's data.
    const directory = zip.subarray(zip.length - (46 * 2 + 'pool.json'.length + 'tree.png'.length + 22));
    const cut = new Uint8Array(Buffer.concat([zip.subarray(0, zip.length - directory.length - 1000), directory]));
    const details = refused(cut);
    expect(details.some((detail) => detail.message.includes('corrupt') || detail.message.startsWith('not a readable zip file'))).toBe(true);
  });

  test('an entry compressed with a method this server cannot read', () => {
    const zip = zipSync({ 'pool.json': poolJson(), 'tree.png': [imageBytes('png'), { level: 0 }] });
    // Set tree.png's method to 14 (LZMA) in its central-directory record.
    const view = new DataView(zip.buffer, zip.byteOffset);
    for (let offset = 0; offset < zip.length - 4; offset++) {
      if (view.getUint32(offset, true) === 0x02014b50 && new TextDecoder().decode(zip.subarray(offset + 46, offset + 54)) === 'tree.png') {
        view.setUint16(offset + 10, 14, true);
      }
    }
    expect(messageAt(refused(zip), '/media/tree.png')).toStartWith('is compressed with a method this server cannot read (14)');
  });
});

describe('readPoolArchive: every problem in one answer', () => {
  test('names, types and a missing pool.json are all reported together', () => {
    const zip = craftZip([
      { name: '../evil.png', content: imageBytes('png') },
      { name: 'tree.png', content: imageBytes('gif') },
      { name: 'diagram.svg', content: strToU8('<svg/>') },
      { name: 'photo.jpg', content: strToU8('text') },
      { name: 'notes.txt', content: strToU8('notes') },
      { name: 'ok.png', content: imageBytes('png') },
    ]);
    expect(refused(zip).map((detail) => detail.path).sort()).toEqual(
      ['/media/../evil.png', '/media/diagram.svg', '/media/notes.txt', '/media/photo.jpg', '/media/tree.png', '/pool.json'].sort(),
    );
  });
});
