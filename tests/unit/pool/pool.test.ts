import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePoolText, readStoredPool, validatePool, type PoolMedia } from '../../../src/pool/pool';
import { DEFAULT_TIME_LIMIT_S } from '../../../src/protocol/constants';
import type { PoolError, PoolQuestion } from '../../../src/protocol/pool';

const examples = join(import.meta.dir, '..', '..', '..', 'examples');

const q = (overrides: Record<string, unknown> = {}) => ({ text: 'Which?', choices: ['one', 'two', 'three', 'four'], answer: 'A', ...overrides });
const poolWith = (questions: unknown[], extra: Record<string, unknown> = {}) => ({ title: 'Quiz', questions, ...extra });

function errorsOf(input: unknown): PoolError[] {
  const result = validatePool(input);
  if (result.ok) throw new Error('expected the pool to be refused');
  for (const detail of result.details) {
    expect(typeof detail.message).toBe('string');
    expect(detail.message.length).toBeGreaterThan(0);
  }
  return result.details;
}

const pathsOf = (input: unknown) => errorsOf(input).map((detail) => detail.path);

describe('validatePool: valid pools', () => {
  test('a valid pool normalises: default time limit, explanation null when missing or blank', () => {
    const result = validatePool(
      poolWith([
        q(),
        q({ answer: 'D', time_limit_s: 45, explanation: 'Because.' }),
        q({ explanation: '   ' }),
        q({ explanation: '' }),
      ]),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.pool.title).toBe('Quiz');
    expect(result.pool.questions).toHaveLength(4);
    expect(DEFAULT_TIME_LIMIT_S).toBe(20);
    expect(result.pool.scoring).toBe('speed');
    expect(result.pool.questions[0]).toEqual({
      type: 'single',
      text: 'Which?',
      choices: ['one', 'two', 'three', 'four'],
      answer: 'A',
      tolerance: 0,
      time_limit_s: 20,
      explanation: null,
      scoring: 'speed',
      image: null,
      image_alt: null,
    });
    expect(result.pool.questions[1]).toEqual({
      type: 'single',
      text: 'Which?',
      choices: ['one', 'two', 'three', 'four'],
      answer: 'D',
      tolerance: 0,
      time_limit_s: 45,
      explanation: 'Because.',
      scoring: 'speed',
      image: null,
      image_alt: null,
    });
    expect(result.pool.questions[2]!.explanation).toBeNull();
    expect(result.pool.questions[3]!.explanation).toBeNull();
  });

  test('the bounds are inclusive: 2 and 6 choices, 5 and 600 seconds', () => {
    const result = validatePool(
      poolWith([
        q({ choices: ['a', 'b'], answer: 'B', time_limit_s: 5 }),
        q({ choices: ['a', 'b', 'c', 'd', 'e', 'f'], answer: 'F', time_limit_s: 600 }),
      ]),
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.pool.questions.map((question) => question.time_limit_s)).toEqual([5, 600]);
  });

  test('examples/demo10_pool.json (version 1) validates with 10 questions, all single, speed, no image', () => {
    const text = readFileSync(join(examples, 'demo10_pool.json'), 'utf8');
    const file = JSON.parse(text) as { scoring?: unknown; questions: Record<string, unknown>[] };
    // It is a version 1 pool: none of the version 2 fields.
    expect(file.scoring).toBeUndefined();
    for (const question of file.questions) {
      for (const field of ['type', 'tolerance', 'scoring', 'image', 'image_alt']) expect(question[field]).toBeUndefined();
    }
    const result = parsePoolText(text);
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.pool.scoring).toBe('speed');
    expect(result.pool.questions).toHaveLength(10);
    result.pool.questions.forEach((question, index) => {
      expect(question.choices.length).toBeGreaterThanOrEqual(2);
      expect(question.choices.length).toBeLessThanOrEqual(6);
      expect(question.type).toBe('single');
      expect(question.answer).toBe(file.questions[index]!.answer as PoolQuestion['answer']);
      expect(question.tolerance).toBe(0);
      expect(question.scoring).toBe('speed');
      expect(question.image).toBeNull();
      expect(question.image_alt).toBeNull();
    });
  });

  test('examples/pool_example.json validates', () => {
    const result = parsePoolText(readFileSync(join(examples, 'pool_example.json'), 'utf8'));
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.pool.title).toBe('Week 3 — Sorting');
    expect(result.pool.questions.length).toBeGreaterThan(0);
    // The second question has no time_limit_s in the file: it gets the default.
    expect(result.pool.questions[1]!.time_limit_s).toBe(20);
  });
});

