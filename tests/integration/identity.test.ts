/**
 * Student identity: cookies that must not be honoured (over HTTP and WebSocket), the
 * student_id lock and its release, and join validation.
 */
import { beforeEach, describe, expect, test } from 'bun:test';
import { signCookie } from 'elysia/utils';
import { cookieFrom, makePool, TEST_SECRET_KEY, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { Inbox } from '../helpers/inbox';

const pool = makePool(3);

const worlds = useTestWorlds({ checkSockets: true });
let world: TestWorld;
beforeEach(async () => {
  world = await worlds.start({ fakeTime: true, pool });
});

async function joinOk(id: string, name = `Student ${id}`, cookie?: string) {
  const result = await world.join(id, name, cookie);
  expect(result.response.status).toBe(200);
  expect(await result.response.json()).toEqual({ student_id: id, name });
  return result.cookie || cookie!;
}

/** A cookie signed the way the server signs, with any key and any claim. */
async function signedCookie(claim: unknown, key: string): Promise<string> {
  return `quiz_student=${encodeURIComponent(await signCookie(JSON.stringify(claim), key))}`;
}

/** The cookie's value (URL-decoded): `{json}.signature`. */
function cookieValue(cookie: string): string {
  return decodeURIComponent(cookie.slice('quiz_student='.length));
}
function withValue(value: string): string {
  return `quiz_student=${encodeURIComponent(value)}`;
}

/** Upgrades with the cookie and expects the server to close with 4401 (no snapshot first). */
async function expectSocketRefused(cookie: string | undefined): Promise<void> {
  const inbox = worlds.track(Inbox.connect(world.wsUrl, cookie));
  expect(await inbox.expectClose(3000)).toBe(4401);
  expect(inbox.all('snapshot')).toEqual([]);
}

/** POST /api/join with the cookie → 401 invalid_cookie and the cookie is cleared. */
async function expectJoinRefused(cookie: string, id = 'someone'): Promise<void> {
  const response = await world.http('/api/join', {
    method: 'POST',
    json: { student_id: id, name: 'Someone' },
    cookie,
  });
  expect(response.status).toBe(401);
  const body = await response.json();
  expect(body.error).toBe('invalid_cookie');
  expect(typeof body.message).toBe('string');
  const cleared = response.headers.getSetCookie().find((header) => header.startsWith('quiz_student='));
  expect(cleared).toBeDefined();
  expect(cookieFrom(response, 'quiz_student')).toBe('quiz_student=');
  expect(cleared!.toLowerCase()).toContain('max-age=0');
}

async function expectMeRefused(cookie: string): Promise<void> {
  const response = await world.http('/api/me', { cookie });
  expect(response.status).toBe(401);
  expect((await response.json()).error).toBe('invalid_cookie');
}

async function adminState() {
  const response = await world.http('/admin/api/state', { cookie: await world.adminLogin() });
  expect(response.status).toBe(200);
  return response.json();
}

describe('cookies that are not honoured', () => {
  test('the valid cookie works: /api/me and the socket', async () => {
    const cookie = await joinOk('ann', 'Ann');
    const me = await world.http('/api/me', { cookie });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ student_id: 'ann', name: 'Ann' });
    const inbox = worlds.track(await world.connectStudent(cookie));
    expect((await inbox.next('snapshot')).me.student_id).toBe('ann');
    // No cookie at all.
    expect((await world.http('/api/me')).status).toBe(401);
    await expectSocketRefused(undefined);
  });

  test('one character of the payload changed', async () => {
    const cookie = await joinOk('ann', 'Ann');
    await joinOk('bob', 'Bob');
    const value = cookieValue(cookie);
    expect(value).toContain('"student":"ann"');
    const tampered = withValue(value.replace('"student":"ann"', '"student":"bnn"'));
    const toBob = withValue(value.replace('"student":"ann"', '"student":"bob"'));
    for (const bad of [tampered, toBob]) {
      await expectSocketRefused(bad);
      await expectJoinRefused(bad);
      await expectMeRefused(bad);
    }
  });

  test('one character of the signature changed', async () => {
    const cookie = await joinOk('ann', 'Ann');
    const value = cookieValue(cookie);
    const dot = value.lastIndexOf('.');
    const first = value[dot + 1]!;
    const tampered = withValue(`${value.slice(0, dot + 1)}${first === 'A' ? 'B' : 'A'}${value.slice(dot + 2)}`);
    await expectSocketRefused(tampered);
    await expectJoinRefused(tampered, 'ann');
    await expectMeRefused(tampered);
  });

  test('garbage', async () => {
    for (const bad of ['quiz_student=garbage', 'quiz_student=%7B%7D', 'quiz_student=a.b.c', 'quiz_student=%00%ff']) {
      await expectSocketRefused(bad);
      await expectJoinRefused(bad);
    }
  });

  test('signed with another key', async () => {
    const value = cookieValue(await joinOk('ann', 'Ann'));
    // The real claim (its epoch is random: see the removal tests), forged with another key.
    const claim = JSON.parse(value.slice(0, value.lastIndexOf('.')));
    expect(claim).toEqual({ sid: 'main', run: 1, student: 'ann', epoch: expect.any(Number) });
    const forged = await signedCookie(claim, 'another-secret-key-0123456789abcdefghijklmn');
    await expectSocketRefused(forged);
    await expectJoinRefused(forged, 'ann');
    await expectMeRefused(forged);
    // Sanity check of the forging itself: the same claim with the server's key is honoured.
    const genuine = await signedCookie(claim, TEST_SECRET_KEY);
    expect((await world.http('/api/me', { cookie: genuine })).status).toBe(200);
  });

  test('another sid, with a valid signature', async () => {
    await joinOk('ann', 'Ann');
    const otherSid = await signedCookie({ sid: 'other', run: 1, student: 'ann', epoch: 0 }, TEST_SECRET_KEY);
    await expectSocketRefused(otherSid);
    await expectJoinRefused(otherSid, 'ann');
  });

  test('a cookie from another run (after reset); reset also closes live sockets with 4401', async () => {
    const cookie = await joinOk('ann', 'Ann');
    const live = worlds.track(await world.connectStudent(cookie));
    await live.next('snapshot');

    const reset = await world.adminPost('/admin/api/reset');
    expect(reset.status).toBe(200);
    const { run_id } = await reset.json();
    expect(run_id).toBe(2);
    expect(await live.expectClose(3000)).toBe(4401);

    await expectSocketRefused(cookie);
    await expectMeRefused(cookie);
    await expectJoinRefused(cookie, 'ann');
    // The cleared browser joins the new run, under the same id.
    const fresh = await joinOk('ann', 'Ann again');
    expect(cookieValue(fresh)).toContain('"run":2');
    const inbox = worlds.track(await world.connectStudent(fresh));
    expect((await inbox.next('snapshot')).me).toMatchObject({ student_id: 'ann', name: 'Ann again', score: 0 });
  });
});

