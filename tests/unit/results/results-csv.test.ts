import { describe, expect, test } from 'bun:test';
import type { AnswerRow, StudentRow } from '../../../src/session/ports';
import { buildResultsCsv, csvCell } from '../../../src/results/results-csv';
import type { Pool } from '../../../src/protocol/pool';
import { makePool, makeQuestion } from '../../helpers/test-server';
import { parseCrlfCsv } from '../../helpers/csv';

const pool = makePool(2);

let joinClock = 1_000;
function student(studentId: string, name: string): StudentRow {
  joinClock += 1;
  return { studentId, name, epoch: 0, released: false, joinedAtMs: joinClock };
}

function answer(studentId: string, questionIdx: number, choice: string, points: number, round: 1 | 2 = 1): AnswerRow {
  return { studentId, questionIdx, round, choice, points, receivedAtMs: 5_000 };
}

describe('buildResultsCsv', () => {
  test('header row names every question’s choice and points, then total and rank', () => {
    const csv = buildResultsCsv(makePool(3), [], []);
    expect(csv).toBe('student_id,name,q1_choice,q1_points,q2_choice,q2_points,q3_choice,q3_points,total,rank\r\n');
  });

  test('rows are sorted by rank with totals summed across questions', () => {
    const students = [student('s1', 'Ann'), student('s2', 'Bob'), student('s3', 'Cid')];
    const answers = [
      answer('s1', 0, 'A', 0),
      answer('s1', 1, 'C', 0),
      answer('s2', 0, 'A', 900),
      answer('s2', 1, 'B', 800),
      answer('s3', 0, 'A', 1000),
      answer('s3', 1, 'D', 0),
    ];
    const rows = parseCrlfCsv(buildResultsCsv(pool, students, answers));
    expect(rows[0]).toEqual(['student_id', 'name', 'q1_choice', 'q1_points', 'q2_choice', 'q2_points', 'total', 'rank']);
    expect(rows.slice(1)).toEqual([
      ['s2', 'Bob', 'A', '900', 'B', '800', '1700', '1'],
      ['s3', 'Cid', 'A', '1000', 'D', '0', '1000', '2'],
      ['s1', 'Ann', 'A', '0', 'C', '0', '0', '3'],
    ]);
  });

  test('a student with no answers gets empty cells, total 0, and is ranked', () => {
    const students = [student('s1', 'Ann'), student('s2', 'Bob'), student('s3', 'Cid')];
    const answers = [answer('s1', 0, 'A', 1000), answer('s3', 1, 'C', 0)];
    const rows = parseCrlfCsv(buildResultsCsv(pool, students, answers));
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual(['s1', 'Ann', 'A', '1000', '', '', '1000', '1']);
    const bob = rows.find((row) => row[0] === 's2')!;
    expect(bob).toEqual(['s2', 'Bob', '', '', '', '', '0', '2']);
    const cid = rows.find((row) => row[0] === 's3')!;
    expect(cid).toEqual(['s3', 'Cid', '', '', 'C', '0', '0', '2']);
  });

  test('a wrong answer shows its choice and 0 points, distinct from no answer', () => {
    const rows = parseCrlfCsv(buildResultsCsv(pool, [student('s1', 'Ann')], [answer('s1', 1, 'D', 0)]));
    expect(rows[1]!.slice(2, 6)).toEqual(['', '', 'D', '0']);
  });

  test('ties share a rank and the next rank skips', () => {
    const students = [student('a', 'A'), student('b', 'B'), student('c', 'C'), student('d', 'D')];
    const answers = [answer('a', 0, 'A', 500), answer('b', 0, 'A', 900), answer('c', 0, 'A', 900), answer('d', 0, 'A', 100)];
    const rows = parseCrlfCsv(buildResultsCsv(pool, students, answers)).slice(1);
    expect(rows.map((row) => [row[0], row.at(-2), row.at(-1)])).toEqual([
      ['b', '900', '1'],
      ['c', '900', '1'],
      ['a', '500', '3'],
      ['d', '100', '4'],
    ]);
  });

  test('every line ends with CRLF and there is no bare LF', () => {
    const csv = buildResultsCsv(pool, [student('s1', 'Ann'), student('s2', 'Bob')], [answer('s1', 0, 'A', 1000)]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(4);
    expect(csv.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  test('names with commas, quotes and newlines are quoted per RFC 4180', () => {
    const students = [student('s1', 'Smith, Ann'), student('s2', 'Bob "Bobby" Jones'), student('s3', 'line one\nline two')];
    const csv = buildResultsCsv(pool, students, []);
    expect(csv).toContain('"Smith, Ann"');
    expect(csv).toContain('"Bob ""Bobby"" Jones"');
    expect(csv).toContain('"line one\nline two"');
    const rows = parseCrlfCsv(csv);
    expect(rows.slice(1).map((row) => row[1])).toEqual(['Smith, Ann', 'Bob "Bobby" Jones', 'line one\nline two']);
    for (const row of rows) expect(row).toHaveLength(8);
  });

  test.each(['=1+2', '+1', '-1', '@SUM(A1)', '=HYPERLINK("http://x","y")'])(
    'a name starting with a formula trigger (%p) is neutralised with a leading quote',
    (name) => {
      const rows = parseCrlfCsv(buildResultsCsv(pool, [student('s1', name)], []));
      expect(rows[1]![1]).toBe(`'${name}`);
    },
  );

  test('a student_id starting with a formula trigger is neutralised too', () => {
    const rows = parseCrlfCsv(buildResultsCsv(pool, [student('=cmd', 'Ann'), student('-5', 'Bob')], []));
    expect(rows.slice(1).map((row) => row[0])).toEqual(["'=cmd", "'-5"]);
  });

  test('a formula trigger that is not leading is left alone', () => {
    const rows = parseCrlfCsv(buildResultsCsv(pool, [student('a=b', 'Ann-Marie')], []));
    expect(rows[1]!.slice(0, 2)).toEqual(['a=b', 'Ann-Marie']);
  });

  test('an answer for one student does not leak into another student’s row', () => {
    const students = [student('s1', 'Ann'), student('s10', 'Ten')];
    const rows = parseCrlfCsv(buildResultsCsv(pool, students, [answer('s10', 0, 'A', 1000)]));
    expect(rows.find((row) => row[0] === 's1')!.slice(2, 4)).toEqual(['', '']);
  });
});

describe('buildResultsCsv: question types and revotes', () => {
  /** multiple, numeric, single, poll. */
  const typed: Pool = {
    title: 'typed',
    scoring: 'speed',
    questions: [
      makeQuestion({ type: 'multiple', answer: ['A', 'C'] }),
      makeQuestion({ type: 'numeric', answer: -2, tolerance: 0.5 }),
      makeQuestion({ type: 'single', answer: 'B' }),
      makeQuestion({ type: 'poll' }),
    ],
  };

  test('a multiple answer is its letters joined by +; a numeric one is a number, not a neutralised formula', () => {
    const students = [student('s1', 'Ann')];
    const rows = parseCrlfCsv(buildResultsCsv(typed, students, [answer('s1', 0, 'A+C', 900), answer('s1', 1, '-2', 950), answer('s1', 3, 'D', 0)]));
    expect(rows[0]).toEqual(['student_id', 'name', 'q1_choice', 'q1_points', 'q2_choice', 'q2_points', 'q3_choice', 'q3_points', 'q4_choice', 'q4_points', 'total', 'rank']);
    expect(rows[1]).toEqual(['s1', 'Ann', 'A+C', '900', '-2', '950', '', '', 'D', '0', '1850', '1']);
  });

  test('a revoted question adds its round-2 column after its two; round 2 adds nothing to the total', () => {
    const students = [student('s1', 'Ann'), student('s2', 'Bob')];
    const answers = [
      answer('s1', 2, 'B', 900),
      answer('s2', 2, 'A', 0),
      answer('s1', 2, 'A', 0, 2),
      answer('s2', 2, 'B', 0, 2),
      answer('s1', 0, 'A+C', 1000),
      answer('s2', 0, 'A', 500),
      answer('s2', 0, 'A+C', 0, 2),
    ];
    const rows = parseCrlfCsv(buildResultsCsv(typed, students, answers));
    expect(rows[0]).toEqual([
      'student_id',
      'name',
      'q1_choice',
      'q1_points',
      'q1_round2_choice',
      'q2_choice',
      'q2_points',
      'q3_choice',
      'q3_points',
      'q3_round2_choice',
      'q4_choice',
      'q4_points',
      'total',
      'rank',
    ]);
    expect(rows.slice(1)).toEqual([
      ['s1', 'Ann', 'A+C', '1000', '', '', '', 'B', '900', 'A', '', '', '1900', '1'],
      ['s2', 'Bob', 'A', '500', 'A+C', '', '', 'A', '0', 'B', '', '', '500', '2'],
    ]);
  });

  test('a revote nobody answered adds no column', () => {
    const rows = parseCrlfCsv(buildResultsCsv(typed, [student('s1', 'Ann')], [answer('s1', 2, 'B', 900)]));
    expect(rows[0]!.some((name) => name.includes('round2'))).toBe(false);
  });
});

describe('csvCell', () => {
  test('numbers are written plainly, negative ones are not neutralised', () => {
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-5)).toBe('-5');
  });

  test('plain text is left unquoted', () => {
    expect(csvCell('Ann')).toBe('Ann');
  });

  test('a neutralised cell that also needs quoting is quoted after the prefix', () => {
    expect(csvCell('=a,b')).toBe(`"'=a,b"`);
  });
});
