// The instructor console: boots from GET /admin/api/state (or shows sign-in), opens the
// admin socket, and hands each frame to the shared admin state and then to the rooms that
// draw it — sign-in, drive, roster, pool, banks, results (one module each, beside this one);
// the bank editor is its own room (./editor/), imported when a bank is opened.
import { SOCKET_PATHS } from '/static/protocol.js';
import { applyAdminFrame, applySnapshot, createAdminState } from '/static/shared/admin-state.js';
import { $ } from '/static/shared/dom.js';
import { connectLive } from '/static/shared/live-socket.js';
import { applyBackChannelFrame, applyBackChannelSnapshot, createBackChannelState } from '/static/shared/back-channel-state.js';
import { setUpBackChannel } from './back-channel.js';
import { setUpBanks } from './banks.js';
import { setUpDrive } from './drive.js';
import { setUpJoining } from './joining.js';
import { setUpPool } from './pool.js';
import { setUpResults } from './results.js';
import { setUpRoster } from './roster.js';
import { setUpSignIn } from './sign-in.js';

const STATUS_LABELS = { online: 'live', connecting: 'connecting…', offline: 'offline — reconnecting' };

const session = createAdminState();
const backChannelState = createBackChannelState();
let socket = null;

const signIn = setUpSignIn({ onSignedIn: boot, onSignedOut: signedOut });
const drive = setUpDrive(session, { sendFrame: (frame) => Boolean(socket?.send(frame)), onSignedOut: signedOut });
const roster = setUpRoster(session, {
  onRefreshed(runChanged) {
    if (runChanged) results.renderRuns();
    drive.renderProgress(); // in review the refresh brings how many answered a multiple question
  },
  onSignedOut: signedOut,
  showMessage: drive.showMessage,
});
const pool = setUpPool(session, { reload, onSignedOut: signedOut });
const joining = setUpJoining(session, {
  onClassListChanged: () => roster.reloadClassList(),
  onSignedOut: signedOut,
  showMessage: drive.showMessage,
});
const results = setUpResults(session, { reload, showMessage: drive.showMessage });
const backChannel = setUpBackChannel(session, backChannelState, { onSignedOut: signedOut });
const banks = setUpBanks(session, { reload, onSignedOut: signedOut });

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
    signIn.showError('The server cannot be reached. Check the connection and reload.');
    return;
  }
  if (response.status === 401) {
    showView('login');
    return;
  }
  showSnapshot(await response.json());
  showView('console');
  startLive();
  banks.refresh();
}

function signedOut() {
  socket?.stop();
  socket = null;
  roster.stopPolling();
  drive.stop();
  showView('login');
}

/** Replaces everything with a snapshot (socket frame or GET /admin/api/state) and redraws. */
function showSnapshot(snapshot) {
  applySnapshot(session, snapshot);
  applyBackChannelSnapshot(backChannelState, snapshot);
  backChannel.render();
  pool.renderPreview();
  banks.renderLocks();
  roster.markFresh();
  results.renderRuns();
  drive.render();
  roster.render();
  joining.showSnapshot();
}

/** After a pool upload or a reset: the whole state again, over HTTP (and the banks, one of which now plays). */
async function reload() {
  const state = await fetch('/admin/api/state').then((r) => (r.ok ? r.json() : null)).catch(() => null);
  if (state) showSnapshot(state);
  banks.refresh();
}

function startLive() {
  socket?.stop();
  socket = connectLive(SOCKET_PATHS.ADMIN, {
    onFrame: handleFrame,
    onStatus(status) {
      const badge = $('connection');
      badge.dataset.status = status;
      badge.textContent = STATUS_LABELS[status];
    },
    onRevoked() {
      signedOut();
      signIn.showError('Your instructor session ended. Sign in again.');
    },
  });
  roster.startPolling();
}

function handleFrame(frame) {
  if (frame.type === 'error') return drive.showMessage(frame.message || frame.code);
  if (frame.type === 'snapshot') return showSnapshot(frame);
  if (applyBackChannelFrame(backChannelState, frame)) return backChannel.frameApplied(frame);
  if (!applyAdminFrame(session, frame)) return;
  switch (frame.type) {
    case 'settings':
      backChannel.render();
      joining.settingsChanged();
      break;
    case 'lobby_update':
      drive.renderAnswered();
      roster.renderSummary();
      roster.requestRefresh();
      break;
    case 'answer_progress':
      drive.renderProgress();
      break;
    case 'question_open':
      drive.render();
      pool.renderPreview();
      banks.renderLocks();
      break;
    case 'question_closed':
    case 'session_ended':
      drive.render();
      pool.renderPreview();
      banks.renderLocks();
      roster.requestRefresh();
      break;
    default:
      break;
  }
}

boot();
