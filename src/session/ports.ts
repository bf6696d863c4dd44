/**
 * The edges the session code depends on, as small interfaces: time, timers, sockets,
 * topic publishing and storage. Bun's objects are adapted to these in `realtime/`, the
 * SQLite store in `db/` implements `SessionStore`; tests pass fakes.
 */
import type { AskState, PulseValue, Round } from '../protocol/constants';
import type { SessionState } from './machine';

export interface Clock {
  now(): number;
}

export interface Scheduler {
  /** Runs `fn` after `delayMs`; returns a function that cancels it. */
  setTimer(delayMs: number, fn: () => void): () => void;
  /** Runs `fn` once the current event-loop turn has delivered all its messages. */
  defer(fn: () => void): void;
}

/** One client socket. `send` follows Bun: bytes written, -1 queued under backpressure, 0 dropped. */
export interface SocketPort {
  send(data: string): number;
  close(code: number, reason: string): void;
}

export interface Publisher {
  publish(topic: string, data: string): void;
}

export const TOPIC_STUDENTS = 'students';
export const TOPIC_ADMINS = 'admins';

export interface RunRecord {
  id: number;
  poolJson: string;
  state: SessionState;
}

export interface StudentRow {
  studentId: string;
  name: string;
  epoch: number;
  released: boolean;
  joinedAtMs: number;
}

/** A join to commit: a new student, or a released id taken again from a new device. */
export type JoinWrite =
  | { kind: 'new'; studentId: string; row: StudentRow }
  | { kind: 'reclaim'; studentId: string; name: string };

export interface AnswerRow {
  questionIdx: number;
  /** 2 for the second vote of a revoted question. */
  round: Round;
  studentId: string;
  /** The answer as stored (session/answers.ts): a letter, letters joined by "+", or a number. */
  choice: string;
  points: number;
  receivedAtMs: number;
}

/** One student of the course's class list (roster), in file order. */
export interface ClassListRow {
  studentId: string;
  name: string;
  position: number;
}

/** The class list outlives runs: one table, replaced whole. */
export interface ClassListStore {
  /** In file order; empty when no class list is loaded. */
  listClassList(): ClassListRow[];
  /** Replaces the whole list in one transaction (an empty list removes it). */
  replaceClassList(rows: readonly ClassListRow[]): void;
}

/** The setting that holds the loaded pool's JSON: what new runs and a restart play. */
export const LOADED_POOL_SETTING = 'pool';

/** Key/value settings that outlive runs (the loaded pool, the admin password hash). */
export interface SettingsStore {
  readSetting(key: string): string | null;
  writeSetting(key: string, value: string): void;
}

export interface AskRow {
  id: number;
  studentId: string;
  text: string;
  state: AskState;
  askedAtMs: number;
}

export interface AskVoteRow {
  askId: number;
  studentId: string;
  votedAtMs: number;
}

export interface PulseRow {
  studentId: string;
  value: PulseValue;
  sentAtMs: number;
}

/** What the back channel (live Q&A, pulse) persists, per run. Each call is durable when it returns. */
export interface BackChannelStore {
  /** Stores a new ask; returns its id. */
  insertAsk(runId: number, ask: Omit<AskRow, 'id'>): number;
  setAskState(runId: number, askId: number, state: AskState): void;
  /** In creation order. */
  listAsks(runId: number): AskRow[];
  listAskVotes(runId: number): AskVoteRow[];
  /** In the order they were sent. */
  listPulses(runId: number): PulseRow[];
  /** Votes and pulse signals of one event-loop turn, in one transaction. */
  insertSignals(runId: number, votes: readonly AskVoteRow[], pulses: readonly PulseRow[]): void;
  /** A removed student's votes stop counting. */
  deleteVotesBy(runId: number, studentId: string): void;
}

/** Everything the session persists. Each call is durable when it returns. */
export interface SessionStore extends SettingsStore, ClassListStore, BackChannelStore {
  loadCurrentRun(): RunRecord | null;
  loadRun(runId: number): RunRecord | null;
  createRun(poolJson: string, now: number): number;
  saveRunState(runId: number, state: SessionState, now: number): void;
  replaceRunPool(runId: number, poolJson: string): void;
  listStudents(runId: number): StudentRow[];
  releaseStudent(runId: number, studentId: string, epoch: number): void;
  /** Deletes these students of the run and every answer of theirs, in one transaction. */
  removeStudents(runId: number, studentIds: readonly string[]): void;
  /**
   * Commits a batch of joins in one transaction. Returns, per join, whether it was stored
   * (false: a new id storage already had).
   */
  commitJoins(runId: number, batch: readonly JoinWrite[]): boolean[];
  listAnswers(runId: number): AnswerRow[];
  /**
   * Commits a batch of answers in one transaction. Returns, per answer, whether the row
   * was new: storage refuses a second answer even if memory were wrong.
   */
  insertAnswers(runId: number, batch: readonly AnswerRow[]): boolean[];
  /** A consistent copy of the whole database, safe while the quiz is running. */
  backupTo(path: string): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
  defer(fn) {
    setImmediate(fn);
  },
};
