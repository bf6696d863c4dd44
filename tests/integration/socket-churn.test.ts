/**
 * Flaky clients: sockets that connect and vanish (closed politely, terminated, closed
 * before the handshake finished, refused) must leave no trace in the session's socket
 * sets or in Bun's topic subscriptions, and `end` leaves no timer behind.
 */
import { expect, test } from 'bun:test';
import { Inbox } from '../helpers/inbox';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { seededRandom } from '../helpers/seeded-random';
import { sleep, waitFor } from '../helpers/wait';

const worlds = useTestWorlds();

type Ending = 'close_before_open' | 'close' | 'terminate' | 'close_after_snapshot' | 'terminate_after_snapshot';
const ENDINGS: Ending[] = ['close_before_open', 'close', 'terminate', 'close_after_snapshot', 'terminate_after_snapshot'];

function end(inbox: Inbox, how: 'close' | 'terminate'): void {
  try {
    if (how === 'terminate') (inbox.socket as unknown as { terminate(): void }).terminate();
    else inbox.socket.close();
  } catch {
    // closing a socket twice or before it opened may throw; either way it is gone
  }
}

async function expectCounts(world: TestWorld, students: number, admins: number): Promise<void> {
  const bun = world.server.server;
  const describe = () =>
    JSON.stringify({
      controller: world.server.controller.connectionCounts(),
      bun: { students: bun.subscriberCount('students'), admins: bun.subscriberCount('admins') },
    });
  try {
    await waitFor(
      `open sockets ${students}/${admins}`,
      () => {
        const counts = world.server.controller.connectionCounts();
        return (
          counts.students === students &&
          counts.admins === admins &&
          bun.subscriberCount('students') === students &&
          bun.subscriberCount('admins') === admins
        );
      },
      5000,
    );
  } catch {
    throw new Error(`expected ${students} student / ${admins} admin sockets, have ${describe()}`);
  }
  expect(world.server.controller.connectionCounts()).toEqual({ students, admins });
  expect(bun.subscriberCount('students')).toBe(students);
  expect(bun.subscriberCount('admins')).toBe(admins);
}

test('50 flaky connect/disconnect cycles leave no leaked sockets or subscribers', async () => {
  const w = await worlds.start({ fakeTime: true, pool: makePool(3) });
  const cookies: string[] = [];
  for (let index = 0; index < 12; index++) {
    const { response, cookie } = await w.join(`c${index}`, `Churner ${index}`);
    expect(response.status).toBe(200);
    cookies.push(cookie);
  }
  // Let the coalesced lobby update go out, as it would in real time.
  w.time!.advance(1000);

  // Steady clients: three students (one with two tabs) and one admin stay connected throughout.
  const steady: Inbox[] = [];
  for (const cookie of [cookies[0]!, cookies[1]!, cookies[2]!, cookies[2]!]) {
    const inbox = worlds.track(await w.connectStudent(cookie));
    steady.push(inbox);
  }
  const admin = worlds.track(await w.connectAdmin());
  await admin.next('snapshot');
  await expectCounts(w, 4, 1);
  admin.send({ type: 'next' });
  for (const inbox of steady) await inbox.next('question_open');

  const adminCookie = await w.adminLogin();
  // Deterministic pseudo-random numbers, so a failure can be replayed.
  const next = seededRandom(20240611);
  const churned: Inbox[] = [];
  let submits = 0;
  const cycle = async (number: number) => {
    const roll = next();
    const kind = roll < 0.2 ? 'admin' : roll < 0.3 ? 'refused' : 'student';
    const ending = ENDINGS[Math.floor(next() * ENDINGS.length)]!;
    const submit = kind === 'student' && next() < 0.6;
    const cookie =
      kind === 'admin' ? adminCookie : kind === 'refused' ? 'quiz_student=forged' : cookies[3 + (number % 9)]!;
    const inbox = Inbox.connect(kind === 'admin' ? w.adminWsUrl : w.wsUrl, cookie);
    churned.push(inbox);
    inbox.opened.catch(() => {});
    if (ending === 'close_before_open') {
      end(inbox, 'close');
      await inbox.closed;
      return;
    }
    try {
      await inbox.opened;
    } catch {
      return;
    }
    if (kind === 'refused') {
      expect(await inbox.expectClose()).toBe(4401);
      return;
    }
    if (submit) {
      inbox.send({ type: 'submit', question_idx: 0, choice: 'ABCD'[number % 4] });
      submits++;
    }
    if (ending === 'close_after_snapshot' || ending === 'terminate_after_snapshot') await inbox.next('snapshot');
    end(inbox, ending.startsWith('terminate') ? 'terminate' : 'close');
    await Promise.race([inbox.closed, sleep(2000)]);
  };
  // Ten waves of five concurrent cycles.
  for (let wave = 0; wave < 10; wave++) {
    await Promise.all(Array.from({ length: 5 }, (_, offset) => cycle(wave * 5 + offset)));
  }
  expect(churned).toHaveLength(50);
  expect(submits).toBeGreaterThan(0);
  for (const inbox of churned) expect(inbox.socket.readyState).toBe(WebSocket.CLOSED);

  await expectCounts(w, 4, 1);
  const state = await (await w.http('/admin/api/state', { cookie: adminCookie })).json();
  const connected = state.students.filter((student: { connected: boolean }) => student.connected).map((s: { student_id: string }) => s.student_id);
  expect(connected.sort()).toEqual(['c0', 'c1', 'c2']);

  // The steady clients never noticed: they still hear the session and can act.
  steady[0]!.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect((await steady[0]!.next('submit_ack')).accepted).toBe(true);
  admin.send({ type: 'next' });
  for (const inbox of steady) await inbox.next('question_closed');
  await admin.next('question_closed');
  for (const inbox of [...steady, admin]) expect(inbox.closeCode).toBeNull();

  admin.send({ type: 'end' });
  await admin.next('session_ended');
  for (const inbox of steady) await inbox.next('session_ended');
  expect(w.time!.pendingTimers).toBe(0);

  // And once the steady clients leave too, nothing is left.
  for (const inbox of [...steady, admin]) await inbox.close();
  await expectCounts(w, 0, 0);
});

