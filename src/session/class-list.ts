/**
 * The class list (roster) of the course: the student ids allowed to join, each with the
 * name the list gives. It outlives runs (stored in the `class_list` table). With a class
 * list only listed ids join, under the listed name; without one anyone joins under the
 * name they type. Loading a list never changes a student already joined in the current run:
 * `compareWithRun` says what the list means for them, before or after it is applied.
 */
import type { ClassListEntry } from '../protocol/http-bodies';
import { refuse, type Outcome } from './outcome';
import type { ClassListRow } from './ports';
import type { Roster } from './roster';

export class ClassList {
  readonly #names: Map<string, string>;

  private constructor(readonly rows: readonly ClassListRow[]) {
    this.#names = new Map(rows.map((row) => [row.studentId, row.name]));
  }

  /** The stored list, or null when there is none. */
  static of(rows: readonly ClassListRow[]): ClassList | null {
    return rows.length === 0 ? null : new ClassList(rows);
  }

  get size(): number {
    return this.#names.size;
  }

  nameOf(studentId: string): string | undefined {
    return this.#names.get(studentId);
  }
}

/**
 * Who may join and under which name: with a list, a listed id under its listed name (the
 * typed name is ignored); without one, the typed name (the route has made sure there is one).
 */
export function admitByClassList(list: ClassList | null, studentId: string, typedName: string | undefined): Outcome<{ name: string }> {
  if (!list) return { ok: true, name: typedName ?? studentId };
  const listed = list.nameOf(studentId);
  if (listed === undefined) return refuse('not_on_roster', 'this id is not on the class list — check it or ask your instructor');
  return { ok: true, name: listed };
}

export interface ClassListComparison {
  /** Joined in the current run under another name: they keep the name they joined with. */
  renamed: Array<{ student_id: string; joined_name: string; listed_name: string }>;
  /** Joined in the current run but not listed: they stay joined until removed. */
  not_listed: string[];
}

/** What a class list means for the students already joined in the current run. */
export function compareWithRun(rows: readonly ClassListRow[], roster: Roster): ClassListComparison {
  const listed = new Map(rows.map((row) => [row.studentId, row.name]));
  const comparison: ClassListComparison = { renamed: [], not_listed: [] };
  for (const entry of roster.entries()) {
    const name = listed.get(entry.studentId);
    if (name === undefined) comparison.not_listed.push(entry.studentId);
    else if (name !== entry.name) comparison.renamed.push({ student_id: entry.studentId, joined_name: entry.name, listed_name: name });
  }
  return comparison;
}

/** The list as `GET /admin/api/roster` shows it: in file order, each with whether it has joined the current run. */
export function classListView(list: ClassList | null, roster: Roster): ClassListEntry[] {
  return (list?.rows ?? []).map((row) => ({ student_id: row.studentId, name: row.name, joined: roster.get(row.studentId) !== undefined }));
}
