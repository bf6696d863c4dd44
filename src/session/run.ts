/**
 * One run as the session holds it in memory: its id, the pool it plays, its phase, its
 * students and their answers. Rebuilt from storage on start-up and on `reset`; the
 * controller is the only one that changes it.
 */
import { SESSION_ID, type Round } from '../protocol/constants';
import type { Pool } from '../protocol/pool';
import { readStoredPool } from '../pool/pool';
import { countKeysOf, creditFor } from './answers';
import { AnswerBook } from './answer-book';
import type { SessionState } from './machine';
import type { AnswerRow, RunRecord, SessionStore } from './ports';
import { Roster, type StudentEntry } from './roster';
import { rankScores } from './scoring';

export interface FinalStanding {
  entry: StudentEntry;
  rank: number;
}

export class Run {
  readonly roster: Roster;
  readonly book = new AnswerBook();
  /** Ranks once the run has ended, computed once and again only if someone joins late or is removed. */
  #finalRanks: { rosterVersion: number; byStudent: Map<string, number> } | null = null;

  private constructor(
    readonly id: number,
    public pool: Pool,
    public state: SessionState,
  ) {
    this.roster = new Roster(SESSION_ID, id);
  }

  /** The run a stored record describes, with its students, answers and revealed scores. */
  static load(record: RunRecord, store: SessionStore): Run {
    const run = new Run(record.id, readStoredPool(record.poolJson), record.state);
    for (const row of store.listStudents(run.id)) run.roster.add(row);
    const { state } = run;
    const isOpen = (answer: AnswerRow) =>
      state.phase === 'question' && answer.questionIdx === state.index && answer.round === state.round;
    for (const answer of store.listAnswers(run.id)) {
      const question = run.pool.questions[answer.questionIdx];
      if (!question) continue;
      run.book.commit(answer.questionIdx, answer.round, answer.studentId, {
        stored: answer.choice,
        points: answer.points,
        countKeys: countKeysOf(question, answer.choice),
        fullyCorrect: creditFor(question, answer.choice) === 1,
      });
      // Points of the open question stay hidden until it closes (see revealPoints).
      const entry = run.roster.get(answer.studentId);
      if (entry && !isOpen(answer)) entry.score += answer.points;
    }
    return run;
  }

  /**
   * Scores move only when a question closes: a score that jumped while the question was
   * open would tell the student (and whoever sees their phone) that the answer was right.
   */
  revealPoints(questionIdx: number, round: Round): void {
    for (const [studentId, answer] of this.book.answersTo(questionIdx, round)) {
      const entry = this.roster.get(studentId);
      if (entry && answer.committed) entry.score += answer.points;
    }
  }

  /** Every student by rank, ties in join order. */
  standings(): FinalStanding[] {
    const entries = this.roster.list();
    const ranks = rankScores(entries.map((entry) => entry.score));
    return entries
      .map((entry, position) => ({ entry, rank: ranks[position]! }))
      .sort((a, b) => a.rank - b.rank || a.entry.joinedAtMs - b.entry.joinedAtMs);
  }

  /** A student's final rank once the run has ended, else undefined. */
  finalRankOf(entry: StudentEntry): number | undefined {
    if (this.state.phase !== 'ended') return undefined;
    if (!this.#finalRanks || this.#finalRanks.rosterVersion !== this.roster.version) {
      const byStudent = new Map(this.standings().map(({ entry: ranked, rank }) => [ranked.studentId, rank]));
      this.#finalRanks = { rosterVersion: this.roster.version, byStudent };
    }
    return this.#finalRanks.byStudent.get(entry.studentId);
  }
}
