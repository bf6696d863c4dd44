/**
 * The back channel of one run: live Q&A (asks and upvotes) and the comprehension pulse.
 * Decisions come from ask-board.ts and pulse-meter.ts; this module persists, then
 * publishes. Nothing per ask, vote or signal costs O(students): each ask is one publish
 * per topic (plus a personal copy to the asker's own sockets), votes and signals of one
 * event-loop turn are one transaction, then one `ask_updated` per touched ask to the
 * admins (a few sockets) and, at most every ASK_VOTES_INTERVAL_MS, one `ask_votes` with
 * every changed count to the students: a vote storm is two publishes a second to the
 * class, however many votes, and none while a question is open. The pulse reaches admins at most once a second. None of it
 * touches scores.
 *
 * `mine`: the asker's sockets get their own `ask_added` (mine: true) before the shared copy
 * (mine: false) is published to every student, the asker included; the page keeps an ask's
 * `mine` once any copy said true. One frame type, one publish, no O(students) fan-out.
 */
import type { Logger } from '../logger';
import { ASK_VOTES_INTERVAL_MS, PULSE_PUBLISH_INTERVAL_MS, type AskState, type FrameErrorCode } from '../protocol/constants';
import { askAddedFrame, askShownFrame, askUpdatedFrame, askVotesFrame, errorFrame, pulseUpdateFrame } from '../protocol/frame-builders';
import type { AdminAskView, AdminPulseView, ShownAsk, StudentAskView } from '../protocol/server-frames';
import type { CourseSettings } from '../protocol/settings';
import { AskBoard, adminAskView, studentAskView, type Ask } from './ask-board';
import type { Broadcaster } from './broadcaster';
import { refuse, type Outcome } from './outcome';
import type { AskVoteRow, BackChannelStore, Clock, PulseRow, Scheduler, SocketPort } from './ports';
import { isPulseValue, PulseMeter } from './pulse-meter';
import type { StudentEntry } from './roster';
import { createThrottle } from './throttle';

/** How often votes and pulse signals are committed while a question is open. */
export const QUIZ_SIGNAL_FLUSH_MS = 250;

export interface BackChannelDeps {
  store: BackChannelStore;
  clock: Clock;
  scheduler: Scheduler;
  broadcaster: Broadcaster;
  logger: Logger;
  settings(): CourseSettings;
  /** Joined students of the run: the pulse's denominator. */
  studentsCount(): number;
  /** A question is open: students' vote counts are held until it closes. */
  quizIsOpen(): boolean;
}

/** What snapshots carry of the back channel. */
export interface BackChannelView {
  studentAsks(studentId: string): StudentAskView[];
  adminView(): { asks: AdminAskView[]; pulse: AdminPulseView; shown_ask: ShownAsk | null };
}

export type BackChannel = ReturnType<typeof createBackChannel>;

interface PendingVote extends AskVoteRow {
  socket: SocketPort;
}

