/**
 * Item analysis on hand-computed examples. Ten students s0…s9: the totals put s0…s5
 * (1000, 990, …, 950) above s6…s9 (100 each; ties ranked by id), so with k = round(0.27 × 10)
 * = 3 the upper group is s0, s1, s2 and the lower group s7, s8, s9.
 */
import { describe, expect, test } from 'bun:test';
import type { Pool } from '../../../src/protocol/pool';
import { computeRunAnalytics, discriminationGroups, median } from '../../../src/results/analytics';
import type { AnswerRow } from '../../../src/session/ports';
import { makeQuestion } from '../../helpers/test-server';

const pool: Pool = {
  title: 'Item analysis',
  scoring: 'speed',
  questions: [
    makeQuestion({ answer: 'A' }), // q0: s0…s5 right
    makeQuestion({ type: 'poll', choices: ['Yes', 'No', 'Maybe'] }), // q1
    makeQuestion({ answer: 'B' }), // q2: only s6…s9 right: the weakest get it, the strongest do not
    makeQuestion({ answer: 'A' }), // q3: four answers, all wrong
  ],
};

const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);
const row = (questionIdx: number, studentId: string, choice: string, points: number, receivedAtMs: number, round: 1 | 2 = 1): AnswerRow => ({
  questionIdx,
  round,
  studentId,
  choice,
  points,
  receivedAtMs,
});

const answers: AnswerRow[] = [
  ...ids.map((id, i) => (i < 6 ? row(0, id, 'A', 1000 - 10 * i, 1000 + 100 * (i + 1)) : row(0, id, 'B', 0, 1000 + 100 * (i + 1)))),
  ...ids.map((id, i) => row(1, id, i < 5 ? 'A' : 'B', 0, 3000 + i)),
  row(1, 's0', 'C', 0, 3500, 2), // a revote answer: not counted in round 1's numbers
  ...ids.map((id, i) => (i < 6 ? row(2, id, 'C', 0, 5000 + 10 * i) : row(2, id, 'B', 100, 5000 + 10 * i))),
  ...ids.slice(0, 4).map((id, i) => row(3, id, 'B', 0, 9000 + 1000 * (i + 1))),
];
const opens = [
  { questionIdx: 0, round: 1, openedAtMs: 1000 },
  { questionIdx: 2, round: 1, openedAtMs: 5000 },
  { questionIdx: 3, round: 1, openedAtMs: 9000 },
  { questionIdx: 1, round: 2, openedAtMs: 3400 }, // round 2's open: not q1's round-1 start
];

describe('computeRunAnalytics', () => {
  const result = computeRunAnalytics(pool, answers, opens);

  test('a good question: 60 % right, median of 100…1000 ms is 550, discrimination 3/3 − 0/3 = 1', () => {
    expect(result[0]).toEqual({
      question_idx: 0,
      type: 'single',
      text: 'Question?',
      correct: 'A',
      answered: 10,
      correct_pct: 60,
      median_answer_ms: 550,
      counts: { A: 6, B: 4, C: 0, D: 0 },
      discrimination: 1,
      flags: [],
    });
  });

  test('a poll: counts only, round 2 ignored, no open time for round 1 → no median', () => {
    expect(result[1]).toMatchObject({ type: 'poll', correct: null, answered: 10, correct_pct: null, median_answer_ms: null, discrimination: null, flags: [] });
    expect(result[1]!.counts).toEqual({ A: 5, B: 5, C: 0 });
  });

  test('the weakest right, the strongest wrong: discrimination 0/3 − 3/3 = −1, flagged', () => {
    expect(result[2]).toMatchObject({ answered: 10, correct_pct: 40, median_answer_ms: 45, discrimination: -1, flags: ['negative_discrimination'] });
  });

  test('nobody right: 0 %, flagged; the median of 1000…4000 ms is 2500', () => {
    expect(result[3]).toMatchObject({ answered: 4, correct_pct: 0, median_answer_ms: 2500, discrimination: 0, flags: ['nobody_right'] });
  });

  test('a question nobody answered has no percent and no median, and is not flagged', () => {
    const [only] = computeRunAnalytics({ ...pool, questions: [makeQuestion()] }, [], [{ questionIdx: 0, round: 1, openedAtMs: 0 }]);
    expect(only).toMatchObject({ answered: 0, correct_pct: null, median_answer_ms: null, discrimination: null, flags: [] });
  });

  test('with 9 students there is no discrimination (groups of 2 are too small)', () => {
    const fewer = answers.filter((answer) => answer.studentId !== 's9');
    expect(computeRunAnalytics(pool, fewer, opens).map((question) => question.discrimination)).toEqual([null, null, null, null]);
  });

  test('multiple: counts per letter picked; only the exact set counts as right (partial credit does not)', () => {
    const multiple = makeQuestion({ type: 'multiple', answer: ['A', 'C'] });
    const [entry] = computeRunAnalytics({ ...pool, questions: [multiple] }, [row(0, 'a', 'A+C', 1000, 10), row(0, 'b', 'A', 500, 20), row(0, 'c', 'A+B+C', 500, 30)], []);
    expect(entry).toMatchObject({ answered: 3, correct_pct: 33.3, counts: { A: 3, B: 1, C: 2, D: 0 } });
  });

  test('numeric: counts are correct / incorrect', () => {
    const numeric = makeQuestion({ type: 'numeric', answer: 10, tolerance: 0.5 });
    const [entry] = computeRunAnalytics({ ...pool, questions: [numeric] }, [row(0, 'a', '10.4', 1000, 1), row(0, 'b', '11', 0, 2)], []);
    expect(entry).toMatchObject({ correct_pct: 50, counts: { correct: 1, incorrect: 1 } });
  });
});

describe('the pieces', () => {
  test('median: odd, even, empty', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3); // (2 + 3) / 2 = 2.5, rounded
    expect(median([])).toBeNull();
  });

  test('groups: k = round(0.27 × n), ranked by total then id', () => {
    const totals = new Map(Array.from({ length: 20 }, (_, i) => [`s${String(i).padStart(2, '0')}`, i % 2 === 0 ? 100 : i] as const));
    const groups = discriminationGroups(totals)!;
    expect(groups.size).toBe(5);
    expect([...groups.upper]).toEqual(['s00', 's02', 's04', 's06', 's08']);
    expect([...groups.lower]).toEqual(['s09', 's07', 's05', 's03', 's01']);
    expect(discriminationGroups(new Map([['a', 1]]))).toBeNull();
  });
});
