/**
 * Every WebSocket frame of the contract, both directions, as TypeBox schemas. Types come
 * from the schemas. Inbound frames are validated with the compiled checkers below;
 * outbound schemas document the wire and let tests check every frame they receive.
 */
import { Type as t, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { SUBMIT_REJECT_REASONS } from '../session/machine';

/** Frames larger than this get an `error` reply; the socket's hard limit sits far above it. */
export const MAX_FRAME_BYTES = 4096;

export const FRAME_ERROR_CODES = [
  'invalid_json',
  'invalid_frame',
  'unknown_type',
  'frame_too_large',
  'binary_not_supported',
  'invalid_command',
  'storage_error',
] as const;
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number];

// ---- client → server ----

export const SubmitFrame = t.Object({
  type: t.Literal('submit'),
  question_idx: t.Integer({ minimum: 0, maximum: 100_000 }),
  choice: t.String({ maxLength: 16 }),
});
export type SubmitFrame = Static<typeof SubmitFrame>;

export const AdminCommandFrame = t.Object({
  type: t.Union([t.Literal('next'), t.Literal('close'), t.Literal('end')]),
});
export type AdminCommandFrame = Static<typeof AdminCommandFrame>;

export const studentFrameChecker = TypeCompiler.Compile(SubmitFrame);
export const adminFrameChecker = TypeCompiler.Compile(AdminCommandFrame);

// ---- server → client ----

const Phase = t.Union([t.Literal('lobby'), t.Literal('question'), t.Literal('review'), t.Literal('ended')]);
const Letter = t.String({ pattern: '^[A-F]$' });
export const Counts = t.Record(t.String({ pattern: '^[A-F]$' }), t.Integer({ minimum: 0 }));
export type Counts = Static<typeof Counts>;

export const QuestionView = t.Object({
  text: t.String(),
  choices: t.Array(t.String()),
  time_limit_ms: t.Integer(),
  remaining_ms: t.Integer({ minimum: 0 }),
  correct: t.Optional(Letter),
  counts: t.Optional(Counts),
  explanation: t.Optional(t.Union([t.String(), t.Null()])),
});
export type QuestionView = Static<typeof QuestionView>;

export const MeView = t.Object({
  student_id: t.String(),
  name: t.String(),
  score: t.Integer(),
  answer: t.Union([Letter, t.Null()]),
  points: t.Union([t.Integer(), t.Null()]),
  /** Only after the session has ended. */
  rank: t.Optional(t.Integer({ minimum: 1 })),
  total_students: t.Optional(t.Integer()),
});

const snapshotCommon = {
  type: t.Literal('snapshot'),
  phase: Phase,
  question_idx: t.Union([t.Integer(), t.Null()]),
  total_questions: t.Integer(),
  students_count: t.Integer(),
  question: t.Union([QuestionView, t.Null()]),
};

export const StudentSnapshot = t.Object({ ...snapshotCommon, me: MeView });
export type StudentSnapshot = Static<typeof StudentSnapshot>;

export const AdminStudentView = t.Object({
  student_id: t.String(),
  name: t.String(),
  score: t.Integer(),
  rank: t.Integer({ minimum: 1 }),
  connected: t.Boolean(),
  released: t.Boolean(),
});

export const PoolView = t.Object({
  title: t.String(),
  questions: t.Array(
    t.Object({
      text: t.String(),
      choices: t.Array(t.String()),
      answer: Letter,
      time_limit_s: t.Integer(),
      explanation: t.Union([t.String(), t.Null()]),
    }),
  ),
});

export const AdminSnapshot = t.Object({
  ...snapshotCommon,
  run_id: t.Integer(),
  answered: t.Integer(),
  counts: t.Union([Counts, t.Null()]),
  students: t.Array(AdminStudentView),
  pool: PoolView,
});
export type AdminSnapshot = Static<typeof AdminSnapshot>;

