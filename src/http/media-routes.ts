/**
 * `GET /media/<sha256>.<ext>`: the images uploaded with pools. The address is the hash of
 * the bytes, so a URL always means the same image and may be cached for good. Anyone may
 * fetch an image (students see them with the question); nothing else is served here.
 */
import { Elysia } from 'elysia';
import { AppError } from '../errors';
import type { AppDeps } from './deps';

const MEDIA_FILE = /^([0-9a-f]{64})\.([a-z]+)$/;
export const MEDIA_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export function mediaRoutes(deps: Pick<AppDeps, 'media'>) {
  return new Elysia({ name: 'media-routes' }).get('/media/:file', ({ params }) => {
    const match = MEDIA_FILE.exec(params.file);
    const stored = match ? deps.media.getMedia(match[1]!) : null;
    // The extension must be the stored one: one image, one URL.
    if (!match || !stored || stored.ext !== match[2]) throw new AppError(404, 'not_found', 'no such image');
    return new Response(stored.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': stored.mime,
        'content-length': String(stored.bytes.byteLength),
        'cache-control': MEDIA_CACHE_CONTROL,
      },
    });
  });
}
