/**
 * Malformed frames on several student sockets and the admin socket at once: each gets
 * exactly one `error` frame with the right code, the socket stays open, and afterwards the
 * same sockets and other clients keep working.
 */
import { expect, test } from 'bun:test';
import type { Inbox } from '../helpers/inbox';
import { makePool } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { sleep, waitForFrames } from '../helpers/wait';

type Payload = string | Uint8Array<ArrayBuffer> | ArrayBuffer;
interface FuzzCase {
  name: string;
  payload: Payload;
  student: string;
  admin: string;
}

/** A `{type:'zzz', pad}` frame of exactly `bytes` UTF-8 bytes, padded with `filler` as far as it fits. */
const padTo = (bytes: number, filler = 'x') => {
  const room = bytes - Buffer.byteLength(JSON.stringify({ type: 'zzz', pad: '' }));
  const fillers = Math.floor(room / Buffer.byteLength(filler));
  const pad = filler.repeat(fillers) + 'x'.repeat(room - fillers * Buffer.byteLength(filler));
  return JSON.stringify({ type: 'zzz', pad });
};
const deepArray = '['.repeat(500) + ']'.repeat(500);
const deepObject = '{"a":'.repeat(300) + '1' + '}'.repeat(300);

const CASES: FuzzCase[] = [
  { name: 'plain text', payload: 'hello there', student: 'invalid_json', admin: 'invalid_json' },
  { name: 'truncated JSON', payload: '{"type":"submit","question_idx":0,', student: 'invalid_json', admin: 'invalid_json' },
  { name: 'empty text', payload: '', student: 'invalid_json', admin: 'invalid_json' },
  { name: 'trailing garbage', payload: '{"type":"next"} x', student: 'invalid_json', admin: 'invalid_json' },
  { name: 'empty array', payload: '[]', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'array of frames', payload: '[{"type":"submit","question_idx":0,"choice":"A"}]', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'number', payload: '42', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'string', payload: '"submit"', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'null', payload: 'null', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'boolean', payload: 'true', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'empty object', payload: '{}', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'numeric type', payload: '{"type":7}', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'null type', payload: '{"type":null}', student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'deeply nested arrays', payload: deepArray, student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'deeply nested objects', payload: deepObject, student: 'invalid_frame', admin: 'invalid_frame' },
  { name: 'unknown type', payload: '{"type":"hack"}', student: 'unknown_type', admin: 'unknown_type' },
  { name: 'unicode type', payload: JSON.stringify({ type: 'sübmit✓' }), student: 'unknown_type', admin: 'unknown_type' },
  { name: 'type with a different case', payload: '{"type":"SUBMIT","question_idx":0,"choice":"A"}', student: 'unknown_type', admin: 'unknown_type' },
  // Submit shapes: wrong field types. The admin does not know `submit` at all.
  { name: 'string question_idx', payload: '{"type":"submit","question_idx":"0","choice":"A"}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'float question_idx', payload: '{"type":"submit","question_idx":0.5,"choice":"A"}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'negative question_idx', payload: '{"type":"submit","question_idx":-1,"choice":"A"}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'numeric choice', payload: '{"type":"submit","question_idx":0,"choice":1}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'null choice', payload: '{"type":"submit","question_idx":0,"choice":null}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'array choice', payload: '{"type":"submit","question_idx":0,"choice":["A"]}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'missing choice', payload: '{"type":"submit","question_idx":0}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'missing question_idx', payload: '{"type":"submit","choice":"A"}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'huge question_idx', payload: '{"type":"submit","question_idx":123456789012345678901234567890,"choice":"A"}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'infinite question_idx', payload: '{"type":"submit","question_idx":1e400,"choice":"A"}', student: 'invalid_frame', admin: 'unknown_type' },
  { name: 'overlong choice', payload: JSON.stringify({ type: 'submit', question_idx: 0, choice: 'A'.repeat(200) }), student: 'invalid_frame', admin: 'unknown_type' },
  // Binary frames.
  { name: 'binary bytes', payload: new Uint8Array(new ArrayBuffer(2)).fill(0x7b), student: 'binary_not_supported', admin: 'binary_not_supported' },
  { name: 'binary JSON', payload: new Uint8Array(new TextEncoder().encode('{"type":"submit","question_idx":0,"choice":"A"}')), student: 'binary_not_supported', admin: 'binary_not_supported' },
  { name: 'empty binary', payload: new ArrayBuffer(0), student: 'binary_not_supported', admin: 'binary_not_supported' },
  // Size: exactly 4096 bytes is allowed (and judged by its content); one byte more is not.
  { name: '4096 ASCII bytes', payload: padTo(4096), student: 'unknown_type', admin: 'unknown_type' },
  { name: '4097 ASCII bytes', payload: padTo(4097), student: 'frame_too_large', admin: 'frame_too_large' },
  { name: '5000-byte frame', payload: 'x'.repeat(5000), student: 'frame_too_large', admin: 'frame_too_large' },
  { name: '5000-byte valid submit', payload: JSON.stringify({ type: 'submit', question_idx: 0, choice: 'A', pad: 'y'.repeat(5000) }), student: 'frame_too_large', admin: 'frame_too_large' },
  { name: '4096 bytes of multibyte text', payload: padTo(4096, 'é'), student: 'unknown_type', admin: 'unknown_type' },
  { name: 'over 4096 bytes of 2-byte text', payload: JSON.stringify({ type: 'zzz', pad: 'é'.repeat(2100) }), student: 'frame_too_large', admin: 'frame_too_large' },
  { name: 'over 4096 bytes of 3-byte text', payload: JSON.stringify({ type: 'zzz', pad: '€'.repeat(1400) }), student: 'frame_too_large', admin: 'frame_too_large' },
  { name: 'over 4096 bytes of emoji', payload: JSON.stringify({ type: 'zzz', pad: '🙂'.repeat(1100) }), student: 'frame_too_large', admin: 'frame_too_large' },
];

function sendRaw(inbox: Inbox, payload: Payload): void {
  inbox.socket.send(payload);
}

const worlds = useTestWorlds();

async function setUp(studentCount: number) {
  const world = await worlds.start({ fakeTime: true, pool: makePool(3) });
  const students: Inbox[] = [];
  for (let index = 0; index < studentCount; index++) {
    const { cookie } = await world.join(`f${index}`, `Fuzzer ${index}`);
    const inbox = worlds.track(await world.connectStudent(cookie));
    students.push(inbox);
    await inbox.next('snapshot');
  }
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  return { world, students, admin };
}

test('sanity: the size cases are the sizes they claim', () => {
  const size = (name: string) => Buffer.byteLength(CASES.find((fuzz) => fuzz.name === name)!.payload as string);
  expect(size('4096 ASCII bytes')).toBe(4096);
  expect(size('4097 ASCII bytes')).toBe(4097);
  expect(size('4096 bytes of multibyte text')).toBe(4096);
  expect((CASES.find((fuzz) => fuzz.name === '4096 bytes of multibyte text')!.payload as string).length).toBeLessThan(4096);
  for (const name of ['over 4096 bytes of 2-byte text', 'over 4096 bytes of 3-byte text', 'over 4096 bytes of emoji']) {
    const payload = CASES.find((fuzz) => fuzz.name === name)!.payload as string;
    expect(Buffer.byteLength(payload)).toBeGreaterThan(4096);
    expect(payload.length).toBeLessThan(4096);
  }
});

test('every malformed frame gets exactly one error, sockets stay open, and everything still works', async () => {
  const { world, students, admin } = await setUp(4);
  admin.send({ type: 'next' });
  for (const student of students) await student.next('question_open');
  await admin.next('question_open');

  // Three students and the admin fuzz at the same time; the fourth student only watches.
  const fuzzers = students.slice(0, 3);
  const bystander = students[3]!;
  for (const fuzz of CASES) {
    for (const student of fuzzers) sendRaw(student, fuzz.payload);
    sendRaw(admin, fuzz.payload);
  }

  for (const student of fuzzers) {
    const errors = await waitForFrames(student, 'error', CASES.length);
    expect(errors.map((frame) => frame.code)).toEqual(CASES.map((fuzz) => fuzz.student));
    for (const frame of errors) expect(frame.message.length).toBeGreaterThan(0);
  }
  const adminErrors = await waitForFrames(admin, 'error', CASES.length);
  expect(adminErrors.map((frame) => frame.code)).toEqual(CASES.map((fuzz) => fuzz.admin));
  await sleep(100);

  for (const inbox of [...students, admin]) {
    expect(inbox.closeCode).toBeNull();
    expect(inbox.socket.readyState).toBe(WebSocket.OPEN);
    expect(inbox.all('error')).toHaveLength(inbox === bystander ? 0 : CASES.length);
    // Nothing but errors came back: no ack, no phase change.
    expect(inbox.all('submit_ack')).toHaveLength(0);
    expect(inbox.all('question_closed')).toHaveLength(0);
  }
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.phase).toBe('question');
  expect(state.question_idx).toBe(0);
  expect(state.answered).toBe(0);

  // The same sockets still work: valid submits are accepted, the admin can still `next`.
  for (const student of students) student.send({ type: 'submit', question_idx: 0, choice: 'B' });
  for (const student of students) expect(await student.next('submit_ack')).toMatchObject({ accepted: true, choice: 'B' });
  admin.send({ type: 'next' });
  expect((await admin.next('question_closed')).counts).toMatchObject({ A: 0, B: 4 });
  for (const student of students) expect((await student.next('question_closed')).your_choice).toBe('B');
  admin.send({ type: 'next' });
  for (const student of students) expect((await student.next('question_open')).question_idx).toBe(1);
  expect(admin.violations).toEqual([]);
});

