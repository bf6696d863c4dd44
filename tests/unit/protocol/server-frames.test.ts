import { describe, expect, test } from 'bun:test';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FRAME_ERROR_CODES, SUBMIT_REJECT_REASONS } from '../../../src/protocol/constants';
import { SERVER_FRAME_SCHEMAS, type ServerFrameType } from '../../../src/protocol/server-frames';
import { adminSnapshot, answerProgressFrame, askAddedFrame, askShownFrame, askUpdatedFrame, askVotesFrame, pulseUpdateFrame, errorFrame, lobbyUpdateFrame, questionClosedFrames, questionOpenFrame, sessionEndedFrames, settingsFrame, snapshotFrame, studentSnapshot, submitAckFrame } from '../../../src/protocol/frame-builders';
import { DEFAULT_COURSE_SETTINGS, publicSettingsOf } from '../../../src/protocol/settings';
import { makePool } from '../../helpers/test-server';

/** Parses a frame and fails with the schema's own error list if it does not match its type's schema. */
function parseChecked(data: string, type: ServerFrameType): Record<string, any> {
  const frame = JSON.parse(data) as Record<string, any>;
  expect(frame.type).toBe(type);
  const schema: TSchema = SERVER_FRAME_SCHEMAS[type];
  expect([...Value.Errors(schema, frame)].map((error) => `${error.path}: ${error.message}`)).toEqual([]);
  return frame;
}

const question = {
  text: 'Q?',
  choices: ['a', 'b', 'c'],
  question_type: 'single' as const,
  round: 1 as const,
  image: null,
  image_alt: null,
  scoring: 'speed' as const,
  time_limit_ms: 20_000,
  remaining_ms: 12_345,
};

const closedBody = {
  type: 'question_closed',
  question_idx: 0,
  question_type: 'single',
  round: 1,
  correct: 'A',
  counts: {},
  tally: { answered: 0, correct: 0 },
  explanation: null,
};

describe('the schemas are not vacuous', () => {
  // Each frame below is valid but for the one defect its label names (the test after checks that).
  const cases = [
    ['a submit_ack with an unknown reason', 'submit_ack', { type: 'submit_ack', question_idx: 0, choice: 'A', accepted: false, reason: 'nope' }, { reason: 'closed' }],
    ['negative counts', 'answer_progress', { type: 'answer_progress', question_idx: 0, answered: 1, students_count: 1, counts: { A: -1 } }, { counts: { A: 1 } }],
    ['a question_closed with a correct letter G', 'question_closed', { ...closedBody, correct: 'G' }, { correct: 'A' }],
    ['a question_closed with correct letters including G', 'question_closed', { ...closedBody, correct: ['A', 'G'] }, { correct: ['A', 'F'] }],
    ['a question_closed of round 3', 'question_closed', { ...closedBody, round: 3 }, { round: 2 }],
    ['a question_closed of an unknown type', 'question_closed', { ...closedBody, question_type: 'essay' }, { question_type: 'poll' }],
    ['a question_closed without question_type', 'question_closed', { ...closedBody, question_type: undefined }, { question_type: 'numeric' }],
    ['a question_closed without tally', 'question_closed', { ...closedBody, tally: undefined }, { tally: { answered: 1, correct: null } }],
    ['a tally with a negative answered', 'question_closed', { ...closedBody, tally: { answered: -1, correct: 0 } }, { tally: { answered: 1, correct: 0 } }],
    ['a tally with a fractional correct', 'question_closed', { ...closedBody, tally: { answered: 2, correct: 0.5 } }, { tally: { answered: 2, correct: 1 } }],
    ['a tally without correct', 'question_closed', { ...closedBody, tally: { answered: 2 } }, { tally: { answered: 2, correct: 2 } }],
    ['a tally with a string answered', 'question_closed', { ...closedBody, tally: { answered: '2', correct: 1 } }, { tally: { answered: 2, correct: 1 } }],
    [
      'a first_round_tally with a negative correct',
      'question_closed',
      { ...closedBody, round: 2, first_round_tally: { answered: 1, correct: -1 } },
      { first_round_tally: { answered: 1, correct: 1 } },
    ],
    ['a question_open with negative remaining time', 'question_open', { type: 'question_open', question_idx: 0, ...question, remaining_ms: -1 }, { remaining_ms: 0 }],
    ['a question_open with an unknown scoring', 'question_open', { type: 'question_open', question_idx: 0, ...question, scoring: 'fast' }, { scoring: 'accuracy' }],
    ['a question_open without image_alt', 'question_open', { type: 'question_open', question_idx: 0, ...question, image_alt: undefined }, { image_alt: 'alt' }],
    ['an error without a message', 'error', { type: 'error', code: 'invalid_json' }, { message: 'm' }],
  ] as [string, ServerFrameType, Record<string, unknown>, Record<string, unknown>][];

  test.each(cases)('%s fails', (_label, type, frame) => {
    expect(Value.Check(SERVER_FRAME_SCHEMAS[type], JSON.parse(JSON.stringify(frame)))).toBe(false);
  });

  test.each(cases)('%s passes once that defect is mended', (_label, type, frame, mend) => {
    expect(Value.Check(SERVER_FRAME_SCHEMAS[type], JSON.parse(JSON.stringify({ ...frame, ...mend })))).toBe(true);
  });
});

