/**
 * What each audience is allowed to see of a run. The student views are the only place a
 * question is turned into student content, which is how the correct answer (and the
 * counts and the explanation) is kept out of every student frame until the question
 * closes. The wire form comes from the protocol's builders.
 */
import { LEADERBOARD_SIZE, type Round } from '../protocol/constants';
import type { PoolQuestion } from '../protocol/pool';
import { DEFAULT_COURSE_SETTINGS, publicSettingsOf, type CourseSettings } from '../protocol/settings';
import { type AdminSnapshot, type AdminStudentView, type Counts, type JoinCodeView, type QuestionView, type Tally, type StudentSnapshot } from '../protocol/server-frames';
import { adminSnapshot, answerProgressFrame, questionClosedFrames, questionOpenFrame, sessionEndedFrames, studentSnapshot } from '../protocol/frame-builders';
import { countKeysFor, decodeAnswer } from './answers';
import { EMPTY_BACK_CHANNEL_VIEW, type BackChannelView } from './back-channel';
import { currentQuestionIndex, timeLimitMs } from './machine';
import type { ClassList } from './class-list';
import type { StudentEntry } from './roster';
import type { FinalStanding, Run } from './run';
import { rankScores } from './scoring';

type Audience = 'student' | 'admin';

/** What snapshots carry beyond the run: the course around it, and the run's back channel. */
export interface CourseView {
  settings: CourseSettings;
  /** The join code on the projector at `now`; null while the setting is off. */
  joinCodeAt?(now: number): JoinCodeView | null;
  /** The class list (roster), or null when none is loaded. */
  classList?: ClassList | null;
  backChannel: BackChannelView;
}

const DEFAULT_COURSE_VIEW: CourseView = { settings: DEFAULT_COURSE_SETTINGS, backChannel: EMPTY_BACK_CHANNEL_VIEW };

/** The round the current question is in (1 outside question and review). */
function currentRound(run: Run): Round {
  return run.state.phase === 'question' || run.state.phase === 'review' ? run.state.round : 1;
}

function countsOf(run: Run, index: number, round: Round): Counts {
  return run.book.counts(index, round, countKeysFor(run.pool.questions[index]!));
}

function tallyOf(run: Run, index: number, round: Round): Tally {
  const { answered, correct } = run.book.tally(index, round);
  return { answered, correct: run.pool.questions[index]!.type === 'poll' ? null : correct };
}

/** Counts and tally of a round, and in round 2 also round 1's, for the side-by-side comparison. */
function roundResults(run: Run, index: number, round: Round) {
  return {
    counts: countsOf(run, index, round),
    ...(round === 2 ? { first_round_counts: countsOf(run, index, 1) } : {}),
    tally: tallyOf(run, index, round),
    ...(round === 2 ? { first_round_tally: tallyOf(run, index, 1) } : {}),
  };
}

/** What every audience may see of a question at any time. */
function questionFace(question: PoolQuestion, round: Round) {
  return {
    text: question.text,
    choices: question.choices,
    question_type: question.type,
    round,
    image: question.image,
    image_alt: question.image_alt,
    scoring: question.scoring,
  };
}

function questionView(run: Run, now: number, audience: Audience): QuestionView | null {
  const { state, pool } = run;
  if (state.phase !== 'question' && state.phase !== 'review') return null;
  const question = pool.questions[state.index]!;
  const view: QuestionView = {
    ...questionFace(question, state.round),
    time_limit_ms: timeLimitMs(pool, state.index),
    remaining_ms: state.phase === 'question' ? Math.max(0, state.deadline - now) : 0,
  };
  if (state.phase === 'review' || audience === 'admin') {
    Object.assign(view, { correct: question.answer, ...roundResults(run, state.index, state.round) });
    view.explanation = question.explanation;
  }
  return view;
}

function snapshotCommon(run: Run, now: number, audience: Audience) {
  return {
    phase: run.state.phase,
    question_idx: currentQuestionIndex(run.state),
    total_questions: run.pool.questions.length,
    students_count: run.roster.size,
    question: questionView(run, now, audience),
  };
}

