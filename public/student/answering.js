// Answering the open question, by type: one tap (single, poll), ticks and Submit
// (multiple), a typed number and Submit (numeric). An answer is pending until the
// server's submit_ack; accepted, it is locked in. The locked line of a poll is a vote,
// never right or wrong.
import { announce, el, state } from './page.js';
import { answerFromAck, formatAnswer, submitFieldsOf } from './answers.js';
import { focusTargetOf, tickedLetters } from './choice-list.js';
import { parseNumberInput, toggleSign } from './numeric-answer.js';

const NOT_SENT = 'Not connected right now — your answer was not sent. Try again once you are back online.';

export function canAnswer() {
  const question = state.question;
  return Boolean(question && !el.question.hidden && !question.answered && !question.pending && !question.timesUp);
}

function lockedLine(question) {
  if (question.type === 'poll') {
    return question.answer === null ? 'You already voted — thanks, your vote counts' : 'Thanks — your vote counts';
  }
  if (question.answer === null) return 'Already answered — locked in';
  return `${formatAnswer(question.answer)} — locked in`;
}

function setAnswerStatus(text) {
  el.answerStatus.textContent = text ?? '';
  el.answerStatus.hidden = !text;
}

function setNumericError(message) {
  el.numericError.textContent = message ?? '';
  el.numericError.hidden = !message;
  if (message) {
    el.numericInput.setAttribute('aria-invalid', 'true');
    el.numericInput.setAttribute('aria-describedby', 'numeric-error');
  } else {
    el.numericInput.removeAttribute('aria-invalid');
    el.numericInput.removeAttribute('aria-describedby');
  }
}

/** Draws the answer controls (enabled, chosen, pending), the locked line and "time's up". */
export function renderAnswer() {
  const question = state.question;
  if (!question) return;
  const open = canAnswer();
  const shown = question.pending?.answer ?? question.answer;
  const shownLetters = Array.isArray(shown) ? shown : [shown];

  for (const choice of el.choices.children) {
    const letter = choice.dataset.letter;
    const box = choice.querySelector('input');
    if (box) {
      box.disabled = !open;
      box.checked = question.answered || question.pending ? shownLetters.includes(letter) : question.picks.includes(letter);
      choice.classList.toggle('chosen', box.checked);
      choice.classList.toggle('disabled', !open);
    } else {
      choice.setAttribute('aria-disabled', String(!open));
      choice.setAttribute('aria-pressed', String(question.answered && question.answer === letter));
      choice.classList.toggle('chosen', question.answered && question.answer === letter);
      choice.classList.toggle('pending', question.pending?.answer === letter);
    }
  }
  el.multipleSubmit.disabled = !open || question.picks.length === 0;
  el.numericInput.disabled = !open;
  el.numericSign.disabled = !open;
  el.numericSubmit.disabled = !open;
  if (question.type === 'numeric' && typeof shown === 'number') el.numericInput.value = formatAnswer(shown);

  el.locked.textContent = question.answered ? lockedLine(question) : '';
  el.locked.hidden = !question.answered;
  el.locked.classList.toggle('vote', question.type === 'poll');
  el.timesUp.hidden = !question.timesUp;
  el.hint.hidden = !open || question.type === 'numeric';
}

/** Sends `answer` for the open question; false (and a line saying so) if it was not sent. */
function sendAnswer(answer) {
  const question = state.question;
  const sent = state.socket?.send({ type: 'submit', question_idx: question.idx, ...submitFieldsOf(question.type, answer) });
  if (!sent) {
    setAnswerStatus(NOT_SENT);
    return false;
  }
  question.pending = { answer };
  setAnswerStatus(`Sending ${formatAnswer(answer)}…`);
  renderAnswer();
  return true;
}

/** single and poll: one tap (or key) answers. */
export function submitChoice(letter) {
  if (!canAnswer()) return;
  const question = state.question;
  if (question.type !== 'single' && question.type !== 'poll') return;
  if (!focusTargetOf(letter)) return;
  sendAnswer(letter);
}

/** multiple: a tick changed (a click on the checkbox, or a key). */
export function setTicked(letter, ticked) {
  const question = state.question;
  if (!canAnswer() || question.type !== 'multiple') return;
  const box = focusTargetOf(letter);
  if (!box) return;
  box.checked = ticked;
  question.picks = tickedLetters();
  setAnswerStatus(null);
  renderAnswer();
}

export function submitPicks() {
  const question = state.question;
  if (!canAnswer() || question.type !== 'multiple') return;
  const letters = tickedLetters();
  if (letters.length === 0) {
    setAnswerStatus('Tick at least one answer, then submit.');
    return;
  }
  sendAnswer(letters);
}

export function submitNumber() {
  const question = state.question;
  if (!canAnswer() || question.type !== 'numeric') return;
  const parsed = parseNumberInput(el.numericInput.value);
  if (!parsed.ok) {
    setNumericError(parsed.message);
    el.numericInput.focus();
    return;
  }
  setNumericError(null);
  sendAnswer(parsed.value);
}

export function flipNumberSign() {
  if (!canAnswer()) return;
  el.numericInput.value = toggleSign(el.numericInput.value);
  el.numericInput.focus();
}

/** Clears what the last question left in the numeric field and the status lines. */
export function resetAnswerInputs() {
  el.numericInput.value = '';
  setNumericError(null);
  setAnswerStatus(null);
}

/** After a lock, keep keyboard focus on the page (a disabled control drops it). */
function keepFocusAfterLock() {
  const active = document.activeElement;
  if (active === document.body || active === null || (active instanceof HTMLElement && active.closest('#question') && active.matches(':disabled'))) {
    el.locked.focus();
  }
}

export function handleSubmitAck(ack) {
  const question = state.question;
  if (!question || question.idx !== ack.question_idx) return;
  const sent = question.pending?.answer ?? answerFromAck(ack);
  question.pending = null;
  setAnswerStatus(null);
  if (ack.accepted) {
    question.answered = true;
    question.answer = sent;
    announce(question.type === 'poll' ? `Voted ${formatAnswer(sent)}. Thanks — your vote counts.` : `${formatAnswer(sent)} — locked in.`);
  } else if (ack.reason === 'already_answered') {
    // Answered earlier (another tab or device); the answer shows in the result.
    question.answered = true;
    question.answer = null;
    announce(question.type === 'poll' ? 'You had already voted.' : 'You had already answered this question. Your answer is locked in.');
  } else if (ack.reason === 'closed') {
    question.timesUp = true;
    announce('Time’s up. Your answer arrived after the question closed.');
  } else {
    setAnswerStatus('That answer was not accepted. Try again.');
  }
  renderAnswer();
  if (question.answered) keepFocusAfterLock();
}

export function handleErrorFrame(frame) {
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

/** Time ran out on this phone: no more answers, no half-sent status. */
export function markTimesUp() {
  const question = state.question;
  if (!question || question.timesUp) return;
  question.timesUp = true;
  setAnswerStatus(null);
  renderAnswer();
}
