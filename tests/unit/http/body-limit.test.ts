import { describe, expect, test } from 'bun:test';
import { bodyTooLarge, BUN_MAX_REQUEST_BODY_BYTES, enforceBodyLimit } from '../../../src/http/body-limit';
import { MAX_BODY_BYTES } from '../../../src/protocol/constants';

const URL_ = 'http://quiz.local/admin/api/pool';

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

async function expectTooLarge(result: Request | Response) {
  expect(result).toBeInstanceOf(Response);
  const response = result as Response;
  expect(response.status).toBe(413);
  expect(response.headers.get('content-type')).toStartWith('application/json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ error: 'body_too_large', message: expect.stringContaining(String(MAX_BODY_BYTES)) });
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

describe('bodyTooLarge', () => {
  test('is the contract’s JSON error', async () => {
    await expectTooLarge(bodyTooLarge());
  });

  test('Bun’s own cap sits above ours, so our JSON answer is the one sent', () => {
    expect(BUN_MAX_REQUEST_BODY_BYTES).toBeGreaterThan(MAX_BODY_BYTES);
  });
});
