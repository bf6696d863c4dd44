/**
 * The student page's four question types, the revote and accuracy scoring, in real
 * Chromium at phone size (390×844) against the real server (fake time): each type is
 * answered (ticks and Submit, a typed "3,5", a vote), acknowledged by the server
 * (submit_ack seen on the page's socket) and reviewed after the admin closes it. Also:
 * refused numeric input sends nothing, a poll has no verdict, an accuracy question has no
 * countdown, a revote shows its banner and takes a second answer, keyboard use, dark mode
 * and 200 % zoom. Then real images from a .zip pool upload, the showcase pool
 * (examples/showcase: Markdown, highlighted code, MathML maths, the image) stepped through,
 * a slow KaTeX download that must not overwrite a later question, and a hostile pool.
 * Screenshots go to runs/screenshots/student-*.png.
 */
import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { collectPageProblems, screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';

const WAIT_MS = 8_000;
const PHONE = { width: 390, height: 844 };
/** 200 % zoom on that phone: half the CSS pixels each way. */
const PHONE_AT_200 = { width: 195, height: 422 };
const TEST_TIMEOUT_MS = 30_000;

const suite = useBrowserSuite({ waitMs: WAIT_MS, hookTimeoutMs: TEST_TIMEOUT_MS });

const MULTIPLE = {
  type: 'multiple',
  text: 'Which of these sorts run in O(n log n) on average?',
  choices: ['Merge sort', 'Heapsort', 'Quicksort', 'Bubble sort'],
  answer: ['A', 'B', 'C'],
  explanation: 'Bubble sort is quadratic.',
};
const NUMERIC = { type: 'numeric', text: 'Half of 7?', answer: 3.5, tolerance: 0, explanation: '7 / 2 = 3.5' };
const POLL = { type: 'poll', text: 'How confident are you?', choices: ['Very', 'Somewhat', 'Not at all'] };
const SINGLE = { text: 'Which sort is stable?', choices: ['Quicksort', 'Merge sort', 'Heapsort'], answer: 'B' };

function pool(...questions: object[]) {
  return { title: 'Question types', questions: questions.map((question) => ({ time_limit_s: 20, ...question })) };
}

const byTestId = (page: Page, id: string) => page.locator(`[data-testid=${id}]`);

async function text(page: Page, id: string): Promise<string> {
  const locator = byTestId(page, id);
  await locator.waitFor({ state: 'visible' });
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function isShown(page: Page, id: string): Promise<boolean> {
  return byTestId(page, id).evaluate((node) => !(node as HTMLElement).hidden && (node as HTMLElement).offsetParent !== null);
}

/** What the page's socket sent and received, parsed. */
interface SocketLog {
  sent: Array<Record<string, any>>;
  received: Array<Record<string, any>>;
}

function watchSocket(page: Page): SocketLog {
  const log: SocketLog = { sent: [], received: [] };
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => log.sent.push(JSON.parse(String(payload))));
    socket.on('framereceived', ({ payload }) => log.received.push(JSON.parse(String(payload))));
  });
  return log;
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await Bun.sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const submits = (log: SocketLog) => log.sent.filter((frame) => frame.type === 'submit');
const acks = (log: SocketLog) => log.received.filter((frame) => frame.type === 'submit_ack');

/** A phone that has joined and sits in the lobby; `prepare` runs before the page opens. */
async function joinedPhone(
  studentId: string,
  options: BrowserContextOptions = {},
  prepare: (context: BrowserContext) => Promise<void> = async () => {},
) {
  const context = await suite.newContext({ viewport: PHONE, baseURL: suite.world.baseUrl, ...options });
  await prepare(context);
  const page = await context.newPage();
  const problems: string[] = [];
  collectPageProblems(page, problems);
  const socket = watchSocket(page);
  await page.goto('/');
  await byTestId(page, 'join-form').waitFor({ state: 'visible' });
  await page.fill('#student-id', studentId);
  await page.fill('#student-name', `Student ${studentId}`);
  await byTestId(page, 'join-submit').click();
  await byTestId(page, 'lobby').waitFor({ state: 'visible' });
  return { context, page, problems, socket };
}

async function command(name: 'next' | 'close' | 'end' | 'revote') {
  const response = await suite.world.adminPost(`/admin/api/${name}`);
  expect(response.status).toBe(200);
}

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

const activeTestId = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.id);

