// The projector view: what the room sees, readable from the back row. It listens on the
// admin socket (it is opened from the instructor's browser) and shows one view per phase:
// lobby (QR, join URL, who joined), question (text, choices, countdown, answered count),
// review (histogram with the correct answer, explanation, top 10), ended (podium).
// Names and question text are always rendered as text.
import { $, LETTERS, el } from '/static/dom.js';
import { connectLive } from '/static/live-socket.js';

const RECENT_NAMES = 6;
const LEADERBOARD_SIZE = 10;



const screen = {
  phase: null,
  questionIdx: null,
  totalQuestions: 0,
  studentsCount: 0,
  names: [],
  question: null, // { text, choices }
  deadlineAt: null,
  answered: 0,
  counts: null,
  correct: null,
  explanation: null,
  students: [],
  leaderboard: null, // session_ended's top 10 { name, score, rank }
  poolTitle: '',
};
let countdownTimer = null;

/** Standings from the roster: highest score first, ties in join order; rank = 1 + strictly higher. */
function standings(students) {
  const sorted = [...students].sort((a, b) => b.score - a.score);
  let rank = 0;
  return sorted.map((student, index) => {
    if (index === 0 || sorted[index - 1].score !== student.score) rank = index + 1;
    return { name: student.name, score: student.score, rank };
  });
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
    const state = await response.json();
    screen.students = state.students;
    renderLeaderboard();
    if (screen.phase === 'ended' && !screen.leaderboard) renderPodium();
  } catch {
    // the next frame or reconnect snapshot brings it back
  }
}

function handleFrame(frame) {
  switch (frame.type) {
    case 'snapshot':
      screen.phase = frame.phase;
      screen.questionIdx = frame.question_idx;
      screen.totalQuestions = frame.total_questions;
      screen.studentsCount = frame.students_count;
      screen.students = frame.students ?? [];
      screen.names = screen.students.map((student) => student.name);
      screen.poolTitle = frame.pool?.title ?? '';
      screen.question = frame.question ? { text: frame.question.text, choices: frame.question.choices } : null;
      screen.deadlineAt = frame.phase === 'question' && frame.question ? performance.now() + frame.question.remaining_ms : null;
      screen.answered = frame.answered ?? 0;
      screen.counts = frame.counts ?? frame.question?.counts ?? null;
      screen.correct = frame.phase === 'review' ? (frame.question?.correct ?? null) : null;
      screen.explanation = frame.question?.explanation ?? null;
      screen.leaderboard = null;
      render();
      break;
    case 'lobby_update':
      screen.studentsCount = frame.students_count;
      if (Array.isArray(frame.names)) screen.names = frame.names;
      renderLobby();
      break;
    case 'question_open':
      screen.phase = 'question';
      screen.questionIdx = frame.question_idx;
      screen.question = { text: frame.text, choices: frame.choices };
      screen.deadlineAt = performance.now() + frame.remaining_ms;
      screen.answered = 0;
      screen.counts = null;
      screen.correct = null;
      screen.explanation = null;
      render();
      break;
    case 'answer_progress':
      if (frame.question_idx !== screen.questionIdx) break;
      screen.answered = frame.answered;
      screen.studentsCount = frame.students_count;
      renderAnswered();
      break;
    case 'question_closed':
      screen.phase = 'review';
      screen.questionIdx = frame.question_idx;
      screen.counts = frame.counts;
      screen.correct = frame.correct;
      screen.explanation = frame.explanation;
      screen.deadlineAt = null;
      render();
      refreshStandings();
      break;
    case 'session_ended':
      screen.phase = 'ended';
      screen.deadlineAt = null;
      screen.leaderboard = frame.leaderboard;
      render();
      break;
    default:
      break;
  }
}

function render() {
  const phase = screen.phase;
  document.body.dataset.phase = phase ?? 'loading';
  for (const name of ['lobby', 'question', 'review', 'ended']) $(`view-${name}`).hidden = phase !== name;
  clearInterval(countdownTimer);
  if (phase === 'lobby') renderLobby();
  else if (phase === 'question') {
    renderQuestion();
    countdownTimer = setInterval(renderCountdown, 200);
  } else if (phase === 'review') renderReview();
  else if (phase === 'ended') renderPodium();
}

function position() {
  return screen.questionIdx === null ? '' : `Question ${screen.questionIdx + 1} of ${screen.totalQuestions}`;
}

function renderLobby() {
  $('lobby-title').textContent = screen.poolTitle || 'Live quiz';
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
      el('li', { className: 'choice', attrs: { 'data-letter': LETTERS[i] } }, [
        el('span', { className: 'choice-letter', text: LETTERS[i] }),
        el('span', { className: 'choice-text', text: choice }),
      ]),
    ),
  );
  renderCountdown();
  renderAnswered();
}

function renderCountdown() {
  const node = $('screen-countdown');
  if (screen.deadlineAt === null) {
    node.textContent = '';
    return;
  }
  const seconds = Math.max(0, Math.ceil((screen.deadlineAt - performance.now()) / 1000));
  node.textContent = String(seconds);
  node.classList.toggle('urgent', seconds <= 5);
}

function renderAnswered() {
  $('screen-answered').textContent = `${screen.answered} answered`;
}

function renderReview() {
  $('review-position').textContent = position();
  $('review-question').textContent = screen.question?.text ?? '';
  const choices = screen.question?.choices ?? [];
  const counts = screen.counts ?? {};
  const max = Math.max(1, ...choices.map((_, i) => counts[LETTERS[i]] ?? 0));
  $('screen-histogram').replaceChildren(
    ...choices.map((choice, i) => {
      const letter = LETTERS[i];
      const count = counts[letter] ?? 0;
      const correct = letter === screen.correct;
      const fill = el('span', { className: 'bar-fill' });
      fill.style.width = `${(count / max) * 100}%`;
      return el(
        'div',
        {
          className: `bar${correct ? ' correct' : ''}`,
          attrs: { 'data-letter': letter, 'data-count': count, ...(correct ? { 'data-correct': 'true' } : {}) },
        },
        [
          el('span', { className: 'bar-letter', text: letter }),
          el('span', { className: 'bar-body' }, [
            el('span', { className: 'bar-choice', text: correct ? `✓ ${choice}` : choice }),
            el('span', { className: 'bar-track' }, [fill]),
          ]),
          el('span', { className: 'bar-count', text: count }),
        ],
      );
    }),
  );
  const explanation = $('screen-explanation');
  explanation.textContent = screen.explanation ?? '';
  explanation.hidden = !screen.explanation;
  renderLeaderboard();
}

function renderLeaderboard() {
  const top = standings(screen.students).slice(0, LEADERBOARD_SIZE);
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
  const board = screen.leaderboard ?? standings(screen.students).slice(0, LEADERBOARD_SIZE);
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
connectLive('/admin/ws', {
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