export const LobbyUpdate = t.Object({
  type: t.Literal('lobby_update'),
  students_count: t.Integer(),
  names: t.Optional(t.Array(t.String())),
});

export const QuestionOpen = t.Object({
  type: t.Literal('question_open'),
  question_idx: t.Integer(),
  text: t.String(),
  choices: t.Array(t.String()),
  time_limit_ms: t.Integer(),
  remaining_ms: t.Integer({ minimum: 0 }),
});

export const SubmitAck = t.Object({
  type: t.Literal('submit_ack'),
  question_idx: t.Integer(),
  choice: t.String(),
  accepted: t.Boolean(),
  reason: t.Optional(t.Union(SUBMIT_REJECT_REASONS.map((reason) => t.Literal(reason)))),
});
export type SubmitAck = Static<typeof SubmitAck>;

export const AnswerProgress = t.Object({
  type: t.Literal('answer_progress'),
  question_idx: t.Integer(),
  answered: t.Integer(),
  students_count: t.Integer(),
  counts: Counts,
});

export const QuestionClosed = t.Object({
  type: t.Literal('question_closed'),
  question_idx: t.Integer(),
  correct: Letter,
  counts: Counts,
  explanation: t.Union([t.String(), t.Null()]),
  your_choice: t.Optional(t.Union([Letter, t.Null()])),
  points: t.Optional(t.Integer()),
  score: t.Optional(t.Integer()),
});

export const LeaderboardEntry = t.Object({ name: t.String(), score: t.Integer(), rank: t.Integer() });

export const SessionEnded = t.Object({
  type: t.Literal('session_ended'),
  leaderboard: t.Array(LeaderboardEntry),
  score: t.Optional(t.Integer()),
  rank: t.Optional(t.Integer()),
  total_students: t.Optional(t.Integer()),
});

export const ErrorFrame = t.Object({
  type: t.Literal('error'),
  code: t.String(),
  message: t.String(),
});

export const SERVER_FRAME_SCHEMAS: Record<string, TSchema> = {
  snapshot: t.Union([StudentSnapshot, AdminSnapshot]),
  lobby_update: LobbyUpdate,
  question_open: QuestionOpen,
  submit_ack: SubmitAck,
  answer_progress: AnswerProgress,
  question_closed: QuestionClosed,
  session_ended: SessionEnded,
  error: ErrorFrame,
};

export function errorFrame(code: FrameErrorCode, message: string): string {
  return JSON.stringify({ type: 'error', code, message });
}

/**
 * Reads a text frame into a JSON value, or says which `error` to answer with. Size is
 * checked before parsing so an oversized frame costs no parse.
 */
export function decodeFrame(
  raw: string | Buffer,
): { ok: true; value: unknown } | { ok: false; code: FrameErrorCode; message: string } {
  if (typeof raw !== 'string') {
    return { ok: false, code: 'binary_not_supported', message: 'frames must be JSON text' };
  }
  // Each UTF-16 unit is at most 3 UTF-8 bytes: only long strings need an exact count.
  if (raw.length * 3 > MAX_FRAME_BYTES && Buffer.byteLength(raw) > MAX_FRAME_BYTES) {
    return { ok: false, code: 'frame_too_large', message: `frames are limited to ${MAX_FRAME_BYTES} bytes` };
  }
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, code: 'invalid_json', message: 'the frame is not valid JSON' };
  }
}

/** Distinguishes "unknown type" from "known type, wrong fields" for a clearer error. */
export function describeShapeError(value: unknown, knownTypes: readonly string[]): { code: FrameErrorCode; message: string } {
  const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !knownTypes.includes(type)) {
    return { code: 'unknown_type', message: `unknown frame type; expected one of: ${knownTypes.join(', ')}` };
  }
  if (type === 'submit') {
    return { code: 'invalid_frame', message: 'submit needs question_idx (integer) and choice (string)' };
  }
  return { code: 'invalid_frame', message: `a frame is a JSON object with "type" (one of: ${knownTypes.join(', ')})` };
}
