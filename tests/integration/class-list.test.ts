/**
 * The class list (roster) over HTTP and sockets: upload (replacing), list, remove, kept
 * across resets and restarts; only listed ids join, under the listed name; a dry run says
 * what a list means for students already joined; bad files are refused whole with lines.
 */
import { expect, test } from 'bun:test';
import { expectJsonError } from '../helpers/json-error';
import type { TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds({ checkSockets: true });

async function uploadClassList(world: TestWorld, csv: string | Uint8Array<ArrayBuffer>, query = '') {
  return world.http(`/admin/api/roster${query}`, {
    method: 'POST',
    cookie: await world.adminLogin(),
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
}

async function listed(world: TestWorld) {
  const response = await world.http('/admin/api/roster', { cookie: await world.adminLogin() });
  expect(response.status).toBe(200);
  return (await response.json()).students;
}

const joinBody = (world: TestWorld, body: unknown) => world.http('/api/join', { method: 'POST', json: body });
const joinForm = async (world: TestWorld) => (await world.http('/api/join-form')).json();

test('upload replaces, GET lists with who joined, DELETE removes; admin only', async () => {
  const world = await worlds.start();
  expect((await world.http('/admin/api/roster')).status).toBe(401);
  expect((await world.http('/admin/api/roster', { method: 'POST', body: 'student_id,name\ns1,A' })).status).toBe(401);
  expect(await listed(world)).toEqual([]);

  const first = await uploadClassList(world, 'student_id,name\ns1,Ann Lee\ns2,Bob\n');
  expect(first.status).toBe(200);
  expect(await first.json()).toEqual({
    students: 2,
    applied: true,
    columns: { id: 'student_id', name: 'name' },
    skipped: [],
    renamed: [],
    not_listed: [],
  });
  expect((await world.join('s1', 'ignored')).response.status).toBe(200);
  expect(await listed(world)).toEqual([
    { student_id: 's1', name: 'Ann Lee', joined: true },
    { student_id: 's2', name: 'Bob', joined: false },
  ]);

  expect((await uploadClassList(world, 'student_id,name\ns3,Cy\n')).status).toBe(200);
  expect(await listed(world)).toEqual([{ student_id: 's3', name: 'Cy', joined: false }]);

  const cleared = await world.http('/admin/api/roster', { method: 'DELETE', cookie: await world.adminLogin() });
  expect(cleared.status).toBe(200);
  expect(await cleared.json()).toEqual({ students: 0 });
  expect(await listed(world)).toEqual([]);
  expect(await joinForm(world)).toEqual({ roster: false, join_code: false });
  expect((await world.join('anyone', 'Anyone')).response.status).toBe(200);
});

test('with a class list only listed ids join, under the listed name; the phone needs only the id', async () => {
  const world = await worlds.start();
  expect(await joinForm(world)).toEqual({ roster: false, join_code: false });
  // Without a class list a name is needed.
  await expectJsonError(await joinBody(world, { student_id: 'x1' }), 400, 'invalid_body');

  await uploadClassList(world, 'student_id,name\ns1,Ann Lee\n\uFF53\uFF12,Bob\n');
  expect(await joinForm(world)).toEqual({ roster: true, join_code: false });

  const refused = await expectJsonError(await joinBody(world, { student_id: 'stranger', name: 'Mallory' }), 403, 'not_on_roster');
  expect(refused.message).toContain('not on the class list');
  const onlyId = await joinBody(world, { student_id: 's1' });
  expect(onlyId.status).toBe(200);
  expect(await onlyId.json()).toEqual({ student_id: 's1', name: 'Ann Lee' });
  // A typed name is ignored; the id is compared in NFKC like the list.
  const typed = await joinBody(world, { student_id: 's2', name: 'Prankster' });
  expect(await typed.json()).toEqual({ student_id: 's2', name: 'Bob' });
  // A listed id already joined is still taken.
  await expectJsonError(await joinBody(world, { student_id: 's1' }), 409, 'student_id_taken');

  const admin = worlds.track(await world.connectAdmin());
  const snapshot = await admin.next('snapshot');
  expect(snapshot.class_list).toEqual({ students: 2 });
  expect(snapshot.students.map((student: { name: string }) => student.name)).toEqual(['Ann Lee', 'Bob']);
});

test('a dry run says what the list means for joined students and stores nothing; applying keeps their names', async () => {
  const world = await worlds.start();
  await world.join('s1', 'xXx_s1');
  await world.join('squatter', 'Nobody');
  await world.join('s2', 'Bob');
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  const csv = 'student_id,name\ns1,Ann Lee\ns2,Bob\ns3,Cy\n';

  const preview = await uploadClassList(world, csv, '?dry_run=1');
  expect(preview.status).toBe(200);
  expect(await preview.json()).toEqual({
    students: 3,
    applied: false,
    columns: { id: 'student_id', name: 'name' },
    skipped: [],
    renamed: [{ student_id: 's1', joined_name: 'xXx_s1', listed_name: 'Ann Lee' }],
    not_listed: ['squatter'],
  });
  expect(await listed(world)).toEqual([]);
  expect(await joinForm(world)).toEqual({ roster: false, join_code: false });

  const applied = await uploadClassList(world, csv);
  expect(await applied.json()).toMatchObject({ applied: true, renamed: [{ student_id: 's1' }], not_listed: ['squatter'] });
  // The admins learn at once (one fresh snapshot), and joined students keep their names.
  const after = await admin.next('snapshot');
  expect(after.class_list).toEqual({ students: 3 });
  expect(after.students.map((student: { student_id: string; name: string }) => [student.student_id, student.name])).toEqual([
    ['s1', 'xXx_s1'],
    ['squatter', 'Nobody'],
    ['s2', 'Bob'],
  ]);
});

test('the class list is kept across a reset and a restart', async () => {
  const dir = worlds.tempDir();
  const first = await worlds.start({ dir });
  await uploadClassList(first, 'student_id,name\ns1,Ann\n');
  expect((await first.adminPost('/admin/api/reset')).status).toBe(200);
  await expectJsonError(await joinBody(first, { student_id: 's9', name: 'X' }), 403, 'not_on_roster');
  await worlds.stop(first);
  const second = await worlds.start({ dir });
  expect(await listed(second)).toEqual([{ student_id: 's1', name: 'Ann', joined: false }]);
  await expectJsonError(await joinBody(second, { student_id: 's9', name: 'X' }), 403, 'not_on_roster');
  expect((await joinBody(second, { student_id: 's1' })).status).toBe(200);
});

test('real exports: Canvas with Points Possible, European Excel with BOM and semicolons, 5,000 rows', async () => {
  const world = await worlds.start();
  const canvas = 'Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"Lee, Ann",101,S-1,alee,A\n';
  const canvasResult = await (await uploadClassList(world, canvas)).json();
  expect(canvasResult).toMatchObject({ students: 1, columns: { id: 'SIS User ID', name: 'Student' }, skipped: [{ line: 2 }] });

  const excel = `\uFEFFstudent_id;name\r\n${Array.from({ length: 5000 }, (_, i) => `s${i};"Müller; ${i}"`).join('\r\n')}\r\n`;
  const response = await uploadClassList(world, new TextEncoder().encode(excel) as Uint8Array<ArrayBuffer>);
  expect(response.status).toBe(200);
  expect((await response.json()).students).toBe(5000);
  const students = await listed(world);
  expect(students).toHaveLength(5000);
  expect(students[4999]).toEqual({ student_id: 's4999', name: 'Müller; 4999', joined: false });
  expect(await (await joinBody(world, { student_id: 's4321' })).json()).toEqual({ student_id: 's4321', name: 'Müller; 4321' });
});

test('bad files are refused whole with their lines, and the list in place stays', async () => {
  const world = await worlds.start();
  await uploadClassList(world, 'student_id,name\nkeep,Kept\n');
  const duplicate = await expectJsonError(await uploadClassList(world, 'student_id,name\ns1,Ann\ns2,Bob\ns1,Ann again\n'), 400, 'invalid_class_list');
  expect(duplicate.details).toEqual([{ line: 4, message: 'student id "s1" is on lines 2 and 4' }]);
  const badName = await expectJsonError(await uploadClassList(world, 'student_id,name\ns1,\u202Egnp.exe\n'), 400, 'invalid_class_list');
  expect(badName.details).toEqual([{ line: 2, message: 'the name must not contain invisible or text-direction characters' }]);
  for (const body of ['', 'hello', '{"student_id":"s1"}', new Uint8Array([0xff, 0xfe, 0x00, 0x41]) as Uint8Array<ArrayBuffer>]) {
    const refused = await expectJsonError(await uploadClassList(world, body), 400, 'invalid_class_list');
    expect(refused.details.length).toBeGreaterThan(0);
  }
  // Dry runs are checked the same way.
  await expectJsonError(await uploadClassList(world, 'name\nAnn\n', '?dry_run=1'), 400, 'invalid_class_list');
  const tooBig = await world.http('/admin/api/roster', {
    method: 'POST',
    cookie: await world.adminLogin(),
    headers: { 'content-type': 'text/csv', 'content-length': String(9 * 1024 * 1024) },
    body: 'x'.repeat(9 * 1024 * 1024),
  });
  await expectJsonError(tooBig, 413, 'body_too_large');
  expect(await listed(world)).toEqual([{ student_id: 'keep', name: 'Kept', joined: false }]);
  // A foreign page cannot replace or delete the list with the instructor's cookie.
  const foreign = { cookie: await world.adminLogin(), headers: { origin: 'https://evil.example' } };
  await expectJsonError(await world.http('/admin/api/roster', { method: 'DELETE', ...foreign }), 403, 'forbidden_origin');
  await expectJsonError(await world.http('/admin/api/roster', { method: 'POST', body: 'student_id,name\na,b', ...foreign }), 403, 'forbidden_origin');
  expect(await listed(world)).toHaveLength(1);
});
