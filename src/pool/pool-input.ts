/**
 * The way back from a validated pool to a pool file: what a bank's page and its download
 * hold, and what the editor edits. Fields left at their defaults are left out (a null
 * image, a poll's null answer, a numeric question's empty choices), so validating the
 * result gives the same pool again.
 */
import type { Pool, PoolInput, QuestionInput } from '../protocol/pool';

export function poolToInput(pool: Pool): PoolInput {
  return {
    title: pool.title,
    scoring: pool.scoring,
    questions: pool.questions.map((question) => {
      const input: QuestionInput = { type: question.type, text: question.text };
      if (question.type !== 'numeric' || question.choices.length > 0) input.choices = question.choices;
      if (question.answer !== null) input.answer = question.answer;
      if (question.type === 'numeric' || question.tolerance !== 0) input.tolerance = question.tolerance;
      input.time_limit_s = question.time_limit_s;
      if (question.explanation !== null) input.explanation = question.explanation;
      if (question.image !== null) input.image = question.image;
      if (question.image_alt !== null) input.image_alt = question.image_alt;
      input.scoring = question.scoring;
      return input;
    }),
  };
}

/** The distinct images a pool names (media URLs), in the order they first appear. */
export function imagesOf(pool: Pool): string[] {
  return [...new Set(pool.questions.flatMap((question) => (question.image ? [question.image] : [])))];
}
