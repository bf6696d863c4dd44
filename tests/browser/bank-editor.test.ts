/**
 * The question-bank editor in real Chromium against a real server: a bank of every type
 * authored from scratch with the keyboard only (code, maths and an image included), saved,
 * played and seen on a phone; reordering by keyboard and by drag; undo; the draft kept
 * across a reload; the server's own message next to an invalid field (and no save); no
 * CSP violation on the way.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { sha256Hex } from '../../src/pool/media';
import { collectPageProblems } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import type { TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 90_000;
const VIEWPORT = { width: 1500, height: 1000 };
const PHONE = { width: 390, height: 844 };
const TREE_PNG = join(import.meta.dir, '../../examples/showcase/tree.png');

const suite = useBrowserSuite({ waitMs: WAIT_MS });
const byTestId = (scope: Page | Locator, id: string) => scope.locator(`[data-testid="${id}"]`);

/** Records CSP violations (installed before any script of the page runs). */
async function watchCsp(context: BrowserContext) {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
}
const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

async function openConsole(world: TestWorld) {
  const context = await suite.adminContext(world, { viewport: VIEWPORT });
  await watchCsp(context);
  const page = await context.newPage();
  // Uncaught errors only: the delete test answers the confirm dialogs itself.
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`console pageerror: ${error.message}`));
  await page.goto(`${world.baseUrl}/admin/`);
  await byTestId(page, 'bank').first().waitFor();
  return { page, problems };
}

/** Presses Tab (Shift+Tab with `back`) until `target` has the focus: how a keyboard user gets there. */
async function tabTo(page: Page, target: Locator, { back = false, limit = 120 } = {}) {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((node) => node === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Tabs to a text field, selects what it holds and types `text` over it. */
async function typeInto(page: Page, target: Locator, text: string) {
  await tabTo(page, target);
  await page.keyboard.press('ControlOrMeta+A');
  if (text === '') await page.keyboard.press('Backspace');
  else await page.keyboard.insertText(text);
}

/**
 * Marks `letter` the right answer of a single question: Tab reaches the radio group at its
 * checked radio, and the arrow keys move the mark, as in any radio group.
 */
async function markSingleAnswer(page: Page, scope: Locator, letter: string) {
  await tabTo(page, scope.locator('input[type="radio"]:checked'));
  for (let presses = 0; presses < 6 && !(await byTestId(scope, `right-${letter}`).isChecked()); presses++) {
    await page.keyboard.press('ArrowDown');
  }
  expect(await byTestId(scope, `right-${letter}`).isChecked()).toBe(true);
}

/** Picks an option of a focused <select> by its first letters, as a keyboard user does. */
async function chooseOption(page: Page, select: Locator, letters: string, value: string) {
  await tabTo(page, select);
  await page.keyboard.type(letters);
  await expect(select.inputValue()).resolves.toBe(value);
}

const questionCountIs = (page: Page, count: number) =>
  page.waitForFunction((expected) => document.querySelectorAll('[data-testid="question-pick"]').length === expected, count);

async function adminApi(world: TestWorld, path: string, init: RequestInit = {}) {
  return (await world.http(path, { ...init, cookie: await world.adminLogin() })).json();
}

const editedPool = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith('quiz-editor-draft:'));
    return key ? JSON.parse(localStorage.getItem(key)!).doc : null;
  });

/** The draft if one is kept yet, else the first bank's pool as the server holds it. */
async function editedPoolOrBank(page: Page, world: TestWorld) {
  const kept = await editedPool(page);
  if (kept) return kept;
  const bank = (await adminApi(world, '/admin/api/banks')).banks[0];
  return (await adminApi(world, `/admin/api/banks/${bank.id}`)).pool;
}

