import { describe, expect, test } from 'bun:test';
import { exportGift } from '../../../../src/pool/formats/gift-export';
import { importPoolFile } from '../../../../src/pool/pool-import';
import { validatePool } from '../../../../src/pool/pool';
import type { Pool } from '../../../../src/protocol/pool';

function poolOf(input: unknown): Pool {
  const validation = validatePool(input);
  if (!validation.ok) throw new Error(JSON.stringify(validation.details));
  return validation.pool;
}

/** Every type GIFT can carry, with the characters GIFT must escape, Markdown, code and maths. */
const POOL = poolOf({
  title: 'Week 3: {sets} & maths',
  scoring: 'accuracy',
  questions: [
    { type: 'single', text: 'Which is **bold**?\n\n```js\nconst a = {b: 1};\n```', choices: ['a = b', '~tilde~', '#hash', 'x: y'], answer: 'C', explanation: 'See `{}` and \\(x^2\\).', time_limit_s: 45 },
    { type: 'multiple', text: 'Primes?', choices: ['2', '3', '4', '5', '6', '7'], answer: ['A', 'B', 'D', 'F'], scoring: 'speed' },
    // Regression: a multiple-answer question with one right answer came back as single choice.
    { type: 'multiple', text: 'Even primes?', choices: ['2', '3', '5'], answer: ['A'] },
    { type: 'numeric', text: 'Speed of light in Mm/s?', answer: 299.792458, tolerance: 0.5 },
    { type: 'numeric', text: 'Exactly −3?', answer: -3 },
    { type: 'poll', text: 'Tea or coffee?', choices: ['Tea', 'Coffee'], time_limit_s: 600 },
    { type: 'single', text: 'A back\\slash and $CATEGORY: text // not a comment', choices: ['True', 'False'], answer: 'B' },
  ],
});

describe('GIFT export round trip', () => {
  test('export → import gives the same pool (title, scoring, every question field)', async () => {
    const gift = exportGift([POOL]);
    const result = await importPoolFile({ name: 'export.gift', bytes: new TextEncoder().encode(gift) });
    if (!result.ok) throw new Error(`${JSON.stringify(result.details)}\n${gift}`);
    expect(result.banks.map((bank) => bank.pool)).toEqual([POOL]);
  });

  test('several pools are several categories, read back as several banks', async () => {
    const second = { ...POOL, title: 'Other', questions: POOL.questions.slice(0, 2) };
    const result = await importPoolFile({ name: 'x.gift', bytes: new TextEncoder().encode(exportGift([POOL, second])) });
    expect(result.ok && result.banks.map((bank) => bank.pool)).toEqual([POOL, second]);
  });

  test('what GIFT cannot carry: an image is left out with a comment saying so', () => {
    const withImage: Pool = { ...POOL, questions: [{ ...POOL.questions[0]!, image: '/media/abc.png', image_alt: 'A map' }] };
    expect(exportGift([withImage])).toContain('// image not exported (GIFT cannot carry files): A map');
  });

  test('a multiple-answer question uses Moodle weights that add up to 100 for the right answers', () => {
    const gift = exportGift([{ ...POOL, questions: [POOL.questions[1]!] }]);
    expect(gift).toContain('~%25%2');
    expect(gift).toContain('~%-50%4');
  });
});
