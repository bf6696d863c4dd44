/**
 * Joins are group-committed (session/join-batch.ts): the 200 and the cookie come only after
 * the commit, concurrent first joins of one id still have exactly one winner, and a commit
 * that fails (disk full) answers 503 with nothing kept, so the student can retry.
 */
import { beforeEach, describe, expect, test } from 'bun:test';
import type { JoinWrite } from '../../src/session/ports';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();
let world: TestWorld;
beforeEach(async () => {
  world = await worlds.start({ pool: makePool(1) });
});

/** Wraps the live store's join commit (the controller holds the same object). */
function spyOnJoinCommits(world: TestWorld, failWith?: () => Error) {
  const { store } = world.server;
  const original = store.commitJoins.bind(store);
  const batches: JoinWrite[][] = [];
  store.commitJoins = (runId, batch) => {
    batches.push([...batch]);
    if (failWith) throw failWith();
    return original(runId, batch);
  };
  return { batches, restore: () => void (store.commitJoins = original) };
}

async function studentsJoined(): Promise<number> {
  return ((await (await world.http('/healthz')).json()) as { students: number }).students;
}

describe('group-committed joins', () => {
  test('concurrent first joins of one id: exactly one 200, every other one student_id_taken; the winner’s retry is 200', async () => {
    const contenders = 40;
    const results = await Promise.all(Array.from({ length: contenders }, (_, index) => world.join('same-id', `Contender ${index}`)));
    const statuses = results.map((result) => result.response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(contenders - 1);
    for (const result of results.filter((candidate) => candidate.response.status === 409)) {
      expect(await result.response.json()).toEqual({ error: 'student_id_taken', message: expect.any(String) });
      expect(result.cookie).toBe('');
    }
    const winner = results.find((result) => result.response.status === 200)!;
    const identity = (await winner.response.json()) as { student_id: string; name: string };
    const retry = await world.join('same-id', 'Someone', winner.cookie);
    expect(retry.response.status).toBe(200);
    expect(await retry.response.json()).toEqual(identity);
    expect(world.server.store.listStudents(world.server.controller.runId)).toHaveLength(1);
  });

  test('joins arriving together are committed together, and every one is stored before its 200', async () => {
    const spy = spyOnJoinCommits(world);
    const count = 60;
    const results = await Promise.all(Array.from({ length: count }, (_, index) => world.join(`s${index}`)));
    expect(results.map((result) => result.response.status)).toEqual(Array(count).fill(200));
    const committed = spy.batches.flat().map((join) => join.studentId);
    expect(committed.sort()).toEqual(Array.from({ length: count }, (_, index) => `s${index}`).sort());
    // Fewer transactions than joins: the point of the batch.
    expect(spy.batches.length).toBeLessThan(count);
    expect(world.server.store.listStudents(world.server.controller.runId)).toHaveLength(count);
    expect(await studentsJoined()).toBe(count);
  });

  test('a join whose commit fails (disk full) is 503 storage_error with no cookie, the id stays free, and a retry joins', async () => {
    const spy = spyOnJoinCommits(world, () => new Error('SQLITE_FULL: database or disk is full'));
    const [first, second] = await Promise.all([world.join('ann', 'Ann'), world.join('bob', 'Bob')]);
    for (const failed of [first, second]) {
      expect(failed.response.status).toBe(503);
      expect(await failed.response.json()).toEqual({ error: 'storage_error', message: expect.any(String) });
      expect(failed.cookie).toBe('');
    }
    expect(spy.batches.length).toBeGreaterThan(0);
    expect(await studentsJoined()).toBe(0);
    expect(world.server.controller.adminSnapshot().students).toEqual([]);

    spy.restore();
    const retry = await world.join('ann', 'Ann');
    expect(retry.response.status).toBe(200);
    expect(await retry.response.json()).toEqual({ student_id: 'ann', name: 'Ann' });
    const inbox = worlds.track(await world.connectStudent(retry.cookie));
    expect((await inbox.next('snapshot')).me).toMatchObject({ student_id: 'ann' });
    expect(await studentsJoined()).toBe(1);
  });

  test('a released id taken again while the disk is full stays released, and is reclaimed on retry', async () => {
    const first = await world.join('ann', 'Ann');
    expect(first.response.status).toBe(200);
    expect((await world.adminPost('/admin/api/students/ann/release')).status).toBe(200);
    const spy = spyOnJoinCommits(world, () => new Error('SQLITE_FULL: database or disk is full'));
    expect((await world.join('ann', 'Ann again')).response.status).toBe(503);
    expect(world.server.controller.adminSnapshot().students).toEqual([expect.objectContaining({ student_id: 'ann', released: true })]);
    spy.restore();
    const retry = await world.join('ann', 'Ann again');
    expect(retry.response.status).toBe(200);
    expect(world.server.controller.adminSnapshot().students).toEqual([
      expect.objectContaining({ student_id: 'ann', name: 'Ann again', released: false }),
    ]);
  });
});