describe('validatePool: every error with its JSON path', () => {
  test('missing title', () => {
    expect(pathsOf({ questions: [q()] })).toEqual(['/title']);
  });

  test('empty title', () => {
    expect(pathsOf(poolWith([q()], { title: '' }))).toEqual(['/title']);
  });

  test('blank title', () => {
    const [detail] = errorsOf(poolWith([q()], { title: '   ' }));
    expect(detail!.path).toBe('/title');
    expect(detail!.message).toContain('non-blank');
  });

  test('questions not an array', () => {
    expect(pathsOf(poolWith([], { questions: { 0: q() } }))).toEqual(['/questions']);
    expect(pathsOf({ title: 'Quiz' })).toEqual(['/questions']);
  });

  test('empty questions', () => {
    expect(pathsOf(poolWith([]))).toEqual(['/questions']);
  });

  test('one choice', () => {
    expect(pathsOf(poolWith([q(), q({ choices: ['only'] })]))).toEqual(['/questions/1/choices']);
  });

  test('seven choices', () => {
    expect(pathsOf(poolWith([q({ choices: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })]))).toEqual(['/questions/0/choices']);
  });

  test('empty and blank choice text', () => {
    expect(pathsOf(poolWith([q({ choices: ['a', ''] })]))).toEqual(['/questions/0/choices/1']);
    expect(pathsOf(poolWith([q({ choices: ['   ', 'b'] })]))).toEqual(['/questions/0/choices/0']);
  });

  test('answer letter beyond the choices → /questions/N/answer', () => {
    const [detail] = errorsOf(poolWith([q(), q(), q({ choices: ['a', 'b', 'c'], answer: 'D' })]));
    expect(detail!.path).toBe('/questions/2/answer');
    expect(detail!.message).toContain('A, B, C');
  });

  test.each([['a'], ['G'], [''], ['AB'], ['1'], [1], [['A']], [null]])('answer %p of a single question is refused', (answer) => {
    expect(pathsOf(poolWith([q({ answer })]))).toEqual(['/questions/0/answer']);
  });

  test.each([4, 601, 20.5, 0, -20])('time_limit_s %p is refused', (time_limit_s) => {
    expect(pathsOf(poolWith([q({ time_limit_s })]))).toEqual(['/questions/0/time_limit_s']);
  });

  test('unknown properties at the top and in a question', () => {
    const details = errorsOf(poolWith([q(), q({ points: 5 })], { author: 'me' }));
    expect(details.map((detail) => detail.path).sort()).toEqual(['/author', '/questions/1/points']);
  });

  test('wrong types', () => {
    const paths = pathsOf({
      title: 5,
      // (A number is a well-typed answer since version 2, for numeric questions: true is not.)
      questions: [{ text: 1, choices: 'a,b', answer: true, time_limit_s: '20', explanation: 3 }],
    });
    expect(paths).toEqual(
      expect.arrayContaining([
        '/title',
        '/questions/0/text',
        '/questions/0/choices',
        '/questions/0/answer',
        '/questions/0/time_limit_s',
        '/questions/0/explanation',
      ]),
    );
  });

  test('a missing question field', () => {
    expect(pathsOf(poolWith([{ choices: ['a', 'b'], answer: 'A' }]))).toEqual(['/questions/0/text']);
  });

  test('a non-object pool is refused at /', () => {
    for (const input of [null, [], 'pool', 42, undefined]) expect(pathsOf(input)).toEqual(['/']);
  });

  test('several errors are reported at once, one per path', () => {
    const paths = pathsOf({
      title: '',
      questions: [q({ time_limit_s: 1 }), q({ choices: ['x'] }), q({ extra: true })],
    });
    expect(paths.sort()).toEqual(['/questions/0/time_limit_s', '/questions/1/choices', '/questions/2/extra', '/title']);
    expect(new Set(paths).size).toBe(paths.length);
  });

  test('several bad answer letters are reported at once', () => {
    expect(pathsOf(poolWith([q({ answer: 'E' }), q(), q({ answer: 'F' })]))).toEqual([
      '/questions/0/answer',
      '/questions/2/answer',
    ]);
  });
});

