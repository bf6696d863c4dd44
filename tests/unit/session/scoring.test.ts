import { describe, expect, test } from 'bun:test';
import { MAX_POINTS, pointsForCorrectAnswer, rankScores } from '../../../src/session/scoring';

describe('pointsForCorrectAnswer', () => {
  test('1000 at the opening instant', () => {
    expect(MAX_POINTS).toBe(1000);
    expect(pointsForCorrectAnswer(0, 20_000)).toBe(1000);
  });

  test('750 at half time', () => {
    expect(pointsForCorrectAnswer(10_000, 20_000)).toBe(750);
    expect(pointsForCorrectAnswer(2_500, 5_000)).toBe(750);
  });

  test('500 at full time', () => {
    expect(pointsForCorrectAnswer(20_000, 20_000)).toBe(500);
  });

  test('beyond the limit is clamped to 500', () => {
    expect(pointsForCorrectAnswer(20_001, 20_000)).toBe(500);
    expect(pointsForCorrectAnswer(1_000_000, 20_000)).toBe(500);
  });

  test('negative elapsed (clock skew) is clamped to 1000', () => {
    expect(pointsForCorrectAnswer(-1, 20_000)).toBe(1000);
    expect(pointsForCorrectAnswer(-50_000, 20_000)).toBe(1000);
  });

  test('rounds to the nearest integer', () => {
    // 1000 × (1 − 1/30000/2) = 999.983… → 1000
    expect(pointsForCorrectAnswer(1, 30_000)).toBe(1000);
    // 1000 × (1 − 7000/30000/2) = 883.33… → 883
    expect(pointsForCorrectAnswer(7_000, 30_000)).toBe(883);
    // 1000 × (1 − 1000/30000/2) = 983.33… → 983
    expect(pointsForCorrectAnswer(1_000, 30_000)).toBe(983);
    // 1000 × (1 − 2000/30000/2) = 966.66… → 967
    expect(pointsForCorrectAnswer(2_000, 30_000)).toBe(967);
    // 1000 × (1 − 30/20000/2) = 999.25 → 999
    expect(pointsForCorrectAnswer(30, 20_000)).toBe(999);
  });

  test('always an integer between 500 and 1000', () => {
    for (let elapsed = -1_000; elapsed <= 21_000; elapsed += 137) {
      const points = pointsForCorrectAnswer(elapsed, 20_000);
      expect(Number.isInteger(points)).toBe(true);
      expect(points).toBeGreaterThanOrEqual(500);
      expect(points).toBeLessThanOrEqual(1000);
    }
  });

  test('never increases with elapsed time', () => {
    let previous = Infinity;
    for (let elapsed = 0; elapsed <= 20_000; elapsed += 250) {
      const points = pointsForCorrectAnswer(elapsed, 20_000);
      expect(points).toBeLessThanOrEqual(previous);
      previous = points;
    }
  });
});

describe('rankScores', () => {
  test('empty list', () => {
    expect(rankScores([])).toEqual([]);
  });

  test('distinct scores rank by descending score, in input order', () => {
    expect(rankScores([100, 300, 200])).toEqual([3, 1, 2]);
  });

  test('ties share a rank and the next rank skips', () => {
    expect(rankScores([500, 900, 500, 900, 100])).toEqual([3, 1, 3, 1, 5]);
  });

  test('all equal → all rank 1', () => {
    expect(rankScores([0, 0, 0, 0])).toEqual([1, 1, 1, 1]);
    expect(rankScores([750, 750])).toEqual([1, 1]);
  });

  test('single student is rank 1', () => {
    expect(rankScores([0])).toEqual([1]);
  });

  test('rank = 1 + number of strictly higher scores (property)', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round += 1) {
      const scores = Array.from({ length: Math.floor(random() * 30) }, () => Math.floor(random() * 5) * 250);
      const expected = scores.map((score) => 1 + scores.filter((other) => other > score).length);
      expect(rankScores(scores)).toEqual(expected);
    }
  });

  test('does not mutate its input', () => {
    const scores = [1, 3, 2];
    rankScores(scores);
    expect(scores).toEqual([1, 3, 2]);
  });
});
