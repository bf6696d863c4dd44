// Joining: the form, its checks (lengths from the protocol), and POST /api/join with
// its one retry after a stale cookie was cleared. GET /api/join-form says what the form
// asks for: with a class list the id only (the name comes from the list), and while the
// join code is on, the code on the projector.
import { JOIN_CODE_DIGITS, MAX_ID_LENGTH, MAX_NAME_LENGTH } from '/static/protocol.js';
import { announce, el, FINAL_KEY, showIdentity, showView, state, stopSocket, writeStored } from './page.js';
import { stopTicking } from './question.js';

const TAKEN_MESSAGE = 'This id is already in use; ask your instructor to release it.';
const NETWORK_MESSAGE = 'Could not reach the quiz server. Check your connection and try again.';
const NOT_ON_ROSTER_MESSAGE = 'This id is not on the class list — check it or ask your instructor.';
const WRONG_CODE_MESSAGE = 'That join code is wrong or has changed. Type the code on the screen now.';

/** What the form asks for; the server is asked each time the form is shown and after a refusal. */
const form = { roster: false, joinCode: false };

async function loadJoinForm() {
  try {
    const response = await fetch('/api/join-form', { cache: 'no-store' });
    if (response.ok) {
      const body = await response.json();
      form.roster = body.roster === true;
      form.joinCode = body.join_code === true;
    }
  } catch {
    // offline: the form keeps its last shape; joining reports the network
  }
  el.nameField.hidden = form.roster;
  el.codeField.hidden = !form.joinCode;
  el.joinForm.dataset.roster = String(form.roster);
}

function setJoinError(message, field = null) {
  el.joinError.textContent = message ?? '';
  el.joinError.hidden = !message;
  for (const input of [el.studentId, el.studentName, el.joinCode]) {
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

export function showJoinForm({ notice = null, prefill = null } = {}) {
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
  el.joinCode.value = '';
  el.joinSubmit.disabled = false;
  showView(el.joinForm);
  if (notice) announce(notice);
  void loadJoinForm();
}

function validateField(input, label, maxLength) {
  const value = input.value.trim();
  if (value.length === 0) return `Enter your ${label}.`;
  if (value.length > maxLength) return `Your ${label} can be at most ${maxLength} characters.`;
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

/** Wires the join form; `onJoined(me)` starts the session after a successful join. */
export function setUpJoin({ onJoined }) {
  el.joinForm.addEventListener('submit', (event) => submitJoin(event, onJoined));
}

async function submitJoin(event, onJoined) {
  event.preventDefault();
  const idError = validateField(el.studentId, 'student id', MAX_ID_LENGTH);
  if (idError) return setJoinError(idError, el.studentId);
  if (!form.roster) {
    const nameError = validateField(el.studentName, 'name', MAX_NAME_LENGTH);
    if (nameError) return setJoinError(nameError, el.studentName);
  }
  if (form.joinCode && !new RegExp(`^\\d{${JOIN_CODE_DIGITS}}$`).test(el.joinCode.value.trim())) {
    return setJoinError(`Enter the ${JOIN_CODE_DIGITS}-digit join code shown on the screen.`, el.joinCode);
  }
  setJoinError(null);

  const body = { student_id: el.studentId.value.trim() };
  if (!form.roster) body.name = el.studentName.value.trim();
  if (form.joinCode) body.code = el.joinCode.value.trim();
  el.joinSubmit.disabled = true;
  el.joinSubmit.textContent = 'Joining…';
  try {
    let result = await postJoin(body);
    // 401 invalid_cookie: the server just cleared a stale cookie; the retry goes without it.
    if (result.status === 401 && result.payload?.error === 'invalid_cookie') result = await postJoin(body);
    if (result.status === 200) {
      el.joinNotice.hidden = true;
      writeStored(FINAL_KEY, null);
      onJoined(result.payload);
    } else if (result.status === 409 && result.payload?.error === 'student_id_taken') {
      setJoinError(TAKEN_MESSAGE, el.studentId);
    } else if (result.payload?.error === 'not_on_roster') {
      await loadJoinForm(); // a class list may have just been loaded: the name is no longer asked
      setJoinError(NOT_ON_ROSTER_MESSAGE, el.studentId);
    } else if (result.payload?.error === 'wrong_join_code') {
      await loadJoinForm(); // the instructor may have just turned the code on
      el.joinCode.value = '';
      setJoinError(WRONG_CODE_MESSAGE, el.joinCode);
    } else if (result.payload?.error === 'too_many_join_attempts') {
      setJoinError(`Too many wrong codes — try again in ${result.payload.retry_after_s ?? 60} s.`, el.joinCode);
    } else if (result.payload?.error === 'invalid_body' && /"name" is missing/.test(result.payload.message ?? '')) {
      await loadJoinForm(); // the class list was just removed: the name is needed again
      setJoinError('Enter your name.', el.studentName);
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
