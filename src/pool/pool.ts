/**
 * Validating a pool file: its schema (protocol/pool.ts), the rules a schema cannot say
 * (an answer must fit its question's type and choices; an image must have been uploaded
 * with the pool), and one `validatePool` that reports every error with its JSON path. A
 * pool is refused whole; nothing half-loads. Version 1 pools are version 2 pools of
 * single-answer questions. The console's editor runs this same module in the browser, so
 * it checks as you type with the server's own rules and messages.
 */
import { Errors } from '@sinclair/typebox/errors';
import { choiceLettersFor, DEFAULT_TIME_LIMIT_S, type ChoiceLetter, type QuestionTypeName } from '../protocol/constants';
import {
  PoolInputSchema,
  type AnswerKey,
  type Pool,
  type PoolError,
  type PoolInput,
  type PoolQuestion,
  type QuestionInput,
} from '../protocol/pool';

export type PoolValidation = { ok: true; pool: Pool } | { ok: false; details: PoolError[] };

export interface PoolMedia {
  /** Names of the image files uploaded with the pool. */
  names: ReadonlySet<string>;
  /** The URL an uploaded image is served at. */
  urlOf(name: string): string;
}

const NO_MEDIA: PoolMedia = { names: new Set(), urlOf: (name) => name };

const MAX_REPORTED_ERRORS = 100;
const MIN_CHOICES = 2;

export function validatePool(input: unknown, media: PoolMedia = NO_MEDIA): PoolValidation {
  const details: PoolError[] = [];
  const reportedPaths = new Set<string>();
  // The interpreted checker, not TypeCompiler: this module also runs in the console's editor
  // (bundled as /static/vendor/pool-validator.js), where the CSP forbids the compiler's eval.
  // A compiled checker's Errors() walks the same iterator, so the messages are the same.
  for (const error of Errors(PoolInputSchema, input)) {
    // One message per path: TypeBox reports several failed constraints for one value.
    if (reportedPaths.has(error.path)) continue;
    reportedPaths.add(error.path);
    details.push({ path: error.path || '/', message: describeSchemaError(error.message, error.value) });
    if (details.length >= MAX_REPORTED_ERRORS) break;
  }
  details.push(...questionRuleErrors(input, reportedPaths, media));
  if (details.length > 0) return { ok: false, details: details.slice(0, MAX_REPORTED_ERRORS) };
  return { ok: true, pool: normalizePool(input as PoolInput, media) };
}

/**
 * The rules the schema cannot state, per question type. Checked on every question whose
 * fields are otherwise well-formed, so one upload reports all its errors.
 */
function questionRuleErrors(input: unknown, reportedPaths: ReadonlySet<string>, media: PoolMedia): PoolError[] {
  const questions = (input as { questions?: unknown } | null)?.questions;
  if (!Array.isArray(questions)) return [];
  const errors: PoolError[] = [];
  questions.forEach((question: Partial<QuestionInput> | null, index) => {
    if (!question || typeof question !== 'object') return;
    const path = `/questions/${index}`;
    const fresh = (field: string) => !reportedPaths.has(`${path}/${field}`) && !reportedPaths.has(path);
    const report = (field: string, message: string) => errors.push({ path: `${path}/${field}`, message });
    if (!fresh('type')) return;
    const type: QuestionTypeName = question.type ?? 'single';
    const choices = Array.isArray(question.choices) ? question.choices : [];

    if (type === 'numeric') {
      if (fresh('choices') && choices.length > 0) report('choices', 'a numeric question has no choices');
      if (fresh('answer')) {
        if (typeof question.answer !== 'number' || !Number.isFinite(question.answer)) report('answer', 'must be a finite number');
      }
      if (fresh('tolerance') && question.tolerance !== undefined && !Number.isFinite(question.tolerance)) {
        report('tolerance', 'must be a finite number ≥ 0');
      }
    } else {
      if (fresh('choices') && choices.length < MIN_CHOICES) report('choices', `needs ${MIN_CHOICES} to 6 choices`);
      if (fresh('tolerance') && question.tolerance !== undefined) report('tolerance', 'only a numeric question has a tolerance');
      if (fresh('choices') && fresh('answer') && choices.length >= MIN_CHOICES) {
        errors.push(...answerErrors(type, question.answer, choiceLettersFor(choices.length), `${path}/answer`));
      }
    }
    if (fresh('image') && question.image !== undefined && !media.names.has(question.image)) {
      report('image', `no file named "${question.image}" came with the pool: upload a .zip holding pool.json and the image`);
    }
  });
  return errors;
}

