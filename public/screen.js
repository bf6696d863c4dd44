// The projector view: what the room sees, readable from the back row. It listens on the
// admin socket (it is opened from the instructor's browser) and shows one view per phase:
// lobby (QR, join URL, who joined), question (type, text, image, choices, countdown,
// answered count), review (the answer key, histogram with the right bars marked — none for
// a poll —, explanation, top 10; after a revote's round 2, both rounds side by side and
// the shift in percent correct instead of the unchanged top 10), ended (podium).
// The back channel: an ask the instructor puts on the projector shows in large type (text
// only, never who asked), and the live pulse bars when the pulse and "pulse on projector"
// are on.
// Names are rendered as text; question text, choices and explanations as Markdown with
// code and maths (shared/markdown.js, sanitised).
import { CHOICE_LETTERS, LEADERBOARD_SIZE, SOCKET_PATHS } from '/static/protocol.js';
import { applyAdminFrame, applyRoster, createAdminState, respondentsOf, studentsByRank, toleranceOf } from '/static/shared/admin-state.js';
import { createCountdown } from '/static/shared/countdown.js';
import { $, el } from '/static/shared/dom.js';
import { createJoinCodeDisplay } from '/static/shared/join-code-display.js';
import { createHistogram } from '/static/shared/histogram.js';
import { connectLive } from '/static/shared/live-socket.js';
import { showImageIn } from '/static/shared/question-image.js';
import { showMarkdown } from '/static/shared/question-markdown.js';
import { answerKeyText, TYPE_LABELS } from '/static/shared/question-types.js';
import { showShift } from '/static/shared/revote-shift.js';
import { applyBackChannelFrame, applyBackChannelSnapshot, createBackChannelState } from '/static/shared/back-channel-state.js';
import { renderPulseBars } from '/static/shared/pulse-bars.js';

const RECENT_NAMES = 6;

const screen = createAdminState();
const backChannel = createBackChannelState();
const countdown = createCountdown($('screen-countdown'));
const histogram = createHistogram($('screen-histogram'), { fill: 'largest' });
const firstRound = createHistogram($('screen-histogram-first'), { fill: 'largest' });
const joinCode = createJoinCodeDisplay($('screen-join-code-box'), $('screen-join-code'), $('screen-join-code-countdown'));
/** The comparison whose shift is shown (or being fetched), so it is read once. */

/** The top of the class by the server's rank: the leaderboard, or the podium before session_ended. */
function topStudents() {
  return studentsByRank(screen.students).slice(0, LEADERBOARD_SIZE);
}

async function loadJoinUrl() {
  const fallback = `${location.origin}/`;
  try {
    const response = await fetch('/qr.svg', { cache: 'no-store' });
    $('screen-join-url').textContent = response.headers.get('x-join-url') || fallback;
  } catch {
    $('screen-join-url').textContent = fallback;
  }
}

async function refreshStandings() {
  try {
    const response = await fetch('/admin/api/state', { headers: { accept: 'application/json' } });
    if (!response.ok) return;
    applyRoster(screen, await response.json());
    renderLeaderboard();
    if (screen.phase === 'review') renderHistograms(); // how many answered a multiple question
    if (screen.phase === 'ended' && !screen.leaderboard) renderPodium();
  } catch {
    // the next frame or reconnect snapshot brings it back
  }
}

function handleFrame(frame) {
  if (frame.type === 'snapshot') applyBackChannelSnapshot(backChannel, frame);
  if (applyBackChannelFrame(backChannel, frame)) return renderBackChannel();
  if (!applyAdminFrame(screen, frame)) return;
  switch (frame.type) {
    case 'snapshot':
      joinCode.show(screen.joinCode);
      render();
      break;
    case 'settings':
      // The join code was turned on or off: ask for the code (null when off).
      if (screen.settings?.join_code) joinCode.refresh();
      else joinCode.show(null);
      render();
      break;
    case 'lobby_update':
      renderLobby();
      break;
    case 'answer_progress':
      renderAnswered();
      break;
    case 'question_closed':
      render();
      refreshStandings();
      break;
    default:
      render();
      break;
  }
}

