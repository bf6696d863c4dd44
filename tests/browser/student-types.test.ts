/**
 * The student page's four question types, the revote and accuracy scoring, in real
 * Chromium at phone size (390×844) against the real server (fake time): each type is
 * answered (ticks and Submit, a typed "3,5", a vote), acknowledged by the server
 * (submit_ack seen on the page's socket) and reviewed after the admin closes it. Also:
 * refused numeric input sends nothing, a poll has no verdict, an accuracy question has no
 * countdown, a revote shows its banner and takes a second answer, keyboard use, dark mode
 * and 200 % zoom. Screenshots go to runs/screenshots/student-*.png.
 */
import { expect, test } from 'bun:test';
import { deflateSync } from 'node:zlib';
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

// ---------------------------------------------------------------- images

/** A solid-colour RGB PNG of `width`×`height` (stored deflate, CRC from Bun). */
function solidPng(width: number, height: number, [red, green, blue]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(Bun.hash.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x += 1) row.set([red, green, blue], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const WIDE_IMAGE = '/media/0123abcd.png';
const MISSING_IMAGE = '/media/ffff0000.png';
/** Per question index: the image fields the server would send once pools with images load. */
const IMAGES: Record<number, { image: string; image_alt: string | null }> = {
  0: { image: WIDE_IMAGE, image_alt: 'A binary tree with root 8, children 3 and 10' },
  1: { image: WIDE_IMAGE, image_alt: null },
  2: { image: MISSING_IMAGE, image_alt: 'A heap drawn as an array' },
};

/**
 * Until pools with images (the .zip upload and GET /media) are on this branch, the page's
 * socket is routed through Playwright, which adds the image fields of IMAGES to the real
 * server's question_open and snapshot frames, and /media/ answers with a generated PNG.
 */
async function withImages(context: BrowserContext) {
  const png = solidPng(800, 500, [43, 80, 214]);
  await context.route(`**${WIDE_IMAGE}`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: png }));
  await context.route(`**${MISSING_IMAGE}`, (route) => route.fulfill({ status: 404, body: '' }));
  await context.routeWebSocket(/\/ws$/, (page) => {
    const server = page.connectToServer();
    page.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      const frame = JSON.parse(String(message));
      if (frame.type === 'question_open') Object.assign(frame, IMAGES[frame.question_idx]);
      if (frame.type === 'snapshot' && frame.question) Object.assign(frame.question, IMAGES[frame.question_idx]);
      page.send(JSON.stringify(frame));
    });
  });
}

/** Waits until the page shows question `n` (its previous question may still be on screen). */
async function questionNumberIs(page: Page, n: number) {
  await page.waitForFunction(
    (prefix) => !document.getElementById('question')!.hidden && document.getElementById('question-number')!.textContent!.startsWith(prefix),
    `Question ${n} of`,
  );
}

test('image: shown above the choices with its alt, scaled to the phone; no alt gets a caption; a broken one says so', async () => {
  await suite.startWorld({ fakeTime: true, pool: pool(SINGLE, SINGLE, SINGLE) });
  const { page, problems } = await joinedPhone('img', {}, withImages);
  await command('next');

  const image = byTestId(page, 'question-image');
  await image.waitFor({ state: 'visible' });
  expect(await image.getAttribute('alt')).toBe(IMAGES[0]!.image_alt!);
  expect(await image.getAttribute('src')).toBe(WIDE_IMAGE);
  await page.waitForFunction(() => (document.querySelector('[data-testid=question-image]') as HTMLImageElement).naturalWidth > 0);
  // Between the text and the choices, no wider than the column, in proportion.
  const order = await page.evaluate(() =>
    ['question-text', 'question-figure', 'choices'].map((id) => document.getElementById(id)!.getBoundingClientRect().top),
  );
  expect(order).toEqual([...order].sort((a, b) => a - b));
  const imageBox = (await image.boundingBox())!;
  const column = (await byTestId(page, 'choice-A').boundingBox())!;
  expect(imageBox.width).toBeLessThanOrEqual(column.width + 0.5);
  expect(imageBox.width / imageBox.height).toBeCloseTo(800 / 500, 1);
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
  expect(await image.getAttribute('alt')).toBe(IMAGES[0]!.image_alt!);

  // No alt text: an empty alt (decorative to a screen reader) and a visible generic caption.
  await command('close');
  await command('next');
  await questionNumberIs(page, 2);
  expect(await image.getAttribute('alt')).toBe('');
  expect(await text(page, 'question-caption')).toBe('Picture for this question (no description was given).');

  // An image that does not load: hidden, and the caption says so with its description.
  await command('close');
  await command('next');
  await questionNumberIs(page, 3);
  // The caption changes when the image fails to load, a moment after the question shows.
  await page.waitForFunction(() => document.getElementById('question-caption')?.textContent?.startsWith('The picture'));
  expect(await text(page, 'question-caption')).toBe(
    'The picture for this question could not be loaded. It showed: A heap drawn as an array',
  );
  expect(await image.isHidden()).toBe(true);
  await byTestId(page, 'choice-B').click();
  expect(await text(page, 'locked')).toBe('B — locked in');
  expect(problems).toEqual([]);
}, TEST_TIMEOUT_MS);
