import { expect, test } from 'bun:test';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();

// Regression: the configured password was re-hashed with a fresh salt on every start, so
// the fingerprint in admin cookies changed and every restart signed the instructor out.
test('an admin cookie survives a restart with the same password, and not a password change', async () => {
  const dir = worlds.tempDir();
  const first = await worlds.start({ dir });
  const adminCookie = await first.adminLogin();
  await worlds.stop(first);

  const same = await worlds.start({ dir });
  expect((await same.http('/admin/api/state', { cookie: adminCookie })).status).toBe(200);
  await worlds.stop(same);

  const changed = await worlds.start({ dir, env: { QUIZ_ADMIN_PASSWORD: 'a-brand-new-password' } });
  expect((await changed.http('/admin/api/state', { cookie: adminCookie })).status).toBe(401);
  const login = await changed.http('/admin/login', { method: 'POST', json: { password: 'a-brand-new-password' } });
  expect(login.status).toBe(200);
});
