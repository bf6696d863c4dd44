/**
 * Security finding 4: the login limit locked the instructor out from the lecture hall. It
 * counted successful logins too and was per address only, so a student on the same NAT who
 * typed 10 wrong passwords got the instructor a 429. Now only failures count, a correct
 * password always gets in, failures are logged, and password checks share a global budget
 * so parallel logins cannot exhaust memory.
 */
import { afterEach, expect, test } from 'bun:test';
import { createLogger } from '../../src/logger';
import { createVerificationBudget, BUDGET_EXHAUSTED } from '../../src/identity/verification-budget';
import { startTestWorld, TEST_ADMIN_PASSWORD, type TestWorld } from '../helpers/test-server';

let world: TestWorld | null = null;
afterEach(async () => {
  await world?.stop();
  world = null;
});

const login = (w: TestWorld, password: string) => w.http('/admin/login', { method: 'POST', json: { password } });

test('successful logins do not use up the budget', async () => {
  world = await startTestWorld({ fakeTime: true });
  for (let attempt = 0; attempt < 15; attempt += 1) expect((await login(world, TEST_ADMIN_PASSWORD)).status).toBe(200);
  expect((await login(world, 'wrong')).status).toBe(401);
});

test('a student typing wrong passwords on the same address does not lock the instructor out', async () => {
  world = await startTestWorld({ fakeTime: true });
  for (let attempt = 1; attempt <= 10; attempt += 1) expect((await login(world, `guess-${attempt}`)).status).toBe(401);
  const limited = await login(world, 'guess-11');
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  // The instructor, same address, right password: in.
  expect((await login(world, TEST_ADMIN_PASSWORD)).status).toBe(200);
  // The guesser is still limited.
  expect((await login(world, 'guess-12')).status).toBe(429);
  world.time!.advance(61_000);
  expect((await login(world, 'guess-13')).status).toBe(401);
});

test('every failure is logged with the address and the count', async () => {
  const lines: string[] = [];
  const logger = createLogger('warn', (line) => lines.push(line));
  world = await startTestWorld({ logger });
  await login(world, 'nope');
  await login(world, 'nope again');
  const failures = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'admin_login_failed');
  expect(failures).toHaveLength(2);
  expect(failures[1]).toMatchObject({ level: 'warn', failures_in_window: 2 });
  expect(typeof failures[1].ip).toBe('string');
});

test('48 parallel logins never give a 500: each is in, wrong, limited, or busy with Retry-After', async () => {
  world = await startTestWorld();
  const answers = await Promise.all(Array.from({ length: 48 }, (_, index) => login(world!, index % 2 ? TEST_ADMIN_PASSWORD : `x${index}`)));
  const statuses = answers.map((response) => response.status);
  // Every answer is one of: in, wrong, limited, or "busy, retry" — never a 500.
  for (const status of statuses) expect([200, 401, 429, 503]).toContain(status);
  const busy = answers.filter((response) => response.status === 503);
  for (const response of busy) {
    expect(response.headers.get('retry-after')).toBe('1');
    expect((await response.json()).error).toBe('login_busy');
  }
  expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
});

test('the verification budget runs at most N at once and queues at most M', async () => {
  const budget = createVerificationBudget(2, 3);
  let running = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const task = () =>
    new Promise<string>((resolve) => {
      running += 1;
      peak = Math.max(peak, running);
      releases.push(() => {
        running -= 1;
        resolve('done');
      });
    });
  const results = Array.from({ length: 6 }, () => budget.run(task));
  // Two run, three wait, the sixth is turned away at once.
  expect(await results[5]).toBe(BUDGET_EXHAUSTED);
  expect(budget.running).toBe(2);
  expect(budget.waiting).toBe(3);
  while (releases.length > 0 || budget.waiting > 0) {
    releases.shift()?.();
    await Bun.sleep(0);
  }
  expect(await Promise.all(results.slice(0, 5))).toEqual(['done', 'done', 'done', 'done', 'done']);
  expect(peak).toBe(2);
  expect(budget.running).toBe(0);
});
