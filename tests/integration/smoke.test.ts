import { afterAll, beforeAll, expect, test } from 'bun:test';
import { makePool, startTestWorld, type TestWorld } from '../helpers/test-server';

let world: TestWorld;
beforeAll(async () => {
  world = await startTestWorld({ fakeTime: true, pool: makePool(2) });
});
afterAll(() => world.stop());

test('a student joins, answers and is acknowledged after commit', async () => {
  const { response, cookie } = await world.join('s1', 'Ann');
  expect(response.status).toBe(200);
  const student = await world.connectStudent(cookie);
  const snapshot = await student.next('snapshot');
  expect(snapshot.phase).toBe('lobby');
  const admin = await world.connectAdmin();
  expect((await admin.next('snapshot')).students_count).toBe(1);
  admin.send({ type: 'next' });
  const open = await student.next('question_open');
  expect(open.question_idx).toBe(0);
  student.send({ type: 'submit', question_idx: 0, choice: 'A' });
  const ack = await student.next('submit_ack');
  expect(ack.accepted).toBe(true);
  const progress = await admin.next('answer_progress');
  expect(progress.answered).toBe(1);
  world.time!.advance(20_000);
  const closed = await student.next('question_closed');
  expect(closed.correct).toBe('A');
  expect(closed.points).toBe(1000);
  expect(closed.your_choice).toBe('A');
});
