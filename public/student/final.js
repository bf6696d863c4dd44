// The end of the quiz: the final rank and score, remembered on this device so a reload
// after the end still shows them (the snapshot after the end may not carry the rank).
import { announce, el, FINAL_KEY, showView, state, writeStored } from './page.js';
import { stopTicking } from './question.js';
import { collapseTerm } from './term.js';

function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return 'th';
  return { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th';
}

export function showFinal({ score, rank, total, announce: speak }) {
  stopTicking();
  state.question = null;
  const hasRank = typeof rank === 'number';
  if (hasRank && state.me) {
    writeStored(FINAL_KEY, { student_id: state.me.student_id, score, rank, total });
  }
  el.finalPlacing.hidden = !hasRank;
  el.finalRank.textContent = hasRank ? String(rank) : '';
  el.finalOrdinal.textContent = hasRank ? ordinal(rank) : '';
  el.finalTotal.textContent = typeof total === 'number' ? String(total) : '';
  el.finalScore.textContent = String(score ?? state.me?.score ?? 0);
  collapseTerm();
  showView(el.final);
  if (speak) {
    announce(
      hasRank
        ? `Quiz over. You placed ${rank}${ordinal(rank)} of ${total} with ${score} points.`
        : `Quiz over. You scored ${score} points.`,
    );
  }
}
