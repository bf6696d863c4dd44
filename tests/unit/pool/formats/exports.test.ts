import { describe, expect, test } from 'bun:test';
import { exportAiken } from '../../../../src/pool/formats/aiken-export';
import { exportCsv } from '../../../../src/pool/formats/csv-export';
import { exportGift } from '../../../../src/pool/formats/gift-export';
import { exportMoodleXml } from '../../../../src/pool/formats/moodle-xml-export';
import { importPoolFile } from '../../../../src/pool/pool-import';
import { validatePool } from '../../../../src/pool/pool';
import type { Pool } from '../../../../src/protocol/pool';
import { PNG } from './moodle-xml-sample';

const encode = (text: string) => new TextEncoder().encode(text);

function poolOf(input: unknown, images: string[] = []): Pool {
  const validation = validatePool(input, { names: new Set(images), urlOf: (name) => `/media/${name}` });
  if (!validation.ok) throw new Error(JSON.stringify(validation.details));
  return validation.pool;
}

const POOL = poolOf(
  {
    title: 'Week <3> & more',
    questions: [
      { type: 'single', text: 'Is `a < b && c > d` **true**?\n\n```js\nif (a < b) {}\n```', choices: ['yes <b>', 'no & never'], answer: 'A', explanation: 'Because $x^2$.', time_limit_s: 45, scoring: 'accuracy' },
      { type: 'multiple', text: 'Primes?', choices: ['2', '3', '4', '5'], answer: ['A', 'B', 'D'] },
      { type: 'numeric', text: 'Pi?', answer: 3.14159, tolerance: 0.001 },
      { type: 'numeric', text: 'Exactly?', answer: -42 },
      { type: 'poll', text: 'Tea or coffee?', choices: ['Tea', 'Coffee'] },
      { type: 'single', text: 'Which tree?', choices: ['BST', 'Heap'], answer: 'B', image: 'tree.png', image_alt: 'a binary tree' },
    ],
  },
  ['tree.png'],
);

describe('Moodle XML export round trip', () => {
  test('export → import gives the same questions, the image embedded and back at its /media URL', async () => {
    const xml = exportMoodleXml(POOL, (url) => (url === '/media/tree.png' ? { name: 'tree.png', bytes: new Uint8Array(PNG) } : null));
    const result = await importPoolFile({ name: 'export.xml', bytes: encode(xml) });
    if (!result.ok) throw new Error(`${JSON.stringify(result.details)}\n${xml}`);
    const [bank] = result.banks;
    const imageUrl = bank!.pool.questions[5]!.image;
    expect(imageUrl).toMatch(/^\/media\/[0-9a-f]{64}\.png$/);
    expect(bank!.pool.questions).toEqual(POOL.questions.map((question) => (question.image ? { ...question, image: imageUrl } : question)));
  });
});

describe('Aiken export', () => {
  const singles = poolOf({ title: 't', questions: [POOL.questions[0]!, { text: 'Capital of France?', choices: ['Lyon', 'Paris'], answer: 'B' }].map(({ text, choices, answer }) => ({ text: text.split('\n')[0], choices, answer })) });

  test('single-answer questions round-trip (their text and choices; Aiken has no time limit or explanation)', async () => {
    const aiken = exportAiken(singles);
    if (!aiken.ok) throw new Error(aiken.problems.join());
    const result = await importPoolFile({ name: 'back.txt', bytes: encode(aiken.text) });
    expect(result.ok && result.format).toBe('aiken');
    expect(result.ok && result.banks[0]!.pool.questions).toEqual(singles.questions);
  });

  test('anything Aiken cannot hold is refused by question number', () => {
    expect(exportAiken(POOL)).toEqual({
      ok: false,
      problems: [
        'question 1 has a line break in its text or a choice: Aiken puts each on one line',
        'question 2 is multiple: Aiken holds single-answer questions only',
        'question 3 is numeric: Aiken holds single-answer questions only',
        'question 4 is numeric: Aiken holds single-answer questions only',
        'question 5 is poll: Aiken holds single-answer questions only',
      ],
    });
  });
});

describe('CSV export round trip', () => {
  test('export → import gives the same questions (images left out)', async () => {
    const result = await importPoolFile({ name: 'sheet.csv', bytes: encode(exportCsv(POOL)) });
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.banks[0]!.pool.questions).toEqual(POOL.questions.map((question) => ({ ...question, image: null, image_alt: null })));
  });
});

describe('round trips of mutated files', () => {
  // Regression: fuzzing found a multiple-answer question with one right answer coming back
  // from GIFT as single choice, and Moodle XML in an unknown text format keeping its HTML.
  const samples: [string, string][] = [
    ['a.gift', '$CATEGORY: A\n\n// live-quiz: time_limit_s=30 scoring=accuracy\n::n::[html]<p>Q \\{x\\}</p> {=a#fb ~%50%b ~%-50%c ####[markdown]ex}\n\nN {#1..5}\n\nT {TRUE#x#y}\n\nMoodle costs {~lots =nothing} to get.\n'],
    ['a.csv', 'type,text,choice_a,choice_b,answer,tolerance\nsingle,"Q, ""x""",a,b,A,\nnumeric,N,,,3,0.5\nmultiple,M,a,b,"A,B",\n'],
  ];
  const specials = encode('{}~=#:\\%\n<>&"\',;/![]()@$.-0123456789ATF');
  let seed = 4242;
  const next = (limit: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % limit;
  };
  const withoutImages = (pool: Pool) => pool.questions.map((question) => ({ ...question, image: null, image_alt: null }));

  for (const [name, text] of samples) {
    test(`${name}: 300 mutations; each that imports comes back the same from GIFT, Moodle XML and CSV`, async () => {
      let imported = 0;
      for (let round = 0; round < 300; round++) {
        const bytes = encode(text);
        bytes[next(bytes.length)] = specials[next(specials.length)]!;
        const result = await importPoolFile({ name, bytes });
        if (!result.ok) continue;
        imported++;
        for (const bank of result.banks) {
          for (const [out, written] of [['x.gift', exportGift([bank.pool])], ['x.xml', exportMoodleXml(bank.pool)], ['x.csv', exportCsv(bank.pool)]] as const) {
            const back = await importPoolFile({ name: out, bytes: encode(written) });
            if (!back.ok) throw new Error(`${out} of ${JSON.stringify(new TextDecoder().decode(bytes))}: ${JSON.stringify(back.details)}`);
            expect(withoutImages(back.banks[0]!.pool)).toEqual(withoutImages(bank.pool));
          }
        }
      }
      expect(imported).toBeGreaterThan(30);
    }, 30_000);
  }
});
