/**
 * `/static/vendor/*.js`: the bundles of vendor-bundles.ts, served from memory with an ETag
 * and `no-cache` like the other assets (a revalidation with a matching ETag is a bodyless
 * 304). Mounted before the static plugin, so `public/` cannot shadow them. The bundling
 * starts as soon as the routes are built, so it is done by the time a page asks.
 */
import { Elysia } from 'elysia';
import { loadVendorBundles, VENDOR_ENTRIES, VENDOR_PREFIX, type VendorFile } from './vendor-bundles';

const SCRIPT_HEADERS = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' };

/** True when If-None-Match names `etag` (or is `*`). */
function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

export function vendorRoutes() {
  const bundles = loadVendorBundles();
  const app = new Elysia({ name: 'vendor' });
  for (const file of Object.keys(VENDOR_ENTRIES) as VendorFile[]) {
    app.get(`${VENDOR_PREFIX}${file}`, async ({ request }) => {
      const { code, etag } = (await bundles).files[file];
      const headers = { ...SCRIPT_HEADERS, etag };
      if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
      return new Response(code, { headers });
    });
  }
  return app;
}
