/**
 * The back channel over real sockets: live Q&A (ask, upvote, answered, hide, the
 * projector) and the comprehension pulse. Each rule of the contract has a test here; a
 * refusal is an `error` frame and the socket stays open (the next frame still works).
 */
import { expect, test } from 'bun:test';
import { ASK_INTERVAL_MS, PULSE_TTL_MS } from '../../src/protocol/constants';
import { csvRecords } from '../helpers/csv';
import type { Inbox } from '../helpers/inbox';
import type { TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds({ checkSockets: true });

async function joined(world: TestWorld, studentId: string): Promise<{ inbox: Inbox; cookie: string }> {
  const { cookie } = await world.join(studentId);
  const inbox = worlds.track(await world.connectStudent(cookie));
  await inbox.next('snapshot');
  return { inbox, cookie };
}

async function expectError(inbox: Inbox, frame: unknown, code: string): Promise<void> {
  inbox.send(frame);
  const error = await inbox.next('error');
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(inbox.closeCode).toBeNull();
}

async function qaWorld(options: { fakeTime?: boolean; pulse?: boolean } = {}) {
  const world = await worlds.start({ fakeTime: options.fakeTime ?? false });
  expect((await world.adminPost('/admin/api/settings', { qa: true, pulse: options.pulse ?? false })).status).toBe(200);
  return world;
}

/** Sends an ask and waits for the shared copy every student gets; returns its id. */
async function ask(inbox: Inbox, text: string): Promise<number> {
  inbox.send({ type: 'ask', text });
  // Other students' asks may arrive in between: this asker's copy is the one marked mine.
  let mineCopy = await inbox.next('ask_added');
  while (!mineCopy.ask.mine) mineCopy = await inbox.next('ask_added');
  let shared = await inbox.next('ask_added');
  while (shared.ask.id !== mineCopy.ask.id) shared = await inbox.next('ask_added');
  expect(shared.ask).toEqual({ ...mineCopy.ask, mine: false });
  return mineCopy.ask.id;
}

test('asks are refused while Q&A is off, and so are upvotes', async () => {
  const world = await worlds.start();
  const { inbox } = await joined(world, 's1');
  await expectError(inbox, { type: 'ask', text: 'Why?' }, 'qa_off');
  await expectError(inbox, { type: 'upvote', ask_id: 1 }, 'qa_off');
  await expectError(inbox, { type: 'pulse', value: 'lost' }, 'pulse_off');
});

test('an ask reaches the asker (mine), other students (anonymous) and admins (with the asker id)', async () => {
  const world = await qaWorld();
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  const asker = await joined(world, 'asker');
  const other = await joined(world, 'other');

  const id = await ask(asker.inbox, '  Why is the sky blue?  ');
  const seen = await other.inbox.next('ask_added');
  expect(seen.ask).toEqual({ id, text: 'Why is the sky blue?', votes: 0, state: 'open', mine: false });
  expect(JSON.stringify(other.inbox.raw)).not.toContain('asker');
  const adminCopy = await admin.next('ask_added');
  expect(adminCopy.ask).toMatchObject({ id, text: 'Why is the sky blue?', votes: 0, state: 'open', student_id: 'asker' });

  // Snapshots: mine only for the asker, the asker's id only for admins.
  const again = worlds.track(await world.connectStudent(asker.cookie));
  expect((await again.next('snapshot')).asks).toEqual([{ id, text: 'Why is the sky blue?', votes: 0, state: 'open', mine: true, voted: false }]);
  const otherAgain = worlds.track(await world.connectStudent(other.cookie));
  expect((await otherAgain.next('snapshot')).asks[0].mine).toBe(false);
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.asks[0].student_id).toBe('asker');
});

test('empty, blank, 301-character, control and bidi texts are refused; 300 characters pass', async () => {
  const world = await qaWorld();
  const { inbox } = await joined(world, 's1');
  for (const text of ['', '   \t ', 'x'.repeat(301), 'line\nbreak', 'bell\u0007', 'evil \u202Egnp.exe', 'zero\u200Bwidth']) {
    await expectError(inbox, { type: 'ask', text }, 'invalid_ask');
  }
  await expectError(inbox, { type: 'ask', text: 42 }, 'invalid_frame');
  await expectError(inbox, { type: 'ask' }, 'invalid_frame');
  expect(await ask(inbox, `  ${'é'.repeat(300)}  `)).toBeGreaterThan(0);
});

