/**
 * Moodle GIFT (docs.moodle.org/en/GIFT_format) into pool questions.
 *
 * Understood: multiple choice (`=right ~wrong`), multiple answers by weight (`~%50%a`:
 * a positive weight marks a right answer; with no `=` answer the question is multiple-answer,
 * as Moodle reads it), true/false (`{T}`, `{FALSE}`), numeric
 * (`{#3.14:0.01}`, ranges `{#1..5}`, and the full-credit answer of `{#=2:0 =%50%2:1}`),
 * the missing-word form (text on both sides of the answers becomes a blank `_____`),
 * question names (`::name::`, not shown), text formats (`[markdown]`, `[plain]`; `[html]`
 * becomes plain text),
 * general feedback (`####…`, the explanation), `//` comments, escapes (`\~ \= \# \{ \} \:
 * \\ \n`), and `$CATEGORY:` lines, each starting a bank named after the category.
 * A multiple-choice question with no right answer is a poll. A comment line
 * `// live-quiz: time_limit_s=30 scoring=accuracy` sets those fields of the next question
 * (gift-export.ts writes it; Moodle ignores it as a comment).
 *
 * Refused, by line, never dropped: matching, short answer, essay, descriptions (text with
 * no answers). Per-answer feedback and partial-credit numeric answers are not kept.
 */
import type { PoolError, QuestionInput } from '../../protocol/pool';
import { SCORING_MODES, type ScoringModeName } from '../../protocol/constants';
import { htmlToText } from './html-text';
import { sourceLines, type SourceLine } from './source-text';
import { MAX_QUESTION_SOURCE_CHARS, MAX_REPORTED_PROBLEMS, parsedFile, QuestionCollector, type ParsedBank, type ParsedFile } from './parsed-bank';

export const GIFT_SETTINGS_PREFIX = 'live-quiz:';
export const MISSING_WORD_BLANK = '_____';

type Line = SourceLine;

interface Block {
  lines: Line[];
  settings: Line[];
}

/** Parses GIFT text (LF line ends) into banks: one per `$CATEGORY:`, the first titled `defaultTitle`. */
export function parseGift(text: string, defaultTitle: string): ParsedFile {
  const details: PoolError[] = [];
  const banks: ParsedBank[] = [{ title: defaultTitle, questions: [] }];
  const collector = new QuestionCollector(details);
  for (const block of splitBlocks(text)) {
    if (details.length >= MAX_REPORTED_PROBLEMS) break;
    let lines = block.lines;
    const first = lines[0]!;
    const category = /^\s*\$CATEGORY:(.*)$/.exec(first.text);
    if (category) {
      const title = categoryTitle(category[1]!);
      const existing = banks.find((bank) => bank.title === title);
      if (!existing) banks.push({ title, questions: [] });
      else banks.push(banks.splice(banks.indexOf(existing), 1)[0]!);
      lines = lines.slice(1);
      if (lines.length === 0) {
        // Settings before a category line give the bank's default scoring.
        const defaults: QuestionInput = { text: '' };
        applySettings(defaults, block.settings, details);
        if (defaults.scoring) banks.at(-1)!.scoring = defaults.scoring;
        continue;
      }
    }
    const where = `line ${lines[0]!.number}`;
    if (lines.reduce((total, line) => total + line.text.length + 1, 0) > MAX_QUESTION_SOURCE_CHARS) {
      details.push({ path: where, message: `this question is longer than ${MAX_QUESTION_SOURCE_CHARS / 1024} KiB, more than any valid question: is a blank line missing?` });
      continue;
    }
    const parsed = parseQuestion(lines, details);
    if (!parsed) continue;
    applySettings(parsed, block.settings, details);
    if (!collector.add(banks.at(-1)!, { input: parsed, where })) break;
  }
  return parsedFile(banks, details);
}

/**
 * Questions are separated by blank lines; comment lines neither separate nor belong. Blocks
 * are made one at a time, so reading can stop early without splitting the whole file.
 */
function* splitBlocks(text: string): Generator<Block> {
  let current: Block = { lines: [], settings: [] };
  let pendingSettings: Line[] = [];
  for (const line of sourceLines(text)) {
    const trimmed = line.text.trim();
    if (trimmed.startsWith('//')) {
      if (trimmed.slice(2).trim().startsWith(GIFT_SETTINGS_PREFIX)) pendingSettings.push(line);
      continue;
    }
    if (trimmed === '') {
      if (current.lines.length > 0) yield current;
      current = { lines: [], settings: [] };
      continue;
    }
    if (current.lines.length === 0) {
      current.settings = pendingSettings;
      pendingSettings = [];
    }
    current.lines.push(line);
  }
  if (current.lines.length > 0) yield current;
}