describe('student_id lock and release', () => {
  test('a taken id without its cookie → 409; with its cookie → 200, same identity', async () => {
    const cookie = await joinOk('ann', 'Ann');
    const dup = await world.join('ann', 'Impostor');
    expect(dup.response.status).toBe(409);
    const body = await dup.response.json();
    expect(body.error).toBe('student_id_taken');
    expect(typeof body.message).toBe('string');
    expect(dup.cookie).toBe('');

    // Another student's valid cookie does not unlock it either.
    const bobCookie = await joinOk('bob', 'Bob');
    expect((await world.join('ann', 'Bob as Ann', bobCookie)).response.status).toBe(409);

    // Idempotent with the cookie: the same identity (the name on record is kept).
    for (let attempt = 0; attempt < 2; attempt++) {
      const again = await world.join('ann', 'Ann', cookie);
      expect(again.response.status).toBe(200);
      expect(await again.response.json()).toEqual({ student_id: 'ann', name: 'Ann' });
      const me = await world.http('/api/me', { cookie: again.cookie || cookie });
      expect(await me.json()).toMatchObject({ student_id: 'ann', name: 'Ann' });
    }
    const state = await adminState();
    expect(state.students_count).toBe(2);
    expect(state.students.map((s: { student_id: string }) => s.student_id)).toEqual(['ann', 'bob']);
  });

  test('release: old cookie and socket stop working, the id rejoins from a new device and keeps its score', async () => {
    const cookie = await joinOk('ann', 'Ann');
    const socket = worlds.track(await world.connectStudent(cookie));
    await socket.next('snapshot');
    const admin = worlds.track(await world.connectAdmin());
    await admin.next('snapshot');

    expect((await world.adminPost('/admin/api/next')).status).toBe(200);
    world.time!.advance(2_000);
    socket.send({ type: 'submit', question_idx: 0, choice: 'A' });
    expect(await socket.next('submit_ack')).toMatchObject({ accepted: true });
    expect((await world.adminPost('/admin/api/close')).status).toBe(200);
    expect(await socket.next('question_closed')).toMatchObject({ points: 950, score: 950 });

    const release = await world.adminPost('/admin/api/students/ann/release');
    expect(release.status).toBe(200);
    expect(await socket.expectClose(3000)).toBe(4401);

    let state = await adminState();
    expect(state.students).toEqual([{ student_id: 'ann', name: 'Ann', score: 950, rank: 1, connected: false, released: true }]);

    // The old cookie: refused everywhere, and cleared.
    await expectSocketRefused(cookie);
    await expectMeRefused(cookie);
    await expectJoinRefused(cookie, 'ann');

    // A new device (no cookie) takes the id back, with the earlier score.
    const { response, cookie: newCookie } = await world.join('ann', 'Ann (phone)');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ student_id: 'ann', name: 'Ann (phone)' });
    expect(newCookie).not.toBe(cookie);
    const me = await world.http('/api/me', { cookie: newCookie });
    expect(await me.json()).toMatchObject({ student_id: 'ann', score: 950 });
    const fresh = worlds.track(await world.connectStudent(newCookie));
    expect((await fresh.next('snapshot')).me).toMatchObject({ student_id: 'ann', score: 950, answer: 'A', points: 950 });

    // Now the id is locked again for everyone else, and the old cookie stays dead.
    expect((await world.join('ann', 'Someone else')).response.status).toBe(409);
    await expectSocketRefused(cookie);

    state = await adminState();
    expect(state.students_count).toBe(1);
    expect(state.students).toEqual([
      { student_id: 'ann', name: 'Ann (phone)', score: 950, rank: 1, connected: true, released: false },
    ]);

    const csv = await (await world.http('/admin/api/results.csv', { cookie: await world.adminLogin() })).text();
    const rows = csv.trim().split('\r\n');
    expect(rows.length).toBe(2);
    expect(rows[1]).toBe('ann,Ann (phone),A,950,,,,,950,1');
  });

  test('a released student who is not connected: the old cookie is refused and cleared, then the browser rejoins', async () => {
    const cookie = await joinOk('ann', 'Ann');
    await joinOk('bob', 'Bob');
    expect((await world.adminPost('/admin/api/students/ann/release')).status).toBe(200);
    await expectJoinRefused(cookie, 'ann');
    // After the cleared cookie, the same browser joins again (no cookie).
    await joinOk('ann', 'Ann');
  });

  test('release of an unknown id → 404', async () => {
    const response = await world.adminPost('/admin/api/students/nobody/release');
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  });

  test('release needs the admin', async () => {
    await joinOk('ann', 'Ann');
    const response = await world.http('/admin/api/students/ann/release', { method: 'POST' });
    expect(response.status).toBe(401);
    expect((await adminState()).students[0].released).toBe(false);
  });
});

