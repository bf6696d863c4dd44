/**
 * Security finding 3: logging out did not end the admin session. A cookie saved before
 * `POST /admin/logout` still worked afterwards, including for `/admin/api/reset`. Now every
 * admin cookie names a sign-in the server keeps (across restarts); logout forgets it, and
 * "sign out everywhere" forgets them all.
 */
import { expect, test } from 'bun:test';
import { Inbox } from '../helpers/inbox';
import { cookieFrom, TEST_ADMIN_PASSWORD, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();

async function signIn(w: TestWorld): Promise<string> {
  const response = await w.http('/admin/login', { method: 'POST', json: { password: TEST_ADMIN_PASSWORD } });
  expect(response.status).toBe(200);
  return cookieFrom(response, 'quiz_admin');
}

test('a cookie saved before logout stops working for every admin route, the projector and the socket', async () => {
  const world = await worlds.start();
  const saved = await signIn(world);
  const console = Inbox.connect(world.adminWsUrl, saved);
  worlds.track(console);
  await console.next('snapshot');

  expect((await world.http('/admin/logout', { method: 'POST', cookie: saved })).status).toBe(200);
  // The open console is told at once.
  expect(await console.expectClose()).toBe(4401);

  for (const [method, path] of [
    ['GET', '/admin/api/state'],
    ['POST', '/admin/api/reset'],
    ['POST', '/admin/api/next'],
    ['GET', '/screen'],
  ] as const) {
    const response = await world.http(path, { method, cookie: saved });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe('not_signed_in');
  }
  expect(world.server.controller.state.phase).toBe('lobby');
  const replayed = Inbox.connect(world.adminWsUrl, saved);
  worlds.track(replayed);
  expect(await replayed.expectClose()).toBe(4401);
});

test('logout ends only that sign-in; sign out everywhere ends them all', async () => {
  const world = await worlds.start();
  const laptop = await signIn(world);
  const tablet = await signIn(world);
  expect(laptop).not.toBe(tablet);
  await world.http('/admin/logout', { method: 'POST', cookie: laptop });
  expect((await world.http('/admin/api/state', { cookie: laptop })).status).toBe(401);
  expect((await world.http('/admin/api/state', { cookie: tablet })).status).toBe(200);

  const phone = await signIn(world);
  const projector = Inbox.connect(world.adminWsUrl, tablet);
  worlds.track(projector);
  await projector.next('snapshot');
  expect((await world.http('/admin/logout-everywhere', { method: 'POST', cookie: phone })).status).toBe(200);
  expect(await projector.expectClose()).toBe(4401);
  for (const cookie of [tablet, phone]) expect((await world.http('/admin/api/state', { cookie })).status).toBe(401);
  // Signing in again works.
  expect((await world.http('/admin/api/state', { cookie: await signIn(world) })).status).toBe(200);
});

test('sign-ins survive a restart, and a logged-out one stays logged out after it', async () => {
  const dir = worlds.tempDir();
  const before = await worlds.start({ dir });
  const kept = await signIn(before);
  const ended = await signIn(before);
  await before.http('/admin/logout', { method: 'POST', cookie: ended });
  await worlds.stop(before, { keepDir: true });
  const after = await worlds.start({ dir });
  expect((await after.http('/admin/api/state', { cookie: kept })).status).toBe(200);
  expect((await after.http('/admin/api/state', { cookie: ended })).status).toBe(401);
});
