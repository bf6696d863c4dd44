/**
 * `bun bench/page-weight.ts`: what the student page costs to download, and what the
 * Markdown renderer adds. Boots the real server in-process (temp database), loads `/` in
 * Chromium and records every same-origin document, script and stylesheet it fetches
 * (`page.on('response')`), then imports `/static/shared/markdown.js` (and links
 * markdown.css) as a page using it would, then renders a formula (the KaTeX bundle).
 *
 * Prints one JSON line: per stage the files, raw bytes and gzip bytes (each body
 * compressed with Bun.gzipSync, as a compressing front such as Caddy would send it; the
 * quiz server itself sends them uncompressed), each vendor bundle's sizes, and the cold
 * start-up cost of bundling them. A measurement, not a test: nothing fails on a number.
 */
import { launchBrowser } from '../tests/helpers/browser';
import { startTestWorld } from '../tests/helpers/test-server';
import { loadVendorBundles } from '../src/http/vendor-bundles';

interface Stage {
  files: string[];
  raw_bytes: number;
  gzip_bytes: number;
}

const gzipSize = (body: Uint8Array | string) =>
  Bun.gzipSync(typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body)).length;

const buildStarted = performance.now();
const world = await startTestWorld();
const bundles = await loadVendorBundles();
const vendorBuildMs = bundles.buildMs;
const startUpMs = performance.now() - buildStarted;

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ baseURL: world.baseUrl });
  const page = await context.newPage();
  const bodies = new Map<string, number[]>();
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    const isAsset = url.pathname === '/' || url.pathname.startsWith('/static/');
    if (url.origin !== world.baseUrl || !isAsset || response.status() !== 200) return;
    pending.push(
      response.body().then((body) => {
        bodies.set(url.pathname, [body.length, gzipSize(body)]);
      }),
    );
  });
  // Module scripts and their imports are in by `load` (and by the time an evaluated
  // import() resolves); the short wait lets the last response events arrive.
  const settle = async () => {
    await page.waitForLoadState('load');
    await Bun.sleep(300);
    await Promise.all(pending.splice(0));
  };
  const stage = (): Stage => {
    const files = [...bodies.keys()].sort();
    const sum = (index: number) => [...bodies.values()].reduce((total, sizes) => total + sizes[index]!, 0);
    return { files, raw_bytes: sum(0), gzip_bytes: sum(1) };
  };

  await page.goto('/');
  await settle();
  const studentPage = stage();

  await page.evaluate(async () => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/static/shared/markdown.css';
    const loaded = new Promise((resolve) => (link.onload = resolve));
    document.head.append(link);
    const { renderMarkdown } = await import('/static/shared/markdown.js' as string);
    await renderMarkdown('**Which** sort is `O(n log n)`?\n\n```python\nsorted(xs)\n```');
    await loaded;
  });
  await settle();
  const withRenderer = stage();

  await page.evaluate(async () => {
    const { renderMarkdown } = await import('/static/shared/markdown.js' as string);
    await renderMarkdown('Solve $x^2 = 4$.');
  });
  await settle();
  const withMaths = stage();

  const bundleSizes = Object.fromEntries(
    Object.entries(bundles.files).map(([file, { code }]) => [file, { raw_bytes: code.length, gzip_bytes: gzipSize(code) }]),
  );
  console.log(
    JSON.stringify({
      student_page: studentPage,
      with_renderer: { ...withRenderer, added_gzip_bytes: withRenderer.gzip_bytes - studentPage.gzip_bytes },
      with_maths: { ...withMaths, added_gzip_bytes: withMaths.gzip_bytes - withRenderer.gzip_bytes },
      vendor_bundles: bundleSizes,
      vendor_build_ms: Math.round(vendorBuildMs),
      server_start_with_bundles_ms: Math.round(startUpMs),
    }),
  );
} finally {
  await browser.close();
  await world.stop();
}
process.exit(0);