test('multiple: "select all that apply", tick two and Submit, review marks each letter with partial credit', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool(MULTIPLE) });
  const ann = await joinedPhone('ann');
  const kim = await joinedPhone('kim');
  await command('next');

  const { page, socket } = ann;
  expect(await text(page, 'question-text')).toBe(MULTIPLE.text);
  expect(await text(page, 'type-hint')).toContain('Select all that apply');
  expect(await page.locator('input[type=checkbox]').count()).toBe(4);
  expect(await byTestId(page, 'multiple-submit').isDisabled()).toBe(true);
  expect(await page.getAttribute('#choices', 'aria-describedby')).toBe('type-hint');
  // The checkbox is named by its letter and its text.
  expect(await byTestId(page, 'check-A').evaluate((box) => (box as HTMLInputElement).labels?.[0]?.textContent)).toBe('AMerge sort');

  await byTestId(page, 'choice-A').click();
  expect(await byTestId(page, 'multiple-submit').isEnabled()).toBe(true);
  await byTestId(page, 'choice-B').click();
  await byTestId(page, 'choice-D').click();
  await byTestId(page, 'choice-D').click(); // untick
  expect(await byTestId(page, 'check-B').isChecked()).toBe(true);
  expect(await byTestId(page, 'check-D').isChecked()).toBe(false);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath('student-multiple.png') });

  await byTestId(page, 'multiple-submit').click();
  expect(await text(page, 'locked')).toBe('A, B — locked in');
  const ack = await waitFor('submit_ack', () => acks(socket)[0]);
  expect(ack).toMatchObject({ question_idx: 0, choices: ['A', 'B'], accepted: true });
  expect(submits(socket)).toEqual([{ type: 'submit', question_idx: 0, choices: ['A', 'B'] }]);
  expect(await byTestId(page, 'check-C').isDisabled()).toBe(true);
  expect(await byTestId(page, 'multiple-submit').isDisabled()).toBe(true);

  // Kim uses the keyboard only: focus starts on A; Tab walks the boxes then Submit; keys tick.
  await byTestId(kim.page, 'question').waitFor({ state: 'visible' });
  expect(await activeTestId(kim.page)).toBe('check-A');
  await kim.page.keyboard.press('Tab');
  expect(await activeTestId(kim.page)).toBe('check-B');
  await kim.page.keyboard.press('Space');
  await kim.page.keyboard.press('4');
  expect(await byTestId(kim.page, 'check-D').isChecked()).toBe(true);
  await kim.page.keyboard.press('Tab'); // from D to the Submit button
  expect(await activeTestId(kim.page)).toBe('multiple-submit');
  await kim.page.keyboard.press('Enter');
  expect(await text(kim.page, 'locked')).toBe('B, D — locked in');

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await text(page, 'verdict')).toBe('Partly right');
  expect(await text(page, 'result-correct')).toBe('A, B, C');
  const marks = await page.locator('[data-testid^=mark-]').evaluateAll((items) =>
    items.map((item) => `${(item as HTMLElement).dataset.testid}:${(item as HTMLElement).dataset.mark}`),
  );
  expect(marks).toEqual(['mark-A:right', 'mark-B:right', 'mark-C:missed', 'mark-D:none']);
  expect(await text(page, 'mark-C')).toContain('Missed — this is an answer');
  expect(await text(page, 'result-yours')).toBe('You ticked A, B: 2 of 3 right.');
  // round(1000 × 2 / 3): two of three, no wrong picks, answered at once.
  expect(await text(page, 'result-points')).toBe('667');
  expect(await page.locator('#result-points-note').textContent()).toBe(' (partial credit)');
  expect(await text(page, 'score')).toBe('667');
  expect(await text(page, 'result-explanation')).toBe(MULTIPLE.explanation);
  await page.waitForFunction(() => document.getElementById('announcer')?.textContent?.includes('Partly right'));
  expect(await page.locator('#announcer').textContent()).toBe(
    'Question closed. Partly right. The answers were A, B and C. You ticked A, B: 2 of 3 right. You got 667 points (partial credit); your score is 667.',
  );
  await page.screenshot({ path: screenshotPath('student-review-multiple.png'), fullPage: true });

  // Kim ticked one right and one wrong: B right, D wrong, A and C missed, no points.
  await byTestId(kim.page, 'result').waitFor({ state: 'visible' });
  expect(await text(kim.page, 'verdict')).toBe('Partly right');
  expect(await byTestId(kim.page, 'mark-D').getAttribute('data-mark')).toBe('wrong');
  expect(await byTestId(kim.page, 'mark-A').getAttribute('data-mark')).toBe('missed');
  expect(await text(kim.page, 'result-yours')).toBe('You ticked B, D: 1 of 3 right, 1 wrong.');
  expect(await text(kim.page, 'result-points')).toBe('0');
  expect([...ann.problems, ...kim.problems]).toEqual([]);
}, TEST_TIMEOUT_MS);

