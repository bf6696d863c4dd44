import { describe, expect, test } from 'bun:test';
import { parseGift } from '../../../../src/pool/formats/gift';
import { importPoolFile } from '../../../../src/pool/pool-import';

const encode = (text: string) => new TextEncoder().encode(text);

/** Samples from Moodle's GIFT documentation (docs.moodle.org/en/GIFT_format), kept as written there. */
const MOODLE_DOC_SAMPLE = `// question: 1 name: Grants tomb
::Grants tomb::Who is buried in Grant's tomb in New York City? {
=Grant
~No one
#Was true for 12 years, but Grant's remains were buried in the tomb in 1897
~Napoleon
#He was buried in France
~Churchill
#He was buried in England
~Mother Teresa
#She was buried in India
}

// question: 2 name: Multiple answers
What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}

::TrueStatement about Grant::Grant was buried in a tomb in New York City.{T}

::FalseStatement::The sun rises in the West.{FALSE#No, in the East.#Right.}

When was Ulysses S. Grant born?{#1822:5}

What is the value of pi (to 3 decimal places)? {#3.141..3.142}.

When was Ulysses S. Grant born? {#
    =1822:0      # Correct! Full points.
    =%50%1822:2  # He was born in 1822. Half credit for being close.
}

Moodle costs {~lots of money =nothing ~a small amount} to download from moodle.org.

What's 2+2? {=4 ~3 ~5 ####Count them: four.}

Which characters need escaping? {=\\{ and \\} ~\\= only ~\\~ only}
`;

describe('parseGift on Moodle documentation samples', () => {
  const parsed = parseGift(MOODLE_DOC_SAMPLE, 'doc');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
  const questions = parsed.banks[0]!.questions;

  test('multiple choice with per-answer feedback keeps the choices, not the feedback', () => {
    expect(questions[0]!.input).toEqual({
      type: 'single',
      text: "Who is buried in Grant's tomb in New York City?",
      choices: ['Grant', 'No one', 'Napoleon', 'Churchill', 'Mother Teresa'],
      answer: 'A',
    });
    expect(questions[0]!.where).toBe('line 2');
  });

  test('weights make a multiple-answer question: positive weights are the right answers', () => {
    expect(questions[1]!.input).toMatchObject({ type: 'multiple', answer: ['B', 'C'], choices: ['No one', 'Grant', "Grant's wife", "Grant's father"] });
  });

  test('true/false in both spellings, feedback dropped', () => {
    expect(questions[2]!.input).toMatchObject({ type: 'single', choices: ['True', 'False'], answer: 'A' });
    expect(questions[3]!.input).toMatchObject({ type: 'single', text: 'The sun rises in the West.', answer: 'B' });
  });

  test('numeric with tolerance, with a range, and with several answers (the full-credit one)', () => {
    expect(questions[4]!.input).toEqual({ type: 'numeric', text: 'When was Ulysses S. Grant born?', answer: 1822, tolerance: 5 });
    expect(questions[5]!.input).toMatchObject({ type: 'numeric', answer: 3.1415 });
    expect(questions[5]!.input.tolerance).toBe(0.0005);
    expect(questions[6]!.input).toMatchObject({ type: 'numeric', answer: 1822, tolerance: 0 });
  });

  test('missing-word form becomes a blank in the text; trailing text after the answers is kept', () => {
    expect(questions[7]!.input).toMatchObject({ type: 'single', text: 'Moodle costs _____ to download from moodle.org.', answer: 'B' });
    expect(questions[5]!.input.text).toBe('What is the value of pi (to 3 decimal places)? _____ .');
  });

  test('general feedback is the explanation; escapes are undone', () => {
    expect(questions[8]!.input).toMatchObject({ answer: 'A', explanation: 'Count them: four.' });
    expect(questions[9]!.input.choices).toEqual(['{ and }', '= only', '~ only']);
  });
});

