/**
 * `GET /admin/api/analytics?run=ID` over a real server with a fake clock: the time to
 * answer is measured from each question's stored open time (a revote's round 2 keeps its
 * own), counts and percent match what was played, and an old run is still analysed after
 * a restart. Refusals: unknown run 404, malformed 400, no instructor 401.
 */
import { expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { RunAnalytics } from '../../src/protocol/runs';
import { playRun } from '../helpers/play-run';
import { makePool, makeQuestion, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();
const pool = { ...makePool(1), questions: [makeQuestion({ answer: 'A' }), makeQuestion({ type: 'poll', choices: ['x', 'y'] })] };

async function analytics(world: TestWorld, query = '') {
  return world.http(`/admin/api/analytics${query}`, { cookie: await world.adminLogin() });
}

test('per question: answered, percent right, median time from its own open, counts; the same after a restart', async () => {
  const dir = worlds.tempDir();
  const world = await worlds.start({ dir, fakeTime: true, pool });
  // Each answer 2 s after the previous one: on q0 at 2, 4, 6 s after its open → median 4000 ms.
  await playRun(world, {
    stepMs: 2000,
    students: [
      { id: 'a', answers: ['A', 'A'] },
      { id: 'b', answers: ['A', 'B'] },
      { id: 'c', answers: ['B', null] },
    ],
  });
  const response = await analytics(world, '?run=1');
  expect(response.status).toBe(200);
  const body = await response.json();
  expect(Value.Check(RunAnalytics, body)).toBe(true);
  expect(body).toMatchObject({ run_id: 1, title: 'Test pool (1)', students: 3 });
  expect(body.questions).toEqual([
    { question_idx: 0, type: 'single', text: 'Question?', correct: 'A', answered: 3, correct_pct: 66.7, median_answer_ms: 4000, counts: { A: 2, B: 1, C: 0, D: 0 }, discrimination: null, flags: [] },
    { question_idx: 1, type: 'poll', text: 'Question?', correct: null, answered: 2, correct_pct: null, median_answer_ms: 3000, counts: { A: 1, B: 1 }, discrimination: null, flags: [] },
  ]);
  await world.adminPost('/admin/api/reset');
  // Without ?run the current run is analysed: nobody has answered yet.
  const current = await (await analytics(world)).json();
  expect(current).toMatchObject({ run_id: 2, students: 0 });
  expect(current.questions.map((q: { answered: number }) => q.answered)).toEqual([0, 0]);

  await worlds.stop(world, { keepDir: true });
  const restarted = await worlds.start({ dir, fakeTime: true, pool });
  expect((await (await analytics(restarted, '?run=1')).json()).questions).toEqual(body.questions);
});

test('a revoted question: round 1 numbers, timed from round 1’s open', async () => {
  const world = await worlds.start({ fakeTime: true, pool });
  const { cookie } = await world.join('a');
  const student = worlds.track(await world.connectStudent(cookie));
  await world.adminPost('/admin/api/next');
  world.time!.advance(1500);
  student.send({ type: 'submit', question_idx: 0, choice: 'B' });
  expect((await student.next('submit_ack')).accepted).toBe(true);
  await world.adminPost('/admin/api/close');
  world.time!.advance(60_000);
  expect((await world.adminPost('/admin/api/revote')).status).toBe(200);
  world.time!.advance(500);
  student.send({ type: 'submit', question_idx: 0, choice: 'A' });
  expect((await student.next('submit_ack')).accepted).toBe(true);
  await world.adminPost('/admin/api/end');
  const [first] = (await (await analytics(world)).json()).questions;
  expect(first).toMatchObject({ answered: 1, correct_pct: 0, median_answer_ms: 1500, counts: { A: 0, B: 1, C: 0, D: 0 }, flags: ['nobody_right'] });
});

test('refusals: unknown run 404, malformed 400, no instructor 401', async () => {
  const world = await worlds.start({ pool });
  const unknown = await analytics(world, '?run=5');
  expect(unknown.status).toBe(404);
  expect((await unknown.json()).error).toBe('run_not_found');
  for (const query of ['?run=', '?run=x', '?run=-2', '?run=1e3']) {
    const response = await analytics(world, query);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('invalid_query');
  }
  expect((await world.http('/admin/api/analytics')).status).toBe(401);
});
