/**
 * A pool as Aiken, the simplest of Moodle's formats: single-answer questions on one line,
 * up to 26 choices on one line each. Anything else cannot be written as Aiken and is
 * refused by question number; explanations, time limits, scoring and images are not part
 * of Aiken and are left out (the caller is told).
 */
import type { Pool } from '../../protocol/pool';

export type AikenExport = { ok: true; text: string; notes: string[] } | { ok: false; problems: string[] };

const CHOICE_OR_ANSWER = /^([A-Z][.)]\s|ANSWER:)/i;

export function exportAiken(pool: Pool): AikenExport {
  const problems: string[] = [];
  const blocks: string[] = [];
  let leftOut = 0;
  pool.questions.forEach((question, index) => {
    const number = index + 1;
    if (question.type !== 'single') return problems.push(`question ${number} is ${question.type}: Aiken holds single-answer questions only`);
    const lines = [question.text, ...question.choices];
    if (lines.some((line) => line.includes('\n'))) return problems.push(`question ${number} has a line break in its text or a choice: Aiken puts each on one line`);
    if (CHOICE_OR_ANSWER.test(question.text)) return problems.push(`question ${number} starts like a choice or ANSWER: line`);
    if (question.explanation || question.image) leftOut++;
    blocks.push([question.text, ...question.choices.map((choice, at) => `${String.fromCharCode(65 + at)}. ${choice}`), `ANSWER: ${question.answer}`].join('\n'));
  });
  if (problems.length > 0) return { ok: false, problems };
  const notes = ['time limits and scoring are not part of Aiken and were left out'];
  if (leftOut > 0) notes.push(`${leftOut} question(s) lost their explanation or image: Aiken has neither`);
  return { ok: true, text: `${blocks.join('\n\n')}\n`, notes };
}