/** `$course$/top/Maths/Algebra` → `Maths/Algebra`: Moodle's context prefixes say nothing to a lecturer. */
function categoryTitle(path: string): string {
  const title = path
    .trim()
    .replace(/^\$(course|module|system|cat\d+)\$\//, '')
    .replace(/^top\//i, '')
    .trim();
  return title || path.trim();
}

/** The index of `target` in `text` from `from`, skipping backslash-escaped characters; -1 if absent. */
function findUnescaped(text: string, target: string, from = 0): number {
  for (let index = from; index < text.length; index++) {
    if (text[index] === '\\') {
      index++;
      continue;
    }
    if (text.startsWith(target, index)) return index;
  }
  return -1;
}

const ESCAPABLE = new Set(['~', '=', '#', '{', '}', ':', '\\']);

/** GIFT's escapes undone: `\~` → `~`, `\n` → a line break; other backslashes (Markdown's `\*`) stay. */
export function unescapeGift(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === '\\' && next !== undefined && (ESCAPABLE.has(next) || next === 'n')) {
      out += next === 'n' ? '\n' : next;
      index++;
    } else out += char;
  }
  return out;
}

/** Splits on every unescaped occurrence of any of `markers`, keeping each marker at the start of its piece. */
function splitUnescaped(text: string, markers: readonly string[]): { marker: string; body: string }[] {
  const pieces: { marker: string; body: string }[] = [];
  let start = 0;
  let marker = '';
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '\\') {
      index++;
      continue;
    }
    const found = markers.find((candidate) => text.startsWith(candidate, index));
    if (found === undefined) continue;
    pieces.push({ marker, body: text.slice(start, index) });
    marker = found;
    start = index + found.length;
    index += found.length - 1;
  }
  pieces.push({ marker, body: text.slice(start) });
  return pieces;
}

function parseQuestion(lines: Line[], details: PoolError[]): QuestionInput | null {
  const text = lines.map((line) => line.text).join('\n');
  const lineAt = (offset: number) => lines[text.slice(0, offset).split('\n').length - 1]!.number;
  const problem = (offset: number, message: string) => {
    details.push({ path: `line ${lineAt(offset)}`, message });
    return null;
  };

  let cursor = 0;
  const leading = text.match(/^\s*/)![0].length;
  if (text.startsWith('::', leading)) {
    const end = findUnescaped(text, '::', leading + 2);
    if (end < 0) return problem(leading, 'the question name opened with "::" is never closed with "::"');
    cursor = end + 2;
  }
  const open = findUnescaped(text, '{', cursor);
  if (open < 0) {
    return problem(cursor, 'has no answers in { }: descriptions (text without a question) cannot be played');
  }
  const close = findUnescaped(text, '}', open + 1);
  if (close < 0) return problem(open, 'the answers opened with "{" are never closed with "}"');
  const after = text.slice(close + 1).trim();
  if (findUnescaped(after, '{') >= 0) return problem(close + 1, 'has a second set of answers in { }: one question per block, separated by a blank line');

  const before = readText(text.slice(cursor, open).trim());
  const questionText = (after ? `${before.trimEnd()} ${MISSING_WORD_BLANK} ${readText(after).trimStart()}` : before).trim();
  const answers = text.slice(open + 1, close);
  return parseAnswers(questionText, answers, (message, at = 0) => problem(open + 1 + at, message));
}

/**
 * `[markdown]`, `[plain]`, `[moodle]` before a text are dropped (the pool's text is
 * Markdown already); `[html]` text is turned into plain text, which the renderer would
 * otherwise show tags and all. GIFT's escapes are undone first.
 */
function readText(text: string): string {
  const format = /^\s*\[(markdown|html|plain|moodle)\]/i.exec(text);
  const body = unescapeGift(format ? text.slice(format[0].length) : text);
  return format?.[1]!.toLowerCase() === 'html' ? htmlToText(body) : body;
}

type Problem = (message: string, at?: number) => null;

