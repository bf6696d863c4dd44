/**
 * The back channel in real browsers: a phone asks, another phone upvotes with one tap,
 * the console marks answered, hides, and shows an ask on the projector (by click and by
 * key), the phones send pulse signals that the console draws, a question that opens wins
 * over the Q&A room and keeps the draft, and switching Q&A off removes the room at once.
 * Screenshots go to runs/screenshots/back-channel-*.png.
 */
import { expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { collectPageProblems, screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { makePool, type TestWorld } from '../helpers/test-server';

const WAIT_MS = 8_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 1000 };
const TEST_TIMEOUT_MS = 60_000;

const suite = useBrowserSuite({ waitMs: WAIT_MS, hookTimeoutMs: TEST_TIMEOUT_MS });
const byTestId = (page: Page, id: string) => page.locator(`[data-testid=${id}]`);

async function phone(world: TestWorld, studentId: string): Promise<{ page: Page; problems: string[] }> {
  const context = await suite.newContext({ viewport: PHONE, baseURL: world.baseUrl });
  const page = await context.newPage();
  const problems: string[] = [];
  collectPageProblems(page, problems, studentId);
  await page.goto('/');
  await byTestId(page, 'join-form').waitFor({ state: 'visible' });
  await page.fill('#student-id', studentId);
  await page.fill('#student-name', `Name ${studentId}`);
  await byTestId(page, 'join-submit').click();
  await byTestId(page, 'lobby').waitFor({ state: 'visible' });
  return { page, problems };
}

async function consolePage(world: TestWorld): Promise<Page> {
  const page = await (await suite.adminContext(world, { viewport: DESKTOP })).newPage();
  await page.goto(`${world.baseUrl}/admin/`);
  await byTestId(page, 'qa-panel').waitFor({ state: 'visible' });
  return page;
}

async function projector(world: TestWorld): Promise<Page> {
  const page = await (await suite.adminContext(world, { viewport: { width: 1920, height: 1080 } })).newPage();
  await page.goto(`${world.baseUrl}/screen`);
  return page;
}

/** Polls until `read` satisfies `predicate` (no expect() with retries here). */
async function waitUntil<T>(read: () => Promise<T>, predicate: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let value = await read();
  while (!predicate(value)) {
    if (Date.now() > deadline) throw new Error(`${what} never happened; last: ${JSON.stringify(value)}`);
    await Bun.sleep(50);
    value = await read();
  }
  return value;
}

test('ask, upvote, answered, hide and show on the projector: phones, console and screen', async () => {
  const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
  const desk = await consolePage(world);
  const screen = await projector(world);
  // Q&A is off: the phone has no room; the console's switch turns it on.
  const asker = await phone(world, 'asker');
  const voter = await phone(world, 'voter');
  expect(await byTestId(asker.page, 'qa-open').isVisible()).toBe(false);
  await byTestId(desk, 'setting-qa').check();
  await byTestId(asker.page, 'qa-open').waitFor({ state: 'visible' });
  await byTestId(voter.page, 'qa-open').waitFor({ state: 'visible' });

  await byTestId(asker.page, 'qa-open').click();
  await byTestId(asker.page, 'qa-room').waitFor({ state: 'visible' });
  await asker.page.fill('#ask-text', 'Why is the <b>sky</b> blue?');
  await byTestId(asker.page, 'ask-submit').click();
  const askerRow = byTestId(asker.page, 'ask').first();
  await byTestId(asker.page, 'ask-yours').waitFor({ state: 'visible' });
  expect(await askerRow.locator('[data-testid=ask-text-shown]').textContent()).toBe('Why is the <b>sky</b> blue?');
  expect(await askerRow.locator('[data-testid=ask-upvote]').isDisabled()).toBe(true);

  // The console: a quiet badge, the text as text, the asker's id.
  await byTestId(desk, 'qa-new').waitFor({ state: 'visible' });
  expect(await byTestId(desk, 'qa-new').textContent()).toBe('1 new');
  expect(await byTestId(desk, 'qa-text').first().textContent()).toBe('Why is the <b>sky</b> blue?');
  expect(await byTestId(desk, 'qa-asker').first().textContent()).toBe('asker');
  expect(await desk.locator('#qa-list b').count()).toBe(0);

  // The other phone: anonymous, one tap upvotes, a second tap cannot.
  await byTestId(voter.page, 'qa-open').click();
  const voterRow = byTestId(voter.page, 'ask').first();
  await voterRow.waitFor({ state: 'visible' });
  expect(await voter.page.locator('[data-testid=ask-yours]:visible').count()).toBe(0);
  expect(await voter.page.content()).not.toContain('>asker<');
  await voterRow.locator('[data-testid=ask-upvote]').click();
  await waitUntil(() => voterRow.locator('[data-testid=ask-upvote]').textContent(), (text) => text === '▲ 1', 'the vote on the phone');
  expect(await voterRow.locator('[data-testid=ask-upvote]').isDisabled()).toBe(true);
  await waitUntil(() => byTestId(desk, 'qa-votes').first().textContent(), (text) => text === '1', 'the vote on the console');
  await waitUntil(() => askerRow.locator('[data-testid=ask-upvote]').textContent(), (text) => text === '▲ 1', 'the vote on the asker');
  await voter.page.screenshot({ path: screenshotPath('back-channel-phone-room.png') });

  // Show on the projector by click: large type on /screen, no asker id.
  await byTestId(desk, 'qa-show').first().click();
  await byTestId(screen, 'screen-ask').waitFor({ state: 'visible' });
  expect(await byTestId(screen, 'screen-ask-text').textContent()).toBe('Why is the <b>sky</b> blue?');
  expect(await byTestId(screen, 'screen-ask-votes').textContent()).toBe('1 vote');
  expect(await byTestId(screen, 'screen-ask').textContent()).not.toContain('asker');
  await screen.screenshot({ path: screenshotPath('back-channel-screen-ask.png') });

  // Answered by key: select the row, press A.
  await byTestId(desk, 'qa-row').first().focus();
  await desk.keyboard.press('a');
  await byTestId(asker.page, 'ask-answered').waitFor({ state: 'visible' });
  await byTestId(voter.page, 'ask-answered').waitFor({ state: 'visible' });
  expect(await world.server.controller.state.phase).toBe('lobby'); // the key did not drive the quiz

  // Hide by click: gone from the phones and the projector, kept on the console.
  await byTestId(desk, 'qa-hide').first().click();
  await waitUntil(() => byTestId(voter.page, 'ask').count(), (count) => count === 0, 'the hidden ask leaving the phone');
  await byTestId(screen, 'screen-ask').waitFor({ state: 'hidden' });
  await desk.locator('.qa-row.qa-hidden').waitFor({ state: 'visible' });
  await desk.screenshot({ path: screenshotPath('back-channel-console.png') });

  // The export from the console: the run's asks, the hidden one included, with its state.
  const [download] = await Promise.all([desk.waitForEvent('download'), byTestId(desk, 'download-asks').click()]);
  const csv = await Bun.file((await download.path())!).text();
  expect(csv.split('\r\n')[0]).toBe('id,time,text,votes,state,student_id');
  expect(csv).toContain(',Why is the <b>sky</b> blue?,1,hidden,asker\r\n');
  expect([...asker.problems, ...voter.problems]).toEqual([]);
}, TEST_TIMEOUT_MS);

test('pulse: three buttons on the phone, live bars and timeline on the console and projector', async () => {
  const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
  const desk = await consolePage(world);
  const screen = await projector(world);
  const one = await phone(world, 'one');
  const two = await phone(world, 'two');
  await byTestId(desk, 'setting-pulse').check();
  await byTestId(desk, 'setting-pulse-on-screen').check();
  await byTestId(one.page, 'signal-buttons').waitFor({ state: 'visible' });
  await byTestId(screen, 'screen-pulse').waitFor({ state: 'visible' });

  await byTestId(one.page, 'signal-lost').click();
  expect(await byTestId(one.page, 'signal-lost').getAttribute('aria-pressed')).toBe('true');
  const lost = byTestId(desk, 'pulse-lost');
  await waitUntil(() => lost.getAttribute('data-count'), (count) => count === '1', 'lost on the console');
  // The second signal may wait for the once-a-second publish: move the fake clock.
  await byTestId(two.page, 'signal-fast').click();
  await waitUntil(
    async () => {
      world.time!.advance(1000);
      return byTestId(desk, 'pulse-fast').getAttribute('data-count');
    },
    (count) => count === '1',
    'fast on the console',
  );
  expect(await desk.locator('#pulse-timeline .timeline-minute').count()).toBeGreaterThan(0);
  await waitUntil(() => screen.locator('#screen-pulse-bars [data-testid=pulse-lost]').getAttribute('data-count'), (count) => count === '1', 'lost on the projector');
  await screen.screenshot({ path: screenshotPath('back-channel-screen-pulse.png') });

  // Switched off: the buttons go at once.
  await byTestId(desk, 'setting-pulse').uncheck();
  await byTestId(one.page, 'signal-buttons').waitFor({ state: 'hidden' });
  await byTestId(screen, 'screen-pulse').waitFor({ state: 'hidden' });
}, TEST_TIMEOUT_MS);

test('a question that opens wins over the Q&A room and keeps the draft; Q&A off removes the room at once', async () => {
  const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
  expect((await world.adminPost('/admin/api/settings', { qa: true })).status).toBe(200);
  const student = await phone(world, 'drafter');
  await byTestId(student.page, 'qa-open').click();
  await student.page.fill('#ask-text', 'Half-typed thought');
  expect((await world.adminPost('/admin/api/next')).status).toBe(200);
  await byTestId(student.page, 'question').waitFor({ state: 'visible' });
  expect(await byTestId(student.page, 'qa-room').isVisible()).toBe(false);
  await byTestId(student.page, 'qa-open').click();
  expect(await student.page.inputValue('#ask-text')).toBe('Half-typed thought');

  // Q&A switched off mid-session: the room and its button disappear, the quiz stays.
  expect((await world.adminPost('/admin/api/settings', { qa: false })).status).toBe(200);
  await byTestId(student.page, 'qa-room').waitFor({ state: 'hidden' });
  await byTestId(student.page, 'qa-open').waitFor({ state: 'hidden' });
  await byTestId(student.page, 'question').waitFor({ state: 'visible' });
  expect(student.problems).toEqual([]);
}, TEST_TIMEOUT_MS);
