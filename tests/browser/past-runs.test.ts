/**
 * The "Past runs" room in a real browser (list, gradebook download, open a run with its
 * analytics and a flagged question, rename, delete only after the title is typed) and the
 * phone's "Your results this term" after the end.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { parseCrlfCsv } from '../helpers/csv';
import { playRun } from '../helpers/play-run';
import { makePool, type TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;
const suite = useBrowserSuite({ waitMs: WAIT_MS, hookTimeoutMs: TEST_TIMEOUT_MS });
const base = makePool(2);
// Accuracy scoring: 1000 per right answer, so the expected numbers are plain.
const pool = { ...base, scoring: 'accuracy' as const, questions: base.questions.map((q) => ({ ...q, scoring: 'accuracy' as const })) };

const byTestId = (page: Page, id: string) => page.locator(`[data-testid=${id}]`);

async function apiRunTitles(world: TestWorld): Promise<string[]> {
  const runs = await (await world.http('/admin/api/runs', { cookie: await world.adminLogin() })).json();
  return runs.map((run: { title: string }) => run.title);
}

/** Run 1: q0 right for both, q1 (answer B) wrong for both; run 2: ann only; run 3 is current. */
async function twoPastRuns(world: TestWorld) {
  await playRun(world, { students: [{ id: 'ann', name: 'Ann', answers: ['A', 'C'] }, { id: 'bob', name: 'Bob', answers: ['A', 'D'] }] });
  await world.adminPost('/admin/api/reset');
  await playRun(world, { students: [{ id: 'ann', name: 'Ann', answers: ['A', 'B'] }] });
  await world.adminPost('/admin/api/reset');
}

describe('past runs room', () => {
  test(
    'list, gradebook download, open a run with its analytics, rename, delete after typing the title',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool });
      await twoPastRuns(world);
      const page = await (await suite.adminContext(world, { viewport: { width: 1400, height: 1000 }, acceptDownloads: true })).newPage();
      await page.goto(`${world.baseUrl}/admin/`);
      const rows = byTestId(page, 'run-row');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 3);
      expect(await rows.locator('[data-testid=run-title]').allTextContents()).toEqual([pool.title, pool.title, pool.title]);
      expect(await rows.first().textContent()).toContain('current');

      // The gradebook of every run, then Moodle's layout for runs 1 and 2 only.
      const [plain] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-gradebook').click()]);
      expect(plain.suggestedFilename()).toBe('gradebook.csv');
      expect(parseCrlfCsv(readFileSync((await plain.path())!, 'utf8'))).toEqual([
        ['student_id', 'name', 'run_1', 'run_2', 'run_3', 'runs_attended', 'total'],
        ['ann', 'Ann', '1000', '2000', '', '2', '3000'],
        ['bob', 'Bob', '1000', '', '', '1', '1000'],
      ]);
      await rows.first().locator('[data-testid=run-tick]').uncheck();
      await byTestId(page, 'gradebook-format').selectOption('moodle');
      const [moodle] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-gradebook').click()]);
      expect(moodle.suggestedFilename()).toBe('gradebook-moodle.csv');
      expect(parseCrlfCsv(readFileSync((await moodle.path())!, 'utf8'))).toEqual([
        ['ID number', `${pool.title} (run 1)`, `${pool.title} (run 2)`],
        ['ann', '1000', '2000'],
        ['bob', '1000', ''],
      ]);

      // Open run 1: two questions, the second flagged (nobody right).
      await page.locator('[data-testid=run-row][data-run-id="1"] [data-testid=run-open]').click();
      await byTestId(page, 'run-view').waitFor({ state: 'visible' });
      expect(await byTestId(page, 'run-view-title').textContent()).toBe(pool.title);
      expect(await byTestId(page, 'run-results').getAttribute('href')).toBe('/admin/api/results.csv?run=1');
      const standings = byTestId(page, 'standing');
      expect(await standings.count()).toBe(2);
      expect((await standings.allTextContents()).map((text) => text.replace(/\s+/g, ' '))).toEqual(['1Annann1000', '1Bobbob1000']);
      const items = byTestId(page, 'analytics-item');
      expect(await items.count()).toBe(2);
      expect(await items.nth(0).getAttribute('class')).toBe('analytics-item');
      expect(await items.nth(0).textContent()).toContain('100 % right');
      expect(await items.nth(1).getAttribute('data-flags')).toBe('nobody_right');
      expect(await items.nth(1).getAttribute('class')).toContain('flagged');
      expect(await page.locator('[data-testid=analytics-overview] svg rect.bar').count()).toBe(2);
      expect(await page.locator('[data-testid=analytics-overview] svg rect.flagged').count()).toBe(1);
      expect(await items.nth(0).locator('svg rect').count()).toBe(4);
      // The key's bar is marked: run 1's second question is B, which nobody picked.
      expect(await items.nth(1).locator('svg rect.right').getAttribute('data-key')).toBe('B');
      await byTestId(page, 'past-runs').screenshot({ path: screenshotPath('console-past-runs.png') });

      // Rename.
      await byTestId(page, 'run-rename-title').fill('<b>Week 1</b> — sorting');
      await byTestId(page, 'run-rename-save').click();
      await page.waitForFunction(() => document.querySelector('[data-run-id="1"] [data-testid=run-title]')?.textContent === '<b>Week 1</b> — sorting');
      expect(await byTestId(page, 'run-view-title').textContent()).toBe('<b>Week 1</b> — sorting');
      expect(await page.locator('[data-testid=past-runs] b').count()).toBe(0); // shown as text, never as markup
      expect(await apiRunTitles(world)).toEqual([pool.title, pool.title, '<b>Week 1</b> — sorting']);

      // Delete: disabled until the title is typed exactly.
      const deleteButton = byTestId(page, 'run-delete');
      expect(await deleteButton.isDisabled()).toBe(true);
      await byTestId(page, 'run-delete-confirm').fill('Week 1');
      expect(await deleteButton.isDisabled()).toBe(true);
      await byTestId(page, 'run-delete-confirm').fill('<b>Week 1</b> — sorting');
      expect(await deleteButton.isDisabled()).toBe(false);
      await deleteButton.click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 2);
      await byTestId(page, 'run-view').waitFor({ state: 'hidden' });
      expect(await byTestId(page, 'runs-message').textContent()).toContain('deleted');
      expect(await apiRunTitles(world)).toEqual([pool.title, pool.title]);
      // The after-class results.csv choice no longer offers the deleted run.
      await page.waitForFunction(() => [...document.querySelectorAll('#results-run option')].map((o) => (o as HTMLOptionElement).value).join() === '3,2');
    },
    TEST_TIMEOUT_MS,
  );
});

