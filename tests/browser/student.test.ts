/**
 * The student page in a real browser against the real server (fake time): joining and its
 * errors, the whole flow from lobby to final rank, waking a slept phone, a revoked cookie,
 * keyboard-only use, and names rendered as text. Screenshots at phone size go to
 * runs/screenshots/student-*.png.
 */
import { expect, test } from 'bun:test';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { collectPageProblems, screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { makePool } from '../helpers/test-server';

const WAIT_MS = 8_000;
const TIME_LIMIT_MS = 20_000;
const PHONE = { width: 390, height: 844 };
/** Per test: bun's 5 s default would kill the shared browser mid-file. */
const TEST_TIMEOUT_MS = 30_000;

const suite = useBrowserSuite({ waitMs: WAIT_MS, hookTimeoutMs: TEST_TIMEOUT_MS });

/** A pool of `count` questions whose first answer is B (so the happy path can score). */
function poolWithFirstAnswerB(count: number) {
  const pool = makePool(count, { timeLimitS: TIME_LIMIT_MS / 1000 });
  pool.questions[0] = { ...pool.questions[0]!, answer: 'B', explanation: 'Because B.' };
  return pool;
}

function startWorld(pool = poolWithFirstAnswerB(3)) {
  return suite.startWorld({ fakeTime: true, pool });
}

interface StudentPage {
  context: BrowserContext;
  page: Page;
  /** Page errors and dialogs: both must stay empty. */
  problems: string[];
}

async function openStudent(options: BrowserContextOptions = {}): Promise<StudentPage> {
  const context = await suite.newContext({ viewport: PHONE, baseURL: suite.world.baseUrl, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  collectPageProblems(page, problems);
  await page.goto('/');
  return { context, page, problems };
}

const byTestId = (page: Page, id: string) => page.locator(`[data-testid=${id}]`);

async function visibleText(page: Page, id: string): Promise<string> {
  const locator = byTestId(page, id);
  await locator.waitFor({ state: 'visible' });
  return ((await locator.textContent()) ?? '').trim();
}

/** Polls until the element's text satisfies `predicate` (Playwright has no expect() here). */
async function waitForText(page: Page, id: string, predicate: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  let text = '';
  while (Date.now() < deadline) {
    text = ((await byTestId(page, id).textContent().catch(() => '')) ?? '').trim();
    if (predicate(text)) return text;
    await Bun.sleep(50);
  }
  throw new Error(`[data-testid=${id}] never matched; last text: ${JSON.stringify(text)}`);
}

async function joinWithForm(page: Page, studentId: string, name: string) {
  await byTestId(page, 'join-form').waitFor({ state: 'visible' });
  await page.fill('#student-id', studentId);
  await page.fill('#student-name', name);
  await byTestId(page, 'join-submit').click();
}

async function command(name: 'next' | 'close' | 'end') {
  const response = await suite.world.adminPost(`/admin/api/${name}`);
  expect(response.status).toBe(200);
}

/** A second student driven over a raw socket. */
async function socketStudent(id: string) {
  const { response, cookie } = await suite.world.join(id, `Student ${id}`);
  expect(response.status).toBe(200);
  const inbox = suite.closeAfterTest(await suite.world.connectStudent(cookie));
  await inbox.next('snapshot');
  return inbox;
}

async function isHidden(page: Page, id: string) {
  return byTestId(page, id).evaluate((node) => (node as HTMLElement).hidden || !(node as HTMLElement).offsetParent);
}

test('join errors: empty fields, a 65-character id, and an id already in use', async () => {
  await startWorld();
  const { page, problems } = await openStudent();
  await byTestId(page, 'join-form').waitFor({ state: 'visible' });
  await page.screenshot({ path: screenshotPath('student-join.png') });

  await byTestId(page, 'join-submit').click();
  expect(await visibleText(page, 'join-error')).toContain('student id');
  expect(await page.getAttribute('#student-id', 'aria-invalid')).toBe('true');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('student-id');

  await page.fill('#student-id', 's1');
  await byTestId(page, 'join-submit').click();
  expect(await visibleText(page, 'join-error')).toContain('name');
  expect(await page.getAttribute('#student-name', 'aria-invalid')).toBe('true');

  await page.fill('#student-id', 'x'.repeat(65));
  await page.fill('#student-name', 'Ann');
  await byTestId(page, 'join-submit').click();
  expect(await visibleText(page, 'join-error')).toContain('at most 64');
  expect(await isHidden(page, 'lobby')).toBe(true);

  // Whitespace only counts as empty.
  await page.fill('#student-id', '   ');
  await byTestId(page, 'join-submit').click();
  expect(await visibleText(page, 'join-error')).toContain('Enter your student id');

  // Someone else (another phone) holds "taken".
  const other = await openStudent();
  await joinWithForm(other.page, 'taken', 'First');
  await byTestId(other.page, 'lobby').waitFor({ state: 'visible' });

  await page.fill('#student-id', 'taken');
  await page.fill('#student-name', 'Second');
  await byTestId(page, 'join-submit').click();
  expect(await visibleText(page, 'join-error')).toBe('This id is already in use; ask your instructor to release it.');
  expect(await isHidden(page, 'lobby')).toBe(true);

  // A free id then works from the same form, and the error goes away.
  await page.fill('#student-id', 'free');
  await byTestId(page, 'join-submit').click();
  await byTestId(page, 'lobby').waitFor({ state: 'visible' });
  expect(await isHidden(page, 'join-error')).toBe(true);
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('happy path: lobby count, question, B locked in, result with points, final rank and score', async () => {
  await startWorld();
  const { page, problems } = await openStudent();
  await joinWithForm(page, 'ann', 'Ann');

  await byTestId(page, 'lobby').waitFor({ state: 'visible' });
  expect(await waitForText(page, 'joined-count', (text) => text === '1')).toBe('1');
  await waitForText(page, 'connection', (text) => text.includes('Online'));
  expect(await byTestId(page, 'connection').getAttribute('data-status')).toBe('online');

  const bob = await socketStudent('bob');
  // lobby_update is coalesced (one per 500 ms): the trailing one waits for the fake clock.
  suite.world.time!.advance(600);
  expect(await waitForText(page, 'joined-count', (text) => text === '2')).toBe('2');
  await page.screenshot({ path: screenshotPath('student-lobby.png') });

  await command('next');
  expect(await visibleText(page, 'question-text')).toBe('Question 1?');
  expect(await visibleText(page, 'countdown')).toBe('20');
  for (const letter of ['A', 'B', 'C', 'D']) {
    const text = await visibleText(page, `choice-${letter}`);
    expect(text).toBe(`${letter}Choice ${letter} of 1`);
    const box = await byTestId(page, `choice-${letter}`).boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);
    expect(box!.width).toBeGreaterThanOrEqual(48);
  }
  expect(await byTestId(page, 'choice-E').count()).toBe(0);
  // Focus goes to the first choice when the question opens.
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('choice-A');
  await page.mouse.move(0, 0); // no hover highlight in the picture
  await page.screenshot({ path: screenshotPath('student-question.png') });

  // Bob answers at once (1000 points); Ann answers 4 s in (900 points) → Ann is 2nd of 2.
  bob.send({ type: 'submit', question_idx: 0, choice: 'B' });
  expect((await bob.next('submit_ack')).accepted).toBe(true);
  suite.world.time!.advance(4_000);
  await byTestId(page, 'choice-B').click();
  expect(await visibleText(page, 'locked')).toBe('B — locked in');
  expect(await byTestId(page, 'choice-A').getAttribute('aria-disabled')).toBe('true');
  // A second tap changes nothing (force: Playwright refuses to click aria-disabled).
  await byTestId(page, 'choice-C').click({ force: true });
  expect(await visibleText(page, 'locked')).toBe('B — locked in');
  await page.screenshot({ path: screenshotPath('student-locked.png') });

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await visibleText(page, 'result-correct')).toBe('B');
  expect(await visibleText(page, 'result-points')).toBe('900');
  expect(await visibleText(page, 'score')).toBe('900');
  expect(await page.locator('#result-explanation').textContent()).toBe('Because B.');
  expect(await page.locator('#verdict').textContent()).toBe('Correct!');
  expect(await isHidden(page, 'question')).toBe(true);
  await page.screenshot({ path: screenshotPath('student-result.png') });

  await command('end');
  await byTestId(page, 'final').waitFor({ state: 'visible' });
  expect(await visibleText(page, 'final-rank')).toBe('2');
  expect(await visibleText(page, 'final-score')).toBe('900');
  const line = (await page.locator('.final-line').textContent())!.replace(/\s+/g, ' ').trim();
  expect(line).toBe('You placed 2nd of 2 — 900 points');
  await page.screenshot({ path: screenshotPath('student-final.png') });

  // A reload after the end still shows the final standing (remembered on this device).
  await page.reload();
  await byTestId(page, 'final').waitFor({ state: 'visible' });
  expect(await visibleText(page, 'final-rank')).toBe('2');
  expect(await visibleText(page, 'final-score')).toBe('900');
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('sleep and wake: a later question shows fresh, the same question keeps the locked answer and the server time', async () => {
  await startWorld(poolWithFirstAnswerB(4));
  const first = await openStudent();
  await joinWithForm(first.page, 'sam', 'Sam');
  await byTestId(first.page, 'lobby').waitFor({ state: 'visible' });
  await command('next');
  await byTestId(first.page, 'choice-C').click();
  expect(await visibleText(first.page, 'locked')).toBe('C — locked in');
  const saved = await first.context.storageState();
  await first.context.close();

  // Asleep through question 1's close and question 2's opening.
  await command('close');
  await command('next');
  const woke = await openStudent({ storageState: saved });
  expect(await visibleText(woke.page, 'question-text')).toBe('Question 2?');
  expect(await isHidden(woke.page, 'locked')).toBe(true);
  expect(await byTestId(woke.page, 'choice-A').getAttribute('aria-disabled')).toBe('false');
  await woke.context.close();

  // Asleep through question 2 (no answer) into question 3.
  await command('close');
  await command('next');
  const again = await openStudent({ storageState: saved });
  expect(await visibleText(again.page, 'question-text')).toBe('Question 3?');
  await byTestId(again.page, 'choice-C').click();
  expect(await visibleText(again.page, 'locked')).toBe('C — locked in');
  const savedOnQuestion3 = await again.context.storageState();
  await again.context.close();

  // Wake during the same question, 18.5 s into 20: the answer is still locked and the
  // countdown follows the server's remaining time, not a fresh 20 s.
  suite.world.time!.advance(18_500);
  const sameQuestion = await openStudent({ storageState: savedOnQuestion3 });
  expect(await visibleText(sameQuestion.page, 'question-text')).toBe('Question 3?');
  expect(await visibleText(sameQuestion.page, 'locked')).toBe('C — locked in');
  expect(Number(await visibleText(sameQuestion.page, 'countdown'))).toBeLessThanOrEqual(2);
  expect(await byTestId(sameQuestion.page, 'choice-A').getAttribute('aria-disabled')).toBe('true');
  // The local countdown runs out before the server closes: "time's up" until the close.
  expect(await visibleText(sameQuestion.page, 'times-up')).toContain('Time’s up');
  expect(await visibleText(sameQuestion.page, 'countdown')).toBe('0');

  suite.world.time!.advance(2_000);
  await byTestId(sameQuestion.page, 'result').waitFor({ state: 'visible' });
  expect(await visibleText(sameQuestion.page, 'result-correct')).toBe('C');
  expect(await visibleText(sameQuestion.page, 'result-points')).toBe('1000');
  expect(await visibleText(sameQuestion.page, 'score')).toBe('1000');

  // Asleep during review: the wake shows the same result (question 1 was wrong: 0 points).
  const inReview = await openStudent({ storageState: savedOnQuestion3 });
  await byTestId(inReview.page, 'result').waitFor({ state: 'visible' });
  expect(await visibleText(inReview.page, 'result-correct')).toBe('C');
  expect(await inReview.page.locator('#result-yours').textContent()).toContain('Your answer: C');
  expect(await visibleText(inReview.page, 'result-points')).toBe('1000');
  expect(await visibleText(inReview.page, 'score')).toBe('1000');
  for (const student of [sameQuestion, inReview]) expect(student.problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('a tampered cookie or a released id leads back to the join form with the notice', async () => {
  await startWorld();
  const { context, page, problems } = await openStudent();
  await joinWithForm(page, 'tess', 'Tess');
  await byTestId(page, 'lobby').waitFor({ state: 'visible' });

  // The cookie is HttpOnly, so tamper with it from the outside: one signature character.
  const [cookie] = (await context.cookies()).filter((candidate) => candidate.name === 'quiz_student');
  expect(cookie).toBeDefined();
  const dot = cookie!.value.lastIndexOf('.');
  const first = cookie!.value[dot + 1];
  const tampered = `${cookie!.value.slice(0, dot + 1)}${first === 'A' ? 'B' : 'A'}${cookie!.value.slice(dot + 2)}`;
  await context.addCookies([{ ...cookie!, value: tampered }]);
  const reloaded = await page.reload();
  if (reloaded!.status() !== 200) {
    // Known server behaviour (reported): a cookie with a bad signature makes *every* route,
    // GET / included, answer 401 JSON while clearing the cookie; the next load is the page.
    expect(reloaded!.status()).toBe(401);
    await page.reload();
  }
  expect(await visibleText(page, 'join-notice')).toBe(
    'Your session ended (the quiz was reset, or your instructor released or removed your id). Join again.',
  );
  await byTestId(page, 'join-form').waitFor({ state: 'visible' });
  expect(await page.inputValue('#student-id')).toBe('tess');
  await page.screenshot({ path: screenshotPath('student-join-notice.png') });
  expect(await isHidden(page, 'lobby')).toBe(true);

  // Released by the instructor while connected: the socket closes 4401 → the notice; the
  // id is free again and the stale cookie is replaced on the automatic retry.
  const { page: live, problems: liveProblems } = await openStudent();
  await joinWithForm(live, 'rita', 'Rita');
  await byTestId(live, 'lobby').waitFor({ state: 'visible' });
  await command('next');
  await byTestId(live, 'question').waitFor({ state: 'visible' });
  const released = await suite.world.adminPost('/admin/api/students/rita/release');
  expect(released.status).toBe(200);
  expect(await visibleText(live, 'join-notice')).toContain('Your session ended');
  expect(await isHidden(live, 'question')).toBe(true);
  expect(await live.inputValue('#student-id')).toBe('rita');
  expect(await live.inputValue('#student-name')).toBe('Rita');
  await byTestId(live, 'join-submit').click();
  expect(await visibleText(live, 'question-text')).toBe('Question 1?');
  expect(await isHidden(live, 'join-notice')).toBe(true);

  // A reset does the same to everyone.
  expect((await suite.world.adminPost('/admin/api/reset')).status).toBe(200);
  expect(await visibleText(live, 'join-notice')).toContain('Your session ended');
  expect([...problems, ...liveProblems]).toEqual([]);
}, TEST_TIMEOUT_MS);

test('keyboard only: Tab, type and Enter to join; keys 2 and d to answer', async () => {
  await startWorld();
  const { page, problems } = await openStudent();
  await byTestId(page, 'join-form').waitFor({ state: 'visible' });
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('student-id');
  await page.keyboard.type('kim');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('student-name');
  await page.keyboard.type('Kim');
  await page.keyboard.press('Enter');
  await byTestId(page, 'lobby').waitFor({ state: 'visible' });

  await command('next');
  await byTestId(page, 'question').waitFor({ state: 'visible' });
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('choice-A');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('choice-B');
  await page.keyboard.press('2');
  expect(await visibleText(page, 'locked')).toBe('B — locked in');
  // Further keys are ignored once locked.
  await page.keyboard.press('3');
  await Bun.sleep(150);
  expect(await visibleText(page, 'locked')).toBe('B — locked in');

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  await command('next');
  // The previous question's text stays on screen until question_open arrives.
  expect(await waitForText(page, 'question-text', (text) => text === 'Question 2?')).toBe('Question 2?');
  await page.keyboard.press('d');
  expect(await visibleText(page, 'locked')).toBe('D — locked in');

  // Enter on a focused choice works too (question 3).
  await command('close');
  await command('next');
  // The previous question's text stays on screen until question_open arrives.
  expect(await waitForText(page, 'question-text', (text) => text === 'Question 3?')).toBe('Question 3?');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  expect(await visibleText(page, 'locked')).toBe('C — locked in');
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('names and question text are rendered as text, never markup', async () => {
  const pool = poolWithFirstAnswerB(2);
  pool.questions[0] = {
    ...pool.questions[0]!,
    text: '<img src=x onerror=alert(2)> Which?',
    choices: ['<b>bold</b>', '<script>alert(3)</script>', 'plain'],
  };
  await startWorld(pool);
  const name = '<img src=x onerror=alert(1)>';
  const { page, problems } = await openStudent();
  await joinWithForm(page, 'xss', name);
  await byTestId(page, 'lobby').waitFor({ state: 'visible' });
  expect(await page.locator('#who').textContent()).toBe(`${name} · xss`);

  await command('next');
  expect(await visibleText(page, 'question-text')).toBe('<img src=x onerror=alert(2)> Which?');
  expect(await visibleText(page, 'choice-A')).toBe('A<b>bold</b>');
  expect(await visibleText(page, 'choice-B')).toBe('B<script>alert(3)</script>');
  await byTestId(page, 'choice-B').click();
  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await page.locator('#result-correct-text').textContent()).toBe('<script>alert(3)</script>');

  expect(await page.locator('img, b, main script').count()).toBe(0);
  await Bun.sleep(200);
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('dark mode and 200 % zoom keep the question usable', async () => {
  await startWorld();
  const { page, problems } = await openStudent({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await joinWithForm(page, 'dee', 'Dee');
  await byTestId(page, 'lobby').waitFor({ state: 'visible' });
  await command('next');
  await byTestId(page, 'question').waitFor({ state: 'visible' });
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(16, 18, 22)');
  await page.screenshot({ path: screenshotPath('student-question-dark.png') });

  // 200 % zoom on a phone is a 195 px wide CSS viewport: nothing scrolls sideways.
  await page.setViewportSize({ width: 195, height: 422 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await byTestId(page, 'choice-D').scrollIntoViewIfNeeded();
  await byTestId(page, 'choice-D').click();
  expect(await visibleText(page, 'locked')).toBe('D — locked in');
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);
