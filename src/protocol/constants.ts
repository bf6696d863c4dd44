/**
 * The protocol's named values: phases, commands, reasons, error codes, close codes and
 * limits. Everything else (the session, the sockets, the pages through
 * `/static/protocol.js`) takes them from here.
 */

export const SESSION_ID = 'main';

export const PHASES = ['lobby', 'question', 'review', 'ended'] as const;
export type PhaseName = (typeof PHASES)[number];

/** Commands the instructor may send over the admin socket or `POST /admin/api/<command>`. */
export const ADMIN_COMMANDS = ['next', 'close', 'end', 'revote'] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

export const SUBMIT_REJECT_REASONS = ['closed', 'already_answered', 'wrong_question', 'invalid_choice'] as const;
export type SubmitRejectReason = (typeof SUBMIT_REJECT_REASONS)[number];

/** Refusals the session gives: HTTP maps each to a status, the admin socket to an `error` frame. */
export const SESSION_REFUSALS = [
  'invalid_command',
  'wrong_phase',
  'student_id_taken',
  'student_not_found',
  'storage_error',
  'ask_not_found',
  'not_on_roster',
] as const;
export type SessionRefusal = (typeof SESSION_REFUSALS)[number];

/** The back channel's refusals (live Q&A and the pulse): the phone shows these in its Q&A room. */
export const BACK_CHANNEL_ERROR_CODES = [
  'qa_off',
  'pulse_off',
  'invalid_ask',
  'rate_limited',
  'too_many_open_asks',
  'ask_not_found',
  'own_ask',
  'already_upvoted',
  'invalid_pulse',
] as const;
/** Refusals of the question-bank routes (`/admin/api/banks…`); an invalid pool is `invalid_pool`. */
export const BANK_REFUSALS = ['bank_not_found', 'bank_in_play', 'bank_selected'] as const;
export type BankRefusal = (typeof BANK_REFUSALS)[number];

/** Codes of the socket `error` frame. */
export const FRAME_ERROR_CODES = [
  'invalid_json',
  'invalid_frame',
  'unknown_type',
  'frame_too_large',
  'binary_not_supported',
  'invalid_command',
  'storage_error',
  ...BACK_CHANNEL_ERROR_CODES,
] as const;
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number];

/** WebSocket close codes the server uses. */
export const CLOSE_CODES = {
  /** The cookie is missing, forged, from another run, or was released. */
  UNAUTHORIZED: 4401,
  /** The student opened more than MAX_SOCKETS_PER_STUDENT sockets: the oldest is closed. */
  TOO_MANY_CONNECTIONS: 4409,
  /** The socket's send buffer filled up: the client cannot keep up. */
  SLOW_CONSUMER: 1013,
  GOING_AWAY: 1001,
} as const;

export const SOCKET_PATHS = { STUDENT: '/ws', ADMIN: '/admin/ws' } as const;

export const CHOICE_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type ChoiceLetter = (typeof CHOICE_LETTERS)[number];

/** single: one letter; multiple: select all that apply; poll: no right answer; numeric: a number. */
export const QUESTION_TYPES = ['single', 'multiple', 'poll', 'numeric'] as const;
export type QuestionTypeName = (typeof QUESTION_TYPES)[number];

/** speed: 1000 falling to 500 at the deadline; accuracy: 1000 for a correct answer, no time pressure. */
export const SCORING_MODES = ['speed', 'accuracy'] as const;
export type ScoringModeName = (typeof SCORING_MODES)[number];

/** Peer instruction: a question may be asked a second time after discussion (round 2 scores 0). */
export const ROUNDS = [1, 2] as const;
export type Round = (typeof ROUNDS)[number];

/** The keys of a numeric question's counts. */
export const NUMERIC_COUNT_KEYS = ['correct', 'incorrect'] as const;

export const DEFAULT_TIME_LIMIT_S = 20;
export const MIN_TIME_LIMIT_S = 5;
export const MAX_TIME_LIMIT_S = 600;
export const MAX_QUESTIONS = 500;

export const MAX_ID_LENGTH = 64;
export const MAX_NAME_LENGTH = 64;
export const LEADERBOARD_SIZE = 10;

/** The join code: this many digits, a new one every window, the previous one still accepted for one more window. */
export const JOIN_CODE_DIGITS = 4;
export const JOIN_CODE_WINDOW_MS = 30_000;
/** Wrong join codes one (address, student id) pair may send per minute before it gets 429. */
export const JOIN_CODE_FAILURES_PER_MINUTE = 20;

/** The class list (roster) CSV: rows and bytes accepted, and ids one bulk removal may name. */
export const MAX_CLASS_LIST_ROWS = 20_000;
export const MAX_CLASS_LIST_BYTES = 8 * 1024 * 1024;
export const MAX_REMOVE_IDS = 10_000;

/** Open sockets one student may hold (tabs, devices); a sixth closes the oldest. */
export const MAX_SOCKETS_PER_STUDENT = 5;

/** Frames larger than this get an `error` reply; the socket's hard limit sits far above it. */
export const MAX_FRAME_BYTES = 4096;
export const MAX_BODY_BYTES = 1024 * 1024;

/** The comprehension pulse: a student's latest value counts until it expires. */
export const PULSE_VALUES = ['lost', 'ok', 'fast'] as const;
export type PulseValue = (typeof PULSE_VALUES)[number];
export const PULSE_TTL_MS = 5 * 60_000;
/** Changed vote counts reach students in one `ask_votes` frame at most this often. */
export const ASK_VOTES_INTERVAL_MS = 500;
/** Pulse counts reach admins at most this often. */
export const PULSE_PUBLISH_INTERVAL_MS = 1000;

/** open → answered or hidden (by the instructor); hidden asks never reach students. */
export const ASK_STATES = ['open', 'answered', 'hidden'] as const;
export type AskState = (typeof ASK_STATES)[number];
export const MAX_ASK_LENGTH = 300;
/** One ask per student per this many ms, and at most this many open asks per student. */
export const ASK_INTERVAL_MS = 20_000;
export const MAX_OPEN_ASKS_PER_STUDENT = 3;
/** A student snapshot carries the newest asks, at most this many. */
export const MAX_SNAPSHOT_ASKS = 50;

export const STUDENT_COOKIE = 'quiz_student';
export const ADMIN_COOKIE = 'quiz_admin';

/** Choice letters of a question with `choiceCount` choices, in order. */
export function choiceLettersFor(choiceCount: number): ChoiceLetter[] {
  return CHOICE_LETTERS.slice(0, choiceCount);
}

/** The values the pages need, served as `/static/protocol.js` (page-constants.ts). */
export const PAGE_CONSTANTS = {
  ADMIN_COMMANDS,
  BACK_CHANNEL_ERROR_CODES,
  CHOICE_LETTERS,
  CLOSE_CODES,
  DEFAULT_TIME_LIMIT_S,
  JOIN_CODE_DIGITS,
  LEADERBOARD_SIZE,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_ASK_LENGTH,
  PHASES,
  PULSE_TTL_MS,
  PULSE_VALUES,
  QUESTION_TYPES,
  SOCKET_PATHS,
  SUBMIT_REJECT_REASONS,
};