test('numeric: "3,5" is sent as 3.5, locked in, and the review shows the right number and yours', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool(NUMERIC) });
  const { page, socket, problems } = await joinedPhone('nia');
  await command('next');

  expect(await text(page, 'question-text')).toBe(NUMERIC.text);
  expect(await isShown(page, 'choices')).toBe(false);
  expect(await page.getAttribute('#numeric-input', 'inputmode')).toBe('decimal');
  expect(await activeTestId(page)).toBe('numeric-input');
  await page.keyboard.type('3,5');
  await page.screenshot({ path: screenshotPath('student-numeric.png') });
  await page.keyboard.press('Enter');

  expect(await text(page, 'locked')).toBe('3.5 — locked in');
  const ack = await waitFor('submit_ack', () => acks(socket)[0]);
  expect(ack).toMatchObject({ question_idx: 0, value: 3.5, accepted: true });
  expect(submits(socket)).toEqual([{ type: 'submit', question_idx: 0, value: 3.5 }]);
  expect(await byTestId(page, 'numeric-input').isDisabled()).toBe(true);
  expect(await byTestId(page, 'numeric-submit').isDisabled()).toBe(true);

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await text(page, 'verdict')).toBe('Correct!');
  expect(await text(page, 'result-correct')).toBe('3.5');
  expect(await text(page, 'result-yours')).toBe('Your answer: 3.5');
  expect(await text(page, 'result-points')).toBe('1000');
  expect(await isShown(page, 'result-marks')).toBe(false);
  await page.screenshot({ path: screenshotPath('student-review-numeric.png') });
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('numeric: empty, non-numbers and non-finite input show a message and send nothing', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool(NUMERIC, NUMERIC) });
  const { page, socket, problems } = await joinedPhone('ned');
  await command('next');
  await byTestId(page, 'numeric-form').waitFor({ state: 'visible' });

  const refusals: Array<[string, string]> = [
    ['', 'Type a number first.'],
    ['   ', 'Type a number first.'],
    ['abc', 'That is not a number.'],
    ['3.5.1', 'Use one decimal separator only'],
    ['1,000.5', 'Use one decimal separator only'],
    ['12abc', 'That is not a number.'],
    ['Infinity', 'That is not a number.'],
    ['NaN', 'That is not a number.'],
    ['1e400', 'That number is too large.'],
    ['--3', 'That is not a number.'],
  ];
  for (const [input, message] of refusals) {
    await page.fill('#numeric-input', input);
    await byTestId(page, 'numeric-submit').click();
    expect(await text(page, 'numeric-error')).toContain(message);
    expect(await page.getAttribute('#numeric-input', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#numeric-input', 'aria-describedby')).toBe('numeric-error');
    expect(await isShown(page, 'locked')).toBe(false);
  }
  expect(await activeTestId(page)).toBe('numeric-input');
  await page.screenshot({ path: screenshotPath('student-numeric-refused.png') });
  await Bun.sleep(100);
  expect(submits(socket)).toEqual([]);

  // Spaces, a typographic minus and the ± button (phones whose decimal pad has no minus).
  await page.fill('#numeric-input', '2,5');
  await byTestId(page, 'numeric-sign').click();
  expect(await page.inputValue('#numeric-input')).toBe('-2,5');
  await page.fill('#numeric-input', ' − 1 000,5 ');
  await byTestId(page, 'numeric-submit').click();
  expect(await text(page, 'locked')).toBe('−1000.5 — locked in');
  expect(await isShown(page, 'numeric-error')).toBe(false);
  expect(submits(socket)).toEqual([{ type: 'submit', question_idx: 0, value: -1000.5 }]);
  expect((await waitFor('submit_ack', () => acks(socket)[0])).accepted).toBe(true);

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await text(page, 'verdict')).toBe('Not quite');
  expect(await text(page, 'result-yours')).toBe('Your answer: −1000.5');
  expect(await text(page, 'result-points')).toBe('0');

  // The next numeric question starts with an empty field and no message.
  await command('next');
  await byTestId(page, 'numeric-form').waitFor({ state: 'visible' });
  expect(await page.inputValue('#numeric-input')).toBe('');
  expect(await isShown(page, 'numeric-error')).toBe(false);
  expect(await byTestId(page, 'numeric-input').isEnabled()).toBe(true);
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('poll: a vote, never right or wrong, and no points line', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool(POLL) });
  const { page, socket, problems } = await joinedPhone('pat');
  await command('next');

  expect(await text(page, 'type-hint')).toContain('no right or wrong');
  await byTestId(page, 'choice-B').click();
  expect(await text(page, 'locked')).toBe('Thanks — your vote counts');
  expect((await waitFor('submit_ack', () => acks(socket)[0])).accepted).toBe(true);
  expect(submits(socket)).toEqual([{ type: 'submit', question_idx: 0, choice: 'B' }]);
  expect(await byTestId(page, 'choice-B').getAttribute('aria-pressed')).toBe('true');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath('student-poll.png') });

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await text(page, 'verdict')).toBe('Thanks — your vote counts');
  expect(await text(page, 'result-yours')).toBe('Your vote: B — Somewhat');
  expect(await isShown(page, 'result-answer')).toBe(false);
  expect(await isShown(page, 'result-points')).toBe(false);
  const shown = await page.locator('#result').innerText();
  expect(shown).not.toMatch(/correct|not quite|wrong|this question/i);
  await page.waitForFunction(() => document.getElementById('announcer')?.textContent?.startsWith('Voting closed'));
  expect(await page.locator('#announcer').textContent()).toBe('Voting closed. You voted B, Somewhat. Your score is 0.');
  await page.screenshot({ path: screenshotPath('student-review-poll.png') });
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('accuracy scoring: no countdown or time bar, a calm note, and the server still closes the question', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool({ ...SINGLE, scoring: 'accuracy' }) });
  const { page, problems } = await joinedPhone('acc');
  await command('next');

  expect(await text(page, 'calm-note')).toBe('No time pressure — take your time');
  expect(await isShown(page, 'countdown-box')).toBe(false);
  expect(await page.locator('#timebar').isHidden()).toBe(true);
  await page.screenshot({ path: screenshotPath('student-accuracy.png') });

  suite.world.time!.advance(12_000); // late, but accuracy scoring does not care
  await byTestId(page, 'choice-B').click();
  expect(await text(page, 'locked')).toBe('B — locked in');
  suite.world.time!.advance(8_000); // the deadline closes it
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await text(page, 'verdict')).toBe('Correct!');
  expect(await text(page, 'result-points')).toBe('1000');
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('revote: round 2 shows the banner, takes a new answer, keeps it over a reload, and scores nothing', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool(SINGLE, POLL) });
  const { page, socket, problems } = await joinedPhone('rev');
  await command('next');
  expect(await isShown(page, 'round-banner')).toBe(false);
  await byTestId(page, 'choice-B').click();
  expect(await text(page, 'locked')).toBe('B — locked in');
  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await text(page, 'result-points')).toBe('1000');

  await command('revote');
  expect(await text(page, 'round-banner')).toContain('Vote again (after discussion)');
  expect(await byTestId(page, 'choice-A').getAttribute('aria-disabled')).toBe('false');
  expect(await isShown(page, 'locked')).toBe(false);
  expect(await activeTestId(page)).toBe('choice-A');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath('student-revote.png') });
  await page.keyboard.press('c');
  expect(await text(page, 'locked')).toBe('C — locked in');
  await waitFor('the second submit_ack', () => acks(socket)[1]);
  expect(acks(socket).map((ack) => [ack.choice, ack.accepted])).toEqual([['B', true], ['C', true]]);

  // The snapshot's me.answer is this round's: C, not round 1's B.
  await page.reload();
  expect(await text(page, 'round-banner')).toContain('Vote again');
  expect(await text(page, 'locked')).toBe('C — locked in');

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  expect(await text(page, 'result-round')).toBe('Round 2 (after discussion)');
  expect(await text(page, 'verdict')).toBe('Not quite');
  expect(await text(page, 'result-yours')).toBe('Your answer: C — Heapsort');
  expect(await isShown(page, 'result-points')).toBe(false);
  expect(await text(page, 'result-round-note')).toContain('score no points');
  expect(await text(page, 'score')).toBe('1000');
  await page.screenshot({ path: screenshotPath('student-review-revote.png') });

  // A poll can be revoted too; its second round is still a vote.
  await command('next');
  await byTestId(page, 'choice-A').click();
  await command('close');
  await command('revote');
  expect(await text(page, 'round-banner')).toContain('Vote again');
  await byTestId(page, 'choice-C').click();
  expect(await text(page, 'locked')).toBe('Thanks — your vote counts');
  await command('close');
  expect(await text(page, 'verdict')).toBe('Thanks — your vote counts');
  expect(await isShown(page, 'result-round-note')).toBe(false);
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

