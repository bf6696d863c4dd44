/**
 * Course settings persisted as one JSON value in the settings table. A stored value from
 * an older version (a setting missing) gets the default for what it lacks; one that does
 * not validate (edited by hand) falls back to the defaults and is logged, never trusted.
 */
import { Value } from '@sinclair/typebox/value';
import type { Logger } from '../logger';
import { CourseSettings, DEFAULT_COURSE_SETTINGS, type SettingsPatch } from '../protocol/settings';
import type { SettingsStore } from './ports';

export const COURSE_SETTINGS_KEY = 'course_settings';

export function readCourseSettings(store: SettingsStore, logger: Logger): CourseSettings {
  const raw = store.readSetting(COURSE_SETTINGS_KEY);
  if (raw === null) return { ...DEFAULT_COURSE_SETTINGS };
  try {
    const merged = { ...DEFAULT_COURSE_SETTINGS, ...(JSON.parse(raw) as object) };
    if (Value.Check(CourseSettings, merged)) return merged;
  } catch {
    // Reported below like any other unreadable value.
  }
  logger.warn('course_settings_unreadable', { stored: raw.slice(0, 200) });
  return { ...DEFAULT_COURSE_SETTINGS };
}

/** Applies a validated patch; the new value is durable when this returns. */
export function saveCourseSettings(store: SettingsStore, current: CourseSettings, patch: SettingsPatch): CourseSettings {
  const next: CourseSettings = { ...current, ...patch };
  store.writeSetting(COURSE_SETTINGS_KEY, JSON.stringify(next));
  return next;
}