function render() {
  const phase = screen.phase;
  document.body.dataset.phase = phase ?? 'loading';
  for (const name of ['lobby', 'question', 'review', 'ended']) $(`view-${name}`).hidden = phase !== name;
  if (phase === 'question' && screen.deadlineAt !== null) countdown.run(screen.deadlineAt);
  else countdown.stop('');
  if (phase === 'lobby') renderLobby();
  else if (phase === 'question') renderQuestion();
  else if (phase === 'review') renderReview();
  else if (phase === 'ended') renderPodium();
  renderBackChannel();
}

function renderBackChannel() {
  const shown = backChannel.shownAsk;
  $('screen-ask').hidden = !shown;
  $('screen-ask-text').textContent = shown ? shown.text : '';
  $('screen-ask-votes').textContent = shown ? `${shown.votes} ${shown.votes === 1 ? 'vote' : 'votes'}` : '';
  const pulseShown = Boolean(screen.settings?.pulse && screen.settings?.pulse_on_screen);
  $('screen-pulse').hidden = !pulseShown;
  if (pulseShown) renderPulseBars($('screen-pulse-bars'), backChannel.pulse);
}

function position() {
  return screen.questionIdx === null ? '' : `Question ${screen.questionIdx + 1} of ${screen.totalQuestions}`;
}

function renderLobby() {
  $('lobby-title').textContent = screen.pool?.title || 'Live quiz';
  $('screen-joined').textContent = String(screen.studentsCount);
  $('joined-word').textContent = screen.studentsCount === 1 ? 'student joined' : 'students joined';
  const recent = screen.names.slice(-RECENT_NAMES).reverse();
  $('screen-recent-names').replaceChildren(...recent.map((name) => el('li', { text: name })));
}

const typeOf = () => screen.question?.type ?? 'single';

/** The kicker's type and round: " · Select all that apply", "Round 2". */
function renderTypeAndRound(typeNode, roundNode) {
  typeNode.textContent = screen.question ? ` · ${TYPE_LABELS[typeOf()] ?? typeOf()}` : '';
  roundNode.hidden = screen.question?.round !== 2;
  document.body.dataset.round = String(screen.question?.round ?? 1);
  document.body.dataset.type = typeOf();
}

/** The question's image (if any) with its alt text. */
function imageOf() {
  const src = screen.question?.image ?? null;
  document.body.dataset.image = src ? 'true' : 'false';
  return { src, alt: src ? screen.question.imageAlt || `Image for question ${screen.questionIdx + 1}` : '' };
}

function renderQuestion() {
  $('question-position').textContent = position();
  renderTypeAndRound($('screen-type'), $('screen-round'));
  showMarkdown($('screen-question'), screen.question?.text ?? '');
  const { src, alt } = imageOf();
  showImageIn($('screen-image-box'), src, alt, { testId: 'screen-image' });
  $('screen-figure').hidden = !src;
  $('screen-image-caption').textContent = src ? (screen.question.imageAlt ?? '') : '';
  $('screen-numeric-hint').hidden = typeOf() !== 'numeric';
  $('screen-choices').replaceChildren(
    ...(screen.question?.choices ?? []).map((choice, i) =>
      el('li', { className: 'choice', attrs: { 'data-letter': CHOICE_LETTERS[i] } }, [
        el('span', { className: 'choice-letter', text: CHOICE_LETTERS[i] }),
        choiceText(choice),
      ]),
    ),
  );
  renderAnswered();
}

function choiceText(choice) {
  const text = el('span', { className: 'choice-text' });
  showMarkdown(text, choice, { inline: true });
  return text;
}

function renderAnswered() {
  $('screen-answered').textContent = `${screen.answered} answered`;
}

function renderReview() {
  $('review-position').textContent = position();
  renderTypeAndRound($('review-type'), $('review-round'));
  showMarkdown($('review-question'), screen.question?.text ?? '');
  const { src, alt } = imageOf();
  showImageIn($('review-image-box'), src, alt, { className: 'review-thumb', testId: 'screen-review-image' });
  renderAnswerLine();
  renderHistograms();
  renderShift();
  const explanation = $('screen-explanation');
  showMarkdown(explanation, screen.explanation ?? '');
  explanation.hidden = !screen.explanation;
  renderLeaderboard();
}

