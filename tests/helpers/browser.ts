/**
 * Playwright (playwright-core) with Debian's Chromium: one browser per test file (repeated
 * launches are flaky under Bun), fresh contexts per scenario. No browser downloads.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(import.meta.dir, '../../runs/screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, name);
}

/**
 * Records a page's uncaught errors and dialogs (a dialog is dismissed) into `problems`,
 * each prefixed with `label`: a page under test should leave the list empty.
 */
export function collectPageProblems(page: Page, problems: string[], label = ''): void {
  const prefix = label ? `${label} ` : '';
  page.on('pageerror', (error) => problems.push(`${prefix}pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`${prefix}dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}