/**
 * Regression: `Counts` was a pattern record without `additionalProperties: false`, which
 * TypeBox turns into `patternProperties` only, so `{ X: 'foo' }` passed as counts.
 */
describe('Counts rejects keys that are not choice letters', () => {
  const progress = (counts: unknown) => ({ type: 'answer_progress', question_idx: 0, answered: 1, students_count: 1, counts });

  test('a lowercase letter key fails', () => {
    expect(Value.Check(SERVER_FRAME_SCHEMAS.answer_progress, progress({ a: 1 }))).toBe(false);
  });

  test('a non-letter key with a string value fails', () => {
    expect(Value.Check(SERVER_FRAME_SCHEMAS.answer_progress, progress({ X: 'foo' }))).toBe(false);
  });

  test('the numeric keys correct and incorrect pass; other words fail', () => {
    expect(Value.Check(SERVER_FRAME_SCHEMAS.answer_progress, progress({ correct: 2, incorrect: 0 }))).toBe(true);
    expect(Value.Check(SERVER_FRAME_SCHEMAS.answer_progress, progress({ A: 1, F: 0 }))).toBe(true);
    for (const key of ['Correct', 'wrong', 'correctly', 'G', 'AB']) {
      expect(Value.Check(SERVER_FRAME_SCHEMAS.answer_progress, progress({ [key]: 1 }))).toBe(false);
    }
  });
});

describe('snapshot builders', () => {
  test('studentSnapshot adds type and passes the snapshot schema after a JSON round trip', () => {
    const snapshot = studentSnapshot({
      phase: 'question',
      question_idx: 0,
      total_questions: 3,
      students_count: 2,
      question,
      me: { student_id: 's1', name: 'Ann', score: 0, answer: 'B', points: null },
      settings: publicSettingsOf(DEFAULT_COURSE_SETTINGS),
      asks: [
        { id: 2, text: 'Why O(n)?', votes: 3, state: 'open', mine: true },
        { id: 1, text: 'Again?', votes: 0, state: 'answered', mine: false },
      ],
    });
    expect(snapshot.type).toBe('snapshot');
    const frame = parseChecked(snapshotFrame(snapshot), 'snapshot');
    expect(frame).toEqual(snapshot);
  });

  test('a final student snapshot with rank and total passes', () => {
    const snapshot = studentSnapshot({
      phase: 'ended',
      question_idx: null,
      total_questions: 3,
      students_count: 2,
      question: null,
      me: { student_id: 's1', name: 'Ann', score: 1500, answer: null, points: null, rank: 1, total_students: 2 },
      settings: publicSettingsOf(DEFAULT_COURSE_SETTINGS),
      asks: [],
    });
    expect(parseChecked(snapshotFrame(snapshot), 'snapshot')).toEqual(snapshot);
  });

  test('adminSnapshot adds type and passes the snapshot schema after a JSON round trip', () => {
    const snapshot = adminSnapshot({
      phase: 'review',
      question_idx: 1,
      total_questions: 3,
      students_count: 1,
      question: {
        ...question,
        round: 2,
        correct: 'A',
        counts: { A: 1, B: 0, C: 0 },
        first_round_counts: { A: 0, B: 1, C: 0 },
        tally: { answered: 1, correct: 1 },
        first_round_tally: { answered: 1, correct: 0 },
        explanation: null,
      },
      run_id: 5,
      answered: 1,
      counts: { A: 1, B: 0, C: 0 },
      students: [{ student_id: 's1', name: 'Ann', score: 1000, rank: 1, connected: true, released: false }],
      pool: makePool(3),
      settings: DEFAULT_COURSE_SETTINGS,
      join_code: '0427',
      join_code_changes_in_ms: 12_000,
      class_list: { students: 120 },
      asks: [{ id: 1, text: 'Why?', votes: 1, state: 'hidden', mine: false, student_id: 's1', asked_at_ms: 1_700_000_000_000 }],
      pulse: { lost: 1, ok: 0, fast: 2, students_count: 3, timeline: [{ minute_ms: 1_699_999_980_000, lost: 1, ok: 0, fast: 2 }] },
      shown_ask: null,
    });
    expect(snapshot.type).toBe('snapshot');
    expect(parseChecked(snapshotFrame(snapshot), 'snapshot')).toEqual(snapshot);
  });
});

