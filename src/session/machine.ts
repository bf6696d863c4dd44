/**
 * The session state machine, pure: (state, event, now) → { state, effects }. No clock, no
 * sockets, no storage: the controller performs the effects. Whether a submit beats the
 * deadline is decided next door, in judge.ts.
 */
import type { AdminCommand, PhaseName, Round } from '../protocol/constants';
import type { Pool } from '../protocol/pool';

/** `round` is 2 while a question is asked again after discussion (peer instruction). */
export type SessionState =
  | { phase: 'lobby' }
  | { phase: 'question'; index: number; round: Round; openedAt: number; deadline: number }
  | { phase: 'review'; index: number; round: Round }
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
  | { type: 'question_opened'; index: number; round: Round }
  | { type: 'question_closed'; index: number; round: Round }
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

function openQuestion(pool: Pool, index: number, now: number, round: Round = 1): TransitionResult {
  const deadline = now + timeLimitMs(pool, index);
  return {
    ok: true,
    state: { phase: 'question', index, round, openedAt: now, deadline },
    effects: [{ type: 'persist' }, { type: 'arm_deadline', at: deadline }, { type: 'question_opened', index, round }],
  };
}

function closeQuestion(index: number, round: Round): TransitionResult {
  return {
    ok: true,
    state: { phase: 'review', index, round },
    effects: [{ type: 'cancel_deadline' }, { type: 'persist' }, { type: 'question_closed', index, round }],
  };
}

function endSession(state: SessionState): TransitionResult {
  const lastIndex = state.phase === 'question' || state.phase === 'review' ? state.index : null;
  const effects: SessionEffect[] = [];
  if (state.phase === 'question') effects.push({ type: 'cancel_deadline' });
  effects.push({ type: 'persist' });
  if (state.phase === 'question') effects.push({ type: 'question_closed', index: state.index, round: state.round });
  effects.push({ type: 'session_ended' });
  return { ok: true, state: { phase: 'ended', lastIndex }, effects };
}

const refused = (message: string): TransitionResult => ({ ok: false, message });

/**
 * Peer instruction: a closed single, multiple or poll question in its first round is asked
 * again, with the same time limit, as round 2 (which scores nothing).
 */
function revote(state: { index: number; round: Round }, pool: Pool, now: number): TransitionResult {
  if (state.round === 2) return refused('this question has already been asked a second time');
  if (pool.questions[state.index]!.type === 'numeric') return refused('a numeric question cannot be asked again');
  return openQuestion(pool, state.index, now, 2);
}

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
      if (event === 'revote') return refused('close the question first; revote asks a closed question again');
      return closeQuestion(state.index, state.round);
    case 'review':
      if (event === 'revote') return revote(state, pool, now);
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
  if (now >= state.deadline) return closeQuestion(state.index, state.round);
  return { ok: true, state, effects: [{ type: 'arm_deadline', at: state.deadline }] };
}

export function currentQuestionIndex(state: SessionState): number | null {
  return state.phase === 'question' || state.phase === 'review' ? state.index : null;
}
