// The console's Q&A panel and pulse: the course switches (Q&A, pulse, pulse on the
// projector), the asks sorted by votes with "answered", "hide" and "show on the
// projector" in one click or one key (A, H, S on the selected ask; ↑ ↓ move), a quiet
// badge counting asks that came in since the list was last used, the asker's id for
// moderation, the live pulse bars and the session's timeline. Ask text is student text:
// textContent only.
import { $, el } from '/static/shared/dom.js';
import { asksByVotes } from '/static/shared/back-channel-state.js';
import { renderKeyedList } from '/static/shared/keyed-list.js';
import { renderPulseBars, renderPulseTimeline } from '/static/shared/pulse-bars.js';

const ACTION_KEYS = { a: 'answered', h: 'hide', s: 'show' };

export function setUpBackChannel(session, backChannel, { onSignedOut }) {
  const panel = $('qa-panel');
  const list = $('qa-list');
  let unseen = 0;
  let selectedId = null;

  function showMessage(text) {
    $('qa-message').textContent = text;
    $('qa-message').hidden = !text;
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    }).catch(() => null);
    if (response?.status === 401) return onSignedOut();
    if (!response?.ok) {
      const error = await response?.json().catch(() => null);
      showMessage(error?.message ?? 'The server could not be reached.');
      return null;
    }
    showMessage('');
    return response.json();
  }

  function act(id, action) {
    if (action === 'show' && backChannel.shownAsk?.id === id) return post('/admin/api/asks/unshow');
    return post(`/admin/api/asks/${id}/${action}`);
  }

  function render() {
    renderSwitches();
    renderAsks();
    renderPulse();
  }

  function renderSwitches() {
    const settings = session.settings ?? {};
    for (const box of panel.querySelectorAll('[data-setting]')) box.checked = Boolean(settings[box.dataset.setting]);
  }

  function renderAsks() {
    const asks = asksByVotes(backChannel);
    $('qa-empty').hidden = asks.length > 0;
    const shown = backChannel.shownAsk;
    $('shown-ask').hidden = !shown;
    $('shown-ask').textContent = shown ? `On the projector: “${shown.text}”` : '';
    // Moving a focused row blurs it: keyboard moderation keeps its place.
    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    renderKeyedList(list, asks, (ask) => ask.id, createRow, updateRow);
    if (focused && focused.isConnected && document.activeElement !== focused) focused.focus();
    renderBadge();
  }

  function renderBadge() {
    const badge = $('qa-new');
    badge.hidden = unseen === 0;
    badge.textContent = unseen > 0 ? `${unseen} new` : '';
  }

  function createRow(ask) {
    return el('li', { attrs: { tabindex: 0, 'data-ask-id': ask.id, 'data-testid': 'qa-row' } }, [
      el('span', { className: 'qa-votes', attrs: { 'data-testid': 'qa-votes', title: 'votes' } }),
      el('div', { className: 'qa-body' }, [
        el('p', { className: 'qa-text', text: ask.text, attrs: { 'data-testid': 'qa-text' } }),
        el('p', { className: 'qa-meta muted small-text' }, [
          el('span', { className: 'qa-state' }),
          el('span', { text: ' · asked by ' }),
          el('span', { text: ask.student_id, attrs: { 'data-testid': 'qa-asker' } }),
        ]),
      ]),
      el('div', { className: 'qa-actions' }, [
        el('button', { className: 'small', text: 'Answered', attrs: { type: 'button', 'data-action': 'answered', 'data-testid': 'qa-answered' } }),
        el('button', { className: 'small', text: 'Hide', attrs: { type: 'button', 'data-action': 'hide', 'data-testid': 'qa-hide' } }),
        el('button', { className: 'small', attrs: { type: 'button', 'data-action': 'show', 'data-testid': 'qa-show' } }),
      ]),
    ]);
  }

  function updateRow(row, ask) {
    const onScreen = backChannel.shownAsk?.id === ask.id;
    row.className = `qa-row qa-${ask.state}${onScreen ? ' on-screen' : ''}`;
    row.setAttribute('aria-selected', String(ask.id === selectedId));
    row.querySelector('.qa-votes').textContent = String(ask.votes);
    row.querySelector('.qa-state').textContent = ask.state;
    row.querySelector('[data-action=answered]').disabled = ask.state !== 'open';
    row.querySelector('[data-action=hide]').disabled = ask.state === 'hidden';
    const show = row.querySelector('[data-action=show]');
    show.textContent = onScreen ? 'Off projector' : 'Show';
    show.disabled = ask.state === 'hidden';
  }

  function renderPulse() {
    $('pulse-panel').hidden = !session.settings?.pulse;
    renderPulseBars($('pulse-bars'), backChannel.pulse);
    renderPulseTimeline($('pulse-timeline'), backChannel.timeline);
  }

  // Only the badge: redrawing the list under the pointer would swallow the click.
  function markSeen() {
    if (unseen === 0) return;
    unseen = 0;
    renderBadge();
  }

  list.addEventListener('click', (event) => {
    const row = event.target.closest('[data-ask-id]');
    if (!row) return;
    selectedId = Number(row.dataset.askId);
    const button = event.target.closest('button[data-action]');
    if (button) act(selectedId, button.dataset.action);
  });
  list.addEventListener('focusin', (event) => {
    const row = event.target.closest('[data-ask-id]');
    if (row) selectedId = Number(row.dataset.askId);
    for (const other of list.querySelectorAll('[data-ask-id]')) other.setAttribute('aria-selected', String(other === row));
  });
  list.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const row = event.target.closest('[data-ask-id]');
    if (!row) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      next?.focus();
      return;
    }
    const action = ACTION_KEYS[event.key.toLowerCase()];
    if (!action) return;
    // The console's own keys (N, C, R, E) must not also fire from here.
    event.preventDefault();
    event.stopPropagation();
    act(Number(row.dataset.askId), action);
  });
  list.addEventListener('pointerdown', markSeen);
  list.addEventListener('focusin', markSeen);
  for (const box of panel.querySelectorAll('[data-setting]')) {
    box.addEventListener('change', async () => {
      const saved = await post('/admin/api/settings', { [box.dataset.setting]: box.checked });
      if (!saved) renderSwitches();
    });
  }

  // The exports follow the run picked in the after-class card (the current one by default).
  for (const [id, name] of [['download-asks', 'asks'], ['download-pulse', 'pulse']]) {
    $(id).addEventListener('click', () => {
      const run = Number($('results-run')?.value) || session.runId;
      $(id).href = `/admin/api/${name}.csv?run=${run}`;
      $(id).setAttribute('download', `${name}-run${run}.csv`);
    });
  }

  return {
    render,
    /** A frame the back-channel state took: redraw what it touched. */
    frameApplied(frame) {
      // Seen once the instructor works in the list; until then the badge counts quietly.
      if (frame.type === 'ask_added' && !list.contains(document.activeElement)) unseen += 1;
      if (frame.type === 'pulse_update') renderPulse();
      else render();
    },
  };
}
