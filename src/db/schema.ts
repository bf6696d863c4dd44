/**
 * Storage schema. One row per run holds the session's persisted phase; students and
 * answers belong to a run. The primary key of `answers` is what makes "one answer per
 * student per question" a database guarantee rather than an in-memory hope.
 */
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ASK_STATES, PHASES, PULSE_VALUES } from '../protocol/constants';

/** Key/value settings that outlive runs: the loaded pool, the generated admin password hash. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const runs = sqliteTable('runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  sid: text('sid').notNull(),
  /** The pool as it was played in this run, so old runs export with their own questions. */
  poolJson: text('pool_json').notNull(),
  phase: text('phase', { enum: PHASES }).notNull(),
  questionIdx: integer('question_idx'),
  /** 2 while the current question is asked again after discussion (peer instruction). */
  round: integer('round').notNull().default(1),
  openedAtMs: integer('opened_at_ms'),
  deadlineMs: integer('deadline_ms'),
  createdAtMs: integer('created_at_ms').notNull(),
  endedAtMs: integer('ended_at_ms'),
});

export const students = sqliteTable(
  'students',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    studentId: text('student_id').notNull(),
    name: text('name').notNull(),
    /** Bumped by `release`: cookies carry the epoch they were issued for. */
    epoch: integer('epoch').notNull().default(0),
    released: integer('released', { mode: 'boolean' }).notNull().default(false),
    joinedAtMs: integer('joined_at_ms').notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.studentId] })],
);

export const answers = sqliteTable(
  'answers',
  {
    runId: integer('run_id').notNull(),
    questionIdx: integer('question_idx').notNull(),
    /** 1, or 2 for the second vote of a revoted question (which scores 0). */
    round: integer('round').notNull().default(1),
    studentId: text('student_id').notNull(),
    /** The answer as stored (session/answers.ts): a letter, letters joined by "+", or a number. */
    choice: text('choice').notNull(),
    points: integer('points').notNull(),
    receivedAtMs: integer('received_at_ms').notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.questionIdx, table.round, table.studentId] })],
);

/**
 * Instructor sign-ins: one row per admin cookie issued. A cookie is honoured only while
 * its row exists, so signing out ends that session server-side, and "sign out everywhere"
 * ends them all.
 */
export const adminSessions = sqliteTable('admin_sessions', {
  id: text('id').primaryKey(),
  createdAtMs: integer('created_at_ms').notNull(),
  expiresAtMs: integer('expires_at_ms').notNull(),
});

/**
 * Images uploaded with pools, keyed by the SHA-256 of their bytes: stored once however many
 * pools use them, and kept when a pool is replaced, since old runs' pools still name them.
 */
export const media = sqliteTable('media', {
  sha256: text('sha256').primaryKey(),
  mime: text('mime').notNull(),
  ext: text('ext').notNull(),
  size: integer('size').notNull(),
  bytes: blob('bytes', { mode: 'buffer' }).notNull(),
  createdAtMs: integer('created_at_ms').notNull(),
});

/**
 * The back channel (live Q&A and the comprehension pulse) of a run: asks, their votes and
 * the pulse signals. Every table carries `run_id`, so deleting a run deletes its rows
 * (asks, ask_votes, pulses) by that column. None of it counts toward scores.
 */
export const asks = sqliteTable(
  'asks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    studentId: text('student_id').notNull(),
    text: text('text').notNull(),
    state: text('state', { enum: ASK_STATES }).notNull().default('open'),
    askedAtMs: integer('asked_at_ms').notNull(),
  },
  (table) => [index('asks_run_id').on(table.runId)],
);

/** One row per counted vote: the primary key is "once per student per ask" in storage too. */
export const askVotes = sqliteTable(
  'ask_votes',
  {
    runId: integer('run_id').notNull(),
    askId: integer('ask_id').notNull(),
    studentId: text('student_id').notNull(),
    votedAtMs: integer('voted_at_ms').notNull(),
  },
  (table) => [primaryKey({ columns: [table.askId, table.studentId] }), index('ask_votes_run_id').on(table.runId)],
);

/** Every pulse signal as sent: the live counts and the timeline are replayed from these. */
export const pulses = sqliteTable(
  'pulses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').notNull(),
    studentId: text('student_id').notNull(),
    value: text('value', { enum: PULSE_VALUES }).notNull(),
    sentAtMs: integer('sent_at_ms').notNull(),
  },
  (table) => [index('pulses_run_id').on(table.runId)],
);

/**
 * Question banks: named pools an instructor keeps, edits and chooses to play. `pool_json`
 * is the validated pool (images as `/media/<sha256>.<ext>` URLs); `media_json` lists the
 * images it names, so a bank's files are known without reading its questions.
 */
export const banks = sqliteTable('banks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  poolJson: text('pool_json').notNull(),
  mediaJson: text('media_json').notNull().default('[]'),
  /** The QUIZ_POOL_PATH this bank was read from at start-up; null for banks made in the console. */
  sourcePath: text('source_path'),
  createdAtMs: integer('created_at_ms').notNull(),
  updatedAtMs: integer('updated_at_ms').notNull(),
});

/**
 * The course's class list (roster): the ids allowed to join, with the names they join
 * under. It belongs to the course, not to a run (kept across resets); replaced whole by an
 * upload. `position` keeps the file's order.
 */
export const classList = sqliteTable('class_list', {
  studentId: text('student_id').primaryKey(),
  name: text('name').notNull(),
  position: integer('position'),
});
