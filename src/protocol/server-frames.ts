/**
 * Frames the server sends: one TypeBox schema each (the builders, one per frame, are in
 * frame-builders.ts); tests validate every frame a client receives against
 * `SERVER_FRAME_SCHEMAS`.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import { ASK_STATES, PHASES, PULSE_VALUES, ROUNDS, SUBMIT_REJECT_REASONS } from './constants';
import { AnswerKey, PoolSchema, QuestionType, ScoringMode } from './pool';
import { CourseSettings, PublicSettings } from './settings';

const Phase = t.Union(PHASES.map((phase) => t.Literal(phase)));
const RoundNumber = t.Union(ROUNDS.map((round) => t.Literal(round)));
/** Letters for choice questions; `correct`/`incorrect` for numeric ones. */
// additionalProperties: false, or TypeBox's pattern record would accept any other key too.
export const Counts = t.Record(t.String({ pattern: '^([A-F]|correct|incorrect)$' }), t.Integer({ minimum: 0 }), {
  additionalProperties: false,
});
export type Counts = Static<typeof Counts>;
/** An answer as given: a letter, letters, or a number. */
export const AnswerGiven = t.Union([t.String(), t.Array(t.String()), t.Number()]);

/** How many answered a round, and how many of them fully right (null for a poll): the revote's shift in percent correct. */
export const Tally = t.Object({ answered: t.Integer({ minimum: 0 }), correct: t.Union([t.Integer({ minimum: 0 }), t.Null()]) });
export type Tally = Static<typeof Tally>;

/** What every question frame and view shares, on top of text and choices. */
const questionCommon = {
  question_type: QuestionType,
  /** 1, or 2 while a question is asked again after discussion. */
  round: RoundNumber,
  /** `/media/<sha256>.<ext>`, or null. */
  image: t.Union([t.String(), t.Null()]),
  image_alt: t.Union([t.String(), t.Null()]),
  /** accuracy: no time pressure on the phone (the timer still closes the question). */
  scoring: ScoringMode,
};

export const QuestionView = t.Object({
  text: t.String(),
  /** Empty for a numeric question. */
  choices: t.Array(t.String()),
  ...questionCommon,
  time_limit_ms: t.Integer(),
  remaining_ms: t.Integer({ minimum: 0 }),
  /** Admins always; students only in review. */
  correct: t.Optional(AnswerKey),
  counts: t.Optional(Counts),
  /** In round 2: round 1's counts, for the side-by-side comparison. */
  first_round_counts: t.Optional(Counts),
  tally: t.Optional(Tally),
  first_round_tally: t.Optional(Tally),
  explanation: t.Optional(t.Union([t.String(), t.Null()])),
});
export type QuestionView = Static<typeof QuestionView>;

export const MeView = t.Object({
  student_id: t.String(),
  name: t.String(),
  score: t.Integer(),
  /** This student's answer to the current question (its current round), or null. */
  answer: t.Union([AnswerGiven, t.Null()]),
  points: t.Union([t.Integer(), t.Null()]),
  /** Only after the session has ended. */
  rank: t.Optional(t.Integer({ minimum: 1 })),
  total_students: t.Optional(t.Integer()),
});

// ---- the back channel: live Q&A and the comprehension pulse ----

const AskStateSchema = t.Union(ASK_STATES.map((state) => t.Literal(state)));

/** An ask as a student sees it: anonymous, never hidden; `mine` marks the reader's own. */
export const StudentAskView = t.Object({
  id: t.Integer(),
  text: t.String(),
  votes: t.Integer({ minimum: 0 }),
  state: t.Union([t.Literal('open'), t.Literal('answered')]),
  mine: t.Boolean(),
  /** Snapshots only: this student's upvote counts for it (the page greys the button). */
  voted: t.Optional(t.Boolean()),
});
export type StudentAskView = Static<typeof StudentAskView>;

/** An ask as admins see it: every state, and who asked (for moderation only). */
export const AdminAskView = t.Object({
  id: t.Integer(),
  text: t.String(),
  votes: t.Integer({ minimum: 0 }),
  state: AskStateSchema,
  mine: t.Literal(false),
  student_id: t.String(),
  asked_at_ms: t.Integer(),
});
export type AdminAskView = Static<typeof AdminAskView>;

const pulseCounts = Object.fromEntries(PULSE_VALUES.map((value) => [value, t.Integer({ minimum: 0 })])) as Record<
  (typeof PULSE_VALUES)[number],
  ReturnType<typeof t.Integer>
