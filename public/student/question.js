// One open question: the choices, answering (pending until the server's submit_ack), the
// locked line, and the countdown with its time bar, the 10-seconds-left announcement and
// "time's up".
import { CHOICE_LETTERS } from '/static/protocol.js';
import { createCountdown } from '/static/shared/countdown.js';
import { announce, el, showView, state } from './page.js';

const ANNOUNCE_AT_S = 10;

const countdown = createCountdown(el.countdown, { urgentNode: el.countdownBox, onTick: drawTimeLeft });

/** Stops the countdown (the question was closed, replaced or left). */
export function stopTicking() {
  countdown.stop();
}

export function openQuestion(idx, question, answer) {
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
  el.hint.textContent = `Tap an answer, or press 1–${last} or A–${CHOICE_LETTERS[last - 1]}.`;
  el.answerStatus.hidden = true;
  showView(el.question);
  renderAnswer();
  countdown.run(state.question.endsAt);

  if (isNew) {
    const seconds = Math.ceil(question.remaining_ms / 1000);
    announce(`${el.questionNumber.textContent}: ${question.text} ${seconds} seconds.`);
    if (!state.question.answer && !state.question.timesUp) el.choices.firstElementChild?.focus();
  }
}

function buildChoices(choices) {
  const buttons = choices.map((text, position) => {
    const letter = CHOICE_LETTERS[position];
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

export function submitChoice(letter) {
  if (!canAnswer()) return;
  const question = state.question;
  if (!question.choices[CHOICE_LETTERS.indexOf(letter)]) return;
  const sent = state.socket?.send({ type: 'submit', question_idx: question.idx, choice: letter });
  if (!sent) {
    setAnswerStatus('Not connected right now — your answer was not sent. Tap again once you are back online.');
    return;
  }
  question.pending = letter;
  setAnswerStatus(`Sending ${letter}…`);
  renderAnswer();
}

export function handleSubmitAck(ack) {
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

/** The rest of what the time left drives: the time bar, "10 seconds left", "time's up". */
function drawTimeLeft(remainingMs) {
  const question = state.question;
  if (!question || el.question.hidden) return stopTicking();
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
}
