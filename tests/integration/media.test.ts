/**
 * GET /media/<sha256>.<ext> on a running server: images put in its MediaStore come back
 * byte for byte with their type and an immutable cache header, and the security headers
 * every response carries; anything unknown or malformed is a JSON 404. And the body
 * limit: a pool upload may be 24 MiB, every other route keeps 1 MiB.
 */
import { describe, expect, test } from 'bun:test';
import { mediaUrl, sha256Hex, type PoolImage } from '../../src/pool/media';
import { MAX_POOL_ARCHIVE_BYTES } from '../../src/pool/pool-archive';
import { MAX_BODY_BYTES } from '../../src/protocol/constants';
import { imageBytes } from '../helpers/image-bytes';
import { expectJsonError } from '../helpers/json-error';
import { makePool, toPoolInput, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();

function storeImage(world: TestWorld, type: 'png' | 'jpg' | 'gif' | 'webp', label: string, size = 0): PoolImage {
  const bytes = imageBytes(type, label, size);
  const mime = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' } as const;
  const image: PoolImage = { name: `${label}.${type}`, bytes, mime: mime[type], ext: type, sha256: sha256Hex(bytes) };
  world.server.media.putMedia(image);
  return image;
}

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('same-origin');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(response.headers.get('content-security-policy')).toStartWith("default-src 'none'");
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

describe('GET /media/<sha256>.<ext>', () => {
  test('serves a stored image: its bytes, its type, its length, cached for good, with the security headers', async () => {
    const world = await worlds.start();
    const tree = storeImage(world, 'png', 'tree', 150_000);
    const response = await world.http(mediaUrl(tree));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe('150000');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(response);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(tree.bytes))).toBe(true);
  });

  test('each type with its own content type', async () => {
    const world = await worlds.start();
    for (const [type, mime] of [['jpg', 'image/jpeg'], ['gif', 'image/gif'], ['webp', 'image/webp']] as const) {
      const image = storeImage(world, type, `pic-${type}`);
      const response = await world.http(mediaUrl(image));
      expect([type, response.status, response.headers.get('content-type')]).toEqual([type, 200, mime]);
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(image.bytes))).toBe(true);
    }
  });

  test('the pages\' CSP lets them show the images (img-src \'self\')', async () => {
    const world = await worlds.start();
    for (const page of ['/', '/admin/']) {
      const response = await world.http(page);
      expect(response.headers.get('content-security-policy')).toMatch(/(^|;\s*)img-src 'self'/);
      await response.arrayBuffer();
    }
  });

  // Regression: Elysia refused the whole request for a forged signed cookie (401), so a
  // phone holding one got the join page (which clears it) but not the question's image.
  test('an image is served to anyone, even with a forged cookie, which is cleared as on the pages', async () => {
    const world = await worlds.start();
    const tree = storeImage(world, 'png', 'tree');
    const response = await world.http(mediaUrl(tree), { cookie: 'quiz_student=forged.value; quiz_admin=forged.too' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.getSetCookie().some((line) => line.startsWith('quiz_student=;'))).toBe(true);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(tree.bytes))).toBe(true);
  });

  test('unknown, malformed or with the wrong extension: 404 not_found, as JSON with the security headers', async () => {
    const world = await worlds.start();
    const tree = storeImage(world, 'png', 'tree');
    const jpeg = storeImage(world, 'jpg', 'photo');
    const paths = [
      `/media/${'0'.repeat(64)}.png`, // unknown hash
      `/media/${tree.sha256}.jpg`, // stored as png
      `/media/${tree.sha256}.gif`,
      `/media/${jpeg.sha256}.jpeg`, // stored as jpg
      `/media/${tree.sha256}.PNG`,
      `/media/${tree.sha256.toUpperCase()}.png`,
      `/media/${tree.sha256}`,
      `/media/${tree.sha256}.`,
      `/media/${tree.sha256}.png.png`,
      `/media/${tree.sha256.slice(1)}.png`,
      `/media/${tree.sha256}0.png`,
      `/media/x${tree.sha256}.png`,
      `/media/${tree.sha256}.png%00`,
      `/media/${tree.sha256}.svg`,
      `/media/tree.png`,
      '/media/..%2Fquiz.db',
      `/media/${tree.sha256}.png/more`,
      '/media/',
      '/media',
    ];
    for (const path of paths) {
      const response = await world.http(path);
      expect([path, response.status]).toEqual([path, 404]);
      await expectJsonError(response, 404, 'not_found');
      expectSecurityHeaders(response);
      expect([path, response.headers.get('cache-control')]).toEqual([path, 'no-store']);
    }
  });

  test('images outlive a restart of the server', async () => {
    const first = await worlds.start();
    const tree = storeImage(first, 'png', 'tree');
    await worlds.stop(first, { keepDir: true });
    const second = await worlds.start({ dir: first.dir });
    const response = await second.http(mediaUrl(tree));
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(tree.bytes))).toBe(true);
  });
});

describe('the body limit: 24 MiB for a pool upload, 1 MiB everywhere else', () => {
  /** A valid pool's JSON, padded with spaces to exactly `size` bytes. */
  const paddedPool = (size: number) => {
    const text = JSON.stringify(toPoolInput(makePool(2)));
    return text + ' '.repeat(size - text.length);
  };

  test('a 3 MiB pool upload is read (not refused for its size); 3 MiB elsewhere is a 413', async () => {
    const world = await worlds.start();
    const cookie = await world.adminLogin();
    const pool = await world.http('/admin/api/pool', { method: 'POST', cookie, body: paddedPool(3 * MAX_BODY_BYTES) });
    expect(pool.status).toBe(200);
    expect(await pool.json()).toMatchObject({ ok: true, questions: 2 });

    const join = await world.http('/api/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: paddedPool(3 * MAX_BODY_BYTES) });
    const body = await expectJsonError(join, 413, 'body_too_large');
    expect(body.message).toBe(`request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    const reset = await world.http('/admin/api/reset', { method: 'POST', cookie, body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    await expectJsonError(reset, 413, 'body_too_large');
  });

  test('a pool upload one byte over 24 MiB is a 413 naming its own limit, with the security headers', async () => {
    const world = await worlds.start();
    const cookie = await world.adminLogin();
    const response = await world.http('/admin/api/pool', { method: 'POST', cookie, body: new Uint8Array(MAX_POOL_ARCHIVE_BYTES + 1) });
    const body = await expectJsonError(response, 413, 'body_too_large');
    expect(body.message).toBe(`request bodies are limited to ${MAX_POOL_ARCHIVE_BYTES} bytes`);
    expectSecurityHeaders(response);
  });

  test('a chunked pool upload of 3 MiB is read; a chunked one over 24 MiB is a 413', async () => {
    const world = await worlds.start();
    const cookie = await world.adminLogin();
    const chunked = (bytes: Uint8Array) =>
      fetch(`${world.baseUrl}/admin/api/pool`, {
        method: 'POST',
        headers: { cookie },
        body: new ReadableStream({
          start(controller) {
            for (let offset = 0; offset < bytes.length; offset += 256 * 1024) controller.enqueue(bytes.subarray(offset, offset + 256 * 1024));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
    const within = await chunked(new TextEncoder().encode(paddedPool(3 * MAX_BODY_BYTES)));
    expect(within.status).toBe(200);
    await within.arrayBuffer();
    await expectJsonError(await chunked(new Uint8Array(MAX_POOL_ARCHIVE_BYTES + 1)), 413, 'body_too_large');
  });
});
