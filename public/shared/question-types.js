// What the console and the projector say about a question's type: its label, its answer
// key in words, and the numbers a revote compares. Text only: the pages place it.

/** The header each type shows above the question. */
export const TYPE_LABELS = {
  single: 'Choose one',
  multiple: 'Select all that apply',
  numeric: 'Number',
  poll: 'Poll',
};

/** Types a finished first round may be asked again (peer instruction); numeric may not. */
export const REVOTE_TYPES = ['single', 'multiple', 'poll'];

/** The answer key in words ("B", "A, C, D", "10 ± 0.5"), or null for a poll or no key. */
export function answerKeyText(type, correct, tolerance = 0) {
  if (type === 'poll' || correct === null || correct === undefined) return null;
  if (type === 'numeric') return tolerance > 0 ? `${correct} ± ${tolerance}` : String(correct);
  return Array.isArray(correct) ? correct.join(', ') : String(correct);
}

/** A whole percentage of `part` in `whole`, or null when nobody answered. */
export function percentOf(part, whole) {
  return whole > 0 ? Math.round((part / whole) * 100) : null;
}

/** "Correct: 25 % → 75 % (+50 points)"; a missing round reads "—". */
export function shiftText(before, after) {
  const shown = (percent) => (percent === null ? '—' : `${percent} %`);
  const head = `Correct: ${shown(before)} → ${shown(after)}`;
  if (before === null || after === null) return head;
  const delta = after - before;
  return `${head} (${delta >= 0 ? '+' : '−'}${Math.abs(delta)} points)`;
}
