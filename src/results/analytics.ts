/**
 * Item analysis of one run, per question: how many answered (round 1), the percent fully
 * right, the median time to answer, the answer distribution, and the discrimination index.
 *
 * Discrimination (classical, Kelley's 27 %): the students who answered at least one
 * question are ranked by their run total (ties by student id, so the result is stable);
 * the top k and the bottom k, k = round(0.27 × n), are the upper and lower groups; the
 * index is the share of the upper group fully right on the question minus the lower
 * group's (not answering counts as not right). It runs from −1 to 1; below 0 the
 * students who did worst overall did better on this question, which usually means a
 * wrong key or a misleading text. With fewer than MIN_STUDENTS_FOR_DISCRIMINATION
 * students (a group of fewer than 3) it is null: one student would swing it by a third.
 * Pure: rows in, numbers out.
 */
import type { Pool, PoolQuestion } from '../protocol/pool';
import { MIN_STUDENTS_FOR_DISCRIMINATION, type QuestionAnalytics, type QuestionFlag } from '../protocol/runs';
import { countKeysOf, creditFor, zeroCounts } from '../session/answers';
import type { QuestionOpenRow } from '../session/past-runs';
import type { AnswerRow } from '../session/ports';

const UPPER_LOWER_SHARE = 0.27;

/** The middle value (the mean of the two middle values for an even count), rounded to a millisecond. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
}

const roundTo = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

interface Groups {
  upper: ReadonlySet<string>;
  lower: ReadonlySet<string>;
  size: number;
}

/** The upper and lower 27 % by run total, or null for a class too small to split. */
export function discriminationGroups(totals: ReadonlyMap<string, number>): Groups | null {
  if (totals.size < MIN_STUDENTS_FOR_DISCRIMINATION) return null;
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id]) => id);
  const size = Math.round(UPPER_LOWER_SHARE * ranked.length);
  return { upper: new Set(ranked.slice(0, size)), lower: new Set(ranked.slice(-size)), size };
}

export function computeRunAnalytics(pool: Pool, answers: readonly AnswerRow[], opens: readonly QuestionOpenRow[]): QuestionAnalytics[] {
  const firstRound = answers.filter((answer) => answer.round === 1);
  const totals = new Map<string, number>();
  for (const answer of answers) totals.set(answer.studentId, (totals.get(answer.studentId) ?? 0) + answer.points);
  for (const answer of firstRound) if (!totals.has(answer.studentId)) totals.set(answer.studentId, 0);
  const groups = discriminationGroups(totals);
  const byQuestion = new Map<number, AnswerRow[]>();
  for (const answer of firstRound) {
    const list = byQuestion.get(answer.questionIdx) ?? [];
    list.push(answer);
    byQuestion.set(answer.questionIdx, list);
  }
  const openedAt = new Map(opens.filter((open) => open.round === 1).map((open) => [open.questionIdx, open.openedAtMs]));
  return pool.questions.map((question, index) =>
    analyseQuestion(question, index, byQuestion.get(index) ?? [], openedAt.get(index) ?? null, groups),
  );
}

function analyseQuestion(
  question: PoolQuestion,
  index: number,
  answers: readonly AnswerRow[],
  openedAt: number | null,
  groups: Groups | null,
): QuestionAnalytics {
  const counts = zeroCounts(question);
  const rightIds = new Set<string>();
  for (const answer of answers) {
    for (const key of countKeysOf(question, answer.choice)) counts[key] = (counts[key] ?? 0) + 1;
    if (creditFor(question, answer.choice) === 1) rightIds.add(answer.studentId);
  }
  const isPoll = question.type === 'poll';
  const correctPct = isPoll || answers.length === 0 ? null : roundTo((100 * rightIds.size) / answers.length, 1);
  const rightIn = (group: ReadonlySet<string>) => [...group].filter((id) => rightIds.has(id)).length;
  const discrimination =
    isPoll || !groups ? null : roundTo((rightIn(groups.upper) - rightIn(groups.lower)) / groups.size, 3);
  const flags: QuestionFlag[] = [];
  if (!isPoll && answers.length > 0 && rightIds.size === 0) flags.push('nobody_right');
  if (discrimination !== null && discrimination < 0) flags.push('negative_discrimination');
  return {
    question_idx: index,
    type: question.type,
    text: question.text,
    correct: question.answer,
    answered: answers.length,
    correct_pct: correctPct,
    median_answer_ms: openedAt === null ? null : median(answers.map((answer) => Math.max(0, answer.receivedAtMs - openedAt))),
    counts,
    discrimination,
    flags,
  };
}
