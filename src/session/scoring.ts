/** The contract's scoring formula and ranking rule, nothing else. */

export const MAX_POINTS = 1000;

/** Points for a correct answer: 1000 at the opening instant, falling linearly to 500 at the deadline. */
export function pointsForCorrectAnswer(elapsedMs: number, timeLimitMs: number): number {
  const clampedElapsed = Math.min(Math.max(elapsedMs, 0), timeLimitMs);
  return Math.round(MAX_POINTS * (1 - clampedElapsed / timeLimitMs / 2));
}

/**
 * rank = 1 + the number of students with a strictly higher score (ties share a rank).
 * Returns ranks in the same order as `scores`.
 */
export function rankScores(scores: readonly number[]): number[] {
  const order = scores.map((_, index) => index).sort((a, b) => scores[b]! - scores[a]!);
  const ranks = new Array<number>(scores.length);
  let previousScore = Number.NaN;
  let previousRank = 0;
  order.forEach((studentIndex, position) => {
    const score = scores[studentIndex]!;
    const rank = score === previousScore ? previousRank : position + 1;
    ranks[studentIndex] = rank;
    previousScore = score;
    previousRank = rank;
  });
  return ranks;
}
