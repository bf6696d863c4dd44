import { describe, expect, test } from 'bun:test';
import type { Pool } from '../../../src/protocol/pool';
import {
  initialState,
  judgeSubmit,
  resumeAfterRestart,
  transition,
  type SessionEvent,
  type SessionState,
  type TransitionResult,
} from '../../../src/session/machine';
import { makePool } from '../../helpers/test-server';

const T0 = 1_700_000_000_000;

/** Three questions: 20 s (answer A), 30 s (answer B), 10 s (answer C); 4 choices each. */
const pool: Pool = {
  title: 'machine',
  questions: [
    { text: 'q0', choices: ['a', 'b', 'c', 'd'], answer: 'A', time_limit_s: 20, explanation: null },
    { text: 'q1', choices: ['a', 'b', 'c', 'd'], answer: 'B', time_limit_s: 30, explanation: null },
    { text: 'q2', choices: ['a', 'b', 'c', 'd'], answer: 'C', time_limit_s: 10, explanation: null },
  ],
};

function ok(result: TransitionResult) {
  if (!result.ok) throw new Error(`expected ok, got refusal: ${result.message}`);
  return result;
}

function refusedMessage(result: TransitionResult): string {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.state)}`);
  return result.message;
}

const lobby: SessionState = { phase: 'lobby' };
const q0: SessionState = { phase: 'question', index: 0, openedAt: T0, deadline: T0 + 20_000 };
const q2: SessionState = { phase: 'question', index: 2, openedAt: T0, deadline: T0 + 10_000 };
const review0: SessionState = { phase: 'review', index: 0 };
const review2: SessionState = { phase: 'review', index: 2 };

describe('transition', () => {
  test('initial state is the lobby', () => {
    expect(initialState()).toEqual({ phase: 'lobby' });
  });

  test('next in the lobby opens question 0 with deadline = now + time_limit', () => {
    const result = ok(transition(lobby, 'next', T0 + 123, pool));
    expect(result.state).toEqual({ phase: 'question', index: 0, openedAt: T0 + 123, deadline: T0 + 123 + 20_000 });
    expect(result.effects).toEqual([
      { type: 'persist' },
      { type: 'arm_deadline', at: T0 + 123 + 20_000 },
      { type: 'question_opened', index: 0 },
    ]);
  });

  test('opening uses each question’s own time limit', () => {
    const result = ok(transition(review0, 'next', T0 + 5_000, pool));
    expect(result.state).toEqual({ phase: 'question', index: 1, openedAt: T0 + 5_000, deadline: T0 + 5_000 + 30_000 });
    expect(result.effects).toContainEqual({ type: 'arm_deadline', at: T0 + 35_000 });
  });

  test.each(['next', 'close', 'deadline'] as SessionEvent[])('%s in a question moves to review', (event) => {
    const now = event === 'deadline' ? T0 + 20_000 : T0 + 1_000;
    const result = ok(transition(q0, event, now, pool));
    expect(result.state).toEqual({ phase: 'review', index: 0 });
    expect(result.effects).toEqual([{ type: 'cancel_deadline' }, { type: 'persist' }, { type: 'question_closed', index: 0 }]);
  });

  test('a deadline event after the deadline also closes', () => {
    const result = ok(transition(q0, 'deadline', T0 + 25_000, pool));
    expect(result.state).toEqual({ phase: 'review', index: 0 });
  });

  test('an early deadline event re-arms at the absolute deadline and keeps the question', () => {
    const result = ok(transition(q0, 'deadline', T0 + 19_999, pool));
    expect(result.state).toEqual(q0);
    expect(result.effects).toEqual([{ type: 'arm_deadline', at: T0 + 20_000 }]);
    expect(result.effects.some((effect) => effect.type === 'persist')).toBe(false);
    expect(result.effects.some((effect) => effect.type === 'question_closed')).toBe(false);
  });

  test('next in review opens the next question', () => {
    const result = ok(transition({ phase: 'review', index: 1 }, 'next', T0, pool));
    expect(result.state).toEqual({ phase: 'question', index: 2, openedAt: T0, deadline: T0 + 10_000 });
    expect(result.effects).toContainEqual({ type: 'question_opened', index: 2 });
  });

  test('next in review of the last question ends the session', () => {
    const result = ok(transition(review2, 'next', T0, pool));
    expect(result.state).toEqual({ phase: 'ended', lastIndex: 2 });
    expect(result.effects).toEqual([{ type: 'persist' }, { type: 'session_ended' }]);
  });

  test('a one-question pool: lobby → question(0) → review(0) → ended', () => {
    const one = makePool(1);
    let state: SessionState = lobby;
    state = ok(transition(state, 'next', T0, one)).state;
    expect(state.phase).toBe('question');
    state = ok(transition(state, 'close', T0 + 1, one)).state;
    expect(state).toEqual({ phase: 'review', index: 0 });
    state = ok(transition(state, 'next', T0 + 2, one)).state;
    expect(state).toEqual({ phase: 'ended', lastIndex: 0 });
  });

  describe('end', () => {
    test('from the lobby: persist and session_ended, no question effects', () => {
      const result = ok(transition(lobby, 'end', T0, pool));
      expect(result.state).toEqual({ phase: 'ended', lastIndex: null });
      expect(result.effects).toEqual([{ type: 'persist' }, { type: 'session_ended' }]);
    });

    test('from an open question: cancel_deadline, persist, question_closed, session_ended', () => {
      const result = ok(transition(q2, 'end', T0 + 1, pool));
      expect(result.state).toEqual({ phase: 'ended', lastIndex: 2 });
      expect(result.effects).toEqual([
        { type: 'cancel_deadline' },
        { type: 'persist' },
        { type: 'question_closed', index: 2 },
        { type: 'session_ended' },
      ]);
    });

    test('from review: no second question_closed and no deadline to cancel', () => {
      const result = ok(transition(review0, 'end', T0, pool));
      expect(result.state).toEqual({ phase: 'ended', lastIndex: 0 });
      expect(result.effects).toEqual([{ type: 'persist' }, { type: 'session_ended' }]);
    });

    test('in ended is refused', () => {
      expect(refusedMessage(transition({ phase: 'ended', lastIndex: 1 }, 'end', T0, pool))).toBeString();
      expect(refusedMessage(transition({ phase: 'ended', lastIndex: null }, 'end', T0, pool)).length).toBeGreaterThan(0);
    });
  });

  describe('commands that do not apply are refused', () => {
    test('close in the lobby', () => {
      expect(refusedMessage(transition(lobby, 'close', T0, pool)).length).toBeGreaterThan(0);
    });

    test('a stray deadline in the lobby', () => {
      expect(transition(lobby, 'deadline', T0, pool).ok).toBe(false);
    });

    test('close in review', () => {
      expect(refusedMessage(transition(review0, 'close', T0, pool)).length).toBeGreaterThan(0);
    });

    test('a stray deadline in review', () => {
      expect(transition(review0, 'deadline', T0, pool).ok).toBe(false);
    });

    test.each(['next', 'close', 'end', 'deadline'] as SessionEvent[])('%s in ended', (event) => {
      const ended: SessionState = { phase: 'ended', lastIndex: 2 };
      expect(transition(ended, event, T0, pool).ok).toBe(false);
    });
  });

  test('every successful transition that changes phase persists before any broadcast effect', () => {
    const broadcast = new Set(['question_opened', 'question_closed', 'session_ended']);
    const cases: [SessionState, SessionEvent][] = [
      [lobby, 'next'],
      [lobby, 'end'],
      [q0, 'next'],
      [q0, 'close'],
      [q0, 'end'],
      [review0, 'next'],
      [review0, 'end'],
      [review2, 'next'],
    ];
    for (const [state, event] of cases) {
      const result = ok(transition(state, event, T0 + 30_000, pool));
      const types = result.effects.map((effect) => effect.type);
      const persistAt = types.indexOf('persist');
      expect(persistAt).toBeGreaterThanOrEqual(0);
      types.forEach((type, position) => {
        if (broadcast.has(type)) expect(position).toBeGreaterThan(persistAt);
      });
    }
  });
});

describe('resumeAfterRestart', () => {
  test('closes a question whose deadline has passed', () => {
    const result = ok(resumeAfterRestart(q0, T0 + 60_000));
    expect(result.state).toEqual({ phase: 'review', index: 0 });
    expect(result.effects).toContainEqual({ type: 'persist' });
    expect(result.effects).toContainEqual({ type: 'question_closed', index: 0 });
  });

  test('closes a question exactly at its deadline', () => {
    expect(ok(resumeAfterRestart(q0, T0 + 20_000)).state).toEqual({ phase: 'review', index: 0 });
  });

  test('re-arms a question with time left at its absolute deadline', () => {
    const result = ok(resumeAfterRestart(q0, T0 + 5_000));
    expect(result.state).toEqual(q0);
    expect(result.effects).toEqual([{ type: 'arm_deadline', at: T0 + 20_000 }]);
  });

  test.each([lobby, review0, { phase: 'ended', lastIndex: 1 } as SessionState])('leaves %p as it is', (state) => {
    const result = ok(resumeAfterRestart(state, T0 + 1_000_000));
    expect(result.state).toEqual(state);
    expect(result.effects).toEqual([]);
  });
});

describe('judgeSubmit', () => {
  const submitA = { questionIdx: 0, choice: 'A' };

  test('no question open → closed', () => {
    for (const state of [lobby, review0, { phase: 'ended', lastIndex: 0 } as SessionState]) {
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
    const judgement = judgeSubmit(q0, pool, submitA, T0 + 19_999, false);
    expect(judgement).toEqual({ accepted: true, points: 500, correct: true });
  });

  test('another question index → wrong_question', () => {
    expect(judgeSubmit(q0, pool, { questionIdx: 1, choice: 'A' }, T0 + 1, false)).toEqual({
      accepted: false,
      reason: 'wrong_question',
    });
  });

  test.each(['E', 'F', 'a', 'Z', '', 'AB', 'A '])('choice %p on a 4-choice question → invalid_choice', (choice) => {
    expect(judgeSubmit(q0, pool, { questionIdx: 0, choice }, T0 + 1, false)).toEqual({
      accepted: false,
      reason: 'invalid_choice',
    });
  });

  test('E and F are valid on a 6-choice question', () => {
    const six = makePool(1, { choices: 6 });
    const state: SessionState = { phase: 'question', index: 0, openedAt: T0, deadline: T0 + 20_000 };
    expect(judgeSubmit(state, six, { questionIdx: 0, choice: 'F' }, T0 + 1, false).accepted).toBe(true);
    expect(judgeSubmit(state, six, { questionIdx: 0, choice: 'E' }, T0 + 1, false).accepted).toBe(true);
  });

  test('a student who has answered → already_answered', () => {
    expect(judgeSubmit(q0, pool, submitA, T0 + 1, true)).toEqual({ accepted: false, reason: 'already_answered' });
    expect(judgeSubmit(q0, pool, { questionIdx: 0, choice: 'B' }, T0 + 1, true)).toEqual({
      accepted: false,
      reason: 'already_answered',
    });
  });

  test('a wrong answer is accepted with 0 points', () => {
    expect(judgeSubmit(q0, pool, { questionIdx: 0, choice: 'C' }, T0 + 1, false)).toEqual({
      accepted: true,
      points: 0,
      correct: false,
    });
  });

  test('a correct answer is scored from openedAt to receivedAt', () => {
    expect(judgeSubmit(q0, pool, submitA, T0, false)).toEqual({ accepted: true, points: 1000, correct: true });
    expect(judgeSubmit(q0, pool, submitA, T0 + 10_000, false)).toEqual({ accepted: true, points: 750, correct: true });
    // 1000 × (1 − 3000/20000/2) = 925
    expect(judgeSubmit(q0, pool, submitA, T0 + 3_000, false)).toEqual({ accepted: true, points: 925, correct: true });
    // question 1 has 30 s: 1000 × (1 − 7000/30000/2) = 883.33… → 883
    const q1: SessionState = { phase: 'question', index: 1, openedAt: T0 + 100, deadline: T0 + 30_100 };
    expect(judgeSubmit(q1, pool, { questionIdx: 1, choice: 'B' }, T0 + 7_100, false)).toEqual({
      accepted: true,
      points: 883,
      correct: true,
    });
  });
});
