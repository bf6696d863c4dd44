/**
 * The set-up and tear-down the integration tests share: call `useTestWorlds()` once at the
 * top of a test file, and every world started, socket tracked, temp folder made and
 * clean-up registered through it during a test is undone after that test (one afterEach:
 * sockets, then the clean-ups, then the worlds, then the folders).
 */
import { afterEach, expect } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inbox } from './inbox';
import { startTestWorld, type TestWorld, type TestWorldOptions } from './test-server';

export interface TestWorldsOptions {
  /**
   * After each test, expect every tracked socket to have received only frames that match
   * the protocol, and wait for each to close (otherwise they are just closed).
   */
  checkSockets?: boolean;
  /** Runs after every test, after the sockets and before the worlds (e.g. kill spawned servers). */
  afterEach?: () => unknown;
}

export interface TestWorlds {
  /** Starts a world (`startTestWorld`) that is stopped after the test. */
  start(options?: TestWorldOptions): Promise<TestWorld>;
  /** Stops a world now and forgets it (a restart test starts the next one on its folder). */
  stop(world: TestWorld, options?: { keepDir?: boolean }): Promise<void>;
  /** Closes these sockets after the test; returns the first. */
  track<T extends Inbox>(inbox: T, ...more: Inbox[]): T;
  /** A fresh temp folder, removed after the test. */
  tempDir(prefix?: string): string;
  /** Runs `cleanup` after this test (before the worlds stop). */
  afterTest(cleanup: () => unknown): void;
}

export function useTestWorlds(options: TestWorldsOptions = {}): TestWorlds {
  const worlds: TestWorld[] = [];
  const sockets: Inbox[] = [];
  const dirs: string[] = [];
  const cleanups: Array<() => unknown> = [];

  afterEach(async () => {
    const inboxes = sockets.splice(0);
    try {
      if (options.checkSockets) {
        for (const inbox of inboxes) {
          expect(inbox.violations).toEqual([]);
          await inbox.close();
        }
      }
    } finally {
      Inbox.closeAll(inboxes);
      for (const cleanup of cleanups.splice(0)) await cleanup();
      await options.afterEach?.();
      for (const world of worlds.splice(0)) await world.stop();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    }
  });

  return {
    async start(worldOptions = {}) {
      const world = await startTestWorld(worldOptions);
      worlds.push(world);
      return world;
    },
    async stop(world, stopOptions = {}) {
      const index = worlds.indexOf(world);
      if (index >= 0) worlds.splice(index, 1);
      await world.stop(stopOptions);
    },
    track(inbox, ...more) {
      sockets.push(inbox, ...more);
      return inbox;
    },
    tempDir(prefix = 'quiz-test-') {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    afterTest(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
