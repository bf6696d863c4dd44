/**
 * The session state machine, pure: (state, event, now) → { state, effects }. No clock, no
 * sockets, no storage: the controller performs the effects. This is also the one place
 * that decides whether a submit beats the deadline.
 */
import { choiceLettersFor, type AdminCommand, type PhaseName, type SubmitRejectReason } from '../protocol/constants';
import type { Pool } from '../protocol/pool';
import { pointsForCorrectAnswer } from './scoring';

export type SessionState =
  | { phase: 'lobby' }
  | { phase: 'question'; index: number; openedAt: number; deadline: number }
  | { phase: 'review'; index: number }
  | { phase: 'ended'; lastIndex: number | null };

/** Fails to compile unless the machine's phases are exactly the protocol's `PHASES`. */
export const PHASES_AGREE: [SessionState['phase']] extends [PhaseName]
  ? [PhaseName] extends [SessionState['phase']]
    ? true
    : never
  : never = true;

export type SessionEvent = AdminCommand | 'deadline';

export type SessionEffect =
  | { type: 'persist' }
  | { type: 'arm_deadline'; at: number }
  | { type: 'cancel_deadline' }
  | { type: 'question_opened'; index: number }
  | { type: 'question_closed'; index: number }
  | { type: 'session_ended' };

export type TransitionResult =
  | { ok: true; state: SessionState; effects: SessionEffect[] }
  | { ok: false; message: string };

export function initialState(): SessionState {
  return { phase: 'lobby' };
}

export function timeLimitMs(pool: Pool, index: number): number {
  return pool.questions[index]!.time_limit_s * 1000;
}

function openQuestion(pool: Pool, index: number, now: number): TransitionResult {
  const deadline = now + timeLimitMs(pool, index);
  return {
    ok: true,
    state: { phase: 'question', index, openedAt: now, deadline },
    effects: [{ type: 'persist' }, { type: 'arm_deadline', at: deadline }, { type: 'question_opened', index }],
  };
}

function closeQuestion(index: number): TransitionResult {
  return {
    ok: true,
    state: { phase: 'review', index },
    effects: [{ type: 'cancel_deadline' }, { type: 'persist' }, { type: 'question_closed', index }],
  };
}

function endSession(state: SessionState): TransitionResult {
  const lastIndex = state.phase === 'question' || state.phase === 'review' ? state.index : null;
  const effects: SessionEffect[] = [];
  if (state.phase === 'question') effects.push({ type: 'cancel_deadline' });
  effects.push({ type: 'persist' });
  if (state.phase === 'question') effects.push({ type: 'question_closed', index: state.index });
  effects.push({ type: 'session_ended' });
  return { ok: true, state: { phase: 'ended', lastIndex }, effects };
}

const refused = (message: string): TransitionResult => ({ ok: false, message });

export function transition(state: SessionState, event: SessionEvent, now: number, pool: Pool): TransitionResult {
  if (event === 'end') return state.phase === 'ended' ? refused('the session has already ended') : endSession(state);

  switch (state.phase) {
    case 'lobby':
      if (event === 'next') return openQuestion(pool, 0, now);
      return refused(event === 'close' ? 'no question is open' : 'no question is open');
    case 'question':
      if (event === 'deadline' && now < state.deadline) {
        // A timer that fires early must not cut the question short.
        return { ok: true, state, effects: [{ type: 'arm_deadline', at: state.deadline }] };
      }
      return closeQuestion(state.index);
    case 'review':
      if (event === 'next') {
        const nextIndex = state.index + 1;
        return nextIndex < pool.questions.length ? openQuestion(pool, nextIndex, now) : endSession(state);
      }
      return refused(event === 'close' ? 'the question is already closed' : 'no question is open');
    case 'ended':
      return refused('the session has ended; reset to start a new run');
  }
}

/**
 * After a restart: a question whose absolute deadline has passed is closed, one still
 * running gets its timer back with only the remaining time.
 */
export function resumeAfterRestart(state: SessionState, now: number): TransitionResult {
  if (state.phase !== 'question') return { ok: true, state, effects: [] };
  if (now >= state.deadline) return closeQuestion(state.index);
  return { ok: true, state, effects: [{ type: 'arm_deadline', at: state.deadline }] };
}

export type SubmitJudgement =
  | { accepted: true; points: number; correct: boolean }
  | { accepted: false; reason: SubmitRejectReason };

/**
 * Judges a submit at the server's receipt time. The deadline is compared here and only
 * here: a submit received at or after the deadline is `closed` even if the timer that
 * closes the question has not fired yet.
 */
export function judgeSubmit(
  state: SessionState,
  pool: Pool,
  submit: { questionIdx: number; choice: string },
  receivedAt: number,
  hasAnswered: boolean,
): SubmitJudgement {
  if (state.phase !== 'question' || receivedAt >= state.deadline) return { accepted: false, reason: 'closed' };
  if (submit.questionIdx !== state.index) return { accepted: false, reason: 'wrong_question' };
  const question = pool.questions[state.index]!;
  if (!(choiceLettersFor(question.choices.length) as string[]).includes(submit.choice)) {
    return { accepted: false, reason: 'invalid_choice' };
  }
  if (hasAnswered) return { accepted: false, reason: 'already_answered' };
  if (submit.choice !== question.answer) return { accepted: true, points: 0, correct: false };
  const elapsed = receivedAt - state.openedAt;
  return { accepted: true, points: pointsForCorrectAnswer(elapsed, timeLimitMs(pool, state.index)), correct: true };
}

export function currentQuestionIndex(state: SessionState): number | null {
  return state.phase === 'question' || state.phase === 'review' ? state.index : null;
}