test('pendingTimers is 0 right after `end`, even with a lobby update and answer progress just requested', async () => {
  const w = await worlds.start({ fakeTime: true, pool: makePool(2) });
  const admin = worlds.track(await w.connectAdmin());
  await admin.next('snapshot');
  // Several joins within the coalescing interval leave a trailing lobby update armed.
  const cookies: string[] = [];
  for (let index = 0; index < 3; index++) cookies.push((await w.join(`t${index}`)).cookie);
  admin.send({ type: 'next' });
  await admin.next('question_open');
  const students: Inbox[] = [];
  for (const cookie of cookies) {
    const inbox = worlds.track(await w.connectStudent(cookie));
    students.push(inbox);
    inbox.send({ type: 'submit', question_idx: 0, choice: 'A' });
    await inbox.next('submit_ack');
  }
  admin.send({ type: 'end' });
  await admin.next('session_ended');
  expect(w.server.controller.state.phase).toBe('ended');
  expect(w.time!.pendingTimers).toBe(0);
});

test('sockets of a released student and of a reset run are dropped from the counts', async () => {
  const w = await worlds.start({ fakeTime: true, pool: makePool(2) });
  const a = (await w.join('r1')).cookie;
  const b = (await w.join('r2')).cookie;
  const first = await w.connectStudent(a);
  const second = await w.connectStudent(a);
  const third = await w.connectStudent(b);
  worlds.track(first, second, third);
  await expectCounts(w, 3, 0);
  expect((await w.adminPost('/admin/api/students/r1/release')).status).toBe(200);
  expect(await first.expectClose()).toBe(4401);
  expect(await second.expectClose()).toBe(4401);
  await expectCounts(w, 1, 0);
  expect((await w.adminPost('/admin/api/reset')).status).toBe(200);
  expect(await third.expectClose()).toBe(4401);
  await expectCounts(w, 0, 0);
  // An old-run cookie is refused at connect and never counted.
  const stale = worlds.track(Inbox.connect(w.wsUrl, b));
  expect(await stale.expectClose()).toBe(4401);
  await expectCounts(w, 0, 0);
});
