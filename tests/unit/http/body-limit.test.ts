import { describe, expect, test } from 'bun:test';
import { bodyLimitFor, bodyTooLarge, BUN_MAX_REQUEST_BODY_BYTES, CLASS_LIST_UPLOAD, enforceBodyLimit, POOL_UPLOAD } from '../../../src/http/body-limit';
import { MAX_IMAGE_BYTES, MAX_POOL_ARCHIVE_BYTES } from '../../../src/pool/pool-archive';
import { MAX_BODY_BYTES } from '../../../src/protocol/constants';

const URL_ = 'http://quiz.local/api/join';
const POOL_URL = 'http://quiz.local/admin/api/pool';

/** A chunked body (no Content-Length) that yields `total` bytes in chunks, counting how far it was read. */
function streamedBody(total: number, chunkSize = 64 * 1024) {
  const progress = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const remaining = total - progress.pulled;
      if (remaining <= 0) {
        controller.close();
        return;
      }
      const size = Math.min(chunkSize, remaining);
      // Each byte is its offset mod 251, so a reassembled body can be checked byte for byte.
      const chunk = new Uint8Array(size).map((_, i) => (progress.pulled + i) % 251);
      progress.pulled += size;
      controller.enqueue(chunk);
    },
    cancel() {
      progress.cancelled = true;
    },
  });
  return { body, progress };
}

function expectedBytes(total: number): Uint8Array {
  return new Uint8Array(total).map((_, i) => i % 251);
}

function chunkedRequest(body: ReadableStream<Uint8Array>) {
  return new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-request-tag': 't1' }, body });
}

