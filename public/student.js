// The student page: join, then follow the session over the shared live socket. Every
// `snapshot` (first frame of each (re)connect) restores the whole view, so a phone that
// slept, lost its network or reloaded lands exactly where the session is. The countdown
// runs on performance.now() from the server's remaining_ms, never the phone's wall clock.
// Everything from the server or the user is rendered with textContent.

import { $, LETTERS } from './dom.js';
import { connectLive } from './live-socket.js';

const MAX_FIELD_LENGTH = 64;
const TICK_MS = 200;
const ANNOUNCE_AT_S = 10;
const IDENTITY_KEY = 'quiz-student';
const FINAL_KEY = 'quiz-final';

const REVOKED_NOTICE = 'Your session ended (the quiz was reset or your id was released). Join again.';
const TAKEN_MESSAGE = 'This id is already in use; ask your instructor to release it.';
const NETWORK_MESSAGE = 'Could not reach the quiz server. Check your connection and try again.';

const el = {
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
  lobby: $('lobby'),
  joinedCount: $('joined-count'),
  question: $('question'),
  questionNumber: $('question-number'),
  questionText: $('question-text'),
  countdown: $('countdown'),
  countdownBox: $('countdown').parentElement,
  timebarFill: $('timebar-fill'),
  choices: $('choices'),
  locked: $('locked'),
  answerStatus: $('answer-status'),
  timesUp: $('times-up'),
  hint: $('question-hint'),
  result: $('result'),
  verdict: $('verdict'),
  resultCorrect: $('result-correct'),
  resultCorrectText: $('result-correct-text'),
  resultYours: $('result-yours'),
  resultPoints: $('result-points'),
  score: $('score'),
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
const state = {
  me: null, // { student_id, name, score }
  socket: null,
  wasOnline: false,
  totalQuestions: 0,
  studentsCount: 0,
  question: null, // { idx, text, choices, timeLimitMs, endsAt, answer, pending, timesUp, announced10 }
  tickTimer: null,
};

// ---------------------------------------------------------------- small helpers

function showView(view) {
  for (const candidate of VIEWS) candidate.hidden = candidate !== view;
}

function announce(text) {
  // Clear first so the same sentence twice is still read out.
  el.announcer.textContent = '';
  setTimeout(() => {
    el.announcer.textContent = text;
  }, 50);
}

function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return 'th';
  return { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th';
}

function readStored(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

function writeStored(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the page works without it.
  }
}

function setConnection(status) {
  el.connection.hidden = false;
  el.connection.dataset.status = status;
  if (status === 'online') {
    state.wasOnline = true;
    el.connectionText.textContent = 'Online';
  } else if (state.wasOnline || status === 'offline') {
    el.connectionText.textContent = 'Reconnecting…';
  } else {
    el.connectionText.textContent = 'Connecting…';
  }
}

function showIdentity(me) {
  el.who.hidden = !me;
  el.who.textContent = me ? `${me.name} · ${me.student_id}` : '';
}

// ---------------------------------------------------------------- join

function setJoinError(message, field = null) {
  el.joinError.textContent = message ?? '';
  el.joinError.hidden = !message;
  for (const input of [el.studentId, el.studentName]) {
    if (message && input === field) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'join-error');
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  }
  if (message && field) field.focus();
}

function showJoinForm({ notice = null, prefill = null } = {}) {
  stopSocket();
  stopTicking();
  state.me = null;
  state.question = null;
  state.wasOnline = false;
  showIdentity(null);
  el.connection.hidden = true;
  el.joinNotice.textContent = notice ?? '';
  el.joinNotice.hidden = !notice;
  setJoinError(null);
  if (prefill) {
    el.studentId.value = prefill.student_id ?? '';
    el.studentName.value = prefill.name ?? '';
  }
  el.joinSubmit.disabled = false;
  showView(el.joinForm);
  if (notice) announce(notice);
}

