/**
 * Every answer of the current run, in memory, per question and round, with running counts.
 * An answer is "held" from the moment it is accepted (so a second submit in the same turn
 * is already_answered) and "committed" once its transaction has landed; counts and scores
 * only ever include committed answers.
 */
import type { Round } from '../protocol/constants';
import type { Counts } from '../protocol/server-frames';

export interface HeldAnswer {
  /** The answer as stored (answers.ts). */
  stored: string;
  points: number;
  committed: boolean;
}

interface RoundAnswers {
  byStudent: Map<string, HeldAnswer>;
  counts: Map<string, number>;
  committedCount: number;
  /** Committed answers that earned full credit (a multiple question's exact set). */
  fullyCorrectCount: number;
}

const keyOf = (questionIdx: number, round: Round) => questionIdx * 2 + (round - 1);

export class AnswerBook {
  readonly #rounds = new Map<number, RoundAnswers>();

  #round(questionIdx: number, round: Round): RoundAnswers {
    const key = keyOf(questionIdx, round);
    let answers = this.#rounds.get(key);
    if (!answers) {
      answers = { byStudent: new Map(), counts: new Map(), committedCount: 0, fullyCorrectCount: 0 };
      this.#rounds.set(key, answers);
    }
    return answers;
  }

  get(questionIdx: number, round: Round, studentId: string): HeldAnswer | undefined {
    return this.#rounds.get(keyOf(questionIdx, round))?.byStudent.get(studentId);
  }

  hold(questionIdx: number, round: Round, studentId: string, stored: string, points: number): void {
    this.#round(questionIdx, round).byStudent.set(studentId, { stored, points, committed: false });
  }

  /** A held answer whose transaction failed: forget it so the student may submit again. */
  release(questionIdx: number, round: Round, studentId: string): void {
    this.#rounds.get(keyOf(questionIdx, round))?.byStudent.delete(studentId);
  }

  /** Records a committed answer and adds one to each of its count keys (and to the fully correct ones). */
  commit(
    questionIdx: number,
    round: Round,
    studentId: string,
    answer: { stored: string; points: number; countKeys: readonly string[]; fullyCorrect: boolean },
  ): void {
    const answers = this.#round(questionIdx, round);
    answers.byStudent.set(studentId, { stored: answer.stored, points: answer.points, committed: true });
    for (const key of answer.countKeys) answers.counts.set(key, (answers.counts.get(key) ?? 0) + 1);
    answers.committedCount += 1;
    if (answer.fullyCorrect) answers.fullyCorrectCount += 1;
  }

  /**
   * Forgets every answer of a removed student, taking committed ones out of the counts and
   * tallies again. `describe` gives an answer's count keys and full credit (answers.ts).
   */
  forgetStudent(studentId: string, describe: (questionIdx: number, stored: string) => { countKeys: readonly string[]; fullyCorrect: boolean }): void {
    for (const [key, answers] of this.#rounds) {
      const answer = answers.byStudent.get(studentId);
      if (!answer) continue;
      answers.byStudent.delete(studentId);
      if (!answer.committed) continue;
      const { countKeys, fullyCorrect } = describe(Math.floor(key / 2), answer.stored);
      for (const countKey of countKeys) answers.counts.set(countKey, (answers.counts.get(countKey) ?? 1) - 1);
      answers.committedCount -= 1;
      if (fullyCorrect) answers.fullyCorrectCount -= 1;
    }
  }

  /** How many answered this round, and how many of them fully right. */
  tally(questionIdx: number, round: Round): { answered: number; correct: number } {
    const answers = this.#rounds.get(keyOf(questionIdx, round));
    return { answered: answers?.committedCount ?? 0, correct: answers?.fullyCorrectCount ?? 0 };
  }

  answersTo(questionIdx: number, round: Round): IterableIterator<[string, HeldAnswer]> {
    return (this.#rounds.get(keyOf(questionIdx, round))?.byStudent ?? new Map<string, HeldAnswer>()).entries();
  }

  answeredCount(questionIdx: number, round: Round): number {
    return this.#rounds.get(keyOf(questionIdx, round))?.committedCount ?? 0;
  }

  /** Counts for every key the question has (zeros included), so clients can draw every bar. */
  counts(questionIdx: number, round: Round, keys: readonly string[]): Counts {
    const answers = this.#rounds.get(keyOf(questionIdx, round));
    const counts: Counts = {};
    for (const key of keys) counts[key] = answers?.counts.get(key) ?? 0;
    return counts;
  }
}