export function createBackChannel(deps: BackChannelDeps, runId: number) {
  const { store, clock, scheduler, broadcaster, logger } = deps;
  const board = new AskBoard();
  const meter = new PulseMeter();
  let shownAskId: number | null = null;
  let pendingVotes: PendingVote[] = [];
  let pendingPulses: PulseRow[] = [];
  let flushScheduled = false;
  let stopFlushTimer: (() => void) | null = null;
  let stopExpiryTimer: (() => void) | null = null;

  // Rebuilt from storage: a restart keeps asks, votes, limits and the live pulse.
  const votersByAsk = new Map<number, string[]>();
  for (const vote of store.listAskVotes(runId)) {
    const voters = votersByAsk.get(vote.askId) ?? [];
    voters.push(vote.studentId);
    votersByAsk.set(vote.askId, voters);
  }
  for (const row of store.listAsks(runId)) board.add(row, votersByAsk.get(row.id));
  for (const signal of store.listPulses(runId)) meter.record(signal.studentId, signal.value, signal.sentAtMs);

  const pulsePublisher = createThrottle(clock, scheduler, PULSE_PUBLISH_INTERVAL_MS, publishPulse);
  /** Asks whose count changed since the last `ask_votes` to the students. */
  const votesChanged = new Set<Ask>();
  const votesPublisher = createThrottle(clock, scheduler, ASK_VOTES_INTERVAL_MS, publishVotes);
  armExpiry();

  function refuseFrame(socket: SocketPort, code: FrameErrorCode, message: string): void {
    broadcaster.deliver(socket, errorFrame(code, message));
  }

  function qaIsOff(socket: SocketPort): boolean {
    if (deps.settings().qa) return false;
    refuseFrame(socket, 'qa_off', 'questions are switched off for this course');
    return true;
  }

  // ---- asks ----

  function ask(socket: SocketPort, entry: StudentEntry, rawText: string): void {
    if (qaIsOff(socket)) return;
    const now = clock.now();
    const decision = board.decideAsk(entry.studentId, rawText, now);
    if (!decision.ok) return refuseFrame(socket, decision.code, decision.message);
    const row = { studentId: entry.studentId, text: decision.text, state: 'open' as const, askedAtMs: now };
    let id: number;
    try {
      id = store.insertAsk(runId, row);
    } catch (error) {
      logger.error('ask_store_failed', { run_id: runId, error: String(error) });
      return refuseFrame(socket, 'storage_error', 'the question could not be saved; try again');
    }
    const added = board.add({ id, ...row });
    logger.info('ask_added', { run_id: runId, ask_id: id, student_id: entry.studentId });
    broadcaster.deliverToStudent(entry, askAddedFrame(studentAskView(added, true)));
    broadcaster.toStudents(askAddedFrame(studentAskView(added, false)));
    broadcaster.toAdmins(askAddedFrame(adminAskView(added)));
  }

  function upvote(socket: SocketPort, entry: StudentEntry, askId: number): void {
    if (qaIsOff(socket)) return;
    const decision = board.decideVote(entry.studentId, askId);
    if (!decision.ok) return refuseFrame(socket, decision.code, decision.message);
    // Counted in memory at once, so a second tap in the same turn is refused; published after the commit.
    decision.ask.voters.add(entry.studentId);
    pendingVotes.push({ askId, studentId: entry.studentId, votedAtMs: clock.now(), socket });
    scheduleFlush();
  }

  /** A state change, at once to everyone: students never hear of a hidden ask again. */
  function publishAskUpdate(ask: Ask, wasHiddenBefore = false): void {
    const frame = askUpdatedFrame(ask.id, ask.voters.size, ask.state);
    if (!wasHiddenBefore) broadcaster.toStudents(frame);
    broadcaster.toAdmins(frame);
    votesChanged.delete(ask);
  }

  /** A count change: to admins at once, to students in the next `ask_votes`. */
  function votesMoved(ask: Ask): void {
    broadcaster.toAdmins(askUpdatedFrame(ask.id, ask.voters.size, ask.state));
    votesChanged.add(ask);
    votesPublisher.request();
  }

  function publishVotes(): void {
    // While a question is open the phones show it, not the Q&A room: the counts wait for
    // the close, so no class-wide publish competes with the answer burst.
    if (deps.quizIsOpen()) {
      if (votesChanged.size > 0) votesPublisher.request();
      return;
    }
    const votes = [...votesChanged].filter((changed) => changed.state !== 'hidden').map((changed) => ({ id: changed.id, votes: changed.voters.size }));
    votesChanged.clear();
    if (votes.length > 0) broadcaster.toStudents(askVotesFrame(votes));
  }

  function setAskState(askId: number, state: Exclude<AskState, 'open'>): Outcome<{ ask: AdminAskView }> {
    const ask = board.get(askId);
    if (!ask) return refuse('ask_not_found', 'no ask with this id in the current run');
    if (ask.state !== state) {
      const wasHidden = ask.state === 'hidden';
      store.setAskState(runId, askId, state);
      board.setState(ask, state);
      logger.info('ask_state', { run_id: runId, ask_id: askId, state });
      publishAskUpdate(ask, wasHidden);
      if (state === 'hidden' && shownAskId === askId) showAsk(null);
    }
    return { ok: true, ask: adminAskView(ask) };
  }

  function shownAsk(): ShownAsk | null {
    const ask = shownAskId === null ? undefined : board.get(shownAskId);
    return ask ? { id: ask.id, text: ask.text, votes: ask.voters.size } : null;
  }

  /** Puts an ask on the projector in large type (null takes it off). */
  function showAsk(askId: number | null): Outcome<{ shown_ask: ShownAsk | null }> {
    if (askId !== null) {
      const ask = board.get(askId);
      if (!ask || ask.state === 'hidden') return refuse('ask_not_found', 'no visible ask with this id in the current run');
    }
    shownAskId = askId;
    const shown = shownAsk();
    broadcaster.toAdmins(askShownFrame(shown));
    return { ok: true, shown_ask: shown };
  }

  // ---- the pulse ----

  function pulse(socket: SocketPort, entry: StudentEntry, value: string): void {
    if (!deps.settings().pulse) return refuseFrame(socket, 'pulse_off', 'the pulse is switched off for this course');
    if (!isPulseValue(value)) return refuseFrame(socket, 'invalid_pulse', 'a pulse is "lost", "ok" or "fast"');
    const now = clock.now();
    meter.record(entry.studentId, value, now);
    pendingPulses.push({ studentId: entry.studentId, value, sentAtMs: now });
    scheduleFlush();
    pulsePublisher.request();
  }

  function publishPulse(): void {
    const now = clock.now();
    const counts = meter.counts(now);
    if (broadcaster.hasAdmins) {
      broadcaster.toAdmins(pulseUpdateFrame({ ...counts, students_count: deps.studentsCount(), at_ms: now }));
    }
    armExpiry();
  }

  /** The next expiry moves a count: the admins hear of it then, not at the next signal. */
  function armExpiry(): void {
    stopExpiryTimer?.();
    stopExpiryTimer = null;
    const at = meter.nextExpiryAt();
    if (at === null) return;
    stopExpiryTimer = scheduler.setTimer(at - clock.now(), () => {
      stopExpiryTimer = null;
      if (meter.expire(clock.now())) pulsePublisher.request();
      else armExpiry();
    });
  }

  // ---- storage of votes and signals ----

  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    // While a question is open its answers own the disk: votes and signals are committed
    // every QUIZ_SIGNAL_FLUSH_MS instead of every turn, so they add a few fsyncs to the
    // burst, not one per turn.
    if (deps.quizIsOpen()) stopFlushTimer = scheduler.setTimer(QUIZ_SIGNAL_FLUSH_MS, flush);
    else scheduler.defer(flush);
  }

  /** Commits the turn's votes and signals in one transaction, then publishes each touched ask once. */
  function flush(): void {
    flushScheduled = false;
    stopFlushTimer?.();
    stopFlushTimer = null;
    if (pendingVotes.length === 0 && pendingPulses.length === 0) return;
    const votes = pendingVotes;
    const signals = pendingPulses;
    pendingVotes = [];
    pendingPulses = [];
    try {
      store.insertSignals(runId, votes, signals);
    } catch (error) {
      logger.error('signals_store_failed', { run_id: runId, votes: votes.length, pulses: signals.length, error: String(error) });
      for (const vote of votes) {
        board.get(vote.askId)?.voters.delete(vote.studentId);
        refuseFrame(vote.socket, 'storage_error', 'the upvote could not be saved; try again');
      }
      return;
    }
    const touched = new Set<Ask>();
    for (const vote of votes) touched.add(board.get(vote.askId)!);
    for (const ask of touched) votesMoved(ask);
  }

  /**
   * A student removed from the run: their votes stop counting (each ask they voted for is
   * published once with its new count) and their live pulse signal is dropped. Their asks
   * stay: a question belongs to the room once asked; the instructor can hide it.
   */
  function forgetStudent(studentId: string): void {
    flush();
    const { votedFor } = board.asksTouchedBy(studentId);
    if (votedFor.length > 0) {
      store.deleteVotesBy(runId, studentId);
      for (const ask of votedFor) {
        ask.voters.delete(studentId);
        votesMoved(ask);
      }
    }
    if (meter.forget(studentId, clock.now())) pulsePublisher.request();
  }

  const view: BackChannelView = {
    studentAsks: (studentId) => board.studentViews(studentId),
    adminView() {
      const now = clock.now();
      return {
        asks: board.adminViews(),
        pulse: { ...meter.counts(now), students_count: deps.studentsCount(), timeline: meter.timeline() },
        shown_ask: shownAsk(),
      };
    },
  };

  return {
    ask,
    upvote,
    pulse,
    setAskState,
    showAsk,
    forgetStudent,
    flush,
    view,
    /** Commits what is held and cancels every timer (a reset or shutdown). */
    stop(): void {
      flush();
      pulsePublisher.cancel();
      votesPublisher.cancel();
      stopExpiryTimer?.();
      stopExpiryTimer = null;
    },
  };
}

/** The view of a run without a back channel (tests that build snapshots by hand). */
export const EMPTY_BACK_CHANNEL_VIEW: BackChannelView = {
  studentAsks: () => [],
  adminView: () => ({
    asks: [],
    pulse: { lost: 0, ok: 0, fast: 0, students_count: 0, timeline: [] },
    shown_ask: null,
  }),
};
