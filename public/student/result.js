// The result of one closed question, drawn from review.js's account of it: the verdict
// (none for a poll), the right answer, each letter's mark for a multiple question, your
// answer, the points (not for a poll or a revote), the explanation; and said aloud.
import { announce, el, showView, state } from './page.js';
import { stopTicking } from './question.js';
import { MARK_WORDS, reviewOf } from './review.js';
import { setRichText, spokenText } from './rich-text.js';

/** Counts the results shown, so a slow announcement of an earlier one is dropped. */
let resultsShown = 0;

const MARK_SYMBOLS = { right: '✓', wrong: '✗', missed: '!', answer: '✓', none: '' };

function markItem({ letter, text, mark }) {
  const item = document.createElement('li');
  item.className = `mark mark-${mark}`;
  item.dataset.testid = `mark-${letter}`;
  item.dataset.mark = mark;
  const symbol = document.createElement('span');
  symbol.className = 'mark-symbol';
  symbol.setAttribute('aria-hidden', 'true');
  symbol.textContent = MARK_SYMBOLS[mark];
  const badge = document.createElement('span');
  badge.className = 'choice-letter';
  badge.textContent = letter;
  const body = document.createElement('span');
  body.className = 'mark-body';
  const label = document.createElement('span');
  label.className = 'mark-text';
  void setRichText(label, text, { inline: true });
  const words = document.createElement('span');
  words.className = 'mark-words';
  words.textContent = MARK_WORDS[mark];
  body.append(label, words);
  item.append(symbol, badge, body);
  return item;
}

/**
 * Shows the result of question `idx`. `type` and `round` as the server gives them;
 * `choices` the question's texts if known (from the open question or the snapshot).
 */
export function showResult({ idx, type, round, correct, explanation, yourChoice, points, score, choices, announce: speak }) {
  stopTicking();
  state.question = null;
  if (state.me) state.me.score = score;
  const review = reviewOf({ type, round, correct, yourChoice, points, score, choices });

  el.resultRound.hidden = round !== 2;
  el.verdict.textContent = review.verdict;
  el.verdict.dataset.tone = review.tone;
  el.verdict.classList.toggle('correct', review.tone === 'correct');
  el.verdict.classList.toggle('wrong', review.tone === 'wrong');

  el.resultAnswer.hidden = !review.answer;
  el.resultAnswerLabel.textContent = type === 'multiple' ? 'Answers' : 'Answer';
  el.resultCorrect.textContent = review.answer?.label ?? '';
  void setRichText(el.resultCorrectText, review.answer?.text ?? '', { inline: true });
  el.resultMarks.replaceChildren(...(review.marks ?? []).map(markItem));
  el.resultMarks.hidden = !review.marks;
  el.resultMarks.setAttribute('aria-label', 'Each choice');
  el.resultYours.replaceChildren(review.yours);
  if (review.yoursText) {
    const yourText = document.createElement('span');
    yourText.className = 'result-yours-text';
    el.resultYours.append(' — ', yourText);
    void setRichText(yourText, review.yoursText, { inline: true });
  }

  el.resultPointsStat.hidden = !review.showPoints;
  el.resultPoints.textContent = String(points);
  el.resultPointsNote.textContent = review.pointsNote;
  el.score.textContent = String(score);
  el.resultRoundNote.hidden = round !== 2 || type === 'poll';
  void setRichText(el.resultExplanation, explanation ?? '');
  el.resultExplanation.hidden = !explanation;
  el.resultNext.textContent =
    state.totalQuestions && idx + 1 >= state.totalQuestions ? 'That was the last question.' : 'Waiting for the next question…';
  showView(el.result);
  resultsShown += 1;
  if (speak) void announceResult(resultsShown, { type, round, correct, yourChoice, points, score, choices });
}

/** Says the result, with the choice texts in words (no Markdown marks, maths as TeX). */
async function announceResult(shown, reviewArgs) {
  const choices = await Promise.all((reviewArgs.choices ?? []).map((text) => spokenText(text, { inline: true })));
  if (shown !== resultsShown || el.result.hidden) return;
  announce(reviewOf({ ...reviewArgs, choices }).speech);
}
