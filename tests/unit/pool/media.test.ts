import { expect, test } from 'bun:test';
import { mediaUrl } from '../../../src/pool/media';

test('mediaUrl is /media/<sha256>.<ext>', () => {
  const sha256 = 'ab'.repeat(32);
  expect(mediaUrl({ sha256, ext: 'png' })).toBe(`/media/${sha256}.png`);
  expect(mediaUrl({ sha256, ext: 'jpg' })).toBe(`/media/${sha256}.jpg`);
});
