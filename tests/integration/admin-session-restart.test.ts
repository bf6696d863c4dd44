import { afterEach, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { startTestWorld, type TestWorld } from '../helpers/test-server';

const worlds: TestWorld[] = [];
let dir: string | null = null;
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.stop({ keepDir: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

// Regression: the configured password was re-hashed with a fresh salt on every start, so
// the fingerprint in admin cookies changed and every restart signed the instructor out.
test('an admin cookie survives a restart with the same password, and not a password change', async () => {
  const first = await startTestWorld();
  worlds.push(first);
  dir = first.dir;
  const adminCookie = await first.adminLogin();
  await first.stop({ keepDir: true });
  worlds.length = 0;

  const same = await startTestWorld({ dir: dir! });
  worlds.push(same);
  expect((await same.http('/admin/api/state', { cookie: adminCookie })).status).toBe(200);
  await same.stop({ keepDir: true });
  worlds.length = 0;

  const changed = await startTestWorld({ dir: dir!, env: { QUIZ_ADMIN_PASSWORD: 'a-brand-new-password' } });
  worlds.push(changed);
  expect((await changed.http('/admin/api/state', { cookie: adminCookie })).status).toBe(401);
  const login = await changed.http('/admin/login', { method: 'POST', json: { password: 'a-brand-new-password' } });
  expect(login.status).toBe(200);
});