describe('join validation', () => {
  const long = 'x'.repeat(65);
  const cases: Array<[string, unknown]> = [
    ['empty student_id', { student_id: '', name: 'Ann' }],
    ['empty name', { student_id: 'ann', name: '' }],
    ['blank student_id', { student_id: '   ', name: 'Ann' }],
    ['blank name', { student_id: 'ann', name: ' \t ' }],
    ['65-char student_id', { student_id: long, name: 'Ann' }],
    ['65-char name', { student_id: 'ann', name: long }],
    ['missing name', { student_id: 'ann' }],
    ['missing student_id', { name: 'Ann' }],
    ['empty object', {}],
    ['number student_id', { student_id: 12345, name: 'Ann' }],
    ['null name', { student_id: 'ann', name: null }],
    ['object name', { student_id: 'ann', name: { first: 'Ann' } }],
    ['array body', [{ student_id: 'ann', name: 'Ann' }]],
    ['string body', 'ann'],
    ['null body', null],
  ];

  async function expectCleanError(response: Response, status = 400): Promise<{ error: string; message: string }> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    expect(text.length).toBeLessThan(300);
    const body = JSON.parse(text);
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(body.error).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(typeof body.message).toBe('string');
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
    expect(text).not.toMatch(/"(type|properties|schema|minLength|maxLength)"/); // no schema dump
    expect(response.headers.getSetCookie().some((header) => header.startsWith('quiz_student=%7B'))).toBe(false);
    return body;
  }

  for (const [label, body] of cases) {
    test(`${label} → 400`, async () => {
      const response = await world.http('/api/join', { method: 'POST', json: body });
      await expectCleanError(response);
      expect((await adminState()).students_count).toBe(0);
    });
  }

  test('malformed JSON → 400', async () => {
    for (const text of ['{"student_id": "ann", "name": ', '{bad json}', 'nul']) {
      const response = await world.http('/api/join', {
        method: 'POST',
        body: text,
        headers: { 'content-type': 'application/json' },
      });
      await expectCleanError(response);
    }
    expect((await adminState()).students_count).toBe(0);
  });

  test('64 characters is allowed for both fields', async () => {
    const id = 'i'.repeat(64);
    const name = 'n'.repeat(64);
    await joinOk(id, name);
  });

  test('a name with HTML is stored and returned verbatim, as data', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const id = '<b>id</b>&"\'';
    const admin = worlds.track(await world.connectAdmin());
    await admin.next('snapshot');
    const cookie = await joinOk(id, name);

    const me = await world.http('/api/me', { cookie });
    expect(await me.json()).toMatchObject({ student_id: id, name });
    const inbox = worlds.track(await world.connectStudent(cookie));
    expect((await inbox.next('snapshot')).me).toMatchObject({ student_id: id, name });
    const lobby = await admin.next('lobby_update');
    expect(lobby.names).toEqual([name]);
    const state = await adminState();
    expect(state.students[0]).toMatchObject({ student_id: id, name });
    const csv = await (await world.http('/admin/api/results.csv', { cookie: await world.adminLogin() })).text();
    expect(csv).toContain(`,${name},`);
  });
});
