/**
 * Every answer of the current run, in memory, with running per-choice counts. An answer
 * is "held" from the moment it is accepted (so a second submit in the same turn is
 * already_answered) and "committed" once its transaction has landed; counts and scores
 * only ever include committed answers.
 */
import { choiceLettersFor } from '../protocol/constants';
import type { Counts } from '../protocol/server-frames';

export interface HeldAnswer {
  choice: string;
  points: number;
  committed: boolean;
}

interface QuestionAnswers {
  byStudent: Map<string, HeldAnswer>;
  counts: Map<string, number>;
  committedCount: number;
}

export class AnswerBook {
  readonly #questions = new Map<number, QuestionAnswers>();

  #question(questionIdx: number): QuestionAnswers {
    let question = this.#questions.get(questionIdx);
    if (!question) {
      question = { byStudent: new Map(), counts: new Map(), committedCount: 0 };
      this.#questions.set(questionIdx, question);
    }
    return question;
  }

  get(questionIdx: number, studentId: string): HeldAnswer | undefined {
    return this.#questions.get(questionIdx)?.byStudent.get(studentId);
  }

  hold(questionIdx: number, studentId: string, choice: string, points: number): void {
    this.#question(questionIdx).byStudent.set(studentId, { choice, points, committed: false });
  }

  /** A held answer whose transaction failed: forget it so the student may submit again. */
  release(questionIdx: number, studentId: string): void {
    this.#questions.get(questionIdx)?.byStudent.delete(studentId);
  }

  commit(questionIdx: number, studentId: string, choice: string, points: number): void {
    const question = this.#question(questionIdx);
    question.byStudent.set(studentId, { choice, points, committed: true });
    question.counts.set(choice, (question.counts.get(choice) ?? 0) + 1);
    question.committedCount += 1;
  }

  answersTo(questionIdx: number): IterableIterator<[string, HeldAnswer]> {
    return (this.#questions.get(questionIdx)?.byStudent ?? new Map<string, HeldAnswer>()).entries();
  }

  answeredCount(questionIdx: number): number {
    return this.#questions.get(questionIdx)?.committedCount ?? 0;
  }

  /** Counts for every letter of the question, zeros included, so clients can draw all bars. */
  counts(questionIdx: number, choiceCount: number): Counts {
    const question = this.#questions.get(questionIdx);
    const counts: Counts = {};
    for (const letter of choiceLettersFor(choiceCount)) counts[letter] = question?.counts.get(letter) ?? 0;
    return counts;
  }
}
