/**
 * The whole lecture in real browsers: the instructor signs in and uploads a pool through
 * the console, opens the projector screen from it, three students join and answer on the
 * student page, and the console, the screen and the students agree on counts, the
 * correct answer, and the final ranks. Then 1920×1080 screenshots of every view.
 */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Inbox } from '../helpers/inbox';
import { screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { TEST_ADMIN_PASSWORD, type TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const FULL_HD = { width: 1920, height: 1080 };

const suite = useBrowserSuite({ waitMs: WAIT_MS });
const newContext = (viewport = FULL_HD) => suite.newContext({ viewport });

const textOf = (page: Page, selector: string) => page.locator(selector).first().textContent();
const waitText = (page: Page, selector: string, expected: string) =>
  page.waitForFunction(([s, e]) => document.querySelector(s!)?.textContent?.trim() === e, [selector, expected] as const);

const POOL = {
  title: 'Sorting, week 3',
  questions: [
    {
      text: 'Which sort is stable?',
      choices: ['Quicksort', 'Merge sort', 'Heapsort', 'Selection sort'],
      answer: 'B',
      time_limit_s: 20,
      explanation: 'Merge sort keeps equal keys in their original order.',
    },
    {
      text: 'Worst case of quicksort on n items?',
      choices: ['O(n)', 'O(n log n)', 'O(n²)'],
      answer: 'C',
      time_limit_s: 20,
      explanation: 'A bad pivot every time gives O(n²).',
    },
  ],
};

async function joinOnStudentPage(w: TestWorld, id: string, name: string): Promise<Page> {
  const context = await newContext({ width: 390, height: 844 });
  const page = await context.newPage();
  await page.goto(`${w.baseUrl}/`);
  await page.fill('#student-id', id);
  await page.fill('#student-name', name);
  await page.click('[data-testid=join-submit]');
  await page.locator('[data-testid=lobby]').waitFor({ state: 'visible' });
  return page;
}

async function answer(page: Page, letter: string): Promise<void> {
  await page.locator('[data-testid=question]').waitFor({ state: 'visible' });
  await page.click(`[data-testid=choice-${letter}]`);
  await page.locator('[data-testid=locked]').waitFor({ state: 'visible' });
}

describe('console, screen and students together', () => {
  test(
    'happy path: sign in, upload, drive with the buttons; counts, histogram, podium and ranks agree',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const time = world.time!;
      const adminCtx = await newContext();
      const consolePage = await adminCtx.newPage();
      await consolePage.goto(`${world.baseUrl}/admin/`);
      await consolePage.fill('#password', TEST_ADMIN_PASSWORD);
      await consolePage.click('[data-testid=login-submit]');
      await consolePage.locator('[data-testid=phase]').waitFor({ state: 'visible' });

      const poolPath = join(mkdtempSync(join(tmpdir(), 'quiz-pool-')), 'week3.json');
      writeFileSync(poolPath, JSON.stringify(POOL));
      await consolePage.setInputFiles('[data-testid=pool-file]', poolPath);
      await consolePage.waitForFunction(() => document.querySelector('[data-testid=pool-preview]')?.textContent?.includes('Which sort is stable?'));
      const preview = (await textOf(consolePage, '[data-testid=pool-preview]'))!;
      expect(preview).toContain('Worst case of quicksort on n items?');
      expect(await consolePage.locator('[data-testid=pool-preview] li.correct[data-letter=B]').textContent()).toContain('Merge sort');

      // The projector screen, opened from the console with the instructor's cookie.
      const [screen] = await Promise.all([adminCtx.waitForEvent('page'), consolePage.click('[data-testid=open-screen]')]);
      await screen.setViewportSize(FULL_HD);
      await screen.waitForURL(/\/screen$/);
      await screen.locator('[data-testid=screen-qr]').waitFor({ state: 'visible' });
      expect(await screen.locator('[data-testid=screen-qr]').evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).toBe(true);
      await screen.waitForFunction(() => document.querySelector('[data-testid=screen-join-url]')?.textContent?.startsWith('http'));
      expect(await textOf(screen, '[data-testid=screen-join-url]')).toBe(`${world.baseUrl}/`);

      // Back to the console tab: a page in the background gets no animation frames, and
      // Playwright's click waits on them.
      await consolePage.bringToFront();

      const ada = await joinOnStudentPage(world, 's1', 'Ada');
      const bob = await joinOnStudentPage(world, 's2', 'Bob');
      const cy = await joinOnStudentPage(world, 's3', 'Cy');
      time.advance(600); // flush the coalesced lobby_update (server clock)
      await waitText(screen, '[data-testid=screen-joined]', '3');
      expect(await screen.locator('[data-testid=screen-recent-names] li').allTextContents()).toEqual(['Cy', 'Bob', 'Ada']);
      await consolePage.waitForFunction(() => document.querySelector('[data-testid=roster-summary]')?.textContent?.startsWith('3 joined'));

      // Question 1: Ada right at once (1000), Bob right after 4 s (900), Cy wrong (0).
      await consolePage.click('[data-testid=cmd-next]');
      await waitText(consolePage, '[data-testid=phase]', 'question open');
      await screen.waitForFunction(() => document.querySelector('[data-testid=screen-question]')?.textContent === 'Which sort is stable?');
      expect(await screen.locator('[data-testid=screen-countdown]').textContent()).toMatch(/^\d+$/);
      await answer(ada, 'B');
      time.advance(4000);
      await answer(bob, 'B');
      await answer(cy, 'A');
      time.advance(200); // flush the coalesced answer_progress
      await waitText(consolePage, '[data-testid=answered]', 'answered 3 / 3');
      await waitText(screen, '[data-testid=screen-answered]', '3 answered');
      expect(await consolePage.locator('[data-testid=histogram] [data-letter=B]').getAttribute('data-count')).toBe('2');
      expect(await consolePage.locator('[data-testid=histogram] [data-letter=A]').getAttribute('data-count')).toBe('1');
      expect(await consolePage.locator('[data-testid=histogram] [data-letter=C]').getAttribute('data-count')).toBe('0');

      await consolePage.click('[data-testid=cmd-close]');
      await waitText(consolePage, '[data-testid=phase]', 'review');
      const correctBar = screen.locator('[data-testid=screen-histogram] [data-correct=true]');
      await correctBar.waitFor({ state: 'visible' });
      expect(await correctBar.getAttribute('data-letter')).toBe('B');
      expect(await correctBar.getAttribute('data-count')).toBe('2');
      expect(await screen.locator('[data-testid=screen-histogram] [data-correct=true]').count()).toBe(1);
      expect(await screen.locator('[data-testid=screen-histogram] [data-letter=A]').getAttribute('data-count')).toBe('1');
      expect(await textOf(screen, '[data-testid=screen-explanation]')).toBe(POOL.questions[0]!.explanation);
      await screen.waitForFunction(() => document.querySelectorAll('[data-testid=screen-leaderboard] li').length === 3);
      expect(await screen.locator('[data-testid=screen-leaderboard] .lb-name').allTextContents()).toEqual(['Ada', 'Bob', 'Cy']);
      await ada.locator('[data-testid=result]').waitFor({ state: 'visible' });
      expect(await textOf(ada, '[data-testid=result-points]')).toBe('1000');
      await bob.locator('[data-testid=result]').waitFor({ state: 'visible' });
      expect(await textOf(bob, '[data-testid=result-points]')).toBe('900');

      // Question 2: Cy right at once (1000), Bob right after 10 s (750), Ada wrong (0).
      // Totals: Bob 1650, Ada 1000, Cy 1000 → ranks 1, 2, 2.
      await consolePage.click('[data-testid=cmd-next]');
      await waitText(consolePage, '[data-testid=phase]', 'question open');
      await answer(cy, 'C');
      time.advance(10_000);
      await answer(bob, 'C');
      await answer(ada, 'A');
      time.advance(200);
      await waitText(consolePage, '[data-testid=answered]', 'answered 3 / 3');
      await consolePage.click('[data-testid=cmd-close]');
      await waitText(consolePage, '[data-testid=phase]', 'review');
      await waitText(consolePage, '#next-label', 'Finish');
      await consolePage.click('[data-testid=cmd-next]');
      await waitText(consolePage, '[data-testid=phase]', 'ended');

      await screen.locator('[data-testid=screen-podium] .step').first().waitFor({ state: 'visible' });
      const podium = await screen.locator('[data-testid=screen-podium] .step-name').allTextContents();
      expect(podium).toEqual(['Ada', 'Bob', 'Cy']); // second, first, third on the podium
      expect(await screen.locator('[data-testid=screen-podium] .step-1 .step-name').textContent()).toBe('Bob');

      const finals: { rank: number; score: number }[] = [];
      for (const student of [ada, bob, cy]) {
        await student.locator('[data-testid=final]').waitFor({ state: 'visible' });
        finals.push({
          rank: Number(await textOf(student, '[data-testid=final-rank]')),
          score: Number(await textOf(student, '[data-testid=final-score]')),
        });
      }
      expect(finals.map((f) => f.score)).toEqual([1000, 1650, 1000]);
      for (const f of finals) expect(f.rank).toBe(1 + finals.filter((other) => other.score > f.score).length);
      expect(finals.map((f) => f.rank)).toEqual([2, 1, 2]);

      // The results link points at this run's CSV.
      expect(await consolePage.locator('[data-testid=download-results]').getAttribute('href')).toBe('/admin/api/results.csv?run=1');
    },
    60_000,
  );

  test(
    '1920×1080 screenshots of the console and the screen in every phase',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const time = world.time!;
      await world.adminPost('/admin/api/pool', POOL);
      const names = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth',
        'Margaret Hamilton', 'Ken Thompson', 'Frances Allen', 'John Backus', 'Radia Perlman', 'Tony Hoare',
        'Leslie Lamport', 'Shafi Goldwasser', 'Niklaus Wirth', 'Katherine Johnson', 'Dennis Ritchie', 'Adele Goldberg',
        'Robin Milner', 'Hedy Lamarr', 'Ivan Sutherland', 'Jean Sammet', 'Butler Lampson', 'Sophie Wilson'];
      const students: Inbox[] = [];
      for (const [i, name] of names.entries()) {
        const { cookie } = await world.join(`u${i + 1}`, name);
        students.push(suite.closeAfterTest(await world.connectStudent(cookie)));
      }
      const adminCtx = await suite.adminContext(world, { viewport: FULL_HD });
      const consolePage = await adminCtx.newPage();
      await consolePage.goto(`${world.baseUrl}/admin/`);
      await consolePage.waitForFunction(() => document.querySelector('[data-testid=roster-summary]')?.textContent?.includes('24 connected'));
      await consolePage.screenshot({ path: screenshotPath('console-lobby.png') });

      const screen = await adminCtx.newPage();
      await screen.goto(`${world.baseUrl}/screen`);
      await screen.locator('[data-testid=screen-qr]').waitFor({ state: 'visible' });
      await waitText(screen, '[data-testid=screen-joined]', '24');
      await screen.waitForFunction(() => (document.querySelector('[data-testid=screen-qr]') as HTMLImageElement).complete);
      await screen.screenshot({ path: screenshotPath('screen-lobby.png') });

      await world.adminPost('/admin/api/next');
      const picks = ['B', 'B', 'A', 'B', 'C', 'B', 'D', 'B', 'A', 'B', 'B', 'C', 'B', 'B', 'A', 'B', 'D', 'B'];
      for (const [i, choice] of picks.entries()) {
        students[i]!.send({ type: 'submit', question_idx: 0, choice });
        await students[i]!.next('submit_ack');
        if (i % 6 === 5) time.advance(1500);
      }
      time.advance(200);
      await waitText(consolePage, '[data-testid=answered]', `answered ${picks.length} / 24`);
      await waitText(screen, '[data-testid=screen-answered]', `${picks.length} answered`);
      await consolePage.screenshot({ path: screenshotPath('console-question.png') });
      await screen.screenshot({ path: screenshotPath('screen-question.png') });

      await world.adminPost('/admin/api/close');
      await screen.locator('[data-testid=screen-histogram] [data-correct=true]').waitFor({ state: 'visible' });
      await screen.waitForFunction(() => document.querySelectorAll('[data-testid=screen-leaderboard] li').length === 10);
      await consolePage.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent === 'review');
      await Bun.sleep(450); // let the bars finish their transition
      await screen.screenshot({ path: screenshotPath('screen-review.png') });
      await consolePage.screenshot({ path: screenshotPath('console-review.png') });
      expect(Number(await screen.locator('[data-testid=screen-histogram] [data-correct=true]').getAttribute('data-count'))).toBe(
        picks.filter((p) => p === 'B').length,
      );

      await world.adminPost('/admin/api/end');
      await screen.locator('[data-testid=screen-podium] .step-1').waitFor({ state: 'visible' });
      await screen.screenshot({ path: screenshotPath('screen-podium.png') });
      expect(await screen.locator('[data-testid=screen-podium] .step').count()).toBe(3);
    },
    60_000,
  );
});
