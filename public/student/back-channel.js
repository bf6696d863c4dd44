// The phone's back channel: the Q&A room (ask, see the room's questions newest or
// top-voted first, upvote with one tap, your own marked "yours") and the three pulse
// buttons. Both exist only while the course setting is on; switching Q&A off removes the
// room at once. The room lies over the quiz without replacing it: a question that opens
// closes the room (the quiz wins) and the draft stays in its box. Asks are student text:
// set with textContent only.
import { BACK_CHANNEL_ERROR_CODES, MAX_ASK_LENGTH, PULSE_TTL_MS, PULSE_VALUES } from '/static/protocol.js';
import { $, el as make } from '/static/shared/dom.js';
import { renderKeyedList } from '/static/shared/keyed-list.js';
import { announce } from './page.js';

/** Error codes the back channel answers with; every other error belongs to the quiz. */
const OWN_ERRORS = new Set(BACK_CHANNEL_ERROR_CODES);

const room = $('qa-room');
const main = $('main');
const bar = $('back-channel-bar');
const openButton = $('qa-open');
const signalButtons = $('signal-buttons');
const askText = $('ask-text');
const askError = $('ask-error');
const askLeft = $('ask-left');
const list = $('ask-list');

const state = {
  settings: { qa: false, pulse: false },
  asks: new Map(), // id → { id, text, votes, state, mine, voted }
  order: 'newest',
  signal: null,
  signalTimer: null,
  send: () => false,
};

export function setUpBackChannel({ send }) {
  state.send = send;
  openButton.addEventListener('click', openRoom);
  $('qa-close').addEventListener('click', closeRoom);
  $('ask-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sendAsk();
  });
  askText.addEventListener('input', renderLeft);
  askText.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      sendAsk();
    }
  });
  for (const button of room.querySelectorAll('[data-sort]')) {
    button.addEventListener('click', () => {
      state.order = button.dataset.sort;
      for (const other of room.querySelectorAll('[data-sort]')) other.setAttribute('aria-pressed', String(other === button));
      renderList();
    });
  }
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-upvote]');
    if (button) upvote(Number(button.dataset.upvote));
  });
  signalButtons.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-signal]');
    if (button) sendSignal(button.dataset.signal);
  });
  renderLeft();
}

export function applyBackChannelSnapshot(snapshot) {
  state.asks = new Map((snapshot.asks ?? []).map((ask) => [ask.id, { ...ask, voted: Boolean(ask.voted) }]));
  applySettings(snapshot.settings);
  renderList();
}

export function applySettings(settings) {
  if (!settings) return;
  state.settings = { qa: Boolean(settings.qa), pulse: Boolean(settings.pulse) };
  openButton.hidden = !state.settings.qa;
  signalButtons.hidden = !state.settings.pulse;
  bar.hidden = !state.settings.qa && !state.settings.pulse;
  if (!state.settings.qa) closeRoom();
  if (!state.settings.pulse) markSignal(null);
}

/** Handles a back-channel frame; false for a frame that is not one. */
export function handleBackChannelFrame(frame) {
  switch (frame.type) {
    case 'settings':
      applySettings(frame.settings);
      return true;
    case 'ask_added': {
      const known = state.asks.get(frame.ask.id);
      // The asker gets its own copy (mine) and the shared one: mine sticks once said.
      state.asks.set(frame.ask.id, { ...frame.ask, mine: Boolean(known?.mine || frame.ask.mine), voted: Boolean(known?.voted) });
      renderList();
      return true;
    }
    case 'ask_votes':
      for (const { id, votes } of frame.votes) {
        const ask = state.asks.get(id);
        if (ask) ask.votes = votes;
      }
      renderList();
      return true;
    case 'ask_updated': {
      const ask = state.asks.get(frame.id);
      if (frame.state === 'hidden') state.asks.delete(frame.id);
      else if (ask) Object.assign(ask, { votes: frame.votes, state: frame.state });
      renderList();
      return true;
    }
    case 'error':
      if (!OWN_ERRORS.has(frame.code)) return false;
      showError(frame);
      return true;
    default:
      return false;
  }
}