/** After the end `me` carries the final rank, so a new device still shows the final standing. */
export function studentSnapshotOf(run: Run, entry: StudentEntry, now: number, course = DEFAULT_COURSE_VIEW): StudentSnapshot {
  const index = currentQuestionIndex(run.state);
  const answer = index === null ? undefined : run.book.get(index, currentRound(run), entry.studentId);
  const me: StudentSnapshot['me'] = {
    student_id: entry.studentId,
    name: entry.name,
    score: entry.score,
    answer: answer && index !== null ? decodeAnswer(run.pool.questions[index]!, answer.stored) : null,
    points: run.state.phase === 'review' ? (answer?.points ?? 0) : null,
  };
  const rank = run.finalRankOf(entry);
  if (rank !== undefined) {
    me.rank = rank;
    me.total_students = run.roster.size;
  }
  return studentSnapshot({
    ...snapshotCommon(run, now, 'student'),
    me,
    settings: publicSettingsOf(course.settings),
    asks: course.backChannel.studentAsks(entry.studentId),
  });
}

export function adminSnapshotOf(run: Run, now: number, course = DEFAULT_COURSE_VIEW): AdminSnapshot {
  const index = currentQuestionIndex(run.state);
  const joinCode = course.joinCodeAt?.(now) ?? null;
  return adminSnapshot({
    ...snapshotCommon(run, now, 'admin'),
    run_id: run.id,
    answered: index === null ? 0 : run.book.answeredCount(index, currentRound(run)),
    counts: index === null ? null : countsOf(run, index, currentRound(run)),
    students: adminStudents(run),
    pool: run.pool,
    settings: course.settings,
    ...joinCodeFields(joinCode),
    class_list: course.classList ? { students: course.classList.size } : null,
    ...course.backChannel.adminView(),
  });
}

function adminStudents(run: Run): AdminStudentView[] {
  const entries = run.roster.list();
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

export function questionOpenOf(run: Run, index: number, round: Round, now: number): string {
  const question = questionView(run, now, 'student')!;
  return questionOpenFrame({
    question_idx: index,
    ...questionFace(run.pool.questions[index]!, round),
    time_limit_ms: question.time_limit_ms,
    remaining_ms: question.remaining_ms,
  });
}

export function answerProgressOf(run: Run, index: number, round: Round): string {
  return answerProgressFrame({
    question_idx: index,
    answered: run.book.answeredCount(index, round),
    students_count: run.roster.size,
    counts: countsOf(run, index, round),
  });
}

export function questionClosedOf(run: Run, index: number, round: Round) {
  const question = run.pool.questions[index]!;
  const frames = questionClosedFrames({
    question_idx: index,
    question_type: question.type,
    round,
    correct: question.answer,
    ...roundResults(run, index, round),
    explanation: question.explanation,
  });
  const fieldsFor = (entry: StudentEntry) => {
    const answer = run.book.get(index, round, entry.studentId);
    return {
      your_choice: answer ? decodeAnswer(question, answer.stored) : null,
      points: answer?.points ?? 0,
      score: entry.score,
    };
  };
  return { frames, fieldsFor };
}

export function sessionEndedOf(standings: readonly FinalStanding[], totalStudents: number) {
  const leaderboard = standings
    .slice(0, LEADERBOARD_SIZE)
    .map(({ entry, rank }) => ({ name: entry.name, score: entry.score, rank }));
  const frames = sessionEndedFrames(leaderboard);
  const rankById = new Map(standings.map(({ entry, rank }) => [entry.studentId, rank]));
  const fieldsFor = (entry: StudentEntry) => ({
    score: entry.score,
    rank: rankById.get(entry.studentId)!,
    total_students: totalStudents,
  });
  return { frames, fieldsFor };
}

/** The join code as the admin snapshot and `GET /admin/api/join-code` carry it. */
export function joinCodeFields(joinCode: JoinCodeView | null) {
  return { join_code: joinCode?.code ?? null, join_code_changes_in_ms: joinCode?.changes_in_ms ?? null };
}
