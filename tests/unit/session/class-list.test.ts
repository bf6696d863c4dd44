/** The class list: who may join under which name, and what a list means for students already joined. */
import { describe, expect, test } from 'bun:test';
import { admitByClassList, ClassList, classListView, compareWithRun } from '../../../src/session/class-list';
import { Roster } from '../../../src/session/roster';

const rows = [
  { studentId: 's1', name: 'Ann Lee', position: 0 },
  { studentId: 's2', name: 'Bob', position: 1 },
];

function rosterOf(...students: Array<[string, string]>): Roster {
  const roster = new Roster('main', 1);
  for (const [studentId, name] of students) roster.add({ studentId, name, epoch: 0, released: false, joinedAtMs: 0 });
  return roster;
}

describe('admitByClassList', () => {
  test('without a class list the typed name is used', () => {
    expect(ClassList.of([])).toBeNull();
    expect(admitByClassList(null, 'anyone', 'Typed')).toEqual({ ok: true, name: 'Typed' });
  });

  test('with one, a listed id joins under the listed name and an unlisted id is not_on_roster', () => {
    const list = ClassList.of(rows)!;
    expect(list.size).toBe(2);
    expect(admitByClassList(list, 's1', 'Prankster')).toEqual({ ok: true, name: 'Ann Lee' });
    expect(admitByClassList(list, 's2', undefined)).toEqual({ ok: true, name: 'Bob' });
    expect(admitByClassList(list, 'S1', 'Ann')).toEqual({
      ok: false,
      code: 'not_on_roster',
      message: 'this id is not on the class list — check it or ask your instructor',
    });
  });
});

describe('compareWithRun and classListView', () => {
  test('joined under another name: renamed (they keep theirs); joined but unlisted: not_listed', () => {
    const roster = rosterOf(['s1', 'xXx'], ['s2', 'Bob'], ['squatter', 'Nobody']);
    expect(compareWithRun(rows, roster)).toEqual({
      renamed: [{ student_id: 's1', joined_name: 'xXx', listed_name: 'Ann Lee' }],
      not_listed: ['squatter'],
    });
    expect(compareWithRun([], rosterOf())).toEqual({ renamed: [], not_listed: [] });
  });

  test('the list in file order, each with whether it joined the current run', () => {
    expect(classListView(ClassList.of(rows), rosterOf(['s2', 'Bob']))).toEqual([
      { student_id: 's1', name: 'Ann Lee', joined: false },
      { student_id: 's2', name: 'Bob', joined: true },
    ]);
    expect(classListView(null, rosterOf())).toEqual([]);
  });
});
