// What the console and the projector know about the session, built only from the admin
// snapshot and the admin socket's frames. Both pages keep one of these and draw their own
// views from it; neither applies a frame by hand.
//
// A question carries its type (single, multiple, poll, numeric), its round (2 while it is
// asked again after discussion) and its image. `correct` is what the server calls the
// answer key: a letter, letters, a number, or null for a poll. After round 2 closes,
// `firstRoundCounts` holds round 1's counts for the side-by-side comparison.
import { CHOICE_LETTERS } from '/static/protocol.js';
import { joinCodeOf } from '/static/shared/join-code-display.js';

/** A fresh, empty state; `deadlineAt` is the performance.now() time the question closes. */
export function createAdminState() {
  return {
    phase: null,
    questionIdx: null,
    totalQuestions: 0,
    studentsCount: 0,
    names: [], // who joined, in join order (lobby_update carries them to admins)
    question: null, // { text, choices, type, round, image, imageAlt, scoring, time_limit_ms }
    deadlineAt: null,
    answered: 0,
    counts: null, // { A: 3, B: 0, … }, or { correct, incorrect } for numeric
    firstRoundCounts: null, // round 1's counts, once round 2 has closed
    tally: null, // { answered, correct } of the closed round (correct null for a poll)
    firstRoundTally: null, // round 1's, once round 2 has closed
    correct: null, // the answer key (admins know it while the question is open)
    explanation: null,
    students: [], // { student_id, name, score, rank, connected, released }
    leaderboard: null, // session_ended's top entries { name, score, rank }
    pool: null,
    runId: 1,
    settings: null, // the course settings (join_code, qa, pulse, term_results, retention_days)
    joinCode: null, // { code, changes_in_ms } as of the last snapshot, while the join code is on
    classList: null, // { students } while a class list is loaded
  };
}

/** The page's shape of a question from a snapshot's `question` or a `question_open` frame. */
function questionFrom(source) {
  return {
    text: source.text,
    choices: source.choices ?? [],
    type: source.question_type ?? 'single',
    round: source.round ?? 1,
    image: source.image ?? null,
    imageAlt: source.image_alt ?? null,
    scoring: source.scoring ?? 'speed',
    time_limit_ms: source.time_limit_ms,
  };
}

/** Every count at zero: one per letter, or correct/incorrect for a numeric question. */
export function zeroCounts(question) {
  if (question.type === 'numeric') return { correct: 0, incorrect: 0 };
  return Object.fromEntries(question.choices.map((_, i) => [CHOICE_LETTERS[i], 0]));
}

/**
 * How many students answered, read from the counts: every type but `multiple` counts one
 * per answer. A multiple answer adds one per letter picked, so its counts cannot say (null).
 */
export function respondentsOf(type, counts) {
  if (!counts || type === 'multiple') return null;
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** The tolerance of question `index` in the loaded pool (0 when unknown). */
export function toleranceOf(state, index = state.questionIdx) {
  return state.pool?.questions[index]?.tolerance ?? 0;
}

/** Replaces the whole state with a snapshot (socket frame or GET /admin/api/state). */
export function applySnapshot(state, snapshot, now = performance.now()) {
  const question = snapshot.question;
  Object.assign(state, {
    phase: snapshot.phase,
    questionIdx: snapshot.question_idx,
    totalQuestions: snapshot.total_questions,
    studentsCount: snapshot.students_count,
    question: question ? questionFrom(question) : null,
    deadlineAt: snapshot.phase === 'question' && question ? now + question.remaining_ms : null,
    answered: snapshot.answered ?? 0,
    counts: snapshot.counts ?? question?.counts ?? null,
    // Only a closed round 2 is compared with round 1; while it is open the console shows it alone.
    firstRoundCounts: snapshot.phase === 'review' ? (question?.first_round_counts ?? null) : null,
    tally: snapshot.phase === 'review' ? (question?.tally ?? null) : null,
    firstRoundTally: snapshot.phase === 'review' ? (question?.first_round_tally ?? null) : null,
    correct: question?.correct ?? null,
    explanation: question?.explanation ?? null,
    leaderboard: null,
    pool: snapshot.pool ?? null,
    runId: snapshot.run_id,
    settings: snapshot.settings ?? null,
    joinCode: joinCodeOf(snapshot),
    classList: snapshot.class_list ?? null,
  });
  applyRoster(state, snapshot);
  state.names = state.students.map((student) => student.name);
}

/**
 * Takes the roster part of GET /admin/api/state: students, their count and the run; and,
 * in review of the same question, how many answered (question_closed does not say it for
 * a multiple-answer question, whose counts are per letter).
 */
export function applyRoster(state, body) {
  state.students = body.students ?? [];
  state.studentsCount = body.students_count;
  state.runId = body.run_id;
  if ('class_list' in body) state.classList = body.class_list ?? null;
  if (body.phase === 'review' && state.phase === 'review' && body.question_idx === state.questionIdx &&
      (body.question?.round ?? 1) === state.question?.round && typeof body.answered === 'number') {
    state.answered = body.answered;
  }
}

/**
 * Applies one admin socket frame. Returns false for a frame that changes nothing here
 * (progress of another question, a frame type this state does not hold).
 */
export function applyAdminFrame(state, frame, now = performance.now()) {
  switch (frame.type) {
    case 'snapshot':
      applySnapshot(state, frame, now);
      return true;
    case 'settings':
      state.settings = frame.settings;
      return true;
    case 'lobby_update':
      state.studentsCount = frame.students_count;
      if (Array.isArray(frame.names)) state.names = frame.names;
      return true;
    case 'question_open': {
      const question = questionFrom(frame);
      Object.assign(state, {
        phase: 'question',
        questionIdx: frame.question_idx,
        question,
        deadlineAt: now + frame.remaining_ms,
        answered: 0,
        counts: zeroCounts(question),
        firstRoundCounts: null,
        tally: null,
        firstRoundTally: null,
        correct: state.pool?.questions[frame.question_idx]?.answer ?? null,
        explanation: null,
        leaderboard: null,
      });
      return true;
    }
    case 'answer_progress':
      if (frame.question_idx !== state.questionIdx) return false;
      state.answered = frame.answered;
      state.studentsCount = frame.students_count;
      state.counts = frame.counts;
      return true;
    case 'question_closed': {
      const type = frame.question_type ?? state.question?.type ?? 'single';
      if (state.question) Object.assign(state.question, { type, round: frame.round ?? state.question.round });
      Object.assign(state, {
        phase: 'review',
        questionIdx: frame.question_idx,
        counts: frame.counts,
        firstRoundCounts: frame.first_round_counts ?? null,
        tally: frame.tally ?? null,
        firstRoundTally: frame.first_round_tally ?? null,
        // The last answer_progress may not have come (it is throttled): count where the counts can say.
        answered: respondentsOf(type, frame.counts) ?? state.answered,
        correct: frame.correct ?? null,
        explanation: frame.explanation,
        deadlineAt: null,
      });
      return true;
    }
    case 'session_ended':
      state.phase = 'ended';
      state.deadlineAt = null;
      state.leaderboard = frame.leaderboard;
      return true;
    default:
      return false;
  }
}

/** Students by the server's rank, best first; equal ranks keep the server's (join) order. */
export function studentsByRank(students) {
  return [...students].sort((a, b) => a.rank - b.rank);
}