test('dark mode and 200 % zoom: multiple and numeric stay usable without sideways scrolling', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool(MULTIPLE, NUMERIC) });
  const { page, problems } = await joinedPhone('dee', { colorScheme: 'dark', reducedMotion: 'reduce' });
  await command('next');
  await byTestId(page, 'question').waitFor({ state: 'visible' });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(16, 18, 22)');
  await byTestId(page, 'choice-A').click();
  await byTestId(page, 'choice-C').click();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath('student-multiple-dark.png') });

  await page.setViewportSize(PHONE_AT_200);
  await noSidewaysScroll(page);
  await page.screenshot({ path: screenshotPath('student-multiple-200.png'), fullPage: true });
  await byTestId(page, 'multiple-submit').scrollIntoViewIfNeeded();
  await byTestId(page, 'multiple-submit').click();
  expect(await text(page, 'locked')).toBe('A, C — locked in');
  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  await noSidewaysScroll(page);
  await page.screenshot({ path: screenshotPath('student-review-multiple-200.png'), fullPage: true });

  await page.setViewportSize(PHONE);
  await page.screenshot({ path: screenshotPath('student-review-multiple-dark.png'), fullPage: true });
  await page.setViewportSize(PHONE_AT_200);
  await command('next');
  await byTestId(page, 'numeric-form').waitFor({ state: 'visible' });
  await noSidewaysScroll(page);
  const box = await byTestId(page, 'numeric-input').boundingBox();
  expect(box!.width).toBeGreaterThan(60);
  await page.screenshot({ path: screenshotPath('student-numeric-200.png') });
  await page.fill('#numeric-input', '7');
  await byTestId(page, 'numeric-submit').scrollIntoViewIfNeeded();
  await byTestId(page, 'numeric-submit').click();
  expect(await text(page, 'locked')).toBe('7 — locked in');
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

