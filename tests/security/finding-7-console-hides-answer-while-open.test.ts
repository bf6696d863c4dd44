/**
 * Security finding 7: while a question was open the console marked its answer ("✓ correct"
 * on the bar, and the pool preview's "✓ answer" for every question). A laptop mirrored to
 * the projector showed the answer key to the class. Now, while a question is open, nothing
 * in the console's DOM says which choice is right until the instructor presses "Show
 * answer" (off by default, off again for each new question); in review the closed
 * question's answer is shown as before, as the projector shows it.
 */
import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { useBrowserSuite } from '../helpers/browser-suite';
import { makePool } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;

const suite = useBrowserSuite({ waitMs: WAIT_MS });

/** Everything in the console's DOM that would tell a watching class the answer. */
async function answerLeaks(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const leaks: string[] = [];
    const html = document.body.innerHTML;
    const histogram = document.querySelector('[data-testid=histogram]')!.innerHTML;
    if (html.includes('✓') || document.body.innerText.includes('✓')) leaks.push('a ✓ mark');
    if (/correct/i.test(html)) leaks.push('"correct" in the markup');
    if (/correct|✓/i.test(histogram)) leaks.push('a marker in the histogram');
    if (document.querySelector('.correct, [data-correct], .answer-tag')) leaks.push('a marked element');
    // makePool's explanations name the answer ("Because A."): the preview must not show them either.
    if (html.includes('Because ')) leaks.push('an explanation');
    return leaks;
  });
}

const phaseIs = (page: Page, label: string) =>
  page.waitForFunction((text) => document.querySelector('[data-testid=phase]')?.textContent === text, label);

describe('finding 7: the console hides the answer while a question is open', () => {
  test(
    'hidden by default, "Show answer" marks the right bar, review shows it, the next question starts hidden',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(3) }); // answers A, B, C
      const { cookie } = await world.join('s1', 'Ada');
      const student = suite.closeAfterTest(await world.connectStudent(cookie));
      const page = await (await suite.adminContext(world, { viewport: { width: 1600, height: 1000 } })).newPage();
      await page.goto(`${world.baseUrl}/admin/`);
      await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });
      const reveal = page.getByRole('button', { name: 'Show answer' });
      const bars = page.locator('[data-testid=histogram] .bar');
      const markedBar = page.locator('[data-testid=histogram] .bar.correct[data-correct=true]');

      // Question 1 opens: bars, the pool preview with the question texts, and no answer anywhere.
      await page.keyboard.press('n');
      await phaseIs(page, 'question open');
      await bars.first().waitFor({ state: 'visible' });
      expect(await bars.count()).toBe(4);
      expect(await page.locator('[data-testid=pool-preview]').isVisible()).toBe(true);
      expect(await page.locator('[data-testid=pool-preview]').textContent()).toContain('Question 2?');
      student.send({ type: 'submit', question_idx: 0, choice: 'B' });
      await student.next('submit_ack');
      await page.waitForFunction(() => document.querySelector('[data-testid=answered]')?.textContent === 'answered 1 / 1');
      expect(await answerLeaks(page)).toEqual([]);

      // The toggle: a real button with a name, off, and operable from the keyboard.
      expect(await reveal.getAttribute('aria-pressed')).toBe('false');
      await reveal.focus();
      await page.keyboard.press('Space');
      expect(await reveal.getAttribute('aria-pressed')).toBe('true');
      await markedBar.waitFor({ state: 'visible' });
      expect(await markedBar.count()).toBe(1);
      expect(await markedBar.getAttribute('data-letter')).toBe('A');
      expect(await markedBar.locator('.bar-note').textContent()).toBe('✓ correct');
      expect(await page.locator('[data-testid=histogram] [data-letter=B]').getAttribute('data-count')).toBe('1');

      // Off again: nothing left behind. And a focused toggle does not swallow the N/C/E keys.
      await page.keyboard.press('Enter');
      expect(await reveal.getAttribute('aria-pressed')).toBe('false');
      expect(await answerLeaks(page)).toEqual([]);

      // On, then closed: review shows the answer, as the projector does…
      await page.keyboard.press('Enter');
      await markedBar.waitFor({ state: 'visible' });
      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      expect(await reveal.isVisible()).toBe(false);
      expect(await markedBar.getAttribute('data-letter')).toBe('A');
      expect(await markedBar.locator('.bar-note').textContent()).toBe('✓ correct');
      expect(await page.locator('#explanation').textContent()).toBe('Because A.');
      // …but not the answers of the other questions in the pool preview.
      expect(await page.locator('[data-testid=pool-preview] .correct, [data-testid=pool-preview] .answer-tag').count()).toBe(0);

      // Question 2, although the answer was shown for question 1: hidden again.
      await page.keyboard.press('n');
      await page.waitForFunction(() => document.querySelector('#question-position')?.textContent === 'question 2 of 3');
      await phaseIs(page, 'question open');
      await bars.first().waitFor({ state: 'visible' });
      expect(await reveal.getAttribute('aria-pressed')).toBe('false');
      expect(await answerLeaks(page)).toEqual([]);
      await reveal.click();
      await markedBar.waitFor({ state: 'visible' });
      expect(await markedBar.getAttribute('data-letter')).toBe('B');

      // A reload (a new snapshot) during the question starts hidden too.
      await page.reload();
      await phaseIs(page, 'question open');
      await bars.first().waitFor({ state: 'visible' });
      expect(await reveal.getAttribute('aria-pressed')).toBe('false');
      expect(await answerLeaks(page)).toEqual([]);

      // Closed without the toggle: review marks the answer all the same.
      await page.keyboard.press('c');
      await phaseIs(page, 'review');
      await markedBar.waitFor({ state: 'visible' });
      expect(await markedBar.getAttribute('data-letter')).toBe('B');
      expect(await page.locator('#explanation').textContent()).toBe('Because B.');

      // After the end the preview marks the answers again, for checking a pool.
      await world.adminPost('/admin/api/end');
      await phaseIs(page, 'ended');
      expect(await page.locator('[data-testid=pool-preview] li.correct[data-letter=C] .answer-tag').textContent()).toBe(' ✓ answer');
    },
    TEST_TIMEOUT_MS,
  );
});
