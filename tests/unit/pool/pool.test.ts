import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePoolText, validatePool } from '../../../src/pool/pool';
import { DEFAULT_TIME_LIMIT_S } from '../../../src/protocol/constants';
import type { PoolError } from '../../../src/protocol/pool';

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
    expect(result.pool.questions[0]).toEqual({
      text: 'Which?',
      choices: ['one', 'two', 'three', 'four'],
      answer: 'A',
      time_limit_s: 20,
      explanation: null,
    });
    expect(result.pool.questions[1]).toEqual({
      text: 'Which?',
      choices: ['one', 'two', 'three', 'four'],
      answer: 'D',
      time_limit_s: 45,
      explanation: 'Because.',
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

  test('examples/demo10_pool.json validates with 10 questions', () => {
    const result = parsePoolText(readFileSync(join(examples, 'demo10_pool.json'), 'utf8'));
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.pool.questions).toHaveLength(10);
    for (const question of result.pool.questions) {
      expect(question.choices.length).toBeGreaterThanOrEqual(2);
      expect(question.choices.length).toBeLessThanOrEqual(6);
    }
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

  test.each(['a', 'G', '', 'AB', '1'])('answer %p is refused', (answer) => {
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
      questions: [{ text: 1, choices: 'a,b', answer: 1, time_limit_s: '20', explanation: 3 }],
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
