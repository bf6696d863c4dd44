// The one WebSocket client the pages share: connects, reconnects with capped exponential
// backoff and jitter, resyncs at once when the phone wakes or the network comes back, and
// reports its state so each page can show a calm connection indicator.
//
//   const socket = connectLive(SOCKET_PATHS.STUDENT, {
//     onFrame(frame) { ... },              // every server frame, parsed
//     onStatus(status) { ... },            // 'connecting' | 'online' | 'offline' | 'displaced'
//     onRevoked(code, reason) { ... },     // CLOSE_CODES.UNAUTHORIZED: the cookie is no longer honoured
//   });
//   socket.send({ type: 'submit', question_idx: 0, choice: 'B' });   // false if not open
//   socket.stop();

import { CLOSE_CODES } from '/static/protocol.js';

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export function connectLive(path, { onFrame, onStatus = () => {}, onRevoked = () => {} }) {
  let socket = null;
  let attempt = 0;
  let retryTimer = null;
  let stopped = false;

  const url = () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;

  function scheduleReconnect() {
    if (stopped || retryTimer) return;
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      open();
    }, delay);
  }

  function open() {
    if (stopped) return;
    onStatus('connecting');
    const current = new WebSocket(url());
    socket = current;
    current.addEventListener('open', () => {
      attempt = 0;
      onStatus('online');
    });
    current.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      onFrame(frame);
    });
    current.addEventListener('close', (event) => {
      if (socket !== current) return;
      socket = null;
      if (event.code === CLOSE_CODES.UNAUTHORIZED) {
        stopped = true;
        onStatus('offline');
        onRevoked(event.code, event.reason);
        return;
      }
      if (event.code === CLOSE_CODES.TOO_MANY_CONNECTIONS) {
        // Newer tabs or devices of the same student took over: reconnecting would only
        // displace one of them in turn.
        stopped = true;
        onStatus('displaced');
        return;
      }
      onStatus('offline');
      scheduleReconnect();
    });
  }

  // A phone waking up or a network switch: don't wait out the backoff, resync now.
  function resyncNow() {
    if (stopped) return;
    if (socket && socket.readyState === WebSocket.OPEN) return;
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    attempt = 0;
    if (!socket) open();
  }
  const onVisible = () => {
    if (document.visibilityState === 'visible') resyncNow();
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('online', resyncNow);

  open();

  return {
    send(frame) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', resyncNow);
      socket?.close();
    },
  };
}