/** "Answer: B", "Answers: A, C", "Answer: 10 ± 0.5 · 3 of 4 within tolerance", or for a poll its note. */
function renderAnswerLine() {
  const line = $('screen-answer');
  const type = typeOf();
  const key = answerKeyText(type, screen.correct, toleranceOf(screen));
  let text = type === 'poll' ? 'Poll · no right answer' : key ? `${type === 'multiple' ? 'Answers' : 'Answer'}: ${key}` : '';
  if (type === 'numeric' && screen.counts) {
    const right = screen.counts.correct ?? 0;
    text += ` · ${right} of ${right + (screen.counts.incorrect ?? 0)} within tolerance`;
  }
  line.textContent = text;
  line.hidden = !text;
}

function renderHistograms() {
  const type = typeOf();
  const choices = screen.question?.choices ?? [];
  const respondents = type === 'multiple' ? screen.answered : respondentsOf(type, screen.counts);
  const both = Boolean(screen.firstRoundCounts);
  $('screen-first-round').hidden = !both;
  $('screen-histogram-title').hidden = !both;
  $('screen-rounds').classList.toggle('side-by-side', both);
  if (!both) {
    firstRound.clear();
    histogram.show({ type, choices, counts: screen.counts, correct: screen.correct, respondents });
    return;
  }
  // One scale for both rounds: a full bar is the largest count of either.
  const scaleMax = Math.max(1, ...Object.values(screen.counts ?? {}), ...Object.values(screen.firstRoundCounts));
  const firstRespondents = respondentsOf(type, screen.firstRoundCounts);
  firstRound.show({ type, choices, counts: screen.firstRoundCounts, correct: screen.correct, respondents: firstRespondents, scaleMax });
  histogram.show({ type, choices, counts: screen.counts, correct: screen.correct, respondents, scaleMax });
}

/** After round 2: "Correct: 25 % → 75 % (+50 points)"; a poll shows only its two distributions. */
function renderShift() {
  showShift($('screen-shift'), screen);
}

function renderLeaderboard() {
  const top = topStudents();
  $('screen-leaderboard').replaceChildren(
    ...top.map((entry) =>
      el('li', { attrs: { 'data-rank': entry.rank } }, [
        el('span', { className: 'lb-rank', text: entry.rank }),
        el('span', { className: 'lb-name', text: entry.name }),
        el('span', { className: 'lb-score', text: entry.score }),
      ]),
    ),
  );
}

function renderPodium() {
  const board = screen.leaderboard ?? topStudents();
  const top = board.slice(0, 3);
  // Classic podium order: second, first, third.
  const order = [top[1], top[0], top[2]].filter(Boolean);
  $('screen-podium').replaceChildren(
    ...order.map((entry) => {
      const place = top.indexOf(entry) + 1;
      return el('div', { className: `step step-${place}`, attrs: { 'data-rank': entry.rank } }, [
        el('span', { className: 'step-name', text: entry.name }),
        el('span', { className: 'step-score', text: `${entry.score} pts` }),
        el('span', { className: 'step-block' }, [el('span', { className: 'step-rank', text: entry.rank })]),
      ]);
    }),
  );
  const rest = board.slice(3);
  $('ended-note').textContent = top.length === 0
    ? 'No one joined this session.'
    : rest.map((entry) => `${entry.rank}. ${entry.name} (${entry.score})`).join('   ·   ');
}

loadJoinUrl();
connectLive(SOCKET_PATHS.ADMIN, {
  onFrame: handleFrame,
  onStatus(status) {
    const badge = $('screen-status');
    badge.dataset.status = status;
    badge.textContent = status === 'online' ? '' : status === 'connecting' ? 'connecting…' : 'offline — reconnecting';
  },
  onRevoked() {
    const badge = $('screen-status');
    badge.dataset.status = 'offline';
    badge.textContent = 'Signed out — open the screen again from the instructor console.';
  },
});
