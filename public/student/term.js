// "Your results this term" after the end, when the instructor has turned it on: the runs
// this student id joined and their scores (GET /api/my-term), nobody else's. The button
// sits in the final view, so it shows only after the end, and only while the
// `term_results` setting is on (from the snapshot, then each `settings` frame).
import { $, el } from '/static/shared/dom.js';

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Follows the instructor's setting; turning it off hides what was shown. */
export function applyTermSetting(settings) {
  const on = Boolean(settings?.term_results);
  if (!on) collapseTerm();
  $('term').hidden = !on;
}

/** Back to the button alone (a new final view, or the setting turned off). */
export function collapseTerm() {
  $('term-results').hidden = true;
  $('term-error').hidden = true;
  $('term-show').setAttribute('aria-expanded', 'false');
}

async function showTerm() {
  $('term-error').hidden = true;
  const response = await fetch('/api/my-term', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
  if (!response?.ok) {
    const problem = await response?.json().catch(() => null);
    $('term-error').textContent = problem?.message ?? 'Your results could not be loaded. Try again.';
    $('term-error').hidden = false;
    return;
  }
  const term = await response.json();
  $('term-body').replaceChildren(
    ...term.runs.map((run) =>
      el('tr', { attrs: { 'data-testid': 'term-run' } }, [
        el('td', { text: run.title }),
        el('td', { text: DATE_FORMAT.format(new Date(run.started_at)) }),
        el('td', { text: `${run.score} / ${run.points_possible}`, className: 'number' }),
      ]),
    ),
  );
  const count = term.runs.length;
  $('term-total').textContent = `${count} ${count === 1 ? 'quiz' : 'quizzes'} attended · ${term.total} points in total`;
  $('term-results').hidden = false;
  $('term-show').setAttribute('aria-expanded', 'true');
}

$('term-show').addEventListener('click', () => void showTerm());
