import { describe, expect, test } from 'bun:test';
import type { Pool } from '../../../src/protocol/pool';
import {
  initialState,
  resumeAfterRestart,
  transition,
  type SessionEvent,
  type SessionState,
  type TransitionResult,
} from '../../../src/session/machine';
import { makePool, makeQuestion } from '../../helpers/test-server';

const T0 = 1_700_000_000_000;

/** Three single-answer questions: 20 s (answer A), 30 s (answer B), 10 s (answer C); 4 choices each. */
const pool: Pool = {
  title: 'machine',
  scoring: 'speed',
  questions: [
    makeQuestion({ text: 'q0', answer: 'A', time_limit_s: 20 }),
    makeQuestion({ text: 'q1', answer: 'B', time_limit_s: 30 }),
    makeQuestion({ text: 'q2', answer: 'C', time_limit_s: 10 }),
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
const q0: SessionState = { phase: 'question', index: 0, round: 1, openedAt: T0, deadline: T0 + 20_000 };
const q2: SessionState = { phase: 'question', index: 2, round: 1, openedAt: T0, deadline: T0 + 10_000 };
const review0: SessionState = { phase: 'review', index: 0, round: 1 };
const review2: SessionState = { phase: 'review', index: 2, round: 1 };

describe('transition', () => {
  test('initial state is the lobby', () => {
    expect(initialState()).toEqual({ phase: 'lobby' });
  });

  test('next in the lobby opens question 0 with deadline = now + time_limit', () => {
    const result = ok(transition(lobby, 'next', T0 + 123, pool));
    expect(result.state).toEqual({ phase: 'question', index: 0, round: 1, openedAt: T0 + 123, deadline: T0 + 123 + 20_000 });
    expect(result.effects).toEqual([
      { type: 'persist' },
      { type: 'arm_deadline', at: T0 + 123 + 20_000 },
      { type: 'question_opened', index: 0, round: 1 },
    ]);
  });

  test('opening uses each question’s own time limit', () => {
    const result = ok(transition(review0, 'next', T0 + 5_000, pool));
    expect(result.state).toEqual({ phase: 'question', index: 1, round: 1, openedAt: T0 + 5_000, deadline: T0 + 5_000 + 30_000 });
    expect(result.effects).toContainEqual({ type: 'arm_deadline', at: T0 + 35_000 });
  });

  test.each(['next', 'close', 'deadline'] as SessionEvent[])('%s in a question moves to review', (event) => {
    const now = event === 'deadline' ? T0 + 20_000 : T0 + 1_000;
    const result = ok(transition(q0, event, now, pool));
    expect(result.state).toEqual({ phase: 'review', index: 0, round: 1 });
    expect(result.effects).toEqual([{ type: 'cancel_deadline' }, { type: 'persist' }, { type: 'question_closed', index: 0, round: 1 }]);
  });

  test('a deadline event after the deadline also closes', () => {
    const result = ok(transition(q0, 'deadline', T0 + 25_000, pool));
    expect(result.state).toEqual({ phase: 'review', index: 0, round: 1 });
  });

  test('an early deadline event re-arms at the absolute deadline and keeps the question', () => {
    const result = ok(transition(q0, 'deadline', T0 + 19_999, pool));
    expect(result.state).toEqual(q0);
    expect(result.effects).toEqual([{ type: 'arm_deadline', at: T0 + 20_000 }]);
    expect(result.effects.some((effect) => effect.type === 'persist')).toBe(false);
    expect(result.effects.some((effect) => effect.type === 'question_closed')).toBe(false);
  });

  test('next in review opens the next question', () => {
    const result = ok(transition({ phase: 'review', index: 1, round: 1 }, 'next', T0, pool));
    expect(result.state).toEqual({ phase: 'question', index: 2, round: 1, openedAt: T0, deadline: T0 + 10_000 });
    expect(result.effects).toContainEqual({ type: 'question_opened', index: 2, round: 1 });
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
    expect(state).toEqual({ phase: 'review', index: 0, round: 1 });
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
        { type: 'question_closed', index: 2, round: 1 },
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

    test.each(['next', 'close', 'end', 'deadline', 'revote'] as SessionEvent[])('%s in ended', (event) => {
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

describe('revote (peer instruction: a closed question asked a second time)', () => {
  /** single (25 s), multiple (15 s), poll (40 s), numeric (30 s), then a last single. */
  const typed: Pool = {
    title: 'types',
    scoring: 'speed',
    questions: [
      makeQuestion({ type: 'single', answer: 'B', time_limit_s: 25 }),
      makeQuestion({ type: 'multiple', answer: ['A', 'C'], time_limit_s: 15 }),
      makeQuestion({ type: 'poll', time_limit_s: 40 }),
      makeQuestion({ type: 'numeric', answer: 3.5, tolerance: 0.5, time_limit_s: 30 }),
      makeQuestion({ type: 'single', answer: 'A', time_limit_s: 10 }),
    ],
  };
  const reviewOf = (index: number, round: 1 | 2 = 1): SessionState => ({ phase: 'review', index, round });

  test.each([
    [0, 'single', 25_000],
    [1, 'multiple', 15_000],
    [2, 'poll', 40_000],
  ] as const)('from review of %i (%s) in round 1 opens the same question as round 2 with the same time limit', (index, _type, limitMs) => {
    const result = ok(transition(reviewOf(index), 'revote', T0 + 7, typed));
    expect(result.state).toEqual({ phase: 'question', index, round: 2, openedAt: T0 + 7, deadline: T0 + 7 + limitMs });
    expect(result.effects).toEqual([
      { type: 'persist' },
      { type: 'arm_deadline', at: T0 + 7 + limitMs },
      { type: 'question_opened', index, round: 2 },
    ]);
  });

  test('is refused for a numeric question', () => {
    expect(refusedMessage(transition(reviewOf(3), 'revote', T0, typed))).toContain('numeric');
  });

  test('is refused from the review of round 2: a question is asked at most twice', () => {
    for (const index of [0, 1, 2]) {
      expect(refusedMessage(transition(reviewOf(index, 2), 'revote', T0, typed)).length).toBeGreaterThan(0);
    }
  });

  test('is refused in the lobby', () => {
    expect(refusedMessage(transition(lobby, 'revote', T0, typed)).length).toBeGreaterThan(0);
  });

  test('is refused while a question is open, in either round, and leaves it open', () => {
    for (const round of [1, 2] as const) {
      const open: SessionState = { phase: 'question', index: 0, round, openedAt: T0, deadline: T0 + 25_000 };
      expect(refusedMessage(transition(open, 'revote', T0 + 1_000, typed)).length).toBeGreaterThan(0);
      // Even once the deadline has passed (its timer not fired yet): revote does not close.
      expect(transition(open, 'revote', T0 + 30_000, typed).ok).toBe(false);
    }
  });

  test('is refused after the end', () => {
    for (const lastIndex of [0, 2, null]) {
      expect(refusedMessage(transition({ phase: 'ended', lastIndex }, 'revote', T0, typed)).length).toBeGreaterThan(0);
    }
  });

  test('round 2 closes (close, next, deadline) into the review of round 2', () => {
    const open = ok(transition(reviewOf(1), 'revote', T0, typed)).state;
    for (const [event, now] of [['close', T0 + 1_000], ['next', T0 + 1_000], ['deadline', T0 + 15_000]] as const) {
      const result = ok(transition(open, event, now, typed));
      expect(result.state).toEqual({ phase: 'review', index: 1, round: 2 });
      expect(result.effects).toEqual([
        { type: 'cancel_deadline' },
        { type: 'persist' },
        { type: 'question_closed', index: 1, round: 2 },
      ]);
    }
  });

  test('an early deadline in round 2 re-arms and keeps round 2 open', () => {
    const open = ok(transition(reviewOf(0), 'revote', T0, typed)).state;
    const result = ok(transition(open, 'deadline', T0 + 24_999, typed));
    expect(result.state).toEqual(open);
    expect(result.effects).toEqual([{ type: 'arm_deadline', at: T0 + 25_000 }]);
  });

  test('next from the review of round 2 opens the next question in round 1', () => {
    const result = ok(transition(reviewOf(2, 2), 'next', T0, typed));
    expect(result.state).toEqual({ phase: 'question', index: 3, round: 1, openedAt: T0, deadline: T0 + 30_000 });
    expect(result.effects).toContainEqual({ type: 'question_opened', index: 3, round: 1 });
  });

  test('next from the review of round 2 of the last question ends the session', () => {
    const last: Pool = { ...typed, questions: typed.questions.slice(0, 1) };
    const result = ok(transition(reviewOf(0, 2), 'next', T0, last));
    expect(result.state).toEqual({ phase: 'ended', lastIndex: 0 });
    expect(result.effects).toEqual([{ type: 'persist' }, { type: 'session_ended' }]);
  });

  test('end while round 2 is open closes round 2, then ends', () => {
    const open = ok(transition(reviewOf(0), 'revote', T0, typed)).state;
    const result = ok(transition(open, 'end', T0 + 1, typed));
    expect(result.state).toEqual({ phase: 'ended', lastIndex: 0 });
    expect(result.effects).toEqual([
      { type: 'cancel_deadline' },
      { type: 'persist' },
      { type: 'question_closed', index: 0, round: 2 },
      { type: 'session_ended' },
    ]);
  });

  test('persists before it broadcasts', () => {
    const types = ok(transition(reviewOf(0), 'revote', T0, typed)).effects.map((effect) => effect.type);
    expect(types.indexOf('persist')).toBeLessThan(types.indexOf('question_opened'));
  });
});

describe('resumeAfterRestart', () => {
  test('closes a question whose deadline has passed', () => {
    const result = ok(resumeAfterRestart(q0, T0 + 60_000));
    expect(result.state).toEqual({ phase: 'review', index: 0, round: 1 });
    expect(result.effects).toContainEqual({ type: 'persist' });
    expect(result.effects).toContainEqual({ type: 'question_closed', index: 0, round: 1 });
  });

  test('closes a question exactly at its deadline', () => {
    expect(ok(resumeAfterRestart(q0, T0 + 20_000)).state).toEqual({ phase: 'review', index: 0, round: 1 });
  });

  test('re-arms a question with time left at its absolute deadline', () => {
    const result = ok(resumeAfterRestart(q0, T0 + 5_000));
    expect(result.state).toEqual(q0);
    expect(result.effects).toEqual([{ type: 'arm_deadline', at: T0 + 20_000 }]);
  });

  test('keeps the round: round 2 with time left is re-armed as round 2', () => {
    const round2: SessionState = { phase: 'question', index: 0, round: 2, openedAt: T0, deadline: T0 + 20_000 };
    const result = ok(resumeAfterRestart(round2, T0 + 5_000));
    expect(result.state).toEqual(round2);
    expect(result.effects).toEqual([{ type: 'arm_deadline', at: T0 + 20_000 }]);
  });

  test('keeps the round: round 2 past its deadline closes into the review of round 2', () => {
    const round2: SessionState = { phase: 'question', index: 1, round: 2, openedAt: T0, deadline: T0 + 30_000 };
    const result = ok(resumeAfterRestart(round2, T0 + 60_000));
    expect(result.state).toEqual({ phase: 'review', index: 1, round: 2 });
    expect(result.effects).toContainEqual({ type: 'persist' });
    expect(result.effects).toContainEqual({ type: 'question_closed', index: 1, round: 2 });
  });

  test.each([lobby, review0, { phase: 'review', index: 0, round: 2 } as SessionState, { phase: 'ended', lastIndex: 1 } as SessionState])('leaves %p as it is', (state) => {
    const result = ok(resumeAfterRestart(state, T0 + 1_000_000));
    expect(result.state).toEqual(state);
    expect(result.effects).toEqual([]);
  });
});