describe('settingsFrame', () => {
  test('carries the full settings for admins and the public subset for students', () => {
    const all = { ...DEFAULT_COURSE_SETTINGS, qa: true, retention_days: 30 };
    expect(parseChecked(settingsFrame(all), 'settings')).toEqual({ type: 'settings', settings: all });
    const shown = parseChecked(settingsFrame(publicSettingsOf(all)), 'settings');
    expect(shown.settings).toEqual({ join_code: false, qa: true, pulse: false, term_results: false });
    expect(shown.settings).not.toHaveProperty('retention_days');
  });
});

describe('lobbyUpdateFrame', () => {
  test('without names (students) carries only the count', () => {
    expect(parseChecked(lobbyUpdateFrame(3), 'lobby_update')).toEqual({ type: 'lobby_update', students_count: 3 });
  });

  test('with names (admins) carries them in order', () => {
    expect(parseChecked(lobbyUpdateFrame(2, ['Zoe', 'Amy']), 'lobby_update')).toEqual({
      type: 'lobby_update',
      students_count: 2,
      names: ['Zoe', 'Amy'],
    });
  });
});

describe('questionOpenFrame', () => {
  test('carries the question and timing', () => {
    expect(parseChecked(questionOpenFrame({ question_idx: 2, ...question }), 'question_open')).toEqual({
      type: 'question_open',
      question_idx: 2,
      ...question,
    });
  });
});

describe('submitAckFrame', () => {
  test('without a reason is accepted and has no reason field', () => {
    const frame = parseChecked(submitAckFrame(1, { choice: 'C' }), 'submit_ack');
    expect(frame).toEqual({ type: 'submit_ack', question_idx: 1, choice: 'C', accepted: true });
    expect(frame).not.toHaveProperty('reason');
  });

  test.each([
    ['choices', { choices: ['C', 'A'] }],
    ['a number value', { value: 3.5 }],
    ['a string value', { value: '3' }],
    ['an array value', { value: [3] }],
    ['a null value', { value: null }],
    ['a choice and a value', { choice: 'A', value: 1 }],
  ])('echoes %s exactly as given, and adds no other answer field', (_label, echo) => {
    const frame = parseChecked(submitAckFrame(0, echo, 'invalid_choice'), 'submit_ack');
    expect(frame).toEqual({ type: 'submit_ack', question_idx: 0, ...echo, accepted: false, reason: 'invalid_choice' });
  });

  test.each([...SUBMIT_REJECT_REASONS])('with reason %s is refused with that reason', (reason) => {
    expect(parseChecked(submitAckFrame(0, { choice: 'Z' }, reason), 'submit_ack')).toEqual({
      type: 'submit_ack',
      question_idx: 0,
      choice: 'Z',
      accepted: false,
      reason,
    });
  });

  test('echoes a choice that needs escaping', () => {
    const choice = 'A"}\\';
    expect(parseChecked(submitAckFrame(0, { choice }, 'invalid_choice'), 'submit_ack').choice).toBe(choice);
  });
});

describe('answerProgressFrame', () => {
  test('carries answered, students and counts', () => {
    const body = { question_idx: 0, answered: 2, students_count: 5, counts: { A: 1, B: 1, C: 0, D: 0 } };
    expect(parseChecked(answerProgressFrame(body), 'answer_progress')).toEqual({ type: 'answer_progress', ...body });
  });
});

