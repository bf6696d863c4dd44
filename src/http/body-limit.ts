/**
 * One request-body limit for every route, answered with the contract's JSON error. A
 * declared Content-Length is checked up front; a chunked body (no length) is read here
 * with the same cap before the app sees it, so Bun's own bare 413 is never what a client gets.
 */
import { AppError } from '../errors';
import { MAX_BODY_BYTES } from '../protocol/constants';

/** Bun's hard cap sits above ours so that our JSON answer is the one sent. */
export const BUN_MAX_REQUEST_BODY_BYTES = 4 * MAX_BODY_BYTES;

export function bodyTooLarge(): Response {
  return new AppError(413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`).toResponse();
}

/** Returns the request unchanged, a copy with its chunked body buffered, or a 413. */
export async function enforceBodyLimit(request: Request): Promise<Request | Response> {
  const declared = request.headers.get('content-length');
  if (declared !== null) return Number(declared) > MAX_BODY_BYTES ? bodyTooLarge() : request;
  if (!request.body) return request;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        void reader.cancel();
        return bodyTooLarge();
      }
      chunks.push(value);
    }
  } catch {
    return bodyTooLarge();
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks) });
}
