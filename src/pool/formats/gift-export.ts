/**
 * A pool as Moodle GIFT, so a lecturer can take questions back to Moodle. gift.ts reads it
 * back to the same pool (tests/unit/pool/formats/gift-export.test.ts). Each question
 * carries its time limit and scoring in a `// live-quiz:` comment, which Moodle skips;
 * the title becomes `$CATEGORY:`. Texts are marked `[markdown]`, Moodle's name for the
 * pool's own text format.
 *
 * What GIFT cannot say: images (a comment notes each one left out), and a poll, which is
 * written as multiple choice with no right answer (Moodle's import refuses such a
 * question; this app reads it back as a poll). Multiple-answer questions use Moodle's
 * weights: each right answer 100/n %, each wrong one −100/m %.
 */
import type { Pool, PoolQuestion } from '../../protocol/pool';
import { GIFT_SETTINGS_PREFIX } from './gift';

const SPECIAL = /[\\~=#{}:]/g;

/** Text with GIFT's special characters escaped and line breaks as `\n`, so it stays on one line. */
export function escapeGift(text: string): string {
  return text.replace(SPECIAL, (char) => `\\${char}`).replace(/\n/g, '\\n');
}

function percent(value: number): string {
  return String(Number(value.toFixed(5)));
}

function answerLines(question: PoolQuestion): string[] {
  switch (question.type) {
    case 'numeric':
      return [question.tolerance > 0 ? `#${question.answer}:${question.tolerance}` : `#${question.answer}`];
    case 'poll':
      return question.choices.map((choice) => `~${escapeGift(choice)}`);
    case 'single':
      return question.choices.map((choice, index) => `${String.fromCharCode(65 + index) === question.answer ? '=' : '~'}${escapeGift(choice)}`);
    case 'multiple': {
      const right = new Set(question.answer as string[]);
      const wrongCount = question.choices.length - right.size;
      return question.choices.map((choice, index) => {
        const isRight = right.has(String.fromCharCode(65 + index));
        const weight = isRight ? percent(100 / right.size) : percent(-100 / wrongCount);
        return `~%${weight}%${escapeGift(choice)}`;
      });
    }
  }
}

function questionGift(question: PoolQuestion, number: number): string {
  const lines: string[] = [];
  if (question.image) lines.push(`// image not exported (GIFT cannot carry files): ${question.image_alt ?? question.image}`.replace(/\n/g, ' '));
  lines.push(`// ${GIFT_SETTINGS_PREFIX} time_limit_s=${question.time_limit_s} scoring=${question.scoring}`);
  lines.push(`::Q${number}::[markdown]${escapeGift(question.text)} {`);
  lines.push(...answerLines(question).map((line) => `\t${line}`));
  if (question.explanation) lines.push(`\t####${escapeGift(question.explanation)}`);
  lines.push('}');
  return lines.join('\n');
}

/** Pools as one GIFT file, each under its `$CATEGORY:`. */
export function exportGift(pools: readonly Pool[]): string {
  const blocks: string[] = [];
  for (const pool of pools) {
    blocks.push(`// ${GIFT_SETTINGS_PREFIX} scoring=${pool.scoring}\n$CATEGORY: ${pool.title.replace(/\n/g, ' ')}`);
    pool.questions.forEach((question, index) => blocks.push(questionGift(question, index + 1)));
  }
  return `${blocks.join('\n\n')}\n`;
}
