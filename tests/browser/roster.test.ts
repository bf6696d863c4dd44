/**
 * The course layer in real browsers: the class list uploaded through the console (a dry
 * run first, then Apply) and its students who have not joined listed; a phone joining with
 * the class list and the join code on (the id and the code only, the refusals in words);
 * the code on the projector; and students removed from the console, one in two clicks and
 * several together.
 */
import { expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { JOIN_CODE_WINDOW_MS } from '../../src/protocol/constants';
import { joinCodeOfWindow } from '../../src/session/join-code';
import { collectPageProblems, screenshotPath } from '../helpers/browser';
import { useBrowserSuite } from '../helpers/browser-suite';
import { makePool, TEST_SECRET_KEY, type TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;
const DESKTOP = { width: 1600, height: 1000 };
const PHONE = { width: 390, height: 844 };

const suite = useBrowserSuite({ waitMs: WAIT_MS, hookTimeoutMs: TEST_TIMEOUT_MS });
const byTestId = (page: Page, id: string) => page.locator(`[data-testid=${id}]`);

async function openConsole(world: TestWorld): Promise<Page> {
  const page = await (await suite.adminContext(world, { viewport: DESKTOP })).newPage();
  // Confirmations are accepted: the second click of a removal.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${world.baseUrl}/admin/`);
  await byTestId(page, 'phase').waitFor({ state: 'visible' });
  return page;
}

async function waitForText(page: Page, id: string, predicate: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  let text = '';
  while (Date.now() < deadline) {
    text = ((await byTestId(page, id).textContent()) ?? '').trim();
    if (predicate(text)) return text;
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting on ${id}; last text: ${text}`);
}

function csvFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'quiz-class-list-')), 'class.csv');
  writeFileSync(path, text);
  return path;
}

const currentCode = (world: TestWorld) => joinCodeOfWindow(TEST_SECRET_KEY, Math.floor(world.time!.now() / JOIN_CODE_WINDOW_MS));

async function rosterIds(page: Page): Promise<string[]> {
  return byTestId(page, 'roster').locator('li').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-student-id') ?? ''));
}

test(
  'the console uploads a class list (preview, then Apply), refuses a bad one with lines, and lists who has not joined',
  async () => {
    const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
    await world.join('s1', 'Ann typed');
    await world.join('squatter', 'Prank');
    const page = await openConsole(world);

    await byTestId(page, 'class-list-file').setInputFiles(csvFile('student_id,name\ns1,Ann\ns2,Bob\ns1,Again\n'));
    expect(await waitForText(page, 'class-list-errors', (text) => text.length > 0)).toBe('Line 4: student id "s1" is on lines 2 and 4');

    const moodle = '\uFEFFFirst name;Last name;ID number;Email address\nAnn;Lee;s1;a@x\nBob;"Marley; Jr.";s2;b@x\nCy;Young;s3;c@x\n';
    await byTestId(page, 'class-list-file').setInputFiles(csvFile(moodle));
    const preview = await waitForText(page, 'class-list-preview', (text) => text.includes('3 students'));
    expect(preview).toContain('id from "ID number", name from "First name + Last name"');
    expect(preview).toContain('s1 joined as "Ann typed", listed as "Ann Lee": keeps "Ann typed" in this run.');
    expect(preview).toContain('1 joined but not on the list (squatter)');
    expect(await byTestId(page, 'class-list-errors').isVisible()).toBe(false);
    // Nothing is stored before Apply.
    expect((await (await world.http('/api/join-form')).json()).roster).toBe(false);

    await byTestId(page, 'class-list-apply').click();
    await waitForText(page, 'class-list-summary', (text) => text.startsWith('3 students on the class list'));
    expect((await (await world.http('/api/join-form')).json()).roster).toBe(true);
    await waitForText(page, 'not-joined-summary', (text) => text === 'Not joined yet: 2 of 3 on the class list');
    await byTestId(page, 'not-joined-summary').click();
    expect(await byTestId(page, 'not-joined-list').locator('li').allTextContents()).toEqual(['Bob Marley; Jr.s2', 'Cy Youngs3']);

    // A listed student joins: they leave the "not joined" list at the next refresh.
    expect((await world.join('s3', 'ignored')).response.status).toBe(200);
    await page.click('#roster-refresh');
    await waitForText(page, 'not-joined-summary', (text) => text === 'Not joined yet: 1 of 3 on the class list');
    // The join code turned on elsewhere (another console, a script): the switch and the code follow.
    await world.adminPost('/admin/api/settings', { join_code: true });
    expect(await waitForText(page, 'console-join-code', (text) => text.length === 4)).toBe(currentCode(world));
    expect(await byTestId(page, 'join-code-toggle').isChecked()).toBe(true);
    // And off from the console's own switch.
    await byTestId(page, 'join-code-toggle').uncheck();
    await byTestId(page, 'console-join-code').waitFor({ state: 'hidden' });
    expect((await (await world.http('/api/join-form')).json()).join_code).toBe(false);
    await page.screenshot({ path: screenshotPath('roster-console-class-list.png') });
  },
  TEST_TIMEOUT_MS,
);

test(
  'a phone joins with the class list and the join code: id and code only, refusals in words; the projector shows the code',
  async () => {
    const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
    await world.http('/admin/api/roster', { method: 'POST', cookie: await world.adminLogin(), body: 'student_id,name\n20231,Ann Lee\n' });
    await world.adminPost('/admin/api/settings', { join_code: true });

    const screen = await (await suite.adminContext(world, { viewport: DESKTOP })).newPage();
    await screen.goto(`${world.baseUrl}/screen`);
    expect(await waitForText(screen, 'screen-join-code', (text) => text.length === 4)).toBe(currentCode(world));
    expect(await waitForText(screen, 'screen-join-code-countdown', (text) => /^changes in \d+ s$/.test(text))).toMatch(/changes in/);
    await screen.screenshot({ path: screenshotPath('roster-screen-join-code.png') });

    const context = await suite.newContext({ viewport: PHONE, baseURL: world.baseUrl });
    const phone = await context.newPage();
    const problems: string[] = [];
    collectPageProblems(phone, problems);
    await phone.goto('/');
    await byTestId(phone, 'join-code').waitFor({ state: 'visible' });
    expect(await phone.locator('#student-name').isVisible()).toBe(false);

    await phone.fill('#student-id', 'stranger');
    await phone.fill('[data-testid=join-code]', currentCode(world));
    await phone.click('[data-testid=join-submit]');
    expect(await waitForText(phone, 'join-error', (text) => text.length > 0)).toBe(
      'This id is not on the class list — check it or ask your instructor.',
    );

    const wrong = currentCode(world) === '0000' ? '1111' : '0000';
    await phone.fill('#student-id', '20231');
    await phone.fill('[data-testid=join-code]', wrong);
    await phone.click('[data-testid=join-submit]');
    await waitForText(phone, 'join-error', (text) => text.startsWith('That join code is wrong'));
    await phone.screenshot({ path: screenshotPath('roster-phone-wrong-code.png') });

    await phone.fill('[data-testid=join-code]', currentCode(world));
    await phone.click('[data-testid=join-submit]');
    await byTestId(phone, 'lobby').waitFor({ state: 'visible' });
    expect(await phone.locator('#who').textContent()).toContain('Ann Lee');
    expect(problems).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);

test(
  'the console removes one student in two clicks and several together; their phone goes back to the join form',
  async () => {
    const world = await suite.startWorld({ fakeTime: true, pool: makePool(2) });
    const phoneContext = await suite.newContext({ viewport: PHONE, baseURL: world.baseUrl });
    const phone = await phoneContext.newPage();
    await phone.goto('/');
    await phone.fill('#student-id', 'prank1');
    await phone.fill('#student-name', 'Prankster');
    await phone.click('[data-testid=join-submit]');
    await byTestId(phone, 'lobby').waitFor({ state: 'visible' });
    for (const id of ['prank2', 'prank3', 'real']) expect((await world.join(id, `Name ${id}`)).response.status).toBe(200);

    const page = await openConsole(world);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=roster] li').length === 4);

    // One: Remove, then confirm.
    await page.click('[data-testid=roster] li[data-student-id="prank1"] button[data-remove]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=roster] li[data-student-id="prank1"]'));
    await byTestId(phone, 'join-form').waitFor({ state: 'visible' });
    expect(await byTestId(phone, 'join-notice').textContent()).toContain('removed your id');

    // Several: select, Remove selected, confirm.
    await page.check('[data-testid=roster] li[data-student-id="prank2"] input[data-select]');
    await page.check('[data-testid=roster] li[data-student-id="prank3"] input[data-select]');
    expect(await byTestId(page, 'remove-selected').textContent()).toBe('Remove selected (2)');
    await byTestId(page, 'remove-selected').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=roster] li').length === 1);
    expect(await rosterIds(page)).toEqual(['real']);
    expect(await byTestId(page, 'remove-selected').isDisabled()).toBe(true);
    const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
    expect(state.students.map((student: { student_id: string }) => student.student_id)).toEqual(['real']);
    await page.screenshot({ path: screenshotPath('roster-console-removed.png') });
  },
  TEST_TIMEOUT_MS,
);