async function expectTooLarge(result: Request | Response, limit = MAX_BODY_BYTES) {
  expect(result).toBeInstanceOf(Response);
  const response = result as Response;
  expect(response.status).toBe(413);
  expect(response.headers.get('content-type')).toStartWith('application/json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ error: 'body_too_large', message: `request bodies are limited to ${limit} bytes` });
}

describe('a declared Content-Length', () => {
  test('over the limit is a 413 JSON body_too_large, without reading the body', async () => {
    const { body, progress } = streamedBody(MAX_BODY_BYTES + 1);
    const request = new Request(URL_, { method: 'POST', headers: { 'content-length': String(MAX_BODY_BYTES + 1) }, body });
    await expectTooLarge(await enforceBodyLimit(request));
    // At most the one chunk a stream pulls eagerly on creation.
    expect(progress.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  test('at the limit passes the request through unchanged', async () => {
    const request = new Request(URL_, { method: 'POST', headers: { 'content-length': String(MAX_BODY_BYTES) }, body: 'x' });
    expect(await enforceBodyLimit(request)).toBe(request);
  });

  test('well under the limit passes the request through unchanged', async () => {
    const request = new Request(URL_, { method: 'POST', headers: { 'content-length': '2' }, body: '{}' });
    const result = await enforceBodyLimit(request);
    expect(result).toBe(request);
    expect(await (result as Request).text()).toBe('{}');
  });
});

describe('a chunked body (no Content-Length)', () => {
  test('over the limit is a 413 and reading stops there (the stream is cancelled)', async () => {
    const { body, progress } = streamedBody(MAX_BODY_BYTES * 3);
    await expectTooLarge(await enforceBodyLimit(chunkedRequest(body)));
    expect(progress.cancelled).toBe(true);
    expect(progress.pulled).toBeLessThan(MAX_BODY_BYTES * 2);
  });

  test('one byte over the limit is a 413', async () => {
    const { body } = streamedBody(MAX_BODY_BYTES + 1);
    await expectTooLarge(await enforceBodyLimit(chunkedRequest(body)));
  });

  test('exactly at the limit passes with the body intact, byte for byte, and URL, method and headers kept', async () => {
    const { body } = streamedBody(MAX_BODY_BYTES, 10_000);
    const result = await enforceBodyLimit(chunkedRequest(body));
    expect(result).toBeInstanceOf(Request);
    const request = result as Request;
    expect(request.url).toBe(URL_);
    expect(request.method).toBe('POST');
    expect(request.headers.get('content-type')).toBe('application/octet-stream');
    expect(request.headers.get('x-request-tag')).toBe('t1');
    const bytes = new Uint8Array(await request.arrayBuffer());
    expect(bytes.byteLength).toBe(MAX_BODY_BYTES);
    expect(Buffer.from(bytes).equals(Buffer.from(expectedBytes(MAX_BODY_BYTES)))).toBe(true);
  });

  test('a small JSON body is still readable as JSON afterwards', async () => {
    const request = new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"é ✓"}' });
    expect(request.headers.get('content-length')).toBeNull();
    const result = await enforceBodyLimit(request);
    expect(result).toBeInstanceOf(Request);
    expect(await (result as Request).json()).toEqual({ title: 'é ✓' });
  });

  test('an empty stream passes with an empty body', async () => {
    const { body } = streamedBody(0);
    const result = await enforceBodyLimit(chunkedRequest(body));
    expect(result).toBeInstanceOf(Request);
    expect(await (result as Request).text()).toBe('');
  });
});

describe('no body', () => {
  test('a GET passes through unchanged', async () => {
    const request = new Request('http://quiz.local/healthz');
    expect(await enforceBodyLimit(request)).toBe(request);
  });
});

describe('a class list upload (POST /admin/api/roster) may be an LMS export of thousands of students', () => {
  test('its limit is 8 MiB; GET and DELETE on that path keep 1 MiB', () => {
    expect(CLASS_LIST_UPLOAD).toEqual({ method: 'POST', path: '/admin/api/roster', maxBytes: 8 * 1024 * 1024 });
    expect(bodyLimitFor(new Request('http://quiz.local/admin/api/roster?dry_run=1', { method: 'POST' }))).toBe(8 * 1024 * 1024);
    for (const method of ['GET', 'DELETE', 'PUT']) {
      expect(bodyLimitFor(new Request('http://quiz.local/admin/api/roster', { method }))).toBe(MAX_BODY_BYTES);
    }
    expect(BUN_MAX_REQUEST_BODY_BYTES).toBeGreaterThan(CLASS_LIST_UPLOAD.maxBytes);
  });
});

describe('a pool upload (POST /admin/api/pool) may be a .zip with its images', () => {
  test('its limit is 24 MiB; every other route, and any other method on that path, keeps 1 MiB', () => {
    expect(MAX_POOL_ARCHIVE_BYTES).toBe(24 * 1024 * 1024);
    expect(POOL_UPLOAD).toEqual({ method: 'POST', path: '/admin/api/pool', maxBytes: MAX_POOL_ARCHIVE_BYTES });
    expect(bodyLimitFor(new Request(POOL_URL, { method: 'POST' }))).toBe(MAX_POOL_ARCHIVE_BYTES);
    expect(bodyLimitFor(new Request(`${POOL_URL}?x=1`, { method: 'POST' }))).toBe(MAX_POOL_ARCHIVE_BYTES);
    for (const [url, method] of [
      [URL_, 'POST'],
      [POOL_URL, 'PUT'],
      [POOL_URL, 'GET'],
      ['http://quiz.local/admin/api/pool/extra', 'POST'],
      ['http://quiz.local/admin/api/poolx', 'POST'],
      ['http://quiz.local/admin/api/reset', 'POST'],
      ['http://quiz.local/admin/api/banks/1', 'PUT'],
      ['http://quiz.local/admin/api/banks/1/rename', 'POST'],
    ] as const) {
      expect(bodyLimitFor(new Request(url, { method }))).toBe(MAX_BODY_BYTES);
    }
  });

  test('a bank upload (POST /admin/api/banks) has the pool upload\'s limit; an editor image an image\'s', () => {
    expect(bodyLimitFor(new Request('http://quiz.local/admin/api/banks', { method: 'POST' }))).toBe(MAX_POOL_ARCHIVE_BYTES);
    expect(bodyLimitFor(new Request('http://quiz.local/admin/api/banks/images', { method: 'POST' }))).toBe(MAX_IMAGE_BYTES);
  });

  test('a declared length over 1 MiB passes; over 24 MiB is a 413 naming 24 MiB', async () => {
    const within = new Request(POOL_URL, { method: 'POST', headers: { 'content-length': String(MAX_POOL_ARCHIVE_BYTES) }, body: 'x' });
    expect(await enforceBodyLimit(within)).toBe(within);
    const { body, progress } = streamedBody(MAX_POOL_ARCHIVE_BYTES + 1);
    const over = new Request(POOL_URL, { method: 'POST', headers: { 'content-length': String(MAX_POOL_ARCHIVE_BYTES + 1) }, body });
    await expectTooLarge(await enforceBodyLimit(over), MAX_POOL_ARCHIVE_BYTES);
    expect(progress.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  test('a chunked body: 3 MiB passes intact; one byte over 24 MiB is a 413 and reading stops', async () => {
    const size = 3 * MAX_BODY_BYTES;
    const passed = await enforceBodyLimit(new Request(POOL_URL, { method: 'POST', body: streamedBody(size).body }));
    expect(passed).toBeInstanceOf(Request);
    const bytes = new Uint8Array(await (passed as Request).arrayBuffer());
    expect(Buffer.from(bytes).equals(Buffer.from(expectedBytes(size)))).toBe(true);

    const { body, progress } = streamedBody(MAX_POOL_ARCHIVE_BYTES + 1);
    await expectTooLarge(await enforceBodyLimit(new Request(POOL_URL, { method: 'POST', body })), MAX_POOL_ARCHIVE_BYTES);
    expect(progress.cancelled).toBe(true);
  });
});

describe('bodyTooLarge', () => {
  test('is the contract’s JSON error', async () => {
    await expectTooLarge(bodyTooLarge());
  });

  test('Bun’s own cap sits above ours, the pool upload’s included, so our JSON answer is the one sent', () => {
    expect(BUN_MAX_REQUEST_BODY_BYTES).toBeGreaterThan(MAX_BODY_BYTES);
    expect(BUN_MAX_REQUEST_BODY_BYTES).toBeGreaterThan(MAX_POOL_ARCHIVE_BYTES);
  });
});