test('one ask per 20 s, then at most 3 open asks; answering one frees a slot', async () => {
  const world = await qaWorld({ fakeTime: true });
  const { inbox } = await joined(world, 's1');
  const first = await ask(inbox, 'one');
  await expectError(inbox, { type: 'ask', text: 'two' }, 'rate_limited');
  world.time!.advance(ASK_INTERVAL_MS);
  await ask(inbox, 'two');
  world.time!.advance(ASK_INTERVAL_MS);
  await ask(inbox, 'three');
  world.time!.advance(ASK_INTERVAL_MS);
  await expectError(inbox, { type: 'ask', text: 'four' }, 'too_many_open_asks');
  expect((await world.adminPost(`/admin/api/asks/${first}/answered`)).status).toBe(200);
  expect((await inbox.next('ask_updated')).state).toBe('answered');
  await ask(inbox, 'four');
});

test('upvotes: counted once, never your own, never a hidden or unknown ask', async () => {
  const world = await qaWorld();
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  const asker = await joined(world, 'asker');
  const voter = await joined(world, 'voter');
  const id = await ask(asker.inbox, 'Is this on the exam?');

  await expectError(asker.inbox, { type: 'upvote', ask_id: id }, 'own_ask');
  await expectError(voter.inbox, { type: 'upvote', ask_id: 999_999 }, 'ask_not_found');
  await expectError(voter.inbox, { type: 'upvote', ask_id: 'x' }, 'invalid_frame');
  voter.inbox.send({ type: 'upvote', ask_id: id });
  // Students get counts in one ask_votes frame; admins an ask_updated per ask at once.
  expect(await voter.inbox.next('ask_votes')).toEqual({ type: 'ask_votes', votes: [{ id, votes: 1 }] });
  expect((await asker.inbox.next('ask_votes')).votes).toEqual([{ id, votes: 1 }]);
  expect(await admin.next('ask_updated')).toEqual({ type: 'ask_updated', id, votes: 1, state: 'open' });
  expect(voter.inbox.all('ask_updated')).toEqual([]);
  await expectError(voter.inbox, { type: 'upvote', ask_id: id }, 'already_upvoted');

  const hiddenId = await (async () => {
    const third = await joined(world, 'third');
    return ask(third.inbox, 'spam');
  })();
  expect((await world.adminPost(`/admin/api/asks/${hiddenId}/hide`)).status).toBe(200);
  expect(await voter.inbox.next('ask_updated')).toEqual({ type: 'ask_updated', id: hiddenId, votes: 0, state: 'hidden' });
  await expectError(voter.inbox, { type: 'upvote', ask_id: hiddenId }, 'ask_not_found');
  // A hidden ask is gone from students' snapshots, kept in the admins'.
  const fresh = worlds.track(await world.connectStudent(voter.cookie));
  expect((await fresh.next('snapshot')).asks.map((shown: { id: number }) => shown.id)).toEqual([id]);
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.asks.map((shown: { id: number; state: string }) => [shown.id, shown.state])).toEqual([
    [hiddenId, 'hidden'],
    [id, 'open'],
  ]);
});

test('a vote storm from 500 students on one ask counts each voter once, live and after a restart', async () => {
  const dir = worlds.tempDir();
  const world = await worlds.start({ dir });
  expect((await world.adminPost('/admin/api/settings', { qa: true })).status).toBe(200);
  const asker = await joined(world, 'asker');
  const id = await ask(asker.inbox, 'Storm?');
  const voters: Inbox[] = [];
  for (let wave = 0; wave < 10; wave++) {
    voters.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => joined(world, `v${wave * 50 + i}`).then((v) => v.inbox)))));
  }
  // Every voter taps three times at once: 1,500 frames, 500 distinct voters.
  for (const voter of voters) for (let tap = 0; tap < 3; tap++) voter.send({ type: 'upvote', ask_id: id });
  for (const voter of voters) {
    expect((await voter.next('error')).code).toBe('already_upvoted');
    expect((await voter.next('error')).code).toBe('already_upvoted');
  }
  // Coalesced: a few ask_votes frames (at most two a second), the last with all 500.
  let frames = 0;
  for (;;) {
    const update = await asker.inbox.next('ask_votes');
    frames++;
    expect(update.votes).toHaveLength(1);
    if (update.votes[0].votes === 500) break;
    expect(update.votes[0].votes).toBeLessThan(500);
  }
  expect(frames).toBeLessThan(20);
  const csv = csvRecords(await (await world.http('/admin/api/asks.csv', { cookie: await world.adminLogin() })).text());
  expect(csv[0]).toMatchObject({ id: String(id), votes: '500', state: 'open', student_id: 'asker' });
  for (const voter of voters) await voter.close();
  await asker.inbox.close();
  await worlds.stop(world, { keepDir: true });

  const restarted = await worlds.start({ dir });
  const state = await (await restarted.http('/admin/api/state', { cookie: await restarted.adminLogin() })).json();
  expect(state.asks[0].votes).toBe(500);
}, 60_000);

