// The student page's shared parts: its elements, what it knows about the session, the
// view switch, the screen-reader announcer, the connection badge and local storage.
import { $ } from '/static/shared/dom.js';

export const IDENTITY_KEY = 'quiz-student';
export const FINAL_KEY = 'quiz-final';

export const el = {
  who: $('who'),
  connection: document.querySelector('[data-testid=connection]'),
  connectionText: $('connection-text'),
  loading: $('loading'),
  joinForm: $('join-form'),
  joinNotice: $('join-notice'),
  joinError: $('join-error'),
  joinSubmit: $('join-submit'),
  studentId: $('student-id'),
  studentName: $('student-name'),
  nameField: $('name-field'),
  codeField: $('code-field'),
  joinCode: $('join-code'),
  lobby: $('lobby'),
  joinedCount: $('joined-count'),
  question: $('question'),
  questionNumber: $('question-number'),
  questionText: $('question-text'),
  countdown: $('countdown'),
  countdownBox: $('countdown-box'),
  calmNote: $('calm-note'),
  timebar: $('timebar'),
  timebarFill: $('timebar-fill'),
  roundBanner: $('round-banner'),
  figure: $('question-figure'),
  caption: $('question-caption'),
  typeHint: $('type-hint'),
  choices: $('choices'),
  multipleSubmit: $('multiple-submit'),
  numericForm: $('numeric-form'),
  numericInput: $('numeric-input'),
  numericSign: $('numeric-sign'),
  numericError: $('numeric-error'),
  numericSubmit: $('numeric-submit'),
  locked: $('locked'),
  answerStatus: $('answer-status'),
  timesUp: $('times-up'),
  hint: $('question-hint'),
  result: $('result'),
  resultRound: $('result-round'),
  verdict: $('verdict'),
  resultAnswer: $('result-answer'),
  resultAnswerLabel: $('result-answer-label'),
  resultCorrect: $('result-correct'),
  resultCorrectText: $('result-correct-text'),
  resultMarks: $('result-marks'),
  resultYours: $('result-yours'),
  resultPointsStat: $('result-points-stat'),
  resultPoints: $('result-points'),
  resultPointsNote: $('result-points-note'),
  score: $('score'),
  resultRoundNote: $('result-round-note'),
  resultExplanation: $('result-explanation'),
  resultNext: $('result-next'),
  final: $('final'),
  finalPlacing: $('final-placing'),
  finalRank: $('final-rank'),
  finalOrdinal: $('final-ordinal'),
  finalTotal: $('final-total'),
  finalScore: $('final-score'),
  announcer: $('announcer'),
};
const VIEWS = [el.loading, el.joinForm, el.lobby, el.question, el.result, el.final];

/** Everything the page knows about the session; views are drawn from it. */
export const state = {
  me: null, // { student_id, name, score }
  socket: null,
  wasOnline: false,
  totalQuestions: 0,
  studentsCount: 0,
  /**
   * The open question: { idx, round, type, scoring, text, choices, timeLimitMs, endsAt,
   * answered, answer (as given; null when answered elsewhere and unknown), picks (multiple:
   * the letters ticked, not yet sent), pending (the answer sent, awaiting its submit_ack),
   * timesUp, announced10 }.
   */
  question: null,
};

export function showView(view) {
  for (const candidate of VIEWS) candidate.hidden = candidate !== view;
}

export function announce(text) {
  // Clear first so the same sentence twice is still read out.
  el.announcer.textContent = '';
  setTimeout(() => {
    el.announcer.textContent = text;
  }, 50);
}

export function readStored(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

export function writeStored(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the page works without it.
  }
}

export function setConnection(status) {
  el.connection.hidden = false;
  el.connection.dataset.status = status;
  if (status === 'online') {
    state.wasOnline = true;
    el.connectionText.textContent = 'Online';
  } else if (status === 'displaced') {
    el.connectionText.textContent = 'Open in too many tabs or devices: this one stopped. Reload to use it here.';
  } else if (state.wasOnline || status === 'offline') {
    el.connectionText.textContent = 'Reconnecting…';
  } else {
    el.connectionText.textContent = 'Connecting…';
  }
}

export function showIdentity(me) {
  el.who.hidden = !me;
  el.who.textContent = me ? `${me.name} · ${me.student_id}` : '';
}

export function stopSocket() {
  if (state.socket) {
    const socket = state.socket;
    state.socket = null;
    socket.stop();
  }
}