>;

/** The live counts at the end of one minute of the session (the pulse timeline). */
export const PulseMinute = t.Object({ minute_ms: t.Integer(), ...pulseCounts });
export type PulseMinute = Static<typeof PulseMinute>;

export const AdminPulseView = t.Object({
  ...pulseCounts,
  students_count: t.Integer(),
  timeline: t.Array(PulseMinute),
});
export type AdminPulseView = Static<typeof AdminPulseView>;

/** What the projector shows of an ask: its words and votes, never who asked. */
export const ShownAsk = t.Object({ id: t.Integer(), text: t.String(), votes: t.Integer({ minimum: 0 }) });
export type ShownAsk = Static<typeof ShownAsk>;

const snapshotCommon = {
  type: t.Literal('snapshot'),
  phase: Phase,
  question_idx: t.Union([t.Integer(), t.Null()]),
  total_questions: t.Integer(),
  students_count: t.Integer(),
  question: t.Union([QuestionView, t.Null()]),
};

export const StudentSnapshot = t.Object({
  ...snapshotCommon,
  me: MeView,
  settings: PublicSettings,
  /** Open and answered asks, newest first, at most MAX_SNAPSHOT_ASKS. */
  asks: t.Array(StudentAskView),
});
export type StudentSnapshot = Static<typeof StudentSnapshot>;

export const AdminStudentView = t.Object({
  student_id: t.String(),
  name: t.String(),
  score: t.Integer(),
  /** 1 + the number of students with a strictly higher score. */
  rank: t.Integer({ minimum: 1 }),
  connected: t.Boolean(),
  released: t.Boolean(),
});
export type AdminStudentView = Static<typeof AdminStudentView>;

/** The join code now on the projector, and when it changes (the previous one stays valid one window more). */
export const JoinCodeView = t.Object({
  code: t.String({ pattern: '^[0-9]{4}$' }),
  changes_in_ms: t.Integer({ minimum: 0 }),
});
export type JoinCodeView = Static<typeof JoinCodeView>;

/** The class list (roster) loaded for the course: how many students it lists. */
export const ClassListSummary = t.Object({ students: t.Integer({ minimum: 1 }) });
export type ClassListSummary = Static<typeof ClassListSummary>;

export const AdminSnapshot = t.Object({
  ...snapshotCommon,
  run_id: t.Integer(),
  answered: t.Integer(),
  counts: t.Union([Counts, t.Null()]),
  students: t.Array(AdminStudentView),
  pool: PoolSchema,
  settings: CourseSettings,
  /** The 4-digit code on the projector; null while the join code is off. */
  join_code: t.Union([t.String({ pattern: '^[0-9]{4}$' }), t.Null()]),
  /** When that code changes (the previous one stays valid one window more); null while off. */
  join_code_changes_in_ms: t.Union([t.Integer({ minimum: 0 }), t.Null()]),
  /** Null when no class list is loaded. */
  class_list: t.Union([ClassListSummary, t.Null()]),
  /** Every ask of the run, newest first. */
  asks: t.Array(AdminAskView),
  pulse: AdminPulseView,
  /** The ask on the projector, or null. */
  shown_ask: t.Union([ShownAsk, t.Null()]),
});
export type AdminSnapshot = Static<typeof AdminSnapshot>;

export const LobbyUpdate = t.Object({
  type: t.Literal('lobby_update'),
  students_count: t.Integer(),
  /** Admins only. */
  names: t.Optional(t.Array(t.String())),
});
export type LobbyUpdate = Static<typeof LobbyUpdate>;

export const QuestionOpen = t.Object({
  type: t.Literal('question_open'),
  question_idx: t.Integer(),
  text: t.String(),
  choices: t.Array(t.String()),
  ...questionCommon,
  time_limit_ms: t.Integer(),
  remaining_ms: t.Integer({ minimum: 0 }),
});
export type QuestionOpen = Static<typeof QuestionOpen>;

/** What a submit carried, echoed back: exactly the answer fields it sent. */
export const SubmitEcho = t.Object({
  choice: t.Optional(t.Unknown()),
  choices: t.Optional(t.Unknown()),
  value: t.Optional(t.Unknown()),
});
export type SubmitEcho = Static<typeof SubmitEcho>;