/** A media set holding `names`, served under /media/. */
const mediaOf = (...names: string[]): PoolMedia => ({ names: new Set(names), urlOf: (name) => `/media/${name}` });

describe('validatePool: version 2 question types', () => {
  const multiple = (overrides: Record<string, unknown> = {}) =>
    q({ type: 'multiple', choices: ['a', 'b', 'c', 'd'], answer: ['C', 'A'], ...overrides });
  const numeric = (overrides: Record<string, unknown> = {}) => ({ type: 'numeric', text: 'How many?', answer: 3.5, ...overrides });
  const poll = (overrides: Record<string, unknown> = {}) => ({ type: 'poll', text: 'Which?', choices: ['yes', 'no'], ...overrides });

  test('every type normalises: multiple sorted, poll answer null, numeric without choices, tolerance default 0', () => {
    const result = validatePool(
      poolWith([
        multiple(),
        poll(),
        numeric({ tolerance: 0.25 }),
        numeric(),
        q({ type: 'single', answer: 'B' }),
      ]),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    const [m, p, n, exact, single] = result.pool.questions;
    expect(m).toEqual({
      type: 'multiple',
      text: 'Which?',
      choices: ['a', 'b', 'c', 'd'],
      answer: ['A', 'C'],
      tolerance: 0,
      time_limit_s: 20,
      explanation: null,
      scoring: 'speed',
      image: null,
      image_alt: null,
    });
    expect(p).toEqual({
      type: 'poll',
      text: 'Which?',
      choices: ['yes', 'no'],
      answer: null,
      tolerance: 0,
      time_limit_s: 20,
      explanation: null,
      scoring: 'speed',
      image: null,
      image_alt: null,
    });
    expect(n).toEqual({
      type: 'numeric',
      text: 'How many?',
      choices: [],
      answer: 3.5,
      tolerance: 0.25,
      time_limit_s: 20,
      explanation: null,
      scoring: 'speed',
      image: null,
      image_alt: null,
    });
    expect(exact!.tolerance).toBe(0);
    expect(single!.type).toBe('single');
    expect(single!.answer).toBe('B');
  });

  test('scoring: the pool default applies to every question without its own', () => {
    const result = validatePool(poolWith([q(), q({ scoring: 'speed' }), numeric({ scoring: 'accuracy' })], { scoring: 'accuracy' }));
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.pool.scoring).toBe('accuracy');
    expect(result.pool.questions.map((question) => question.scoring)).toEqual(['accuracy', 'speed', 'accuracy']);
  });

  test('an image uploaded with the pool becomes its URL; a blank alt text is null', () => {
    const result = validatePool(
      poolWith([q({ image: 'tree.png', image_alt: 'a binary tree' }), q({ image: 'tree.png', image_alt: '  ' })]),
      mediaOf('tree.png'),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.pool.questions[0]!.image).toBe('/media/tree.png');
    expect(result.pool.questions[0]!.image_alt).toBe('a binary tree');
    expect(result.pool.questions[1]!.image_alt).toBeNull();
  });

  test('a multiple answer may be one letter or every letter', () => {
    expect(validatePool(poolWith([multiple({ answer: ['D'] }), multiple({ answer: ['D', 'C', 'B', 'A'] })])).ok).toBe(true);
  });

  test('a numeric question may have a negative or zero answer and a zero tolerance', () => {
    expect(validatePool(poolWith([numeric({ answer: -2.5, tolerance: 0 }), numeric({ answer: 0 })])).ok).toBe(true);
  });

  test('multiple: an answer letter beyond the choices → /questions/N/answer/<position>', () => {
    const [detail, ...rest] = errorsOf(poolWith([q(), q(), multiple({ choices: ['a', 'b', 'c'], answer: ['A', 'D'] })]));
    expect(rest).toEqual([]);
    expect(detail!.path).toBe('/questions/2/answer/1');
    expect(detail!.message).toContain('A, B, C');
  });

  test('multiple: a letter listed twice → the path of the repeat', () => {
    const [detail, ...rest] = errorsOf(poolWith([multiple({ answer: ['A', 'C', 'A'] })]));
    expect(rest).toEqual([]);
    expect(detail!.path).toBe('/questions/0/answer/2');
    expect(detail!.message).toContain('twice');
  });

  test.each([
    ['an empty list', []],
    ['a single letter', 'A'],
    ['no answer', undefined],
    ['a number', 1],
  ])('multiple: %s → /questions/0/answer', (_name, answer) => {
    expect(pathsOf(poolWith([multiple({ answer })]))).toEqual(['/questions/0/answer']);
  });

  test('multiple: several bad letters are each reported', () => {
    expect(pathsOf(poolWith([multiple({ answer: ['E', 'A', 'A', 'F'] })]))).toEqual([
      '/questions/0/answer/0',
      '/questions/0/answer/2',
      '/questions/0/answer/3',
    ]);
  });

  test.each([
    ['Infinity', Number.POSITIVE_INFINITY],
    ['NaN', Number.NaN],
    ['a letter', 'A'],
    ['a list', [1]],
    ['missing', undefined],
  ])('numeric: an answer that is not a finite number (%s) → /questions/0/answer', (_name, answer) => {
    expect(pathsOf(poolWith([numeric({ answer })]))).toEqual(['/questions/0/answer']);
  });

  test('numeric: 1e400 in the file text is not finite → /questions/0/answer', () => {
    const result = parsePoolText('{"title":"Quiz","questions":[{"type":"numeric","text":"How many?","answer":1e400}]}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.details.map((detail) => detail.path)).toEqual(['/questions/0/answer']);
  });

  test('numeric: a negative tolerance → /questions/0/tolerance', () => {
    expect(pathsOf(poolWith([numeric({ tolerance: -0.5 })]))).toEqual(['/questions/0/tolerance']);
  });

  test('numeric: a tolerance that is not a finite number → /questions/0/tolerance', () => {
    expect(pathsOf(poolWith([numeric({ tolerance: Number.POSITIVE_INFINITY })]))).toEqual(['/questions/0/tolerance']);
    expect(pathsOf(poolWith([numeric({ tolerance: '0.5' })]))).toEqual(['/questions/0/tolerance']);
  });

  test('numeric: choices → /questions/0/choices', () => {
    const [detail] = errorsOf(poolWith([numeric({ choices: ['one', 'two'] })]));
    expect(detail!.path).toBe('/questions/0/choices');
    expect(detail!.message).toContain('numeric');
  });

  test('poll: an answer → /questions/0/answer', () => {
    for (const answer of ['A', ['A'], 1]) {
      const [detail, ...rest] = errorsOf(poolWith([poll({ answer })]));
      expect(rest).toEqual([]);
      expect(detail!.path).toBe('/questions/0/answer');
      expect(detail!.message).toContain('poll');
    }
  });

  test.each(['single', 'multiple', 'poll'])('a tolerance on a %s question → /questions/0/tolerance', (type) => {
    const question = type === 'single' ? q({ tolerance: 1 }) : type === 'multiple' ? multiple({ tolerance: 1 }) : poll({ tolerance: 1 });
    expect(pathsOf(poolWith([question]))).toEqual(['/questions/0/tolerance']);
    // Even a tolerance of 0: only a numeric question has one.
    const zero = { ...question, tolerance: 0 };
    expect(pathsOf(poolWith([zero]))).toEqual(['/questions/0/tolerance']);
  });

  test('an image that did not come with the pool → /questions/0/image', () => {
    const [detail] = errorsOf(poolWith([q({ image: 'tree.png' })]));
    expect(detail!.path).toBe('/questions/0/image');
    expect(detail!.message).toContain('tree.png');
    expect(pathsOf({ title: 'Quiz', questions: [q({ image: 'tree.png' })] })).toEqual(['/questions/0/image']);
    // Another file uploaded does not help.
    const other = validatePool(poolWith([q(), q({ image: 'tree.png' })]), mediaOf('graph.png'));
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.details.map((error) => error.path)).toEqual(['/questions/1/image']);
  });

  test.each([
    ['single', (choices: unknown) => q({ choices })],
    ['multiple', (choices: unknown) => multiple({ choices })],
    ['poll', (choices: unknown) => poll({ choices })],
  ] as const)('%s with fewer than 2 choices → /questions/0/choices', (_type, make) => {
    expect(pathsOf(poolWith([make(['only'])]))).toEqual(['/questions/0/choices']);
    expect(pathsOf(poolWith([make([])]))).toEqual(['/questions/0/choices']);
    expect(pathsOf(poolWith([make(undefined)]))).toEqual(['/questions/0/choices']);
  });

  test('an unknown type → /questions/0/type', () => {
    expect(pathsOf(poolWith([q({ type: 'essay' })]))).toEqual(['/questions/0/type']);
  });

  test('an unknown scoring mode → its path', () => {
    expect(pathsOf(poolWith([q({ scoring: 'fastest' })]))).toEqual(['/questions/0/scoring']);
    expect(pathsOf(poolWith([q()], { scoring: 'fastest' }))).toEqual(['/scoring']);
  });

  test('a pool is refused whole: one bad question of many refuses all, every error reported', () => {
    const result = validatePool(
      poolWith([q(), multiple(), numeric(), poll({ answer: 'A' }), numeric({ tolerance: -1 }), multiple({ answer: ['A', 'A'] })]),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.details.map((detail) => detail.path).sort()).toEqual([
        '/questions/3/answer',
        '/questions/4/tolerance',
        '/questions/5/answer/1',
      ]);
    }
  });
});

