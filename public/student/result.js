// The result of one question and the final standing.
import { CHOICE_LETTERS } from '/static/protocol.js';
import { announce, el, FINAL_KEY, showView, state, writeStored } from './page.js';
import { stopTicking } from './question.js';

function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return 'th';
  return { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th';
}

export function showResult({ idx, correct, explanation, yourChoice, points, score, choices, announce: speak }) {
  stopTicking();
  const choiceList = choices ?? [];
  const correctText = choiceList[CHOICE_LETTERS.indexOf(correct)] ?? '';
  state.question = null;
  if (state.me) state.me.score = score;

  let verdict;
  if (!yourChoice) verdict = 'No answer';
  else if (yourChoice === correct) verdict = 'Correct!';
  else verdict = 'Not quite';
  el.verdict.textContent = verdict;
  el.verdict.classList.toggle('correct', Boolean(yourChoice) && yourChoice === correct);
  el.verdict.classList.toggle('wrong', Boolean(yourChoice) && yourChoice !== correct);

  el.resultCorrect.textContent = correct;
  el.resultCorrectText.textContent = correctText;
  if (yourChoice) {
    const yourText = choiceList[CHOICE_LETTERS.indexOf(yourChoice)];
    el.resultYours.textContent = `Your answer: ${yourChoice}${yourText ? ` — ${yourText}` : ''}`;
  } else {
    el.resultYours.textContent = 'You did not answer this question.';
  }
  el.resultPoints.textContent = String(points);
  el.score.textContent = String(score);
  el.resultExplanation.textContent = explanation ?? '';
  el.resultExplanation.hidden = !explanation;
  el.resultNext.textContent =
    state.totalQuestions && idx + 1 >= state.totalQuestions ? 'That was the last question.' : 'Waiting for the next question…';
  showView(el.result);
  if (speak) {
    announce(`Question closed. The answer was ${correct}${correctText ? `, ${correctText}` : ''}. ${verdict} You got ${points} points; your score is ${score}.`);
  }
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
  showView(el.final);
  if (speak) {
    announce(
      hasRank
        ? `Quiz over. You placed ${rank}${ordinal(rank)} of ${total} with ${score} points.`
        : `Quiz over. You scored ${score} points.`,
    );
  }
}
