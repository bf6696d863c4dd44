/** The gradebook table and its three CSV layouts, on a small hand-made term. */
import { describe, expect, test } from 'bun:test';
import { buildGradebook } from '../../../src/results/gradebook';
import { gradebookCsv } from '../../../src/results/gradebook-csv';
import type { RunScoreRow } from '../../../src/session/past-runs';

const runs = [
  { runId: 3, title: 'Week 3, trees', pointsPossible: 3000 },
  { runId: 1, title: '=HYPERLINK("x")', pointsPossible: 2000 },
];
const score = (runId: number, studentId: string, name: string, points: number): RunScoreRow => ({
  runId,
  studentId,
  name,
  joinedAtMs: runId,
  score: points,
});
const scores = [
  score(1, 'b2', 'Bea', 1500),
  score(1, 'a1', 'Al (old name)', 900),
  score(3, 'a1', 'Al', 2000),
  score(3, 'z9', '@evil', 0),
  score(2, 'a1', 'Al', 777), // a run not chosen: ignored
];
const classList = [
  { student_id: 'c3', name: 'Cy Never-Came' },
  { student_id: 'b2', name: 'Beatrice (class list)' },
];

describe('buildGradebook', () => {
  const book = buildGradebook(runs, scores, classList);

  test('runs in run order; the class list first, in its order, then everyone else by id', () => {
    expect(book.runs.map((run) => run.runId)).toEqual([1, 3]);
    expect(book.rows.map((row) => row.studentId)).toEqual(['c3', 'b2', 'a1', 'z9']);
  });

  test('scores per run (null where absent), runs attended, total; the latest name; the class list name for who never came', () => {
    expect(book.rows).toEqual([
      { studentId: 'c3', name: 'Cy Never-Came', scores: [null, null], runsAttended: 0, total: null },
      { studentId: 'b2', name: 'Bea', scores: [1500, null], runsAttended: 1, total: 1500 },
      { studentId: 'a1', name: 'Al', scores: [900, 2000], runsAttended: 2, total: 2900 },
      { studentId: 'z9', name: '@evil', scores: [null, 0], runsAttended: 1, total: 0 },
    ]);
  });
});

describe('gradebookCsv', () => {
  const book = buildGradebook(runs, scores, classList);

  test('plain: run_<id> columns, empty cells where absent, formula-safe text, CRLF', () => {
    expect(gradebookCsv(book, 'plain')).toBe(
      [
        'student_id,name,run_1,run_3,runs_attended,total',
        'c3,Cy Never-Came,,,0,',
        'b2,Bea,1500,,1,1500',
        'a1,Al,900,2000,2,2900',
        "z9,'@evil,,0,1,0",
        '',
      ].join('\r\n'),
    );
  });

  test('moodle: "ID number" and one column per run, named by title and run', () => {
    expect(gradebookCsv(book, 'moodle')).toBe(
      [`ID number,"'=HYPERLINK(""x"") (run 1)","Week 3, trees (run 3)"`, 'c3,,', 'b2,1500,', 'a1,900,2000', 'z9,,0', ''].join('\r\n'),
    );
  });

  test('canvas: the documented header, the Points Possible row, the id as SIS User ID', () => {
    const lines = gradebookCsv(book, 'canvas').split('\r\n');
    expect(lines[0]).toBe(`Student,ID,SIS User ID,SIS Login ID,Section,"'=HYPERLINK(""x"") (run 1)","Week 3, trees (run 3)"`);
    expect(lines[1]).toBe('Points Possible,,,,,2000,3000');
    expect(lines.slice(2)).toEqual(['Cy Never-Came,,c3,,,,', 'Bea,,b2,,,1500,', 'Al,,a1,,,900,2000', "'@evil,,z9,,,,0", '']);
  });
});
