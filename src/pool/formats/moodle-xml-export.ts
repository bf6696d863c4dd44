/**
 * A pool as Moodle XML (question bank → Import → Moodle XML format). moodle-xml.ts reads it
 * back to the same questions (tests/unit/pool/formats/exports.test.ts). Texts are written
 * with `format="markdown"`, the pool's own format; an image is embedded as base64 and shown
 * by `![alt](@@PLUGINFILE@@/name)`; time limit and scoring travel as question tags
 * (`live-quiz:time_limit_s=30`), which Moodle keeps and shows as tags.
 *
 * What Moodle XML cannot say: a poll, written as multichoice with no right answer (this app
 * reads it back as a poll; Moodle's own import wants a right answer). True/false questions
 * stay multiple choice with the choices True and False.
 */
import type { Pool, PoolQuestion } from '../../protocol/pool';
import { PLUGINFILE, SETTINGS_TAG_PREFIX } from './moodle-xml';

/** The bytes and file name of a question's image URL, if known. */
export type ImageLookup = (url: string) => { name: string; bytes: Uint8Array } | null;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function markdownText(tag: string, text: string, inner = ''): string {
  return `<${tag} format="markdown"><text>${escapeXml(text)}</text>${inner}</${tag}>`;
}

function percent(value: number): string {
  return String(Number(value.toFixed(5)));
}

function answersXml(question: PoolQuestion): string[] {
  if (question.type === 'numeric') {
    return [`<answer fraction="100" format="plain_text"><text>${question.answer}</text><tolerance>${question.tolerance}</tolerance></answer>`];
  }
  const right = new Set(Array.isArray(question.answer) ? question.answer : question.answer === null ? [] : [String(question.answer)]);
  const wrongCount = question.choices.length - right.size;
  return question.choices.map((choice, index) => {
    const isRight = right.has(String.fromCharCode(65 + index));
    const fraction = question.type === 'multiple' ? percent(isRight ? 100 / right.size : -100 / wrongCount) : isRight ? '100' : '0';
    return `<answer fraction="${fraction}" format="markdown"><text>${escapeXml(choice)}</text></answer>`;
  });
}

function questionXml(question: PoolQuestion, number: number, imageOf: ImageLookup): string {
  const image = question.image ? imageOf(question.image) : null;
  const shownImage = image ? `\n\n![${question.image_alt ?? ''}](${PLUGINFILE}${encodeURIComponent(image.name)})` : '';
  const file = image ? `<file name="${escapeXml(image.name)}" path="/" encoding="base64">${Buffer.from(image.bytes).toString('base64')}</file>` : '';
  const lines = [
    `  <question type="${question.type === 'numeric' ? 'numerical' : 'multichoice'}">`,
    `    <name><text>Q${number}</text></name>`,
    `    ${markdownText('questiontext', `${question.text}${shownImage}`, file)}`,
    `    ${markdownText('generalfeedback', question.explanation ?? '')}`,
  ];
  if (question.type !== 'numeric') lines.push(`    <single>${question.type === 'multiple' ? 'false' : 'true'}</single>`, '    <shuffleanswers>0</shuffleanswers>');
  lines.push(...answersXml(question).map((answer) => `    ${answer}`));
  lines.push(
    `    <tags><tag><text>${SETTINGS_TAG_PREFIX}time_limit_s=${question.time_limit_s}</text></tag><tag><text>${SETTINGS_TAG_PREFIX}scoring=${question.scoring}</text></tag></tags>`,
    '  </question>',
  );
  return lines.join('\n');
}

export function exportMoodleXml(pool: Pool, imageOf: ImageLookup = () => null): string {
  const category = `  <question type="category">\n    <category><text>$course$/top/${escapeXml(pool.title)}</text></category>\n  </question>`;
  const questions = pool.questions.map((question, index) => questionXml(question, index + 1, imageOf));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n${[category, ...questions].join('\n')}\n</quiz>\n`;
}
