/**
 * Past runs over HTTP: the list, rename, delete (typed title; never the current run) and
 * the retention purge at start-up, hourly and right after the setting changes. A deleted
 * or purged run leaves no row behind in any table that names it.
 */
import { Database } from 'bun:sqlite';
import { expect, test } from 'bun:test';
import { join } from 'node:path';
import { createLogger } from '../../src/logger';
import { DAY_MS } from '../../src/session/past-runs';
import { playRun } from '../helpers/play-run';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();
const pool = makePool(2);

async function admin(world: TestWorld, path: string) {
  return world.http(path, { cookie: await world.adminLogin() });
}

async function listRuns(world: TestWorld) {
  const response = await admin(world, '/admin/api/runs');
  expect(response.status).toBe(200);
  return (await response.json()) as Array<Record<string, unknown>>;
}

/** Rows per table that still name `runId` (every table with a run_id column, and runs itself). */
function rowsNaming(world: TestWorld, runId: number): Record<string, number> {
  const db = new Database(join(world.dir, 'quiz.db'), { readonly: true });
  try {
    const tables = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name);
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const columns = db.query<{ name: string }, [string]>('SELECT name FROM pragma_table_info(?)').all(table).map((c) => c.name);
      const column = table === 'runs' ? 'id' : columns.includes('run_id') ? 'run_id' : null;
      if (column) counts[table] = db.query<{ n: number }, [number]>(`SELECT count(*) AS n FROM "${table}" WHERE ${column} = ?`).get(runId)!.n;
    }
    return counts;
  } finally {
    db.close();
  }
}

/** Two finished runs (1 and 2) and a third, current one in the lobby. */
async function threeRuns(world: TestWorld) {
  await playRun(world, { students: [{ id: 'a', answers: ['A', 'B'] }, { id: 'b', answers: ['B', null] }] });
  await world.adminPost('/admin/api/reset');
  await playRun(world, { students: [{ id: 'a', answers: ['A', 'B'] }] });
  await world.adminPost('/admin/api/reset');
}

test('the list: every run newest first, its title, ISO times, students, questions, the current one marked', async () => {
  const world = await worlds.start({ fakeTime: true, pool });
  expect((await world.http('/admin/api/runs')).status).toBe(401);
  const started = new Date(world.time!.now()).toISOString();
  await threeRuns(world);
  const runs = await listRuns(world);
  expect(runs.map((run) => run.run_id)).toEqual([3, 2, 1]);
  expect(runs[2]).toEqual({
    run_id: 1,
    title: pool.title,
    started_at: started,
    ended_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    students: 2,
    questions: 2,
    points_possible: 2000,
    phase: 'ended',
    current: false,
  });
  expect(runs[0]).toMatchObject({ run_id: 3, ended_at: null, students: 0, phase: 'lobby', current: true });
});

test('the standings of a run: rank order, ties in join order; unknown runs 404', async () => {
  const world = await worlds.start({ fakeTime: true, pool });
  await threeRuns(world);
  const response = await admin(world, '/admin/api/runs/1/results');
  expect(response.status).toBe(200);
  // Each answer 1 s into a 20 s question: 975 points when right.
  expect(await response.json()).toEqual({
    run_id: 1,
    title: pool.title,
    students: [
      { student_id: 'a', name: 'Student a', score: 1950, rank: 1 },
      { student_id: 'b', name: 'Student b', score: 0, rank: 2 },
    ],
  });
  expect(await (await admin(world, '/admin/api/runs/3/results')).json()).toEqual({ run_id: 3, title: pool.title, students: [] });
  for (const path of ['/admin/api/runs/9/results', '/admin/api/runs/x/results']) {
    const missing = await admin(world, path);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toBe('run_not_found');
  }
  expect((await world.http('/admin/api/runs/1/results')).status).toBe(401);
});

test('rename: the new title is listed and used; bad bodies and unknown runs change nothing', async () => {
  const world = await worlds.start({ fakeTime: true, pool });
  await threeRuns(world);
  const renamed = await world.adminPost('/admin/api/runs/1/rename', { title: '  Week 1 — Sorting ' });
  expect(renamed.status).toBe(200);
  expect(await renamed.json()).toMatchObject({ run_id: 1, title: 'Week 1 — Sorting' });
  for (const body of [{}, { title: '' }, { title: '   ' }, { title: 'x'.repeat(201) }, { title: 3 }, { title: 'ok', extra: 1 }, null]) {
    const response = await world.adminPost('/admin/api/runs/2/rename', body);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('invalid_body');
  }
  for (const path of ['/admin/api/runs/99/rename', '/admin/api/runs/abc/rename', '/admin/api/runs/0/rename']) {
    const response = await world.adminPost(path, { title: 'x' });
    expect(response.status).toBe(404);
    expect((await response.json()).error).toBe('run_not_found');
  }
  const foreign = await world.http('/admin/api/runs/2/rename', {
    method: 'POST',
    cookie: await world.adminLogin(),
    headers: { origin: 'https://evil.example' },
    json: { title: 'pwned' },
  });
  expect(foreign.status).toBe(403);
  expect((await world.http('/admin/api/runs/2/rename', { method: 'POST', json: { title: 'x' } })).status).toBe(401);
  expect((await world.http('/admin/api/runs/1/delete', { method: 'POST', json: { confirm_title: pool.title } })).status).toBe(401);
  const titles = (await listRuns(world)).map((run) => run.title);
  expect(titles).toEqual([pool.title, pool.title, 'Week 1 — Sorting']);
});

