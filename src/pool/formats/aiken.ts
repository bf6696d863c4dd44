/**
 * Moodle's Aiken format (docs.moodle.org/en/Aiken_format): a question on one line, its
 * choices on the lines after it as `A.` or `A)` and a space, then `ANSWER: B`. Questions
 * are separated by blank lines (Moodle also accepts none: the ANSWER line ends a question).
 * Aiken has single-answer multiple choice only.
 */
import type { PoolError } from '../../protocol/pool';
import { sourceLines } from './source-text';
import { MAX_REPORTED_PROBLEMS, parsedFile, QuestionCollector, type ParsedBank, type ParsedFile, type ParsedQuestion } from './parsed-bank';

const CHOICE_LINE = /^([A-Z])[.)]\s+(.*)$/;
const ANSWER_LINE = /^ANSWER:\s*(.*)$/i;

interface Draft {
  text: string;
  line: number;
  choices: { letter: string; text: string; line: number }[];
}

export function parseAiken(text: string, title: string): ParsedFile {
  const details: PoolError[] = [];
  const bank: ParsedBank = { title, questions: [] };
  const collector = new QuestionCollector(details);
  let draft: Draft | null = null;
  let stopped = false;
  const problem = (line: number, message: string) => details.push({ path: `line ${line}`, message });

  for (const source of sourceLines(text)) {
    if (stopped || details.length >= MAX_REPORTED_PROBLEMS) break;
    const number = source.number;
    const line = source.text.trim();
    if (line === '') continue;
    const answer = ANSWER_LINE.exec(line);
    const choice = CHOICE_LINE.exec(line);
    if (!draft) {
      if (answer) problem(number, 'ANSWER: comes before any question');
      else draft = { text: line, line: number, choices: [] };
      continue;
    }
    if (answer) {
      const finished = finishQuestion(draft, answer[1]!.trim(), number, problem);
      if (finished) stopped = !collector.add(bank, finished);
      draft = null;
    } else if (choice && (draft.choices.length > 0 || choice[1] === 'A')) {
      const expected = String.fromCharCode(65 + draft.choices.length);
      if (choice[1] !== expected) problem(number, `choice ${choice[1]} where ${expected} was expected: choices run A, B, C… in order`);
      draft.choices.push({ letter: choice[1]!, text: choice[2]!.trim(), line: number });
    } else if (draft.choices.length === 0) {
      // Moodle wants the question on one line; a longer one is kept whole rather than refused.
      draft.text += `\n${line}`;
    } else {
      problem(number, `"${line.slice(0, 40)}" is neither a choice ("A. …") nor the ANSWER: line`);
    }
  }
  if (draft && !stopped) problem((draft as Draft).line, 'this question has no ANSWER: line');
  return parsedFile([bank], details);
}

function finishQuestion(
  draft: Draft,
  answer: string,
  line: number,
  problem: (line: number, message: string) => void,
): ParsedQuestion | null {
  if (draft.choices.length === 0) {
    problem(draft.line, 'this question has no choices ("A. …" lines)');
    return null;
  }
  const letter = answer.toUpperCase();
  if (!draft.choices.some((choice) => choice.letter === letter)) {
    problem(line, `ANSWER: "${answer}" is not one of the choices ${draft.choices.map((choice) => choice.letter).join(', ')}`);
    return null;
  }
  return {
    input: { type: 'single', text: draft.text, choices: draft.choices.map((choice) => choice.text), answer: letter },
    where: `line ${draft.line}`,
  };
}

/** Aiken or GIFT for a `.txt` file: Aiken has ANSWER: lines and no answers in braces. */
export function looksLikeAiken(text: string): boolean {
  return /^\s*ANSWER:/im.test(text) && !/[^\\]\{/.test(text);
}
