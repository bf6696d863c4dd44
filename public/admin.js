// The instructor console: sign in, load a pool, drive the session (buttons and N/C/E),
// watch answers arrive, manage the roster, and take the results home.
//
// State comes from the admin socket (`snapshot` replaces everything, the other frames
// patch it). The roster is the one part that can be large (2,000 students): it is
// refreshed from GET /admin/api/state at most every ROSTER_REFRESH_MS and rendered as a
// summary plus at most ROSTER_ROWS_MAX rows matching the search — never the whole class.
// Everything a student or a pool author typed is rendered with textContent.
import { $, LETTERS, el } from '/static/dom.js';
import { connectLive } from '/static/live-socket.js';

const ROSTER_REFRESH_MS = 2000;
const ROSTER_POLL_MS = 5000;
const ROSTER_ROWS_MAX = 100;
const COUNTDOWN_TICK_MS = 200;



// ---- measurement hooks (bench/console-dom.ts reads these) ----------------------------
const metrics = { lobby_update: [], answer_progress: [], roster_render: [], roster_refresh: [], snapshot: [] };
window.__consoleMetrics = metrics;
function measured(kind, fn) {
  const started = performance.now();
  try {
    return fn();
  } finally {
    const list = metrics[kind];
    list.push(performance.now() - started);
    if (list.length > 5000) list.shift();
  }
}

// ---- state ---------------------------------------------------------------------------
const session = {
  phase: null,
  questionIdx: null,
  totalQuestions: 0,
  studentsCount: 0,
  answered: 0,
  question: null, // { text, choices, correct, explanation, time_limit_ms }
  counts: null,
  deadlineAt: null, // performance.now() time the question closes
  runId: 1,
  pool: null,
  students: [],
  leaderboard: null,
};
let socket = null;
let countdownTimer = null;
let rosterPollTimer = null;

// ---- views ---------------------------------------------------------------------------
function showView(name) {
  $('loading').hidden = name !== 'loading';
  $('login-view').hidden = name !== 'login';
  $('console-view').hidden = name !== 'console';
  $('topbar-actions').hidden = name !== 'console';
  if (name === 'login') $('password').focus();
}

async function boot() {
  let response;
  try {
    response = await fetch('/admin/api/state', { headers: { accept: 'application/json' } });
  } catch {
    showView('login');
    showLoginError('The server cannot be reached. Check the connection and reload.');
    return;
  }
  if (response.status === 401) {
    showView('login');
    return;
  }
  applySnapshot(await response.json());
  showView('console');
  startLive();
}

// ---- login / logout ------------------------------------------------------------------
let loginWaitTimer = null;
function showLoginError(text) {
  const box = $('login-error');
  box.textContent = text;
  box.hidden = !text;
}

function startLoginWait(seconds) {
  clearInterval(loginWaitTimer);
  let left = seconds;
  const submit = $('login-submit');
  const render = () => {
    if (left <= 0) {
      clearInterval(loginWaitTimer);
      submit.disabled = false;
      showLoginError('You can try again now.');
      return;
    }
    submit.disabled = true;
    showLoginError(`Too many attempts — try again in ${left} s`);
  };
  render();
  loginWaitTimer = setInterval(() => {
    left -= 1;
    render();
  }, 1000);
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = $('password').value;
  if (!password) {
    showLoginError('Enter the instructor password.');
    return;
  }
  $('login-submit').disabled = true;
  let response;
  try {
    response = await fetch('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
    });
  } catch {
    $('login-submit').disabled = false;
    showLoginError('The server cannot be reached. Try again in a moment.');
    return;
  }
  $('login-submit').disabled = false;
  if (response.ok) {
    $('password').value = '';
    showLoginError('');
    await boot();
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after')) || Number(body.retry_after_s) || 60;
    startLoginWait(Math.ceil(seconds));
  } else if (response.status === 401) {
    showLoginError('Wrong password.');
    $('password').select();
  } else {
    showLoginError(body.message || `Sign-in failed (HTTP ${response.status}).`);
  }
});

$('logout').addEventListener('click', async () => {
  await fetch('/admin/logout', { method: 'POST' }).catch(() => {});
  signedOut();
});

function signedOut() {
  socket?.stop();
  socket = null;
  clearInterval(rosterPollTimer);
  clearInterval(countdownTimer);
  showView('login');
}