describe('errorFrame', () => {
  test.each([...FRAME_ERROR_CODES])('%s is a valid error frame', (code) => {
    expect(parseChecked(errorFrame(code, 'something "quoted"'), 'error')).toEqual({ type: 'error', code, message: 'something "quoted"' });
  });
});

describe('questionClosedFrames', () => {
  const body = {
    question_idx: 3,
    question_type: 'single' as const,
    round: 1 as const,
    correct: 'B' as const,
    counts: { A: 0, B: 2, C: 1 },
    tally: { answered: 3, correct: 2 },
    explanation: 'Because {B}.',
  };

  test('the shared form is the body alone and passes the schema', () => {
    const { shared } = questionClosedFrames(body);
    const frame = parseChecked(shared, 'question_closed');
    expect(frame).toEqual({ type: 'question_closed', ...body });
    for (const field of ['your_choice', 'points', 'score']) expect(frame).not.toHaveProperty(field);
  });

  test('a personal form is the shared frame plus the three personal fields', () => {
    const frames = questionClosedFrames(body);
    expect(parseChecked(frames.personal({ your_choice: 'B', points: 850, score: 2_350 }), 'question_closed')).toEqual({
      type: 'question_closed',
      ...body,
      your_choice: 'B',
      points: 850,
      score: 2_350,
    });
  });

  test('a student who did not answer gets your_choice null', () => {
    const frames = questionClosedFrames({ ...body, explanation: null });
    const frame = parseChecked(frames.personal({ your_choice: null, points: 0, score: 0 }), 'question_closed');
    expect(frame.your_choice).toBeNull();
    expect(frame.explanation).toBeNull();
  });

  test.each([
    ['quotes', 'say "B"'],
    ['backslashes', 'C:\\path\\'],
    ['a closing brace and comma', '"},"points":99999,"x":"'],
    ['control characters', 'line\nnext\ttab\u0000'],
    ['unicode', 'é ✓ 😀 \u2028\u2029'],
    ['a lone surrogate', '\ud800'],
  ])('your_choice with %s is escaped: valid JSON, same string back, other fields intact', (_label, choice) => {
    const frames = questionClosedFrames(body);
    const frame = parseChecked(frames.personal({ your_choice: choice, points: 10, score: 20 }), 'question_closed');
    expect(frame.your_choice).toBe(choice);
    expect(frame.points).toBe(10);
    expect(frame.score).toBe(20);
    expect(frame.correct).toBe('B');
  });

  test('round 2 of a multiple question: correct letters, first_round_counts and first_round_tally, your_choice a list', () => {
    const round2 = {
      question_idx: 0,
      question_type: 'multiple' as const,
      round: 2 as const,
      correct: ['A', 'C'] as ('A' | 'C')[],
      counts: { A: 2, B: 0, C: 2 },
      first_round_counts: { A: 1, B: 1, C: 2 },
      tally: { answered: 2, correct: 2 },
      first_round_tally: { answered: 3, correct: 1 },
      explanation: null,
    };
    const frames = questionClosedFrames(round2);
    expect(parseChecked(frames.shared, 'question_closed')).toEqual({ type: 'question_closed', ...round2 });
    expect(parseChecked(frames.personal({ your_choice: ['A', 'C'], points: 0, score: 900 }), 'question_closed')).toEqual({
      type: 'question_closed',
      ...round2,
      your_choice: ['A', 'C'],
      points: 0,
      score: 900,
    });
  });

  test('a numeric question: a number correct, correct/incorrect counts, your_choice a number; a poll: correct null, in the tally too', () => {
    const numeric = {
      question_idx: 1,
      question_type: 'numeric' as const,
      round: 1 as const,
      correct: 3.5,
      counts: { correct: 1, incorrect: 2 },
      tally: { answered: 3, correct: 1 },
      explanation: null,
    };
    expect(parseChecked(questionClosedFrames(numeric).personal({ your_choice: -0.25, points: 0, score: 0 }), 'question_closed')).toMatchObject({
      correct: 3.5,
      tally: { answered: 3, correct: 1 },
      your_choice: -0.25,
    });
    const poll = { ...numeric, question_type: 'poll' as const, correct: null, counts: { A: 1, B: 0 }, tally: { answered: 1, correct: null } };
    expect(parseChecked(questionClosedFrames(poll).shared, 'question_closed')).toMatchObject({ correct: null, tally: { answered: 1, correct: null } });
  });

  test('the personal forms do not leak into each other or into the shared form', () => {
    const frames = questionClosedFrames(body);
    const first = frames.personal({ your_choice: 'A', points: 0, score: 5 });
    frames.personal({ your_choice: 'B', points: 900, score: 905 });
    expect(JSON.parse(first)).toMatchObject({ your_choice: 'A', score: 5 });
    expect(JSON.parse(frames.shared)).not.toHaveProperty('score');
  });
});