test('limits and votes survive a restart', async () => {
  const dir = worlds.tempDir();
  const world = await worlds.start({ dir, fakeTime: true });
  expect((await world.adminPost('/admin/api/settings', { qa: true })).status).toBe(200);
  const asker = await joined(world, 'asker');
  const voter = await joined(world, 'voter');
  const id = await ask(asker.inbox, 'Kept?');
  voter.inbox.send({ type: 'upvote', ask_id: id });
  await voter.inbox.next('ask_votes');
  await asker.inbox.close();
  await voter.inbox.close();
  await worlds.stop(world, { keepDir: true });

  const restarted = await worlds.start({ dir, fakeTime: true });
  const voterAgain = worlds.track(await restarted.connectStudent(voter.cookie));
  expect((await voterAgain.next('snapshot')).asks).toEqual([{ id, text: 'Kept?', votes: 1, state: 'open', mine: false, voted: true }]);
  await expectError(voterAgain, { type: 'upvote', ask_id: id }, 'already_upvoted');
});

test('a released student keeps their asks and votes: the id that comes back is still "mine" and has voted', async () => {
  const world = await qaWorld();
  const asker = await joined(world, 'asker');
  const voter = await joined(world, 'voter');
  const id = await ask(asker.inbox, 'Still mine?');
  voter.inbox.send({ type: 'upvote', ask_id: id });
  await voter.inbox.next('ask_votes');
  for (const studentId of ['asker', 'voter']) {
    expect((await world.adminPost('/admin/api/students/release', { student_id: studentId })).status).toBe(200);
  }
  await asker.inbox.expectClose();
  await voter.inbox.expectClose();
  const askerBack = await joined(world, 'asker');
  const voterBack = await joined(world, 'voter');
  const fresh = worlds.track(await world.connectStudent(askerBack.cookie));
  expect((await fresh.next('snapshot')).asks).toEqual([{ id, text: 'Still mine?', votes: 1, state: 'open', mine: true, voted: false }]);
  await expectError(voterBack.inbox, { type: 'upvote', ask_id: id }, 'already_upvoted');
});

test('removing a student withdraws their votes and pulse; their asks stay', async () => {
  const world = await qaWorld({ pulse: true });
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');
  const asker = await joined(world, 'asker');
  const voter = await joined(world, 'voter');
  const askerId = await ask(asker.inbox, 'Removed?');
  const votersOwn = await ask(voter.inbox, 'Mine stays');
  voter.inbox.send({ type: 'upvote', ask_id: askerId });
  voter.inbox.send({ type: 'pulse', value: 'lost' });
  expect((await asker.inbox.next('ask_votes')).votes).toEqual([{ id: askerId, votes: 1 }]);
  expect((await admin.next('pulse_update')).lost).toBe(1);

  expect((await world.adminPost('/admin/api/students/remove', { student_id: 'voter' })).status).toBe(200);
  expect(await voter.inbox.expectClose()).toBe(4401);
  expect(await asker.inbox.next('ask_votes')).toEqual({ type: 'ask_votes', votes: [{ id: askerId, votes: 0 }] });
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.pulse).toMatchObject({ lost: 0, ok: 0, fast: 0 });
  expect(state.asks.find((shown: { id: number }) => shown.id === votersOwn).state).toBe('open');
});

test('answered and hide over HTTP: one click each, 404 for an unknown ask, instructor only', async () => {
  const world = await qaWorld();
  const { inbox } = await joined(world, 's1');
  const id = await ask(inbox, 'Done?');
  const answered = await world.adminPost(`/admin/api/asks/${id}/answered`);
  expect(answered.status).toBe(200);
  expect(await answered.json()).toMatchObject({ id, state: 'answered', student_id: 's1' });
  expect(await inbox.next('ask_updated')).toEqual({ type: 'ask_updated', id, votes: 0, state: 'answered' });
  for (const bad of ['999999', 'abc', '0', '-1', '1e3']) {
    const response = await world.adminPost(`/admin/api/asks/${bad}/hide`);
    expect(response.status).toBe(404);
    expect((await response.json()).error).toBe('ask_not_found');
  }
  const anonymous = await world.http(`/admin/api/asks/${id}/hide`, { method: 'POST' });
  expect(anonymous.status).toBe(401);
  expect((await world.http('/admin/api/asks.csv')).status).toBe(401);
});

