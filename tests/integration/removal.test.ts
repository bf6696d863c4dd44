/**
 * Removing students over real sockets: single and bulk, unknown ids and twice, during an
 * open question, in review and after the end, and racing a burst of submits (answers held
 * in the answer batch, not yet committed). After each: the removed are gone from the
 * database, the counts, the ranks and results.csv; their sockets closed with 4401; their
 * ids free; and every count equals the committed answers.
 */
import { expect, test } from 'bun:test';
import { csvRecords } from '../helpers/csv';
import { Inbox } from '../helpers/inbox';
import { expectJsonError } from '../helpers/json-error';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { waitFor } from '../helpers/wait';

const worlds = useTestWorlds({ checkSockets: true });

async function joinAndConnect(world: TestWorld, id: string, name = `Name ${id}`) {
  const { response, cookie } = await world.join(id, name);
  expect(response.status).toBe(200);
  const inbox = worlds.track(await world.connectStudent(cookie));
  await inbox.next('snapshot');
  return { id, cookie, inbox };
}

const remove = (world: TestWorld, body: unknown) => world.adminPost('/admin/api/students/remove', body);

async function state(world: TestWorld) {
  return (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
}

async function resultsRows(world: TestWorld) {
  const response = await world.http('/admin/api/results.csv', { cookie: await world.adminLogin() });
  return csvRecords(await response.text());
}

test('remove one: gone from everything, sockets closed with 4401, cookie dead, the id free for its owner', async () => {
  const world = await worlds.start({ fakeTime: true, pool: makePool(2) });
  const squatter = await joinAndConnect(world, 's1', 'Prankster');
  const other = await joinAndConnect(world, 's2');
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');

  const response = await remove(world, { student_id: 's1' });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ student_id: 's1', removed: true });
  expect(await squatter.inbox.expectClose()).toBe(4401);
  expect(other.inbox.closeCode).toBeNull();
  const snapshot = await admin.next('snapshot');
  expect(snapshot.students.map((student: { student_id: string }) => student.student_id)).toEqual(['s2']);
  expect(snapshot.students_count).toBe(1);
  world.time!.advance(500); // the lobby count is coalesced (at most one update per 500 ms)
  await waitFor('the lobby count after the removal', () => other.inbox.all('lobby_update').at(-1)?.students_count === 1);
  expect((await resultsRows(world)).map((row) => row.student_id)).toEqual(['s2']);
  expect((await world.http('/api/me', { cookie: squatter.cookie })).status).toBe(401);

  // The real owner joins from their own phone; the squatter's old cookie stays dead.
  const owner = await joinAndConnect(world, 's1', 'Real Ann');
  expect((await world.http('/api/me', { cookie: squatter.cookie })).status).toBe(401);
  const refused = worlds.track(Inbox.connect(world.wsUrl, squatter.cookie));
  expect(await refused.expectClose()).toBe(4401);
  expect(await (await world.http('/api/me', { cookie: owner.cookie })).json()).toMatchObject({ student_id: 's1', name: 'Real Ann' });
  expect(owner.inbox.closeCode).toBeNull();
});

test('unknown ids, twice, bulk with some unknown, and bad bodies: no crash, nothing half-done', async () => {
  const world = await worlds.start({ fakeTime: true });
  await joinAndConnect(world, 'a');
  await joinAndConnect(world, 'b');
  await joinAndConnect(world, 'c');
  await expectJsonError(await remove(world, { student_id: 'nobody' }), 404, 'student_not_found');
  expect((await remove(world, { student_id: 'a' })).status).toBe(200);
  await expectJsonError(await remove(world, { student_id: 'a' }), 404, 'student_not_found');

  const bulk = await remove(world, { student_ids: ['b', 'a', 'ghost', 'b'] });
  expect(bulk.status).toBe(200);
  expect(await bulk.json()).toEqual({ removed: ['b'], not_found: ['a', 'ghost'] });
  const none = await expectJsonError(await remove(world, { student_ids: ['a', 'b'] }), 404, 'student_not_found');
  expect(none.not_found).toEqual(['a', 'b']);

  for (const body of [{}, { student_id: 'c', student_ids: ['c'] }, { student_ids: [] }, { student_ids: 'c' }, { student_id: '' }, { student_id: 'c', extra: 1 }, [], 'c']) {
    const refused = await expectJsonError(await remove(world, body), 400, 'invalid_body');
    expect(refused.message).toMatch(/student_id|wrong shape/);
  }
  expect((await state(world)).students.map((student: { student_id: string }) => student.student_id)).toEqual(['c']);
  // A foreign page cannot remove with the instructor's cookie.
  const foreign = await world.http('/admin/api/students/remove', {
    method: 'POST',
    cookie: await world.adminLogin(),
    headers: { origin: 'https://evil.example' },
    json: { student_id: 'c' },
  });
  await expectJsonError(foreign, 403, 'forbidden_origin');
  expect((await world.http('/admin/api/students/remove', { method: 'POST', json: { student_id: 'c' } })).status).toBe(401);
});

