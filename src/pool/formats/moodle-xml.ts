/**
 * Moodle XML (docs.moodle.org/en/Moodle_XML_format) into pool questions: multichoice
 * (`<single>true</single>` one answer; false: every answer with a positive fraction is
 * right), truefalse, numerical (the full-credit answer and its tolerance). Texts are HTML
 * in Moodle; they are turned into plain text (paragraphs and line breaks kept, tags
 * dropped, entities decoded). An image embedded as `<file encoding="base64">` and shown by
 * `<img src="@@PLUGINFILE@@/name">` becomes the question's image (one per question).
 * Category entries are skipped (the file is one bank); every other question type is
 * refused with its line.
 *
 * Hostile XML: a DOCTYPE (and with it every custom entity, so "billion laughs") is refused
 * before parsing; fast-xml-parser limits nesting depth; sizes are bounded by the upload.
 */
import { XMLParser } from 'fast-xml-parser';
import { SCORING_MODES, type ScoringModeName } from '../../protocol/constants';
import type { PoolError, QuestionInput } from '../../protocol/pool';
import { sniffImage } from '../image-sniff';
import { sha256Hex, type PoolImage } from '../media';
import { MAX_IMAGE_BYTES, MAX_POOL_IMAGES_BYTES } from '../pool-archive';
import { htmlToText } from './html-text';
import { MAX_FILE_QUESTIONS, MAX_REPORTED_PROBLEMS, parsedFile, QuestionCollector, type ParsedBank, type ParsedFile } from './parsed-bank';

const MAX_NESTING = 64;
export const PLUGINFILE = '@@PLUGINFILE@@/';
export const SETTINGS_TAG_PREFIX = 'live-quiz:';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: MAX_NESTING,
  captureMetaData: true,
  isArray: (name) => ['question', 'answer', 'file', 'tag'].includes(name),
});
const META = XMLParser.getMetaDataSymbol();

export function parseMoodleXml(text: string, title: string): ParsedFile {
  const refuse = (path: string, message: string): ParsedFile => ({ ok: false, details: [{ path, message }] });
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) return refuse(`line ${lineOf(text, doctype.index)}`, 'has a DOCTYPE: Moodle XML has none, and its entities are refused');
  const tooDeep = depthBeyond(text, MAX_NESTING);
  if (tooDeep >= 0) return refuse(`line ${lineOf(text, tooDeep)}`, `elements are nested more than ${MAX_NESTING} deep: Moodle XML is a few levels deep`);
  // Counted before parsing builds a tree for each: a file of a million questions is refused unread.
  const questionTags = text.match(/<question\b/g)?.length ?? 0;
  if (questionTags > MAX_FILE_QUESTIONS + 1000) return refuse('/', `holds ${questionTags} questions; a file may hold at most ${MAX_FILE_QUESTIONS}`);
  let document: Node;
  try {
    document = parser.parse(text, true) as Node;
  } catch (error) {
    return refuse(describeLine(error), `not well-formed XML: ${describeXmlError(error)}`);
  }
  const quiz = document.quiz as Node | undefined;
  if (!quiz || typeof quiz !== 'object') return refuse('/', 'not a Moodle XML question file: its root element must be <quiz>');

  const details: PoolError[] = [];
  const images = new Map<string, PoolImage>();
  const bank: ParsedBank = { title, questions: [], images };
  const collector = new QuestionCollector(details);
  const imageBytes = { total: 0 };
  const lineAt = lineCounter(text);
  for (const node of (quiz.question as Node[] | undefined) ?? []) {
    if (details.length >= MAX_REPORTED_PROBLEMS) break;
    const where = `line ${lineAt((node[META as unknown as string] as { startIndex?: number } | undefined)?.startIndex ?? 0)}`;
    const type = String(node['@type'] ?? '');
    if (type === 'category' || type === 'description') continue;
    const problem = (message: string) => details.push({ path: where, message });
    const question = readQuestion(type, node, problem);
    if (!question) continue;
    const shown = readImage(node, problem, imageBytes);
    if (shown) {
      images.set(shown.image.name, shown.image);
      question.image = shown.image.name;
      if (shown.alt) question.image_alt = shown.alt;
    }
    readSettingTags(node, question, problem);
    if (!collector.add(bank, { input: question, where })) break;
  }
  return parsedFile([bank], details);
}

