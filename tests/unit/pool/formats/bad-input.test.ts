/**
 * Hostile and broken files through every importer: each gives a clear refusal with a
 * path, never a throw, and nothing half-imported (a refusal carries no bank).
 */
import { describe, expect, test } from 'bun:test';
import { zipSync } from 'fflate';
import { importPoolFile, MAX_POOL_FILE_BYTES, type PoolFileImport } from '../../../../src/pool/pool-import';
import { writeTestXlsx } from '../../../helpers/xlsx-writer';
import { MOODLE_XML_SAMPLE } from './moodle-xml-sample';

const encode = (text: string) => new TextEncoder().encode(text);
const GIFT = 'Q1 {=yes ~no}\n\nÉté? {#3:1}\n';
const SAMPLES: Record<string, Uint8Array> = {
  'a.gift': encode(GIFT),
  'a.txt': encode('Q?\nA. a\nB. b\nANSWER: B\n'),
  'a.xml': encode(MOODLE_XML_SAMPLE),
  'a.csv': encode('text,choice_a,choice_b,answer\nQ,a,b,A\n'),
  'a.xlsx': writeTestXlsx([['text', 'choice_a', 'choice_b', 'answer'], ['Q', 'a', 'b', 'A']]),
  'a.json': encode('{"title":"t","questions":[{"text":"Q","choices":["a","b"],"answer":"A"}]}'),
};

function expectRefused(result: PoolFileImport): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.details.length).toBeGreaterThan(0);
  for (const detail of result.details) {
    expect(typeof detail.path).toBe('string');
    expect(detail.message.length).toBeGreaterThan(0);
    expect(detail.message.length).toBeLessThan(400);
  }
  expect('banks' in result).toBe(false);
}

/** A deterministic generator, so a failure can be replayed. */
function randomBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

describe('every sample imports as given', () => {
  for (const [name, bytes] of Object.entries(SAMPLES)) {
    test(name, async () => expect((await importPoolFile({ name, bytes })).ok).toBe(true));
  }
});

describe('fuzzing each importer', () => {
  for (const [name, bytes] of Object.entries(SAMPLES)) {
    test(`${name}: random bytes are refused clearly`, async () => {
      for (let seed = 1; seed <= 20; seed++) expectRefused(await importPoolFile({ name, bytes: randomBytes(seed, 64 + seed * 37) }));
    });

    test(`${name}: every truncation either imports or is refused, never throws`, async () => {
      for (let cut = 1; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 40))) {
        const result = await importPoolFile({ name, bytes: bytes.subarray(0, cut) });
        if (!result.ok) expectRefused(result);
      }
    });

    test(`${name}: a single flipped byte anywhere never throws`, async () => {
      for (let at = 0; at < bytes.length; at += Math.max(1, Math.floor(bytes.length / 40))) {
        const copy = bytes.slice();
        copy[at] = copy[at]! ^ 0x5a;
        const result = await importPoolFile({ name, bytes: copy });
        if (!result.ok) expectRefused(result);
      }
    });
  }
});

describe('encodings', () => {
  const utf16 = (text: string, littleEndian: boolean) => {
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set(littleEndian ? [0xff, 0xfe] : [0xfe, 0xff]);
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      bytes[2 + index * 2] = littleEndian ? code & 0xff : code >> 8;
      bytes[3 + index * 2] = littleEndian ? code >> 8 : code & 0xff;
    }
    return bytes;
  };
  const textOf = async (bytes: Uint8Array) => {
    const result = await importPoolFile({ name: 'e.gift', bytes });
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    return result.banks[0]!.pool.questions[1]!.text;
  };

  test('UTF-16 with a BOM, both byte orders, and UTF-8 with a BOM', async () => {
    expect(await textOf(utf16(GIFT, true))).toBe('Été?');
    expect(await textOf(utf16(GIFT, false))).toBe('Été?');
    expect(await textOf(new Uint8Array([0xef, 0xbb, 0xbf, ...encode(GIFT)]))).toBe('Été?');
  });

  test('Latin-1 (Windows-1252) bytes are converted, not refused', async () => {
    const latin1 = Uint8Array.from(GIFT, (char) => char.charCodeAt(0));
    expect(await textOf(latin1)).toBe('Été?');
  });

  test('CRLF and lone CR line ends read like LF', async () => {
    expect(await textOf(encode(GIFT.replace(/\n/g, '\r\n')))).toBe('Été?');
    const csv = await importPoolFile({ name: 'c.csv', bytes: encode('text,choice_a,choice_b,answer\r\nQ,a,b,A\r\n') });
    expect(csv.ok && csv.banks[0]!.pool.questions[0]!.answer).toBe('A');
  });

  test('binary bytes in a text format are refused with their line', async () => {
    expect(await importPoolFile({ name: 'b.gift', bytes: encode('Q {=a ~b}\n\nx\u0000y') })).toEqual({
      ok: false,
      format: 'gift',
      details: [{ path: 'line 3', message: expect.stringContaining('not text') }],
    });
  });
});

