/**
 * What each audience is allowed to see, built from the session's state. The student
 * views are the only place a question is turned into a student frame, which is how the
 * correct answer is kept out of every student frame until the question closes.
 */
import type { Pool } from '../pool/pool';
import type { AdminSnapshot, QuestionView, StudentSnapshot } from '../realtime/protocol';
import type { AnswerBook } from './answer-book';
import { currentQuestionIndex, timeLimitMs, type SessionState } from './machine';
import type { Roster, StudentEntry } from './roster';
import { rankScores } from './scoring';

export const LEADERBOARD_SIZE = 10;

export interface SessionView {
  runId: number;
  state: SessionState;
  pool: Pool;
  roster: Roster;
  book: AnswerBook;
}

function questionView(view: SessionView, now: number, audience: 'student' | 'admin'): QuestionView | null {
  const { state, pool, book } = view;
  if (state.phase !== 'question' && state.phase !== 'review') return null;
  const question = pool.questions[state.index]!;
  const base: QuestionView = {
    text: question.text,
    choices: question.choices,
    time_limit_ms: timeLimitMs(pool, state.index),
    remaining_ms: state.phase === 'question' ? Math.max(0, state.deadline - now) : 0,
  };
  if (state.phase === 'review' || audience === 'admin') {
    base.correct = question.answer;
    base.counts = book.counts(state.index, question.choices.length);
    base.explanation = question.explanation;
  }
  return base;
}

function snapshotCommon(view: SessionView, now: number, audience: 'student' | 'admin') {
  return {
    type: 'snapshot' as const,
    phase: view.state.phase,
    question_idx: currentQuestionIndex(view.state),
    total_questions: view.pool.questions.length,
    students_count: view.roster.size,
    question: questionView(view, now, audience),
  };
}

/** `rank` is given once the session has ended, so a new device still shows the final standing. */
export function studentSnapshot(view: SessionView, entry: StudentEntry, now: number, rank?: number): StudentSnapshot {
  const index = currentQuestionIndex(view.state);
  const answer = index === null ? undefined : view.book.get(index, entry.studentId);
  const me: StudentSnapshot['me'] = {
    student_id: entry.studentId,
    name: entry.name,
    score: entry.score,
    answer: (answer?.choice ?? null) as StudentSnapshot['me']['answer'],
    points: view.state.phase === 'review' ? (answer?.points ?? 0) : null,
  };
  if (rank !== undefined) {
    me.rank = rank;
    me.total_students = view.roster.size;
  }
  return { ...snapshotCommon(view, now, 'student'), me };
}

export function adminSnapshot(view: SessionView, now: number): AdminSnapshot {
  const index = currentQuestionIndex(view.state);
  const question = index === null ? null : view.pool.questions[index]!;
  return {
    ...snapshotCommon(view, now, 'admin'),
    run_id: view.runId,
    answered: index === null ? 0 : view.book.answeredCount(index),
    counts: index === null ? null : view.book.counts(index, question!.choices.length),
    students: adminStudents(view.roster),
    pool: view.pool,
  };
}

export function questionOpenFrame(view: SessionView, index: number, now: number): string {
  const question = questionView(view, now, 'student')!;
  return JSON.stringify({
    type: 'question_open',
    question_idx: index,
    text: question.text,
    choices: question.choices,
    time_limit_ms: question.time_limit_ms,
    remaining_ms: question.remaining_ms,
  });
}

/**
 * The part of `question_closed` every audience shares, as JSON text without its closing
 * brace, so each student's frame is this prefix plus three personal fields rather than a
 * fresh serialisation of the whole object.
 */
export function questionClosedPrefix(view: SessionView, index: number): string {
  const question = view.pool.questions[index]!;
  const common = JSON.stringify({
    type: 'question_closed',
    question_idx: index,
    correct: question.answer,
    counts: view.book.counts(index, question.choices.length),
    explanation: question.explanation,
  });
  return common.slice(0, -1);
}

export function personalQuestionClosed(prefix: string, view: SessionView, index: number, entry: StudentEntry): string {
  const answer = view.book.get(index, entry.studentId);
  const yourChoice = answer ? JSON.stringify(answer.choice) : 'null';
  return `${prefix},"your_choice":${yourChoice},"points":${answer?.points ?? 0},"score":${entry.score}}`;
}

export interface FinalStanding {
  entry: StudentEntry;
  rank: number;
}

export function finalStandings(roster: Roster): FinalStanding[] {
  const entries = roster.list();
  const ranks = rankScores(entries.map((entry) => entry.score));
  return entries
    .map((entry, position) => ({ entry, rank: ranks[position]! }))
    .sort((a, b) => a.rank - b.rank || a.entry.joinedAtMs - b.entry.joinedAtMs);
}

export function sessionEndedPrefix(standings: readonly FinalStanding[]): string {
  const leaderboard = standings
    .slice(0, LEADERBOARD_SIZE)
    .map(({ entry, rank }) => ({ name: entry.name, score: entry.score, rank }));
  return JSON.stringify({ type: 'session_ended', leaderboard }).slice(0, -1);
}

export function personalSessionEnded(prefix: string, standing: FinalStanding, totalStudents: number): string {
  return `${prefix},"score":${standing.entry.score},"rank":${standing.rank},"total_students":${totalStudents}}`;
}

function adminStudents(roster: Roster) {
  const entries = roster.list();
  const ranks = rankScores(entries.map((entry) => entry.score));
  return entries.map((entry, position) => ({
    student_id: entry.studentId,
    name: entry.name,
    score: entry.score,
    rank: ranks[position]!,
    connected: entry.sockets.size > 0,
    released: entry.released,
  }));
}