/**
 * A Moodle text as the pool's text: HTML (Moodle's default format, and any format not
 * known here) becomes plain text; Markdown, plain text and Moodle auto-format stay as
 * written, less the image reference this importer moves to the question's image.
 */
function readText(node: unknown): string {
  const raw = textOf(node);
  const format = node && typeof node === 'object' ? String((node as Node)['@format'] ?? 'html') : 'html';
  // Moodle's other formats are HTML too as far as reading goes; unknown ones are read as HTML.
  if (!PLAIN_FORMATS.has(format)) return htmlToText(raw);
  return raw.replace(MARKDOWN_IMAGE, '').replace(HTML_IMAGE, '').trim();
}

const PLAIN_FORMATS = new Set(['markdown', 'plain_text', 'moodle_auto_format']);

/** `![alt](@@PLUGINFILE@@/name)`: how a Markdown text shows an embedded file. */
const MARKDOWN_IMAGE = /!\[([^\]]*)\]\(([^)\s]*)\)/g;
const HTML_IMAGE = /<img\b[^>]*>/gi;

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? (match[2] ?? match[3]) : undefined;
}

function readQuestion(type: string, node: Node, problem: (message: string) => void): QuestionInput | null {
  const text = readText(node.questiontext);
  const explanation = readText(node.generalfeedback);
  const answers = ((node.answer as Node[] | undefined) ?? []).map((answer) => ({
    text: readText(answer),
    raw: textOf(answer).trim(),
    fraction: Number(answer['@fraction'] ?? 0),
    tolerance: textOf(answer.tolerance).trim(),
  }));
  const withExplanation = (question: QuestionInput): QuestionInput => (explanation ? { ...question, explanation } : question);
  switch (type) {
    case 'multichoice': {
      const choices = answers.map((answer) => answer.text);
      const letters = answers.flatMap((answer, index) => (answer.fraction > 0 ? [String.fromCharCode(65 + index)] : []));
      const single = textOf(node.single).trim().toLowerCase() !== 'false';
      if (letters.length === 0) return withExplanation({ type: 'poll', text, choices });
      if (single && letters.length === 1) return withExplanation({ type: 'single', text, choices, answer: letters[0]! });
      return withExplanation({ type: 'multiple', text, choices, answer: letters });
    }
    case 'truefalse': {
      const right = answers.find((answer) => answer.fraction >= 100);
      if (!right || !['true', 'false'].includes(right.raw.toLowerCase())) {
        problem('a truefalse question needs an answer "true" or "false" with fraction 100');
        return null;
      }
      return withExplanation({ type: 'single', text, choices: ['True', 'False'], answer: right.raw.toLowerCase() === 'true' ? 'A' : 'B' });
    }
    case 'numerical': {
      const right = answers.find((answer) => answer.fraction >= 100);
      const value = right ? Number(right.raw) : Number.NaN;
      const tolerance = right?.tolerance ? Number(right.tolerance) : 0;
      if (!right || right.raw === '' || !Number.isFinite(value) || !Number.isFinite(tolerance)) {
        problem('a numerical question needs an answer with fraction 100 that is a number (and a numeric tolerance)');
        return null;
      }
      return withExplanation(tolerance > 0 ? { type: 'numeric', text, answer: value, tolerance } : { type: 'numeric', text, answer: value });
    }
    default:
      problem(`is a "${type.slice(0, 40)}" question: only multichoice, truefalse and numerical can be played here`);
      return null;
  }
}