test('show on the projector: ask_shown to admins with the live votes; hiding it takes it off', async () => {
  const world = await qaWorld();
  const screen = worlds.track(await world.connectAdmin());
  expect((await screen.next('snapshot')).shown_ask).toBeNull();
  const asker = await joined(world, 'asker');
  const voter = await joined(world, 'voter');
  const id = await ask(asker.inbox, 'Big type?');
  voter.inbox.send({ type: 'upvote', ask_id: id });
  await voter.inbox.next('ask_votes');
  const shown = await world.adminPost(`/admin/api/asks/${id}/show`);
  expect(await shown.json()).toEqual({ shown_ask: { id, text: 'Big type?', votes: 1 } });
  expect(await screen.next('ask_shown')).toEqual({ type: 'ask_shown', ask: { id, text: 'Big type?', votes: 1 } });
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.shown_ask).toEqual({ id, text: 'Big type?', votes: 1 });
  // Students never hear of the projector.
  expect(voter.inbox.all('ask_shown')).toEqual([]);
  expect((await world.adminPost(`/admin/api/asks/${id}/hide`)).status).toBe(200);
  expect((await screen.next('ask_shown')).ask).toBeNull();
  expect((await world.adminPost(`/admin/api/asks/${id}/show`)).status).toBe(404);
  expect(await (await world.adminPost('/admin/api/asks/unshow')).json()).toEqual({ shown_ask: null });
});

test('student snapshots carry the 50 newest asks', async () => {
  const world = await qaWorld({ fakeTime: true });
  const students = await Promise.all(Array.from({ length: 20 }, (_, i) => joined(world, `s${i}`)));
  const ids: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const student of students) ids.push(await ask(student.inbox, `q ${round}`));
    world.time!.advance(ASK_INTERVAL_MS);
  }
  const late = await world.join('late');
  const snapshot = await worlds.track(await world.connectStudent(late.cookie)).next('snapshot');
  expect(snapshot.asks.map((shown: { id: number }) => shown.id)).toEqual(ids.slice(-50).reverse());
  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.asks).toHaveLength(60);
}, 30_000);

test('pulse: three values only, counts to admins at most once a second, expiry after 5 minutes', async () => {
  const world = await qaWorld({ fakeTime: true, pulse: true });
  const admin = worlds.track(await world.connectAdmin());
  expect((await admin.next('snapshot')).pulse).toEqual({ lost: 0, ok: 0, fast: 0, students_count: 0, timeline: [] });
  const one = await joined(world, 'one');
  const two = await joined(world, 'two');
  await expectError(one.inbox, { type: 'pulse', value: 'confused' }, 'invalid_pulse');
  await expectError(one.inbox, { type: 'pulse', value: 1 }, 'invalid_frame');

  one.inbox.send({ type: 'pulse', value: 'lost' });
  expect(await admin.next('pulse_update')).toMatchObject({ lost: 1, ok: 0, fast: 0, students_count: 2 });
  two.inbox.send({ type: 'pulse', value: 'lost' });
  one.inbox.send({ type: 'pulse', value: 'fast' });
  // Within the second: held, then one update with both changes.
  await expectError(two.inbox, { type: 'pulse', value: '' }, 'invalid_pulse');
  expect(admin.all('pulse_update')).toHaveLength(1);
  world.time!.advance(1000);
  expect(await admin.next('pulse_update')).toMatchObject({ lost: 1, ok: 0, fast: 1 });

  world.time!.advance(PULSE_TTL_MS);
  expect(await admin.next('pulse_update')).toMatchObject({ lost: 0, ok: 0, fast: 0 });
  const csv = csvRecords(await (await world.http('/admin/api/pulse.csv', { cookie: await world.adminLogin() })).text());
  expect(csv[0]).toMatchObject({ lost: '1', ok: '0', fast: '1', signals_sent: '3' });
  expect(csv.at(-1)).toMatchObject({ lost: '0', ok: '0', fast: '0', signals_sent: '0' });
  expect(csv).toHaveLength(6);
  expect(world.server.controller.studentsCount).toBe(2);
});

test('asks.csv is formula-safe RFC 4180, per run; an unknown run is a 404', async () => {
  const world = await qaWorld();
  const { inbox } = await joined(world, 's1');
  await ask(inbox, '=HYPERLINK("http://x", "click"), and "quotes"');
  const response = await world.http('/admin/api/asks.csv', { cookie: await world.adminLogin() });
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const text = await response.text();
  expect(text.split('\r\n')[0]).toBe('id,time,text,votes,state,student_id');
  expect(text).toContain(`"'=HYPERLINK(""http://x"", ""click""), and ""quotes"""`);
  const runId = world.server.controller.runId;
  expect(csvRecords(await (await world.http(`/admin/api/asks.csv?run=${runId}`, { cookie: await world.adminLogin() })).text())).toHaveLength(1);
  expect((await world.http('/admin/api/asks.csv?run=424242', { cookie: await world.adminLogin() })).status).toBe(404);
  // A new run starts with no asks; the old run's stay exportable.
  await world.adminPost('/admin/api/reset');
  expect(csvRecords(await (await world.http('/admin/api/asks.csv', { cookie: await world.adminLogin() })).text())).toHaveLength(0);
  expect(csvRecords(await (await world.http(`/admin/api/asks.csv?run=${runId}`, { cookie: await world.adminLogin() })).text())).toHaveLength(1);
});
