/**
 * The asks of one run, in memory: their text, state and voters, and each student's limits
 * (one ask per ASK_INTERVAL_MS, MAX_OPEN_ASKS_PER_STUDENT open). Decides asks and votes as
 * values; the back channel persists what it decides and only then publishes. Every
 * decision is O(1): nothing here walks the roster or the list of asks.
 */
import {
  ASK_INTERVAL_MS,
  MAX_OPEN_ASKS_PER_STUDENT,
  MAX_SNAPSHOT_ASKS,
  type AskState,
  type FrameErrorCode,
} from '../protocol/constants';
import { checkAskText } from '../protocol/person-text';
import type { AdminAskView, StudentAskView } from '../protocol/server-frames';

export interface Ask {
  id: number;
  studentId: string;
  text: string;
  state: AskState;
  askedAtMs: number;
  /** Everyone whose vote counts (a set: a second vote from the same id is refused). */
  voters: Set<string>;
}

export type AskRefusal = { ok: false; code: FrameErrorCode; message: string };
export type AskDecision = { ok: true; text: string } | AskRefusal;
export type VoteDecision = { ok: true; ask: Ask } | AskRefusal;

const refusal = (code: FrameErrorCode, message: string): AskRefusal => ({ ok: false, code, message });

export class AskBoard {
  /** By id, and in creation order (newest first is a walk from the end). */
  readonly #asks = new Map<number, Ask>();
  readonly #inOrder: Ask[] = [];
  readonly #lastAskAt = new Map<string, number>();
  readonly #openCount = new Map<string, number>();

  get size(): number {
    return this.#asks.size;
  }

  get(id: number): Ask | undefined {
    return this.#asks.get(id);
  }

  /** Whether `studentId` may ask `rawText` now; the trimmed text if so. */
  decideAsk(studentId: string, rawText: string, now: number): AskDecision {
    const checked = checkAskText(rawText);
    if (!checked.ok) return refusal('invalid_ask', `the question ${checked.problem}`);
    const last = this.#lastAskAt.get(studentId);
    if (last !== undefined && now - last < ASK_INTERVAL_MS) {
      const waitS = Math.ceil((ASK_INTERVAL_MS - (now - last)) / 1000);
      return refusal('rate_limited', `one question every ${ASK_INTERVAL_MS / 1000} s: try again in ${waitS} s`);
    }
    if ((this.#openCount.get(studentId) ?? 0) >= MAX_OPEN_ASKS_PER_STUDENT) {
      return refusal('too_many_open_asks', `at most ${MAX_OPEN_ASKS_PER_STUDENT} open questions each: wait until one is answered`);
    }
    return { ok: true, text: checked.value };
  }

  /** Adds a stored ask (a new one, or one loaded after a restart) with its voters. */
  add(ask: Omit<Ask, 'voters'>, voters: Iterable<string> = []): Ask {
    const full: Ask = { ...ask, voters: new Set(voters) };
    this.#asks.set(full.id, full);
    this.#inOrder.push(full);
    const last = this.#lastAskAt.get(ask.studentId);
    if (last === undefined || ask.askedAtMs > last) this.#lastAskAt.set(ask.studentId, ask.askedAtMs);
    if (ask.state === 'open') this.#openCount.set(ask.studentId, (this.#openCount.get(ask.studentId) ?? 0) + 1);
    return full;
  }

  decideVote(studentId: string, askId: number): VoteDecision {
    const ask = this.#asks.get(askId);
    // A hidden ask is as unknown to students as one that never existed.
    if (!ask || ask.state === 'hidden') return refusal('ask_not_found', 'no such question');
    if (ask.studentId === studentId) return refusal('own_ask', 'you cannot upvote your own question');
    if (ask.voters.has(studentId)) return refusal('already_upvoted', 'you already upvoted this question');
    return { ok: true, ask };
  }

  /** Moves an ask to a new state; false if it was already there. */
  setState(ask: Ask, state: AskState): boolean {
    if (ask.state === state) return false;
    if (ask.state === 'open') this.#openCount.set(ask.studentId, (this.#openCount.get(ask.studentId) ?? 1) - 1);
    if (state === 'open') this.#openCount.set(ask.studentId, (this.#openCount.get(ask.studentId) ?? 0) + 1);
    ask.state = state;
    return true;
  }

  /** Asks by this student, and asks this student voted for (what forgetting a student touches). */
  asksTouchedBy(studentId: string): { asked: Ask[]; votedFor: Ask[] } {
    const asked: Ask[] = [];
    const votedFor: Ask[] = [];
    for (const ask of this.#asks.values()) {
      if (ask.studentId === studentId) asked.push(ask);
      else if (ask.voters.has(studentId)) votedFor.push(ask);
    }
    return { asked, votedFor };
  }

  /** What one student's snapshot carries: the newest open and answered asks, at most MAX_SNAPSHOT_ASKS. */
  studentViews(studentId: string): StudentAskView[] {
    const views: StudentAskView[] = [];
    const all = this.#inOrder;
    for (let position = all.length - 1; position >= 0 && views.length < MAX_SNAPSHOT_ASKS; position--) {
      const ask = all[position]!;
      if (ask.state !== 'hidden') views.push({ ...studentAskView(ask, ask.studentId === studentId), voted: ask.voters.has(studentId) });
    }
    return views;
  }

  /** Every ask, newest first, with the asker's id. */
  adminViews(): AdminAskView[] {
    return this.#inOrder.map(adminAskView).reverse();
  }
}

export function studentAskView(ask: Ask, mine: boolean): StudentAskView {
  const state = ask.state === 'answered' ? 'answered' : 'open';
  return { id: ask.id, text: ask.text, votes: ask.voters.size, state, mine };
}

export function adminAskView(ask: Ask): AdminAskView {
  return {
    id: ask.id,
    text: ask.text,
    votes: ask.voters.size,
    state: ask.state,
    mine: false,
    student_id: ask.studentId,
    asked_at_ms: ask.askedAtMs,
  };
}