describe('parseGift categories, formats and settings', () => {
  test('each $CATEGORY starts a bank named after it; questions before any category keep the file name', () => {
    const parsed = parseGift('Q0 {=a ~b}\n\n$CATEGORY: $course$/top/Maths\n\nQ1 {=a ~b}\n\n$CATEGORY: Physics\n\nQ2 {T}\n', 'file');
    expect(parsed.ok && parsed.banks.map((bank) => [bank.title, bank.questions.length])).toEqual([
      ['file', 1],
      ['Maths', 1],
      ['Physics', 1],
    ]);
  });

  test('[markdown] and [html] prefixes are dropped; \\n is a line break; a question may span lines', () => {
    const parsed = parseGift('[markdown]Line one\\nline **two**\nstill the question {\n=yes\n~no\n}', 'f');
    expect(parsed.ok && parsed.banks[0]!.questions[0]!.input.text).toBe('Line one\nline **two**\nstill the question');
  });

  test('[html] text becomes plain text: the Markdown renderer would show its tags', () => {
    const parsed = parseGift('[html]<p>What is <b>2 \\= 2</b>?</p> {=[html]<i>yes</i> ~no ####[html]<p>Because.</p>}', 'f');
    expect(parsed.ok && parsed.banks[0]!.questions[0]!.input).toEqual({ type: 'single', text: 'What is 2 = 2?', choices: ['yes', 'no'], answer: 'A', explanation: 'Because.' });
  });

  test('a live-quiz comment sets time limit and scoring; a wrong one is reported by line', () => {
    const parsed = parseGift('// live-quiz: time_limit_s=45 scoring=accuracy\nQ {=a ~b}', 'f');
    expect(parsed.ok && parsed.banks[0]!.questions[0]!.input).toMatchObject({ time_limit_s: 45, scoring: 'accuracy' });
    const bad = parseGift('// live-quiz: colour=red\nQ {=a ~b}', 'f');
    expect(!bad.ok && bad.details).toEqual([{ path: 'line 1', message: expect.stringContaining('"colour=red" is not a setting') }]);
  });

  test('with no "=" answer a question is multiple-answer even with one positive weight, as in Moodle', () => {
    const parsed = parseGift('Q {~%100%a ~%-50%b ~%-50%c}\n\nR {=a ~%50%b ~c}', 'f');
    expect(parsed.ok && parsed.banks[0]!.questions.map((question) => [question.input.type, question.input.answer])).toEqual([
      ['multiple', ['A']],
      ['multiple', ['A', 'B']],
    ]);
  });

  test('no right answer makes a poll', () => {
    const parsed = parseGift('Best colour? {~red ~blue}', 'f');
    expect(parsed.ok && parsed.banks[0]!.questions[0]!.input).toEqual({ type: 'poll', text: 'Best colour?', choices: ['red', 'blue'] });
  });
});

describe('parseGift refuses what cannot be played, by line', () => {
  const sample = [
    'Fine {=a ~b}',
    '',
    '// matching',
    'Match these. {',
    '=cat -> meow',
    '=dog -> woof',
    '}',
    '',
    'Essay: write about it. {}',
    '',
    'Who is buried? {=Grant =Ulysses S. Grant}',
    '',
    'Just a description.',
    '',
    'Unclosed { =a ~b',
    '',
    'Bad number {#abc}',
  ].join('\n');

  test('every unsupported or broken question is reported with its line and nothing is kept', () => {
    const parsed = parseGift(sample, 'f');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.details.map((detail) => detail.path)).toEqual(['line 4', 'line 9', 'line 11', 'line 13', 'line 15', 'line 17']);
    expect(parsed.details[0]!.message).toContain('matching');
    expect(parsed.details[1]!.message).toContain('essay');
    expect(parsed.details[2]!.message).toContain('short-answer');
    expect(parsed.details[3]!.message).toContain('descriptions');
    expect(parsed.details[4]!.message).toContain('never closed');
    expect(parsed.details[5]!.message).toContain('"abc" is not a number');
  });
});

describe('GIFT through the dispatcher and the one validator', () => {
  test('a validator rule is reported at the question\'s line', async () => {
    const result = await importPoolFile({ name: 'week1.gift', bytes: encode('Ok {=a ~b}\n\n\nToo many {=1 ~2 ~3 ~4 ~5 ~6 ~7}\n') });
    expect(result).toEqual({ ok: false, format: 'gift', details: [{ path: 'line 4', message: expect.stringContaining('choices:') }] });
  });

  test('categories give banks; the one-bank upload joins them under the file name', async () => {
    const bytes = encode('$CATEGORY: A\n\nQ1 {=a ~b}\n\n$CATEGORY: B\n\nQ2 {=a ~b}\n');
    const banks = await importPoolFile({ name: 'course.gift', bytes });
    expect(banks.ok && banks.banks.map((bank) => bank.title)).toEqual(['A', 'B']);
    const joined = await importPoolFile({ name: 'course.gift', bytes }, { oneBank: true });
    expect(joined.ok && joined.banks.map((bank) => [bank.title, bank.pool.questions.length])).toEqual([['course', 2]]);
  });
});