test('well-formed submits with odd content are acked (not errors) and change nothing', async () => {
  const { world, students, admin } = await setUp(1);
  const student = students[0]!;
  // In the lobby, every submit is `closed`, whatever it carries.
  student.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect(await student.next('submit_ack')).toMatchObject({ accepted: false, reason: 'closed' });
  admin.send({ type: 'next' });
  await student.next('question_open');
  for (const choice of ['Ä', '🅰', 'a', 'E', 'F', '', 'AB']) {
    student.send({ type: 'submit', question_idx: 0, choice });
    expect(await student.next('submit_ack')).toMatchObject({ accepted: false, reason: 'invalid_choice', choice });
  }
  student.send({ type: 'submit', question_idx: 1, choice: 'A' });
  expect(await student.next('submit_ack')).toMatchObject({ accepted: false, reason: 'wrong_question' });
  student.send({ type: 'submit', question_idx: 100_000, choice: 'A' });
  expect(await student.next('submit_ack')).toMatchObject({ accepted: false, reason: 'wrong_question' });
  expect(student.all('error')).toHaveLength(0);
  student.send({ type: 'submit', question_idx: 0, choice: 'C' });
  expect(await student.next('submit_ack')).toMatchObject({ accepted: true, choice: 'C' });
  student.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect(await student.next('submit_ack')).toMatchObject({ accepted: false, reason: 'already_answered' });
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.answered).toBe(1);
  expect(state.counts).toMatchObject({ A: 0, B: 0, C: 1, D: 0 });
});

