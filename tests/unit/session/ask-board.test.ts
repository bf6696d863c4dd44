/**
 * The ask limits as values: text rules (1…300 characters after trimming, no control or
 * direction characters), one ask per 20 s, three open asks, votes once, never your own,
 * never on a hidden or unknown ask, and the 50-ask cap of student snapshots.
 */
import { describe, expect, test } from 'bun:test';
import { ASK_INTERVAL_MS, MAX_OPEN_ASKS_PER_STUDENT, MAX_SNAPSHOT_ASKS } from '../../../src/protocol/constants';
import { AskBoard } from '../../../src/session/ask-board';

const T0 = 1_700_000_000_000;
let nextId = 1;

function addAsk(board: AskBoard, studentId: string, at: number, text = 'Why?') {
  const decision = board.decideAsk(studentId, text, at);
  if (!decision.ok) throw new Error(decision.code);
  return board.add({ id: nextId++, studentId, text: decision.text, state: 'open', askedAtMs: at });
}

describe('AskBoard.decideAsk', () => {
  test('texts: trimmed and NFC; blank, too long, control and direction characters refused', () => {
    const board = new AskBoard();
    expect(board.decideAsk('s', '  e\u0301  ', T0)).toEqual({ ok: true, text: '\u00e9' });
    expect(board.decideAsk('s', 'x'.repeat(300), T0).ok).toBe(true);
    expect(board.decideAsk('s', '😀'.repeat(300), T0).ok).toBe(true);
    for (const text of ['', '  ', '\t', 'x'.repeat(301), 'a\u0000b', 'a\nb', 'a\u0085b', 'a\u202Eb', 'a\u2066b', '\ufeffa', 'a\ud800']) {
      const decision = board.decideAsk('s', text, T0);
      expect(decision.ok ? 'ok' : decision.code).toBe('invalid_ask');
    }
  });

  test('one ask per 20 s per student; others are not held back', () => {
    const board = new AskBoard();
    addAsk(board, 'a', T0);
    const refused = board.decideAsk('a', 'again', T0 + ASK_INTERVAL_MS - 1);
    expect(refused).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(board.decideAsk('b', 'mine', T0 + 1).ok).toBe(true);
    expect(board.decideAsk('a', 'again', T0 + ASK_INTERVAL_MS).ok).toBe(true);
  });

  test('at most three open asks; answered or hidden ones free a slot', () => {
    const board = new AskBoard();
    const asks = Array.from({ length: MAX_OPEN_ASKS_PER_STUDENT }, (_, i) => addAsk(board, 'a', T0 + i * ASK_INTERVAL_MS));
    const later = T0 + 10 * ASK_INTERVAL_MS;
    expect(board.decideAsk('a', 'four', later)).toMatchObject({ ok: false, code: 'too_many_open_asks' });
    expect(board.setState(asks[0]!, 'answered')).toBe(true);
    expect(board.setState(asks[0]!, 'answered')).toBe(false);
    expect(board.decideAsk('a', 'four', later).ok).toBe(true);
    addAsk(board, 'a', later);
    expect(board.decideAsk('a', 'five', later + ASK_INTERVAL_MS).ok).toBe(false);
    board.setState(asks[1]!, 'hidden');
    expect(board.decideAsk('a', 'five', later + ASK_INTERVAL_MS).ok).toBe(true);
  });

  test('asks loaded after a restart keep the limits', () => {
    const board = new AskBoard();
    board.add({ id: 1, studentId: 'a', text: 'x', state: 'open', askedAtMs: T0 }, ['b']);
    expect(board.decideAsk('a', 'y', T0 + 1)).toMatchObject({ code: 'rate_limited' });
    expect(board.decideVote('b', 1)).toMatchObject({ code: 'already_upvoted' });
  });
});

describe('AskBoard.decideVote', () => {
  test('once per student, never your own, never hidden or unknown', () => {
    const board = new AskBoard();
    const ask = addAsk(board, 'asker', T0);
    expect(board.decideVote('asker', ask.id)).toMatchObject({ ok: false, code: 'own_ask' });
    expect(board.decideVote('v', 999)).toMatchObject({ ok: false, code: 'ask_not_found' });
    const decision = board.decideVote('v', ask.id);
    expect(decision.ok).toBe(true);
    ask.voters.add('v');
    expect(board.decideVote('v', ask.id)).toMatchObject({ ok: false, code: 'already_upvoted' });
    board.setState(ask, 'answered');
    expect(board.decideVote('w', ask.id).ok).toBe(true);
    board.setState(ask, 'hidden');
    expect(board.decideVote('w', ask.id)).toMatchObject({ ok: false, code: 'ask_not_found' });
  });
});

describe('views', () => {
  test('students: newest first, no hidden asks, at most 50, mine only for the asker', () => {
    const board = new AskBoard();
    const all = Array.from({ length: 60 }, (_, i) => addAsk(board, `s${i}`, T0));
    board.setState(all[59]!, 'hidden');
    const views = board.studentViews('s58');
    expect(views).toHaveLength(MAX_SNAPSHOT_ASKS);
    expect(views[0]).toEqual({ id: all[58]!.id, text: 'Why?', votes: 0, state: 'open', mine: true, voted: false });
    expect(views.slice(1).every((view) => !view.mine)).toBe(true);
    expect(views.map((view) => view.id)).toEqual(all.slice(9, 59).map((ask) => ask.id).reverse());
    expect(JSON.stringify(views)).not.toContain('s58');
  });

  test('admins: every ask, hidden too, with the asker id', () => {
    const board = new AskBoard();
    const ask = addAsk(board, 'asker', T0);
    board.setState(ask, 'hidden');
    expect(board.adminViews()).toEqual([
      { id: ask.id, text: 'Why?', votes: 0, state: 'hidden', mine: false, student_id: 'asker', asked_at_ms: T0 },
    ]);
  });
});
