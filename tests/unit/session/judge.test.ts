import { describe, expect, test } from 'bun:test';
import type { Round } from '../../../src/protocol/constants';
import type { Pool } from '../../../src/protocol/pool';
import type { Submission } from '../../../src/session/answers';
import { judgeSubmit } from '../../../src/session/judge';
import type { SessionState } from '../../../src/session/machine';
import { makePool, makeQuestion } from '../../helpers/test-server';

const T0 = 1_700_000_000_000;

const SINGLE = 0;
const SINGLE_30S = 1;
const MULTIPLE = 2;
const POLL = 3;
const NUMERIC = 4;
const ACCURACY = 5;
const ACCURACY_MULTIPLE = 6;
const NUMERIC_DECIMAL = 7;

/** Every type; each 20 s unless said otherwise. */
const pool: Pool = {
  title: 'judge',
  scoring: 'speed',
  questions: [
    makeQuestion({ type: 'single', answer: 'A' }),
    makeQuestion({ type: 'single', answer: 'B', time_limit_s: 30 }),
    makeQuestion({ type: 'multiple', choices: ['a', 'b', 'c', 'd', 'e', 'f'], answer: ['A', 'C', 'D'] }),
    makeQuestion({ type: 'poll' }),
    makeQuestion({ type: 'numeric', answer: 10, tolerance: 0.5 }),
    makeQuestion({ type: 'single', answer: 'C', scoring: 'accuracy' }),
    makeQuestion({ type: 'multiple', answer: ['A', 'C'], scoring: 'accuracy' }),
    makeQuestion({ type: 'numeric', answer: 3.14, tolerance: 0.01 }),
  ],
};

/** Question `index` open since T0, in `round`. */
function open(index: number, round: Round = 1): SessionState {
  const deadline = T0 + pool.questions[index]!.time_limit_s * 1000;
  return { phase: 'question', index, round, openedAt: T0, deadline };
}

const q0 = open(SINGLE);
const submitA = { questionIdx: SINGLE, choice: 'A' };

function judge(index: number, submission: Submission, elapsedMs = 3_000, round: Round = 1, hasAnswered = false) {
  return judgeSubmit(open(index, round), pool, { questionIdx: index, ...submission }, T0 + elapsedMs, hasAnswered);
}

/** The points of an accepted submit (fails the test if it was refused). */
function pointsOf(index: number, submission: Submission, elapsedMs = 3_000): number {
  const judgement = judge(index, submission, elapsedMs);
  if (!judgement.accepted) throw new Error(`refused: ${judgement.reason}`);
  return judgement.points;
}

describe('the order of refusals and the deadline race', () => {
  test('no question open → closed', () => {
    const states: SessionState[] = [
      { phase: 'lobby' },
      { phase: 'review', index: 0, round: 1 },
      { phase: 'review', index: 0, round: 2 },
      { phase: 'ended', lastIndex: 0 },
    ];
    for (const state of states) {
      expect(judgeSubmit(state, pool, submitA, T0 + 1, false)).toEqual({ accepted: false, reason: 'closed' });
    }
  });

  test('received at the deadline → closed', () => {
    expect(judgeSubmit(q0, pool, submitA, T0 + 20_000, false)).toEqual({ accepted: false, reason: 'closed' });
  });

  test('received after the deadline → closed', () => {
    expect(judgeSubmit(q0, pool, submitA, T0 + 20_001, false)).toEqual({ accepted: false, reason: 'closed' });
  });

  test('one millisecond before the deadline is still accepted', () => {
    expect(judgeSubmit(q0, pool, submitA, T0 + 19_999, false)).toEqual({ accepted: true, round: 1, stored: 'A', points: 500 });
  });

  test('the deadline decides in round 2 too', () => {
    const round2 = open(SINGLE, 2);
    expect(judgeSubmit(round2, pool, submitA, T0 + 20_000, false)).toEqual({ accepted: false, reason: 'closed' });
    expect(judgeSubmit(round2, pool, submitA, T0 + 19_999, false)).toEqual({ accepted: true, round: 2, stored: 'A', points: 0 });
  });

  test('closed comes before every other reason', () => {
    expect(judgeSubmit(q0, pool, { questionIdx: 5, choice: 'Z' }, T0 + 20_000, true)).toEqual({
      accepted: false,
      reason: 'closed',
    });
  });

  test('another question index → wrong_question, before the form is looked at', () => {
    expect(judgeSubmit(q0, pool, { questionIdx: 1, choice: 'A' }, T0 + 1, false)).toEqual({
      accepted: false,
      reason: 'wrong_question',
    });
    expect(judgeSubmit(q0, pool, { questionIdx: 1, value: 'nonsense' }, T0 + 1, true)).toEqual({
      accepted: false,
      reason: 'wrong_question',
    });
  });

  test('a student who has answered → already_answered', () => {
    expect(judgeSubmit(q0, pool, submitA, T0 + 1, true)).toEqual({ accepted: false, reason: 'already_answered' });
    expect(judgeSubmit(q0, pool, { questionIdx: 0, choice: 'B' }, T0 + 1, true)).toEqual({
      accepted: false,
      reason: 'already_answered',
    });
  });

  test('a wrong form is invalid_choice even from a student who has answered', () => {
    expect(judgeSubmit(q0, pool, { questionIdx: 0, choice: 'Z' }, T0 + 1, true)).toEqual({
      accepted: false,
      reason: 'invalid_choice',
    });
  });
});