describe('the bank editor', () => {
  test(
    'a bank of every type authored with the keyboard only (code, maths, an image), saved, played, and shown on a phone',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const { page, problems } = await openConsole(world);

      // "New bank" opens the editor on a one-question starter bank, its title focused.
      await tabTo(page, byTestId(page, 'bank-new'));
      await page.keyboard.press('Enter');
      const editor = byTestId(page, 'editor');
      await editor.waitFor();
      await typeInto(page, byTestId(editor, 'bank-title-input'), 'Week 5 — every type');

      // 1. single, with a code block, three choices, B right, and an image.
      await typeInto(page, byTestId(editor, 'edit-question-text'), 'What does this print?\n\n```python\nprint(2 ** 3)\n```');
      await typeInto(page, byTestId(editor, 'choice-A'), '6');
      await typeInto(page, byTestId(editor, 'choice-B'), '8');
      await markSingleAnswer(page, editor, 'B');
      await tabTo(page, byTestId(editor, 'add-choice'));
      await page.keyboard.press('Enter');
      await expect(byTestId(editor, 'choice-C').evaluate((node) => node === document.activeElement)).resolves.toBe(true);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText('9');
      await tabTo(page, byTestId(editor, 'image-file'));
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
      await chooser.setFiles(TREE_PNG);
      await byTestId(editor, 'image-thumb').waitFor();
      await typeInto(page, byTestId(editor, 'image-alt'), 'a binary tree');

      // 2. multiple, with maths: A and C right.
      await chooseOption(page, byTestId(editor, 'new-question-type'), 'm', 'multiple');
      await tabTo(page, byTestId(editor, 'add-question'));
      await page.keyboard.press('Enter');
      await questionCountIs(page, 2);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText('Which are $O(n \\log n)$ on average?');
      await typeInto(page, byTestId(editor, 'choice-A'), 'Merge sort');
      await typeInto(page, byTestId(editor, 'choice-B'), 'Bubble sort');
      await tabTo(page, byTestId(editor, 'add-choice'));
      await page.keyboard.press('Enter');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText('Heapsort');
      await tabTo(page, byTestId(editor, 'right-C'));
      await page.keyboard.press('Space');

      // 3. poll, scored for accuracy.
      await chooseOption(page, byTestId(editor, 'new-question-type'), 'p', 'poll');
      await tabTo(page, byTestId(editor, 'add-question'));
      await page.keyboard.press('Enter');
      await questionCountIs(page, 3);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText('How confident are you?');
      await chooseOption(page, byTestId(editor, 'scoring'), 'a', 'accuracy');

      // 4. numeric, 10 ± 0.5, 30 s.
      await chooseOption(page, byTestId(editor, 'new-question-type'), 'n', 'numeric');
      await tabTo(page, byTestId(editor, 'add-question'));
      await page.keyboard.press('Enter');
      await questionCountIs(page, 4);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText('What is $\\log_2 1024$?');
      await typeInto(page, byTestId(editor, 'numeric-answer'), '10');
      await typeInto(page, byTestId(editor, 'tolerance'), '0,5');
      await typeInto(page, byTestId(editor, 'time-limit'), '30');

      // The preview renders the maths with the phone's renderer.
      await byTestId(editor, 'preview-text').locator('.katex, math').first().waitFor();
      await page.keyboard.press('ControlOrMeta+S');
      await expect(byTestId(editor, 'editor-status').textContent()).resolves.toBeDefined();
      await page.waitForFunction(() => document.querySelector('[data-testid="editor-status"]')?.textContent?.startsWith('Saved'));

      const banks = await adminApi(world, '/admin/api/banks');
      const saved = banks.banks.find((bank: { title: string }) => bank.title === 'Week 5 — every type');
      const bank = await adminApi(world, `/admin/api/banks/${saved.id}`);
      const imageUrl = `/media/${sha256Hex(new Uint8Array(readFileSync(TREE_PNG)))}.png`;
      expect(bank.pool.questions).toEqual([
        {
          type: 'single',
          text: 'What does this print?\n\n```python\nprint(2 ** 3)\n```',
          choices: ['6', '8', '9'],
          answer: 'B',
          time_limit_s: 20,
          image: imageUrl,
          image_alt: 'a binary tree',
          scoring: 'speed',
        },
        { type: 'multiple', text: 'Which are $O(n \\log n)$ on average?', choices: ['Merge sort', 'Bubble sort', 'Heapsort'], answer: ['A', 'C'], time_limit_s: 20, scoring: 'speed' },
        { type: 'poll', text: 'How confident are you?', choices: ['First choice', 'Second choice'], time_limit_s: 20, scoring: 'accuracy' },
        { type: 'numeric', text: 'What is $\\log_2 1024$?', answer: 10, tolerance: 0.5, time_limit_s: 30, scoring: 'speed' },
      ]);

      // Close, then "Play this pool" on the new bank, still by keyboard.
      await tabTo(page, byTestId(editor, 'editor-close'), { back: true });
      await page.keyboard.press('Enter');
      const row = page.locator(`[data-testid="bank"][data-bank-id="${saved.id}"]`);
      await tabTo(page, byTestId(row, 'bank-play'));
      await page.keyboard.press('Enter');
      await row.locator('.bank-badge').waitFor();
      expect((await adminApi(world, '/admin/api/state')).pool.title).toBe('Week 5 — every type');

      // A phone joins and sees each question as authored.
      const phoneContext = await suite.newContext({ viewport: PHONE, baseURL: world.baseUrl });
      await watchCsp(phoneContext);
      const phone = await phoneContext.newPage();
      collectPageProblems(phone, problems, 'phone');
      await phone.goto('/');
      await phone.fill('#student-id', 's1');
      await phone.fill('#student-name', 'Ada');
      await byTestId(phone, 'join-submit').click();
      await byTestId(phone, 'lobby').waitFor({ state: 'visible' });

      await page.keyboard.press('n');
      const questionText = byTestId(phone, 'question-text');
      await questionText.locator('pre code').waitFor();
      expect(await questionText.locator('pre code').textContent()).toContain('print(2 ** 3)');
      expect(await byTestId(phone, 'question-figure').locator('img').getAttribute('src')).toBe(imageUrl);
      expect(await byTestId(phone, 'question-figure').locator('img').getAttribute('alt')).toBe('a binary tree');
      expect(await byTestId(phone, 'choices').innerText()).toContain('8');

      await world.adminPost('/admin/api/close');
      await world.adminPost('/admin/api/next');
      await questionText.locator('.katex, math').first().waitFor();
      await byTestId(phone, 'check-C').waitFor();

      await world.adminPost('/admin/api/close');
      await world.adminPost('/admin/api/next');
      await phone.waitForFunction(() => document.querySelector('[data-testid="question-text"]')?.textContent?.includes('How confident'));
      await byTestId(phone, 'calm-note').waitFor({ state: 'visible' });

      await world.adminPost('/admin/api/close');
      await world.adminPost('/admin/api/next');
      await byTestId(phone, 'numeric-input').waitFor({ state: 'visible' });

      expect(await cspViolations(page)).toEqual([]);
      expect(await cspViolations(phone)).toEqual([]);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'reorder by keyboard (Alt+↓) and by drag; undo brings the last change back; the draft survives a reload',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const { page } = await openConsole(world);
      await byTestId(page, 'bank-edit').first().click();
      const editor = byTestId(page, 'editor');
      const picks = byTestId(page, 'question-pick');
      await picks.first().waitFor();
      const firstText = async () => (await editedPool(page))?.questions[0].text;
      const original = (await adminApi(world, `/admin/api/banks/${(await adminApi(world, '/admin/api/banks')).banks[0].id}`)).pool.questions;

      // Keyboard: the first question moves down one with Alt+↓, and keeps the focus.
      await picks.first().focus();
      await page.keyboard.press('Alt+ArrowDown');
      await page.waitForFunction(() => document.activeElement?.textContent?.startsWith('2.'));
      expect(await byTestId(editor, 'editor-status').textContent()).toBe('Moved question 1 to position 2.');
      expect(await firstText()).toBe(original[1].text);
      expect((await editedPool(page)).questions[1].text).toBe(original[0].text);

      // Undo (Ctrl+Z, the focus on the list) puts it back.
      await page.keyboard.press('ControlOrMeta+Z');
      await page.waitForFunction((text) => document.querySelector('[data-testid="question-pick"] .pick-text')?.textContent?.startsWith(text.slice(0, 20)), original[0].text);
      expect(await firstText()).toBe(original[0].text);

      // Drag: the third question dropped on the first's place.
      await byTestId(page, 'question-item').nth(2).dragTo(byTestId(page, 'question-item').nth(0));
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid="question-pick"] .pick-text')?.textContent?.startsWith(text.slice(0, 20)),
        original[2].text,
      );
      expect((await editedPool(page)).questions.slice(0, 3).map((q: { text: string }) => q.text)).toEqual([original[2].text, original[0].text, original[1].text]);

      // An edit, then a reload: the draft comes back, marked as restored.
      await byTestId(editor, 'edit-question-text').fill('Edited before the tab closed');
      await page.reload();
      await byTestId(page, 'bank-edit').first().click();
      await byTestId(page, 'draft-restored').waitFor();
      expect(await byTestId(page, 'draft-stale').count()).toBe(0);
      expect(await byTestId(page, 'edit-question-text').inputValue()).toBe('Edited before the tab closed');
      expect(await byTestId(page, 'question-pick').first().textContent()).toContain('Edited before the tab closed');

      // Saved elsewhere since the draft was made: the restored draft says so.
      await byTestId(page, 'editor-close').click();
      const bankId = (await adminApi(world, '/admin/api/banks')).banks[0].id;
      world.time!.advance(1000); // the server's clock: the rename is a later version
      await adminApi(world, `/admin/api/banks/${bankId}/rename`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Renamed elsewhere' }) });
      await byTestId(page, 'bank-edit').first().click();
      await byTestId(page, 'draft-stale').waitFor();

      // "Discard them" reopens the bank as saved, with no draft.
      await byTestId(page, 'discard-draft').click();
      await page.waitForFunction(() => !document.querySelector('[data-testid="draft-restored"]') && document.querySelector('[data-testid="edit-question-text"]'));
      expect(await byTestId(page, 'edit-question-text').inputValue()).toBe(original[0].text);
      expect(await editedPool(page)).toBeNull();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'duplicate and delete a question; remove a choice (the right answer’s letter moves with it); change a type; drop an image',
    async () => {
      const world = await suite.startWorld();
      const { page } = await openConsole(world);
      await byTestId(page, 'bank-edit').first().click();
      const editor = byTestId(page, 'editor');
      await byTestId(editor, 'edit-question-text').waitFor();
      const count = (await editedPoolOrBank(page, world)).questions.length;

      // The demo's first question: four choices, C right. Remove A: C becomes B, still right.
      const first = (await editedPoolOrBank(page, world)).questions[0];
      expect(first.answer).toBe('C');
      await byTestId(editor, 'remove-choice-A').click();
      const afterRemove = (await editedPool(page)).questions[0];
      expect(afterRemove.choices).toEqual(first.choices.slice(1));
      expect(afterRemove.answer).toBe('B');
      expect(await byTestId(editor, 'right-B').isChecked()).toBe(true);

      await byTestId(editor, 'duplicate-question').click();
      await questionCountIs(page, count + 1);
      expect((await editedPool(page)).questions[1]).toEqual(afterRemove);
      await byTestId(editor, 'delete-question').click();
      await questionCountIs(page, count);

      // single → multiple keeps the right answer as a set; → numeric drops the choices.
      await byTestId(editor, 'edit-question-type').selectOption('multiple');
      expect((await editedPool(page)).questions[0]).toMatchObject({ type: 'multiple', answer: ['B'] });
      await byTestId(editor, 'edit-question-type').selectOption('numeric');
      const numeric = (await editedPool(page)).questions[0];
      expect(numeric).toMatchObject({ type: 'numeric', answer: 0, tolerance: 0 });
      expect(numeric.choices).toBeUndefined();
      await byTestId(editor, 'numeric-answer').waitFor();

      // An image dropped on the field is uploaded and named by its media URL.
      const png = readFileSync(TREE_PNG);
      await byTestId(editor, 'image-drop').evaluate((zone, bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], 'tree.png', { type: 'image/png' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }, [...png]);
      await byTestId(editor, 'image-thumb').waitFor();
      expect((await editedPool(page)).questions[0].image).toBe(`/media/${sha256Hex(new Uint8Array(png))}.png`);

      // A file that is not an image is refused with the server's reason, and nothing changes.
      await byTestId(editor, 'image-file').setInputFiles({ name: 'notes.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg/>') });
      await byTestId(editor, 'image-refused').waitFor({ state: 'visible' });
      expect(await byTestId(editor, 'image-refused').textContent()).toContain('notes.svg was refused: it is not a PNG, JPEG, WebP or GIF image');

      // Undo steps back through the changes, the image first.
      await byTestId(editor, 'editor-undo').click();
      expect((await editedPool(page)).questions[0].image).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a run starts while the bank is open: Save is refused with the server’s reason; Save as a copy makes a new bank',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const { page } = await openConsole(world);
      const original = (await adminApi(world, '/admin/api/banks')).banks[0];
      await byTestId(page, 'bank-edit').click();
      const editor = byTestId(page, 'editor');
      await byTestId(editor, 'edit-question-text').fill('Changed during the run');
      await world.adminPost('/admin/api/next');

      await page.keyboard.press('ControlOrMeta+S');
      await page.waitForFunction(() => document.querySelector('[data-testid="editor-status"]')?.textContent?.startsWith('Not saved'));
      expect(await byTestId(editor, 'editor-status').textContent()).toContain(`“${original.title}” is being played`);

      await byTestId(editor, 'editor-save-copy').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="editor-status"]')?.textContent?.startsWith('Saved as a new bank'));
      const banks = (await adminApi(world, '/admin/api/banks')).banks;
      expect(banks).toHaveLength(2);
      const copy = await adminApi(world, `/admin/api/banks/${banks[1].id}`);
      expect(copy.title).toBe(`${original.title} (copy)`);
      expect(copy.pool.questions[0].text).toBe('Changed during the run');
      const unchanged = await adminApi(world, `/admin/api/banks/${original.id}`);
      expect(unchanged.pool.questions[0].text).not.toBe('Changed during the run');
      expect(unchanged.updated_at_ms).toBe(original.updated_at_ms);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'an invalid field shows the server’s message next to it, and Save refuses until it is fixed',
    async () => {
      const world = await suite.startWorld();
      const { page } = await openConsole(world);
      await byTestId(page, 'bank-edit').first().click();
      const editor = byTestId(page, 'editor');
      await byTestId(editor, 'edit-question-text').waitFor();
      const before = (await adminApi(world, '/admin/api/banks')).banks[0].updated_at_ms;

      await byTestId(editor, 'choice-B').fill('   ');
      await byTestId(editor, 'time-limit').fill('2');
      const choiceProblem = editor.locator('[data-problem-for="choices/1"]');
      await choiceProblem.waitFor({ state: 'visible' });
      expect(await choiceProblem.textContent()).toBe('Choice B must contain a non-blank character');
      expect(await byTestId(editor, 'problem-time_limit_s').textContent()).toBe('The time limit expected integer to be greater or equal to 5');
      expect(await byTestId(editor, 'choice-B').getAttribute('aria-invalid')).toBe('true');
      expect(await byTestId(page, 'pick-problems').first().textContent()).toBe('2 problems');

      await byTestId(editor, 'editor-save').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="editor-status"]')?.textContent?.startsWith('Not saved: 2 problems'));
      expect((await adminApi(world, '/admin/api/banks')).banks[0].updated_at_ms).toBe(before);

      await byTestId(editor, 'choice-B').fill('Fixed');
      await byTestId(editor, 'time-limit').fill('25');
      await choiceProblem.waitFor({ state: 'hidden' });
      await byTestId(editor, 'editor-save').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="editor-status"]')?.textContent?.startsWith('Saved'));
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the bank list', () => {
  test(
    'duplicate, rename, delete after a confirm that names the bank, play, download',
    async () => {
      const world = await suite.startWorld();
      const { page, problems } = await openConsole(world);
      const rows = byTestId(page, 'bank');
      const original = await rows.first().locator('[data-testid="bank-title"]').textContent();

      await byTestId(rows.first(), 'bank-duplicate').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="bank"]').length === 2);
      const copy = rows.nth(1);
      expect(await byTestId(copy, 'bank-title').textContent()).toBe(`${original} (copy)`);

      // A title is inert text wherever it shows.
      const hostile = '<img src=x onerror="window.__pwned=1">**not bold**';
      await byTestId(copy, 'bank-rename').click();
      await byTestId(copy, 'bank-rename-input').fill(hostile);
      await byTestId(copy, 'bank-rename-input').press('Enter');
      await page.waitForFunction((title) => [...document.querySelectorAll('[data-testid="bank-title"]')].some((node) => node.textContent === title), hostile);
      expect(await page.locator('#banks img, #banks strong').count()).toBe(0);
      await byTestId(rows.nth(1), 'bank-edit').click();
      await byTestId(page, 'editor').waitFor();
      expect(await page.locator('#editor-title').textContent()).toBe(`Editing “${hostile}”`);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      await byTestId(page, 'editor-close').click();

      await byTestId(copy, 'bank-rename').click();
      await byTestId(copy, 'bank-rename-input').fill('Week 6');
      await byTestId(copy, 'bank-rename-input').press('Enter');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="bank-title"]')].some((node) => node.textContent === 'Week 6'));

      const [download] = await Promise.all([page.waitForEvent('download'), byTestId(rows.nth(1), 'bank-download-json').click()]);
      expect(download.suggestedFilename()).toBe('week-6.json');
      const [zip] = await Promise.all([page.waitForEvent('download'), byTestId(rows.nth(1), 'bank-download-zip').click()]);
      expect(zip.suggestedFilename()).toBe('week-6.zip');

      await byTestId(rows.nth(1), 'bank-play').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="bank"][data-selected="true"] [data-testid="bank-title"]')?.textContent === 'Week 6');
      expect((await adminApi(world, '/admin/api/state')).pool.title).toBe('Week 6');

      // Delete the first bank: the confirm names it; dismissing keeps it, accepting deletes it.
      const messages: string[] = [];
      page.once('dialog', (dialog) => {
        messages.push(dialog.message());
        void dialog.dismiss();
      });
      await byTestId(rows.first(), 'bank-delete').click();
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'bank-delete');
      expect(messages[0]).toContain(`“${original}”`);
      expect(await rows.count()).toBe(2);
      page.once('dialog', (dialog) => void dialog.accept());
      await byTestId(rows.first(), 'bank-delete').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="bank"]').length === 1);
      expect((await adminApi(world, '/admin/api/banks')).banks.map((bank: { title: string }) => bank.title)).toEqual(['Week 6']);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'upload as a new bank: a JSON file and a .zip with its image are added; an invalid one lists its problems by path',
    async () => {
      const world = await suite.startWorld();
      const { page } = await openConsole(world);
      const pool = { title: 'Uploaded JSON', questions: [{ text: 'Q?', choices: ['a', 'b'], answer: 'B' }] };
      await byTestId(page, 'bank-file').setInputFiles({ name: 'week7.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(pool)) });
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="bank-title"]')].some((node) => node.textContent === 'Uploaded JSON'));

      const showcase = join(import.meta.dir, '../../examples/showcase');
      const zip = zipSync({ 'pool.json': readFileSync(join(showcase, 'pool.json')), 'tree.png': readFileSync(TREE_PNG) });
      await byTestId(page, 'bank-file').setInputFiles({ name: 'showcase.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="bank"]').length === 3);
      expect(await byTestId(page, 'bank').nth(2).textContent()).toContain('1 image');

      const bad = { title: 'Bad', questions: [{ text: 'Q?', choices: ['a'], answer: 'C' }] };
      await byTestId(page, 'bank-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
      await byTestId(page, 'bank-errors').waitFor({ state: 'visible' });
      expect(await byTestId(page, 'bank-errors').textContent()).toContain('/questions/0/choices');
      expect(await page.locator('#banks-message').textContent()).toContain('bad.json was refused');
      expect(await byTestId(page, 'bank').count()).toBe(3);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a QUIZ_POOL_PATH bank says which file it comes from, in the list and in the editor',
    async () => {
      const poolPath = join(import.meta.dir, '../../examples/showcase');
      const world = await suite.startWorld({ env: { QUIZ_POOL_PATH: poolPath } });
      const { page } = await openConsole(world);
      expect(await byTestId(page, 'bank-source').textContent()).toBe(`from ${poolPath}`);
      await byTestId(page, 'bank-edit').click();
      expect(await byTestId(page, 'source-notice').textContent()).toContain(`${poolPath} (QUIZ_POOL_PATH)`);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'mid-run: Play of another bank is refused with a clear message; the bank in play cannot be edited or deleted',
    async () => {
      const world = await suite.startWorld({ fakeTime: true });
      const { page } = await openConsole(world);
      await byTestId(page, 'bank-duplicate').first().click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="bank"]').length === 2);
      await world.adminPost('/admin/api/next');
      const rows = byTestId(page, 'bank');
      await page.waitForFunction(() => document.querySelector('[data-testid="bank"] [data-testid="bank-edit"]')?.hasAttribute('disabled'));
      expect(await byTestId(rows.first(), 'bank-delete').isDisabled()).toBe(true);
      expect(await rows.first().locator('.bank-badge').textContent()).toBe('playing now');
      await byTestId(rows.nth(1), 'bank-play').click();
      await page.waitForFunction(() => document.getElementById('banks-message')?.textContent?.includes('cannot be played now'));
    },
    TEST_TIMEOUT_MS,
  );
});
