// The projector view: what the room sees, readable from the back row. It listens on the
// admin socket (it is opened from the instructor's browser) and shows one view per phase:
// lobby (QR, join URL, who joined), question (text, choices, countdown, answered count),
// review (histogram with the correct answer, explanation, top 10), ended (podium).
// Names and question text are always rendered as text.
import { CHOICE_LETTERS, LEADERBOARD_SIZE, SOCKET_PATHS } from '/static/protocol.js';
import { applyAdminFrame, applyRoster, createAdminState, studentsByRank } from '/static/shared/admin-state.js';
import { createCountdown } from '/static/shared/countdown.js';
import { $, el } from '/static/shared/dom.js';
import { createHistogram } from '/static/shared/histogram.js';
import { connectLive } from '/static/shared/live-socket.js';

const RECENT_NAMES = 6;

const screen = createAdminState();
const countdown = createCountdown($('screen-countdown'));
const histogram = createHistogram($('screen-histogram'), { fill: 'largest' });

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
    if (screen.phase === 'ended' && !screen.leaderboard) renderPodium();
  } catch {
    // the next frame or reconnect snapshot brings it back
  }
}

function handleFrame(frame) {
  if (!applyAdminFrame(screen, frame)) return;
  switch (frame.type) {
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

function renderQuestion() {
  $('question-position').textContent = position();
  $('screen-question').textContent = screen.question?.text ?? '';
  $('screen-choices').replaceChildren(
    ...(screen.question?.choices ?? []).map((choice, i) =>
      el('li', { className: 'choice', attrs: { 'data-letter': CHOICE_LETTERS[i] } }, [
        el('span', { className: 'choice-letter', text: CHOICE_LETTERS[i] }),
        el('span', { className: 'choice-text', text: choice }),
      ]),
    ),
  );
  renderAnswered();
}

function renderAnswered() {
  $('screen-answered').textContent = `${screen.answered} answered`;
}

function renderReview() {
  $('review-position').textContent = position();
  $('review-question').textContent = screen.question?.text ?? '';
  histogram.show({ choices: screen.question?.choices ?? [], counts: screen.counts, correct: screen.correct });
  const explanation = $('screen-explanation');
  explanation.textContent = screen.explanation ?? '';
  explanation.hidden = !screen.explanation;
  renderLeaderboard();
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