// ---- the live socket -----------------------------------------------------------------
function startLive() {
  socket?.stop();
  socket = connectLive('/admin/ws', {
    onFrame: handleFrame,
    onStatus(status) {
      const badge = $('connection');
      badge.dataset.status = status;
      badge.textContent = { online: 'live', connecting: 'connecting…', offline: 'offline — reconnecting' }[status];
    },
    onRevoked() {
      signedOut();
      showLoginError('Your instructor session ended. Sign in again.');
    },
  });
  clearInterval(rosterPollTimer);
  // Connected/disconnected is not pushed; a calm poll keeps the dots honest.
  rosterPollTimer = setInterval(() => {
    if (document.visibilityState === 'visible') requestRosterRefresh();
  }, ROSTER_POLL_MS);
}

function handleFrame(frame) {
  switch (frame.type) {
    case 'snapshot':
      measured('snapshot', () => applySnapshot(frame));
      break;
    case 'lobby_update':
      measured('lobby_update', () => {
        session.studentsCount = frame.students_count;
        renderCounts();
        renderRosterSummary();
      });
      requestRosterRefresh();
      break;
    case 'question_open':
      session.phase = 'question';
      session.questionIdx = frame.question_idx;
      session.question = {
        text: frame.text,
        choices: frame.choices,
        time_limit_ms: frame.time_limit_ms,
        correct: session.pool?.questions[frame.question_idx]?.answer ?? null,
        explanation: null,
      };
      session.counts = Object.fromEntries(frame.choices.map((_, i) => [LETTERS[i], 0]));
      session.answered = 0;
      session.deadlineAt = performance.now() + frame.remaining_ms;
      session.leaderboard = null;
      renderAll();
      break;
    case 'answer_progress':
      if (frame.question_idx !== session.questionIdx) break;
      measured('answer_progress', () => {
        session.answered = frame.answered;
        session.studentsCount = frame.students_count;
        session.counts = frame.counts;
        renderCounts();
        renderHistogram();
      });
      break;
    case 'question_closed':
      session.phase = 'review';
      session.questionIdx = frame.question_idx;
      session.counts = frame.counts;
      session.answered = Object.values(frame.counts).reduce((sum, n) => sum + n, 0);
      if (session.question) {
        session.question.correct = frame.correct;
        session.question.explanation = frame.explanation;
      }
      session.deadlineAt = null;
      renderAll();
      requestRosterRefresh();
      break;
    case 'session_ended':
      session.phase = 'ended';
      session.deadlineAt = null;
      session.leaderboard = frame.leaderboard;
      renderAll();
      requestRosterRefresh();
      break;
    case 'error':
      showCommandMessage(frame.message || frame.code);
      break;
    default:
      break;
  }
}

function applySnapshot(snapshot) {
  session.phase = snapshot.phase;
  session.questionIdx = snapshot.question_idx;
  session.totalQuestions = snapshot.total_questions;
  session.studentsCount = snapshot.students_count;
  session.answered = snapshot.answered ?? 0;
  session.counts = snapshot.counts ?? snapshot.question?.counts ?? null;
  session.question = snapshot.question
    ? {
        text: snapshot.question.text,
        choices: snapshot.question.choices,
        time_limit_ms: snapshot.question.time_limit_ms,
        correct: snapshot.question.correct ?? null,
        explanation: snapshot.question.explanation ?? null,
      }
    : null;
  session.deadlineAt = snapshot.phase === 'question' && snapshot.question
    ? performance.now() + snapshot.question.remaining_ms
    : null;
  session.runId = snapshot.run_id;
  if (session.pool !== snapshot.pool) {
    session.pool = snapshot.pool;
    renderPoolPreview();
  }
  session.totalQuestions = snapshot.pool?.questions.length ?? snapshot.total_questions;
  session.students = snapshot.students ?? [];
  lastRosterRefresh = performance.now();
  renderRunChoices();
  renderAll();
  renderRoster();
}

// ---- driving -------------------------------------------------------------------------
const PHASE_LABELS = { lobby: 'lobby', question: 'question open', review: 'review', ended: 'ended' };

function renderAll() {
  const { phase } = session;
  const phaseBadge = $('phase');
  phaseBadge.dataset.phase = phase ?? '';
  phaseBadge.textContent = PHASE_LABELS[phase] ?? String(phase);
  const position = session.questionIdx === null || session.questionIdx === undefined
    ? `${session.totalQuestions} questions`
    : `question ${session.questionIdx + 1} of ${session.totalQuestions}`;
  $('question-position').textContent = position;

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
  const showExplanation = phase === 'review' && session.question?.explanation;
  explanation.hidden = !showExplanation;
  explanation.textContent = showExplanation ? session.question.explanation : '';

  renderCounts();
  renderHistogram(true);
  renderCountdown();
  clearInterval(countdownTimer);
  if (phase === 'question') countdownTimer = setInterval(renderCountdown, COUNTDOWN_TICK_MS);
}