describe('readStoredPool', () => {
  test('upgrades a pool stored before version 2: single, speed, tolerance 0, no image', () => {
    const storedV1 = {
      title: 'Old',
      questions: [
        { text: 'q0', choices: ['a', 'b', 'c'], answer: 'B', time_limit_s: 30, explanation: 'Because.' },
        { text: 'q1', choices: ['a', 'b'], answer: 'A', time_limit_s: 20, explanation: null },
      ],
    };
    expect(readStoredPool(JSON.stringify(storedV1))).toEqual({
      title: 'Old',
      scoring: 'speed',
      questions: [
        {
          type: 'single',
          text: 'q0',
          choices: ['a', 'b', 'c'],
          answer: 'B',
          tolerance: 0,
          time_limit_s: 30,
          explanation: 'Because.',
          scoring: 'speed',
          image: null,
          image_alt: null,
        },
        {
          type: 'single',
          text: 'q1',
          choices: ['a', 'b'],
          answer: 'A',
          tolerance: 0,
          time_limit_s: 20,
          explanation: null,
          scoring: 'speed',
          image: null,
          image_alt: null,
        },
      ],
    });
  });

  test('a version 1 pool validated by the old code reads back as the same pool validated now', () => {
    const text = readFileSync(join(examples, 'demo10_pool.json'), 'utf8');
    const current = parsePoolText(text);
    if (!current.ok) throw new Error(JSON.stringify(current.details));
    // What version 1 stored: the normalised pool without the version 2 fields.
    const storedV1 = {
      title: current.pool.title,
      questions: current.pool.questions.map(({ text, choices, answer, time_limit_s, explanation }) => ({
        text,
        choices,
        answer,
        time_limit_s,
        explanation,
      })),
    };
    expect(readStoredPool(JSON.stringify(storedV1))).toEqual(current.pool);
  });

  test('a version 2 pool reads back unchanged', () => {
    const result = validatePool(
      poolWith(
        [
          q({ type: 'multiple', answer: ['B', 'A'], scoring: 'speed' }),
          { type: 'numeric', text: 'n', answer: 2, tolerance: 0.5 },
          { type: 'poll', text: 'p', choices: ['x', 'y'] },
          q({ image: 'i.png', image_alt: 'alt' }),
        ],
        { scoring: 'accuracy' },
      ),
      mediaOf('i.png'),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(readStoredPool(JSON.stringify(result.pool))).toEqual(result.pool);
  });
});

describe('parsePoolText', () => {
  test('valid JSON text is validated', () => {
    const result = parsePoolText(JSON.stringify(poolWith([q()])));
    expect(result.ok).toBe(true);
  });

  test.each(['{nope', '', '{"title": "x",}', 'undefined'])('invalid JSON %p → path /', (text) => {
    const result = parsePoolText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.details).toHaveLength(1);
      expect(result.details[0]!.path).toBe('/');
      expect(result.details[0]!.message).toContain('JSON');
    }
  });

  test('valid JSON that is not a pool reports schema paths', () => {
    const result = parsePoolText('{"title": "x", "questions": []}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.details.map((detail) => detail.path)).toEqual(['/questions']);
  });
});