export const SubmitAck = t.Object({
  type: t.Literal('submit_ack'),
  question_idx: t.Integer(),
  ...SubmitEcho.properties,
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
export type AnswerProgress = Static<typeof AnswerProgress>;

export const QuestionClosed = t.Object({
  type: t.Literal('question_closed'),
  question_idx: t.Integer(),
  question_type: QuestionType,
  round: RoundNumber,
  /** A letter, letters, a number; null for a poll. */
  correct: AnswerKey,
  counts: Counts,
  /** Round 2 only: round 1's counts. */
  first_round_counts: t.Optional(Counts),
  tally: Tally,
  /** Round 2 only. */
  first_round_tally: t.Optional(Tally),
  explanation: t.Union([t.String(), t.Null()]),
  /** The three personal fields: students only. */
  your_choice: t.Optional(t.Union([AnswerGiven, t.Null()])),
  points: t.Optional(t.Integer()),
  score: t.Optional(t.Integer()),
});
export type QuestionClosed = Static<typeof QuestionClosed>;

export const LeaderboardEntry = t.Object({ name: t.String(), score: t.Integer(), rank: t.Integer() });
export type LeaderboardEntry = Static<typeof LeaderboardEntry>;

export const SessionEnded = t.Object({
  type: t.Literal('session_ended'),
  leaderboard: t.Array(LeaderboardEntry),
  /** The three personal fields: students only. */
  score: t.Optional(t.Integer()),
  rank: t.Optional(t.Integer()),
  total_students: t.Optional(t.Integer()),
});
export type SessionEnded = Static<typeof SessionEnded>;

/** The course settings changed: students get the public subset, admins all of them. */
export const SettingsChanged = t.Object({
  type: t.Literal('settings'),
  settings: t.Union([CourseSettings, PublicSettings]),
});
export type SettingsChanged = Static<typeof SettingsChanged>;

/** A new ask: students get the StudentAskView (`mine` true only in the asker's own copy), admins the AdminAskView. */
export const AskAdded = t.Object({ type: t.Literal('ask_added'), ask: t.Union([StudentAskView, AdminAskView]) });
export type AskAdded = Static<typeof AskAdded>;

/** An ask's votes or state changed; students drop an ask whose state is `hidden`. */
export const AskUpdated = t.Object({
  type: t.Literal('ask_updated'),
  id: t.Integer(),
  votes: t.Integer({ minimum: 0 }),
  state: AskStateSchema,
});
export type AskUpdated = Static<typeof AskUpdated>;

/**
 * Students only, at most every ASK_VOTES_INTERVAL_MS: the new counts of every ask whose
 * votes changed since the last one (hidden asks left out). One publish for many votes.
 */
export const AskVotes = t.Object({
  type: t.Literal('ask_votes'),
  votes: t.Array(t.Object({ id: t.Integer(), votes: t.Integer({ minimum: 0 }) })),
});
export type AskVotes = Static<typeof AskVotes>;

/** Admins only, at most once a second: the live pulse counts at `at_ms` (server time). */
export const PulseUpdate = t.Object({
  type: t.Literal('pulse_update'),
  ...pulseCounts,
  students_count: t.Integer(),
  at_ms: t.Integer(),
});
export type PulseUpdate = Static<typeof PulseUpdate>;

/** Admins (the projector is an admin socket): the ask to show in large type, or null. */
export const AskShown = t.Object({ type: t.Literal('ask_shown'), ask: t.Union([ShownAsk, t.Null()]) });
export type AskShown = Static<typeof AskShown>;

export const ErrorFrame = t.Object({
  type: t.Literal('error'),
  code: t.String(),
  message: t.String(),
});
export type ErrorFrame = Static<typeof ErrorFrame>;

export const SERVER_FRAME_SCHEMAS = {
  snapshot: t.Union([StudentSnapshot, AdminSnapshot]),
  lobby_update: LobbyUpdate,
  question_open: QuestionOpen,
  submit_ack: SubmitAck,
  answer_progress: AnswerProgress,
  question_closed: QuestionClosed,
  session_ended: SessionEnded,
  settings: SettingsChanged,
  ask_added: AskAdded,
  ask_updated: AskUpdated,
  ask_votes: AskVotes,
  pulse_update: PulseUpdate,
  ask_shown: AskShown,
  error: ErrorFrame,
};
export type ServerFrameType = keyof typeof SERVER_FRAME_SCHEMAS;