function renderCounts() {
  $('answered').textContent = `answered ${session.answered} / ${session.studentsCount}`;
}

function renderCountdown() {
  const node = $('countdown');
  if (session.phase !== 'question' || session.deadlineAt === null) {
    node.textContent = session.phase === 'review' ? 'closed' : '—';
    node.classList.remove('urgent');
    return;
  }
  const seconds = Math.max(0, Math.ceil((session.deadlineAt - performance.now()) / 1000));
  node.textContent = `${seconds} s`;
  node.classList.toggle('urgent', seconds <= 5);
}

let histogramKey = '';
function renderHistogram(rebuild = false) {
  const box = $('histogram');
  const question = session.question;
  if (!question || !session.counts || (session.phase !== 'question' && session.phase !== 'review')) {
    box.replaceChildren();
    histogramKey = '';
    return;
  }
  const key = `${session.questionIdx}|${question.choices.length}|${question.correct}|${session.phase}`;
  if (rebuild || key !== histogramKey) {
    histogramKey = key;
    box.replaceChildren(
      ...question.choices.map((choice, i) => {
        const letter = LETTERS[i];
        const correct = question.correct === letter;
        return el('div', { className: `bar${correct ? ' correct' : ''}`, attrs: { 'data-letter': letter, 'data-count': 0 } }, [
          el('span', { className: 'bar-letter', text: letter }),
          el('span', { className: 'bar-choice', text: choice }),
          el('span', { className: 'bar-track' }, [el('span', { className: 'bar-fill' })]),
          el('span', { className: 'bar-count', text: '0' }),
          correct ? el('span', { className: 'bar-correct-mark', text: '✓ correct' }) : el('span', { className: 'bar-percent' }),
        ]);
      }),
    );
  }
  const total = Math.max(1, Object.values(session.counts).reduce((sum, n) => sum + n, 0));
  for (const bar of box.children) {
    const count = session.counts[bar.dataset.letter] ?? 0;
    if (bar.dataset.count !== String(count) || rebuild) {
      bar.dataset.count = String(count);
      bar.querySelector('.bar-count').textContent = String(count);
    }
    const percent = (count / total) * 100;
    bar.querySelector('.bar-fill').style.width = `${percent}%`;
    const percentLabel = bar.querySelector('.bar-percent');
    if (percentLabel) percentLabel.textContent = `${Math.round(percent)}%`;
  }
}

function commandAllowed(type) {
  if (type === 'close') return session.phase === 'question';
  return session.phase !== 'ended';
}

let messageTimer = null;
function showCommandMessage(text) {
  const box = $('command-message');
  box.textContent = text;
  box.hidden = !text;
  clearTimeout(messageTimer);
  if (text) messageTimer = setTimeout(() => (box.hidden = true), 6000);
}

async function sendCommand(type) {
  if (!commandAllowed(type)) {
    const reason = type === 'close' ? 'there is no open question to close' : 'the session has already ended';
    showCommandMessage(`${type[0].toUpperCase()}${type.slice(1)} is not available: ${reason}.`);
    return;
  }
  if (type === 'end' && !confirm('End the session now? Students see their final rank.')) return;
  showCommandMessage('');
  if (socket?.send({ type })) return;
  // The socket is reconnecting: the same command over HTTP.
  const response = await fetch(`/admin/api/${type}`, { method: 'POST' }).catch(() => null);
  if (!response) showCommandMessage('The server cannot be reached; try again in a moment.');
  else if (response.status === 401) signedOut();
  else if (!response.ok) showCommandMessage((await response.json().catch(() => ({}))).message ?? `HTTP ${response.status}`);
}

$('cmd-next').addEventListener('click', () => sendCommand('next'));
$('cmd-close').addEventListener('click', () => sendCommand('close'));
$('cmd-end').addEventListener('click', () => sendCommand('end'));

document.addEventListener('keydown', (event) => {
  if ($('console-view').hidden || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || target.closest('input, textarea, select'))) return;
  const command = { n: 'next', c: 'close', e: 'end' }[event.key.toLowerCase()];
  if (!command) return;
  event.preventDefault();
  sendCommand(command);
});

$('open-screen').addEventListener('click', () => {
  window.open('/screen', 'quiz-screen');
});

// ---- roster --------------------------------------------------------------------------
let lastRosterRefresh = 0;
let rosterRefreshTimer = null;
let rosterInFlight = false;

