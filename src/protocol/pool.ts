/**
 * The pool on the wire: the file an instructor uploads (`PoolInputSchema`, version 1 or 2)
 * and the normalised pool the admin snapshot carries and runs store (`PoolSchema`). Rules
 * a schema cannot say (an answer must fit its question's type and choices) live in
 * `src/pool/`.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import {
  CHOICE_LETTERS,
  MAX_QUESTIONS,
  MAX_TIME_LIMIT_S,
  MIN_TIME_LIMIT_S,
  QUESTION_TYPES,
  SCORING_MODES,
} from './constants';

const NonEmptyText = (maxLength: number) => t.String({ minLength: 1, maxLength, pattern: '\\S' });
export const Letter = t.Union(CHOICE_LETTERS.map((letter) => t.Literal(letter)));
export const QuestionType = t.Union(QUESTION_TYPES.map((type) => t.Literal(type)));
export const ScoringMode = t.Union(SCORING_MODES.map((mode) => t.Literal(mode)));

export const QuestionInputSchema = t.Object(
  {
    /** Default `single`: a version 1 pool is a version 2 pool of single-answer questions. */
    type: t.Optional(QuestionType),
    text: NonEmptyText(2000),
    /** Required (2…6) except for `numeric`, which has none. */
    choices: t.Optional(t.Array(NonEmptyText(500), { maxItems: CHOICE_LETTERS.length })),
    /** A letter (single), letters (multiple), a number (numeric); none for a poll. */
    answer: t.Optional(t.Union([t.String(), t.Array(t.String(), { maxItems: CHOICE_LETTERS.length }), t.Number()])),
    /** numeric only: correct when |value − answer| ≤ tolerance. */
    tolerance: t.Optional(t.Number({ minimum: 0 })),
    time_limit_s: t.Optional(t.Integer({ minimum: MIN_TIME_LIMIT_S, maximum: MAX_TIME_LIMIT_S })),
    explanation: t.Optional(t.String({ maxLength: 4000 })),
    /** A file uploaded with the pool (a .zip): shown above the choices. */
    image: t.Optional(t.String({ minLength: 1, maxLength: 200 })),
    image_alt: t.Optional(t.String({ maxLength: 500 })),
    scoring: t.Optional(ScoringMode),
  },
  { additionalProperties: false },
);
export type QuestionInput = Static<typeof QuestionInputSchema>;

export const PoolInputSchema = t.Object(
  {
    title: NonEmptyText(200),
    /** The pool's default; a question's own `scoring` overrides it. */
    scoring: t.Optional(ScoringMode),
    questions: t.Array(QuestionInputSchema, { minItems: 1, maxItems: MAX_QUESTIONS }),
  },
  { additionalProperties: false },
);
export type PoolInput = Static<typeof PoolInputSchema>;

/** What a question's answer key is, by type: null for a poll. */
export const AnswerKey = t.Union([Letter, t.Array(Letter), t.Number(), t.Null()]);
export type AnswerKey = Static<typeof AnswerKey>;

/** A validated question: defaults filled in, blank explanations as null, images as URLs. */
export const PoolQuestionSchema = t.Object({
  type: QuestionType,
  text: t.String(),
  /** Empty for a numeric question. */
  choices: t.Array(t.String()),
  answer: AnswerKey,
  /** numeric only; 0 elsewhere. */
  tolerance: t.Number({ minimum: 0 }),
  time_limit_s: t.Integer(),
  explanation: t.Union([t.String(), t.Null()]),
  scoring: ScoringMode,
  /** `/media/<sha256>.<ext>`, or null. */
  image: t.Union([t.String(), t.Null()]),
  image_alt: t.Union([t.String(), t.Null()]),
});
export type PoolQuestion = Static<typeof PoolQuestionSchema>;

export const PoolSchema = t.Object({
  title: t.String(),
  scoring: ScoringMode,
  questions: t.Array(PoolQuestionSchema),
});
export type Pool = Static<typeof PoolSchema>;

export interface PoolError {
  path: string;
  message: string;
}
