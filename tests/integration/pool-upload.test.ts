/**
 * Loading pools with images: a .zip upload (pool.json plus images), the showcase folder as
 * QUIZ_POOL_PATH, and the refusals that must leave the loaded pool and the media untouched.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { sha256Hex } from '../../src/pool/media';
import { PoolLoadError } from '../../src/server';
import { toPoolInput, makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();
const SHOWCASE = join(import.meta.dir, '../../examples/showcase');
const treePng = new Uint8Array(readFileSync(join(SHOWCASE, 'tree.png')));
const showcaseJson = readFileSync(join(SHOWCASE, 'pool.json'));
const GIF_BYTES = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;');

async function upload(w: TestWorld, body: Uint8Array | string, contentType = 'application/zip'): Promise<Response> {
  return w.http('/admin/api/pool', { method: 'POST', cookie: await w.adminLogin(), headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) });
}

async function adminState(w: TestWorld) {
  return (await w.http('/admin/api/state', { cookie: await w.adminLogin() })).json();
}

describe('a .zip upload', () => {
  test('the showcase pool with its image loads; the image is served at /media/<sha256>.png', async () => {
    const w = await worlds.start();
    const response = await upload(w, zipSync({ 'pool.json': showcaseJson, 'tree.png': treePng }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, questions: 7 });
    const state = await adminState(w);
    const imageQuestion = state.pool.questions.find((question: { image: string | null }) => question.image !== null);
    const url = `/media/${sha256Hex(treePng)}.png`;
    expect(imageQuestion.image).toBe(url);
    expect(imageQuestion.image_alt).toContain('binary tree');
    const served = await w.http(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(treePng);
    // Every type of the showcase arrived.
    expect(new Set(state.pool.questions.map((question: { type: string }) => question.type))).toEqual(
      new Set(['single', 'multiple', 'numeric', 'poll']),
    );
  });

  const refusals: [string, Record<string, Uint8Array>, string][] = [
    ['an image the pool names is missing', { 'pool.json': showcaseJson }, '/questions/4/image'],
    ['an image lies about its type', { 'pool.json': showcaseJson, 'tree.png': GIF_BYTES }, '/media/tree.png'],
    ['pool.json is missing', { 'tree.png': treePng }, '/pool.json'],
  ];
  for (const [what, files, path] of refusals) {
    test(`refused whole when ${what} (${path}); nothing is loaded or stored`, async () => {
      const w = await worlds.start({ pool: makePool(2) });
      const response = await upload(w, zipSync(files));
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error).toBe('invalid_pool');
      expect(body.details.map((detail: { path: string }) => detail.path)).toContain(path);
      expect((await adminState(w)).pool.title).toBe('Test pool (2)');
      expect((await w.http(`/media/${sha256Hex(treePng)}.png`)).status).toBe(404);
    });
  }

  test('a zip with a "../" path is refused', async () => {
    const w = await worlds.start();
    const response = await upload(w, zipSync({ 'pool.json': showcaseJson, 'tree.png': treePng, '../evil.png': treePng }));
    expect(response.status).toBe(400);
    expect((await response.json()).details.some((detail: { path: string }) => detail.path.includes('evil'))).toBe(true);
  });

  test('JSON that names an image is refused at that question: images come in a .zip', async () => {
    const w = await worlds.start();
    const response = await upload(w, showcaseJson, 'application/json');
    expect(response.status).toBe(400);
    expect((await response.json()).details).toContainEqual(expect.objectContaining({ path: '/questions/4/image' }));
  });

  test('while a question is open the upload is refused (409) before any image is stored', async () => {
    const w = await worlds.start({ pool: makePool(2) });
    await w.adminPost('/admin/api/next');
    const response = await upload(w, zipSync({ 'pool.json': showcaseJson, 'tree.png': treePng }));
    expect(response.status).toBe(409);
    expect((await w.http(`/media/${sha256Hex(treePng)}.png`)).status).toBe(404);
  });
});

describe('QUIZ_POOL_PATH', () => {
  test('a folder (the showcase) is read as the same files zipped would be', async () => {
    const w = await worlds.start({ env: { QUIZ_POOL_PATH: SHOWCASE } });
    const state = await adminState(w);
    expect(state.pool.title).toContain('Showcase');
    expect((await w.http(`/media/${sha256Hex(treePng)}.png`)).status).toBe(200);
  });

  test('a .zip file', async () => {
    const dir = worlds.tempDir();
    const zipPath = join(dir, 'pool.zip');
    writeFileSync(zipPath, zipSync({ 'showcase/pool.json': showcaseJson, 'showcase/tree.png': treePng }));
    const w = await worlds.start({ env: { QUIZ_POOL_PATH: zipPath } });
    expect((await adminState(w)).pool.questions).toHaveLength(7);
  });

  test('a GIFT file loads like the console upload (its categories as one pool); a bad line refuses the start with that line', async () => {
    const dir = worlds.tempDir();
    const giftPath = join(dir, 'week5.gift');
    writeFileSync(giftPath, '$CATEGORY: Week 5\n::Q1:: 2 + 2? {=4 ~5}\n\n$CATEGORY: Week 6\n::Q2:: Pi {#3.14:0.01}\n');
    const w = await worlds.start({ env: { QUIZ_POOL_PATH: giftPath } });
    const state = await adminState(w);
    expect(state.pool.questions.map((question: { type: string }) => question.type)).toEqual(['single', 'numeric']);
    await worlds.stop(w);

    const badPath = join(dir, 'bad.gift');
    writeFileSync(badPath, '::Q1:: Fine {=a ~b}\n\n::Q2:: Discuss. {}\n');
    const refused = worlds.start({ env: { QUIZ_POOL_PATH: badPath } });
    await expect(refused).rejects.toBeInstanceOf(PoolLoadError);
    const error = (await refused.catch((caught: unknown) => caught)) as PoolLoadError;
    expect(error.details.map((problem) => problem.path)).toContain('line 3');
  });

  test('a v1 pool JSON file still loads as single-answer questions', async () => {
    const dir = worlds.tempDir();
    const poolPath = join(dir, 'v1.json');
    writeFileSync(poolPath, JSON.stringify(toPoolInput(makePool(3))));
    const w = await worlds.start({ env: { QUIZ_POOL_PATH: poolPath } });
    const state = await adminState(w);
    expect(state.pool.questions.map((question: { type: string }) => question.type)).toEqual(['single', 'single', 'single']);
  });
});
