/**
 * Answers that were accepted but are not committed yet, and the one transaction that
 * commits them. The controller fills the batch during an event-loop turn and commits it
 * once per turn (and before any transition); each submitter is acknowledged only after
 * COMMIT has returned.
 */
import type { Logger } from '../logger';
import { type SubmitEcho } from '../protocol/server-frames';
import { errorFrame, submitAckFrame } from '../protocol/frame-builders';
import type { PoolQuestion } from '../protocol/pool';
import type { AnswerBook } from './answer-book';
import { countKeysOf, creditFor } from './answers';
import type { AnswerRow, SessionStore, SocketPort } from './ports';

export interface PendingAnswer extends AnswerRow {
  socket: SocketPort;
  /** What the submit carried, for its ack. */
  echo: SubmitEcho;
  /** The counts this answer adds to once committed (answers.ts). */
  countKeys: readonly string[];
  /** Full credit: the exact answer (the whole set, for multiple). */
  fullyCorrect: boolean;
}

export class AnswerBatch {
  #pending: PendingAnswer[] = [];

  constructor(
    private readonly store: SessionStore,
    private readonly logger: Logger,
    private readonly deliver: (socket: SocketPort, data: string) => void,
  ) {}

  /** Holds an accepted answer in the book and queues it; true when it starts a new batch. */
  accept(
    book: AnswerBook,
    question: PoolQuestion,
    answer: Omit<PendingAnswer, 'choice' | 'countKeys' | 'fullyCorrect'> & { stored: string },
  ): boolean {
    book.hold(answer.questionIdx, answer.round, answer.studentId, answer.stored, answer.points);
    const { stored, ...rest } = answer;
    return this.add({ ...rest, choice: stored, countKeys: countKeysOf(question, stored), fullyCorrect: creditFor(question, stored) === 1 });
  }

  /** Queues an answer; true when it starts a new batch (the caller schedules the commit). */
  add(answer: PendingAnswer): boolean {
    this.#pending.push(answer);
    return this.#pending.length === 1;
  }

  /**
   * Commits every queued answer in one transaction, records the committed ones in the
   * book and acknowledges each submitter. Returns how many were committed. If the commit
   * fails nothing is acknowledged as accepted: each student gets `storage_error` and may
   * submit again.
   */
  commit(runId: number, book: AnswerBook): number {
    if (this.#pending.length === 0) return 0;
    const batch = this.#pending;
    this.#pending = [];
    let inserted: boolean[];
    try {
      inserted = this.store.insertAnswers(runId, batch);
    } catch (error) {
      this.logger.error('answer_commit_failed', { run_id: runId, answers: batch.length, error: String(error) });
      for (const answer of batch) {
        book.release(answer.questionIdx, answer.round, answer.studentId);
        this.deliver(answer.socket, errorFrame('storage_error', 'your answer could not be saved; please submit again'));
      }
      return 0;
    }
    let committed = 0;
    batch.forEach((answer, position) => {
      if (!inserted[position]) {
        // The primary key refused a second answer that memory did not know about: forget the
        // held one, so no view shows points for an answer that was never stored.
        book.release(answer.questionIdx, answer.round, answer.studentId);
        this.deliver(answer.socket, submitAckFrame(answer.questionIdx, answer.echo, 'already_answered'));
        return;
      }
      book.commit(answer.questionIdx, answer.round, answer.studentId, {
        stored: answer.choice,
        points: answer.points,
        countKeys: answer.countKeys,
        fullyCorrect: answer.fullyCorrect,
      });
      this.deliver(answer.socket, submitAckFrame(answer.questionIdx, answer.echo));
      committed += 1;
    });
    return committed;
  }
}