function answerErrors(type: 'single' | 'multiple' | 'poll', answer: unknown, letters: ChoiceLetter[], path: string): PoolError[] {
  const oneOf = `one of ${letters.join(', ')} (the question has ${letters.length} choices)`;
  const isLetter = (value: unknown) => typeof value === 'string' && (letters as string[]).includes(value);
  switch (type) {
    case 'poll':
      return answer === undefined ? [] : [{ path, message: 'a poll has no answer' }];
    case 'single':
      return isLetter(answer) ? [] : [{ path, message: `must be ${oneOf}` }];
    case 'multiple': {
      if (!Array.isArray(answer) || answer.length === 0) {
        return [{ path, message: `must be a non-empty list of letters, each ${oneOf}` }];
      }
      const errors: PoolError[] = [];
      answer.forEach((letter, position) => {
        if (!isLetter(letter)) errors.push({ path: `${path}/${position}`, message: `must be ${oneOf}` });
        else if (answer.indexOf(letter) !== position) errors.push({ path: `${path}/${position}`, message: `"${letter}" is listed twice` });
      });
      return errors;
    }
  }
}

function normalizeAnswer(question: QuestionInput): AnswerKey {
  switch (question.type ?? 'single') {
    case 'poll':
      return null;
    case 'multiple':
      return [...(question.answer as ChoiceLetter[])].sort();
    default:
      return question.answer as ChoiceLetter | number;
  }
}

function normalizePool(input: PoolInput, media: PoolMedia): Pool {
  const poolScoring = input.scoring ?? 'speed';
  return {
    title: input.title.trim(),
    scoring: poolScoring,
    questions: input.questions.map(
      (question): PoolQuestion => ({
        type: question.type ?? 'single',
        text: question.text,
        choices: question.choices ?? [],
        answer: normalizeAnswer(question),
        tolerance: question.tolerance ?? 0,
        time_limit_s: question.time_limit_s ?? DEFAULT_TIME_LIMIT_S,
        explanation: question.explanation?.trim() ? question.explanation : null,
        scoring: question.scoring ?? poolScoring,
        image: question.image === undefined ? null : media.urlOf(question.image),
        image_alt: question.image_alt?.trim() ? question.image_alt : null,
      }),
    ),
  };
}

/**
 * A pool as a run or the settings stored it. Pools stored before version 2 lack the new
 * fields; they were single-answer, speed-scored questions without images.
 */
export function readStoredPool(json: string): Pool {
  const stored = JSON.parse(json) as Partial<Pool> & { questions: Partial<PoolQuestion>[] };
  return {
    title: stored.title ?? '',
    scoring: stored.scoring ?? 'speed',
    questions: stored.questions.map((question) => ({
      type: question.type ?? 'single',
      text: question.text ?? '',
      choices: question.choices ?? [],
      answer: question.answer ?? null,
      tolerance: question.tolerance ?? 0,
      time_limit_s: question.time_limit_s ?? DEFAULT_TIME_LIMIT_S,
      explanation: question.explanation ?? null,
      scoring: question.scoring ?? stored.scoring ?? 'speed',
      image: question.image ?? null,
      image_alt: question.image_alt ?? null,
    })),
  };
}

function describeSchemaError(message: string, value: unknown): string {
  if (message.startsWith('Expected string to match')) {
    return 'must contain a non-blank character';
  }
  if (message.startsWith('Unexpected property')) return 'is not a pool field';
  if (message === 'Expected string length greater or equal to 1') return 'must not be empty';
  if (value === undefined && message.startsWith('Expected required property')) return 'is required';
  if (message.startsWith('Expected union value')) return 'has the wrong type';
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Parses and validates pool JSON text (the file given at start-up, or a JSON upload). */
export function parsePoolText(text: string, media: PoolMedia = NO_MEDIA): PoolValidation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, details: [{ path: '/', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return validatePool(parsed, media);
}
