/**
 * The SQLite side of the back channel (session/ports.ts `BackChannelStore`): asks, their
 * votes and the pulse signals of each run. Votes and signals of one event-loop turn are
 * written in one synchronous transaction (a vote storm is a few commits, not one each).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { AskState } from '../protocol/constants';
import type { AskVoteRow, BackChannelStore, PulseRow } from '../session/ports';
import type { QuizDatabase } from './open';
import { askVotes, asks, pulses } from './schema';

export function createBackChannelStore(db: QuizDatabase): BackChannelStore {
  const insertVote = db.$client.prepare<unknown, [number, number, string, number]>(
    'INSERT INTO ask_votes (run_id, ask_id, student_id, voted_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const insertPulse = db.$client.prepare<unknown, [number, string, string, number]>(
    'INSERT INTO pulses (run_id, student_id, value, sent_at_ms) VALUES (?, ?, ?, ?)',
  );
  const commitSignals = db.$client.transaction((runId: number, votes: readonly AskVoteRow[], signals: readonly PulseRow[]) => {
    for (const vote of votes) insertVote.run(runId, vote.askId, vote.studentId, vote.votedAtMs);
    for (const signal of signals) insertPulse.run(runId, signal.studentId, signal.value, signal.sentAtMs);
  });

  return {
    insertAsk(runId, ask) {
      return db.insert(asks).values({ runId, ...ask }).returning({ id: asks.id }).get().id;
    },

    setAskState(runId: number, askId: number, state: AskState) {
      db.update(asks).set({ state }).where(and(eq(asks.runId, runId), eq(asks.id, askId))).run();
    },

    listAsks(runId) {
      return db
        .select({ id: asks.id, studentId: asks.studentId, text: asks.text, state: asks.state, askedAtMs: asks.askedAtMs })
        .from(asks)
        .where(eq(asks.runId, runId))
        .orderBy(asc(asks.id))
        .all();
    },

    listAskVotes(runId) {
      return db
        .select({ askId: askVotes.askId, studentId: askVotes.studentId, votedAtMs: askVotes.votedAtMs })
        .from(askVotes)
        .where(eq(askVotes.runId, runId))
        .all();
    },

    listPulses(runId) {
      return db
        .select({ studentId: pulses.studentId, value: pulses.value, sentAtMs: pulses.sentAtMs })
        .from(pulses)
        .where(eq(pulses.runId, runId))
        .orderBy(asc(pulses.sentAtMs), asc(pulses.id))
        .all();
    },

    insertSignals(runId, votes, signals) {
      commitSignals(runId, votes, signals);
    },

    deleteVotesBy(runId, studentId) {
      db.delete(askVotes).where(and(eq(askVotes.runId, runId), eq(askVotes.studentId, studentId))).run();
    },
  };
}