describe('single', () => {
  test.each(['E', 'F', 'a', 'Z', '', 'AB', 'A '])('choice %p on a 4-choice question → invalid_choice', (choice) => {
    expect(judge(SINGLE, { choice })).toEqual({ accepted: false, reason: 'invalid_choice' });
  });

  test.each([
    ['choices', { choices: ['A'] }],
    ['value', { value: 1 }],
    ['choice and value', { choice: 'A', value: 1 }],
  ] as [string, Submission][])('a submit with %s → invalid_choice', (_name, submission) => {
    expect(judge(SINGLE, submission)).toEqual({ accepted: false, reason: 'invalid_choice' });
  });

  test('E and F are valid on a 6-choice question', () => {
    const six = makePool(1, { choices: 6 });
    const state: SessionState = { phase: 'question', index: 0, round: 1, openedAt: T0, deadline: T0 + 20_000 };
    expect(judgeSubmit(state, six, { questionIdx: 0, choice: 'F' }, T0 + 1, false).accepted).toBe(true);
    expect(judgeSubmit(state, six, { questionIdx: 0, choice: 'E' }, T0 + 1, false).accepted).toBe(true);
  });

  test('a wrong answer is accepted with 0 points', () => {
    expect(judgeSubmit(q0, pool, { questionIdx: 0, choice: 'C' }, T0 + 1, false)).toEqual({
      accepted: true,
      round: 1,
      stored: 'C',
      points: 0,
    });
  });

  test('a correct answer is scored from openedAt to receivedAt', () => {
    expect(judgeSubmit(q0, pool, submitA, T0, false)).toEqual({ accepted: true, round: 1, stored: 'A', points: 1000 });
    expect(judgeSubmit(q0, pool, submitA, T0 + 10_000, false)).toEqual({ accepted: true, round: 1, stored: 'A', points: 750 });
    // 1000 × (1 − 3000/20000/2) = 925
    expect(judgeSubmit(q0, pool, submitA, T0 + 3_000, false)).toEqual({ accepted: true, round: 1, stored: 'A', points: 925 });
    // question 1 has 30 s: 1000 × (1 − 7000/30000/2) = 883.33… → 883
    const q1: SessionState = { phase: 'question', index: SINGLE_30S, round: 1, openedAt: T0 + 100, deadline: T0 + 30_100 };
    expect(judgeSubmit(q1, pool, { questionIdx: SINGLE_30S, choice: 'B' }, T0 + 7_100, false)).toEqual({
      accepted: true,
      round: 1,
      stored: 'B',
      points: 883,
    });
  });
});

