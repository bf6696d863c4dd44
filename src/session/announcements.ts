/**
 * The frames that say "something changed" rather than answer someone: the lobby count, the
 * answer progress and a fresh admin snapshot. The first two are coalesced (throttle.ts), so
 * a burst of joins or answers costs one broadcast per interval, not one per student.
 */
import { lobbyUpdateFrame, snapshotFrame } from '../protocol/frame-builders';
import type { Broadcaster } from './broadcaster';
import type { Clock, Scheduler } from './ports';
import type { Run } from './run';
import type { CourseView } from './views';
import { createThrottle } from './throttle';
import * as views from './views';

export const LOBBY_UPDATE_INTERVAL_MS = 500;
export const ANSWER_PROGRESS_INTERVAL_MS = 100;

export type Announcements = ReturnType<typeof createAnnouncements>;

export function createAnnouncements(
  clock: Clock,
  scheduler: Scheduler,
  broadcaster: Broadcaster,
  currentRun: () => Run,
  course: () => CourseView,
) {
  const lobby = createThrottle(clock, scheduler, LOBBY_UPDATE_INTERVAL_MS, () => {
    const { roster } = currentRun();
    broadcaster.toStudents(lobbyUpdateFrame(roster.size));
    if (broadcaster.hasAdmins) broadcaster.toAdmins(lobbyUpdateFrame(roster.size, roster.list().map((entry) => entry.name)));
  });
  const progress = createThrottle(clock, scheduler, ANSWER_PROGRESS_INTERVAL_MS, () => {
    const run = currentRun();
    const { state } = run;
    if (state.phase === 'question' && broadcaster.hasAdmins) broadcaster.toAdmins(views.answerProgressOf(run, state.index, state.round));
  });
  return {
    /** The roster changed: a lobby_update soon. */
    rosterChanged: () => lobby.request(),
    /** Answers were committed: an answer_progress soon. */
    answersCommitted: () => progress.request(),
    cancelLobby: () => lobby.cancel(),
    cancelProgress: () => progress.cancel(),
    cancelAll(): void {
      lobby.cancel();
      progress.cancel();
    },
    adminSnapshot(): void {
      if (broadcaster.hasAdmins) broadcaster.toAdmins(snapshotFrame(views.adminSnapshotOf(currentRun(), clock.now(), course())));
    },
  };
}
