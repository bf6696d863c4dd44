/**
 * `/static/vendor/*.js`: the renderer's libraries bundled from node_modules at start-up and
 * served from memory. Each is an ES module with the right content type, revalidated by
 * ETag, carrying the security headers every response gets; one build serves every server
 * in the process; and the bundles hold nothing the pages' CSP would refuse (no `eval`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVendorBundles, loadVendorBundles, VENDOR_ENTRIES, type VendorFile } from '../../src/http/vendor-bundles';
import { RESOURCE_CSP } from '../../src/http/security-headers';
import { makePool, startTestWorld, toPoolInput, type TestWorld } from '../helpers/test-server';
import { validatePool } from '../../src/pool/pool';

const EXPORTS: Record<VendorFile, string[]> = {
  'markdown.js': ['MarkdownIt', 'createDOMPurify', 'hljs'],
  'maths.js': ['katex'],
  'pool-validator.js': ['validatePool'],
};

/** Size budgets (raw bytes): importing all of highlight.js, say, would blow the first. */
const BUDGET_BYTES: Record<VendorFile, number> = { 'markdown.js': 300_000, 'maths.js': 400_000, 'pool-validator.js': 120_000 };

let world: TestWorld;
beforeAll(async () => {
  world = await startTestWorld();
});
afterAll(async () => {
  await world.stop();
});

function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get('content-security-policy')).toBe(RESOURCE_CSP);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('same-origin');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
}

test('the bundles are exactly the files of VENDOR_ENTRIES', () => {
  expect(Object.keys(VENDOR_ENTRIES).sort()).toEqual(Object.keys(EXPORTS).sort());
});

for (const file of Object.keys(EXPORTS) as VendorFile[]) {
  describe(`/static/vendor/${file}`, () => {
    test('is JavaScript, revalidated by ETag, with the security headers', async () => {
      const response = await world.http(`/static/vendor/${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const etag = response.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]{22}"$/);
      expectSecurityHeaders(response);
      const code = await response.text();
      expect(code).toBe((await loadVendorBundles()).files[file].code);

      const again = await world.http(`/static/vendor/${file}`, { headers: { 'if-none-match': `W/"other", ${etag}` } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expectSecurityHeaders(again);

      const changed = await world.http(`/static/vendor/${file}`, { headers: { 'if-none-match': '"other"' } });
      expect(changed.status).toBe(200);
      expect((await changed.text()).length).toBe(code.length);
    });

    test('is an ES module exporting what the page modules import, within budget', async () => {
      const { code } = (await loadVendorBundles()).files[file];
      expect(new Bun.Transpiler({ loader: 'js' }).scan(code).exports.sort()).toEqual([...EXPORTS[file]].sort());
      expect(code.length).toBeLessThan(BUDGET_BYTES[file]);
      // The pages' CSP has no 'unsafe-eval'.
      expect(code).not.toMatch(/\beval\(|new Function\(/);
    });
  });
}

test('KaTeX is only in maths.js, so a page without maths never loads it', async () => {
  const { files } = await loadVendorBundles();
  expect(files['maths.js'].code).toContain('KaTeX parse error');
  expect(files['markdown.js'].code).not.toContain('KaTeX');
});

test('pool-validator.js is the server\'s validator: the same verdicts and messages, for good pools and bad', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pool-validator-'));
  try {
    const path = join(dir, 'pool-validator.mjs');
    writeFileSync(path, (await loadVendorBundles()).files['pool-validator.js'].code);
    const bundled = (await import(path)) as { validatePool: typeof validatePool };
    const media = { names: new Set(['/media/x.png']), urlOf: (name: string) => name };
    const pools: unknown[] = [
      toPoolInput(makePool(3)),
      { title: 'T', questions: [{ type: 'numeric', text: 'N', answer: 'ten', tolerance: -1, choices: ['a'] }] },
      { title: ' ', questions: [{ text: '', choices: ['a', ' '], answer: 'C', time_limit_s: 2, image: 'gone.png', extra: 1 }] },
      { title: 'T', questions: [{ type: 'multiple', text: 'M', choices: ['a', 'b'], answer: ['A', 'A', 'Z'], image: '/media/x.png' }] },
      { title: 'T', questions: [] },
      'not a pool',
    ];
    for (const pool of pools) expect(bundled.validatePool(pool, media)).toEqual(validatePool(pool, media));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one build per process, shared by every server; a rebuild gives the same bytes', async () => {
  expect(loadVendorBundles()).toBe(loadVendorBundles());
  const fresh = await buildVendorBundles();
  const loaded = await loadVendorBundles();
  for (const file of Object.keys(EXPORTS) as VendorFile[]) expect(fresh.files[file].etag).toBe(loaded.files[file].etag);
  expect(fresh.buildMs).toBeGreaterThan(0);
});

test('an unknown vendor file is 404 JSON with the security headers', async () => {
  const response = await world.http('/static/vendor/katex.js');
  expect(response.status).toBe(404);
  expect((await response.json()).error).toBe('not_found');
  expectSecurityHeaders(response);
});