test('delete: needs the exact title, never the current run, and leaves no row naming the run', async () => {
  const world = await worlds.start({ fakeTime: true, pool });
  await threeRuns(world);
  // Run 1 also holds back-channel rows (an ask with a vote, a pulse): they go with it.
  const db = new Database(join(world.dir, 'quiz.db'));
  db.query("INSERT INTO asks (id, run_id, student_id, text, state, asked_at_ms) VALUES (7, 1, 'a', 'why?', 'open', 1)").run();
  db.query("INSERT INTO ask_votes (run_id, ask_id, student_id, voted_at_ms) VALUES (1, 7, 'b', 2)").run();
  db.query("INSERT INTO pulses (run_id, student_id, value, sent_at_ms) VALUES (1, 'a', 'lost', 3)").run();
  db.close();
  expect(Object.values(rowsNaming(world, 1)).every((n) => n > 0)).toBe(true);

  const wrong = await world.adminPost('/admin/api/runs/1/delete', { confirm_title: 'test pool' });
  expect(wrong.status).toBe(400);
  expect((await wrong.json()).error).toBe('title_mismatch');
  const current = await world.adminPost('/admin/api/runs/3/delete', { confirm_title: pool.title });
  expect(current.status).toBe(409);
  expect((await current.json()).error).toBe('current_run');
  expect((await world.adminPost('/admin/api/runs/1/delete', {})).status).toBe(400);
  expect((await world.adminPost('/admin/api/runs/42/delete', { confirm_title: pool.title })).status).toBe(404);
  expect((await listRuns(world)).length).toBe(3);

  const deleted = await world.adminPost('/admin/api/runs/1/delete', { confirm_title: ` ${pool.title} ` });
  expect(deleted.status).toBe(200);
  expect(await deleted.json()).toEqual({
    run_id: 1,
    deleted: expect.objectContaining({ runs: 1, students: 2, answers: 3, question_opens: 2, asks: 1, ask_votes: 1, pulses: 1 }),
  });
  expect((await listRuns(world)).map((run) => run.run_id)).toEqual([3, 2]);
  expect(Object.values(rowsNaming(world, 1)).every((n) => n === 0)).toBe(true);
  expect((await admin(world, '/admin/api/results.csv?run=1')).status).toBe(404);
  // The other past run is untouched.
  expect(rowsNaming(world, 2)).toMatchObject({ runs: 1, students: 1, answers: 2 });
  const again = await world.adminPost('/admin/api/runs/1/delete', { confirm_title: pool.title });
  expect(again.status).toBe(404);
});

test('retention: setting it purges older runs at once (never the current one), and the purge is logged', async () => {
  const lines: string[] = [];
  const world = await worlds.start({ fakeTime: true, pool, logger: createLogger('info', (line) => void lines.push(line)) });
  await threeRuns(world);
  world.time!.advance(10 * DAY_MS);
  await world.adminLogin(true); // the sign-in lasts 12 h
  // Run 3 opened its lobby 10 days ago but is played (and ends) today: its age runs from its end.
  await playRun(world, { students: [{ id: 'c', answers: ['A'] }] });
  await world.adminPost('/admin/api/reset'); // run 4, current

  const response = await world.adminPost('/admin/api/settings', { retention_days: 5 });
  expect(response.status).toBe(200);
  expect((await listRuns(world)).map((run) => run.run_id)).toEqual([4, 3]);
  for (const runId of [1, 2]) expect(Object.values(rowsNaming(world, runId)).every((n) => n === 0)).toBe(true);
  const purges = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'runs_purged');
  expect(purges).toEqual([
    expect.objectContaining({ reason: 'settings_changed', retention_days: 5, run_ids: [1, 2], deleted: expect.objectContaining({ runs: 2, students: 3 }) }),
  ]);

  // The current run is kept however old it grows; the hourly check purges the rest.
  world.time!.advance(6 * DAY_MS);
  await world.adminLogin(true);
  expect((await listRuns(world)).map((run) => run.run_id)).toEqual([4]);
  expect(lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'runs_purged').at(-1)).toMatchObject({ reason: 'hourly', run_ids: [3] });
});

test('retention: a restart purges what aged while the server was down; off (null) purges nothing', async () => {
  const dir = worlds.tempDir();
  const first = await worlds.start({ dir, pool });
  await playRun(first, { students: [{ id: 'a', answers: ['A'] }] });
  await first.adminPost('/admin/api/reset');
  await first.adminPost('/admin/api/settings', { retention_days: 1 });
  expect((await listRuns(first)).length).toBe(2);
  await worlds.stop(first, { keepDir: true });
  // Age run 1 by hand: as if the server had been down for two days.
  const db = new Database(join(dir, 'quiz.db'));
  db.query('UPDATE runs SET created_at_ms = created_at_ms - ?1, ended_at_ms = ended_at_ms - ?1 WHERE id = 1').run(2 * DAY_MS);
  db.close();
  const second = await worlds.start({ dir, pool });
  expect((await listRuns(second)).map((run) => run.run_id)).toEqual([2]);

  await second.adminPost('/admin/api/settings', { retention_days: null });
  await playRun(second, { students: [{ id: 'a', answers: ['A'] }] });
  await second.adminPost('/admin/api/reset');
  await worlds.stop(second, { keepDir: true });
  const old = new Database(join(dir, 'quiz.db'));
  old.query('UPDATE runs SET created_at_ms = created_at_ms - ?1, ended_at_ms = ended_at_ms - ?1 WHERE id = 2').run(400 * DAY_MS);
  old.close();
  const third = await worlds.start({ dir, pool });
  expect((await listRuns(third)).map((run) => run.run_id)).toEqual([3, 2]);
});
