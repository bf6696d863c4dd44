/** The way back from a validated pool to a pool file (what banks show, download and edit). */
import { describe, expect, test } from 'bun:test';
import { imagesOf, poolToInput } from '../../../src/pool/pool-input';
import { validatePool } from '../../../src/pool/pool';
import { makePool, makeQuestion } from '../../helpers/test-server';

describe('poolToInput', () => {
  test('validating the pool file it gives returns the same pool, for every type', () => {
    const pool = {
      ...makePool(1),
      questions: [
        makeQuestion({ type: 'single', explanation: 'Why' }),
        makeQuestion({ type: 'multiple', answer: ['A', 'C'], scoring: 'accuracy' }),
        makeQuestion({ type: 'poll', answer: null }),
        makeQuestion({ type: 'numeric', answer: 3.5, tolerance: 0.5, time_limit_s: 45 }),
      ],
    };
    expect(validatePool(poolToInput(pool))).toEqual({ ok: true, pool });
  });
});

describe('imagesOf', () => {
  test('each image once, in the order the questions name them', () => {
    const pool = { ...makePool(1), questions: [makeQuestion({ image: '/media/b.png' }), makeQuestion(), makeQuestion({ image: '/media/a.png' }), makeQuestion({ image: '/media/b.png' })] };
    expect(imagesOf(pool)).toEqual(['/media/b.png', '/media/a.png']);
  });
});
