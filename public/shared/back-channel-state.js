// What the console and the projector know of the back channel (live Q&A and the pulse),
// built only from the admin snapshot and the admin socket's frames: every ask with its
// asker id, the live pulse counts and their timeline, and the ask shown on the projector.

const MINUTE_MS = 60_000;

export function createBackChannelState() {
  return {
    asks: new Map(), // id → { id, text, votes, state, student_id, asked_at_ms }
    pulse: { lost: 0, ok: 0, fast: 0, students_count: 0 },
    timeline: [], // [{ minute_ms, lost, ok, fast }], one per minute in which the counts changed
    shownAsk: null, // { id, text, votes } or null
  };
}

export function applyBackChannelSnapshot(state, snapshot) {
  state.asks = new Map((snapshot.asks ?? []).map((ask) => [ask.id, { ...ask }]));
  const pulse = snapshot.pulse ?? {};
  state.pulse = { lost: pulse.lost ?? 0, ok: pulse.ok ?? 0, fast: pulse.fast ?? 0, students_count: pulse.students_count ?? 0 };
  state.timeline = (pulse.timeline ?? []).map((minute) => ({ ...minute }));
  state.shownAsk = snapshot.shown_ask ?? null;
}

/** Applies one frame; returns false for a frame that is not the back channel's. */
export function applyBackChannelFrame(state, frame) {
  switch (frame.type) {
    case 'ask_added':
      state.asks.set(frame.ask.id, { ...frame.ask });
      return true;
    case 'ask_updated': {
      const ask = state.asks.get(frame.id);
      if (ask) Object.assign(ask, { votes: frame.votes, state: frame.state });
      if (state.shownAsk?.id === frame.id) state.shownAsk = { ...state.shownAsk, votes: frame.votes };
      return true;
    }
    case 'ask_shown':
      state.shownAsk = frame.ask;
      return true;
    case 'pulse_update': {
      state.pulse = { lost: frame.lost, ok: frame.ok, fast: frame.fast, students_count: frame.students_count };
      const minute_ms = Math.floor(frame.at_ms / MINUTE_MS) * MINUTE_MS;
      const last = state.timeline.at(-1);
      const entry = { minute_ms, lost: frame.lost, ok: frame.ok, fast: frame.fast };
      if (last && last.minute_ms >= minute_ms) state.timeline[state.timeline.length - 1] = { ...entry, minute_ms: last.minute_ms };
      else state.timeline.push(entry);
      return true;
    }
    default:
      return false;
  }
}

/** Asks for moderation: open ones first, by votes (then newest), then answered, then hidden. */
export function asksByVotes(state) {
  const rank = { open: 0, answered: 1, hidden: 2 };
  return [...state.asks.values()].sort((a, b) => rank[a.state] - rank[b.state] || b.votes - a.votes || b.id - a.id);
}

/** The timeline with its gaps filled (a minute without change kept the previous counts), at most `limit` minutes. */
export function denseTimeline(timeline, limit = 90) {
  const dense = [];
  for (const entry of timeline) {
    const previous = dense.at(-1);
    if (previous) {
      for (let minute = previous.minute_ms + MINUTE_MS; minute < entry.minute_ms; minute += MINUTE_MS) {
        dense.push({ ...previous, minute_ms: minute });
      }
    }
    dense.push(entry);
  }
  return dense.slice(-limit);
}
