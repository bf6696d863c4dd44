// The shift a revote made: the share of respondents who answered fully right in round 1
// and in round 2, from the server's tallies (`tally`, `first_round_tally`: how many answered
// a round and how many of them got it exactly right, a multiple question's whole set
// included). A poll has no right answer and no shift.
import { percentOf, shiftText } from '/static/shared/question-types.js';

/** `{ before, after }` percentages (null: nobody answered that round), or null when there is no shift. */
export function revoteShift({ tally, firstRoundTally }) {
  if (!tally || !firstRoundTally || tally.correct === null || firstRoundTally.correct === null) return null;
  return {
    before: percentOf(firstRoundTally.correct, firstRoundTally.answered),
    after: percentOf(tally.correct, tally.answered),
  };
}

/** Shows "Correct: 25 % → 75 % (+50 points)" in `box` once round 2 has closed; hides it otherwise. */
export function showShift(box, state) {
  const shift = revoteShift(state);
  box.hidden = !shift;
  box.textContent = shift ? shiftText(shift.before, shift.after) : '';
}
