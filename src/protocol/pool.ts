/**
 * The pool on the wire: the file an instructor uploads (`PoolInputSchema`) and the
 * normalised pool the admin snapshot carries (`PoolSchema`). Rules a schema cannot say
 * live in `src/pool/`.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import { CHOICE_LETTERS, MAX_QUESTIONS, MAX_TIME_LIMIT_S, MIN_TIME_LIMIT_S } from './constants';

const NonEmptyText = (maxLength: number) => t.String({ minLength: 1, maxLength, pattern: '\\S' });

export const Letter = t.Union(CHOICE_LETTERS.map((letter) => t.Literal(letter)));

export const QuestionInputSchema = t.Object(
  {
    text: NonEmptyText(2000),
    choices: t.Array(NonEmptyText(500), { minItems: 2, maxItems: CHOICE_LETTERS.length }),
    answer: t.String(),
    time_limit_s: t.Optional(t.Integer({ minimum: MIN_TIME_LIMIT_S, maximum: MAX_TIME_LIMIT_S })),
    explanation: t.Optional(t.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);

export const PoolInputSchema = t.Object(
  {
    title: NonEmptyText(200),
    questions: t.Array(QuestionInputSchema, { minItems: 1, maxItems: MAX_QUESTIONS }),
  },
  { additionalProperties: false },
);
export type PoolInput = Static<typeof PoolInputSchema>;

/** A validated pool: defaults filled in, blank explanations as null. */
export const PoolQuestionSchema = t.Object({
  text: t.String(),
  choices: t.Array(t.String()),
  answer: Letter,
  time_limit_s: t.Integer(),
  explanation: t.Union([t.String(), t.Null()]),
});
export type PoolQuestion = Static<typeof PoolQuestionSchema>;

export const PoolSchema = t.Object({
  title: t.String(),
  questions: t.Array(PoolQuestionSchema),
});
export type Pool = Static<typeof PoolSchema>;

export interface PoolError {
  path: string;
  message: string;
}
