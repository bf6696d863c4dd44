// Driving the session: the phase and round badges, the question (its type, text and
// image), the countdown, "answered X / Y", the live histogram, the two rounds side by side
// after a revote, and the Next / Close / Revote / End commands (buttons and N / C / R / E).
// Commands go over the admin socket, or over HTTP while it reconnects.
//
// A laptop mirrored to the projector shows this page to the class, so while a question is
// open nothing on it says the answer (no marked bar, no multiple set, no numeric value)
// until the instructor presses "Show answer". That holds for one question only: each new
// question (and a reload, and a revote's round 2) starts hidden again, so an instructor who
// peeked once does not put the next answer on the wall by surprise. After the close,
// review shows the answer as the projector does. A poll has no answer to show.
import { ADMIN_COMMANDS } from '/static/protocol.js';
import { createCountdown } from '/static/shared/countdown.js';
import { $ } from '/static/shared/dom.js';
import { showImageIn } from '/static/shared/question-image.js';
import { showMarkdown } from '/static/shared/question-markdown.js';
import { createHistogram } from '/static/shared/histogram.js';
import { respondentsOf, toleranceOf } from '/static/shared/admin-state.js';
import { answerKeyText, REVOTE_TYPES, TYPE_LABELS } from '/static/shared/question-types.js';
import { showShift } from '/static/shared/revote-shift.js';

export const PHASE_LABELS = { lobby: 'lobby', question: 'question open', review: 'review', ended: 'ended' };
const MESSAGE_MS = 6000;
/** Each command's key is its first letter: N, C, E, R. */
const COMMAND_KEYS = Object.fromEntries(ADMIN_COMMANDS.map((command) => [command[0], command]));

/**
 * The drive card, drawn from `session` (an admin state). `sendFrame(frame)` sends over the
 * socket and returns false when it is not open; `onSignedOut` runs when the server no
 * longer honours the cookie.
 */
