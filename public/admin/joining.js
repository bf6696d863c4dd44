// Who may join: the join code switch (with the code now on the projector) and the class
// list. An upload is first sent as a dry run, so the instructor sees what it means for
// students already joined (they keep their names, unlisted ones stay until removed) and
// applies it with a second click; a refused file lists every problem with its line.
import { $, el } from '/static/shared/dom.js';
import { createJoinCodeDisplay } from '/static/shared/join-code-display.js';

/**
 * The joining card over `session` (an admin state). `onClassListChanged()` lets the roster
 * fetch the list again; `onSignedOut` runs on a 401; `showMessage` reports outcomes.
 */
export function setUpJoining(session, { onClassListChanged, onSignedOut, showMessage }) {
  const code = createJoinCodeDisplay($('console-join-code-box'), $('console-join-code'), $('console-join-code-countdown'));
  let pendingCsv = null;

  function render() {
    $('join-code-toggle').checked = Boolean(session.settings?.join_code);
    const size = session.classList?.students ?? null;
    $('class-list-summary').textContent = size === null
      ? 'No class list: anyone with the link joins under any id.'
      : `${size} students on the class list: only they can join, under their listed names.`;
    $('class-list-remove').hidden = size === null;
  }

  /** A snapshot arrived: show its code (null while off). */
  function showSnapshot() {
    code.show(session.joinCode);
    render();
  }

  /** The settings changed (this console or another): the code appears or goes. */
  function settingsChanged() {
    if (session.settings?.join_code) code.refresh();
    else code.show(null);
    render();
  }

  $('join-code-toggle').addEventListener('change', async (event) => {
    const wanted = event.target.checked;
    const response = await fetch('/admin/api/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ join_code: wanted }),
    }).catch(() => null);
    if (response?.status === 401) return onSignedOut();
    if (!response?.ok) {
      event.target.checked = !wanted;
      return showMessage('The join code setting could not be changed.');
    }
    session.settings = await response.json();
    settingsChanged();
  });

  function clearPreview() {
    pendingCsv = null;
    $('class-list-preview').hidden = true;
    $('class-list-file').value = '';
  }

  function showErrors(details) {
    const list = $('class-list-errors');
    list.hidden = details.length === 0;
    list.replaceChildren(
      ...details.map((detail) => el('li', { text: detail.line ? `Line ${detail.line}: ${detail.message}` : detail.message })),
    );
  }

  /** POSTs the CSV (a dry run unless `apply`); returns the answer, or null after showing why not. */
  async function send(csv, apply) {
    const response = await fetch(`/admin/api/roster${apply ? '' : '?dry_run=1'}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    }).catch(() => null);
    if (response?.status === 401) {
      onSignedOut();
      return null;
    }
    const answer = await response?.json().catch(() => null);
    if (!response?.ok) {
      showErrors(answer?.details ?? [{ message: answer?.message ?? 'The server could not be reached.' }]);
      return null;
    }
    showErrors([]);
    return answer;
  }

  $('class-list-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const csv = await file.arrayBuffer();
    const preview = await send(csv, false);
    if (!preview) return clearPreview();
    pendingCsv = csv;
    const lines = [];
    for (const item of preview.renamed) {
      lines.push(`${item.student_id} joined as "${item.joined_name}", listed as "${item.listed_name}": keeps "${item.joined_name}" in this run.`);
    }
    if (preview.not_listed.length > 0) {
      lines.push(`${preview.not_listed.length} joined but not on the list (${preview.not_listed.slice(0, 10).join(', ')}${preview.not_listed.length > 10 ? ', …' : ''}): they stay until you remove them.`);
    }
    for (const skip of preview.skipped) lines.push(`Line ${skip.line} has no student id: left out.`);
    $('class-list-preview-text').textContent =
      `${preview.students} students (id from "${preview.columns.id}", name from "${preview.columns.name}").` +
      (lines.length === 0 ? ' Nothing changes for anyone already joined.' : '');
    $('class-list-preview-details').replaceChildren(...lines.map((line) => el('li', { text: line })));
    $('class-list-preview').hidden = false;
  });

  $('class-list-apply').addEventListener('click', async () => {
    if (!pendingCsv) return;
    const applied = await send(pendingCsv, true);
    clearPreview();
    if (!applied) return;
    session.classList = { students: applied.students };
    showMessage(`Class list loaded: ${applied.students} students.`);
    render();
    onClassListChanged();
  });
  $('class-list-cancel').addEventListener('click', clearPreview);

  $('class-list-remove').addEventListener('click', async () => {
    if (!confirm('Remove the class list? Anyone with the link can then join under any id.')) return;
    const response = await fetch('/admin/api/roster', { method: 'DELETE' }).catch(() => null);
    if (!response?.ok) return showMessage('The class list could not be removed.');
    session.classList = null;
    showMessage('Class list removed.');
    render();
    onClassListChanged();
  });

  return { showSnapshot, settingsChanged, render };
}
