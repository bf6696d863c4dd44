/**
 * The instructor console in a real browser: sign-in (wrong password, the 429 wait), a
 * refused pool listing every error with its path, the N/C/E shortcuts, and a hostile
 * student name rendered as text on the console and the projector.
 */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { useBrowserSuite } from '../helpers/browser-suite';
import { makePool, type TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;
const XSS_NAME = '<img src=x onerror=alert(1)>';

const VIEWPORT = { width: 1600, height: 1000 };

const suite = useBrowserSuite({ waitMs: WAIT_MS });
const newContext = () => suite.newContext({ viewport: VIEWPORT });
/** A context that already holds the instructor's cookie (sign-in itself is tested below). */
const adminContext = (w: TestWorld) => suite.adminContext(w, { viewport: VIEWPORT });

async function openConsole(w: TestWorld, context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${w.baseUrl}/admin/`);
  await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });
  return page;
}

async function adminState(w: TestWorld) {
  return (await w.http('/admin/api/state', { cookie: await w.adminLogin() })).json();
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'quiz-console-')), name);
  writeFileSync(path, text);
  return path;
}

describe('instructor console', () => {
  test(
    'a wrong password is refused plainly, and the 11th try shows the wait',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const page = await (await newContext()).newPage();
      await page.goto(`${world.baseUrl}/admin/`);
      await page.locator('[data-testid=login-form]').waitFor({ state: 'visible' });
      expect(await page.locator('[data-testid=phase]').isVisible()).toBe(false);

      const tryPassword = async (password: string) => {
        await page.fill('#password', password);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/admin/login')),
          page.click('[data-testid=login-submit]'),
        ]);
        return response.status();
      };
      const error = page.locator('[data-testid=login-error]');
      expect(await tryPassword('not-the-password')).toBe(401);
      await page.waitForFunction(() => document.querySelector('[data-testid=login-error]')?.textContent === 'Wrong password.');
      expect(await page.locator('[data-testid=logout]').isVisible()).toBe(false);

      // Ten tries a minute are allowed; the 11th is refused with Retry-After.
      for (let attempt = 2; attempt <= 10; attempt += 1) expect(await tryPassword(`wrong-${attempt}`)).toBe(401);
      expect(await tryPassword('wrong-11')).toBe(429);
      await page.waitForFunction(() =>
        /Too many attempts — try again in \d+ s/.test(document.querySelector('[data-testid=login-error]')?.textContent ?? ''),
      );
      expect(await error.textContent()).toMatch(/Too many attempts — try again in \d+ s/);
      expect(await page.locator('[data-testid=login-submit]').isDisabled()).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'signing in through the form opens the console; logout returns to the form',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const page = await (await newContext()).newPage();
      await page.goto(`${world.baseUrl}/admin/`);
      await page.fill('#password', 'test-admin-password');
      await page.click('[data-testid=login-submit]');
      await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });
      expect(await page.locator('[data-testid=phase]').textContent()).toBe('lobby');
      // The demo pool's preview is there, answers marked.
      const state = await adminState(world);
      expect(await page.locator('[data-testid=pool-preview]').textContent()).toContain(state.pool.questions[0].text);
      await page.click('[data-testid=logout]');
      await page.locator('[data-testid=login-form]').waitFor({ state: 'visible' });
      await page.reload();
      await page.locator('[data-testid=login-form]').waitFor({ state: 'visible' });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a refused pool lists every error with its path and changes nothing',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
      const before = await adminState(world);
      const page = await openConsole(world, await adminContext(world));
      const preview = page.locator('[data-testid=pool-preview]');
      const previewBefore = await preview.textContent();
      expect(previewBefore).toContain('Question 1?');

      const broken = {
        title: 'Broken',
        questions: [
          { text: 'Fine?', choices: ['a', 'b'], answer: 'B' },
          { text: 'Answer out of range', choices: ['a', 'b', 'c'], answer: 'F' },
          { text: 'Too few choices', choices: ['only one'], answer: 'A', time_limit_s: 2 },
        ],
      };
      await page.setInputFiles('[data-testid=pool-file]', tempFile('broken.json', JSON.stringify(broken)));
      const errors = page.locator('[data-testid=pool-errors] li');
      await errors.first().waitFor({ state: 'visible' });

      const direct = await world.adminPost('/admin/api/pool', broken);
      expect(direct.status).toBe(400);
      const { details } = (await direct.json()) as { details: { path: string; message: string }[] };
      expect(details.length).toBeGreaterThanOrEqual(3);
      const shown = await errors.allTextContents();
      expect(shown.length).toBe(details.length);
      for (const detail of details) expect(shown.some((line) => line.includes(detail.path))).toBe(true);
      expect(shown.some((line) => line.includes('/questions/1/answer'))).toBe(true);

      // Not JSON at all: one error at path "/".
      await page.setInputFiles('[data-testid=pool-file]', tempFile('not-json.json', '{ "title": '));
      await page.waitForFunction(() => {
        const items = [...document.querySelectorAll('[data-testid=pool-errors] li')];
        return items.length === 1 && items[0]!.textContent!.startsWith('/');
      });

      const after = await adminState(world);
      expect(after.pool).toEqual(before.pool);
      expect(after.phase).toBe('lobby');
      expect(await preview.textContent()).toBe(previewBefore);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a pool upload during a question is explained (409), and a good one replaces the preview',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
      const page = await openConsole(world, await adminContext(world));
      const good = { title: 'Uploaded pool', questions: [{ text: 'Uploaded question?', choices: ['x', 'y'], answer: 'B' }] };
      await page.setInputFiles('[data-testid=pool-file]', tempFile('good.json', JSON.stringify(good)));
      await page.waitForFunction(() => document.querySelector('[data-testid=pool-preview]')?.textContent?.includes('Uploaded question?'));
      expect((await adminState(world)).pool.title).toBe('Uploaded pool');

      await page.click('[data-testid=cmd-next]');
      await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent === 'question open');
      await page.setInputFiles('[data-testid=pool-file]', tempFile('late.json', JSON.stringify(good)));
      await page.waitForFunction(() => document.querySelector('#pool-message')?.textContent?.includes('only be loaded in the lobby'));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'N, C and E drive the session, but not while typing in the search box',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(3) });
      const { cookie } = await world.join('s1', 'Ada');
      const student = await world.connectStudent(cookie);
      const page = await openConsole(world, await adminContext(world));
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      const phase = page.locator('[data-testid=phase]');

      // Typing an "n" in the search box is a search, not a command.
      await page.click('[data-testid=roster-search]');
      await page.keyboard.type('n');
      await Bun.sleep(150);
      expect((await adminState(world)).phase).toBe('lobby');
      await page.locator('[data-testid=roster-search]').blur();

      await page.keyboard.press('n');
      await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent === 'question open');
      expect((await adminState(world)).question_idx).toBe(0);
      expect(await page.locator('[data-testid=countdown]').textContent()).toMatch(/^\d+ s$/);

      student.send({ type: 'submit', question_idx: 0, choice: 'A' });
      await student.next('submit_ack');
      await page.waitForFunction(() => document.querySelector('[data-testid=answered]')?.textContent === 'answered 1 / 1');

      await page.keyboard.press('c');
      await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent === 'review');
      expect(await page.locator('[data-testid=histogram] [data-letter=A]').getAttribute('data-count')).toBe('1');

      // C in review is not available: a calm message, nothing changes.
      await page.keyboard.press('c');
      await page.waitForFunction(() => document.querySelector('#command-message')?.textContent?.includes('not available'));
      expect((await adminState(world)).phase).toBe('review');

      await page.keyboard.press('n');
      await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent === 'question open');
      expect((await adminState(world)).question_idx).toBe(1);

      await page.keyboard.press('e');
      await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent === 'ended');
      expect(dialogs.length).toBe(1);
      expect((await adminState(world)).phase).toBe('ended');
      expect(await phase.textContent()).toBe('ended');
      expect(await page.locator('[data-testid=cmd-next]').isDisabled()).toBe(true);
      await student.close();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    `a student named ${XSS_NAME} shows literally on the console and the screen`,
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(1) });
      const context = await adminContext(world);
      const page = await openConsole(world, context);
      const screen = await context.newPage();
      const dialogs: string[] = [];
      for (const p of [page, screen]) p.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await screen.goto(`${world.baseUrl}/screen`);
      await screen.locator('[data-testid=screen-qr]').waitFor({ state: 'visible' });

      const joined = await world.join('evil', XSS_NAME);
      expect(joined.response.status).toBe(200);
      await world.join('fine', 'Grace');
      world.time!.advance(600); // lobby_update is coalesced to one per 500 ms (server clock)

      const row = page.locator('[data-testid=roster] [data-student-id=evil] .roster-name');
      await row.waitFor({ state: 'visible' });
      expect(await row.textContent()).toBe(XSS_NAME);
      expect(await page.locator('[data-testid=roster] img').count()).toBe(0);

      await screen.waitForFunction(
        (name) => [...document.querySelectorAll('[data-testid=screen-recent-names] li')].some((li) => li.textContent === name),
        XSS_NAME,
      );
      expect(await screen.locator('[data-testid=screen-recent-names] img').count()).toBe(0);
      await screen.waitForFunction(() => document.querySelector('[data-testid=screen-joined]')?.textContent === '2');

      // Searching for it finds it, still as text.
      await page.fill('[data-testid=roster-search]', '<img');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=roster] li').length === 1);

      // Through review (top 10) and the end (podium) as well.
      await world.adminPost('/admin/api/next');
      await world.adminPost('/admin/api/close');
      await screen.waitForFunction(
        (name) => document.querySelector('[data-testid=screen-leaderboard]')?.textContent?.includes(name),
        XSS_NAME,
      );
      await world.adminPost('/admin/api/end');
      await screen.waitForFunction(
        (name) => document.querySelector('[data-testid=screen-podium]')?.textContent?.includes(name),
        XSS_NAME,
      );
      expect(await screen.locator('img').count()).toBe(1); // the QR code only
      expect(await page.locator('main img').count()).toBe(0);
      await Bun.sleep(200);
      expect(dialogs).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'after class: results.csv and the backup download, reset asks first and opens run 2',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(1) });
      await world.join('s1', 'Ada');
      const page = await openConsole(world, await adminContext(world));
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-results]')]);
      expect(csv.suggestedFilename()).toBe('results-run1.csv');
      const [backup] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-backup]')]);
      expect(backup.suggestedFilename()).toMatch(/^quiz-.*\.db$/);

      let answer = false;
      page.on('dialog', (dialog) => void (answer ? dialog.accept() : dialog.dismiss()));
      await page.click('[data-testid=reset]');
      await Bun.sleep(200);
      expect((await adminState(world)).run_id).toBe(1); // dismissed: nothing happened
      answer = true;
      await page.click('[data-testid=reset]');
      await page.waitForFunction(() => document.querySelectorAll('#results-run option').length === 2);
      expect((await adminState(world)).run_id).toBe(2);
      expect(await page.locator('[data-testid=download-results]').getAttribute('href')).toBe('/admin/api/results.csv?run=2');
      await page.selectOption('#results-run', '1');
      expect(await page.locator('[data-testid=download-results]').getAttribute('href')).toBe('/admin/api/results.csv?run=1');
      await page.waitForFunction(() => document.querySelector('[data-testid=roster-summary]')?.textContent?.startsWith('0 joined'));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'the roster stays capped and searchable with many students; release frees an id',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(1) });
      const joins = [];
      for (let i = 0; i < 250; i += 1) joins.push(world.join(`id-${i}`, `Student number ${i}`));
      await Promise.all(joins);
      const page = await openConsole(world, await adminContext(world));
      page.on('dialog', (dialog) => void dialog.accept());
      await page.waitForFunction(() => document.querySelector('[data-testid=roster-summary]')?.textContent?.startsWith('250 joined'));
      const rows = page.locator('[data-testid=roster] li');
      expect(await rows.count()).toBeLessThanOrEqual(100);
      expect(await rows.count()).toBeGreaterThan(0);

      await page.fill('[data-testid=roster-search]', 'number 137');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=roster] li').length === 1);
      await page.click('[data-testid=roster] [data-student-id=id-137] button');
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=roster] [data-student-id=id-137]')?.getAttribute('data-status') === 'released',
      );
      const state = await adminState(world);
      expect(state.students.find((s: { student_id: string }) => s.student_id === 'id-137').released).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
