// The student page: join, then follow the session over the shared live socket. Every
// `snapshot` (first frame of each (re)connect) restores the whole view, so a phone that
// slept, lost its network or reloaded lands exactly where the session is. The countdown
// runs on performance.now() from the server's remaining_ms, never the phone's wall clock.
// Four question types (single, multiple, numeric, poll) and a revote (round 2) are drawn
// by question.js, answered through answering.js and reviewed by result.js.
// Question texts, choices and explanations are Markdown, rendered and sanitised through
// rich-text.js; everything else from the server or the user is set with textContent.
import { CHOICE_LETTERS, SOCKET_PATHS } from '/static/protocol.js';
import { connectLive } from '/static/shared/live-socket.js';
import { setUpJoin, showJoinForm } from './join.js';
import { el, FINAL_KEY, IDENTITY_KEY, readStored, setConnection, showIdentity, showView, state, stopSocket, writeStored } from './page.js';
import {
  flipNumberSign,
  handleErrorFrame,
  handleSubmitAck,
  setTicked,
  submitChoice,
  submitNumber,
  submitPicks,
} from './answering.js';
import { focusTargetOf } from './choice-list.js';
import { showFinal } from './final.js';
import { openQuestion, stopTicking } from './question.js';
import { showResult } from './result.js';
import { applyBackChannelSnapshot, applySettings, closeRoomForQuestion, handleBackChannelFrame, setUpBackChannel } from './back-channel.js';

const REVOKED_NOTICE = 'Your session ended (the quiz was reset, or your instructor released or removed your id). Join again.';

function startSession(me, { quietRevoke = false } = {}) {
  state.me = me ? { ...me } : null;
  if (me) writeStored(IDENTITY_KEY, { student_id: me.student_id, name: me.name });
  showIdentity(state.me);
  el.loading.textContent = 'Connecting…';
  showView(el.loading);
  stopSocket();
  state.wasOnline = false;
  state.socket = connectLive(SOCKET_PATHS.STUDENT, {
    onFrame: handleFrame,
    onStatus: setConnection,
    onRevoked: () => {
      applySettings({ qa: false, pulse: false });
      const remembered = readStored(IDENTITY_KEY);
      state.socket = null;
      // Never joined on this device (the socket was a guess after a network error): plain form.
      if (quietRevoke && !state.me) showJoinForm({ prefill: remembered });
      else showJoinForm({ notice: REVOKED_NOTICE, prefill: remembered });
    },
  });
}

function handleFrame(frame) {
  if (handleBackChannelFrame(frame)) return undefined;
  switch (frame.type) {
    case 'snapshot':
      return applySnapshot(frame);
    case 'lobby_update':
      return setStudentsCount(frame.students_count);
    case 'question_open':
      closeRoomForQuestion();
      return openQuestion(frame.question_idx, frame, null);
    case 'submit_ack':
      return handleSubmitAck(frame);
    case 'question_closed':
      return showResult({
        idx: frame.question_idx,
        type: frame.question_type,
        round: frame.round,
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
  applyBackChannelSnapshot(snapshot);
  // An open question this phone has not answered wins over the Q&A room.
  if (snapshot.phase === 'question' && snapshot.me.answer === null) closeRoomForQuestion();

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
      type: snapshot.question.question_type,
      round: snapshot.question.round,
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

// ---------------------------------------------------------------- input

setUpJoin({ onJoined: startSession });
setUpBackChannel({ send: (frame) => Boolean(state.socket?.send(frame)) });

el.choices.addEventListener('click', (event) => {
  const button = event.target.closest('button.choice');
  if (button) submitChoice(button.dataset.letter);
});
el.choices.addEventListener('change', (event) => {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.type === 'checkbox') setTicked(box.dataset.letter, box.checked);
});
el.multipleSubmit.addEventListener('click', () => submitPicks());
el.numericForm.addEventListener('submit', (event) => {
  event.preventDefault();
  submitNumber();
});
el.numericSign.addEventListener('click', () => flipNumberSign());

/** Keys 1–6 and A–F pick a choice (single, poll) or tick it (multiple); Enter on a tick submits. */
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if (el.question.hidden || !state.question) return;
  const target = event.target;
  const onCheckbox = target instanceof HTMLInputElement && target.type === 'checkbox';
  if (!onCheckbox && (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) return;
  if (onCheckbox && event.key === 'Enter') {
    event.preventDefault();
    submitPicks();
    return;
  }
  const key = event.key.length === 1 ? event.key.toUpperCase() : '';
  let letter = null;
  if (/^[1-9]$/.test(key)) letter = CHOICE_LETTERS[Number(key) - 1] ?? null;
  else if (CHOICE_LETTERS.includes(key)) letter = key;
  if (!letter) return;
  const focusTarget = focusTargetOf(letter);
  if (!focusTarget) return;
  event.preventDefault();
  focusTarget.focus();
  if (state.question.type === 'multiple') setTicked(letter, !focusTarget.checked);
  else submitChoice(letter);
});

// ---------------------------------------------------------------- start

async function start() {
  let response;
  try {
    response = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    // Offline at load: let the socket retry; it reports it if the cookie is not honoured.
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