describe('size and structure bombs', () => {
  test('half a million tiny questions: reading stops at the file limit, one problem per limit', async () => {
    const result = await importPoolFile({ name: 'many.gift', bytes: encode('Q {=a ~b}\n\n'.repeat(500_000)) });
    expect(result).toEqual({
      ok: false,
      format: 'gift',
      details: [
        { path: 'line 1001', message: expect.stringContaining('more than 500 questions') },
        { path: 'line 10001', message: expect.stringContaining('more than 5000 questions; reading stopped here') },
      ],
    });
  }, 30_000);

  test('a CSV of a million rows and a question longer than any valid one are refused unread', async () => {
    const rows = await importPoolFile({ name: 'rows.csv', bytes: encode(`text\n${'Q\n'.repeat(1_000_000)}`) });
    expect(rows).toMatchObject({ ok: false, details: [{ message: expect.stringContaining('rows; a pool has at most 500 questions') }] });
    const long = await importPoolFile({ name: 'long.gift', bytes: encode(`${'x'.repeat(100_000)} {=a ~b}`) });
    expect(long).toMatchObject({ ok: false, details: [{ path: 'line 1', message: expect.stringContaining('longer than 64 KiB') }] });
  }, 30_000);

  test('a 50 MB file is refused by its size before it is read', async () => {
    const result = await importPoolFile({ name: 'big.gift', bytes: new Uint8Array(50 * 1024 * 1024) });
    expect(result).toEqual({ ok: false, format: null, details: [{ path: '/', message: `is 50.0 MiB; a pool file may be at most ${MAX_POOL_FILE_BYTES / 1024 / 1024} MiB` }] });
  });

  test('deeply nested XML is refused', async () => {
    const deep = `<quiz>\n${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</quiz>`;
    expect(await importPoolFile({ name: 'deep.xml', bytes: encode(deep) })).toEqual({
      ok: false,
      format: 'moodle-xml',
      details: [{ path: 'line 2', message: expect.stringContaining('nested more than 64 deep') }],
    });
  });

  test('billion laughs and external entities are refused before parsing (no DOCTYPE)', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><quiz><question type="multichoice"><questiontext><text>&lol9;</text></questiontext></question></quiz>`;
    expectRefused(await importPoolFile({ name: 'lol.xml', bytes: encode(laughs) }));
    const external = '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>';
    expectRefused(await importPoolFile({ name: 'xxe.xml', bytes: encode(external) }));
  });

  test('an xlsx zip bomb is refused by its declared size, and one that lies about its size is stopped', async () => {
    const huge = new Uint8Array(64 * 1024 * 1024);
    const bomb = zipSync({ 'xl/workbook.xml': encode('<workbook/>'), 'xl/worksheets/sheet1.xml': huge }, { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_POOL_FILE_BYTES);
    const result = await importPoolFile({ name: 'bomb.xlsx', bytes: bomb });
    expect(result).toEqual({ ok: false, format: 'xlsx', details: [{ path: '/', message: expect.stringContaining('a workbook may inflate to at most 24 MiB') }] });

    // The same bomb with the directory's sizes rewritten to 1 KiB: inflating stops at the declared size.
    const liar = bomb.slice();
    const view = new DataView(liar.buffer);
    for (let at = 0; at < liar.length - 4; at++) {
      const signature = view.getUint32(at, true);
      if (signature === 0x02014b50 && view.getUint32(at + 24, true) === huge.length) view.setUint32(at + 24, 1024, true);
      if (signature === 0x04034b50 && view.getUint32(at + 22, true) === huge.length) view.setUint32(at + 22, 1024, true);
    }
    expectRefused(await importPoolFile({ name: 'liar.xlsx', bytes: liar }));
  }, 30_000);

  test('an unknown extension is refused by name; nothing is guessed', async () => {
    expect(await importPoolFile({ name: 'notes.docx', bytes: encode('hello') })).toEqual({
      ok: false,
      format: null,
      details: [{ path: '/', message: expect.stringContaining('"notes.docx" is not a pool file this app reads') }],
    });
  });
});
