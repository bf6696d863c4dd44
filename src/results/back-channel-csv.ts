/**
 * The back channel's exports, quoted like results.csv (csvCell: RFC 4180, formula-safe):
 * - asks.csv: one row per ask of a run, oldest first (id, time, text, votes, state, student_id);
 * - pulse.csv: the pulse timeline, one row per minute from the first signal until the last
 *   one expired, with the live counts at the end of that minute and the signals sent in it.
 *   It is replayed through the same PulseMeter the console's live bars come from.
 */
import type { AskRow, AskVoteRow, PulseRow } from '../session/ports';
import { minuteOf, PulseMeter } from '../session/pulse-meter';
import { csvCell } from './results-csv';

const MINUTE_MS = 60_000;

const toCsv = (rows: (string | number)[][]) => `${rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;

export function buildAsksCsv(asks: readonly AskRow[], votes: readonly AskVoteRow[]): string {
  const votesByAsk = new Map<number, number>();
  for (const vote of votes) votesByAsk.set(vote.askId, (votesByAsk.get(vote.askId) ?? 0) + 1);
  return toCsv([
    ['id', 'time', 'text', 'votes', 'state', 'student_id'],
    ...asks.map((ask) => [ask.id, new Date(ask.askedAtMs).toISOString(), ask.text, votesByAsk.get(ask.id) ?? 0, ask.state, ask.studentId]),
  ]);
}

export function buildPulseCsv(signals: readonly PulseRow[]): string {
  const rows: (string | number)[][] = [['minute', 'lost', 'ok', 'fast', 'signals_sent']];
  if (signals.length > 0) {
    const meter = new PulseMeter();
    let next = 0;
    // Until the minute after the last signal expired: the timeline ends at zero.
    for (let minute = minuteOf(signals[0]!.sentAtMs); next < signals.length || meter.nextExpiryAt() !== null; minute += MINUTE_MS) {
      const end = minute + MINUTE_MS;
      let sent = 0;
      for (; next < signals.length && signals[next]!.sentAtMs < end; next++, sent++) {
        meter.record(signals[next]!.studentId, signals[next]!.value, signals[next]!.sentAtMs);
      }
      const counts = meter.counts(end - 1);
      rows.push([new Date(minute).toISOString(), counts.lost, counts.ok, counts.fast, sent]);
    }
  }
  return toCsv(rows);
}