test('a student sending admin commands gets unknown_type and nothing changes', async () => {
  const { world, students, admin } = await setUp(2);
  const [student, other] = students as [Inbox, Inbox];
  const before = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  for (const type of ['next', 'close', 'end']) student.send({ type });
  student.send({ type: 'reset' });
  student.send({ type: 'next', question_idx: 0 });
  const errors = await waitForFrames(student, 'error', 5);
  expect(errors.map((frame) => frame.code)).toEqual(['unknown_type', 'unknown_type', 'unknown_type', 'unknown_type', 'unknown_type']);
  await sleep(100);
  const after = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(after.phase).toBe('lobby');
  expect(after).toEqual(before);
  for (const inbox of [student, other, admin]) {
    expect(inbox.all('question_open')).toHaveLength(0);
    expect(inbox.all('session_ended')).toHaveLength(0);
  }
  expect(other.all('error')).toHaveLength(0);

  // Same once a question is open: a student cannot close or end it.
  admin.send({ type: 'next' });
  await student.next('question_open');
  student.send({ type: 'close' });
  student.send({ type: 'end' });
  await waitForFrames(student, 'error', 7);
  await sleep(50);
  const open = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(open.phase).toBe('question');
  expect(student.all('question_closed')).toHaveLength(0);
  student.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect((await student.next('submit_ack')).accepted).toBe(true);
});

test('an admin command that does not apply is an error frame and changes nothing', async () => {
  const { world, admin } = await setUp(1);
  admin.send({ type: 'close' });
  const error = await admin.next('error');
  expect(error.code).toBe('invalid_command');
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.phase).toBe('lobby');
  expect(admin.closeCode).toBeNull();
});

test('a frame above the 1 MiB hard limit closes only that socket', async () => {
  const { students, admin } = await setUp(2);
  const [big, other] = students as [Inbox, Inbox];
  big.socket.send('x'.repeat(1024 * 1024 + 10));
  const code = await big.expectClose();
  expect(code).not.toBe(1000);
  admin.send({ type: 'next' });
  expect((await other.next('question_open')).question_idx).toBe(0);
  other.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect((await other.next('submit_ack')).accepted).toBe(true);
  expect(admin.closeCode).toBeNull();
});
