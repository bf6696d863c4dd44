/**
 * The back channel's load for `bun run bench --back-channel`: asks, upvotes and pulse
 * signals spread evenly over a window (default one minute), sent by the bench's own
 * student sockets. Asks go first (one per asker, so no rate limit applies); each upvote is
 * a distinct (voter, ask) pair that is never the voter's own ask; pulse values rotate.
 * The question burst runs in the middle of the window.
 */

export interface BackChannelLoad {
  asks: number;
  upvotes: number;
  pulses: number;
  windowMs: number;
}

export interface BackChannelTraffic {
  /** Resolves when every frame of the window has been sent. */
  done: Promise<{ asks_sent: number; upvotes_sent: number; pulses_sent: number }>;
}

const TICK_MS = 20;
const PULSE_VALUES = ['lost', 'ok', 'fast'] as const;

/**
 * @param sockets the students' open sockets, by index
 * @param askIdOf the id the server gave the ask of asker `index` (known from its ask_added with mine), or undefined yet
 */
export function startBackChannelTraffic(
  sockets: WebSocket[],
  load: BackChannelLoad,
  askIdOf: (askerIndex: number) => number | undefined,
): BackChannelTraffic {
  const students = sockets.length;
  const asks = Math.min(load.asks, students);
  if (students < 2) throw new Error('the back channel needs at least 2 students');
  // Asks take the first tenth of the window, votes and pulses the rest.
  const askPhaseMs = load.windowMs / 10;
  const ticks = Math.max(1, Math.floor((load.windowMs - askPhaseMs) / TICK_MS));
  let asksSent = 0;
  let upvotesSent = 0;
  let pulsesSent = 0;

  const send = (index: number, frame: unknown) => {
    const socket = sockets[index]!;
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };

  const done = new Promise<BackChannelTraffic['done'] extends Promise<infer R> ? R : never>((resolve) => {
    const askTicks = Math.max(1, Math.floor(askPhaseMs / TICK_MS));
    let tick = 0;
    const timer = setInterval(() => {
      tick++;
      if (tick <= askTicks) {
        const until = Math.ceil((asks * tick) / askTicks);
        for (; asksSent < until; asksSent++) send(asksSent, { type: 'ask', text: `Bench question ${asksSent}: what about part ${asksSent % 7}?` });
        return;
      }
      const step = tick - askTicks;
      const votesUntil = Math.min(load.upvotes, Math.ceil((load.upvotes * step) / ticks));
      for (; upvotesSent < votesUntil; upvotesSent++) {
        const askerIndex = upvotesSent % asks;
        const askId = askIdOf(askerIndex);
        if (askId === undefined) break; // its ask_added has not come back yet: next tick
        // Round r of votes comes from the asker's r-th successor: distinct pairs, never the asker.
        const voter = (askerIndex + 1 + Math.floor(upvotesSent / asks)) % students;
        send(voter, { type: 'upvote', ask_id: askId });
      }
      const pulsesUntil = Math.min(load.pulses, Math.ceil((load.pulses * step) / ticks));
      for (; pulsesSent < pulsesUntil; pulsesSent++) {
        send(pulsesSent % students, { type: 'pulse', value: PULSE_VALUES[pulsesSent % 3] });
      }
      if (step >= ticks && upvotesSent >= load.upvotes && pulsesSent >= load.pulses) {
        clearInterval(timer);
        resolve({ asks_sent: asksSent, upvotes_sent: upvotesSent, pulses_sent: pulsesSent });
      }
    }, TICK_MS);
  });
  return { done };
}
