/**
 * Course settings: `GET/POST /admin/api/settings`. A change is stored before it is
 * answered, reaches students (public subset) and admins (all) as a `settings` frame, is in
 * every later snapshot, and survives a restart. Bad bodies change nothing.
 */
import { expect, test } from 'bun:test';
import { DEFAULT_COURSE_SETTINGS } from '../../src/protocol/settings';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();

test('defaults are all off; GET needs the instructor', async () => {
  const world = await worlds.start();
  expect(DEFAULT_COURSE_SETTINGS).toEqual({ join_code: false, qa: false, pulse: false, pulse_on_screen: false, term_results: false, retention_days: null });
  expect((await world.http('/admin/api/settings')).status).toBe(401);
  const response = await world.http('/admin/api/settings', { cookie: await world.adminLogin() });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual(DEFAULT_COURSE_SETTINGS);
});

test('a change answers the whole settings, reaches both audiences and every later snapshot', async () => {
  const world = await worlds.start();
  const { cookie } = await world.join('s1');
  const student = worlds.track(await world.connectStudent(cookie));
  const admin = worlds.track(await world.connectAdmin());
  expect((await student.next('snapshot')).settings).toEqual({ join_code: false, qa: false, pulse: false, term_results: false });
  expect((await admin.next('snapshot')).settings).toEqual(DEFAULT_COURSE_SETTINGS);

  const response = await world.adminPost('/admin/api/settings', { qa: true, retention_days: 90 });
  expect(response.status).toBe(200);
  const expected = { ...DEFAULT_COURSE_SETTINGS, qa: true, retention_days: 90 };
  expect(await response.json()).toEqual(expected);
  expect((await student.next('settings')).settings).toEqual({ join_code: false, qa: true, pulse: false, term_results: false });
  expect((await admin.next('settings')).settings).toEqual(expected);

  const later = worlds.track(await world.connectStudent(cookie));
  expect((await later.next('snapshot')).settings.qa).toBe(true);
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.settings).toEqual(expected);
});

test('settings survive a restart', async () => {
  const dir = worlds.tempDir();
  const first = await worlds.start({ dir });
  expect((await first.adminPost('/admin/api/settings', { pulse: true, join_code: true })).status).toBe(200);
  await worlds.stop(first);
  const second = await worlds.start({ dir });
  const stored = await (await second.http('/admin/api/settings', { cookie: await second.adminLogin() })).json();
  expect(stored).toEqual({ ...DEFAULT_COURSE_SETTINGS, pulse: true, join_code: true });
});

test('bad bodies are a short 400 and change nothing', async () => {
  const world = await worlds.start();
  // A typo next to a real setting must not pass as the real setting alone.
  const bodies: unknown[] = [{}, { qa: 'yes' }, { unknown: true }, { qa: true, pulze: true }, { retention_days: 0 }, { retention_days: 1.5 }, { retention_days: 99999 }, [], null, 'qa'];
  for (const body of bodies) {
    const response = await world.adminPost('/admin/api/settings', body);
    expect(response.status).toBe(400);
    const error = await response.json();
    expect(typeof error.error).toBe('string');
    expect(error.error).toBe('invalid_body');
    expect(Object.keys(error).sort()).toEqual(['error', 'message']);
    expect(error.message.length).toBeLessThan(120);
  }
  const stored = await (await world.http('/admin/api/settings', { cookie: await world.adminLogin() })).json();
  expect(stored).toEqual(DEFAULT_COURSE_SETTINGS);
  const notJson = await world.http('/admin/api/settings', { method: 'POST', cookie: await world.adminLogin(), headers: { 'content-type': 'application/json' }, body: '{"qa":' });
  expect(notJson.status).toBe(400);
  expect((await notJson.json()).error).toBe('invalid_json');
});
