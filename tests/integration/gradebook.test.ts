/**
 * `GET /admin/api/gradebook.csv` over a real server: three runs played by overlapping
 * students, every layout, choosing runs, the class list's students who never joined, and
 * every refusal (named unknown ids, bad ids, bad format, no instructor).
 */
import { expect, test } from 'bun:test';
import { parseCrlfCsv } from '../helpers/csv';
import { playRun } from '../helpers/play-run';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();
// Accuracy scoring: a right answer is 1000 whatever the time, so totals are plain to read.
const pool = { ...makePool(2), scoring: 'accuracy' as const, questions: makePool(2).questions.map((q) => ({ ...q, scoring: 'accuracy' as const })) };

/** Run 1: ann 2000, bob 1000. Run 2: ann 1000, "=cmd" 0. Run 3 (current): the lobby. */
async function term(world: TestWorld) {
  await playRun(world, { students: [{ id: 'ann', name: 'Ann', answers: ['A', 'B'] }, { id: 'bob', name: 'Bob', answers: ['A', 'C'] }] });
  await world.adminPost('/admin/api/reset');
  await world.adminPost('/admin/api/runs/2/rename', { title: 'Week 2, graphs' });
  await playRun(world, { students: [{ id: 'ann', name: 'Ann B.', answers: ['A', null] }, { id: 'eve', name: '=cmd|x', answers: ['D', 'D'] }] });
  await world.adminPost('/admin/api/reset');
}

async function download(world: TestWorld, query = '') {
  return world.http(`/admin/api/gradebook.csv${query}`, { cookie: await world.adminLogin() });
}

test('every run by default: one row per student id, one column per run, runs attended, total', async () => {
  const world = await worlds.start({ pool });
  await term(world);
  const response = await download(world);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toStartWith('text/csv');
  expect(response.headers.get('content-disposition')).toBe('attachment; filename="gradebook.csv"');
  expect(parseCrlfCsv(await response.text())).toEqual([
    ['student_id', 'name', 'run_1', 'run_2', 'run_3', 'runs_attended', 'total'],
    ['ann', 'Ann B.', '2000', '1000', '', '2', '3000'],
    ['bob', 'Bob', '1000', '', '', '1', '1000'],
    ['eve', "'=cmd|x", '', '0', '', '1', '0'],
  ]);
});

test('?runs= chooses runs; Moodle and Canvas layouts', async () => {
  const world = await worlds.start({ pool });
  await term(world);
  expect(parseCrlfCsv(await (await download(world, '?runs=2,1,2')).text())).toEqual([
    ['student_id', 'name', 'run_1', 'run_2', 'runs_attended', 'total'],
    ['ann', 'Ann B.', '2000', '1000', '2', '3000'],
    ['bob', 'Bob', '1000', '', '1', '1000'],
    ['eve', "'=cmd|x", '', '0', '1', '0'],
  ]);
  const moodle = await download(world, '?runs=2&format=moodle');
  expect(moodle.headers.get('content-disposition')).toBe('attachment; filename="gradebook-moodle.csv"');
  expect(parseCrlfCsv(await moodle.text())).toEqual([['ID number', 'Week 2, graphs (run 2)'], ['ann', '1000'], ['eve', '0']]);
  const canvas = parseCrlfCsv(await (await download(world, '?runs=1,2&format=canvas')).text());
  expect(canvas).toEqual([
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', `${pool.title} (run 1)`, 'Week 2, graphs (run 2)'],
    ['Points Possible', '', '', '', '', '2000', '2000'],
    ['Ann B.', '', 'ann', '', '', '2000', '1000'],
    ['Bob', '', 'bob', '', '', '1000', ''],
    ["'=cmd|x", '', 'eve', '', '', '', '0'],
  ]);
});

test('refusals: unknown run ids named (404), malformed ids and formats (400), no instructor (401)', async () => {
  const world = await worlds.start({ pool });
  await term(world);
  const unknown = await download(world, '?runs=1,7,9');
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toEqual({ error: 'run_not_found', message: 'no run 7, 9', unknown_runs: [7, 9] });
  for (const query of ['?runs=', '?runs=1,,2', '?runs=abc', '?runs=-1', '?runs=1.5', '?runs=0', '?format=excel', '?format=']) {
    const response = await download(world, query);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toBe('invalid_query');
    expect(body.message.length).toBeLessThan(160);
  }
  expect((await world.http('/admin/api/gradebook.csv')).status).toBe(401);
});

test('class list students who never joined are listed with empty cells, in the list’s order, with its names', async () => {
  const world = await worlds.start({ pool });
  const upload = await world.http('/admin/api/roster', {
    method: 'POST',
    cookie: await world.adminLogin(),
    headers: { 'content-type': 'text/csv' },
    body: 'student_id,name\r\ncy,Cy Never-Came\r\nann,Ann Listed\r\n',
  });
  expect(upload.status).toBe(200);
  await playRun(world, { students: [{ id: 'ann', answers: ['A', 'B'] }] });
  expect(parseCrlfCsv(await (await download(world)).text())).toEqual([
    ['student_id', 'name', 'run_1', 'runs_attended', 'total'],
    ['cy', 'Cy Never-Came', '', '0', ''],
    ['ann', 'Ann Listed', '2000', '1', '2000'],
  ]);
  expect(parseCrlfCsv(await (await download(world, '?format=canvas')).text()).at(-2)).toEqual(['Cy Never-Came', '', 'cy', '', '', '']);
});
