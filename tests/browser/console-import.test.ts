/**
 * Every import format through the console's own pool upload (file picker): each file
 * replaces the preview with its questions, and a refused GIFT file lists its problems by
 * line and changes nothing.
 */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowserSuite } from '../helpers/browser-suite';
import { makePool } from '../helpers/test-server';
import { writeTestXlsx } from '../helpers/xlsx-writer';
import { MOODLE_XML_SAMPLE } from '../unit/pool/formats/moodle-xml-sample';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 90_000;
const suite = useBrowserSuite({ waitMs: WAIT_MS });

function tempFile(name: string, bytes: Uint8Array | string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'quiz-import-')), name);
  writeFileSync(path, bytes);
  return path;
}

const KAHOOT = writeTestXlsx([
  ['Quiz template'],
  [null, 'Question - max 120 characters', 'Answer 1 - max 75 characters', 'Answer 2 - max 75 characters', 'Answer 3 - max 75 characters', 'Answer 4 - max 75 characters', 'Time limit (sec)', 'Correct answer(s) - choose at least one'],
  [1, 'Kahoot question from xlsx?', 'no', 'yes', null, null, 20, 2],
  [2],
]);

/** [file name, contents, a question text the preview must then show, number of questions]. */
const FILES: [string, Uint8Array | string, string, number][] = [
  ['gift-week.gift', '$CATEGORY: Algebra\n\nGIFT question one? {=yes ~no}\n\n$CATEGORY: Numbers\n\nGIFT numeric? {#42:1}\n', 'GIFT numeric?', 2],
  ['aiken-week.txt', 'Aiken question?\nA. one\nB. two\nANSWER: B\n', 'Aiken question?', 1],
  ['moodle-week.xml', MOODLE_XML_SAMPLE, 'Pi to two places?', 4],
  ['sheet-week.csv', 'type,text,choice_a,choice_b,answer\nmultiple,CSV question?,a,b,"A,B"\n', 'CSV question?', 1],
  ['sheet-week.xlsx', writeTestXlsx([['text', 'choice_a', 'choice_b', 'answer'], ['XLSX question?', 'a', 'b', 'A']]), 'XLSX question?', 1],
  ['kahoot.xlsx', KAHOOT, 'Kahoot question from xlsx?', 1],
];

describe('console pool upload of every import format', () => {
  test(
    'each format loads through the file picker and replaces the preview',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
      const page = await (await suite.adminContext(world, { viewport: { width: 1400, height: 1000 } })).newPage();
      await page.goto(`${world.baseUrl}/admin/`);
      await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });
      for (const [name, contents, shownText, count] of FILES) {
        await page.setInputFiles('[data-testid=pool-file]', tempFile(name, contents));
        await page.waitForFunction(
          (text) => document.querySelector('[data-testid=pool-preview]')?.textContent?.includes(text),
          shownText,
        );
        const title = name.replace(/\.[a-z]+$/, '');
        expect(await page.locator('#pool-message').textContent()).toBe(`Loaded “${title}” — ${count} question${count === 1 ? '' : 's'}.`);
        expect(await page.locator('[data-testid=pool-preview] .preview-questions > li').count()).toBe(count);
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a refused GIFT file lists its problems by line and changes nothing',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
      const page = await (await suite.adminContext(world, { viewport: { width: 1400, height: 1000 } })).newPage();
      await page.goto(`${world.baseUrl}/admin/`);
      await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });
      const preview = await page.locator('[data-testid=pool-preview]').textContent();
      await page.setInputFiles('[data-testid=pool-file]', tempFile('bad.gift', 'Fine {=a ~b}\n\nMatch {=a -> b =c -> d}\n\nEssay {}\n'));
      const errors = page.locator('[data-testid=pool-errors] li');
      await errors.nth(1).waitFor({ state: 'visible' });
      const shown = await errors.allTextContents();
      expect(shown).toHaveLength(2);
      expect(shown[0]).toContain('line 3');
      expect(shown[0]).toContain('matching');
      expect(shown[1]).toContain('line 5');
      expect(await page.locator('[data-testid=pool-preview]').textContent()).toBe(preview);
    },
    TEST_TIMEOUT_MS,
  );
});