function validateField(input, label) {
  const value = input.value.trim();
  if (value.length === 0) return `Enter your ${label}.`;
  if (value.length > MAX_FIELD_LENGTH) return `Your ${label} can be at most ${MAX_FIELD_LENGTH} characters.`;
  return null;
}

async function postJoin(body) {
  const response = await fetch('/api/join', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  return { status: response.status, payload };
}

async function submitJoin(event) {
  event.preventDefault();
  const idError = validateField(el.studentId, 'student id');
  if (idError) return setJoinError(idError, el.studentId);
  const nameError = validateField(el.studentName, 'name');
  if (nameError) return setJoinError(nameError, el.studentName);
  setJoinError(null);

  const body = { student_id: el.studentId.value.trim(), name: el.studentName.value.trim() };
  el.joinSubmit.disabled = true;
  el.joinSubmit.textContent = 'Joining…';
  try {
    let result = await postJoin(body);
    // 401 invalid_cookie: the server just cleared a stale cookie; the retry goes without it.
    if (result.status === 401 && result.payload?.error === 'invalid_cookie') result = await postJoin(body);
    if (result.status === 200) {
      el.joinNotice.hidden = true;
      writeStored(FINAL_KEY, null);
      startSession(result.payload);
    } else if (result.status === 409 && result.payload?.error === 'student_id_taken') {
      setJoinError(TAKEN_MESSAGE, el.studentId);
    } else {
      const field = /name/.test(result.payload?.message ?? '') && !/student_id/.test(result.payload?.message ?? '')
        ? el.studentName
        : el.studentId;
      setJoinError(sentence(result.payload?.message) ?? `Joining failed (HTTP ${result.status}). Try again.`, field);
    }
  } catch {
    setJoinError(NETWORK_MESSAGE);
  } finally {
    el.joinSubmit.disabled = false;
    el.joinSubmit.textContent = 'Join';
  }
}

function sentence(message) {
  if (typeof message !== 'string' || message.length === 0) return null;
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

// ---------------------------------------------------------------- the live session

function startSession(me, { quietRevoke = false } = {}) {
  state.me = me ? { ...me } : null;
  if (me) writeStored(IDENTITY_KEY, { student_id: me.student_id, name: me.name });
  showIdentity(state.me);
  el.loading.textContent = 'Connecting…';
  showView(el.loading);
  stopSocket();
  state.wasOnline = false;
  state.socket = connectLive('/ws', {
    onFrame: handleFrame,
    onStatus: setConnection,
    onRevoked: () => {
      const remembered = readStored(IDENTITY_KEY);
      state.socket = null;
      // Never joined on this device (the socket was a guess after a network error): plain form.
      if (quietRevoke && !state.me) showJoinForm({ prefill: remembered });
      else showJoinForm({ notice: REVOKED_NOTICE, prefill: remembered });
    },
  });
}

function stopSocket() {
  if (state.socket) {
    const socket = state.socket;
    state.socket = null;
    socket.stop();
  }
}

function handleFrame(frame) {
  switch (frame.type) {
    case 'snapshot':
      return applySnapshot(frame);
    case 'lobby_update':
      return setStudentsCount(frame.students_count);
    case 'question_open':
      return openQuestion(frame.question_idx, frame, null);
    case 'submit_ack':
      return handleSubmitAck(frame);
    case 'question_closed':
      return showResult({
        idx: frame.question_idx,
        correct: frame.correct,
        explanation: frame.explanation,
        yourChoice: frame.your_choice ?? null,
        points: frame.points ?? 0,
        score: frame.score ?? state.me?.score ?? 0,
        choices: state.question?.idx === frame.question_idx ? state.question.choices : null,
        announce: true,
      });
    case 'session_ended':
      return showFinal({ score: frame.score, rank: frame.rank, total: frame.total_students, announce: true });
    case 'error':
      return handleErrorFrame(frame);
    default:
      return undefined;
  }
}

function applySnapshot(snapshot) {
  state.me = { ...snapshot.me };
  showIdentity(state.me);
  writeStored(IDENTITY_KEY, { student_id: snapshot.me.student_id, name: snapshot.me.name });
  state.totalQuestions = snapshot.total_questions;
  setStudentsCount(snapshot.students_count);

  if (snapshot.phase === 'lobby') {
    writeStored(FINAL_KEY, null);
    stopTicking();
    state.question = null;
    showView(el.lobby);
  } else if (snapshot.phase === 'question' && snapshot.question) {
    openQuestion(snapshot.question_idx, snapshot.question, snapshot.me.answer);
  } else if (snapshot.phase === 'review' && snapshot.question) {
    showResult({
      idx: snapshot.question_idx,
      correct: snapshot.question.correct,
      explanation: snapshot.question.explanation,
      yourChoice: snapshot.me.answer,
      points: snapshot.me.points ?? 0,
      score: snapshot.me.score,
      choices: snapshot.question.choices,
      announce: false,
    });
  } else if (snapshot.phase === 'ended') {
    // The snapshot carries no rank; this device remembers it from session_ended if it saw it.
    const remembered = readStored(FINAL_KEY);
    const known =
      remembered && remembered.student_id === snapshot.me.student_id && remembered.score === snapshot.me.score;
    showFinal({
      score: snapshot.me.score,
      rank: known ? remembered.rank : undefined,
      total: known ? remembered.total : undefined,
      announce: false,
    });
  }
}

function setStudentsCount(count) {
  if (typeof count !== 'number') return;
  state.studentsCount = count;
  el.joinedCount.textContent = String(count);
}

// ---------------------------------------------------------------- question

function openQuestion(idx, question, answer) {
  const isNew = state.question?.idx !== idx || el.question.hidden;
  const previous = state.question?.idx === idx ? state.question : null;
  state.question = {
    idx,
    text: question.text,
    choices: question.choices,
    timeLimitMs: question.time_limit_ms,
    endsAt: performance.now() + question.remaining_ms,
    answer: answer ?? previous?.answer ?? null,
    pending: null,
    timesUp: false,
    // A question that arrives with about 10 s left already says so when it opens.
    announced10: previous?.announced10 ?? question.remaining_ms <= ANNOUNCE_AT_S * 1000 + 500,
  };

  el.questionNumber.textContent = state.totalQuestions
    ? `Question ${idx + 1} of ${state.totalQuestions}`
    : `Question ${idx + 1}`;
  el.questionText.textContent = question.text;
  buildChoices(question.choices);
  const last = question.choices.length;
  el.hint.textContent = `Tap an answer, or press 1–${last} or A–${LETTERS[last - 1]}.`;
  el.answerStatus.hidden = true;
  showView(el.question);
  renderAnswer();
  tick();
  startTicking();

  if (isNew) {
    const seconds = Math.ceil(question.remaining_ms / 1000);
    announce(`${el.questionNumber.textContent}: ${question.text} ${seconds} seconds.`);
    if (!state.question.answer && !state.question.timesUp) el.choices.firstElementChild?.focus();
  }
}

function buildChoices(choices) {
  const buttons = choices.map((text, position) => {
    const letter = LETTERS[position];
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'choice';
    button.dataset.testid = `choice-${letter}`;
    button.dataset.letter = letter;
    button.setAttribute('aria-label', `${letter}: ${text}`);
    const badge = document.createElement('span');
    badge.className = 'choice-letter';
    badge.setAttribute('aria-hidden', 'true');
    badge.textContent = letter;
    const label = document.createElement('span');
    label.className = 'choice-text';
    label.textContent = text;
    button.append(badge, label);
    return button;
  });
  el.choices.replaceChildren(...buttons);
}

function canAnswer() {
  const question = state.question;
  return Boolean(question && !el.question.hidden && !question.answer && !question.pending && !question.timesUp);
}

/** Locked line, chosen button, disabled state and the time's-up line, from state.question. */
function renderAnswer() {
  const question = state.question;
  if (!question) return;
  const open = canAnswer();
  for (const button of el.choices.children) {
    const letter = button.dataset.letter;
    button.setAttribute('aria-disabled', String(!open));
    button.classList.toggle('chosen', question.answer === letter);
    button.classList.toggle('pending', question.pending === letter);
    button.setAttribute('aria-pressed', String(question.answer === letter));
  }
  if (question.answer) {
    el.locked.textContent = question.answer === '?' ? 'Already answered — locked in' : `${question.answer} — locked in`;
    el.locked.hidden = false;
  } else {
    el.locked.hidden = true;
  }
  el.timesUp.hidden = !question.timesUp;
  el.hint.hidden = !open;
}

function setAnswerStatus(text) {
  el.answerStatus.textContent = text ?? '';
  el.answerStatus.hidden = !text;
}

function submitChoice(letter) {
  if (!canAnswer()) return;
  const question = state.question;
  if (!question.choices[LETTERS.indexOf(letter)]) return;
  const sent = state.socket?.send({ type: 'submit', question_idx: question.idx, choice: letter });
  if (!sent) {
    setAnswerStatus('Not connected right now — your answer was not sent. Tap again once you are back online.');
    return;
  }
  question.pending = letter;
  setAnswerStatus(`Sending ${letter}…`);
  renderAnswer();
}

function handleSubmitAck(ack) {
  const question = state.question;
  if (!question || question.idx !== ack.question_idx) return;
  const chosen = question.pending ?? ack.choice;
  question.pending = null;
  setAnswerStatus(null);
  if (ack.accepted) {
    question.answer = chosen;
    announce(`${chosen} — locked in.`);
  } else if (ack.reason === 'already_answered') {
    // Answered earlier (another tab or device); the letter shows in the result.
    question.answer = question.answer ?? '?';
    announce('You had already answered this question. Your answer is locked in.');
  } else if (ack.reason === 'closed') {
    question.timesUp = true;
    announce('Time’s up. Your answer arrived after the question closed.');
  } else {
    setAnswerStatus('That answer was not accepted. Try again.');
  }
  renderAnswer();
}

function handleErrorFrame(frame) {
  const question = state.question;
  if (question?.pending) {
    question.pending = null;
    setAnswerStatus(
      frame.code === 'storage_error'
        ? 'Your answer could not be saved. Please answer again.'
        : 'Your answer was not accepted. Try again.',
    );
    renderAnswer();
  }
}

// ---------------------------------------------------------------- countdown

function startTicking() {
  if (!state.tickTimer) state.tickTimer = setInterval(tick, TICK_MS);
}

function stopTicking() {
  clearInterval(state.tickTimer);
  state.tickTimer = null;
}

function tick() {
  const question = state.question;
  if (!question || el.question.hidden) return stopTicking();
  const remainingMs = Math.max(0, question.endsAt - performance.now());
  const seconds = Math.ceil(remainingMs / 1000);
  el.countdown.textContent = String(seconds);
  el.countdownBox.classList.toggle('urgent', seconds <= 5);
  const fraction = question.timeLimitMs > 0 ? remainingMs / question.timeLimitMs : 0;
  el.timebarFill.style.transform = `scaleX(${Math.min(1, Math.max(0, fraction))})`;

  if (!question.announced10 && remainingMs <= ANNOUNCE_AT_S * 1000) {
    question.announced10 = true;
    if (remainingMs > 0) announce(`${ANNOUNCE_AT_S} seconds left.`);
  }
  if (remainingMs <= 0 && !question.timesUp) {
    question.timesUp = true;
    setAnswerStatus(null);
    renderAnswer();
    announce('Time’s up.');
  }
  if (remainingMs <= 0) stopTicking();
}

// ---------------------------------------------------------------- result and final

function showResult({ idx, correct, explanation, yourChoice, points, score, choices, announce: speak }) {
  stopTicking();
  const choiceList = choices ?? [];
  const correctText = choiceList[LETTERS.indexOf(correct)] ?? '';
  state.question = null;
  if (state.me) state.me.score = score;

  let verdict;
  if (!yourChoice) verdict = 'No answer';
  else if (yourChoice === correct) verdict = 'Correct!';
  else verdict = 'Not quite';
  el.verdict.textContent = verdict;
  el.verdict.classList.toggle('correct', Boolean(yourChoice) && yourChoice === correct);
  el.verdict.classList.toggle('wrong', Boolean(yourChoice) && yourChoice !== correct);

  el.resultCorrect.textContent = correct;
  el.resultCorrectText.textContent = correctText;
  if (yourChoice) {
    const yourText = choiceList[LETTERS.indexOf(yourChoice)];
    el.resultYours.textContent = `Your answer: ${yourChoice}${yourText ? ` — ${yourText}` : ''}`;
  } else {
    el.resultYours.textContent = 'You did not answer this question.';
  }
  el.resultPoints.textContent = String(points);
  el.score.textContent = String(score);
  el.resultExplanation.textContent = explanation ?? '';
  el.resultExplanation.hidden = !explanation;
  el.resultNext.textContent =
    state.totalQuestions && idx + 1 >= state.totalQuestions ? 'That was the last question.' : 'Waiting for the next question…';
  showView(el.result);
  if (speak) {
    announce(`Question closed. The answer was ${correct}${correctText ? `, ${correctText}` : ''}. ${verdict} You got ${points} points; your score is ${score}.`);
  }
}

function showFinal({ score, rank, total, announce: speak }) {
  stopTicking();
  state.question = null;
  const hasRank = typeof rank === 'number';
  if (hasRank && state.me) {
    writeStored(FINAL_KEY, { student_id: state.me.student_id, score, rank, total });
  }
  el.finalPlacing.hidden = !hasRank;
  el.finalRank.textContent = hasRank ? String(rank) : '';
  el.finalOrdinal.textContent = hasRank ? ordinal(rank) : '';
  el.finalTotal.textContent = typeof total === 'number' ? String(total) : '';
  el.finalScore.textContent = String(score ?? state.me?.score ?? 0);
  showView(el.final);
  if (speak) {
    announce(
      hasRank
        ? `Quiz over. You placed ${rank}${ordinal(rank)} of ${total} with ${score} points.`
        : `Quiz over. You scored ${score} points.`,
    );
  }
}

// ---------------------------------------------------------------- input

el.joinForm.addEventListener('submit', submitJoin);

el.choices.addEventListener('click', (event) => {
  const button = event.target.closest('.choice');
  if (button) submitChoice(button.dataset.letter);
});

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if (el.question.hidden) return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
  const key = event.key.length === 1 ? event.key.toUpperCase() : '';
  let letter = null;
  if (key >= '1' && key <= '6') letter = LETTERS[Number(key) - 1];
  else if (LETTERS.includes(key)) letter = key;
  if (!letter) return;
  event.preventDefault();
  el.choices.querySelector(`[data-letter="${letter}"]`)?.focus();
  submitChoice(letter);
});

// ---------------------------------------------------------------- start

async function start() {
  let response;
  try {
    response = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    // Offline at load: let the socket retry; it reports 4401 if the cookie is not honoured.
    startSession(null, { quietRevoke: true });
    return;
  }
  if (response.ok) {
    startSession(await response.json());
    return;
  }
  const remembered = readStored(IDENTITY_KEY);
  if (response.status === 401 && remembered) {
    // This device had joined, but its cookie is no longer honoured (reset, release, tampering).
    showJoinForm({ notice: REVOKED_NOTICE, prefill: remembered });
  } else {
    showJoinForm();
  }
}

start();
