/**
 * Frames a client sends: their schemas, compiled checkers, and the decoding that turns
 * raw socket text into a value or the `error` to answer with.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ADMIN_COMMANDS, MAX_FRAME_BYTES, type FrameErrorCode } from './constants';

const submitBase = { type: t.Literal('submit'), question_idx: t.Integer({ minimum: 0, maximum: 100_000 }) };

/**
 * One of three answer forms, by question type: `choice` (single, poll), `choices`
 * (multiple), `value` (numeric). The frame's shape is checked here; whether the form fits
 * the open question (and a value is a finite number) is judged by the session, which
 * answers `invalid_choice` — so `value` may be anything JSON can carry.
 */
export const SubmitFrame = t.Union([
  t.Object({ ...submitBase, choice: t.String({ maxLength: 16 }) }),
  t.Object({ ...submitBase, choices: t.Array(t.String({ maxLength: 16 }), { maxItems: 16 }) }),
  t.Object({ ...submitBase, value: t.Unknown() }),
]);
export type SubmitFrame = Static<typeof SubmitFrame>;

/**
 * The back channel. Shapes only: the text's rules, the ask id's existence and the pulse
 * value are judged by the session (back-channel.ts), which answers a specific `error`.
 */
export const AskFrame = t.Object({ type: t.Literal('ask'), text: t.String() });
export type AskFrame = Static<typeof AskFrame>;
export const UpvoteFrame = t.Object({ type: t.Literal('upvote'), ask_id: t.Integer() });
export type UpvoteFrame = Static<typeof UpvoteFrame>;
export const PulseFrame = t.Object({ type: t.Literal('pulse'), value: t.String() });
export type PulseFrame = Static<typeof PulseFrame>;

export const StudentFrame = t.Union([...SubmitFrame.anyOf, AskFrame, UpvoteFrame, PulseFrame]);
export type StudentFrame = Static<typeof StudentFrame>;

export const AdminCommandFrame = t.Object({
  type: t.Union(ADMIN_COMMANDS.map((command) => t.Literal(command))),
});
export type AdminCommandFrame = Static<typeof AdminCommandFrame>;

/** Every client frame type, by audience: the socket endpoints and docs/PROTOCOL.md use these. */
export const STUDENT_FRAME_TYPES = ['submit', 'ask', 'upvote', 'pulse'] as const;
export const ADMIN_FRAME_TYPES = ADMIN_COMMANDS;

export const studentFrameChecker = TypeCompiler.Compile(StudentFrame);
export const adminFrameChecker = TypeCompiler.Compile(AdminCommandFrame);

export type FrameProblem = { code: FrameErrorCode; message: string };
export type DecodedFrame = { ok: true; value: unknown } | ({ ok: false } & FrameProblem);

/**
 * Reads a text frame into a JSON value, or says which `error` to answer with. Size is
 * checked before parsing so an oversized frame costs no parse.
 */
export function decodeFrame(raw: string | Buffer): DecodedFrame {
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
export function describeShapeError(value: unknown, knownTypes: readonly string[]): FrameProblem {
  const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !knownTypes.includes(type)) {
    return { code: 'unknown_type', message: `unknown frame type; expected one of: ${knownTypes.join(', ')}` };
  }
  if (type === 'submit') {
    return {
      code: 'invalid_frame',
      message: 'submit needs question_idx (integer) and one of choice (string), choices (list of strings) or value',
    };
  }
  if (type === 'ask') return { code: 'invalid_frame', message: 'ask needs text (a string)' };
  if (type === 'upvote') return { code: 'invalid_frame', message: 'upvote needs ask_id (an integer)' };
  if (type === 'pulse') return { code: 'invalid_frame', message: 'pulse needs value ("lost", "ok" or "fast")' };
  return { code: 'invalid_frame', message: `a frame is a JSON object with "type" (one of: ${knownTypes.join(', ')})` };
}
