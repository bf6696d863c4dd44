// The session as the instructor's pages see it, kept from the admin socket: `snapshot`
// (also the body of GET /admin/api/state) replaces everything, the other frames patch it.
// The console and the projector both keep one of these and draw their own views from it;
// neither applies a frame by hand.
import { CHOICE_LETTERS } from '/static/protocol.js';

/** A fresh, empty state; `deadlineAt` is the performance.now() time the question closes. */
export function createAdminState() {
  return {
    phase: null,
    questionIdx: null,
    totalQuestions: 0,
    studentsCount: 0,
    names: [], // who joined, in join order (lobby_update carries them to admins)
    question: null, // { text, choices, time_limit_ms }
    deadlineAt: null,
    answered: 0,
    counts: null, // { A: 3, B: 0, … } of the current question
    correct: null, // the correct letter (admins know it while the question is open)
    explanation: null,
    students: [], // { student_id, name, score, rank, connected, released }
    leaderboard: null, // session_ended's top entries { name, score, rank }
    pool: null,
    runId: 1,
  };
}

/** Replaces the whole state with a snapshot (socket frame or GET /admin/api/state). */
export function applySnapshot(state, snapshot, now = performance.now()) {
  const question = snapshot.question;
  Object.assign(state, {
    phase: snapshot.phase,
    questionIdx: snapshot.question_idx,
    totalQuestions: snapshot.total_questions,
    studentsCount: snapshot.students_count,
    question: question ? { text: question.text, choices: question.choices, time_limit_ms: question.time_limit_ms } : null,
    deadlineAt: snapshot.phase === 'question' && question ? now + question.remaining_ms : null,
    answered: snapshot.answered ?? 0,
    counts: snapshot.counts ?? question?.counts ?? null,
    correct: question?.correct ?? null,
    explanation: question?.explanation ?? null,
    leaderboard: null,
    pool: snapshot.pool ?? null,
    runId: snapshot.run_id,
  });
  applyRoster(state, snapshot);
  state.names = state.students.map((student) => student.name);
}

/** Takes the roster part of GET /admin/api/state: students, their count and the run. */
export function applyRoster(state, body) {
  state.students = body.students ?? [];
  state.studentsCount = body.students_count;
  state.runId = body.run_id;
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
    case 'lobby_update':
      state.studentsCount = frame.students_count;
      if (Array.isArray(frame.names)) state.names = frame.names;
      return true;
    case 'question_open':
      Object.assign(state, {
        phase: 'question',
        questionIdx: frame.question_idx,
        question: { text: frame.text, choices: frame.choices, time_limit_ms: frame.time_limit_ms },
        deadlineAt: now + frame.remaining_ms,
        answered: 0,
        counts: Object.fromEntries(frame.choices.map((_, i) => [CHOICE_LETTERS[i], 0])),
        correct: state.pool?.questions[frame.question_idx]?.answer ?? null,
        explanation: null,
        leaderboard: null,
      });
      return true;
    case 'answer_progress':
      if (frame.question_idx !== state.questionIdx) return false;
      state.answered = frame.answered;
      state.studentsCount = frame.students_count;
      state.counts = frame.counts;
      return true;
    case 'question_closed':
      Object.assign(state, {
        phase: 'review',
        questionIdx: frame.question_idx,
        counts: frame.counts,
        answered: Object.values(frame.counts).reduce((sum, n) => sum + n, 0),
        correct: frame.correct,
        explanation: frame.explanation,
        deadlineAt: null,
      });
      return true;
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
