/**
 * Runs the session: feeds commands, deadlines and submits to the pure machine, persists
 * every transition before adopting it, keeps one timer for the open question's absolute
 * deadline, commits answers in one transaction per event-loop turn (answer-batch.ts), and
 * fans frames out through topics (shared frames) or single sockets (personal frames).
 */
import type { QuizStore } from '../db/quiz-store';
import type { Logger } from '../logger';
import type { Pool } from '../pool/pool';
import { AnswerBook } from './answer-book';
import { AnswerBatch, submitAckFrame } from './answer-batch';
import {
  judgeSubmit,
  resumeAfterRestart,
  transition,
  type SessionCommand,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
  type TransitionResult,
} from './machine';
import { TOPIC_ADMINS, TOPIC_STUDENTS, type Clock, type Publisher, type Scheduler, type SocketPort } from './ports';
import { Roster, type StudentEntry, type StudentIdentityClaim } from './roster';
import { createThrottle } from './throttle';
import * as views from './views';

export const SESSION_ID = 'main';
export const LOBBY_UPDATE_INTERVAL_MS = 500;
export const ANSWER_PROGRESS_INTERVAL_MS = 100;

/** WebSocket close codes the session uses. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_SLOW_CONSUMER = 1013;
export const CLOSE_GOING_AWAY = 1001;

export interface ControllerDeps {
  store: QuizStore;
  clock: Clock;
  scheduler: Scheduler;
  publisher: Publisher;
  logger: Logger;
  /** The pool new runs are played with (the "loaded" pool). */
  loadedPool: Pool;
}

export type JoinResult =
  | { ok: true; entry: StudentEntry; claim: StudentIdentityClaim }
  | { ok: false; error: 'student_id_taken' };

export type CommandResult = { ok: true; state: SessionState } | { ok: false; message: string };

export type SessionController = ReturnType<typeof createSessionController>;

