// One open question: its header (number, countdown or the calm no-pressure note, the
// revote banner), its text and image, the answer controls of its type, and the countdown
// with its time bar, the 10-seconds-left announcement and "time's up". An accuracy-scored
// question shows no countdown, but still stops taking answers at the deadline.
import { CHOICE_LETTERS } from '/static/protocol.js';
import { createCountdown } from '/static/shared/countdown.js';
import { announce, el, showView, state } from './page.js';
import { canAnswer, markTimesUp, renderAnswer, resetAnswerInputs } from './answering.js';
import { buildChoices, focusTargetOf } from './choice-list.js';
import { setRichText, spokenText } from './rich-text.js';

const ANNOUNCE_AT_S = 10;
const NO_ALT_CAPTION = 'Picture for this question (no description was given).';
const BROKEN_IMAGE_CAPTION = 'The picture for this question could not be loaded.';

const countdown = createCountdown(el.countdown, { urgentNode: el.countdownBox, onTick: drawTimeLeft });

/** Stops the countdown (the question was closed, replaced or left). */
export function stopTicking() {
  countdown.stop();
}

/** The type hint above the choices and the keyboard hint below them. */
function describeAnswering(type, choiceCount) {
  const last = CHOICE_LETTERS[choiceCount - 1];
  const keys = `press 1–${choiceCount} or A–${last}`;
  if (type === 'multiple') {
    return { hint: 'Select all that apply, then Submit.', keys: `Tick every right answer (or ${keys}), then Submit.` };
  }
  if (type === 'numeric') return { hint: 'Type a number. A decimal comma is fine (3,5).', keys: '' };
  if (type === 'poll') return { hint: 'Vote: there is no right or wrong answer.', keys: `Tap your choice, or ${keys}.` };
  return { hint: '', keys: `Tap an answer, or ${keys}.` };
}

function onImageError(event) {
  const image = event.currentTarget;
  if (image.parentElement !== el.figure) return;
  image.classList.add('broken');
  el.caption.textContent = image.alt ? `${BROKEN_IMAGE_CAPTION} It showed: ${image.alt}` : BROKEN_IMAGE_CAPTION;
  el.caption.hidden = false;
}

/** The question's picture (created only for a question that has one), or none. */
function showImage(question) {
  const current = el.figure.querySelector('img');
  if (!question.image) {
    current?.remove();
    el.figure.hidden = true;
    return;
  }
  const alt = question.image_alt?.trim() ?? '';
  let image = current;
  if (!image || image.getAttribute('src') !== question.image) {
    image = document.createElement('img');
    image.className = 'question-image';
    image.dataset.testid = 'question-image';
    image.decoding = 'async';
    image.addEventListener('error', onImageError);
    image.src = question.image;
    if (current) current.replaceWith(image);
    else el.figure.prepend(image);
  }
  image.alt = alt;
  if (!image.classList.contains('broken')) {
    el.caption.textContent = alt ? '' : NO_ALT_CAPTION;
    el.caption.hidden = Boolean(alt);
  }
  el.figure.hidden = false;
}

/**
 * Shows question `idx` (from question_open or a snapshot). `answer`: this round's answer
 * from a snapshot (null if none, undefined from question_open).
 */
export function openQuestion(idx, question, answer) {
  const round = question.round ?? 1;
  const type = question.question_type ?? 'single';
  const previous = state.question?.idx === idx && state.question.round === round ? state.question : null;
  const isNew = !previous || el.question.hidden;
  const hasAnswer = answer !== null && answer !== undefined;
  state.question = {
    idx,
    round,
    type,
    scoring: question.scoring ?? 'speed',
    text: question.text,
    choices: question.choices,
    timeLimitMs: question.time_limit_ms,
    endsAt: performance.now() + question.remaining_ms,
    answered: hasAnswer || Boolean(previous?.answered),
    answer: hasAnswer ? answer : (previous?.answer ?? null),
    picks: previous?.picks ?? [],
    pending: null,
    timesUp: false,
    // A question that arrives with about 10 s left already says so when it opens.
    announced10: previous?.announced10 ?? question.remaining_ms <= ANNOUNCE_AT_S * 1000 + 500,
  };
  const calm = state.question.scoring === 'accuracy';

  el.questionNumber.textContent = state.totalQuestions
    ? `Question ${idx + 1} of ${state.totalQuestions}`
    : `Question ${idx + 1}`;
  el.countdownBox.hidden = calm;
  el.timebar.hidden = calm;
  el.calmNote.hidden = !calm;
  el.roundBanner.hidden = round !== 2;
  void setRichText(el.questionText, question.text);
  showImage(question);

  const { hint, keys } = describeAnswering(type, question.choices.length);
  el.typeHint.textContent = hint;
  el.typeHint.hidden = !hint;
  el.hint.textContent = keys;
  buildChoices(type, question.choices);
  el.multipleSubmit.hidden = type !== 'multiple';
  el.numericForm.hidden = type !== 'numeric';
  if (isNew) resetAnswerInputs();

  showView(el.question);
  renderAnswer();
  countdown.run(state.question.endsAt);

  if (isNew) {
    if (canAnswer()) {
      if (type === 'numeric') el.numericInput.focus();
      else focusTargetOf(CHOICE_LETTERS[0])?.focus();
    }
    void announceOpened(state.question, question, hint);
  }
}

/** Says the question that just opened: its number, its text as words, the hint, the time. */
async function announceOpened(opened, question, hint) {
  const seconds = Math.ceil(question.remaining_ms / 1000);
  const number = el.questionNumber.textContent;
  const text = await spokenText(question.text);
  // Another question (or the result) came while the text was rendered: say nothing stale.
  const current = state.question;
  if (el.question.hidden || current?.idx !== opened.idx || current.round !== opened.round) return;
  const parts = [
    opened.round === 2 ? 'Vote again, after discussion.' : '',
    `${number}: ${text}`,
    hint,
    opened.scoring === 'accuracy' ? 'No time pressure.' : `${seconds} seconds.`,
  ];
  announce(parts.filter(Boolean).join(' '));
}

/** The rest of what the time left drives: the time bar, "10 seconds left", "time's up". */
function drawTimeLeft(remainingMs) {
  const question = state.question;
  if (!question || el.question.hidden) return stopTicking();
  const fraction = question.timeLimitMs > 0 ? remainingMs / question.timeLimitMs : 0;
  el.timebarFill.style.transform = `scaleX(${Math.min(1, Math.max(0, fraction))})`;
  const calm = question.scoring === 'accuracy';

  if (!question.announced10 && remainingMs <= ANNOUNCE_AT_S * 1000) {
    question.announced10 = true;
    if (remainingMs > 0 && !calm) announce(`${ANNOUNCE_AT_S} seconds left.`);
  }
  if (remainingMs <= 0 && !question.timesUp) {
    markTimesUp();
    announce('Time’s up.');
  }
}