function parseAnswers(text: string, raw: string, problem: Problem): QuestionInput | null {
  const feedbackAt = findUnescaped(raw, '####');
  const body = feedbackAt < 0 ? raw : raw.slice(0, feedbackAt);
  const explanation = feedbackAt < 0 ? undefined : readText(raw.slice(feedbackAt + 4).trim()).trim();
  const withExplanation = (question: QuestionInput): QuestionInput => (explanation ? { ...question, explanation } : question);
  const trimmed = body.trim();

  if (trimmed === '') return problem('is an essay question ({} with nothing inside): only questions with an answer key or choices can be played');
  if (trimmed.startsWith('#')) return numericQuestion(text, trimmed.slice(1), problem, withExplanation);
  const trueFalse = /^(T|TRUE|F|FALSE)\s*(#|$)/i.exec(trimmed);
  if (trueFalse) {
    const isTrue = trueFalse[1]!.toUpperCase().startsWith('T');
    return withExplanation({ type: 'single', text, choices: ['True', 'False'], answer: isTrue ? 'A' : 'B' });
  }

  const pieces = splitUnescaped(body, ['=', '~']);
  if (pieces[0]!.body.trim() !== '') return problem(`"${pieces[0]!.body.trim().slice(0, 40)}" comes before the first answer: each answer starts with = or ~`);
  const options = pieces.slice(1);
  if (options.some((option) => findUnescaped(option.body, '->') >= 0)) {
    return problem('is a matching question (answers with "->"): matching cannot be played here');
  }
  if (!options.some((option) => option.marker === '~')) {
    return problem('is a short-answer question (only "=" answers): typed answers cannot be played here; give wrong choices with ~');
  }
  const choices: string[] = [];
  const correct: boolean[] = [];
  for (const option of options) {
    const weighted = /^\s*%(-?\d+(?:\.\d+)?)%/.exec(option.body);
    const weight = weighted ? Number(weighted[1]) : option.marker === '=' ? 100 : 0;
    const rest = weighted ? option.body.slice(weighted[0].length) : option.body;
    const feedback = findUnescaped(rest, '#');
    choices.push(readText((feedback < 0 ? rest : rest.slice(0, feedback)).trim()).trim());
    correct.push(weight > 0);
  }
  const letters = choices.map((_, index) => String.fromCharCode(65 + index));
  const right = letters.filter((_, index) => correct[index]);
  if (right.length === 0) return withExplanation({ type: 'poll', text, choices });
  // As Moodle reads it: with no "=" answer it is a multiple-answer question, even when only one weight is positive.
  const hasEquals = options.some((option) => option.marker === '=');
  if (right.length === 1 && hasEquals) return withExplanation({ type: 'single', text, choices, answer: right[0]! });
  return withExplanation({ type: 'multiple', text, choices, answer: right });
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function readNumber(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : null;
}

function numericQuestion(
  text: string,
  raw: string,
  problem: Problem,
  withExplanation: (question: QuestionInput) => QuestionInput,
): QuestionInput | null {
  let answer = raw;
  if (findUnescaped(raw, '=') >= 0) {
    const options = splitUnescaped(raw, ['=']).slice(1);
    const full = options.find((option) => !/^\s*%/.test(option.body) || /^\s*%100%/.test(option.body));
    if (!full) return problem('a numeric question needs one answer with full credit (= without a %weight%)');
    answer = full.body.replace(/^\s*%100%/, '');
  }
  const feedback = findUnescaped(answer, '#');
  if (feedback >= 0) answer = answer.slice(0, feedback);
  const range = /^(.*)\.\.(.*)$/.exec(answer.trim());
  if (range) {
    const low = readNumber(range[1]!);
    const high = readNumber(range[2]!);
    if (low === null || high === null || high < low) return problem(`"${answer.trim()}" is not a range min..max of two numbers`);
    // Rounded to 12 significant digits so 3.141..3.142 gives 3.1415 ± 0.0005, not binary noise.
    const clean = (value: number) => Number(value.toPrecision(12));
    return withExplanation({ type: 'numeric', text, answer: clean((low + high) / 2), tolerance: clean((high - low) / 2) });
  }
  const [value, tolerance, ...extra] = answer.split(':');
  const number = readNumber(value ?? '');
  const margin = tolerance === undefined ? 0 : readNumber(tolerance);
  if (number === null || margin === null || extra.length > 0 || margin < 0) {
    return problem(`"${answer.trim()}" is not a number, number:tolerance or min..max`);
  }
  return withExplanation(margin === 0 && tolerance === undefined ? { type: 'numeric', text, answer: number } : { type: 'numeric', text, answer: number, tolerance: margin });
}

function applySettings(question: QuestionInput, settings: Line[], details: PoolError[]): void {
  for (const line of settings) {
    const body = line.text.trim().slice(2).trim().slice(GIFT_SETTINGS_PREFIX.length);
    for (const pair of body.trim().split(/\s+/).filter(Boolean)) {
      const [key, value = ''] = pair.split('=');
      if (key === 'time_limit_s' && /^\d+$/.test(value)) question.time_limit_s = Number(value);
      else if (key === 'scoring' && (SCORING_MODES as readonly string[]).includes(value)) question.scoring = value as ScoringModeName;
      else details.push({ path: `line ${line.number}`, message: `"${pair}" is not a setting: use time_limit_s=N or scoring=speed|accuracy` });
    }
  }
}