describe('sessionEndedFrames', () => {
  const leaderboard = [
    { name: 'Ann "the best"', score: 2000, rank: 1 },
    { name: 'Bob\\', score: 2000, rank: 1 },
    { name: 'Zoë 😀', score: 10, rank: 3 },
  ];

  test('the shared form is the leaderboard alone and passes the schema', () => {
    const frame = parseChecked(sessionEndedFrames(leaderboard).shared, 'session_ended');
    expect(frame).toEqual({ type: 'session_ended', leaderboard });
  });

  test('a personal form adds score, rank and total_students', () => {
    const frame = parseChecked(sessionEndedFrames(leaderboard).personal({ score: 10, rank: 3, total_students: 40 }), 'session_ended');
    expect(frame).toEqual({ type: 'session_ended', leaderboard, score: 10, rank: 3, total_students: 40 });
  });

  test('an empty leaderboard still gives valid shared and personal forms', () => {
    const frames = sessionEndedFrames([]);
    expect(parseChecked(frames.shared, 'session_ended')).toEqual({ type: 'session_ended', leaderboard: [] });
    expect(parseChecked(frames.personal({ score: 0, rank: 1, total_students: 1 }), 'session_ended')).toMatchObject({ rank: 1 });
  });
});

describe('SERVER_FRAME_SCHEMAS', () => {
  test('has one schema per frame type the builders produce', () => {
    expect(Object.keys(SERVER_FRAME_SCHEMAS).sort()).toEqual(
      [
        'answer_progress',
        'ask_added',
        'ask_shown',
        'ask_updated',
        'ask_votes',
        'error',
        'lobby_update',
        'pulse_update',
        'question_closed',
        'question_open',
        'session_ended',
        'settings',
        'snapshot',
        'submit_ack',
      ].sort(),
    );
  });
});

describe('back-channel builders', () => {
  const studentAsk = { id: 7, text: 'Why "O(n)"?', votes: 2, state: 'open' as const, mine: true };
  const adminAsk = { ...studentAsk, mine: false as const, state: 'hidden' as const, student_id: 's1', asked_at_ms: 1 };

  test('ask_added carries either form; a student form never has the asker id', () => {
    expect(parseChecked(askAddedFrame(studentAsk), 'ask_added')).toEqual({ type: 'ask_added', ask: studentAsk });
    expect(parseChecked(askAddedFrame(adminAsk), 'ask_added')).toEqual({ type: 'ask_added', ask: adminAsk });
    expect(Value.Check(SERVER_FRAME_SCHEMAS.ask_added, { type: 'ask_added', ask: { ...studentAsk, state: 'hidden' } })).toBe(false);
  });

  test('ask_updated, pulse_update and ask_shown pass their schemas', () => {
    expect(parseChecked(askUpdatedFrame(7, 3, 'answered'), 'ask_updated')).toEqual({ type: 'ask_updated', id: 7, votes: 3, state: 'answered' });
    const pulse = { lost: 1, ok: 2, fast: 0, students_count: 5, at_ms: 1_700_000_000_000 };
    expect(parseChecked(pulseUpdateFrame(pulse), 'pulse_update')).toEqual({ type: 'pulse_update', ...pulse });
    expect(parseChecked(askShownFrame(null), 'ask_shown')).toEqual({ type: 'ask_shown', ask: null });
    expect(parseChecked(askVotesFrame([{ id: 7, votes: 3 }]), 'ask_votes')).toEqual({ type: 'ask_votes', votes: [{ id: 7, votes: 3 }] });
    expect(parseChecked(askShownFrame({ id: 7, text: 'x', votes: 0 }), 'ask_shown').ask.id).toBe(7);
    expect(Value.Check(SERVER_FRAME_SCHEMAS.ask_updated, { type: 'ask_updated', id: 7, votes: -1, state: 'open' })).toBe(false);
  });
});