/** Fetches the roster at most once every ROSTER_REFRESH_MS, however often it is asked. */
function requestRosterRefresh() {
  if (rosterRefreshTimer) return;
  const wait = Math.max(0, lastRosterRefresh + ROSTER_REFRESH_MS - performance.now());
  rosterRefreshTimer = setTimeout(runRosterRefresh, wait);
}

async function runRosterRefresh() {
  clearTimeout(rosterRefreshTimer);
  rosterRefreshTimer = null;
  if (rosterInFlight) return requestRosterRefresh();
  rosterInFlight = true;
  lastRosterRefresh = performance.now();
  try {
    const response = await fetch('/admin/api/state', { headers: { accept: 'application/json' } });
    if (response.status === 401) return signedOut();
    if (!response.ok) return;
    const parseStarted = performance.now();
    const state = await response.json();
    session.students = state.students;
    session.studentsCount = state.students_count;
    if (state.run_id !== session.runId) {
      session.runId = state.run_id;
      renderRunChoices();
    }
    renderCounts();
    renderRoster();
    metrics.roster_refresh.push(performance.now() - parseStarted); // JSON parse + render
  } catch {
    // offline: the socket's status badge says so; the next poll retries
  } finally {
    rosterInFlight = false;
  }
}

function renderRosterSummary() {
  const students = session.students;
  const connected = students.reduce((n, s) => n + (s.connected ? 1 : 0), 0);
  const count = Math.max(session.studentsCount, students.length);
  $('roster-summary').textContent = `${count} joined · ${connected} connected`;
}

function renderRoster() {
  measured('roster_render', () => {
    renderRosterSummary();
    const query = $('roster-search').value.trim().toLowerCase();
    const matches = [];
    let matchCount = 0;
    // Highest score first; ties keep join order (Array.prototype.sort is stable).
    const ordered = session.phase === 'lobby' ? session.students : [...session.students].sort((a, b) => b.score - a.score);
    for (const student of ordered) {
      if (query && !student.name.toLowerCase().includes(query) && !student.student_id.toLowerCase().includes(query)) continue;
      matchCount += 1;
      if (matches.length < ROSTER_ROWS_MAX) matches.push(student);
    }
    $('roster').replaceChildren(...matches.map(rosterRow));
    const more = $('roster-more');
    more.hidden = matchCount <= matches.length && matchCount > 0;
    if (matchCount === 0) more.textContent = query ? 'No student matches this search.' : 'No students yet.';
    else more.textContent = `Showing ${matches.length} of ${matchCount}${query ? ' matches' : ''} — type in the search box to narrow.`;
  });
}

function rosterRow(student) {
  const status = student.released ? 'released' : student.connected ? 'online' : 'offline';
  const release = el('button', {
    text: 'Release',
    className: 'quiet small',
    attrs: { type: 'button', 'data-release': student.student_id, title: 'Free this id so it can join from another device' },
  });
  release.disabled = student.released;
  return el('li', { className: 'roster-row', attrs: { 'data-student-id': student.student_id, 'data-status': status } }, [
    el('span', { className: 'dot', attrs: { 'aria-label': status, title: status } }),
    el('span', { className: 'roster-name', text: student.name }),
    el('span', { className: 'roster-id muted', text: student.student_id }),
    el('span', { className: 'roster-score', text: student.score }),
    release,
  ]);
}

let searchTimer = null;
$('roster-search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(renderRoster, 120);
});
$('roster-refresh').addEventListener('click', () => runRosterRefresh());

$('roster').addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-release]');
  if (!button) return;
  const studentId = button.dataset.release;
  const student = session.students.find((s) => s.student_id === studentId);
  const label = student ? `${student.name} (${studentId})` : studentId;
  if (!confirm(`Release ${label}? Their device is signed out; their answers and score stay, and the id can join again.`)) return;
  const response = await fetch(`/admin/api/students/${encodeURIComponent(studentId)}/release`, { method: 'POST' }).catch(() => null);
  if (!response?.ok) {
    showCommandMessage(`Could not release ${label}: ${(await response?.json().catch(() => null))?.message ?? 'no connection'}.`);
  }
  runRosterRefresh();
});

// ---- pool ----------------------------------------------------------------------------
function showPoolMessage(text, kind = 'info') {
  const box = $('pool-message');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
}

