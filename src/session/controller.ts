/**
 * Runs the session: feeds commands, deadlines and submits to the pure machine, persists
 * every transition before adopting it, keeps one timer for the open question's absolute
 * deadline, and commits answers and joins in one transaction each per event-loop turn
 * (answer-batch.ts, join-batch.ts).
 * What a run holds is in run.ts, what each audience sees in views.ts, delivery in
 * broadcaster.ts: this file wires them.
 */
import type { Logger } from '../logger';
import { CLOSE_CODES, type AdminCommand } from '../protocol/constants';
import type { Pool } from '../protocol/pool';
import { errorFrame, settingsFrame, snapshotFrame, submitAckFrame } from '../protocol/frame-builders';
import { publicSettingsOf, type SettingsPatch } from '../protocol/settings';
import { AnswerBatch } from './answer-batch';
import { Broadcaster } from './broadcaster';
import { echoOf, type Submission } from './answers';
import { judgeSubmit } from './judge';
import { resumeAfterRestart, transition, type SessionEffect, type SessionEvent, type TransitionResult } from './machine';
import { LOADED_POOL_SETTING, type Clock, type Publisher, type Scheduler, type SessionStore, type SocketPort } from './ports';
import type { StudentEntry, StudentIdentityClaim } from './roster';
import { Run } from './run';
import { createAnnouncements } from './announcements';
import { joinRun, releaseFromRun, type EnrolmentDeps } from './enrolment';
import { JoinBatch } from './join-batch';
import { refuse, type Outcome } from './outcome';
import { readCourseSettings, saveCourseSettings } from './course-settings';
import { admitByClassList, ClassList, classListView, compareWithRun } from './class-list';
import { acceptsJoinCode, joinCodeAt } from './join-code';
import { removeFromRun, type Removal } from './removal';
import type { ClassListRow } from './ports';
import * as views from './views';
import { createBackChannel, EMPTY_BACK_CHANNEL_VIEW, type BackChannel, type BackChannelDeps } from './back-channel';
import type { StudentFrame } from '../protocol/client-frames';


export interface ControllerDeps {
  store: SessionStore;
  clock: Clock;
  scheduler: Scheduler;
  publisher: Publisher;
  logger: Logger;
  /** The pool new runs are played with (the "loaded" pool). */
  loadedPool: Pool;
  /** The secret the join code is derived from (the cookie-signing key). */
  joinCodeKey: string;
}

export type SessionController = ReturnType<typeof createSessionController>;

