/**
 * The pages' third-party code, bundled from node_modules with `bun build` when the server
 * starts (target browser, ESM, minified), kept in memory: the pages have no build step,
 * and a bundle in memory cannot go stale the way a generated file can. The bundler runs
 * in a child process: in-process, Bun.build left ~26 MB resident in the server for good
 * (idle RSS 54 → 80 MB), which a 1 GB box should not pay. One build per process: the
 * output depends only on the installed packages, and a test run starts hundreds of
 * servers in one process (bench/page-weight.ts reports the time as `vendor_build_ms`).
 */
import { join } from 'node:path';

/** Each bundle's file name under /static/vendor/ and its entry under ./vendor/. */
export const VENDOR_ENTRIES = {
  /** markdown-it, highlight.js (core and a few languages), DOMPurify. */
  'markdown.js': join(import.meta.dir, 'vendor/markdown.ts'),
  /** KaTeX alone: imported by the pages only for a text that holds maths. */
  'maths.js': join(import.meta.dir, 'vendor/maths.ts'),
  /** src/pool/pool.ts: the server's pool validator, imported by the console's editor. */
  'pool-validator.js': join(import.meta.dir, 'vendor/pool-validator.ts'),
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
  // Separate builds: the bundles share no code, and a shared chunk would cost the
  // page without maths an extra request.
  const codes = await Promise.all(names.map((name) => bundleInChild(VENDOR_ENTRIES[name])));
  const files = {} as Record<VendorFile, VendorBundle>;
  names.forEach((name, index) => {
    files[name] = { code: codes[index]!, etag: etagOf(codes[index]!) };
  });
  return { files, buildMs: performance.now() - started };
}

/** One entry bundled by `bun build` in a child process; the bundle comes back on stdout. */
async function bundleInChild(entry: string): Promise<string> {
  const child = Bun.spawn([process.execPath, 'build', entry, '--target=browser', '--format=esm', '--minify'], {
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const [code, errors, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (exitCode !== 0 || code.length === 0) throw new Error(`bundling ${entry} failed (exit ${exitCode}): ${errors.slice(0, 500)}`);
  return code;
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
