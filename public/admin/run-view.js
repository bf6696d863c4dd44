// One past run, opened from the list: its standings and results.csv, its analytics as small SVG charts
// (analytics-charts.js) with the questions that look broken marked, and its rename and
// delete forms. Delete stays disabled until the title is typed exactly.
import { $, el } from '/static/shared/dom.js';
import { drawCounts, drawOverview, FLAG_LABELS } from './analytics-charts.js';

const TYPE_LABELS = { single: 'single choice', multiple: 'multiple choice', poll: 'poll', numeric: 'number' };

/** The standings table shows the top of the class; results.csv has everyone. */
const STANDINGS_SHOWN = 50;

const seconds = (ms) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const percent = (value) => (value === null ? '—' : `${value} %`);
const signed = (value) => (value === null ? '—' : value.toFixed(2));

export function setUpRunView({ onChanged, showMessage, onSignedOut }) {
  let run = null;

  async function post(path, body) {
    const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null);
    if (response?.status === 401) onSignedOut();
    return response;
  }

  async function open(runId) {
    const [response, standingsResponse] = await Promise.all(
      [`/admin/api/analytics?run=${runId}`, `/admin/api/runs/${runId}/results`].map((path) => fetch(path, { cache: 'no-store' }).catch(() => null)),
    );
    if (response?.status === 401) return onSignedOut();
    if (!response?.ok || !standingsResponse?.ok) return showMessage('That run could not be opened.', 'error');
    const analytics = await response.json();
    showStandings((await standingsResponse.json()).students);
    run = { runId, title: analytics.title };
    $('run-view-title').textContent = analytics.title;
    $('run-view-meta').textContent = `Run ${runId} · ${analytics.students} students · ${analytics.questions.length} questions`;
    const results = $('run-results');
    results.href = `/admin/api/results.csv?run=${runId}`;
    results.setAttribute('download', `results-run${runId}.csv`);
    drawOverview($('analytics-overview'), analytics.questions);
    $('analytics-list').replaceChildren(...analytics.questions.map(questionItem));
    $('run-rename-title').value = analytics.title;
    $('run-delete-confirm').value = '';
    $('run-delete').disabled = true;
    $('run-view').hidden = false;
    $('run-view').scrollIntoView({ block: 'nearest' });
  }

  function showStandings(students) {
    const shown = students.slice(0, STANDINGS_SHOWN);
    $('run-standings-body').replaceChildren(
      ...shown.map((student) =>
        el('tr', { attrs: { 'data-testid': 'standing' } }, [
          el('td', { text: student.rank, className: 'number' }),
          el('td', { text: student.name }),
          el('td', { text: student.student_id }),
          el('td', { text: student.score, className: 'number' }),
        ]),
      ),
    );
    const more = $('run-standings-more');
    more.hidden = students.length <= STANDINGS_SHOWN;
    more.textContent = `… and ${students.length - STANDINGS_SHOWN} more: download results.csv for everyone.`;
  }

  function questionItem(question) {
    const flagged = question.flags.length > 0;
    const facts = [
      `${TYPE_LABELS[question.type] ?? question.type}`,
      `${question.answered} answered`,
      question.type === 'poll' ? null : `${percent(question.correct_pct)} right`,
      `median ${seconds(question.median_answer_ms)}`,
      question.type === 'poll' ? null : `discrimination ${signed(question.discrimination)}`,
    ].filter(Boolean);
    const chart = el('div', { className: 'counts-chart' });
    drawCounts(chart, question);
    return el('li', { className: flagged ? 'analytics-item flagged' : 'analytics-item', attrs: { 'data-testid': 'analytics-item', 'data-flags': question.flags.join(' ') } }, [
      el('p', { className: 'analytics-text', text: question.text }),
      el('p', { className: 'analytics-facts muted', text: facts.join(' · ') }),
      flagged ? el('p', { className: 'analytics-flags', text: question.flags.map((flag) => FLAG_LABELS[flag] ?? flag).join(' · ') }) : null,
      chart,
    ]);
  }

  function close() {
    run = null;
    $('run-view').hidden = true;
  }

  /** The list changed (rename, delete, refresh): keep the open run's title right, or close it if it is gone. */
  function runsChanged(runs) {
    if (!run) return;
    const listed = runs.find((candidate) => candidate.run_id === run.runId);
    if (!listed) return close();
    run.title = listed.title;
    $('run-view-title').textContent = listed.title;
    checkConfirm();
  }

  function checkConfirm() {
    $('run-delete').disabled = !run || $('run-delete-confirm').value.trim() !== run.title.trim();
  }

  $('run-view-close').addEventListener('click', close);
  $('run-delete-confirm').addEventListener('input', checkConfirm);

  $('run-rename-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!run) return;
    const title = $('run-rename-title').value.trim();
    if (!title) return showMessage('A title cannot be empty.', 'error');
    const response = await post(`/admin/api/runs/${run.runId}/rename`, { title });
    if (!response?.ok) return showMessage('The run could not be renamed.', 'error');
    showMessage(`Run ${run.runId} renamed.`);
    await onChanged();
  });

  $('run-delete-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!run || $('run-delete').disabled) return;
    const { runId, title } = run;
    const response = await post(`/admin/api/runs/${runId}/delete`, { confirm_title: $('run-delete-confirm').value });
    if (!response?.ok) {
      const problem = await response?.json().catch(() => null);
      return showMessage(problem?.message ?? 'The run could not be deleted.', 'error');
    }
    close();
    showMessage(`Run ${runId} (“${title}”) deleted.`);
    await onChanged();
  });

  return { open, runsChanged };
}
