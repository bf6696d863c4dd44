/**
 * The console with every question type and the peer-instruction revote, in real Chromium
 * against a real server with a v2 pool; students answer over sockets. For each type the
 * live histogram and the review show the right bars and marks (several for multiple, none
 * for a poll, correct/incorrect for numeric), "Show answer" covers every answer key, the
 * pool preview shows types and keys outside a run, and Revote (button and R) reopens a
 * question as round 2, after which both rounds stand side by side with the shift.
 */
import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { answerAll, countsOf, joinStudents, marksOf, poolOf, waitText } from '../helpers/histogram-page';
import type { TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;
const VIEWPORT = { width: 1600, height: 1000 };

const SINGLE = {
  type: 'single',
  text: 'Which sort is stable?',
  choices: ['Quicksort', 'Merge sort', 'Heapsort', 'Selection sort'],
  answer: 'B',
  explanation: 'Merge sort keeps equal keys in order.',
};
const MULTIPLE = {
  type: 'multiple',
  text: 'Which run in O(n log n) on average?',
  choices: ['Quicksort', 'Bubble sort', 'Merge sort', 'Heapsort'],
  answer: ['A', 'C', 'D'],
};
const POLL = { type: 'poll', text: 'How confident are you?', choices: ['Very', 'Somewhat', 'Not at all'] };
const NUMERIC = { type: 'numeric', text: 'What is log2 of 1024?', answer: 10, tolerance: 0.5 };

const suite = useBrowserSuite({ waitMs: WAIT_MS });

async function openConsole(world: TestWorld, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await (await suite.adminContext(world, { viewport: VIEWPORT, colorScheme })).newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${world.baseUrl}/admin/`);
  await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });
  return page;
}

async function adminState(world: TestWorld) {
  return (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
}

const phaseIs = (page: Page, label: string) => waitText(page, '[data-testid=phase]', label);

const marks = (page: Page, testId = 'histogram') => marksOf(page, testId);
const counts = (page: Page, testId = 'histogram') => countsOf(page, testId);

describe('console: question types', () => {
  test(
    'multiple: per-letter counts live, no mark until Show answer marks the whole set; review marks it; Revote reopens as round 2 and the shift comes from each student’s set',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(MULTIPLE, SINGLE) });
      const students = await joinStudents(suite, world, 4);
      const page = await openConsole(world);

      await page.keyboard.press('n');
      await phaseIs(page, 'question open');
      expect(await page.locator('[data-testid=question-type]').textContent()).toBe('Select all that apply');
      // Round 1: only s1 picks exactly A, C, D.
      await answerAll(world, students, 0, [
        { choices: ['A', 'C', 'D'] },
        { choices: ['A', 'B'] },
        { choices: ['C'] },
        { choices: ['A', 'C', 'D', 'B'] },
      ]);
      await waitText(page, '[data-testid=answered]', 'answered 4 / 4');
      expect(await counts(page)).toEqual({ A: 3, B: 2, C: 3, D: 2 });
      expect(await marks(page)).toEqual([]);
      expect(await page.locator('[data-testid=answer-key]').isVisible()).toBe(false);
      // A's share is of the 4 students who answered, not of the 10 letters picked.
      expect(await page.locator('[data-testid=histogram] [data-key=A] .bar-note').textContent()).toBe('75%');

      await page.getByRole('button', { name: 'Show answer' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=histogram] .bar.correct').length === 3);
      expect(await marks(page)).toEqual(['A', 'C', 'D']);
      expect(await page.locator('[data-testid=answer-key]').textContent()).toBe('Answers: A, C, D');
      await page.screenshot({ path: screenshotPath('console-multiple.png') });

      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      expect(await marks(page)).toEqual(['A', 'C', 'D']);
      expect(await counts(page)).toEqual({ A: 3, B: 2, C: 3, D: 2 });
      const revote = page.locator('[data-testid=cmd-revote]');
      expect(await revote.isEnabled()).toBe(true);
      expect(await page.locator('[data-testid=round]').isVisible()).toBe(false);

      // The button asks it again as round 2: fresh bars, the answer hidden again.
      await revote.click();
      await phaseIs(page, 'question open');
      const state = await adminState(world);
      expect(state.phase).toBe('question');
      expect(state.question_idx).toBe(0);
      expect(state.question.round).toBe(2);
      expect(await page.locator('[data-testid=round]').textContent()).toBe('round 2');
      expect(await page.locator('[data-testid=round]').isVisible()).toBe(true);
      expect(await counts(page)).toEqual({ A: 0, B: 0, C: 0, D: 0 });
      expect(await page.getByRole('button', { name: 'Show answer' }).getAttribute('aria-pressed')).toBe('false');
      expect(await marks(page)).toEqual([]);

      // Round 2: s1, s2 and s3 now pick exactly A, C, D.
      await answerAll(world, students, 0, [
        { choices: ['D', 'C', 'A'] },
        { choices: ['A', 'C', 'D'] },
        { choices: ['A', 'C', 'D'] },
        { choices: ['B'] },
      ]);
      await waitText(page, '[data-testid=answered]', 'answered 4 / 4');
      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      await page.locator('[data-testid=histogram-first]').waitFor({ state: 'visible' });
      expect(await counts(page, 'histogram-first')).toEqual({ A: 3, B: 2, C: 3, D: 2 });
      expect(await counts(page)).toEqual({ A: 3, B: 1, C: 3, D: 3 });
      expect(await marks(page, 'histogram-first')).toEqual(['A', 'C', 'D']);
      expect(await marks(page)).toEqual(['A', 'C', 'D']);
      await waitText(page, '[data-testid=shift]', 'Correct: 25 % → 75 % (+50 points)');
      // Round 2 of this question is over: no third round.
      expect(await revote.isDisabled()).toBe(true);
      await page.screenshot({ path: screenshotPath('console-revote-multiple.png') });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'numeric: correct/incorrect bars and "x of y within tolerance"; the value only behind Show answer; Revote disabled, R refused',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(NUMERIC, SINGLE) });
      const students = await joinStudents(suite, world, 4);
      const page = await openConsole(world);

      await page.keyboard.press('n');
      await phaseIs(page, 'question open');
      expect(await page.locator('[data-testid=question-type]').textContent()).toBe('Number');
      await answerAll(world, students, 0, [{ value: 10 }, { value: 10.5 }, { value: 9.4 }, { value: 1024 }]);
      await waitText(page, '[data-testid=answered]', 'answered 4 / 4');
      expect(await counts(page)).toEqual({ correct: 2, incorrect: 2 });
      expect(await page.locator('[data-testid=tally]').textContent()).toBe('2 of 4 within tolerance');
      expect(await marks(page)).toEqual([]);
      // The value is nowhere on the page (the preview too) until Show answer.
      expect(await page.locator('[data-testid=answer-key]').isVisible()).toBe(false);
      expect(await page.evaluate(() => document.body.innerText.includes('± 0.5'))).toBe(false);

      const reveal = page.getByRole('button', { name: 'Show answer' });
      await reveal.focus();
      await page.keyboard.press('Enter');
      await waitText(page, '[data-testid=answer-key]', 'Answer: 10 ± 0.5');
      expect(await marks(page)).toEqual(['correct']);
      expect(await page.locator('[data-testid=histogram] .bar-note').allTextContents()).toEqual(['50%', '50%']);
      await page.screenshot({ path: screenshotPath('console-numeric.png') });
      await page.keyboard.press('Enter');
      expect(await page.locator('[data-testid=answer-key]').isVisible()).toBe(false);

      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      await waitText(page, '[data-testid=answer-key]', 'Answer: 10 ± 0.5');
      expect(await counts(page)).toEqual({ correct: 2, incorrect: 2 });
      expect(await marks(page)).toEqual(['correct']);
      expect(await page.locator('[data-testid=cmd-revote]').isDisabled()).toBe(true);
      await page.keyboard.press('r');
      await page.waitForFunction(() => document.querySelector('#command-message')?.textContent?.includes('Revote is not available'));
      const state = await adminState(world);
      expect(state.phase).toBe('review');
      expect(state.question.round).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'poll: no Show answer, no mark open or in review, every bar its share; a revote shows both distributions and no percent correct (dark mode)',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(POLL) });
      const students = await joinStudents(suite, world, 4);
      const page = await openConsole(world, 'dark');

      await page.keyboard.press('n');
      await phaseIs(page, 'question open');
      expect(await page.locator('[data-testid=question-type]').textContent()).toBe('Poll');
      expect(await page.locator('[data-testid=reveal-answer]').isVisible()).toBe(false);
      await answerAll(world, students, 0, [{ choice: 'A' }, { choice: 'B' }, { choice: 'B' }, { choice: 'C' }]);
      await waitText(page, '[data-testid=answered]', 'answered 4 / 4');
      expect(await counts(page)).toEqual({ A: 1, B: 2, C: 1 });

      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      expect(await marks(page)).toEqual([]);
      expect(await page.locator('[data-testid=histogram] .bar-note').allTextContents()).toEqual(['25%', '50%', '25%']);
      expect(await page.locator('[data-testid=histogram]').evaluate((box) => /✓|correct/i.test(box.innerHTML))).toBe(false);
      expect(await page.locator('[data-testid=answer-key]').isVisible()).toBe(false);

      await page.keyboard.press('r');
      await phaseIs(page, 'question open');
      expect((await adminState(world)).question.round).toBe(2);
      await answerAll(world, students, 0, [{ choice: 'A' }, { choice: 'A' }, { choice: 'A' }, { choice: 'C' }]);
      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      await page.locator('[data-testid=histogram-first]').waitFor({ state: 'visible' });
      expect(await counts(page, 'histogram-first')).toEqual({ A: 1, B: 2, C: 1 });
      expect(await counts(page)).toEqual({ A: 3, B: 0, C: 1 });
      expect(await marks(page, 'histogram-first')).toEqual([]);
      expect(await marks(page)).toEqual([]);
      await Bun.sleep(200);
      expect(await page.locator('[data-testid=shift]').isVisible()).toBe(false);
      expect(await page.evaluate(() => document.body.innerText.includes('Correct:'))).toBe(false);
      await page.screenshot({ path: screenshotPath('console-revote-poll-dark.png') });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'single: R reopens as round 2; after it closes round 1 | round 2 on one scale, "Correct: 25 % → 75 % (+50 points)", Revote disabled',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(SINGLE, NUMERIC) });
      const students = await joinStudents(suite, world, 4);
      const page = await openConsole(world);

      await page.keyboard.press('n');
      await phaseIs(page, 'question open');
      expect(await page.locator('[data-testid=cmd-revote]').isDisabled()).toBe(true);
      await answerAll(world, students, 0, [{ choice: 'B' }, { choice: 'A' }, { choice: 'A' }, { choice: 'C' }]);
      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      expect(await marks(page)).toEqual(['B']);

      // R, like N/C/E, is ignored while typing in the search box.
      await page.click('[data-testid=roster-search]');
      await page.keyboard.type('r');
      await Bun.sleep(150);
      expect((await adminState(world)).phase).toBe('review');
      await page.fill('[data-testid=roster-search]', '');
      await page.locator('[data-testid=roster-search]').blur();

      await page.keyboard.press('r');
      await phaseIs(page, 'question open');
      const reopened = await adminState(world);
      expect([reopened.question_idx, reopened.question.round]).toEqual([0, 2]);
      await waitText(page, '[data-testid=round]', 'round 2');
      expect(await marks(page)).toEqual([]);

      await answerAll(world, students, 0, [{ choice: 'B' }, { choice: 'B' }, { choice: 'B' }, { choice: 'A' }]);
      await waitText(page, '[data-testid=answered]', 'answered 4 / 4');
      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      await waitText(page, '[data-testid=shift]', 'Correct: 25 % → 75 % (+50 points)');
      expect(await page.locator('#first-round-title').textContent()).toBe('Round 1');
      expect(await page.locator('#histogram-title').textContent()).toBe('Round 2');
      expect(await counts(page, 'histogram-first')).toEqual({ A: 2, B: 1, C: 1, D: 0 });
      expect(await counts(page)).toEqual({ A: 1, B: 3, C: 0, D: 0 });
      expect(await marks(page, 'histogram-first')).toEqual(['B']);
      expect(await marks(page)).toEqual(['B']);
      // One scale: round 2's B (3, the largest of either round) is a full bar; round 1's B (1) a third of it.
      const widths = await page.evaluate(() =>
        ['histogram-first', 'histogram'].map((id) => {
          const fill = document.querySelector(`[data-testid=${id}] [data-key=B] .bar-fill`) as HTMLElement;
          return Math.round((fill.getBoundingClientRect().width / fill.parentElement!.getBoundingClientRect().width) * 100);
        }),
      );
      expect(widths[1]).toBe(100);
      expect(Math.abs(widths[0]! - 33)).toBeLessThanOrEqual(1);
      expect(await page.locator('[data-testid=round]').isVisible()).toBe(true);

      const revote = page.locator('[data-testid=cmd-revote]');
      expect(await revote.isDisabled()).toBe(true);
      await page.keyboard.press('r');
      await page.waitForFunction(() => document.querySelector('#command-message')?.textContent?.includes('already been asked a second time'));
      expect((await adminState(world)).phase).toBe('review');
      await page.screenshot({ path: screenshotPath('console-revote.png') });

      // The next question starts in round 1 again: one histogram, no shift.
      await page.keyboard.press('n');
      await phaseIs(page, 'question open');
      expect(await page.locator('[data-testid=round]').isVisible()).toBe(false);
      expect(await page.locator('[data-testid=histogram-first]').isVisible()).toBe(false);
      expect(await page.locator('[data-testid=shift]').isVisible()).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'the pool preview shows each type (Markdown text, raw HTML as text) and its answer key outside a run, and no key while a question is open or in review',
    async () => {
      const hostile = { ...POLL, text: 'Raw HTML stays text: <img src=x onerror=alert(1)>, and **this** is bold' };
      const world = await suite.startWorld({ fakeTime: true, pool: poolOf(SINGLE, MULTIPLE, hostile, NUMERIC) });
      const page = await openConsole(world);
      const preview = page.locator('[data-testid=pool-preview]');
      await preview.locator('li[data-type=numeric]').waitFor({ state: 'visible' });
      const types = await preview.locator('.preview-questions > li .preview-type').allTextContents();
      expect(types.map((t) => t.split(' · ')[0])).toEqual(['Choose one', 'Select all that apply', 'Poll', 'Number']);
      expect(await preview.locator('li[data-type=single] li.correct').evaluateAll((li) => li.map((x) => x.getAttribute('data-letter')))).toEqual(['B']);
      expect(await preview.locator('li[data-type=multiple] li.correct').evaluateAll((li) => li.map((x) => x.getAttribute('data-letter')))).toEqual(['A', 'C', 'D']);
      expect(await preview.locator('li[data-type=poll] .correct, li[data-type=poll] .answer-tag').count()).toBe(0);
      expect(await preview.locator('li[data-type=poll] .preview-key').textContent()).toBe('No answer key (poll).');
      expect(await preview.locator('li[data-type=numeric] .preview-key b').textContent()).toBe('10 ± 0.5');
      // Question text is Markdown: bold renders, raw HTML shows as its text.
      expect(await preview.locator('li[data-type=poll] .preview-text strong').textContent()).toBe('this');
      expect(await preview.locator('li[data-type=poll] .preview-text').textContent()).toContain('<img src=x onerror=alert(1)>');
      expect(await page.locator('main img').count()).toBe(0);

      const hidden = async () => {
        expect(await preview.locator('.correct, .answer-tag, .preview-key').count()).toBe(0);
        expect(await preview.textContent()).not.toContain('± 0.5');
        expect(await preview.textContent()).toContain('Select all that apply');
      };
      await page.keyboard.press('n');
      await phaseIs(page, 'question open');
      await hidden();
      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      await hidden();
      await world.adminPost('/admin/api/end');
      await phaseIs(page, 'ended');
      await preview.locator('li[data-type=numeric] .preview-key').waitFor({ state: 'visible' });
    },
    TEST_TIMEOUT_MS,
  );
});