export function setUpDrive(session, { sendFrame, onSignedOut }) {
  const countdown = createCountdown($('countdown'), { format: (seconds) => `${seconds} s` });
  const histogram = createHistogram($('histogram'));
  const firstRound = createHistogram($('histogram-first'));
  let messageTimer = null;
  /** The run, question and round "Show answer" was pressed for; any other is hidden. */
  let answerShownFor = null;
  /** The comparison whose shift is shown (or being fetched), so it is read once. */
  const type = () => session.question?.type ?? 'single';
  const currentQuestion = () => `${session.runId}/${session.questionIdx}/${session.question?.round ?? 1}`;
  const answerShown = () => session.phase === 'review' || (session.phase === 'question' && answerShownFor === currentQuestion());
  const showingQuestion = () => Boolean(session.question) && (session.phase === 'question' || session.phase === 'review');
  const comparing = () => session.phase === 'review' && Boolean(session.firstRoundCounts);

  function render() {
    const { phase, question } = session;
    const phaseBadge = $('phase');
    phaseBadge.dataset.phase = phase ?? '';
    phaseBadge.textContent = PHASE_LABELS[phase] ?? String(phase);
    $('round').hidden = !(showingQuestion() && question.round === 2);
    $('question-position').textContent =
      session.questionIdx === null || session.questionIdx === undefined
        ? `${session.totalQuestions} questions`
        : `question ${session.questionIdx + 1} of ${session.totalQuestions}`;
    const typeBadge = $('question-type');
    typeBadge.hidden = !showingQuestion();
    typeBadge.dataset.type = showingQuestion() ? type() : '';
    typeBadge.textContent = showingQuestion()
      ? `${TYPE_LABELS[type()] ?? type()}${question.scoring === 'accuracy' ? ' · accuracy' : ''}`
      : '';

    const isLast = session.questionIdx !== null && session.questionIdx + 1 >= session.totalQuestions;
    $('next-label').textContent =
      phase === 'lobby' ? 'Start' : phase === 'question' ? 'Close and review' : isLast ? 'Finish' : 'Next question';
    for (const command of ADMIN_COMMANDS) $(`cmd-${command}`).disabled = !commandAllowed(command);

    let text = '';
    if (showingQuestion()) text = question.text;
    else if (phase === 'lobby') text = 'Waiting in the lobby. Press Start (N) when the class is in.';
    else if (phase === 'ended') text = 'The session has ended. Download the results below.';
    showMarkdown($('question-text'), text);
    renderImage();

    const explanation = $('explanation');
    const showExplanation = phase === 'review' && session.explanation;
    explanation.hidden = !showExplanation;
    showMarkdown(explanation, showExplanation ? session.explanation : '');

    renderProgress();
    renderShift();
    if (phase === 'question' && session.deadlineAt !== null) countdown.run(session.deadlineAt);
    else countdown.stop(phase === 'review' ? 'closed' : '—');
  }

  /** The question's image as a thumbnail beside its text (the projector shows it large). */
  function renderImage() {
    const src = showingQuestion() ? session.question.image : null;
    const alt = src ? session.question.imageAlt || `Image for question ${session.questionIdx + 1}` : '';
    showImageIn($('question-image-box'), src, alt, { className: 'question-thumb', testId: 'question-image' });
  }

  function renderAnswered() {
    $('answered').textContent = `answered ${session.answered} / ${session.studentsCount}`;
  }

  /** The numbers that move while a question is open: answered, the histogram, the tally. */
  function renderProgress() {
    renderAnswered();
    const { question, counts, phase } = session;
    const reveal = $('reveal-answer');
    reveal.hidden = phase !== 'question' || type() === 'poll';
    reveal.setAttribute('aria-pressed', String(phase === 'question' && answerShown()));

    const keyLine = $('answer-key');
    const keyText = showingQuestion() && answerShown() ? answerKeyText(type(), session.correct, toleranceOf(session)) : null;
    keyLine.hidden = !keyText;
    keyLine.textContent = keyText ? `${type() === 'multiple' ? 'Answers' : 'Answer'}: ${keyText}` : '';

    const tally = $('tally');
    const numeric = showingQuestion() && type() === 'numeric' && counts;
    tally.hidden = !numeric;
    tally.textContent = numeric
      ? `${counts.correct ?? 0} of ${(counts.correct ?? 0) + (counts.incorrect ?? 0)} within tolerance`
      : '';

    if (!(question && counts && showingQuestion())) {
      histogram.clear();
      firstRound.clear();
      $('first-round').hidden = true;
      $('histogram-title').hidden = true;
      return;
    }
    const correct = answerShown() ? session.correct : null;
    const respondents = type() === 'multiple' ? session.answered : respondentsOf(type(), counts);
    const both = comparing();
    $('first-round').hidden = !both;
    $('histogram-title').hidden = !both;
    $('rounds').classList.toggle('side-by-side', both);
    if (!both) {
      firstRound.clear();
      histogram.show({ type: type(), choices: question.choices, counts, correct, respondents });
      return;
    }
    // Both rounds on one scale: a full bar is the largest count of either round.
    const scaleMax = Math.max(1, ...Object.values(counts), ...Object.values(session.firstRoundCounts));
    const firstRespondents = respondentsOf(type(), session.firstRoundCounts);
    firstRound.show({ type: type(), choices: question.choices, counts: session.firstRoundCounts, correct, respondents: firstRespondents, scaleMax });
    histogram.show({ type: type(), choices: question.choices, counts, correct, respondents, scaleMax });
  }

  /** After round 2 closes: "Correct: 25 % → 75 % (+50 points)" (a poll has none). */
  function renderShift() {
    showShift($('shift'), session);
  }

  function showMessage(text) {
    const box = $('command-message');
    box.textContent = text;
    box.hidden = !text;
    clearTimeout(messageTimer);
    if (text) messageTimer = setTimeout(() => (box.hidden = true), MESSAGE_MS);
  }

  /** Why `command` does not apply now, or null when it does. */
  function refusalOf(command) {
    const { phase } = session;
    if (command === 'close') return phase === 'question' ? null : 'there is no open question to close';
    if (command === 'revote') {
      if (phase !== 'review') return 'a question can be asked again only once it is closed, in review';
      if (session.question?.round === 2) return 'this question has already been asked a second time';
      if (!REVOTE_TYPES.includes(type())) return 'a number question cannot be asked again';
      return null;
    }
    return phase === 'ended' ? 'the session has already ended' : null;
  }
  const commandAllowed = (command) => refusalOf(command) === null;

  async function sendCommand(type) {
    const refusal = refusalOf(type);
    if (refusal) {
      showMessage(`${type[0].toUpperCase()}${type.slice(1)} is not available: ${refusal}.`);
      return;
    }
    if (type === 'end' && !confirm('End the session now? Students see their final rank.')) return;
    showMessage('');
    if (sendFrame({ type })) return;
    // The socket is reconnecting: the same command over HTTP.
    const response = await fetch(`/admin/api/${type}`, { method: 'POST' }).catch(() => null);
    if (!response) showMessage('The server cannot be reached; try again in a moment.');
    else if (response.status === 401) onSignedOut();
    else if (!response.ok) showMessage((await response.json().catch(() => ({}))).message ?? `HTTP ${response.status}`);
  }

  for (const command of ADMIN_COMMANDS) $(`cmd-${command}`).addEventListener('click', () => sendCommand(command));

  document.addEventListener('keydown', (event) => {
    if ($('console-view').hidden || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest('input, textarea, select'))) return;
    const command = COMMAND_KEYS[event.key.toLowerCase()];
    if (!command) return;
    event.preventDefault();
    sendCommand(command);
  });

  $('reveal-answer').addEventListener('click', () => {
    answerShownFor = answerShown() ? null : currentQuestion();
    renderProgress();
  });

  $('open-screen').addEventListener('click', () => {
    window.open('/screen', 'quiz-screen');
  });

  return { render, renderAnswered, renderProgress, showMessage, stop: () => countdown.stop() };
}