/** A quiz question opened: the quiz view wins; the draft stays in its box. */
export function closeRoomForQuestion() {
  closeRoom();
}

function openRoom() {
  if (!state.settings.qa) return;
  room.hidden = false;
  main.hidden = true;
  askText.focus();
}

function closeRoom() {
  if (room.hidden) return;
  room.hidden = true;
  main.hidden = false;
}

function sendAsk() {
  const text = askText.value.trim();
  if (!text) return showError({ code: 'invalid_ask', message: 'Type a question first.' });
  if (!state.send({ type: 'ask', text })) return showError({ code: 'offline', message: 'Not connected: try again in a moment.' });
  askError.hidden = true;
  askText.value = '';
  renderLeft();
  announce('Question sent');
}

function upvote(id) {
  const ask = state.asks.get(id);
  if (!ask || ask.mine || ask.voted) return;
  if (!state.send({ type: 'upvote', ask_id: id })) return;
  // Counted at once here; the room's count comes back in the next ask_votes.
  ask.voted = true;
  ask.votes += 1;
  renderList();
}

function sendSignal(value) {
  if (!PULSE_VALUES.includes(value) || !state.send({ type: 'pulse', value })) return;
  markSignal(value);
  clearTimeout(state.signalTimer);
  // The server forgets a signal after five minutes; so does the button.
  state.signalTimer = setTimeout(() => markSignal(null), PULSE_TTL_MS);
}

function markSignal(value) {
  state.signal = value;
  for (const button of signalButtons.querySelectorAll('[data-signal]')) {
    button.setAttribute('aria-pressed', String(button.dataset.signal === value));
  }
}

function showError(frame) {
  if (frame.code === 'already_upvoted') return; // the button is already greyed
  if (frame.code === 'invalid_pulse' || frame.code === 'pulse_off') return markSignal(null);
  askError.textContent = frame.message || frame.code;
  askError.hidden = false;
}

function renderLeft() {
  const left = MAX_ASK_LENGTH - [...askText.value.trim()].length;
  askLeft.textContent = `${left} characters left`;
}

function sortedAsks() {
  const asks = [...state.asks.values()];
  if (state.order === 'top') return asks.sort((a, b) => b.votes - a.votes || b.id - a.id);
  return asks.sort((a, b) => b.id - a.id);
}

function renderList() {
  const asks = sortedAsks();
  const open = asks.filter((ask) => ask.state === 'open').length;
  $('qa-count').textContent = open > 0 ? `(${open})` : '';
  $('ask-empty').hidden = asks.length > 0;
  renderKeyedList(list, asks, (ask) => ask.id, createAskRow, updateAskRow);
}

function createAskRow(ask) {
  return make('li', { attrs: { 'data-testid': 'ask', 'data-ask-id': ask.id } }, [
    make('p', { className: 'ask-text', text: ask.text, attrs: { 'data-testid': 'ask-text-shown' } }),
    make('div', { className: 'ask-meta' }, [
      make('span', { className: 'badge yours', text: 'yours', attrs: { 'data-testid': 'ask-yours' } }),
      make('span', { className: 'badge answered', text: 'answered', attrs: { 'data-testid': 'ask-answered' } }),
      make('button', { className: 'button upvote', attrs: { type: 'button', 'data-upvote': ask.id, 'data-testid': 'ask-upvote' } }),
    ]),
  ]);
}

function updateAskRow(row, ask) {
  row.className = `ask ask-${ask.state}`;
  row.querySelector('.yours').hidden = !ask.mine;
  row.querySelector('.answered').hidden = ask.state !== 'answered';
  const button = row.querySelector('.upvote');
  const label = ask.mine ? 'Your question' : ask.voted ? 'Upvoted' : 'Upvote';
  button.textContent = `▲ ${ask.votes}`;
  button.setAttribute('aria-label', `${label}: ${ask.votes} votes`);
  button.disabled = ask.mine || ask.voted;
}
