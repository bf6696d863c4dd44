/**
 * `GET /api/my-term`: with `term_results` on and the run ended, a student sees their own
 * runs and scores, and nobody else's; otherwise 403 (setting off, run not ended) or 401
 * (no honoured cookie).
 */
import { expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { TermResults } from '../../src/protocol/runs';
import { playRun } from '../helpers/play-run';
import { makePool } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';

const worlds = useTestWorlds();
const base = makePool(2);
const pool = { ...base, scoring: 'accuracy' as const, questions: base.questions.map((q) => ({ ...q, scoring: 'accuracy' as const })) };

test('own runs and scores only, once the run has ended and the setting is on', async () => {
  const world = await worlds.start({ pool });
  await playRun(world, { students: [{ id: 'ann', answers: ['A', 'B'] }, { id: 'bob', answers: ['A', 'A'] }] });
  await world.adminPost('/admin/api/reset');
  await world.adminPost('/admin/api/runs/2/rename', { title: 'Week 2' });
  // Run 2 is played to the end with ann and a newcomer; bob skips it.
  const ann = await world.join('ann');
  const cat = await world.join('cat');
  const annInbox = worlds.track(await world.connectStudent(ann.cookie));
  const myTerm = (cookie: string) => world.http('/api/my-term', { cookie });

  const off = await myTerm(ann.cookie);
  expect(off.status).toBe(403);
  expect((await off.json()).error).toBe('term_results_off');
  await world.adminPost('/admin/api/settings', { term_results: true });
  const notEnded = await myTerm(ann.cookie);
  expect(notEnded.status).toBe(403);
  expect((await notEnded.json()).error).toBe('not_ended');

  await world.adminPost('/admin/api/next');
  annInbox.send({ type: 'submit', question_idx: 0, choice: 'B' });
  expect((await annInbox.next('submit_ack')).accepted).toBe(true);
  await world.adminPost('/admin/api/end');

  const response = await myTerm(ann.cookie);
  expect(response.status).toBe(200);
  const body = await response.json();
  expect(Value.Check(TermResults, body)).toBe(true);
  expect(body).toEqual({
    student_id: 'ann',
    runs: [
      { run_id: 1, title: pool.title, started_at: expect.any(String), score: 2000, points_possible: 2000 },
      { run_id: 2, title: 'Week 2', started_at: expect.any(String), score: 0, points_possible: 2000 },
    ],
    total: 2000,
  });
  const newcomer = await (await myTerm(cat.cookie)).json();
  expect(newcomer).toMatchObject({ student_id: 'cat', runs: [{ run_id: 2, score: 0 }], total: 0 });
  expect(JSON.stringify(newcomer)).not.toContain('ann');

  // A deleted run is gone from the term too.
  expect((await world.adminPost('/admin/api/runs/1/delete', { confirm_title: pool.title })).status).toBe(200);
  expect(await (await myTerm(ann.cookie)).json()).toMatchObject({ runs: [{ run_id: 2 }], total: 0 });
});

test('no cookie, or one not honoured: 401', async () => {
  const world = await worlds.start({ pool });
  await world.adminPost('/admin/api/settings', { term_results: true });
  expect((await world.http('/api/my-term')).status).toBe(401);
  const { cookie } = await world.join('ann');
  await world.adminPost('/admin/api/reset');
  const stale = await world.http('/api/my-term', { cookie });
  expect(stale.status).toBe(401);
  expect((await stale.json()).error).toBe('invalid_cookie');
});
