// The "Past runs" room: every run (GET /admin/api/runs), ticked ones go into the gradebook
// download in the chosen layout (plain, Moodle, Canvas), and "Open" shows one run's results
// and analytics (run-view.js), where it can be renamed or deleted.
import { $, el } from '/static/shared/dom.js';
import { setUpRunView } from './run-view.js';

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function setUpPastRuns({ onSignedOut, onListed }) {
  let runs = [];
  const unticked = new Set();
  const runView = setUpRunView({ onChanged: refresh, showMessage, onSignedOut });

  function showMessage(text, kind = 'ok') {
    const box = $('runs-message');
    box.textContent = text;
    box.dataset.kind = kind;
    box.hidden = !text;
  }

  async function refresh() {
    const response = await fetch('/admin/api/runs', { cache: 'no-store' }).catch(() => null);
    if (response?.status === 401) return onSignedOut();
    if (!response?.ok) return showMessage('The runs could not be loaded. Try Refresh.', 'error');
    runs = await response.json();
    render();
    onListed?.(runs.map((run) => run.run_id));
    runView.runsChanged(runs);
  }

  function render() {
    const rows = runs.map((run) => {
      const tick = el('input', { attrs: { type: 'checkbox', 'aria-label': `Include “${run.title}” in the gradebook`, 'data-testid': 'run-tick' } });
      tick.checked = !unticked.has(run.run_id);
      tick.addEventListener('change', () => {
        if (tick.checked) unticked.delete(run.run_id);
        else unticked.add(run.run_id);
        updateGradebookLink();
      });
      const open = el('button', { text: 'Open', className: 'small', attrs: { type: 'button', 'data-testid': 'run-open' } });
      open.addEventListener('click', () => runView.open(run.run_id));
      return el('tr', { attrs: { 'data-testid': 'run-row', 'data-run-id': run.run_id } }, [
        el('td', {}, [tick]),
        el('td', { className: 'run-title' }, [
          el('span', { text: run.title, attrs: { 'data-testid': 'run-title' } }),
          run.current ? el('span', { text: 'current', className: 'run-badge' }) : null,
        ]),
        el('td', { text: DATE_FORMAT.format(new Date(run.started_at)) }),
        el('td', { text: run.students, className: 'number' }),
        el('td', { text: run.questions, className: 'number' }),
        el('td', {}, [open]),
      ]);
    });
    $('runs-body').replaceChildren(...rows);
    updateGradebookLink();
  }

  function updateGradebookLink() {
    const chosen = runs.filter((run) => !unticked.has(run.run_id)).map((run) => run.run_id).sort((a, b) => a - b);
    const format = $('gradebook-format').value;
    const query = new URLSearchParams();
    if (chosen.length !== runs.length) query.set('runs', chosen.join(','));
    if (format !== 'plain') query.set('format', format);
    const link = $('download-gradebook');
    link.href = `/admin/api/gradebook.csv${query.size ? `?${query}` : ''}`;
    link.setAttribute('download', format === 'plain' ? 'gradebook.csv' : `gradebook-${format}.csv`);
    link.toggleAttribute('aria-disabled', chosen.length === 0);
  }

  $('gradebook-format').addEventListener('change', updateGradebookLink);
  $('runs-refresh').addEventListener('click', () => {
    showMessage('');
    refresh();
  });
  $('download-gradebook').addEventListener('click', (event) => {
    if ($('download-gradebook').hasAttribute('aria-disabled')) {
      event.preventDefault();
      showMessage('Tick at least one run for the gradebook.', 'error');
    }
  });

  return { refresh };
}
