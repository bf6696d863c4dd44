/**
 * The retention setting at work: runs older than `retention_days` are purged at start-up,
 * every hour while the server runs, and right after the setting changes. With the setting
 * off (null) nothing is purged and no timer is armed.
 */
import type { Logger } from '../logger';
import type { CourseSettings } from '../protocol/settings';
import type { PastRuns, PurgeReport } from './past-runs';
import type { Scheduler } from './ports';

export const RETENTION_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export interface RetentionDeps {
  pastRuns: PastRuns;
  scheduler: Scheduler;
  logger: Logger;
  settings: () => CourseSettings;
}

export type Retention = ReturnType<typeof createRetention>;

export function createRetention(deps: RetentionDeps) {
  let stopTimer: (() => void) | null = null;

  /** Purges now if a retention is set; a failure is logged and retried at the next check. */
  function purgeNow(reason: string): PurgeReport | null {
    const days = deps.settings().retention_days;
    if (days === null) return null;
    try {
      return deps.pastRuns.purgeOlderThan(days, reason);
    } catch (error) {
      deps.logger.error('runs_purge_failed', { reason, error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  function arm(): void {
    stopTimer = deps.scheduler.setTimer(RETENTION_CHECK_INTERVAL_MS, () => {
      purgeNow('hourly');
      arm();
    });
  }

  function stop(): void {
    stopTimer?.();
    stopTimer = null;
  }

  /** The hourly check runs only while a retention is set: with it off no timer is pending. */
  function follow(): void {
    if (deps.settings().retention_days === null) stop();
    else if (!stopTimer) arm();
  }

  return {
    purgeNow,
    /** Purges once now, then every hour while a retention is set, until `stop`. */
    start(): void {
      purgeNow('startup');
      follow();
    },
    /** After `retention_days` changed: purge at once, and start or stop the hourly check. */
    settingsChanged(): void {
      purgeNow('settings_changed');
      follow();
    },
    stop,
  };
}
