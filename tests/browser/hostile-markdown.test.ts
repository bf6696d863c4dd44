/**
 * A hostile pool on the console and the projector (the student page has its own in
 * student-types.test.ts): script payloads in Markdown and maths — raw HTML, an event
 * handler, javascript: links, KaTeX's \href, \url and \htmlClass — are shown as text or
 * dropped, and never run. Checked in real Chromium, through a question and its review.
 */
import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import type { TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const PAYLOADS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '[click](javascript:window.__pwned=1)',
  '$\\href{javascript:window.__pwned=1}{x}$',
  '$\\url{javascript:window.__pwned=1}$',
  '$\\htmlClass{pwned}{y}$',
  '<svg onload="window.__pwned = 1"></svg>',
].join(' ');

const HOSTILE_POOL = {
  title: 'Hostile',
  questions: [
    {
      type: 'multiple',
      text: `Question ${PAYLOADS}`,
      choices: [`one ${PAYLOADS}`, 'two <b onclick="window.__pwned=1">x</b>', 'three'],
      answer: ['A', 'C'],
      explanation: `Because ${PAYLOADS}`,
    },
  ],
};

const suite = useBrowserSuite({ waitMs: WAIT_MS });

/** Nothing ran and nothing active reached the DOM; the raw HTML shows as its own text. */
async function expectInert(page: Page): Promise<void> {
  const report = await page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      handlers: all.flatMap((node) => [...node.attributes].filter((attr) => attr.name.startsWith('on')).map((attr) => `${node.tagName} ${attr.name}`)),
      scripts: [...document.querySelectorAll('main script, main iframe, main object, main embed, main svg')].length,
      javascriptUrls: all.flatMap((node) => [...node.attributes].filter((attr) => /^\s*javascript:/i.test(attr.value)).map((attr) => attr.name)),
      pwnedClass: document.querySelectorAll('.pwned').length,
      text: document.body.textContent ?? '',
    };
  });
  expect(report.pwned).toBeUndefined();
  expect(report.handlers).toEqual([]);
  expect(report.scripts).toBe(0);
  expect(report.javascriptUrls).toEqual([]);
  expect(report.pwnedClass).toBe(0);
  expect(report.text).toContain('<script>window.__pwned = 1</script>');
}

async function openAdminPage(world: TestWorld, path: string, ready: string): Promise<Page> {
  const page = await (await suite.adminContext(world, { viewport: { width: 1600, height: 1000 } })).newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${world.baseUrl}${path}`);
  await page.locator(ready).waitFor({ state: 'visible' });
  return page;
}

describe('a hostile pool is inert on the console and the projector', () => {
  test(
    'through the lobby, the open question and its review',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: HOSTILE_POOL });
      const console = await openAdminPage(world, '/admin/', '[data-testid=phase]');
      const screen = await openAdminPage(world, '/screen', '[data-testid=screen-qr]');
      const { cookie } = await world.join('s1', 'Student 1');
      const student = suite.closeAfterTest(await world.connectStudent(cookie));

      await expectInert(console); // the pool preview in the lobby
      await world.adminPost('/admin/api/next');
      await screen.locator('#view-question').waitFor({ state: 'visible' });
      await console.waitForFunction(() => document.body.textContent?.includes('Question'));
      student.send({ type: 'submit', question_idx: 0, choices: ['A', 'C'] });
      expect((await student.next('submit_ack')).accepted).toBe(true);
      await expectInert(console);
      await expectInert(screen);

      await world.adminPost('/admin/api/close');
      await screen.locator('#view-review').waitFor({ state: 'visible' });
      await console.waitForFunction(() => document.body.textContent?.includes('Because'));
      await screen.waitForFunction(() => document.body.textContent?.includes('Because'));
      await expectInert(console);
      await expectInert(screen);
      await console.screenshot({ path: screenshotPath('console-hostile-review.png') });
      await screen.screenshot({ path: screenshotPath('screen-hostile-review.png') });
    },
    45_000,
  );
});
