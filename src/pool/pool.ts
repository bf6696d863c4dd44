/**
 * Validating a pool file: its schema (protocol/pool.ts), the rules a schema cannot say
 * (the answer letter must name one of the choices), and one `validatePool` that reports
 * every error with its JSON path. A pool is refused whole; nothing half-loads.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { choiceLettersFor, DEFAULT_TIME_LIMIT_S, type ChoiceLetter } from '../protocol/constants';
import { PoolInputSchema, type Pool, type PoolError, type PoolInput } from '../protocol/pool';

export type PoolValidation = { ok: true; pool: Pool } | { ok: false; details: PoolError[] };

const compiledPoolSchema = TypeCompiler.Compile(PoolInputSchema);
const MAX_REPORTED_ERRORS = 100;

export function validatePool(input: unknown): PoolValidation {
  const details: PoolError[] = [];
  const reportedPaths = new Set<string>();
  for (const error of compiledPoolSchema.Errors(input)) {
    // One message per path: TypeBox reports several failed constraints for one value.
    if (reportedPaths.has(error.path)) continue;
    reportedPaths.add(error.path);
    details.push({ path: error.path || '/', message: describeSchemaError(error.message, error.value) });
    if (details.length >= MAX_REPORTED_ERRORS) break;
  }
  details.push(...answerLetterErrors(input, reportedPaths));
  if (details.length > 0) return { ok: false, details: details.slice(0, MAX_REPORTED_ERRORS) };
  return { ok: true, pool: normalizePool(input as PoolInput) };
}

/**
 * The rule the schema cannot state: `answer` names one of the question's own choices.
 * Checked on every question whose choices and answer are otherwise well-formed, so one
 * upload reports all its errors, not the schema's first and the letters' next time.
 */
function answerLetterErrors(input: unknown, reportedPaths: ReadonlySet<string>): PoolError[] {
  const questions = (input as { questions?: unknown } | null)?.questions;
  if (!Array.isArray(questions)) return [];
  const errors: PoolError[] = [];
  questions.forEach((question: { choices?: unknown; answer?: unknown } | null, index) => {
    const path = `/questions/${index}`;
    if (!question || !Array.isArray(question.choices) || typeof question.answer !== 'string') return;
    if (reportedPaths.has(`${path}/choices`) || reportedPaths.has(`${path}/answer`)) return;
    const letters = choiceLettersFor(question.choices.length);
    if (!(letters as string[]).includes(question.answer)) {
      errors.push({
        path: `${path}/answer`,
        message: `must be one of ${letters.join(', ')} (the question has ${letters.length} choices)`,
      });
    }
  });
  return errors;
}

function normalizePool(input: PoolInput): Pool {
  return {
    title: input.title.trim(),
    questions: input.questions.map((question) => ({
      text: question.text,
      choices: question.choices,
      answer: question.answer as ChoiceLetter,
      time_limit_s: question.time_limit_s ?? DEFAULT_TIME_LIMIT_S,
      explanation: question.explanation?.trim() ? question.explanation : null,
    })),
  };
}

function describeSchemaError(message: string, value: unknown): string {
  if (message.startsWith('Expected string to match')) {
    return 'must contain a non-blank character';
  }
  if (message.startsWith('Unexpected property')) return 'is not a pool field';
  if (value === undefined && message.startsWith('Expected required property')) return 'is required';
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Parses and validates pool JSON text (the file given at start-up). */
export function parsePoolText(text: string): PoolValidation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, details: [{ path: '/', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return validatePool(parsed);
}
