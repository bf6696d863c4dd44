/**
 * The pages' third-party code, bundled from node_modules with Bun.build when the server
 * starts (target browser, ESM, minified), kept in memory: the pages have no build step,
 * and a bundle in memory cannot go stale the way a generated file can. One build per
 * process: the output depends only on the installed packages, and a test run starts
 * hundreds of servers in one process. Bundling both takes ~30 ms (bench/page-weight.ts
 * reports it as `vendor_build_ms`).
 */
import { join } from 'node:path';

/** Each bundle's file name under /static/vendor/ and its entry under ./vendor/. */
export const VENDOR_ENTRIES = {
  /** markdown-it, highlight.js (core and a few languages), DOMPurify. */
  'markdown.js': join(import.meta.dir, 'vendor/markdown.ts'),
  /** KaTeX alone: imported by the pages only for a text that holds maths. */
  'maths.js': join(import.meta.dir, 'vendor/maths.ts'),
} as const;

export type VendorFile = keyof typeof VENDOR_ENTRIES;

export const VENDOR_PREFIX = '/static/vendor/';

export interface VendorBundle {
  code: string;
  /** A strong ETag of the code, quoted. */
  etag: string;
}

export interface VendorBundles {
  files: Record<VendorFile, VendorBundle>;
  /** How long Bun.build took, for the start-up report. */
  buildMs: number;
}

function etagOf(code: string): string {
  return `"${new Bun.CryptoHasher('sha256').update(code).digest('base64url').slice(0, 22)}"`;
}

/** Bundles every entry (no memo: use loadVendorBundles in the server). */
export async function buildVendorBundles(): Promise<VendorBundles> {
  const started = performance.now();
  const names = Object.keys(VENDOR_ENTRIES) as VendorFile[];
  // Separate builds: the two bundles share no code, and a shared chunk would cost the
  // page without maths an extra request.
  const results = await Promise.all(
    names.map((name) =>
      Bun.build({ entrypoints: [VENDOR_ENTRIES[name]], target: 'browser', format: 'esm', minify: true, sourcemap: 'none' }),
    ),
  );
  const files = {} as Record<VendorFile, VendorBundle>;
  for (const [index, result] of results.entries()) {
    const outputs = result.outputs.filter((output) => output.kind === 'entry-point');
    if (outputs.length !== 1) throw new Error(`bundling ${names[index]} gave ${outputs.length} entry files`);
    const code = await outputs[0]!.text();
    files[names[index]!] = { code, etag: etagOf(code) };
  }
  return { files, buildMs: performance.now() - started };
}

let loaded: Promise<VendorBundles> | null = null;

/** The bundles, built on the first call and kept for the life of the process. */
export function loadVendorBundles(): Promise<VendorBundles> {
  if (!loaded) {
    loaded = buildVendorBundles();
    // Whoever awaits it sees a failure; the eager start must not be an unhandled rejection.
    loaded.catch(() => {});
  }
  return loaded;
}