describe('multiple: partial credit round(P × max(0, hits − wrong picks) / |answer|)', () => {
  // Answer A, C, D of six choices. At 3 s of 20 s, P = 925.
  const P = 925;
  test.each([
    [['A', 'C', 'D'], P],
    [['D', 'A', 'C'], P],
    [['A', 'C'], Math.round((2 / 3) * P)],
    [['C', 'D'], Math.round((2 / 3) * P)],
    [['A', 'B', 'C'], Math.round((1 / 3) * P)],
    [['A'], Math.round((1 / 3) * P)],
    [['A', 'B'], 0],
    [['B'], 0],
    [['B', 'E', 'F'], 0],
    [['A', 'B', 'C', 'D', 'E'], Math.round((1 / 3) * P)],
    [['A', 'B', 'C', 'D', 'E', 'F'], 0],
    [['A', 'C', 'D', 'E'], Math.round((2 / 3) * P)],
  ])('picking %p scores %p', (choices, points) => {
    expect(pointsOf(MULTIPLE, { choices }, 3_000)).toBe(points);
  });

  test('the table in numbers: 925, 617, 308, 0', () => {
    expect(pointsOf(MULTIPLE, { choices: ['A', 'C', 'D'] })).toBe(925);
    expect(pointsOf(MULTIPLE, { choices: ['A', 'C'] })).toBe(617);
    expect(pointsOf(MULTIPLE, { choices: ['A', 'B', 'C'] })).toBe(308);
    expect(pointsOf(MULTIPLE, { choices: ['A', 'B', 'C', 'D', 'E'] })).toBe(308);
    expect(pointsOf(MULTIPLE, { choices: ['A', 'B'] })).toBe(0);
  });

  test('P follows the time: at the opening 1000, 667, 333; at the deadline 500, 333, 167', () => {
    expect(pointsOf(MULTIPLE, { choices: ['A', 'C', 'D'] }, 0)).toBe(1000);
    expect(pointsOf(MULTIPLE, { choices: ['A', 'C'] }, 0)).toBe(667);
    expect(pointsOf(MULTIPLE, { choices: ['A'] }, 0)).toBe(333);
    expect(pointsOf(MULTIPLE, { choices: ['A', 'C', 'D'] }, 19_999)).toBe(500);
    expect(pointsOf(MULTIPLE, { choices: ['A', 'C'] }, 19_999)).toBe(333);
    expect(pointsOf(MULTIPLE, { choices: ['A'] }, 19_999)).toBe(167);
  });

  test('the answer is stored sorted, whatever the order picked', () => {
    expect(judge(MULTIPLE, { choices: ['D', 'A'] })).toEqual({ accepted: true, round: 1, stored: 'A+D', points: 617 });
  });

  test.each([
    ['a choice instead of choices', { choice: 'A' }],
    ['an empty list', { choices: [] }],
    ['a duplicate letter', { choices: ['A', 'C', 'A'] }],
    ['a letter beyond the choices', { choices: ['A', 'G'] }],
    ['a value', { value: 1 }],
  ] as [string, Submission][])('%s → invalid_choice', (_name, submission) => {
    expect(judge(MULTIPLE, submission)).toEqual({ accepted: false, reason: 'invalid_choice' });
  });

  test('E on a 4-choice multiple question → invalid_choice', () => {
    expect(judge(ACCURACY_MULTIPLE, { choices: ['A', 'E'] })).toEqual({ accepted: false, reason: 'invalid_choice' });
  });
});

describe('poll', () => {
  test.each(['A', 'B', 'C', 'D'])('choice %p is accepted with 0 points, at any time', (choice) => {
    expect(judge(POLL, { choice }, 0)).toEqual({ accepted: true, round: 1, stored: choice, points: 0 });
    expect(judge(POLL, { choice }, 19_999)).toEqual({ accepted: true, round: 1, stored: choice, points: 0 });
  });

  test.each([
    ['a letter beyond the choices', { choice: 'E' }],
    ['choices', { choices: ['A'] }],
    ['a value', { value: 1 }],
  ] as [string, Submission][])('%s → invalid_choice', (_name, submission) => {
    expect(judge(POLL, submission)).toEqual({ accepted: false, reason: 'invalid_choice' });
  });
});

describe('numeric (10 ± 0.5)', () => {
  test('a value within the tolerance scores P', () => {
    expect(judge(NUMERIC, { value: 10 }, 3_000)).toEqual({ accepted: true, round: 1, stored: '10', points: 925 });
    expect(judge(NUMERIC, { value: 10.2 }, 0)).toEqual({ accepted: true, round: 1, stored: '10.2', points: 1000 });
  });

  test('the edges answer ± tolerance are correct', () => {
    expect(pointsOf(NUMERIC, { value: 9.5 }, 0)).toBe(1000);
    expect(pointsOf(NUMERIC, { value: 10.5 }, 0)).toBe(1000);
  });

  test('just outside the edges is wrong: accepted with 0 points', () => {
    expect(judge(NUMERIC, { value: 9.4999 }, 0)).toEqual({ accepted: true, round: 1, stored: '9.4999', points: 0 });
    expect(judge(NUMERIC, { value: 10.5001 }, 0)).toEqual({ accepted: true, round: 1, stored: '10.5001', points: 0 });
    expect(pointsOf(NUMERIC, { value: -10 }, 0)).toBe(0);
  });

  test('the edges are correct for decimal answers and tolerances too (3.14 ± 0.01)', () => {
    // |3.13 − 3.14| is 0.01 on paper; in binary floating point it comes out as 0.010000000000000231.
    expect(pointsOf(NUMERIC_DECIMAL, { value: 3.15 }, 0)).toBe(1000);
    expect(pointsOf(NUMERIC_DECIMAL, { value: 3.13 }, 0)).toBe(1000);
    expect(pointsOf(NUMERIC_DECIMAL, { value: 3.16 }, 0)).toBe(0);
    expect(pointsOf(NUMERIC_DECIMAL, { value: 3.12 }, 0)).toBe(0);
  });

  test.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['1e400 as JSON parses it', JSON.parse('1e400')],
    ['a numeric string', '10'],
    ['an array', [10]],
    ['null', null],
  ] as [string, unknown][])('value %s → invalid_choice', (_name, value) => {
    expect(judge(NUMERIC, { value })).toEqual({ accepted: false, reason: 'invalid_choice' });
  });

  test('a choice or choices → invalid_choice', () => {
    expect(judge(NUMERIC, { choice: 'A' })).toEqual({ accepted: false, reason: 'invalid_choice' });
    expect(judge(NUMERIC, { choices: ['A'] })).toEqual({ accepted: false, reason: 'invalid_choice' });
  });
});

