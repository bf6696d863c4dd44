/**
 * The projector with every question type and the revote, at 1920×1080 in real Chromium
 * against a real server with a v2 pool; students answer over sockets. Review marks the
 * whole set of a multiple question, nothing for a poll, and numeric as correct/incorrect
 * with its answer; after a revote's round 2 the projector (and the console beside it) show
 * round 1 | round 2 and the shift in percent correct. The showcase pool, uploaded as a
 * .zip through the console, brings Markdown (code, maths) and a real image.
 */
import { describe, expect, test } from 'bun:test';
import { zipSync } from 'fflate';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { answerAll, countsOf, joinStudents, marksOf, poolOf, waitText } from '../helpers/histogram-page';
import type { TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;
const FULL_HD = { width: 1920, height: 1080 };

const SINGLE = {
  type: 'single',
  text: 'Which sort is stable?',
  choices: ['Quicksort', 'Merge sort', 'Heapsort', 'Selection sort'],
  answer: 'B',
  explanation: 'Merge sort keeps equal keys in their original order.',
};
const MULTIPLE = {
  type: 'multiple',
  text: 'Which run in O(n log n) on average?',
  choices: ['Quicksort', 'Bubble sort', 'Merge sort', 'Heapsort'],
  answer: ['A', 'C', 'D'],
};
const POLL = { type: 'poll', text: 'How confident are you with recursion?', choices: ['Very', 'Somewhat', 'Not at all'] };
const NUMERIC = {
  type: 'numeric',
  text: 'How many comparisons does binary search need, at most, on 1000 items?',
  answer: 10,
  tolerance: 0,
  explanation: '⌈log2(1001)⌉ = 10.',
};

const suite = useBrowserSuite({ waitMs: WAIT_MS });

async function command(world: TestWorld, name: 'next' | 'close' | 'revote' | 'end'): Promise<void> {
  const response = await world.adminPost(`/admin/api/${name}`);
  expect(response.status).toBe(200);
}

async function openScreen(context: BrowserContext, world: TestWorld): Promise<Page> {
  const screen = await context.newPage();
  await screen.goto(`${world.baseUrl}/screen`);
  await screen.locator('[data-testid=screen-qr]').waitFor({ state: 'visible' });
  return screen;
}

const reviewShown = (screen: Page) => screen.locator('#view-review').waitFor({ state: 'visible' });

const marks = (page: Page, testId = 'screen-histogram') => marksOf(page, testId);
const counts = (page: Page, testId = 'screen-histogram') => countsOf(page, testId);

describe('projector: question types', () => {
  test(
    'revote: round 2 is labelled; after it closes round 1 | round 2 and "Correct: 25 % → 75 % (+50 points)" on the projector and the console',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(SINGLE, NUMERIC) });
      const students = await joinStudents(suite, world, 4);
      const context = await suite.adminContext(world, { viewport: FULL_HD });
      const consolePage = await context.newPage();
      await consolePage.goto(`${world.baseUrl}/admin/`);
      await consolePage.locator('[data-testid=phase]').waitFor({ state: 'visible' });
      const screen = await openScreen(context, world);

      await command(world, 'next');
      await waitText(screen, '[data-testid=screen-question]', SINGLE.text);
      expect(await screen.locator('[data-testid=screen-type]').textContent()).toBe(' · Choose one');
      expect(await screen.locator('[data-testid=screen-round]').isVisible()).toBe(false);
      await answerAll(world, students, 0, [{ choice: 'B' }, { choice: 'A' }, { choice: 'A' }, { choice: 'C' }]);
      await command(world, 'close');
      await reviewShown(screen);
      await screen.waitForFunction(() => document.querySelector('[data-testid=screen-histogram] [data-key=A]')?.getAttribute('data-count') === '2');
      expect(await marks(screen)).toEqual(['B']);
      expect(await screen.locator('[data-testid=screen-histogram-first]').isVisible()).toBe(false);
      expect(await screen.locator('[data-testid=screen-leaderboard]').isVisible()).toBe(true);

      await command(world, 'revote');
      await screen.locator('#view-question').waitFor({ state: 'visible' });
      await screen.locator('[data-testid=screen-round]').waitFor({ state: 'visible' });
      expect(await screen.locator('[data-testid=screen-round]').textContent()).toBe('Round 2 · vote again');
      await answerAll(world, students, 0, [{ choice: 'B' }, { choice: 'B' }, { choice: 'B' }, { choice: 'A' }]);
      await waitText(screen, '[data-testid=screen-answered]', '4 answered');
      await command(world, 'close');
      await reviewShown(screen);
      await screen.locator('[data-testid=screen-histogram-first]').waitFor({ state: 'visible' });
      expect(await counts(screen, 'screen-histogram-first')).toEqual({ A: 2, B: 1, C: 1, D: 0 });
      expect(await counts(screen)).toEqual({ A: 1, B: 3, C: 0, D: 0 });
      expect(await marks(screen, 'screen-histogram-first')).toEqual(['B']);
      expect(await marks(screen)).toEqual(['B']);
      expect(await screen.locator('#screen-first-round-title').textContent()).toBe('Round 1');
      expect(await screen.locator('#screen-histogram-title').textContent()).toBe('Round 2');
      await waitText(screen, '[data-testid=screen-shift]', 'Correct: 25 % → 75 % (+50 points)');
      expect(await screen.locator('[data-testid=screen-review-round]').isVisible()).toBe(true);
      // Round 2 scores nothing: the unchanged top 10 gives its room to the two rounds.
      expect(await screen.locator('[data-testid=screen-leaderboard]').isVisible()).toBe(false);
      // Back-row check: the shift and the counts are large.
      const sizes = await screen.evaluate(() =>
        ['[data-testid=screen-shift]', '[data-testid=screen-histogram] .bar-count'].map((s) =>
          parseFloat(getComputedStyle(document.querySelector(s)!).fontSize),
        ),
      );
      for (const size of sizes) expect(size).toBeGreaterThanOrEqual(50);
      await Bun.sleep(450); // let the bars finish their transition
      await screen.screenshot({ path: screenshotPath('screen-revote.png') });

      // The console beside it shows the same.
      await waitText(consolePage, '[data-testid=shift]', 'Correct: 25 % → 75 % (+50 points)');
      expect(await counts(consolePage, 'histogram-first')).toEqual({ A: 2, B: 1, C: 1, D: 0 });
      expect(await counts(consolePage, 'histogram')).toEqual({ A: 1, B: 3, C: 0, D: 0 });

      // A reload of the projector in that review rebuilds it from the snapshot.
      await screen.reload();
      await reviewShown(screen);
      await waitText(screen, '[data-testid=screen-shift]', 'Correct: 25 % → 75 % (+50 points)');
      expect(await counts(screen, 'screen-histogram-first')).toEqual({ A: 2, B: 1, C: 1, D: 0 });

      // The next question is round 1 again: one histogram, the top 10 back.
      await command(world, 'next');
      await screen.locator('#view-question').waitFor({ state: 'visible' });
      expect(await screen.locator('[data-testid=screen-round]').isVisible()).toBe(false);
      await command(world, 'close');
      await reviewShown(screen);
      await screen.locator('[data-testid=screen-leaderboard]').waitFor({ state: 'visible' });
      expect(await screen.locator('[data-testid=screen-histogram-first]').isVisible()).toBe(false);
      expect(await screen.locator('[data-testid=screen-shift]').isVisible()).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'numeric: a number prompt instead of choices; review shows the answer, correct/incorrect bars and "x of y within tolerance"',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(NUMERIC) });
      const students = await joinStudents(suite, world, 4);
      const screen = await openScreen(await suite.adminContext(world, { viewport: FULL_HD }), world);

      await command(world, 'next');
      await waitText(screen, '[data-testid=screen-question]', NUMERIC.text);
      expect(await screen.locator('[data-testid=screen-type]').textContent()).toBe(' · Number');
      expect(await screen.locator('[data-testid=screen-numeric-hint]').isVisible()).toBe(true);
      expect(await screen.locator('#screen-choices li').count()).toBe(0);
      await answerAll(world, students, 0, [{ value: 10 }, { value: 10 }, { value: 9 }, { value: 10 }]);
      await command(world, 'close');
      await reviewShown(screen);
      await waitText(screen, '[data-testid=screen-answer]', 'Answer: 10 · 3 of 4 within tolerance');
      expect(await counts(screen)).toEqual({ correct: 3, incorrect: 1 });
      expect(await marks(screen)).toEqual(['correct']);
      expect(await screen.locator('[data-testid=screen-histogram] .bar-choice').allTextContents()).toEqual(['correct', 'incorrect']);
      await screen.waitForFunction(() => document.querySelectorAll('[data-testid=screen-leaderboard] li').length === 4);
      await Bun.sleep(450);
      await screen.screenshot({ path: screenshotPath('screen-numeric.png') });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'multiple marks the whole set; a poll marks nothing, also side by side after its revote, and shows no percent correct (dark mode)',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(MULTIPLE, POLL) });
      const students = await joinStudents(suite, world, 4);
      const screen = await openScreen(await suite.adminContext(world, { viewport: FULL_HD, colorScheme: 'dark' }), world);

      await command(world, 'next');
      await waitText(screen, '[data-testid=screen-type]', '· Select all that apply');
      await answerAll(world, students, 0, [{ choices: ['A', 'C', 'D'] }, { choices: ['A', 'B'] }, { choices: ['C'] }, { choices: ['D'] }]);
      await command(world, 'close');
      await reviewShown(screen);
      await waitText(screen, '[data-testid=screen-answer]', 'Answers: A, C, D');
      expect(await marks(screen)).toEqual(['A', 'C', 'D']);
      expect(await counts(screen)).toEqual({ A: 2, B: 1, C: 2, D: 2 });

      await command(world, 'next');
      await waitText(screen, '[data-testid=screen-type]', '· Poll');
      await answerAll(world, students, 1, [{ choice: 'A' }, { choice: 'B' }, { choice: 'B' }, { choice: 'C' }]);
      await command(world, 'close');
      await reviewShown(screen);
      await waitText(screen, '[data-testid=screen-answer]', 'Poll · no right answer');
      expect(await marks(screen)).toEqual([]);
      expect(await counts(screen)).toEqual({ A: 1, B: 2, C: 1 });

      await command(world, 'revote');
      await screen.locator('[data-testid=screen-round]').waitFor({ state: 'visible' });
      await answerAll(world, students, 1, [{ choice: 'A' }, { choice: 'A' }, { choice: 'B' }, { choice: 'A' }]);
      await command(world, 'close');
      await screen.locator('[data-testid=screen-histogram-first]').waitFor({ state: 'visible' });
      expect(await counts(screen, 'screen-histogram-first')).toEqual({ A: 1, B: 2, C: 1 });
      expect(await counts(screen)).toEqual({ A: 3, B: 1, C: 0 });
      expect(await marks(screen, 'screen-histogram-first')).toEqual([]);
      expect(await marks(screen)).toEqual([]);
      await Bun.sleep(200);
      expect(await screen.locator('[data-testid=screen-shift]').isVisible()).toBe(false);
      expect(await screen.evaluate(() => /✓|Correct:/.test(document.querySelector('#view-review')!.textContent!))).toBe(false);
      await Bun.sleep(250);
      await screen.screenshot({ path: screenshotPath('screen-revote-poll-dark.png') });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'the showcase pool uploaded as a .zip through the console: Markdown with code and maths on both pages, the image from /media/ large on the projector',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const context = await suite.adminContext(world, { viewport: FULL_HD });
      const consolePage = await context.newPage();
      await consolePage.goto(`${world.baseUrl}/admin/`);
      await consolePage.locator('[data-testid=phase]').waitFor({ state: 'visible' });
      await consolePage.setInputFiles('[data-testid=pool-file]', showcaseZip());
      const preview = consolePage.locator('[data-testid=pool-preview]');
      await consolePage.waitForFunction(() => document.querySelector('[data-testid=pool-preview]')?.textContent?.includes('Showcase'));
      // The preview renders Markdown: bold, maths, a highlighted code block, inline code in choices.
      expect(await preview.locator('.preview-text strong').first().textContent()).toBe('stable');
      await preview.locator('.preview-text math').first().waitFor({ state: 'attached' });
      expect(await preview.locator('.preview-text pre code.hljs').count()).toBe(1);
      expect(await preview.locator('.preview-choices code').count()).toBeGreaterThanOrEqual(4);
      expect(await preview.locator('li[data-type=single] .preview-image').first().isVisible()).toBe(true);

      const screen = await openScreen(context, world);
      const showQuestion = async (index: number) => {
        await command(world, 'next');
        await screen.waitForFunction((i) => document.querySelector('#question-position')?.textContent === `Question ${i + 1} of 7`, index);
      };
      await showQuestion(0);
      await screen.locator('[data-testid=screen-question] strong').waitFor();
      expect(await screen.locator('[data-testid=screen-question] strong').textContent()).toBe('stable');
      await command(world, 'close');
      await showQuestion(1);
      await screen.locator('[data-testid=screen-question] math').waitFor({ state: 'attached' });
      await consolePage.locator('[data-testid=question-text] math').waitFor({ state: 'attached' });
      await command(world, 'close');
      await showQuestion(2);
      await command(world, 'close');
      await showQuestion(3);
      await screen.locator('[data-testid=screen-question] pre code.hljs').waitFor();
      expect(await screen.locator('#screen-choices .choice-text code').count()).toBe(4);
      await screen.screenshot({ path: screenshotPath('screen-markdown.png') });
      await consolePage.bringToFront();
      await consolePage.locator('[data-testid=question-text] pre code.hljs').waitFor();
      expect(await consolePage.locator('[data-testid=histogram] .bar-choice code').count()).toBe(4);
      await consolePage.screenshot({ path: screenshotPath('console-markdown.png') });
      await command(world, 'close');
      await reviewShown(screen);
      await screen.locator('[data-testid=screen-explanation] code').first().waitFor();
      expect(await screen.locator('[data-testid=screen-histogram] .bar-choice code').count()).toBe(4);

      await showQuestion(4);
      const image = screen.locator('[data-testid=screen-image]');
      await image.waitFor({ state: 'visible' });
      expect(await image.getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{64}\.png$/);
      expect(await image.getAttribute('alt')).toBe(TREE_ALT);
      expect(await screen.locator('#screen-image-caption').textContent()).toBe(TREE_ALT);
      await screen.waitForFunction(() => (document.querySelector('[data-testid=screen-image]') as HTMLImageElement).naturalWidth === 120);
      const box = (await image.boundingBox())!;
      expect(box.height).toBeGreaterThan(FULL_HD.height * 0.35); // large…
      expect(box.y + box.height).toBeLessThanOrEqual(FULL_HD.height); // …and it fits
      expect(await screen.locator('.choice').count()).toBe(4);
      for (const choice of await screen.locator('.choice').all()) {
        const choiceBox = (await choice.boundingBox())!;
        expect(choiceBox.x).toBeGreaterThanOrEqual(box.x + box.width - 1); // beside it, not over it
        expect(choiceBox.y + choiceBox.height).toBeLessThanOrEqual(FULL_HD.height);
      }
      await screen.screenshot({ path: screenshotPath('screen-image.png') });

      await consolePage.bringToFront();
      const thumb = consolePage.locator('[data-testid=question-image]');
      await thumb.waitFor({ state: 'visible' });
      expect(await thumb.getAttribute('alt')).toBe(TREE_ALT);
      expect((await thumb.boundingBox())!.width).toBeLessThanOrEqual(160);
      await command(world, 'close');
      await reviewShown(screen);
      await screen.locator('[data-testid=screen-review-image]').waitFor({ state: 'visible' });
      // The next question has no image: none is left on either page.
      await showQuestion(5);
      expect(await screen.locator('[data-testid=screen-image]').count()).toBe(0);
      await consolePage.waitForFunction(() => !document.querySelector('[data-testid=question-image]'));
    },
    TEST_TIMEOUT_MS,
  );
});

const SHOWCASE = join(import.meta.dir, '../../examples/showcase');
const TREE_ALT = 'A binary tree: the root 8 has children 3 and 10; 3 has children 1 and 6.';

/** examples/showcase as the .zip an instructor uploads: pool.json and tree.png. */
function showcaseZip(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'quiz-showcase-')), 'showcase.zip');
  writeFileSync(
    path,
    zipSync({
      'pool.json': readFileSync(join(SHOWCASE, 'pool.json')),
      'tree.png': readFileSync(join(SHOWCASE, 'tree.png')),
    }),
  );
  return path;
}
