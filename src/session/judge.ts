/**
 * The one judgement of a submit, for every question type. The deadline is compared here
 * and only here: a submit received at or after the deadline is `closed` even if the timer
 * that closes the question has not fired yet.
 */
import type { Round, SubmitRejectReason } from '../protocol/constants';
import type { Pool } from '../protocol/pool';
import { creditFor, encodeAnswer, type Submission } from './answers';
import { timeLimitMs, type SessionState } from './machine';
import { MAX_POINTS, pointsForCorrectAnswer } from './scoring';

export type SubmitJudgement =
  | { accepted: true; round: Round; stored: string; points: number }
  | { accepted: false; reason: SubmitRejectReason };

export function judgeSubmit(
  state: SessionState,
  pool: Pool,
  submit: { questionIdx: number } & Submission,
  receivedAt: number,
  hasAnswered: boolean,
): SubmitJudgement {
  if (state.phase !== 'question' || receivedAt >= state.deadline) return { accepted: false, reason: 'closed' };
  if (submit.questionIdx !== state.index) return { accepted: false, reason: 'wrong_question' };
  const question = pool.questions[state.index]!;
  const stored = encodeAnswer(question, submit);
  if (stored === null) return { accepted: false, reason: 'invalid_choice' };
  if (hasAnswered) return { accepted: false, reason: 'already_answered' };
  // Round 2 of a revote is for learning: the question's points come from round 1.
  if (state.round === 2) return { accepted: true, round: 2, stored, points: 0 };
  const credit = creditFor(question, stored);
  if (credit === 0) return { accepted: true, round: 1, stored, points: 0 };
  // What a fully correct answer would score at this moment.
  const full =
    question.scoring === 'accuracy'
      ? MAX_POINTS
      : pointsForCorrectAnswer(receivedAt - state.openedAt, timeLimitMs(pool, state.index));
  return { accepted: true, round: 1, stored, points: Math.round(full * credit) };
}
