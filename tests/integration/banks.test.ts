/**
 * `/admin/api/banks…`: every route, and every refusal (signed out, another origin, unknown
 * id, bad body, an invalid pool with its problems by path, the bank in play edited). The
 * pool loaded at start-up is the first bank; QUIZ_POOL_PATH's bank is marked with its path.
 */
import { Database } from 'bun:sqlite';
import { describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { unzipSync, zipSync } from 'fflate';
import { BankDetailSchema, BankListSchema, NewBanksSchema } from '../../src/protocol/banks';
import { sha256Hex } from '../../src/pool/media';
import { imageBytes } from '../helpers/image-bytes';
import { expectJsonError } from '../helpers/json-error';
import { makePool, toPoolInput, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();

async function call(w: TestWorld, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit & { cookie?: string; json?: unknown } = { method, cookie: await w.adminLogin(), headers };
  if (body instanceof Uint8Array) init.body = new Blob([new Uint8Array(body)]);
  else if (typeof body === 'string') init.body = body;
  else if (body !== undefined) init.json = body;
  return w.http(path, init);
}

const isBankList = TypeCompiler.Compile(BankListSchema);
const isNewBanks = TypeCompiler.Compile(NewBanksSchema);
const isBankDetail = TypeCompiler.Compile(BankDetailSchema);

async function listBanks(w: TestWorld) {
  const response = await call(w, 'GET', '/admin/api/banks');
  expect(response.status).toBe(200);
  const list = await response.json();
  expect([...isBankList.Errors(list)]).toEqual([]);
  return list;
}

/** A bank answer, checked against its schema. */
async function bankOf(response: Response, status = 200) {
  expect(response.status).toBe(status);
  const bank = await response.json();
  expect([...isBankDetail.Errors(bank)]).toEqual([]);
  return bank;
}

/** The one bank an upload made, checked against the upload answer's schema. */
async function uploadedBank(response: Response) {
  expect(response.status).toBe(201);
  const body = await response.json();
  expect([...isNewBanks.Errors(body)]).toEqual([]);
  expect(body.banks).toHaveLength(1);
  return body.banks[0];
}

async function createBank(w: TestWorld, questions = 2, title?: string) {
  const pool = toPoolInput({ ...makePool(questions), ...(title ? { title } : {}) });
  return uploadedBank(await call(w, 'POST', '/admin/api/banks', pool));
}

describe('the first bank', () => {
  test('the pool loaded at start-up is the first bank, selected', async () => {
    const w = await worlds.start({ pool: makePool(3) });
    const list = await listBanks(w);
    expect(list.banks).toHaveLength(1);
    expect(list.banks[0]).toMatchObject({ title: 'Test pool (3)', questions: 3, selected: true, media: [] });
    expect(list.selected_bank_id).toBe(list.banks[0].id);
    expect(list.run_in_progress).toBe(false);
  });

  test('QUIZ_POOL_PATH is listed with its path, and a restart keeps one bank for it, refreshed from the file', async () => {
    const dir = worlds.tempDir();
    const poolPath = join(dir, 'week5.json');
    writeFileSync(poolPath, JSON.stringify(toPoolInput(makePool(2))));
    const first = await worlds.start({ env: { QUIZ_POOL_PATH: poolPath }, dir });
    const before = await listBanks(first);
    expect(before.banks).toHaveLength(1);
    expect(before.banks[0].source_path).toBe(poolPath);
    await first.stop({ keepDir: true });
    writeFileSync(poolPath, JSON.stringify(toPoolInput(makePool(4))));
    const second = await worlds.start({ env: { QUIZ_POOL_PATH: poolPath }, dir });
    const after = await listBanks(second);
    expect(after.banks).toHaveLength(1);
    expect(after.banks[0]).toMatchObject({ id: before.banks[0].id, questions: 4, source_path: poolPath, selected: true });
  });

  test('a database from before banks (a loaded pool, no bank) gets that pool as its first bank', async () => {
    const w = await worlds.start({ pool: makePool(2) });
    const dir = w.dir;
    await w.stop({ keepDir: true });
    const raw = new Database(join(dir, 'quiz.db'));
    raw.exec("DELETE FROM banks; DELETE FROM settings WHERE key = 'selected_bank'");
    raw.close();
    const again = await worlds.start({ dir });
    const list = await listBanks(again);
    expect(list.banks.map((bank: { title: string }) => bank.title)).toEqual(['Test pool (2)']);
    expect(list.banks[0].selected).toBe(true);
  });
});

describe('create, get, update', () => {
  test('POST creates a bank from pool JSON; GET gives its pool as a pool file', async () => {
    const w = await worlds.start();
    const created = await createBank(w, 3, 'Week 6');
    expect(created).toMatchObject({ title: 'Week 6', questions: 3, selected: false, source_path: null });
    expect(created.created_at_ms).toBeGreaterThan(0);
    const got = await bankOf(await call(w, 'GET', `/admin/api/banks/${created.id}`));
    expect(got.pool).toEqual(toPoolInput({ ...makePool(3), title: 'Week 6' }));
    expect((await listBanks(w)).banks).toHaveLength(2);
  });

  test('POST takes a .zip with images; the bank lists its media', async () => {
    const w = await worlds.start();
    const png = imageBytes('png', 'bank-zip');
    const pool = { title: 'With image', questions: [{ text: 'Which?', choices: ['a', 'b'], answer: 'A', image: 'pic.png' }] };
    const bank = await uploadedBank(
      await call(w, 'POST', '/admin/api/banks?filename=with-image.zip', zipSync({ 'pool.json': new TextEncoder().encode(JSON.stringify(pool)), 'pic.png': png })),
    );
    expect(bank.media).toEqual([`/media/${sha256Hex(png)}.png`]);
    expect(bank.pool.questions[0].image).toBe(`/media/${sha256Hex(png)}.png`);
  });

  test('a GIFT file makes one bank per category; a bad line refuses the whole file by line', async () => {
    const w = await worlds.start();
    const gift = [
      '$CATEGORY: Week 5',
      '::Q1:: 2 + 2 = ? {=4 ~3 ~5}',
      '',
      '$CATEGORY: Week 6',
      '::Q2:: The sky is blue. {T}',
      '',
      '::Q3:: Pi to two places {#3.14:0.01}',
    ].join('\n');
    const response = await call(w, 'POST', '/admin/api/banks?filename=term.gift', gift);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect([...isNewBanks.Errors(body)]).toEqual([]);
    expect(body.banks.map((bank: { title: string; questions: number }) => [bank.title, bank.questions])).toEqual([
      ['Week 5', 1],
      ['Week 6', 2],
    ]);
    const before = (await listBanks(w)).banks.length;
    const essay = await call(w, 'POST', '/admin/api/banks?filename=bad.gift', '::Q1:: Tell me {=yes ~no}\n\n::Q2:: Discuss. {}\n');
    const refused = await expectJsonError(essay, 400, 'invalid_pool');
    expect(refused.details.map((problem: { path: string }) => problem.path)).toContain('line 3');
    expect((await listBanks(w)).banks).toHaveLength(before);
  });

  test('an invalid pool is refused with every problem by path, and nothing is created', async () => {
    const w = await worlds.start();
    const body = await expectJsonError(
      await call(w, 'POST', '/admin/api/banks', { title: ' ', questions: [{ text: 'Q', choices: ['a'], answer: 'C' }] }),
      400,
      'invalid_pool',
    );
    expect(body.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['/questions/0/choices', '/title']);
    expect((await listBanks(w)).banks).toHaveLength(1);
  });

  test('PUT replaces a bank; updated_at moves; images must be stored media', async () => {
    const w = await worlds.start();
    const bank = await createBank(w);
    const url = (await (await call(w, 'POST', '/admin/api/banks/images', imageBytes('gif', 'put'))).json()).url;
    const pool = { title: 'Edited', questions: [makeEditedQuestion(url)] };
    const saved = await bankOf(await call(w, 'PUT', `/admin/api/banks/${bank.id}`, pool));
    expect(saved).toMatchObject({ title: 'Edited', questions: 1, media: [url] });
    expect(saved.updated_at_ms).toBeGreaterThanOrEqual(bank.updated_at_ms);

    const missing = `/media/${'0'.repeat(64)}.png`;
    const refused = await expectJsonError(
      await call(w, 'PUT', `/admin/api/banks/${bank.id}`, { title: 'x', questions: [makeEditedQuestion(missing)] }),
      400,
      'invalid_pool',
    );
    expect(refused.details[0].path).toBe('/questions/0/image');
    expect((await (await call(w, 'GET', `/admin/api/banks/${bank.id}`)).json()).title).toBe('Edited');
  });

  test('PUT of text that is not JSON is an invalid pool at "/"', async () => {
    const w = await worlds.start();
    const bank = await createBank(w);
    const body = await expectJsonError(await call(w, 'PUT', `/admin/api/banks/${bank.id}`, '{"title":'), 400, 'invalid_pool');
    expect(body.details[0].path).toBe('/');
  });
});

function makeEditedQuestion(image: string) {
  return { type: 'single', text: 'Edited?', choices: ['Yes', 'No'], answer: 'A', image, image_alt: 'a picture' };
}

describe('images', () => {
  test('an image is stored by hash and served; anything else is refused', async () => {
    const w = await worlds.start();
    const jpg = imageBytes('jpg', 'editor');
    const response = await call(w, 'POST', '/admin/api/banks/images', jpg);
    expect(response.status).toBe(201);
    const { url } = await response.json();
    expect(url).toBe(`/media/${sha256Hex(jpg)}.jpg`);
    expect((await w.http(url)).status).toBe(200);
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const refused = await expectJsonError(await call(w, 'POST', '/admin/api/banks/images', svg), 400, 'invalid_image');
    expect(refused.details[0].message).toContain('SVG');
    // The body limit of this route is an image's: a larger one is refused before it is read.
    await expectJsonError(await call(w, 'POST', '/admin/api/banks/images', imageBytes('png', 'big', 2 * 1024 * 1024 + 1)), 413, 'body_too_large');
    expect((await call(w, 'POST', '/admin/api/banks/images', imageBytes('png', 'max', 2 * 1024 * 1024))).status).toBe(201);
  });
});

describe('rename, duplicate, delete, play, download', () => {
  test('rename changes the title of the bank and of its pool', async () => {
    const w = await worlds.start();
    const bank = await createBank(w);
    const renamed = await bankOf(await call(w, 'POST', `/admin/api/banks/${bank.id}/rename`, { title: '  Week 7  ' }));
    expect(renamed.title).toBe('Week 7');
    expect(renamed.pool.title).toBe('Week 7');
  });

  test('a blank or missing title is a bad body', async () => {
    const w = await worlds.start();
    const bank = await createBank(w);
    await expectJsonError(await call(w, 'POST', `/admin/api/banks/${bank.id}/rename`, { title: '   ' }), 400, 'invalid_body');
    await expectJsonError(await call(w, 'POST', `/admin/api/banks/${bank.id}/rename`, {}), 400, 'invalid_body');
  });

  test('duplicate makes a new bank with the same questions', async () => {
    const w = await worlds.start();
    const bank = await createBank(w, 2, 'Week 8');
    const copy = await bankOf(await call(w, 'POST', `/admin/api/banks/${bank.id}/duplicate`), 201);
    expect(copy.id).not.toBe(bank.id);
    expect(copy.title).toBe('Week 8 (copy)');
    expect(copy.pool.questions).toEqual(bank.pool.questions);
  });

  test('play loads the bank into the lobby; the selected bank cannot be deleted; another can', async () => {
    const w = await worlds.start({ pool: makePool(2) });
    const first = (await listBanks(w)).banks[0];
    const bank = await createBank(w, 5, 'Week 9');
    expect((await bankOf(await call(w, 'POST', `/admin/api/banks/${bank.id}/play`))).selected).toBe(true);
    const state = await (await call(w, 'GET', '/admin/api/state')).json();
    expect(state.pool.title).toBe('Week 9');
    expect(state.pool.questions).toHaveLength(5);
    expect((await listBanks(w)).selected_bank_id).toBe(bank.id);

    const refused = await expectJsonError(await call(w, 'DELETE', `/admin/api/banks/${bank.id}`), 409, 'bank_selected');
    expect(refused.message).toContain('Week 9');
    const deleted = await call(w, 'DELETE', `/admin/api/banks/${first.id}`);
    expect(deleted.status).toBe(200);
    expect((await listBanks(w)).banks.map((b: { id: number }) => b.id)).toEqual([bank.id]);
  });

  test('the legacy POST /admin/api/pool makes a bank and selects it', async () => {
    const w = await worlds.start();
    const response = await call(w, 'POST', '/admin/api/pool', toPoolInput({ ...makePool(2), title: 'Legacy upload' }));
    expect(response.status).toBe(200);
    const list = await listBanks(w);
    const legacy = list.banks.find((bank: { title: string }) => bank.title === 'Legacy upload');
    expect(legacy.selected).toBe(true);
  });

  test('download as JSON gives the pool file; as zip, pool.json and its images, which upload as the same bank', async () => {
    const w = await worlds.start();
    const url = (await (await call(w, 'POST', '/admin/api/banks/images', imageBytes('png', 'download'))).json()).url;
    const bank = await createBank(w, 1, 'Wk 10: “graphs”');
    await call(w, 'PUT', `/admin/api/banks/${bank.id}`, { title: 'Wk 10: “graphs”', questions: [makeEditedQuestion(url)] });
    const saved = await (await call(w, 'GET', `/admin/api/banks/${bank.id}`)).json();

    const json = await call(w, 'GET', `/admin/api/banks/${bank.id}/download?format=json`);
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="wk-10-graphs.json"');
    expect(await json.json()).toEqual(saved.pool);

    const zip = await call(w, 'GET', `/admin/api/banks/${bank.id}/download?format=zip`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const bytes = new Uint8Array(await zip.arrayBuffer());
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual([url.slice('/media/'.length), 'pool.json'].sort());
    const again = await uploadedBank(await call(w, 'POST', '/admin/api/banks', bytes));
    expect(again.pool).toEqual(saved.pool);
  });

  test('an unknown format is a bad query', async () => {
    const w = await worlds.start();
    const bank = await createBank(w);
    await expectJsonError(await call(w, 'GET', `/admin/api/banks/${bank.id}/download?format=docx`), 400);
  });
});

describe('refusals', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', ''],
    ['PUT', '', toPoolInput(makePool(1))],
    ['POST', '/rename', { title: 'x' }],
    ['POST', '/duplicate'],
    ['POST', '/play'],
    ['DELETE', ''],
    ['GET', '/download'],
  ];
  for (const [method, suffix, body] of routes) {
    test(`${method} /admin/api/banks/:id${suffix}: an unknown id is 404 bank_not_found; a non-number id a bad request`, async () => {
      const w = await worlds.start();
      await expectJsonError(await call(w, method, `/admin/api/banks/9999${suffix}`, body), 404, 'bank_not_found');
      await expectJsonError(await call(w, method, `/admin/api/banks/abc${suffix}`, body), 400);
    });
  }

  test('signed out: 401 on every bank route', async () => {
    const w = await worlds.start();
    for (const [method, path] of [
      ['GET', '/admin/api/banks'],
      ['POST', '/admin/api/banks'],
      ['POST', '/admin/api/banks/images'],
      ['GET', '/admin/api/banks/1'],
      ['PUT', '/admin/api/banks/1'],
      ['POST', '/admin/api/banks/1/rename'],
      ['POST', '/admin/api/banks/1/duplicate'],
      ['POST', '/admin/api/banks/1/play'],
      ['DELETE', '/admin/api/banks/1'],
      ['GET', '/admin/api/banks/1/download'],
    ] as const) {
      const init: RequestInit = { method };
      if (path.endsWith('rename')) init.body = JSON.stringify({ title: 'x' });
      if (method === 'PUT' || (method === 'POST' && path === '/admin/api/banks')) init.body = JSON.stringify(toPoolInput(makePool(1)));
      if (init.body) init.headers = { 'content-type': 'application/json' };
      await expectJsonError(await w.http(path, init), 401, 'not_signed_in');
    }
  });

  test('a change from another origin is refused (403) and changes nothing', async () => {
    const w = await worlds.start();
    const bank = await createBank(w);
    const evil = { origin: 'https://evil.example' };
    await expectJsonError(await call(w, 'DELETE', `/admin/api/banks/${bank.id}`, undefined, evil), 403, 'forbidden_origin');
    await expectJsonError(await call(w, 'PUT', `/admin/api/banks/${bank.id}`, toPoolInput(makePool(1)), evil), 403, 'forbidden_origin');
    await expectJsonError(await call(w, 'POST', '/admin/api/banks', toPoolInput(makePool(1)), evil), 403, 'forbidden_origin');
    expect((await listBanks(w)).banks).toHaveLength(2);
  });

  test('mid-run: the bank in play cannot be edited, renamed or deleted; no bank can be played; other banks can be edited', async () => {
    const w = await worlds.start({ pool: makePool(2) });
    const inPlay = (await listBanks(w)).banks[0];
    const other = await createBank(w, 1, 'Other');
    await w.adminPost('/admin/api/next');
    expect((await listBanks(w)).run_in_progress).toBe(true);

    const edit = await expectJsonError(await call(w, 'PUT', `/admin/api/banks/${inPlay.id}`, toPoolInput(makePool(1))), 409, 'bank_in_play');
    expect(edit.message).toContain('Test pool (2)');
    await expectJsonError(await call(w, 'POST', `/admin/api/banks/${inPlay.id}/rename`, { title: 'x' }), 409, 'bank_in_play');
    await expectJsonError(await call(w, 'DELETE', `/admin/api/banks/${inPlay.id}`), 409, 'bank_in_play');
    await expectJsonError(await call(w, 'POST', `/admin/api/banks/${other.id}/play`), 409, 'wrong_phase');
    expect((await call(w, 'POST', `/admin/api/banks/${other.id}/rename`, { title: 'Renamed' })).status).toBe(200);
    const state = await (await call(w, 'GET', '/admin/api/state')).json();
    expect(state.pool.title).toBe('Test pool (2)');
    expect((await listBanks(w)).selected_bank_id).toBe(inPlay.id);
  });

  test('in the lobby, saving the selected bank loads the edit at once', async () => {
    const w = await worlds.start({ pool: makePool(2) });
    const selected = (await listBanks(w)).banks[0];
    await call(w, 'PUT', `/admin/api/banks/${selected.id}`, toPoolInput({ ...makePool(3), title: 'Edited in lobby' }));
    const state = await (await call(w, 'GET', '/admin/api/state')).json();
    expect(state.pool.title).toBe('Edited in lobby');
    expect(state.pool.questions).toHaveLength(3);
  });
});

