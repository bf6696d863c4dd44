/**
 * Past runs, the gradebook, the analytics and a student's term results, as they travel:
 * the bodies the instructor sends, the JSON the routes answer, and the named limits.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import { PHASES, QUESTION_TYPES } from './constants';
import { AnswerKey } from './pool';
import { Counts } from './server-frames';

export const MAX_RUN_TITLE_LENGTH = 200;

/** `POST /admin/api/runs/:id/rename`. */
export const RenameRunBody = t.Object(
  { title: t.String({ minLength: 1, maxLength: MAX_RUN_TITLE_LENGTH, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type RenameRunBody = Static<typeof RenameRunBody>;

/** `POST /admin/api/runs/:id/delete`: the run's title typed again, as a guard against the wrong click. */
export const DeleteRunBody = t.Object({ confirm_title: t.String({ maxLength: 1000 }) }, { additionalProperties: false });
export type DeleteRunBody = Static<typeof DeleteRunBody>;

/** One entry of `GET /admin/api/runs`. Times are ISO 8601 in UTC. */
export const RunSummary = t.Object({
  run_id: t.Integer(),
  title: t.String(),
  started_at: t.String(),
  ended_at: t.Union([t.String(), t.Null()]),
  students: t.Integer({ minimum: 0 }),
  questions: t.Integer({ minimum: 0 }),
  /** What a student who got every question fully right would score (1000 per scored question). */
  points_possible: t.Integer({ minimum: 0 }),
  phase: t.Union(PHASES.map((phase) => t.Literal(phase))),
  /** The run the session is playing now: it cannot be deleted or purged. */
  current: t.Boolean(),
});
export type RunSummary = Static<typeof RunSummary>;

/** `GET /admin/api/runs/:run_id/results`: the run's standings, in rank order (ties in join order). */
export const RunResults = t.Object({
  run_id: t.Integer(),
  title: t.String(),
  students: t.Array(
    t.Object({ student_id: t.String(), name: t.String(), score: t.Integer({ minimum: 0 }), rank: t.Integer({ minimum: 1 }) }),
  ),
});
export type RunResults = Static<typeof RunResults>;

/** The analytics flags that mark a question worth a second look. */
export const QUESTION_FLAGS = ['nobody_right', 'negative_discrimination'] as const;
export type QuestionFlag = (typeof QUESTION_FLAGS)[number];

/** Fewer students than this who answered anything: too few for upper and lower 27 % groups of 3. */
export const MIN_STUDENTS_FOR_DISCRIMINATION = 10;

/** One entry of `GET /admin/api/analytics?run=ID`. */
export const QuestionAnalytics = t.Object({
  question_idx: t.Integer({ minimum: 0 }),
  type: t.Union(QUESTION_TYPES.map((type) => t.Literal(type))),
  text: t.String(),
  /** The answer key (a letter, letters, a number; null for a poll), to read the counts against. */
  correct: AnswerKey,
  /** Round-1 answers. */
  answered: t.Integer({ minimum: 0 }),
  /** Percent of those answers fully right, one decimal; null for a poll or when nobody answered. */
  correct_pct: t.Union([t.Number({ minimum: 0, maximum: 100 }), t.Null()]),
  /** Median of (received − the question's open time) over round-1 answers; null when unknown. */
  median_answer_ms: t.Union([t.Integer({ minimum: 0 }), t.Null()]),
  counts: Counts,
  /** Upper-27 % minus lower-27 % correct rate by total score, −1…1; null for a poll or a small class. */
  discrimination: t.Union([t.Number({ minimum: -1, maximum: 1 }), t.Null()]),
  flags: t.Array(t.Union(QUESTION_FLAGS.map((flag) => t.Literal(flag)))),
});
export type QuestionAnalytics = Static<typeof QuestionAnalytics>;

export const RunAnalytics = t.Object({
  run_id: t.Integer(),
  title: t.String(),
  students: t.Integer({ minimum: 0 }),
  questions: t.Array(QuestionAnalytics),
});
export type RunAnalytics = Static<typeof RunAnalytics>;

/** `GET /api/my-term`: the asking student's own runs, nobody else's. */
export const TermResults = t.Object({
  student_id: t.String(),
  runs: t.Array(
    t.Object({
      run_id: t.Integer(),
      title: t.String(),
      started_at: t.String(),
      score: t.Integer({ minimum: 0 }),
      points_possible: t.Integer({ minimum: 0 }),
    }),
  ),
  total: t.Integer({ minimum: 0 }),
});
export type TermResults = Static<typeof TermResults>;

/** The gradebook's layouts: ours, Moodle's CSV grade import, Canvas's gradebook import. */
export const GRADEBOOK_FORMATS = ['plain', 'moodle', 'canvas'] as const;
export type GradebookFormat = (typeof GRADEBOOK_FORMATS)[number];
