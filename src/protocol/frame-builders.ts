/**
 * One typed builder per outgoing frame. No frame leaves the server except through these,
 * and each result satisfies its schema's type in server-frames.ts.
 */
import type { AskState, FrameErrorCode, SubmitRejectReason } from './constants';
import type {
  AdminAskView,
  AskAdded,
  AskShown,
  AskUpdated,
  AskVotes,
  PulseUpdate,
  ShownAsk,
  StudentAskView,
  AdminSnapshot,
  AnswerProgress,
  ErrorFrame,
  LeaderboardEntry,
  LobbyUpdate,
  QuestionClosed,
  QuestionOpen,
  SessionEnded,
  SettingsChanged,
  StudentSnapshot,
  SubmitAck,
  SubmitEcho,
} from './server-frames';

type Body<Frame> = Omit<Frame, 'type'>;


export function studentSnapshot(body: Body<StudentSnapshot>): StudentSnapshot {
  return { type: 'snapshot', ...body };
}

export function adminSnapshot(body: Body<AdminSnapshot>): AdminSnapshot {
  return { type: 'snapshot', ...body };
}

export function snapshotFrame(snapshot: StudentSnapshot | AdminSnapshot): string {
  return JSON.stringify(snapshot);
}

export function lobbyUpdateFrame(studentsCount: number, names?: string[]): string {
  const frame: LobbyUpdate = names
    ? { type: 'lobby_update', students_count: studentsCount, names }
    : { type: 'lobby_update', students_count: studentsCount };
  return JSON.stringify(frame);
}

export function questionOpenFrame(body: Body<QuestionOpen>): string {
  return JSON.stringify({ type: 'question_open', ...body } satisfies QuestionOpen);
}

export function submitAckFrame(questionIdx: number, echo: SubmitEcho, reason?: SubmitRejectReason): string {
  const frame: SubmitAck = reason
    ? { type: 'submit_ack', question_idx: questionIdx, ...echo, accepted: false, reason }
    : { type: 'submit_ack', question_idx: questionIdx, ...echo, accepted: true };
  return JSON.stringify(frame);
}

export function answerProgressFrame(body: Body<AnswerProgress>): string {
  return JSON.stringify({ type: 'answer_progress', ...body } satisfies AnswerProgress);
}

/**
 * A frame every audience shares plus a few personal fields per student. The shared part
 * is serialised once; each student's frame is that text without its closing brace plus
 * the personal fields, so 10,000 students cost 10,000 short concatenations, not 10,000
 * serialisations of the whole object.
 */
export interface PersonalisedFrame<Personal> {
  /** What admins get: the frame without personal fields. */
  shared: string;
  personal(fields: Personal): string;
}

type QuestionClosedPersonal = Required<Pick<QuestionClosed, 'your_choice' | 'points' | 'score'>>;

export function questionClosedFrames(
  body: Omit<QuestionClosed, 'type' | keyof QuestionClosedPersonal>,
): PersonalisedFrame<QuestionClosedPersonal> {
  const shared = JSON.stringify({ type: 'question_closed', ...body } satisfies QuestionClosed);
  const prefix = shared.slice(0, -1);
  return {
    shared,
    personal: ({ your_choice, points, score }) =>
      `${prefix},"your_choice":${JSON.stringify(your_choice)},"points":${points},"score":${score}}`,
  };
}

type SessionEndedPersonal = Required<Pick<SessionEnded, 'score' | 'rank' | 'total_students'>>;

export function sessionEndedFrames(leaderboard: LeaderboardEntry[]): PersonalisedFrame<SessionEndedPersonal> {
  const shared = JSON.stringify({ type: 'session_ended', leaderboard } satisfies SessionEnded);
  const prefix = shared.slice(0, -1);
  return {
    shared,
    personal: ({ score, rank, total_students }) =>
      `${prefix},"score":${score},"rank":${rank},"total_students":${total_students}}`,
  };
}

export function settingsFrame(settings: SettingsChanged['settings']): string {
  const frame: SettingsChanged = { type: 'settings', settings };
  return JSON.stringify(frame);
}

export function askAddedFrame(ask: StudentAskView | AdminAskView): string {
  return JSON.stringify({ type: 'ask_added', ask } satisfies AskAdded);
}

export function askUpdatedFrame(id: number, votes: number, state: AskState): string {
  return JSON.stringify({ type: 'ask_updated', id, votes, state } satisfies AskUpdated);
}

export function askVotesFrame(votes: AskVotes['votes']): string {
  return JSON.stringify({ type: 'ask_votes', votes } satisfies AskVotes);
}

export function pulseUpdateFrame(body: Body<PulseUpdate>): string {
  return JSON.stringify({ type: 'pulse_update', ...body } satisfies PulseUpdate);
}

export function askShownFrame(ask: ShownAsk | null): string {
  return JSON.stringify({ type: 'ask_shown', ask } satisfies AskShown);
}

export function errorFrame(code: FrameErrorCode, message: string): string {
  return JSON.stringify({ type: 'error', code, message } satisfies ErrorFrame);
}