test('during an open question: the answered count and counts drop at once; the others keep answering', async () => {
  const world = await worlds.start({ fakeTime: true, pool: makePool(2) });
  const students = [];
  for (const id of ['p1', 'p2', 'ok1', 'ok2']) students.push(await joinAndConnect(world, id));
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  expect((await world.adminPost('/admin/api/next')).status).toBe(200);
  for (const [index, student] of students.slice(0, 3).entries()) {
    await student.inbox.next('question_open');
    student.inbox.send({ type: 'submit', question_idx: 0, choice: index < 2 ? 'A' : 'B' });
    expect((await student.inbox.next('submit_ack')).accepted).toBe(true);
  }
  await waitFor('3 answered', async () => (await state(world)).answered === 3);

  const bulk = await remove(world, { student_ids: ['p1', 'p2'] });
  expect(await bulk.json()).toEqual({ removed: ['p1', 'p2'], not_found: [] });
  const snapshot = await admin.next('snapshot');
  expect(snapshot.answered).toBe(1);
  expect(snapshot.counts).toEqual({ A: 0, B: 1, C: 0, D: 0 });
  expect(admin.all('snapshot')).toHaveLength(2); // one broadcast for the bulk removal

  const last = students[3]!;
  await last.inbox.next('question_open');
  last.inbox.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect((await last.inbox.next('submit_ack')).accepted).toBe(true);
  expect((await world.adminPost('/admin/api/close')).status).toBe(200);
  const closed = await last.inbox.next('question_closed');
  expect(closed.counts).toEqual({ A: 1, B: 1, C: 0, D: 0 });
  expect(closed.tally).toEqual({ answered: 2, correct: 1 });
});

test('in review and after the end: the counts, ranks and podium follow at once', async () => {
  const world = await worlds.start({ fakeTime: true, pool: makePool(1) });
  const winner = await joinAndConnect(world, 'winner');
  const runnerUp = await joinAndConnect(world, 'runner');
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  await world.adminPost('/admin/api/next');
  for (const [student, choice] of [[winner, 'A'], [runnerUp, 'B']] as const) {
    await student.inbox.next('question_open');
    student.inbox.send({ type: 'submit', question_idx: 0, choice });
    await student.inbox.next('submit_ack');
  }
  await world.adminPost('/admin/api/close');
  await runnerUp.inbox.next('question_closed');
  await world.adminPost('/admin/api/next'); // ended
  expect((await runnerUp.inbox.next('session_ended')).rank).toBe(2);
  expect((await remove(world, { student_id: 'winner' })).status).toBe(200);
  const fresh = await runnerUp.inbox.next('snapshot');
  expect(fresh.me).toMatchObject({ rank: 1, total_students: 1 });
  const adminView = await admin.next('snapshot');
  expect(adminView.students).toEqual([expect.objectContaining({ student_id: 'runner', rank: 1 })]);
  expect((await resultsRows(world)).map((row) => [row.student_id, row.rank])).toEqual([['runner', '1']]);
});

test('a removal racing a submit burst: afterwards every count equals the committed answers, none from the removed', async () => {
  const world = await worlds.start({ fakeTime: true, pool: makePool(1, { timeLimitS: 600 }) });
  const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
  const students: Array<{ id: string; inbox: Inbox }> = [];
  for (const id of ids) students.push(await joinAndConnect(world, id));
  await world.adminPost('/admin/api/next');
  for (const student of students) await student.inbox.next('question_open');
  const doomed = ids.filter((_, i) => i % 2 === 0);

  // Every student submits; the removal is sent in the same moment, so some of the removed
  // students' answers are held in the batch, some committed, some not yet read.
  for (const [i, student] of students.entries()) student.inbox.send({ type: 'submit', question_idx: 0, choice: 'ABCD'[i % 4] });
  const removal = await remove(world, { student_ids: doomed });
  expect(removal.status).toBe(200);
  expect((await removal.json()).removed).toEqual(doomed);

  const survivors = students.filter((student) => !doomed.includes(student.id));
  for (const student of survivors) expect((await student.inbox.next('submit_ack')).accepted).toBe(true);
  for (const student of students.filter((s) => doomed.includes(s.id))) expect(await student.inbox.expectClose()).toBe(4401);

  const current = await state(world);
  expect(current.answered).toBe(survivors.length);
  expect(current.students_count).toBe(survivors.length);
  await world.adminPost('/admin/api/close');
  const closed = await survivors[0]!.inbox.next('question_closed');
  const counted = Object.values(closed.counts as Record<string, number>).reduce((sum, n) => sum + n, 0);
  const rows = await resultsRows(world);
  expect(rows.map((row) => row.student_id).sort()).toEqual(survivors.map((s) => s.id).sort());
  const answeredInCsv = rows.filter((row) => row.q1_choice !== '').length;
  expect(counted).toBe(survivors.length);
  expect(answeredInCsv).toBe(survivors.length);
  expect(closed.tally.answered).toBe(survivors.length);
});