export function createSessionController(deps: ControllerDeps) {
  const { store, clock, scheduler, logger } = deps;
  let loadedPool = deps.loadedPool;
  const broadcaster = new Broadcaster(deps.publisher);
  const answerBatch = new AnswerBatch(store, logger, (socket, data) => broadcaster.deliver(socket, data));
  const course: views.CourseView & { classList: ClassList | null } = {
    settings: readCourseSettings(store, logger),
    backChannel: EMPTY_BACK_CHANNEL_VIEW,
    joinCodeAt: (now) => (course.settings.join_code ? joinCodeAt(deps.joinCodeKey, now) : null),
    classList: ClassList.of(store.listClassList()),
  };
  const announce = createAnnouncements(clock, scheduler, broadcaster, () => run, () => course);
  let stopDeadlineTimer: (() => void) | null = null;
  let stopped = false;

  let run = Run.load(store.loadCurrentRun() ?? createRunRecord(loadedPool), store);
  applyTransition(resumeAfterRestart(run.state, clock.now()));
  const backChannelDeps: BackChannelDeps = {
    store,
    clock,
    scheduler,
    broadcaster,
    logger,
    settings: () => course.settings,
    studentsCount: () => run.roster.size,
    quizIsOpen: () => run.state.phase === 'question',
  };
  let backChannel = openBackChannel();

  function openBackChannel(): BackChannel {
    const opened = createBackChannel(backChannelDeps, run.id);
    course.backChannel = opened.view;
    return opened;
  }

  function createRunRecord(runPool: Pool) {
    return store.loadRun(store.createRun(JSON.stringify(runPool), clock.now()))!;
  }

  // ---- transitions ----

  function applyTransition(result: TransitionResult): Outcome {
    if (!result.ok) return refuse('invalid_command', result.message);
    const now = clock.now();
    // Persist before adopting: if the write fails, memory still agrees with the database.
    if (result.effects.some((effect) => effect.type === 'persist')) store.saveRunState(run.id, result.state, now);
    run.state = result.state;
    for (const effect of result.effects) performEffect(effect, now);
    return { ok: true };
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
        cancelDeadline();
        return;
      case 'question_opened':
        logger.info('question_opened', { run_id: run.id, question_idx: effect.index, round: effect.round });
        broadcaster.toAll(views.questionOpenOf(run, effect.index, effect.round, now));
        return;
      case 'question_closed': {
        announce.cancelProgress();
        const { index, round } = effect;
        run.revealPoints(index, round);
        logger.info('question_closed', { run_id: run.id, question_idx: index, round, answered: run.book.answeredCount(index, round) });
        const { frames, fieldsFor } = views.questionClosedOf(run, index, round);
        broadcaster.toEachStudent(frames, run.roster.entries(), fieldsFor);
        return;
      }
      case 'session_ended': {
        // Nothing is broadcast after session_ended: a trailing lobby_update would be stale.
        announce.cancelLobby();
        logger.info('session_ended', { run_id: run.id, students: run.roster.size });
        const standings = run.standings();
        const { frames, fieldsFor } = views.sessionEndedOf(standings, run.roster.size);
        broadcaster.toEachStudent(frames, standings.map(({ entry }) => entry), fieldsFor);
        return;
      }
    }
  }

  function cancelDeadline(): void {
    stopDeadlineTimer?.();
    stopDeadlineTimer = null;
  }

  function onDeadline(): void {
    stopDeadlineTimer = null;
    runEvent('deadline');
  }

  function runEvent(event: SessionEvent): Outcome {
    // Answers accepted before this event are committed (and acknowledged) first, so the
    // counts in question_closed include every answer that beat the deadline.
    flushAnswers();
    return applyTransition(transition(run.state, event, clock.now(), run.pool));
  }

  // ---- answers ----

  function submit(socket: SocketPort, entry: StudentEntry, frame: { question_idx: number } & Submission): void {
    const receivedAt = clock.now();
    const { state, book } = run;
    const questionIdx = frame.question_idx;
    const echo = echoOf(frame);
    const held = state.phase === 'question' ? book.get(state.index, state.round, entry.studentId) : undefined;
    const judgement = judgeSubmit(state, run.pool, { questionIdx, ...echo }, receivedAt, held !== undefined);
    if (!judgement.accepted) {
      broadcaster.deliver(socket, submitAckFrame(questionIdx, echo, judgement.reason));
      // The deadline has passed but its timer has not fired yet: close now, in order.
      if (judgement.reason === 'closed' && state.phase === 'question') runEvent('deadline');
      return;
    }
    const { round, stored, points } = judgement;
    const accepted = { socket, echo, studentId: entry.studentId, questionIdx, round, stored, points, receivedAtMs: receivedAt };
    if (answerBatch.accept(book, run.pool.questions[questionIdx]!, accepted)) scheduler.defer(flushAnswers);
  }

  /** Commits every held answer in one transaction, then acknowledges each. */
  function flushAnswers(): void {
    if (answerBatch.commit(run.id, run.book) > 0) announce.answersCommitted();
  }

  /** Every frame a student sends, after its shape was checked: answers, asks, upvotes, pulse signals. */
  function receiveStudentFrame(socket: SocketPort, entry: StudentEntry, frame: StudentFrame): void {
    // A frame already on its way from a socket whose student was just removed: ignored.
    if (!run.roster.holds(entry)) return;
    switch (frame.type) {
      case 'ask':
        return backChannel.ask(socket, entry, frame.text);
      case 'upvote':
        return backChannel.upvote(socket, entry, frame.ask_id);
      case 'pulse':
        return backChannel.pulse(socket, entry, frame.value);
      default:
        return submit(socket, entry, frame);
    }
  }

  // ---- students ----

  const joinBatch = new JoinBatch(store, logger, announce.rosterChanged);
  const enrolment: EnrolmentDeps = { store, clock, logger, broadcaster, joins: joinBatch, commitJoinsSoon: () => scheduler.defer(flushJoins) };

  /** Commits every queued join in one transaction, then answers each joiner. */
  function flushJoins(): void {
    joinBatch.commit(run);
  }

  function connectStudent(entry: StudentEntry, socket: SocketPort): void {
    broadcaster.makeRoomForSocket(entry);
    entry.sockets.add(socket);
    broadcaster.deliver(socket, snapshotFrame(views.studentSnapshotOf(run, entry, clock.now(), course)));
  }

  /** With a class list only listed ids join, under the listed name (the class list decides before enrolment). */
  function join(studentId: string, typedName: string | undefined, claim: StudentIdentityClaim | null) {
    const admitted = admitByClassList(course.classList, studentId, typedName);
    if (!admitted.ok) return Promise.resolve(admitted);
    return joinRun(run, enrolment, studentId, admitted.name, claim);
  }

  /**
   * Removes students from the current run with every answer (removal.ts). Held joins and
   * answers are committed first, so none is half-way; then one admin snapshot carries the
   * new counts and ranks, the lobby count follows, and in review or after the end each
   * connected student gets a fresh snapshot (the review's counts, the final rank).
   */
  function removeStudents(studentIds: readonly string[]): Removal {
    // A join or a reclaim of one of these ids waiting for its commit lands first, then goes too.
    flushJoins();
    flushAnswers();
    const removal = removeFromRun(run, { store, logger, broadcaster }, studentIds);
    if (removal.removed.length === 0) return removal;
    // Their upvotes and live pulse stop counting; their asks stay (back-channel.ts).
    for (const studentId of removal.removed) backChannel.forgetStudent(studentId);
    announce.rosterChanged();
    announce.adminSnapshot();
    if (run.state.phase === 'review' || run.state.phase === 'ended') snapshotToEachStudent();
    return removal;
  }

  /** Each connected student's own fresh snapshot (their view changed under them). */
  function snapshotToEachStudent(): void {
    const now = clock.now();
    for (const entry of run.roster.entries()) {
      if (entry.sockets.size > 0) broadcaster.deliverToStudent(entry, snapshotFrame(views.studentSnapshotOf(run, entry, now, course)));
    }
  }

  // ---- class list ----

  /** Stores the class list (replacing any) and tells the admins; joined students keep their names (compareWithRun). */
  function replaceClassList(rows: readonly ClassListRow[]) {
    store.replaceClassList(rows);
    course.classList = ClassList.of(rows);
    logger.info('class_list_loaded', { students: rows.length });
    announce.adminSnapshot();
    return compareWithRun(rows, run.roster);
  }

  // ---- admin ----

  function connectAdmin(socket: SocketPort): void {
    broadcaster.addAdmin(socket);
    broadcaster.deliver(socket, snapshotFrame(views.adminSnapshotOf(run, clock.now(), course)));
  }

  function command(name: AdminCommand): Outcome {
    const result = runEvent(name);
    if (result.ok) logger.info('command', { run_id: run.id, command: name, phase: run.state.phase });
    return result;
  }

  /** The admin socket's command: a refusal goes back to that socket as an `error` frame. */
  function commandFromSocket(socket: SocketPort, name: AdminCommand): void {
    const result = command(name);
    if (!result.ok) broadcaster.deliver(socket, errorFrame('invalid_command', result.message));
  }

  function cancelTimers(): void {
    cancelDeadline();
    announce.cancelAll();
  }

  /** Starts a new run with the loaded pool; every student cookie of the old run stops working. */
  function reset(): Outcome<{ runId: number }> {
    flushAnswers();
    // Joins accepted before the reset belong to the run they asked for.
    flushJoins();
    cancelTimers();
    const previous = run;
    backChannel.stop();
    run = Run.load(createRunRecord(loadedPool), store);
    backChannel = openBackChannel();
    broadcaster.closeStudents(previous.roster.entries(), CLOSE_CODES.UNAUTHORIZED, 'the session was reset');
    logger.info('session_reset', { run_id: run.id });
    announce.adminSnapshot();
    return { ok: true, runId: run.id };
  }

  /**
   * Replaces the loaded pool. In the lobby the current run plays it at once; after the
   * end it is used from the next reset. Anywhere else it is refused.
   */
  /** A pool can be loaded in the lobby (played at once) or after the end (played from the next reset). */
  function canReplacePool(): Outcome {
    if (run.state.phase === 'lobby' || run.state.phase === 'ended') return { ok: true };
    return refuse('wrong_phase', 'a pool can only be loaded in the lobby or after the end');
  }

  function replacePool(newPool: Pool): Outcome {
    const allowed = canReplacePool();
    if (!allowed.ok) return allowed;
    const poolJson = JSON.stringify(newPool);
    store.writeSetting(LOADED_POOL_SETTING, poolJson);
    loadedPool = newPool;
    if (run.state.phase === 'lobby') {
      store.replaceRunPool(run.id, poolJson);
      run.pool = newPool;
      snapshotToEachStudent();
    }
    logger.info('pool_loaded', { title: newPool.title, questions: newPool.questions.length });
    announce.adminSnapshot();
    return { ok: true };
  }

  /** Stores the changed settings, then tells students the public subset and admins all of them. */
  function updateSettings(patch: SettingsPatch): Outcome<{ settings: views.CourseView['settings'] }> {
    course.settings = saveCourseSettings(store, course.settings, patch);
    logger.info('settings_changed', { changed: patch });
    broadcaster.toStudents(settingsFrame(publicSettingsOf(course.settings)));
    broadcaster.toAdmins(settingsFrame(course.settings));
    return { ok: true, settings: course.settings };
  }

  /** Commits what is held and cancels every timer; sockets are closed by the server. */
  function stop(): void {
    if (stopped) return;
    stopped = true;
    flushAnswers();
    flushJoins();
    cancelTimers();
    backChannel.stop();
    broadcaster.closeStudents(run.roster.entries(), CLOSE_CODES.GOING_AWAY, 'server shutting down');
    broadcaster.closeAdmins(CLOSE_CODES.GOING_AWAY, 'server shutting down');
  }

  return {
    join,
    removeStudents,
    replaceClassList,
    /** What a class list would mean for the students already joined, without storing it. */
    previewClassList: (rows: readonly ClassListRow[]) => compareWithRun(rows, run.roster),
    classListView: () => classListView(course.classList, run.roster),
    get hasClassList() {
      return course.classList !== null;
    },
    acceptsJoinCode: (code: string) => acceptsJoinCode(deps.joinCodeKey, code, clock.now()),
    joinCode: () => views.joinCodeFields(course.joinCodeAt!(clock.now())),
    release: (studentId: string) => releaseFromRun(run, enrolment, studentId),
    authenticate: (claim: StudentIdentityClaim | null) => run.roster.authenticate(claim),
    connectStudent,
    disconnectStudent: (entry: StudentEntry, socket: SocketPort) => void entry.sockets.delete(socket),
    receiveStudentFrame,
    connectAdmin,
    disconnectAdmin: (socket: SocketPort) => broadcaster.removeAdmin(socket),
    command,
    commandFromSocket,
    reset,
    canReplacePool,
    replacePool,
    updateSettings,
    setAskState: (askId: number, state: 'answered' | 'hidden') => backChannel.setAskState(askId, state),
    showAsk: (askId: number | null) => backChannel.showAsk(askId),
    /** Commits held upvotes and pulse signals (before an export). */
    flushBackChannel: () => backChannel.flush(),
    get settings() {
      return course.settings;
    },
    adminSnapshot: () => views.adminSnapshotOf(run, clock.now(), course),
    connectionCounts: () => broadcaster.connectionCounts(run.roster.entries()),
    stop,
    flushAnswers,
    flushJoins,
    get runId() {
      return run.id;
    },
    get state() {
      return run.state;
    },
    get studentsCount() {
      return run.roster.size;
    },
  };
}
