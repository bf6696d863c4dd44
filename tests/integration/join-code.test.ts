/**
 * The join code at `POST /api/join`: off by default; when on, missing, wrong and expired
 * codes are 403, the current and the previous window's code are let in, the admin snapshot
 * carries it, and guessing is stopped per (address, student id) without locking out the
 * rest of the address. Time is a fake clock: the code moves only when the test says so.
 */
import { expect, test } from 'bun:test';
import { JOIN_CODE_WINDOW_MS } from '../../src/protocol/constants';
import { joinCodeOfWindow } from '../../src/session/join-code';
import { expectJsonError } from '../helpers/json-error';
import { TEST_SECRET_KEY, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds({ checkSockets: true });

const codeAt = (world: TestWorld, windowsAgo = 0) =>
  joinCodeOfWindow(TEST_SECRET_KEY, Math.floor(world.time!.now() / JOIN_CODE_WINDOW_MS) - windowsAgo);
const join = (world: TestWorld, body: Record<string, unknown>) => world.http('/api/join', { method: 'POST', json: body });
/** A code that is neither the current nor the previous window's. */
function wrongCode(world: TestWorld): string {
  const valid = new Set([codeAt(world), codeAt(world, 1)]);
  let guess = 0;
  while (valid.has(String(guess).padStart(4, '0'))) guess += 1;
  return String(guess).padStart(4, '0');
}

async function turnOn(world: TestWorld) {
  expect((await world.adminPost('/admin/api/settings', { join_code: true })).status).toBe(200);
}

test('off by default: no code needed, none in the snapshot', async () => {
  const world = await worlds.start({ fakeTime: true });
  expect(await (await world.http('/api/join-form')).json()).toEqual({ roster: false, join_code: false });
  expect((await join(world, { student_id: 's1', name: 'Ann', code: '0000' })).status).toBe(200);
  const admin = worlds.track(await world.connectAdmin());
  const snapshot = await admin.next('snapshot');
  expect(snapshot.join_code).toBeNull();
  expect(snapshot.join_code_changes_in_ms).toBeNull();
  expect(await (await world.http('/admin/api/join-code', { cookie: await world.adminLogin() })).json()).toEqual({ join_code: null, join_code_changes_in_ms: null });
});

test('on: missing and wrong codes are 403; the current code joins; the snapshot shows it with its countdown', async () => {
  const world = await worlds.start({ fakeTime: true });
  await turnOn(world);
  expect(await (await world.http('/api/join-form')).json()).toEqual({ roster: false, join_code: true });
  const missing = await expectJsonError(await join(world, { student_id: 's1', name: 'Ann' }), 403, 'wrong_join_code');
  expect(missing.message).toContain('join code');
  await expectJsonError(await join(world, { student_id: 's1', name: 'Ann', code: wrongCode(world) }), 403, 'wrong_join_code');
  await expectJsonError(await join(world, { student_id: 's1', name: 'Ann', code: 'abcd' }), 403, 'wrong_join_code');
  await expectJsonError(await join(world, { student_id: 's1', name: 'Ann', code: '123456789' }), 400, 'invalid_body');
  expect((await join(world, { student_id: 's1', name: 'Ann', code: codeAt(world) })).status).toBe(200);

  const admin = worlds.track(await world.connectAdmin());
  const snapshot = await admin.next('snapshot');
  const msIntoWindow = world.time!.now() % JOIN_CODE_WINDOW_MS;
  // As the contract says: the snapshot's join_code is the 4-digit code itself.
  expect(snapshot.join_code).toBe(codeAt(world));
  expect(snapshot.join_code_changes_in_ms).toBe(JOIN_CODE_WINDOW_MS - msIntoWindow);
  expect((await join(world, { student_id: 's2', name: 'Bob', code: snapshot.join_code })).status).toBe(200);
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.join_code).toBe(codeAt(world));
  const next = await (await world.http('/admin/api/join-code', { cookie: await world.adminLogin() })).json();
  expect(next).toEqual({ join_code: codeAt(world), join_code_changes_in_ms: JOIN_CODE_WINDOW_MS - msIntoWindow });
});

test('the previous code works 30 s more, then expires', async () => {
  const world = await worlds.start({ fakeTime: true });
  await turnOn(world);
  const code = codeAt(world);
  world.time!.advance(JOIN_CODE_WINDOW_MS);
  expect(codeAt(world, 1)).toBe(code);
  expect((await join(world, { student_id: 's1', name: 'Ann', code })).status).toBe(200);
  world.time!.advance(JOIN_CODE_WINDOW_MS);
  if (code !== codeAt(world) && code !== codeAt(world, 1)) {
    await expectJsonError(await join(world, { student_id: 's2', name: 'Bob', code }), 403, 'wrong_join_code');
  }
  expect((await join(world, { student_id: 's2', name: 'Bob', code: codeAt(world) })).status).toBe(200);
});

test('turning it off lets joins in without a code again', async () => {
  const world = await worlds.start({ fakeTime: true });
  await turnOn(world);
  await expectJsonError(await join(world, { student_id: 's1', name: 'Ann' }), 403, 'wrong_join_code');
  await world.adminPost('/admin/api/settings', { join_code: false });
  expect((await join(world, { student_id: 's1', name: 'Ann' })).status).toBe(200);
});

test('brute force: 20 wrong codes for one (address, id) in a minute, then 429 even for the right code; other ids on the address still join', async () => {
  const world = await worlds.start({ fakeTime: true });
  await turnOn(world);
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    await expectJsonError(await join(world, { student_id: 'target', name: 'X', code: wrongCode(world) }), 403, 'wrong_join_code');
  }
  const locked = await join(world, { student_id: 'target', name: 'X', code: codeAt(world) });
  const body = await expectJsonError(locked, 429, 'too_many_join_attempts');
  const retryAfter = Number(locked.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(body.retry_after_s).toBe(retryAfter);
  // A classmate behind the same NAT address is not locked out.
  expect((await join(world, { student_id: 'classmate', name: 'Y', code: codeAt(world) })).status).toBe(200);
  // A minute later the pair may try again.
  world.time!.advance(60_000);
  expect((await join(world, { student_id: 'target', name: 'X', code: codeAt(world) })).status).toBe(200);
});

test('with a class list and the code: the id and code are all a phone sends', async () => {
  const world = await worlds.start({ fakeTime: true });
  await turnOn(world);
  await world.http('/admin/api/roster', { method: 'POST', cookie: await world.adminLogin(), body: 'student_id,name\ns1,Ann Lee\n' });
  expect(await (await world.http('/api/join-form')).json()).toEqual({ roster: true, join_code: true });
  // The code is checked before the list, so a stranger learns nothing about which ids are listed.
  await expectJsonError(await join(world, { student_id: 'stranger' }), 403, 'wrong_join_code');
  await expectJsonError(await join(world, { student_id: 'stranger', code: codeAt(world) }), 403, 'not_on_roster');
  const joined = await join(world, { student_id: 's1', code: codeAt(world) });
  expect(await joined.json()).toEqual({ student_id: 's1', name: 'Ann Lee' });
});
