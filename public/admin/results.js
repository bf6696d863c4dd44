// After class: the results.csv link (for the current run unless the instructor picked an
// older one), and reset, which starts a new run from the lobby.
import { $, el } from '/static/shared/dom.js';

/**
 * The after-class card over `session` (an admin state). `reload()` fetches the whole
 * state after a reset; `showMessage` reports the outcome.
 */
export function setUpResults(session, { reload, showMessage }) {
  let pinnedRun = null;
  /** The runs that still exist (from the Past runs list); until it arrives, 1…current. */
  let listedRunIds = null;

  function renderRuns() {
    const select = $('results-run');
    const runIds = (listedRunIds ?? Array.from({ length: session.runId }, (_, i) => i + 1)).filter((run) => run <= session.runId);
    if (!runIds.includes(session.runId)) runIds.push(session.runId);
    runIds.sort((a, b) => b - a);
    if (pinnedRun !== null && !runIds.includes(pinnedRun)) pinnedRun = null;
    const options = runIds.map((run) =>
      el('option', { text: run === session.runId ? `${run} (current)` : String(run), attrs: { value: run } }),
    );
    select.replaceChildren(...options);
    select.value = String(pinnedRun ?? session.runId);
    updateLink();
  }

  /** The Past runs room listed the runs: a deleted or purged run leaves the choice. */
  function setListedRuns(runIds) {
    listedRunIds = runIds;
    renderRuns();
  }

  function updateLink() {
    const run = Number($('results-run').value) || session.runId;
    const link = $('download-results');
    link.href = `/admin/api/results.csv?run=${run}`;
    link.setAttribute('download', `results-run${run}.csv`);
  }

  $('results-run').addEventListener('change', () => {
    const chosen = Number($('results-run').value);
    pinnedRun = chosen && chosen !== session.runId ? chosen : null;
    updateLink();
  });

  $('reset').addEventListener('click', async () => {
    if (!confirm('Start a new run? Everyone returns to the lobby and must join again. The current results stay downloadable.')) return;
    const response = await fetch('/admin/api/reset', { method: 'POST' }).catch(() => null);
    if (!response?.ok) return showMessage('Reset failed; nothing was changed.');
    const { run_id: runId } = await response.json();
    pinnedRun = null;
    session.runId = runId;
    renderRuns();
    showMessage(`New run ${runId} started.`);
    await reload();
  });

  return { renderRuns, setListedRuns };
}