describe('phone: your results this term', () => {
  test(
    'after the end, with the setting on, the phone lists its own runs and scores; off hides it',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool });
      await playRun(world, { students: [{ id: 'ann', name: 'Ann', answers: ['A', 'B'] }, { id: 'bob', name: 'Bob', answers: ['B', 'B'] }] });
      await world.adminPost('/admin/api/reset');
      await world.adminPost('/admin/api/settings', { term_results: true });

      const context = await suite.newContext({ viewport: { width: 390, height: 844 }, baseURL: world.baseUrl });
      const page = await context.newPage();
      await page.goto('/');
      await byTestId(page, 'join-form').waitFor({ state: 'visible' });
      await page.fill('#student-id', 'ann');
      await page.fill('#student-name', 'Ann');
      await byTestId(page, 'join-submit').click();
      await byTestId(page, 'lobby').waitFor({ state: 'visible' });
      expect(await byTestId(page, 'term-show').isVisible()).toBe(false);

      expect((await world.adminPost('/admin/api/end')).status).toBe(200);
      await byTestId(page, 'final').waitFor({ state: 'visible' });
      await byTestId(page, 'term-show').click();
      await byTestId(page, 'term-results').waitFor({ state: 'visible' });
      const runs = byTestId(page, 'term-run');
      expect(await runs.count()).toBe(2);
      expect(await runs.nth(0).textContent()).toContain('2000 / 2000');
      expect(await runs.nth(1).textContent()).toContain('0 / 2000');
      expect(await byTestId(page, 'term-total').textContent()).toBe('2 quizzes attended · 2000 points in total');
      await page.screenshot({ path: screenshotPath('student-term-results.png') });
      expect(await page.locator('body').textContent()).not.toContain('Bob');

      await world.adminPost('/admin/api/settings', { term_results: false });
      await byTestId(page, 'term').waitFor({ state: 'hidden' });
    },
    TEST_TIMEOUT_MS,
  );
});
