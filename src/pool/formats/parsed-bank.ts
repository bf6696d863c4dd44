/**
 * What every importer produces before validation: banks of questions in the pool's input
 * shape (protocol/pool.ts), each question with the place in its file it came from
 * ("line 12", "row 5"). `validateParsedBank` runs them through the one validator
 * (`validatePool`) and labels each error with that place, so a lecturer reads "line 12"
 * rather than a JSON path into a file they never wrote.
 */
import { MAX_QUESTIONS, type ScoringModeName } from '../../protocol/constants';
import type { PoolError, PoolInput, QuestionInput } from '../../protocol/pool';
import type { PoolImage } from '../media';
import { validatePool, type PoolMedia, type PoolValidation } from '../pool';

/** A file may hold ten full pools (GIFT categories); past that, reading stops. */
export const MAX_FILE_QUESTIONS = MAX_QUESTIONS * 10;
/** Longer than any valid question with its choices, explanation and escapes: refused unread. */
export const MAX_QUESTION_SOURCE_CHARS = 64 * 1024;
/** Past this many problems a file stops being read: enough to fix, and bounded for a hostile file. */
export const MAX_REPORTED_PROBLEMS = 100;
/** A spreadsheet's rows, blank and instruction rows included. */
export const MAX_SHEET_ROWS = MAX_FILE_QUESTIONS + 1000;

export interface ParsedQuestion {
  input: QuestionInput;
  /** Where the question starts in its file: `line 12`, `row 5`. */
  where: string;
}

export interface ParsedBank {
  title: string;
  /** The pool's default scoring, where the format can say it. */
  scoring?: ScoringModeName;
  questions: ParsedQuestion[];
  /** Images the file carried (Moodle XML), by the name questions use. */
  images?: Map<string, PoolImage>;
}

/**
 * A refused file still carries the questions that did parse, so the validator's rules can
 * be checked on them too and one run lists every problem in the file.
 */
export type ParsedFile = { ok: true; banks: ParsedBank[] } | { ok: false; details: PoolError[]; banks?: ParsedBank[] };

export function parsedFile(banks: ParsedBank[], details: PoolError[]): ParsedFile {
  if (details.length > 0) return { ok: false, details, banks };
  if (banks.every((bank) => bank.questions.length === 0)) return { ok: false, details: [{ path: '/', message: 'holds no questions' }] };
  return { ok: true, banks: banks.filter((bank) => bank.questions.length > 0) };
}

/**
 * Keeps what a hostile file can make us hold bounded: a bank keeps at most a pool's worth of
 * questions (one problem names where it overflowed), and a file at most
 * `MAX_FILE_QUESTIONS`, where reading stops.
 */
export class QuestionCollector {
  private total = 0;
  private readonly overflowed = new Set<ParsedBank>();

  constructor(private readonly details: PoolError[]) {}

  /** Adds `question` to `bank`; false once the file is over its limit and reading should stop. */
  add(bank: ParsedBank, question: ParsedQuestion): boolean {
    if (bank.questions.length < MAX_QUESTIONS) bank.questions.push(question);
    else if (!this.overflowed.has(bank)) {
      this.overflowed.add(bank);
      this.details.push({ path: question.where, message: `"${bank.title}" has more than ${MAX_QUESTIONS} questions (the most a pool may have) from here: split the file` });
    }
    this.total++;
    if (this.total <= MAX_FILE_QUESTIONS) return true;
    this.details.push({ path: question.where, message: `the file holds more than ${MAX_FILE_QUESTIONS} questions; reading stopped here` });
    return false;
  }
}

/** The pool input a bank stands for: valid pool JSON when it validates. */
export function bankInput(bank: ParsedBank): PoolInput {
  const questions = bank.questions.map((question) => question.input);
  return bank.scoring ? { title: bank.title, scoring: bank.scoring, questions } : { title: bank.title, questions };
}

/** Validates a bank with the pool's one validator; errors name the line or row. */
export function validateParsedBank(bank: ParsedBank, media: PoolMedia): PoolValidation {
  const validation = validatePool(bankInput(bank), media);
  if (validation.ok) return validation;
  return { ok: false, details: validation.details.map((detail) => locateError(detail, bank)) };
}

function locateError(detail: PoolError, bank: ParsedBank): PoolError {
  const match = /^\/questions\/(\d+)(?:\/(.*))?$/.exec(detail.path);
  const question = match ? bank.questions[Number(match[1])] : undefined;
  if (!match || !question) {
    return detail.path === '/title' ? { path: 'title', message: `"${bank.title}" ${detail.message}` } : detail;
  }
  // The line or row says which question; the field says where in it.
  const field = match[2] ? `${match[2].replace(/\//g, ' ')}: ` : '';
  return { path: question.where, message: `${field}${detail.message}` };
}

/** Problems in file order: by line or row number, then as found. */
export function sortByPlace(details: PoolError[]): PoolError[] {
  const place = (detail: PoolError) => {
    const match = /^(?:line|row) (\d+)$/.exec(detail.path);
    return match ? Number(match[1]) : -1;
  };
  return details.map((detail, index) => ({ detail, index })).sort((a, b) => place(a.detail) - place(b.detail) || a.index - b.index).map(({ detail }) => detail);
}
