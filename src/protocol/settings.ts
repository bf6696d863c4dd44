/**
 * The instructor's course settings: switches that outlive runs (join code, Q&A, pulse,
 * "your results this term") and the retention of past runs. `POST /admin/api/settings`
 * takes any subset; the admin snapshot carries them all, students see the public subset.
 */
import { Type as t, type Static } from '@sinclair/typebox';

export const MAX_RETENTION_DAYS = 3650;

export const CourseSettings = t.Object(
  {
    /** Joining needs the 4-digit code shown on the projector. */
    join_code: t.Boolean(),
    /** Students may ask questions and upvote (live Q&A). */
    qa: t.Boolean(),
    /** Students may signal lost / OK / too fast (comprehension pulse). */
    pulse: t.Boolean(),
    /** The projector shows the live pulse bars too (the console always does). */
    pulse_on_screen: t.Boolean(),
    /** After the end, a phone may show its own id's results across runs. */
    term_results: t.Boolean(),
    /** Past runs older than this many days are purged; null keeps them. */
    retention_days: t.Union([t.Integer({ minimum: 1, maximum: MAX_RETENTION_DAYS }), t.Null()]),
  },
  { additionalProperties: false },
);
export type CourseSettings = Static<typeof CourseSettings>;

export const DEFAULT_COURSE_SETTINGS: CourseSettings = {
  join_code: false,
  qa: false,
  pulse: false,
  pulse_on_screen: false,
  term_results: false,
  retention_days: null,
};

/** The body of `POST /admin/api/settings`: at least one known setting, nothing else. */
export const SettingsPatch = t.Partial(CourseSettings, { additionalProperties: false, minProperties: 1 });
export type SettingsPatch = Static<typeof SettingsPatch>;

/** What students are told: which of their rooms exist. */
export const PublicSettings = t.Pick(CourseSettings, ['join_code', 'qa', 'pulse', 'term_results']);
export type PublicSettings = Static<typeof PublicSettings>;

export function publicSettingsOf(settings: CourseSettings): PublicSettings {
  return { join_code: settings.join_code, qa: settings.qa, pulse: settings.pulse, term_results: settings.term_results };
}