describe('accuracy scoring: 1000 flat for a fully correct answer', () => {
  test.each([0, 1, 3_000, 10_000, 19_999])('a correct single answer at %i ms scores 1000', (elapsed) => {
    expect(judge(ACCURACY, { choice: 'C' }, elapsed)).toEqual({ accepted: true, round: 1, stored: 'C', points: 1000 });
  });

  test('a wrong answer still scores 0', () => {
    expect(pointsOf(ACCURACY, { choice: 'A' }, 0)).toBe(0);
  });

  test('multiple under accuracy: round(1000 × credit), whatever the time', () => {
    for (const elapsed of [0, 19_999]) {
      expect(pointsOf(ACCURACY_MULTIPLE, { choices: ['A', 'C'] }, elapsed)).toBe(1000);
      expect(pointsOf(ACCURACY_MULTIPLE, { choices: ['C'] }, elapsed)).toBe(500);
      expect(pointsOf(ACCURACY_MULTIPLE, { choices: ['A', 'B', 'C'] }, elapsed)).toBe(500);
      expect(pointsOf(ACCURACY_MULTIPLE, { choices: ['A', 'B'] }, elapsed)).toBe(0);
    }
  });

  test('is read from the question: a pool-wide accuracy default does not override a speed question', () => {
    const mixed: Pool = {
      title: 'mixed',
      scoring: 'accuracy',
      questions: [makeQuestion({ answer: 'A', scoring: 'speed' }), makeQuestion({ answer: 'A', scoring: 'accuracy' })],
    };
    const at = (index: number): SessionState => ({ phase: 'question', index, round: 1, openedAt: T0, deadline: T0 + 20_000 });
    expect(judgeSubmit(at(0), mixed, { questionIdx: 0, choice: 'A' }, T0 + 10_000, false)).toMatchObject({ points: 750 });
    expect(judgeSubmit(at(1), mixed, { questionIdx: 1, choice: 'A' }, T0 + 10_000, false)).toMatchObject({ points: 1000 });
  });
});

describe('round 2 (revote)', () => {
  test.each([
    [SINGLE, { choice: 'A' }, 'A'],
    [SINGLE, { choice: 'B' }, 'B'],
    [MULTIPLE, { choices: ['D', 'C', 'A'] }, 'A+C+D'],
    [POLL, { choice: 'C' }, 'C'],
    [ACCURACY, { choice: 'C' }, 'C'],
  ] as [number, Submission, string][])('question %i: %p is accepted in round 2 with 0 points', (index, submission, stored) => {
    expect(judge(index, submission, 0, 2)).toEqual({ accepted: true, round: 2, stored, points: 0 });
  });

  test('the form is still judged in round 2', () => {
    expect(judge(MULTIPLE, { choices: ['A', 'A'] }, 0, 2)).toEqual({ accepted: false, reason: 'invalid_choice' });
    expect(judge(SINGLE, { choice: 'E' }, 0, 2)).toEqual({ accepted: false, reason: 'invalid_choice' });
  });

  test('one answer per student per round: a round-2 answer already held → already_answered', () => {
    expect(judge(SINGLE, { choice: 'A' }, 0, 2, true)).toEqual({ accepted: false, reason: 'already_answered' });
  });

  test('wrong_question in round 2 too', () => {
    expect(judgeSubmit(open(SINGLE, 2), pool, { questionIdx: 1, choice: 'A' }, T0 + 1, false)).toEqual({
      accepted: false,
      reason: 'wrong_question',
    });
  });
});