// ---------------------------------------------------------------- images, Markdown, maths

const SHOWCASE = join(import.meta.dir, '../../examples/showcase');
const TREE_PNG = new Uint8Array(readFileSync(join(SHOWCASE, 'tree.png')));
const TREE_URL = `/media/${new Bun.CryptoHasher('sha256').update(TREE_PNG).digest('hex')}.png`;
const TREE_ALT = 'A binary tree: the root 8 has children 3 and 10; 3 has children 1 and 6.';
const MATHS_BUNDLE = '/static/vendor/maths.js';

/** Uploads `files` as a .zip pool, as the console does (POST /admin/api/pool). */
async function uploadZip(files: Record<string, Uint8Array>) {
  const world = suite.world;
  const response = await world.http('/admin/api/pool', {
    method: 'POST',
    cookie: await world.adminLogin(),
    headers: { 'content-type': 'application/zip' },
    body: new Blob([zipSync(files)]),
  });
  expect(response.status).toBe(200);
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Waits until the page shows question `n` (its previous question may still be on screen). */
async function questionNumberIs(page: Page, n: number) {
  await page.waitForFunction(
    (prefix) => !document.getElementById('question')!.hidden && document.getElementById('question-number')!.textContent!.startsWith(prefix),
    `Question ${n} of`,
  );
}

/** Records the page's CSP violations (installed before any script runs). */
async function watchCsp(context: BrowserContext) {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
}

const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

test('image: a real .zip pool; shown above the choices with its alt, scaled to the phone; no alt gets a caption', async () => {
  await suite.startWorld({ fakeTime: true });
  const choices = ['Binary search tree', 'Max-heap', 'Min-heap'];
  await uploadZip({
    'pool.json': json(
      pool(
        { text: 'The tree in the picture is a …', image: 'tree.png', image_alt: TREE_ALT, choices, answer: 'A' },
        { text: 'The same tree, no description given.', image: 'tree.png', choices, answer: 'A' },
      ),
    ),
    'tree.png': TREE_PNG,
  });
  const { page, problems } = await joinedPhone('img');
  await command('next');

  const image = byTestId(page, 'question-image');
  await image.waitFor({ state: 'visible' });
  expect(await image.getAttribute('alt')).toBe(TREE_ALT);
  expect(await image.getAttribute('src')).toBe(TREE_URL);
  await page.waitForFunction(() => (document.querySelector('[data-testid=question-image]') as HTMLImageElement).naturalWidth > 0);
  expect(await image.evaluate((node) => [(node as HTMLImageElement).naturalWidth, (node as HTMLImageElement).naturalHeight])).toEqual([120, 84]);
  // Between the text and the choices, no wider than the column, in proportion.
  const order = await page.evaluate(() =>
    ['question-text', 'question-figure', 'choices'].map((id) => document.getElementById(id)!.getBoundingClientRect().top),
  );
  expect(order).toEqual([...order].sort((a, b) => a - b));
  const imageBox = (await image.boundingBox())!;
  const column = (await byTestId(page, 'choice-A').boundingBox())!;
  expect(imageBox.width).toBeLessThanOrEqual(column.width + 0.5);
  expect(imageBox.width / imageBox.height).toBeCloseTo(120 / 84, 1);
  await noSidewaysScroll(page);
  expect(await isShown(page, 'question-caption')).toBe(false);
  await page.screenshot({ path: screenshotPath('student-image.png') });

  await page.setViewportSize(PHONE_AT_200);
  await noSidewaysScroll(page);
  expect((await image.boundingBox())!.width).toBeLessThanOrEqual(PHONE_AT_200.width);
  await page.setViewportSize(PHONE);

  // A reload rebuilds it from the snapshot.
  await page.reload();
  await image.waitFor({ state: 'visible' });
  expect(await image.getAttribute('alt')).toBe(TREE_ALT);

  // No alt text: an empty alt (decorative to a screen reader) and a visible generic caption.
  await command('close');
  await command('next');
  await questionNumberIs(page, 2);
  expect(await image.getAttribute('src')).toBe(TREE_URL);
  expect(await image.getAttribute('alt')).toBe('');
  expect(await text(page, 'question-caption')).toBe('Picture for this question (no description was given).');
  await page.screenshot({ path: screenshotPath('student-image-no-alt.png') });
  await byTestId(page, 'choice-A').click();
  expect(await text(page, 'locked')).toBe('A — locked in');
  // (A broken image is not tested: an uploaded pool's images are stored with it, so its
  // /media/ URL cannot 404 through the app.)
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

/** The classes of the elements matching `selector` inside the element with test id `id`. */
const classesIn = (page: Page, id: string, selector: string) =>
  byTestId(page, id).evaluate(
    (node, css) => [...node.querySelectorAll(css)].map((element) => element.getAttribute('class') ?? ''),
    selector,
  );

test('showcase pool on a phone: Markdown, highlighted code, MathML maths and the image, every question answered and reviewed', async () => {
  await suite.startWorld({ fakeTime: true, env: { QUIZ_POOL_PATH: SHOWCASE } });
  const requests: string[] = [];
  const { page, problems } = await joinedPhone('show', {}, async (context) => {
    await watchCsp(context);
    context.on('request', (request) => requests.push(new URL(request.url()).pathname));
  });
  const mathsRequests = () => requests.filter((path) => path === MATHS_BUNDLE).length;
  const shot = (name: string) => page.screenshot({ path: screenshotPath(`student-showcase-${name}.png`), fullPage: true });

  async function open(n: number) {
    await command('next');
    await questionNumberIs(page, n);
    await page.mouse.move(0, 0);
  }
  async function review(verdict: string) {
    await command('close');
    await byTestId(page, 'result').waitFor({ state: 'visible' });
    expect(await text(page, 'verdict')).toBe(verdict);
  }

  // 1 — single, bold in the text, no maths anywhere: KaTeX is not downloaded.
  await open(1);
  expect(await text(page, 'question-text')).toBe('Which sorting algorithm is stable?');
  expect(await byTestId(page, 'question-text').locator('p > strong').textContent()).toBe('stable');
  expect(await page.locator('#question-text.markdown').count()).toBe(1);
  await byTestId(page, 'choice-C').click();
  expect(await text(page, 'locked')).toBe('C — locked in');
  await shot('1');
  await review('Correct!');
  expect(await text(page, 'result-explanation')).toContain('Merge sort keeps equal keys');
  expect(await text(page, 'result-correct-text')).toBe('Merge sort');
  expect(mathsRequests()).toBe(0);

  // 2 — multiple, maths in the text and the explanation: MathML, KaTeX downloaded once.
  await open(2);
  await byTestId(page, 'question-text').locator('math').waitFor();
  expect(await byTestId(page, 'question-text').locator('annotation').textContent()).toBe('O(n \\log n)');
  // Said aloud as words: no Markdown marks, the formula as its TeX.
  await page.waitForFunction(() => document.getElementById('announcer')?.textContent?.startsWith('Question 2'));
  expect(await page.locator('#announcer').textContent()).toBe(
    'Question 2 of 7: Select all algorithms that run in O(n \\log n) time on average. Select all that apply, then Submit. 45 seconds.',
  );
  expect(await page.getByRole('checkbox', { name: 'A Quicksort', exact: true }).count()).toBe(1);
  for (const letter of ['A', 'C', 'D']) await byTestId(page, `choice-${letter}`).click();
  await byTestId(page, 'multiple-submit').click();
  expect(await text(page, 'locked')).toBe('A, C, D — locked in');
  await shot('2');
  await review('Correct!');
  await byTestId(page, 'result-explanation').locator('math').first().waitFor();
  expect(await byTestId(page, 'result-explanation').locator('math').count()).toBe(1);
  expect(mathsRequests()).toBe(1);
  await shot('2-review');

  // 3 — numeric, maths.
  await open(3);
  await byTestId(page, 'question-text').locator('math').waitFor();
  expect(await byTestId(page, 'question-text').locator('math msub').count()).toBe(1);
  await page.keyboard.type('10');
  await page.keyboard.press('Enter');
  expect(await text(page, 'locked')).toBe('10 — locked in');
  await shot('3');
  await review('Correct!');
  expect(await byTestId(page, 'result-explanation').locator('math').count()).toBe(1);

  // 4 — a highlighted Python block, inline code in the choices, accuracy scoring.
  await open(4);
  expect(await classesIn(page, 'question-text', 'pre > code')).toEqual(['hljs language-python']);
  const tokens = await classesIn(page, 'question-text', 'pre code span');
  expect(tokens).toContain('hljs-built_in');
  expect(tokens).toContain('hljs-number');
  expect(await isShown(page, 'calm-note')).toBe(true);
  expect(await byTestId(page, 'choice-B').locator('code').textContent()).toBe('9');
  // The buttons are still named by their letter and their (rendered) text.
  expect(await page.getByRole('button', { name: 'B 9', exact: true }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'D It raises IndexError', exact: true }).count()).toBe(1);
  await noSidewaysScroll(page);
  await byTestId(page, 'choice-B').click();
  expect(await text(page, 'locked')).toBe('B — locked in');
  await shot('4');
  await review('Correct!');
  expect(await byTestId(page, 'result-correct-text').locator('code').textContent()).toBe('9');
  expect(await text(page, 'result-yours')).toBe('Your answer: B — 9');
  await page.waitForFunction(() => document.getElementById('announcer')?.textContent?.startsWith('Question closed'));
  expect(await page.locator('#announcer').textContent()).toContain('The answer was B, 9.');
  expect(await byTestId(page, 'result-explanation').locator('code').count()).toBe(3);
  await shot('4-review');

  // 5 — the image from the showcase folder, served from /media/.
  await open(5);
  const image = byTestId(page, 'question-image');
  await image.waitFor({ state: 'visible' });
  expect(await image.getAttribute('src')).toBe(TREE_URL);
  expect(await image.getAttribute('alt')).toBe(TREE_ALT);
  await page.waitForFunction(() => (document.querySelector('[data-testid=question-image]') as HTMLImageElement).naturalWidth === 120);
  await byTestId(page, 'choice-A').click();
  expect(await text(page, 'locked')).toBe('A — locked in');
  await shot('5');
  await review('Correct!');

  // 6 — two paragraphs and inline code.
  await open(6);
  expect(await byTestId(page, 'question-text').locator('p').count()).toBe(2);
  expect(await byTestId(page, 'question-text').locator('code').textContent()).toBe('R');
  expect(await isShown(page, 'question-figure')).toBe(false);
  await byTestId(page, 'choice-A').click();
  expect(await text(page, 'locked')).toBe('A — locked in');
  await shot('6');
  await review('Correct!');

  // 7 — a poll.
  await open(7);
  await byTestId(page, 'choice-B').click();
  expect(await text(page, 'locked')).toBe('Thanks — your vote counts');
  await shot('7');
  await review('Thanks — your vote counts');
  expect(await text(page, 'result-yours')).toBe('Your vote: B — Somewhat');

  expect(mathsRequests()).toBe(1);
  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
}, 60_000);

test('a slow maths download for an earlier question never replaces the text of a later one', async () => {
  await suite.startWorld({
    fakeTime: true,
    pool: pool(
      { type: 'numeric', text: 'What is $\\log_2 1024$?', answer: 10, tolerance: 0, explanation: '$2^{10} = 1024$' },
      { text: 'Plain **second** question?', choices: ['One $x$', 'Two'], answer: 'B' },
    ),
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const { page, problems } = await joinedPhone('slow', {}, async (context) => {
    await context.route(`**${MATHS_BUNDLE}`, async (route) => {
      await released;
      await route.continue();
    });
  });

  await command('next');
  await questionNumberIs(page, 1);
  // While KaTeX downloads, the text shows as typed (not the previous view's, not nothing).
  expect(await text(page, 'question-text')).toBe('What is $\\log_2 1024$?');
  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  await command('next');
  await questionNumberIs(page, 2);
  expect(await text(page, 'question-text')).toBe('Plain second question?');

  release();
  // The bundle arrives: question 1's and the explanation's renders finish, question 2's choice too.
  await byTestId(page, 'choice-A').locator('math').waitFor();
  await page.evaluate((url) => import(url), MATHS_BUNDLE);
  await Bun.sleep(100);
  expect(await text(page, 'question-text')).toBe('Plain second question?');
  expect(await byTestId(page, 'question-text').locator('strong').textContent()).toBe('second');
  expect(await byTestId(page, 'question-text').locator('math').count()).toBe(0);
  expect(await page.getByRole('button', { name: 'A One x', exact: true }).count()).toBe(1);
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);

const HOSTILE = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '[x](javascript:window.__pwned=1)',
  '$\\href{javascript:window.__pwned=1}{x}$',
  '$\\htmlClass{x}{y}$',
];

/** Nothing ran, no handler attribute, no javascript: address, no element raw HTML asked for. */
async function expectHarmless(page: Page) {
  const findings = await page.evaluate(() => {
    const elements = [...document.querySelectorAll('*')];
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      handlers: elements.flatMap((node) => [...node.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${node.localName}[${a.name}]`)),
      scriptUrls: elements.flatMap((node) => [...node.attributes].filter((a) => /javascript:/i.test(a.value)).map((a) => `${node.localName}[${a.name}]`)),
      injected: document.querySelectorAll('main img, main script, main a, main iframe, [style*="url"]').length,
      htmlClass: document.querySelectorAll('main .x').length,
    };
  });
  expect(findings).toEqual({ pwned: undefined, handlers: [], scriptUrls: [], injected: 0, htmlClass: 0 });
}

test('a hostile pool: raw HTML shows as text, javascript: links and untrusted TeX do nothing, in the question and its review', async () => {
  const hostileText = HOSTILE.join('\n\n');
  await suite.startWorld({
    fakeTime: true,
    pool: pool(
      { text: hostileText, choices: HOSTILE, answer: 'A', explanation: hostileText },
      { type: 'multiple', text: HOSTILE.join(' '), choices: HOSTILE, answer: ['A', 'B'], explanation: hostileText },
    ),
  });
  const { page, problems } = await joinedPhone('evil', {}, watchCsp);

  await command('next');
  await byTestId(page, 'question-text').locator('math').first().waitFor();
  const shown = await text(page, 'question-text');
  expect(shown).toContain('<script>window.__pwned=1</script>');
  expect(shown).toContain('<img src=x onerror="window.__pwned=1">');
  expect(shown).toContain('[x](javascript:window.__pwned=1)');
  // Untrusted TeX commands show as their own names in red, not as a link or a class.
  expect(await byTestId(page, 'question-text').locator('math mstyle[mathcolor] > mtext').allTextContents()).toEqual([
    '\\href',
    '\\htmlClass',
  ]);
  expect(await text(page, 'choice-A')).toBe('A<script>window.__pwned=1</script>');
  expect(await text(page, 'choice-B')).toBe('B<img src=x onerror="window.__pwned=1">');
  expect(await text(page, 'choice-C')).toBe('C[x](javascript:window.__pwned=1)');
  await byTestId(page, 'choice-D').locator('math').waitFor();
  await expectHarmless(page);
  await page.screenshot({ path: screenshotPath('student-hostile.png'), fullPage: true });
  await byTestId(page, 'choice-B').click();

  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  await byTestId(page, 'result-explanation').locator('math').first().waitFor();
  expect(await text(page, 'result-explanation')).toContain('<img src=x onerror="window.__pwned=1">');
  expect(await text(page, 'result-correct-text')).toBe('<script>window.__pwned=1</script>');
  expect(await text(page, 'result-yours')).toBe('Your answer: B — <img src=x onerror="window.__pwned=1">');
  await expectHarmless(page);

  // The multiple question: checkbox labels and the review's marks.
  await command('next');
  await questionNumberIs(page, 2);
  await byTestId(page, 'choice-E').locator('math').waitFor();
  await expectHarmless(page);
  await byTestId(page, 'choice-C').click();
  await byTestId(page, 'multiple-submit').click();
  await command('close');
  await byTestId(page, 'result').waitFor({ state: 'visible' });
  await byTestId(page, 'mark-D').locator('math').waitFor();
  expect(await byTestId(page, 'mark-A').locator('.mark-text').textContent()).toBe('<script>window.__pwned=1</script>');
  await expectHarmless(page);
  await page.screenshot({ path: screenshotPath('student-hostile-review.png'), fullPage: true });

  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);
