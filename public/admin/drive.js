// Driving the session: the phase badge, the question, the countdown, "answered X / Y",
// the live histogram, and the Next / Close / End commands (buttons and N / C / E).
// Commands go over the admin socket, or over HTTP while it reconnects.
//
// A laptop mirrored to the projector shows this page to the class, so while a question is
// open its histogram marks no choice until the instructor presses "Show answer". That
// holds for one question only: each new question (and a reload) starts hidden again, so an
// instructor who peeked once does not put the next answer on the wall by surprise. After
// the close, review marks the answer as the projector does.
import { ADMIN_COMMANDS } from '/static/protocol.js';
import { createCountdown } from '/static/shared/countdown.js';
import { $ } from '/static/shared/dom.js';
import { createHistogram } from '/static/shared/histogram.js';

export const PHASE_LABELS = { lobby: 'lobby', question: 'question open', review: 'review', ended: 'ended' };
const MESSAGE_MS = 6000;
/** Each command's key is its first letter: N, C, E. */
const COMMAND_KEYS = Object.fromEntries(ADMIN_COMMANDS.map((command) => [command[0], command]));

/**
 * The drive card, drawn from `session` (an admin state). `sendFrame(frame)` sends over the
 * socket and returns false when it is not open; `onSignedOut` runs when the server no
 * longer honours the cookie.
 */
export function setUpDrive(session, { sendFrame, onSignedOut }) {
  const countdown = createCountdown($('countdown'), { format: (seconds) => `${seconds} s` });
  const histogram = createHistogram($('histogram'));
  let messageTimer = null;
  /** The run and question "Show answer" was pressed for; any other question is hidden. */
  let answerShownFor = null;
  const currentQuestion = () => `${session.runId}/${session.questionIdx}`;
  const answerShown = () => session.phase === 'review' || (session.phase === 'question' && answerShownFor === currentQuestion());

  function render() {
    const { phase } = session;
    const phaseBadge = $('phase');
    phaseBadge.dataset.phase = phase ?? '';
    phaseBadge.textContent = PHASE_LABELS[phase] ?? String(phase);
    $('question-position').textContent =
      session.questionIdx === null || session.questionIdx === undefined
        ? `${session.totalQuestions} questions`
        : `question ${session.questionIdx + 1} of ${session.totalQuestions}`;

    const isLast = session.questionIdx !== null && session.questionIdx + 1 >= session.totalQuestions;
    $('next-label').textContent =
      phase === 'lobby' ? 'Start' : phase === 'question' ? 'Close and review' : isLast ? 'Finish' : 'Next question';
    $('cmd-next').disabled = phase === 'ended';
    $('cmd-close').disabled = phase !== 'question';
    $('cmd-end').disabled = phase === 'ended';

    const text = $('question-text');
    if (session.question && (phase === 'question' || phase === 'review')) text.textContent = session.question.text;
    else if (phase === 'lobby') text.textContent = 'Waiting in the lobby. Press Start (N) when the class is in.';
    else if (phase === 'ended') text.textContent = 'The session has ended. Download the results below.';
    else text.textContent = '';

    const explanation = $('explanation');
    const showExplanation = phase === 'review' && session.explanation;
    explanation.hidden = !showExplanation;
    explanation.textContent = showExplanation ? session.explanation : '';

    renderProgress();
    if (phase === 'question' && session.deadlineAt !== null) countdown.run(session.deadlineAt);
    else countdown.stop(phase === 'review' ? 'closed' : '—');
  }

  function renderAnswered() {
    $('answered').textContent = `answered ${session.answered} / ${session.studentsCount}`;
  }

  /** The numbers that move while a question is open: answered and the histogram. */
  function renderProgress() {
    renderAnswered();
    const reveal = $('reveal-answer');
    reveal.hidden = session.phase !== 'question';
    reveal.setAttribute('aria-pressed', String(session.phase === 'question' && answerShown()));
    const { question, counts, phase } = session;
    if (question && counts && (phase === 'question' || phase === 'review')) {
      histogram.show({ choices: question.choices, counts, correct: answerShown() ? session.correct : null });
    } else {
      histogram.clear();
    }
  }

  function showMessage(text) {
    const box = $('command-message');
    box.textContent = text;
    box.hidden = !text;
    clearTimeout(messageTimer);
    if (text) messageTimer = setTimeout(() => (box.hidden = true), MESSAGE_MS);
  }

  function commandAllowed(type) {
    if (type === 'close') return session.phase === 'question';
    return session.phase !== 'ended';
  }

  async function sendCommand(type) {
    if (!commandAllowed(type)) {
      const reason = type === 'close' ? 'there is no open question to close' : 'the session has already ended';
      showMessage(`${type[0].toUpperCase()}${type.slice(1)} is not available: ${reason}.`);
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
