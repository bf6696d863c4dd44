// The roster: the one part of the console that can be large (2,000 students). It is
// refreshed from GET /admin/api/state at most every REFRESH_MS, polled calmly for the
// connected dots, and rendered as a summary plus at most ROWS_MAX rows matching the
// search — never the whole class. Names and ids are rendered as text.
// Students can be selected and removed together (one request, one transaction), or one
// at a time in two clicks (Remove, then confirm). With a class list, its students who have
// not joined this run are listed below (the list is fetched when it changes, not polled).
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
  const selected = new Set();
  let classListRows = null; // [{ student_id, name }] while a class list is loaded
  let classListSize = null;

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

  /** Fetches the class list when its size changed (an upload, a removal, a reload). */
  async function syncClassList(force = false) {
    const size = session.classList?.students ?? null;
    if (!force && size === classListSize) return;
    classListSize = size;
    if (size === null) {
      classListRows = null;
      return renderNotJoined();
    }
    const response = await fetch('/admin/api/roster', { headers: { accept: 'application/json' } }).catch(() => null);
    if (!response?.ok) return;
    classListRows = (await response.json()).students;
    renderNotJoined();
  }

  function matchesQuery(student, query) {
    return !query || student.name.toLowerCase().includes(query) || student.student_id.toLowerCase().includes(query);
  }

  function renderNotJoined() {
    const box = $('not-joined');
    box.hidden = !classListRows;
    if (!classListRows) return;
    const joined = new Set(session.students.map((student) => student.student_id));
    const waiting = classListRows.filter((student) => !joined.has(student.student_id));
    $('not-joined-summary').textContent = `Not joined yet: ${waiting.length} of ${classListRows.length} on the class list`;
    const query = $('roster-search').value.trim().toLowerCase();
    const matches = waiting.filter((student) => matchesQuery(student, query));
    $('not-joined-list').replaceChildren(
      ...matches.slice(0, ROWS_MAX).map((student) =>
        el('li', { className: 'roster-row not-joined-row', attrs: { 'data-student-id': student.student_id } }, [
          el('span', { className: 'roster-name', text: student.name }),
          el('span', { className: 'roster-id muted', text: student.student_id }),
        ]),
      ),
    );
    const more = $('not-joined-more');
    more.hidden = matches.length <= ROWS_MAX;
    more.textContent = `Showing ${ROWS_MAX} of ${matches.length} — type in the search box to narrow.`;
  }

  function renderSelection() {
    for (const id of selected) if (!session.students.some((student) => student.student_id === id)) selected.delete(id);
    const button = $('remove-selected');
    button.disabled = selected.size === 0;
    button.textContent = selected.size === 0 ? 'Remove selected' : `Remove selected (${selected.size})`;
    $('clear-selection').hidden = selected.size === 0;
  }

  function render() {
    renderSummary();
    renderSelection();
    renderNotJoined();
    void syncClassList();
    const query = $('roster-search').value.trim().toLowerCase();
    const matches = [];
    let matchCount = 0;
    const ordered = session.phase === 'lobby' ? session.students : studentsByRank(session.students);
    for (const student of ordered) {
      if (!matchesQuery(student, query)) continue;
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
    const remove = el('button', {
      text: 'Remove',
      className: 'quiet small danger-text',
      attrs: { type: 'button', 'data-remove': student.student_id, title: 'Delete this student and their answers from the run; the id is free again' },
    });
    const select = el('input', {
      attrs: { type: 'checkbox', 'data-select': student.student_id, 'aria-label': `Select ${student.name} (${student.student_id})` },
    });
    select.checked = selected.has(student.student_id);
    return el('li', { className: 'roster-row', attrs: { 'data-student-id': student.student_id, 'data-status': status } }, [
      select,
      el('span', { className: 'dot', attrs: { 'aria-label': status, title: status } }),
      el('span', { className: 'roster-name', text: student.name }),
      el('span', { className: 'roster-id muted', text: student.student_id }),
      el('span', { className: 'roster-score', text: student.score }),
      release,
      remove,
    ]);
  }

  const labelOf = (studentId) => {
    const student = session.students.find((s) => s.student_id === studentId);
    return student ? `${student.name} (${studentId})` : studentId;
  };

  /** One request for one or several ids; the admin socket then brings the new snapshot. */
  async function removeStudents(ids) {
    const body = ids.length === 1 ? { student_id: ids[0] } : { student_ids: ids };
    const response = await fetch('/admin/api/students/remove', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => null);
    const answer = await response?.json().catch(() => null);
    if (!response?.ok) {
      showMessage(`Could not remove ${ids.length === 1 ? labelOf(ids[0]) : `${ids.length} students`}: ${answer?.message ?? 'no connection'}.`);
    } else {
      const removed = answer.removed === true ? 1 : answer.removed.length;
      const missing = answer.not_found?.length ? ` (${answer.not_found.length} were already gone)` : '';
      showMessage(`Removed ${removed} student${removed === 1 ? '' : 's'}${missing}.`);
    }
    for (const id of ids) selected.delete(id);
    refresh();
  }

  $('roster-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(render, SEARCH_DEBOUNCE_MS);
  });
  $('roster-refresh').addEventListener('click', () => refresh());

  $('roster').addEventListener('change', (event) => {
    const box = event.target.closest('input[data-select]');
    if (!box) return;
    if (box.checked) selected.add(box.dataset.select);
    else selected.delete(box.dataset.select);
    renderSelection();
  });
  $('clear-selection').addEventListener('click', () => {
    selected.clear();
    render();
  });
  $('remove-selected').addEventListener('click', () => {
    const ids = [...selected];
    if (ids.length === 0) return;
    const names = ids.slice(0, 5).map(labelOf).join(', ') + (ids.length > 5 ? ` and ${ids.length - 5} more` : '');
    if (!confirm(`Remove ${ids.length} student${ids.length === 1 ? '' : 's'} (${names})? They and all their answers are deleted from this run; their ids are free again.`)) return;
    void removeStudents(ids);
  });

  $('roster').addEventListener('click', async (event) => {
    const removeButton = event.target.closest('button[data-remove]');
    if (removeButton) {
      const studentId = removeButton.dataset.remove;
      if (!confirm(`Remove ${labelOf(studentId)}? They and all their answers are deleted from this run; the id is free again.`)) return;
      return removeStudents([studentId]);
    }
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
    /** The class list changed (uploaded or removed): fetch it again. */
    reloadClassList: () => syncClassList(true),
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