/** The image a question's text shows from its embedded files (and its alt text), checked like an uploaded image. */
function readImage(node: Node, problem: (message: string) => void, imageBytes: { total: number }): { image: PoolImage; alt: string } | null {
  const questionText = node.questiontext as Node | undefined;
  const raw = textOf(questionText);
  const shown = [
    ...[...raw.matchAll(HTML_IMAGE)].map((match) => ({ source: attribute(match[0], 'src') ?? '', alt: htmlToText(attribute(match[0], 'alt') ?? '') })),
    ...[...raw.matchAll(MARKDOWN_IMAGE)].map((match) => ({ source: match[2]!, alt: match[1]! })),
  ];
  if (shown.length === 0) return null;
  if (shown.length > 1) problem(`shows ${shown.length} images: a question here has one`);
  const { source, alt } = shown[0]!;
  if (!source.startsWith(PLUGINFILE)) {
    problem(`shows an image from "${source.slice(0, 80)}": only images embedded in the file (@@PLUGINFILE@@) can be imported`);
    return null;
  }
  let name: string;
  try {
    name = decodeURIComponent(source.slice(PLUGINFILE.length));
  } catch {
    problem(`the image name "${source.slice(0, 80)}" is not valid URL encoding`);
    return null;
  }
  const files = (questionText?.file as Node[] | undefined) ?? [];
  const file = files.find((candidate) => String(candidate['@name'] ?? '') === name);
  if (!file) {
    problem(`shows the image "${name.slice(0, 80)}" but the file does not embed it`);
    return null;
  }
  const base64 = textOf(file).replace(/\s+/g, '');
  if (base64.length > (MAX_IMAGE_BYTES * 4) / 3 + 4) {
    problem(`the image "${name.slice(0, 80)}" is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MiB`);
    return null;
  }
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  imageBytes.total += bytes.length;
  if (imageBytes.total > MAX_POOL_IMAGES_BYTES) {
    problem(`the images add up to more than ${MAX_POOL_IMAGES_BYTES / 1024 / 1024} MiB`);
    return null;
  }
  const type = sniffImage(bytes);
  if (!type) {
    problem(`the image "${name.slice(0, 80)}" is not a PNG, JPEG, WebP or GIF image`);
    return null;
  }
  return { image: { name, bytes, mime: type.mime, ext: type.ext, sha256: sha256Hex(bytes) }, alt };
}

/** Question tags `live-quiz:time_limit_s=30` and `live-quiz:scoring=accuracy` (moodle-xml-export.ts writes them). */
function readSettingTags(node: Node, question: QuestionInput, problem: (message: string) => void): void {
  const tags = ((node.tags as Node | undefined)?.tag as Node[] | undefined) ?? [];
  for (const tag of tags) {
    const text = textOf(tag).trim();
    if (!text.startsWith(SETTINGS_TAG_PREFIX)) continue;
    const [key, value = ''] = text.slice(SETTINGS_TAG_PREFIX.length).split('=');
    if (key === 'time_limit_s' && /^\d+$/.test(value)) question.time_limit_s = Number(value);
    else if (key === 'scoring' && (SCORING_MODES as readonly string[]).includes(value)) question.scoring = value as ScoringModeName;
    else problem(`the tag "${text.slice(0, 60)}" is not a setting: use ${SETTINGS_TAG_PREFIX}time_limit_s=N or ${SETTINGS_TAG_PREFIX}scoring=speed|accuracy`);
  }
}

/** The text of `<tag><text>…</text></tag>` (or of `<tag>` itself). */
function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node !== 'object') return String(node);
  const record = node as Node;
  if ('text' in record) return textOf(record.text);
  return typeof record['#text'] === 'string' ? record['#text'] : '';
}

/**
 * Where the element nesting first passes `max`, or -1: one pass over the tags, before any
 * parser builds a tree of them. Comments, CDATA and processing instructions are skipped.
 */
function depthBeyond(text: string, max: number): number {
  let depth = 0;
  for (let at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) {
    const next = text[at + 1];
    if (text.startsWith('<![CDATA[', at)) at = text.indexOf(']]>', at);
    else if (text.startsWith('<!--', at)) at = text.indexOf('-->', at);
    else if (next === '/') depth--;
    else if (next !== '!' && next !== '?') {
      const end = text.indexOf('>', at);
      if (end < 0) return -1;
      if (text[end - 1] !== '/') depth++;
      if (depth > max) return at;
      at = end;
    }
    if (at < 0) return -1;
  }
  return -1;
}

/** Line numbers for offsets met in increasing order (as questions are), in one pass over the text. */
function lineCounter(text: string): (index: number) => number {
  let line = 1;
  let counted = 0;
  return (index) => {
    if (index < counted) {
      line = 1;
      counted = 0;
    }
    for (let position = text.indexOf('\n', counted); position >= 0 && position < index; position = text.indexOf('\n', position + 1)) line++;
    counted = index;
    return line;
  };
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let position = text.indexOf('\n'); position >= 0 && position < index; position = text.indexOf('\n', position + 1)) line++;
  return line;
}

function describeXmlError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

function describeLine(error: unknown): string {
  const line = /line[:\s]+(\d+)/i.exec(describeXmlError(error));
  return line ? `line ${line[1]}` : '/';
}
