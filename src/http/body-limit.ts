/**
 * The request-body limit, answered with the contract's JSON error. Every route gets
 * MAX_BODY_BYTES except a pool upload, which may be a .zip with its images (and an
 * image the editor uploads, up to an image's own limit). A declared
 * Content-Length is checked up front; a chunked body (no length) is read here with the same
 * cap before the app sees it, so Bun's own bare 413 is never what a client gets.
 */
import { AppError } from '../errors';
import { MAX_IMAGE_BYTES, MAX_POOL_ARCHIVE_BYTES } from '../pool/pool-archive';
import { MAX_BODY_BYTES, MAX_CLASS_LIST_BYTES } from '../protocol/constants';

/** The one route allowed a larger body: 20 MiB of images, pool.json and the zip's overhead. */
export const POOL_UPLOAD = { method: 'POST', path: '/admin/api/pool', maxBytes: MAX_POOL_ARCHIVE_BYTES } as const;

/** A class list: an LMS export of thousands of students can carry many grade columns. */
export const CLASS_LIST_UPLOAD = { method: 'POST', path: '/admin/api/roster', maxBytes: MAX_CLASS_LIST_BYTES } as const;

/** Routes allowed a body larger than MAX_BODY_BYTES: pool uploads (a .zip), the editor's images, a class list. */
const LARGE_BODY_LIMITS: Record<string, number> = {
  [POOL_UPLOAD.path]: POOL_UPLOAD.maxBytes,
  '/admin/api/banks': MAX_POOL_ARCHIVE_BYTES,
  '/admin/api/banks/images': MAX_IMAGE_BYTES,
  [CLASS_LIST_UPLOAD.path]: CLASS_LIST_UPLOAD.maxBytes,
};

/** Bun's hard cap sits above every limit of ours so that our JSON answer is the one sent. */
export const BUN_MAX_REQUEST_BODY_BYTES = 2 * POOL_UPLOAD.maxBytes;

/** The body limit for this request: a large-body route's, or everyone's. */
export function bodyLimitFor(request: Request): number {
  if (request.method !== 'POST') return MAX_BODY_BYTES;
  return LARGE_BODY_LIMITS[new URL(request.url).pathname] ?? MAX_BODY_BYTES;
}

export function bodyTooLarge(limit = MAX_BODY_BYTES): Response {
  return new AppError(413, 'body_too_large', `request bodies are limited to ${limit} bytes`).toResponse();
}

/** Returns the request unchanged, a copy with its chunked body buffered, or a 413. */
export async function enforceBodyLimit(request: Request): Promise<Request | Response> {
  const limit = bodyLimitFor(request);
  const declared = request.headers.get('content-length');
  if (declared !== null) return Number(declared) > limit ? bodyTooLarge(limit) : request;
  if (!request.body) return request;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        void reader.cancel();
        return bodyTooLarge(limit);
      }
      chunks.push(value);
    }
  } catch {
    return bodyTooLarge(limit);
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks) });
}
