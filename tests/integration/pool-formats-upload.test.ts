/**
 * The console's pool upload with `?filename=`: every import format loads through it, a
 * GIFT file's categories become one pool, Moodle XML's embedded image is stored and
 * served, and a refused file loads nothing and stores no image.
 */
import { describe, expect, test } from 'bun:test';
import { sha256Hex } from '../../src/pool/media';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { writeTestXlsx } from '../helpers/xlsx-writer';
import { MOODLE_XML_SAMPLE, PNG } from '../unit/pool/formats/moodle-xml-sample';

const worlds = useTestWorlds();
const encode = (text: string) => new TextEncoder().encode(text);

async function upload(w: TestWorld, filename: string, bytes: Uint8Array): Promise<Response> {
  return w.http(`/admin/api/pool?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    cookie: await w.adminLogin(),
    headers: { 'content-type': 'application/octet-stream' },
    body: new Blob([new Uint8Array(bytes)]),
  });
}

async function loadedPool(w: TestWorld) {
  return (await (await w.http('/admin/api/state', { cookie: await w.adminLogin() })).json()).pool;
}

describe('POST /admin/api/pool?filename=…', () => {
  const files: [string, Uint8Array, number][] = [
    ['week.gift', encode('$CATEGORY: A\n\nQ1 {=a ~b}\n\n$CATEGORY: B\n\nQ2 {#2:0.5}\n'), 2],
    ['aiken.txt', encode('Q?\nA. a\nB. b\nANSWER: B\n'), 1],
    ['moodle.xml', encode(MOODLE_XML_SAMPLE), 4],
    ['sheet.csv', encode('text,choice_a,choice_b,answer\nQ,a,b,A\n'), 1],
    ['sheet.xlsx', writeTestXlsx([['text', 'choice_a', 'choice_b', 'answer'], ['Q', 'a', 'b', 'A']]), 1],
  ];
  for (const [filename, bytes, count] of files) {
    test(`${filename} loads as the pool, titled after the file`, async () => {
      const w = await worlds.start({ pool: makePool(2) });
      const response = await upload(w, filename, bytes);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ok: true, questions: count, title: filename.replace(/\.[a-z]+$/, '') });
      expect((await loadedPool(w)).questions).toHaveLength(count);
    });
  }

  test('the Moodle XML image is stored and served at its /media URL', async () => {
    const w = await worlds.start({ pool: makePool(2) });
    expect((await upload(w, 'moodle.xml', encode(MOODLE_XML_SAMPLE))).status).toBe(200);
    const url = `/media/${sha256Hex(new Uint8Array(PNG))}.png`;
    expect((await loadedPool(w)).questions[0].image).toBe(url);
    expect((await w.http(url)).status).toBe(200);
  });

  test('a refused file loads nothing, stores no image, and lists problems by line', async () => {
    const w = await worlds.start({ pool: makePool(2) });
    const broken = MOODLE_XML_SAMPLE.replace('<question type="truefalse">', '<question type="essay">');
    const response = await upload(w, 'moodle.xml', encode(broken));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ error: 'invalid_pool', details: [{ path: expect.stringMatching(/^line \d+$/), message: expect.stringContaining('essay') }] });
    expect((await loadedPool(w)).questions).toHaveLength(2);
    expect((await w.http(`/media/${sha256Hex(new Uint8Array(PNG))}.png`)).status).toBe(404);
  });
});