export function createSessionController(deps: ControllerDeps) {
  const { store, clock, scheduler, publisher, logger } = deps;
  let loadedPool = deps.loadedPool;

  // Assigned by loadRun() below, before any use.
  let runId!: number;
  let pool!: Pool;
  let state!: SessionState;
  let roster!: Roster;
  let book!: AnswerBook;
  let stopDeadlineTimer: (() => void) | null = null;
  const adminSockets = new Set<SocketPort>();
  let stopped = false;
  /** Ranks once the session has ended, computed once and again only if someone joins late. */
  let finalRanks: { rosterSize: number; byStudent: Map<string, number> } | null = null;

  const answerBatch = new AnswerBatch(store, logger, deliver);
  const view = (): views.SessionView => ({ runId, state, pool, roster, book });

  const lobbyThrottle = createThrottle(clock, scheduler, LOBBY_UPDATE_INTERVAL_MS, publishLobbyUpdate);
  const progressThrottle = createThrottle(clock, scheduler, ANSWER_PROGRESS_INTERVAL_MS, publishAnswerProgress);

  loadRun(store.loadCurrentRun() ?? createRunRecord(loadedPool));
  applyTransition(resumeAfterRestart(state, clock.now()));

  function createRunRecord(runPool: Pool) {
    const id = store.createRun(JSON.stringify(runPool), clock.now());
    return store.loadRun(id)!;
  }

  function loadRun(record: { id: number; poolJson: string; state: SessionState }): void {
    runId = record.id;
    pool = JSON.parse(record.poolJson) as Pool;
    state = record.state;
    roster = new Roster(SESSION_ID, runId);
    book = new AnswerBook();
    for (const row of store.listStudents(runId)) roster.add(row);
    const openIndex = state.phase === 'question' ? state.index : null;
    for (const answer of store.listAnswers(runId)) {
      book.commit(answer.questionIdx, answer.studentId, answer.choice, answer.points);
      // Points of the open question stay hidden until it closes (see revealPoints).
      const entry = roster.get(answer.studentId);
      if (entry && answer.questionIdx !== openIndex) entry.score += answer.points;
    }
  }

  // ---- delivery ----

  /** Sends to one socket; a socket whose buffer is full is closed rather than left to grow. */
  function deliver(socket: SocketPort, data: string): void {
    if (socket.send(data) === 0) socket.close(CLOSE_SLOW_CONSUMER, 'too slow to keep up');
  }

  function publishToAll(data: string): void {
    publisher.publish(TOPIC_STUDENTS, data);
    publisher.publish(TOPIC_ADMINS, data);
  }

  function publishLobbyUpdate(): void {
    const count = roster.size;
    publisher.publish(TOPIC_STUDENTS, JSON.stringify({ type: 'lobby_update', students_count: count }));
    if (adminSockets.size === 0) return;
    const names = roster.list().map((entry) => entry.name);
    publisher.publish(TOPIC_ADMINS, JSON.stringify({ type: 'lobby_update', students_count: count, names }));
  }

  function publishAnswerProgress(): void {
    if (state.phase !== 'question' || adminSockets.size === 0) return;
    const index = state.index;
    publisher.publish(
      TOPIC_ADMINS,
      JSON.stringify({
        type: 'answer_progress',
        question_idx: index,
        answered: book.answeredCount(index),
        students_count: roster.size,
        counts: book.counts(index, pool.questions[index]!.choices.length),
      }),
    );
  }

  function publishAdminSnapshot(): void {
    if (adminSockets.size > 0) publisher.publish(TOPIC_ADMINS, JSON.stringify(adminSnapshotNow()));
  }

  // ---- transitions ----

  function applyTransition(result: TransitionResult): CommandResult {
    if (!result.ok) return result;
    const now = clock.now();
    // Persist before adopting: if the write fails, memory still agrees with the database.
    if (result.effects.some((effect) => effect.type === 'persist')) store.saveRunState(runId, result.state, now);
    state = result.state;
    for (const effect of result.effects) performEffect(effect, now);
    return { ok: true, state };
  }

  function performEffect(effect: SessionEffect, now: number): void {
    switch (effect.type) {
      case 'persist':
        return;
      case 'arm_deadline':
        stopDeadlineTimer?.();
        stopDeadlineTimer = scheduler.setTimer(effect.at - now, onDeadline);
        return;
      case 'cancel_deadline':
        stopDeadlineTimer?.();
        stopDeadlineTimer = null;
        return;
      case 'question_opened':
        logger.info('question_opened', { run_id: runId, question_idx: effect.index });
        publishToAll(views.questionOpenFrame(view(), effect.index, now));
        return;
      case 'question_closed':
        progressThrottle.cancel();
        revealPoints(effect.index);
        announceQuestionClosed(effect.index);
        return;
      case 'session_ended':
        // Nothing is broadcast after session_ended: a trailing lobby_update would be stale.
        lobbyThrottle.cancel();
        announceSessionEnded();
        return;
    }
  }

  /**
   * Scores move only when a question closes: a score that jumped while the question was
   * open would tell the student (and whoever sees their phone) that the answer was right.
   */
  function revealPoints(index: number): void {
    for (const [studentId, answer] of book.answersTo(index)) {
      const entry = roster.get(studentId);
      if (entry && answer.committed) entry.score += answer.points;
    }
  }

  function announceQuestionClosed(index: number): void {
    const prefix = views.questionClosedPrefix(view(), index);
    logger.info('question_closed', { run_id: runId, question_idx: index, answered: book.answeredCount(index) });
    publisher.publish(TOPIC_ADMINS, `${prefix}}`);
    for (const entry of roster.entries()) {
      if (entry.sockets.size === 0) continue;
      const frame = views.personalQuestionClosed(prefix, view(), index, entry);
      for (const socket of entry.sockets) deliver(socket, frame);
    }
  }

  function finalRankOf(entry: StudentEntry): number | undefined {
    if (state.phase !== 'ended') return undefined;
    if (!finalRanks || finalRanks.rosterSize !== roster.size) {
      const byStudent = new Map(views.finalStandings(roster).map(({ entry: ranked, rank }) => [ranked.studentId, rank]));
      finalRanks = { rosterSize: roster.size, byStudent };
    }
    return finalRanks.byStudent.get(entry.studentId);
  }

  function announceSessionEnded(): void {
    const standings = views.finalStandings(roster);
    const prefix = views.sessionEndedPrefix(standings);
    logger.info('session_ended', { run_id: runId, students: roster.size });
    publisher.publish(TOPIC_ADMINS, `${prefix}}`);
    for (const standing of standings) {
      if (standing.entry.sockets.size === 0) continue;
      const frame = views.personalSessionEnded(prefix, standing, roster.size);
      for (const socket of standing.entry.sockets) deliver(socket, frame);
    }
  }

  function onDeadline(): void {
    stopDeadlineTimer = null;
    runEvent('deadline');
  }

  function runEvent(event: SessionEvent): CommandResult {
    // Answers accepted before this event are committed (and acknowledged) first, so the
    // counts in question_closed include every answer that beat the deadline.
    flushAnswers();
    return applyTransition(transition(state, event, clock.now(), pool));
  }

  // ---- answers ----

  function submit(socket: SocketPort, entry: StudentEntry, questionIdx: number, choice: string): void {
    const receivedAt = clock.now();
    const held = state.phase === 'question' ? book.get(state.index, entry.studentId) : undefined;
    const judgement = judgeSubmit(state, pool, { questionIdx, choice }, receivedAt, held !== undefined);
    if (!judgement.accepted) {
      deliver(socket, submitAckFrame(questionIdx, choice, judgement.reason));
      // The deadline has passed but its timer has not fired yet: close now, in order.
      if (judgement.reason === 'closed' && state.phase === 'question') runEvent('deadline');
      return;
    }
    book.hold(questionIdx, entry.studentId, choice, judgement.points);
    const answer = { socket, studentId: entry.studentId, questionIdx, choice, points: judgement.points, receivedAtMs: receivedAt };
    if (answerBatch.add(answer)) scheduler.defer(flushAnswers);
  }

  /** Commits every held answer in one transaction, then acknowledges each. */
  function flushAnswers(): void {
    if (answerBatch.commit(runId, book) > 0) progressThrottle.request();
  }

  // ---- students ----

  function join(studentId: string, name: string, claim: StudentIdentityClaim | null): JoinResult {
    const decision = roster.decideJoin(studentId, claim);
    switch (decision.kind) {
      case 'taken':
        return { ok: false, error: 'student_id_taken' };
      case 'same':
        return { ok: true, entry: decision.entry, claim: roster.claimFor(decision.entry) };
      case 'reclaim': {
        const entry = decision.entry;
        store.reclaimStudent(runId, studentId, name, entry.epoch);
        entry.name = name;
        entry.released = false;
        logger.info('student_rejoined', { run_id: runId, student_id: studentId });
        lobbyThrottle.request();
        return { ok: true, entry, claim: roster.claimFor(entry) };
      }
      case 'new': {
        const row = { studentId, name, epoch: 0, released: false, joinedAtMs: clock.now() };
        store.insertStudent(runId, row);
        const entry = roster.add(row);
        logger.info('student_joined', { run_id: runId, student_id: studentId });
        lobbyThrottle.request();
        return { ok: true, entry, claim: roster.claimFor(entry) };
      }
    }
  }

  /** Revokes a student's cookie: the id is free again, answers and score stay. */
  function release(studentId: string): boolean {
    const entry = roster.get(studentId);
    if (!entry) return false;
    const epoch = entry.epoch + 1;
    store.releaseStudent(runId, studentId, epoch);
    entry.epoch = epoch;
    entry.released = true;
    for (const socket of entry.sockets) socket.close(CLOSE_UNAUTHORIZED, 'released by the instructor');
    entry.sockets.clear();
    logger.info('student_released', { run_id: runId, student_id: studentId });
    return true;
  }

  function connectStudent(entry: StudentEntry, socket: SocketPort): void {
    entry.sockets.add(socket);
    deliver(socket, JSON.stringify(views.studentSnapshot(view(), entry, clock.now(), finalRankOf(entry))));
  }

  function disconnectStudent(entry: StudentEntry, socket: SocketPort): void {
    entry.sockets.delete(socket);
  }

  // ---- admin ----

  function adminSnapshotNow() {
    return views.adminSnapshot(view(), clock.now());
  }

  function connectAdmin(socket: SocketPort): void {
    adminSockets.add(socket);
    deliver(socket, JSON.stringify(adminSnapshotNow()));
  }

  function disconnectAdmin(socket: SocketPort): void {
    adminSockets.delete(socket);
  }

  function command(name: SessionCommand): CommandResult {
    const result = runEvent(name);
    if (result.ok) logger.info('command', { run_id: runId, command: name, phase: state.phase });
    return result;
  }

  function closeAllStudentSockets(code: number, reason: string): void {
    for (const entry of roster.entries()) {
      for (const socket of entry.sockets) socket.close(code, reason);
      entry.sockets.clear();
    }
  }

  /** Starts a new run with the loaded pool; every student cookie of the old run stops working. */
  function reset(): number {
    flushAnswers();
    stopDeadlineTimer?.();
    stopDeadlineTimer = null;
    lobbyThrottle.cancel();
    progressThrottle.cancel();
    const previousRoster = roster;
    finalRanks = null;
    loadRun(createRunRecord(loadedPool));
    for (const entry of previousRoster.entries()) {
      for (const socket of entry.sockets) socket.close(CLOSE_UNAUTHORIZED, 'the session was reset');
    }
    logger.info('session_reset', { run_id: runId });
    publishAdminSnapshot();
    return runId;
  }

  /**
   * Replaces the loaded pool. In the lobby the current run plays it at once; after the
   * end it is used from the next reset. Anywhere else it is refused (the caller says 409).
   */
  function replacePool(newPool: Pool): boolean {
    if (state.phase !== 'lobby' && state.phase !== 'ended') return false;
    const poolJson = JSON.stringify(newPool);
    store.writeSetting('pool', poolJson);
    loadedPool = newPool;
    if (state.phase === 'lobby') {
      store.replaceRunPool(runId, poolJson);
      pool = newPool;
      for (const entry of roster.entries()) {
        if (entry.sockets.size === 0) continue;
        const frame = JSON.stringify(views.studentSnapshot(view(), entry, clock.now()));
        for (const socket of entry.sockets) deliver(socket, frame);
      }
    }
    logger.info('pool_loaded', { title: newPool.title, questions: newPool.questions.length });
    publishAdminSnapshot();
    return true;
  }

  /** Commits what is held and cancels every timer; sockets are closed by the server. */
  function stop(): void {
    if (stopped) return;
    stopped = true;
    flushAnswers();
    stopDeadlineTimer?.();
    stopDeadlineTimer = null;
    lobbyThrottle.cancel();
    progressThrottle.cancel();
    closeAllStudentSockets(CLOSE_GOING_AWAY, 'server shutting down');
    for (const socket of adminSockets) socket.close(CLOSE_GOING_AWAY, 'server shutting down');
    adminSockets.clear();
  }

  return {
    join,
    release,
    authenticate: (claim: StudentIdentityClaim | null) => roster.authenticate(claim),
    connectStudent,
    disconnectStudent,
    submit,
    connectAdmin,
    disconnectAdmin,
    command,
    reset,
    replacePool,
    adminSnapshot: adminSnapshotNow,
    stop,
    flushAnswers,
    get runId() {
      return runId;
    },
    get phase() {
      return state.phase;
    },
    get state(): SessionState {
      return state;
    },
    get studentsCount() {
      return roster.size;
    },
    get loadedPool() {
      return loadedPool;
    },
    /** Open sockets the session knows of: tests use it to prove none leak. */
    get openSocketCounts() {
      let students = 0;
      for (const entry of roster.entries()) students += entry.sockets.size;
      return { students, admins: adminSockets.size };
    },
    /** Timers armed by the session (deadline and coalescing): zero after `end`/`stop`. */
    get pendingTimers() {
      return (stopDeadlineTimer ? 1 : 0) + (lobbyThrottle.pending ? 1 : 0) + (progressThrottle.pending ? 1 : 0);
    },
  };
}
