/**
 * asks.csv and pulse.csv: RFC 4180 with CRLF rows, formula-safe cells, and the pulse
 * timeline replayed minute by minute until the last signal expired.
 */
import { describe, expect, test } from 'bun:test';
import { buildAsksCsv, buildPulseCsv } from '../../../src/results/back-channel-csv';
import { csvRecords, parseCrlfCsv } from '../../helpers/csv';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

describe('buildAsksCsv', () => {
  test('one row per ask with its vote count; hostile text stays inert', () => {
    const csv = buildAsksCsv(
      [
        { id: 1, studentId: '@admin', text: '=1+1', state: 'open', askedAtMs: T0 },
        { id: 2, studentId: 's2', text: 'a, "b"\u00e9', state: 'hidden', askedAtMs: T0 + 1000 },
      ],
      [
        { askId: 1, studentId: 'x', votedAtMs: T0 },
        { askId: 1, studentId: 'y', votedAtMs: T0 },
      ],
    );
    expect(parseCrlfCsv(csv)[0]).toEqual(['id', 'time', 'text', 'votes', 'state', 'student_id']);
    expect(csvRecords(csv)).toEqual([
      { id: '1', time: '2026-01-05T09:00:00.000Z', text: "'=1+1", votes: '2', state: 'open', student_id: "'@admin" },
      { id: '2', time: '2026-01-05T09:00:01.000Z', text: 'a, "b"\u00e9', votes: '0', state: 'hidden', student_id: 's2' },
    ]);
  });
});

describe('buildPulseCsv', () => {
  test('no signals: the header alone', () => {
    expect(buildPulseCsv([])).toBe('minute,lost,ok,fast,signals_sent\r\n');
  });

  test('counts at the end of each minute, through the expiry of the last signal', () => {
    const csv = buildPulseCsv([
      { studentId: 'a', value: 'lost', sentAtMs: T0 + 5_000 },
      { studentId: 'b', value: 'lost', sentAtMs: T0 + 6_000 },
      { studentId: 'a', value: 'ok', sentAtMs: T0 + 65_000 },
    ]);
    const rows = csvRecords(csv);
    expect(rows[0]).toEqual({ minute: '2026-01-05T09:00:00.000Z', lost: '2', ok: '0', fast: '0', signals_sent: '2' });
    expect(rows[1]).toEqual({ minute: '2026-01-05T09:01:00.000Z', lost: '1', ok: '1', fast: '0', signals_sent: '1' });
    // b's signal expires at 09:05:06, a's at 09:06:05.
    expect(rows[5]).toEqual({ minute: '2026-01-05T09:05:00.000Z', lost: '0', ok: '1', fast: '0', signals_sent: '0' });
    expect(rows.at(-1)).toEqual({ minute: '2026-01-05T09:06:00.000Z', lost: '0', ok: '0', fast: '0', signals_sent: '0' });
    expect(rows).toHaveLength(7);
  });
});
