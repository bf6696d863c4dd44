// The roster: the one part of the console that can be large (2,000 students). It is
// refreshed from GET /admin/api/state at most every REFRESH_MS, polled calmly for the
// connected dots, and rendered as a summary plus at most ROWS_MAX rows matching the
// search — never the whole class. Names and ids are rendered as text.
import { applyRoster, studentsByRank } from '/static/shared/admin-state.js';
import { $, el } from '/static/shared/dom.js';

const REFRESH_MS = 2000;
const POLL_MS = 5000;
const ROWS_MAX = 100;
const SEARCH_DEBOUNCE_MS = 120;

/**
 * The roster card over `session` (an admin state). After each refresh `onRefreshed(runChanged)`
 * lets the other rooms redraw; `onSignedOut` runs on a 401; `showMessage` reports a failed release.
 */
export function setUpRoster(session, { onRefreshed, onSignedOut, showMessage }) {
  let lastRefresh = 0;
  let refreshTimer = null;
  let inFlight = false;
  let pollTimer = null;
  let searchTimer = null;

  /** Fetches the roster at most once every REFRESH_MS, however often it is asked. */
  function requestRefresh() {
    if (refreshTimer) return;
    const wait = Math.max(0, lastRefresh + REFRESH_MS - performance.now());
    refreshTimer = setTimeout(refresh, wait);
  }

  async function refresh() {
    clearTimeout(refreshTimer);
    refreshTimer = null;
    if (inFlight) return requestRefresh();
    inFlight = true;
    lastRefresh = performance.now();
    try {
      const response = await fetch('/admin/api/state', { headers: { accept: 'application/json' } });
      if (response.status === 401) return onSignedOut();
      if (!response.ok) return;
      const state = await response.json();
      const runBefore = session.runId;
      applyRoster(session, state);
      onRefreshed(session.runId !== runBefore);
      render();
    } catch {
      // offline: the socket's status badge says so; the next poll retries
    } finally {
      inFlight = false;
    }
  }

  function renderSummary() {
    const students = session.students;
    const connected = students.reduce((n, s) => n + (s.connected ? 1 : 0), 0);
    const count = Math.max(session.studentsCount, students.length);
    $('roster-summary').textContent = `${count} joined · ${connected} connected`;
  }

  function render() {
    renderSummary();
    const query = $('roster-search').value.trim().toLowerCase();
    const matches = [];
    let matchCount = 0;
    const ordered = session.phase === 'lobby' ? session.students : studentsByRank(session.students);
    for (const student of ordered) {
      if (query && !student.name.toLowerCase().includes(query) && !student.student_id.toLowerCase().includes(query)) continue;
      matchCount += 1;
      if (matches.length < ROWS_MAX) matches.push(student);
    }
    $('roster').replaceChildren(...matches.map(row));
    const more = $('roster-more');
    more.hidden = matchCount <= matches.length && matchCount > 0;
    if (matchCount === 0) more.textContent = query ? 'No student matches this search.' : 'No students yet.';
    else more.textContent = `Showing ${matches.length} of ${matchCount}${query ? ' matches' : ''} — type in the search box to narrow.`;
  }

  function row(student) {
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

  $('roster-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(render, SEARCH_DEBOUNCE_MS);
  });
  $('roster-refresh').addEventListener('click', () => refresh());

  $('roster').addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-release]');
    if (!button) return;
    const studentId = button.dataset.release;
    const student = session.students.find((s) => s.student_id === studentId);
    const label = student ? `${student.name} (${studentId})` : studentId;
    if (!confirm(`Release ${label}? Their device is signed out; their answers and score stay, and the id can join again.`)) return;
    // The id goes in the body: in a path, ids such as "." and ".." are normalised away.
    const response = await fetch('/admin/api/students/release', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ student_id: studentId }),
    }).catch(() => null);
    if (!response?.ok) {
      showMessage(`Could not release ${label}: ${(await response?.json().catch(() => null))?.message ?? 'no connection'}.`);
    }
    refresh();
  });

  return {
    render,
    renderSummary,
    requestRefresh,
    /** A snapshot just brought the roster: the next refresh can wait. */
    markFresh: () => (lastRefresh = performance.now()),
    /** Connected/disconnected is not pushed; a calm poll keeps the dots honest. */
    startPolling() {
      clearInterval(pollTimer);
      pollTimer = setInterval(() => {
        if (document.visibilityState === 'visible') requestRefresh();
      }, POLL_MS);
    },
    stopPolling: () => clearInterval(pollTimer),
  };
}