async function uploadPoolFile(file) {
  const errors = $('pool-errors');
  errors.replaceChildren();
  errors.hidden = true;
  if (!file) return;
  showPoolMessage(`Checking ${file.name}…`);
  const text = await file.text();
  const response = await fetch('/admin/api/pool', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  }).catch(() => null);
  $('pool-file').value = '';
  if (!response) return showPoolMessage('The server cannot be reached; nothing was changed.', 'error');
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    showPoolMessage(`Loaded “${body.title}” — ${body.questions} questions.`, 'ok');
    const state = await fetch('/admin/api/state').then((r) => (r.ok ? r.json() : null)).catch(() => null);
    if (state) applySnapshot(state);
    return;
  }
  if (response.status === 400 && Array.isArray(body.details)) {
    const count = body.details.length;
    showPoolMessage(`${file.name} was refused (${count} problem${count === 1 ? '' : 's'}); nothing was changed.`, 'error');
    errors.replaceChildren(
      ...body.details.map((detail) =>
        el('li', {}, [el('code', { text: detail.path || '/' }), document.createTextNode(` — ${detail.message}`)]),
      ),
    );
    errors.hidden = false;
  } else if (response.status === 409) {
    showPoolMessage(
      `A pool can only be loaded in the lobby or after the session has ended (now: ${PHASE_LABELS[session.phase] ?? session.phase}). End the session first, then load it; it plays from the next reset.`,
      'error',
    );
  } else if (response.status === 401) {
    signedOut();
  } else {
    showPoolMessage(body.message || `Upload failed (HTTP ${response.status}).`, 'error');
  }
}

$('pool-file').addEventListener('change', (event) => uploadPoolFile(event.target.files?.[0]));
const drop = $('pool-drop');
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('dragging');
});
drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('dragging');
  uploadPoolFile(event.dataTransfer?.files?.[0]);
});

function renderPoolPreview() {
  const box = $('pool-preview');
  const pool = session.pool;
  if (!pool) {
    box.replaceChildren(el('p', { className: 'muted', text: 'No pool loaded.' }));
    return;
  }
  const list = el(
    'ol',
    { className: 'preview-questions' },
    pool.questions.map((question) =>
      el('li', {}, [
        el('p', { className: 'preview-text', text: question.text }),
        el(
          'ul',
          { className: 'preview-choices' },
          question.choices.map((choice, i) =>
            el('li', { className: LETTERS[i] === question.answer ? 'correct' : '', attrs: { 'data-letter': LETTERS[i] } }, [
              el('b', { text: `${LETTERS[i]}. ` }),
              document.createTextNode(choice),
              LETTERS[i] === question.answer ? el('span', { className: 'answer-tag', text: ' ✓ answer' }) : null,
            ]),
          ),
        ),
        el('p', {
          className: 'muted small-text',
          text: `${question.time_limit_s ?? 20} s${question.explanation ? ` · ${question.explanation}` : ''}`,
        }),
      ]),
    ),
  );
  box.replaceChildren(el('h3', { text: `${pool.title} · ${pool.questions.length} questions` }), list);
}

// ---- after class ---------------------------------------------------------------------
// The results link follows the current run unless the instructor picked an older one.
let pinnedRun = null;

function renderRunChoices() {
  const select = $('results-run');
  const current = pinnedRun ?? session.runId;
  const options = [];
  for (let run = session.runId; run >= 1; run -= 1) {
    options.push(el('option', { text: run === session.runId ? `${run} (current)` : String(run), attrs: { value: run } }));
  }
  select.replaceChildren(...options);
  select.value = String(Math.min(current, session.runId));
  updateResultsLink();
}

function updateResultsLink() {
  const run = Number($('results-run').value) || session.runId;
  const link = $('download-results');
  link.href = `/admin/api/results.csv?run=${run}`;
  link.setAttribute('download', `results-run${run}.csv`);
}
$('results-run').addEventListener('change', () => {
  const chosen = Number($('results-run').value);
  pinnedRun = chosen && chosen !== session.runId ? chosen : null;
  updateResultsLink();
});

$('reset').addEventListener('click', async () => {
  if (!confirm('Start a new run? Everyone returns to the lobby and must join again. The current results stay downloadable.')) return;
  const response = await fetch('/admin/api/reset', { method: 'POST' }).catch(() => null);
  if (!response?.ok) return showCommandMessage('Reset failed; nothing was changed.');
  const { run_id: runId } = await response.json();
  pinnedRun = null;
  session.runId = runId;
  renderRunChoices();
  showCommandMessage(`New run ${runId} started.`);
  const state = await fetch('/admin/api/state').then((r) => (r.ok ? r.json() : null)).catch(() => null);
  if (state) applySnapshot(state);
});

boot();
