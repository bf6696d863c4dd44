/**
 * The setup every browser test file shares: one Chromium for the file (repeated launches
 * are flaky under Bun), a fresh context per scenario, and after each test its contexts
 * closed, its sockets closed and its server stopped. An uncaught error in any page of the
 * test fails it.
 *
 *   const suite = useBrowserSuite({ waitMs: 10_000 });
 *   test('…', async () => {
 *     const world = await suite.startWorld({ fakeTime: true });
 *     const page = await (await suite.adminContext(world)).newPage();
 *   });
 */
import { afterAll, afterEach, beforeAll } from 'bun:test';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { launchBrowser } from './browser';
import { startTestWorld, type TestWorld, type TestWorldOptions } from './test-server';

export interface BrowserSuiteOptions {
  /** Playwright's default wait in every context. */
  waitMs: number;
  /** Timeout of the launch and clean-up hooks (bun's 5 s default can be too short). */
  hookTimeoutMs?: number;
}

export interface BrowserSuite {
  readonly browser: Browser;
  /** The server of the running test (after startWorld). */
  readonly world: TestWorld;
  /** Starts this test's server; it is stopped after the test. */
  startWorld(options?: TestWorldOptions): Promise<TestWorld>;
  /** A fresh context with the suite's default wait; closed after the test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A fresh context that already holds the instructor's cookie for `world`. */
  adminContext(world: TestWorld, options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes `resource` (a socket inbox, …) after the test. */
  closeAfterTest<T extends { close(): unknown }>(resource: T): T;
}

/** Registers the file's beforeAll/afterAll/afterEach hooks; call once at the top level. */
export function useBrowserSuite({ waitMs, hookTimeoutMs }: BrowserSuiteOptions): BrowserSuite {
  let browser: Browser | null = null;
  let world: TestWorld | null = null;
  const contexts: BrowserContext[] = [];
  const resources: { close(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  }, hookTimeoutMs);
  afterAll(async () => {
    await browser?.close();
  }, hookTimeoutMs);
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
    for (const resource of resources.splice(0)) await resource.close();
    await world?.stop();
    world = null;
    const errors = pageErrors.splice(0);
    if (errors.length > 0) throw new Error(`uncaught errors in the pages:\n${errors.join('\n')}`);
  }, hookTimeoutMs);

  const suite: BrowserSuite = {
    get browser() {
      if (!browser) throw new Error('the browser is not launched yet (use the suite inside a test)');
      return browser;
    },
    get world() {
      if (!world) throw new Error('no server in this test: call startWorld() first');
      return world;
    },
    async startWorld(options = {}) {
      world = await startTestWorld(options);
      return world;
    },
    async newContext(options = {}) {
      const context = await suite.browser.newContext(options);
      context.setDefaultTimeout(waitMs);
      context.on('weberror', (error) => pageErrors.push(`${error.page()?.url() ?? '?'}: ${error.error().message}`));
      contexts.push(context);
      return context;
    },
    async adminContext(w, options = {}) {
      const context = await suite.newContext(options);
      const [name, value] = (await w.adminLogin()).split(/=(.*)/s) as [string, string];
      await context.addCookies([{ name, value, url: w.baseUrl, httpOnly: true, sameSite: 'Strict' }]);
      return context;
    },
    closeAfterTest(resource) {
      resources.push(resource);
      return resource;
    },
  };
  return suite;
}
