// What the result of a closed question says, per type, as data for result.js to draw:
// the verdict, the right answer, each letter's mark (multiple), your answer, whether a
// points line belongs, and the sentence for screen readers. A poll has no verdict and no
// points; round 2 (a revote) scores nothing, so it shows no points line either. Pure.
// Choice texts come back as given (Markdown, for the page to render: `answer.text`,
// `marks[].text`, `yoursText`); the sentence uses them as given too, so result.js passes
// them already turned into words.
import { CHOICE_LETTERS } from '/static/protocol.js';
import { choiceTextOf, formatAnswer, lettersOf, sameLetters } from './answers.js';

/** Words for each mark of a multiple question's letters. */
export const MARK_WORDS = {
  right: 'Right — you ticked it',
  wrong: 'Wrong — you ticked it, but it is not an answer',
  missed: 'Missed — this is an answer',
  answer: 'An answer',
  none: 'Not an answer',
};

const hasAnswer = (answer) => answer !== null && answer !== undefined && !(Array.isArray(answer) && answer.length === 0);

function listInWords(letters) {
  if (letters.length <= 1) return letters.join('');
  return `${letters.slice(0, -1).join(', ')} and ${letters[letters.length - 1]}`;
}

function withText(choices, letter) {
  const text = choiceTextOf(choices, letter);
  return text ? `${letter} — ${text}` : letter;
}

function reviewSingle({ correct, yourChoice, choices }) {
  const answered = hasAnswer(yourChoice);
  const right = answered && yourChoice === correct;
  const correctText = choiceTextOf(choices, correct);
  return {
    verdict: !answered ? 'No answer' : right ? 'Correct!' : 'Not quite',
    tone: !answered ? 'none' : right ? 'correct' : 'wrong',
    answer: { label: correct, text: correctText },
    yours: answered ? `Your answer: ${yourChoice}` : 'You did not answer this question.',
    yoursText: answered ? choiceTextOf(choices, yourChoice) : '',
    spokenAnswer: `The answer was ${correct}${correctText ? `, ${correctText}` : ''}.`,
  };
}

function reviewMultiple({ correct, yourChoice, choices }) {
  const answer = lettersOf(correct);
  const picks = lettersOf(yourChoice);
  const answered = picks.length > 0;
  const hits = picks.filter((letter) => answer.includes(letter));
  const wrong = picks.filter((letter) => !answer.includes(letter));
  const exact = answered && sameLetters(answer, picks);
  const marks = CHOICE_LETTERS.slice(0, choices.length).map((letter) => {
    let mark;
    if (!answered) mark = answer.includes(letter) ? 'answer' : 'none';
    else if (picks.includes(letter)) mark = answer.includes(letter) ? 'right' : 'wrong';
    else mark = answer.includes(letter) ? 'missed' : 'none';
    return { letter, text: choiceTextOf(choices, letter), mark };
  });
  let yours = 'You did not answer this question.';
  if (answered) {
    const wrongPart = wrong.length ? `, ${wrong.length} wrong` : '';
    yours = `You ticked ${formatAnswer(picks)}: ${hits.length} of ${answer.length} right${wrongPart}.`;
  }
  return {
    verdict: !answered ? 'No answer' : exact ? 'Correct!' : hits.length > 0 ? 'Partly right' : 'Not quite',
    tone: !answered ? 'none' : exact ? 'correct' : hits.length > 0 ? 'partial' : 'wrong',
    answer: { label: formatAnswer(answer), text: '' },
    marks,
    yours,
    partial: answered && !exact,
    spokenAnswer: `The answers were ${listInWords(answer)}.${answered ? ` ${yours}` : ''}`,
  };
}

function reviewNumeric({ correct, yourChoice, points }) {
  const answered = typeof yourChoice === 'number';
  // Inside the tolerance counts as right: points tell (a right answer in round 1 scores ≥ 500).
  const right = answered && (yourChoice === correct || points > 0);
  const close = right && yourChoice !== correct;
  return {
    verdict: !answered ? 'No answer' : right ? 'Correct!' : 'Not quite',
    tone: !answered ? 'none' : right ? 'correct' : 'wrong',
    answer: { label: formatAnswer(correct), text: '' },
    yours: answered
      ? `Your answer: ${formatAnswer(yourChoice)}${close ? ' (close enough: it counts as right)' : ''}`
      : 'You did not answer this question.',
    spokenAnswer: `The answer was ${formatAnswer(correct)}.`,
  };
}

function reviewPoll({ yourChoice, choices }) {
  const voted = hasAnswer(yourChoice);
  return {
    verdict: voted ? 'Thanks — your vote counts' : 'You did not vote',
    tone: 'vote',
    answer: null,
    yours: voted ? `Your vote: ${yourChoice}` : 'You did not vote on this question.',
    yoursText: voted ? choiceTextOf(choices, yourChoice) : '',
    noPoints: true,
    spokenAnswer: voted ? `You voted ${withText(choices, yourChoice).replace(' — ', ', ')}.` : '',
  };
}

const REVIEWERS = { single: reviewSingle, multiple: reviewMultiple, numeric: reviewNumeric, poll: reviewPoll };

/**
 * The review of a closed question. `type` single|multiple|numeric|poll; `round` 1|2;
 * `correct` as the server gives it; `yourChoice` as given (or null); `choices` the texts.
 */
export function reviewOf({ type, round, correct, yourChoice, points, score, choices }) {
  const review = (REVIEWERS[type] ?? reviewSingle)({ correct, yourChoice, points, choices: choices ?? [] });
  const showPoints = !review.noPoints && round !== 2;
  const closed = type === 'poll' ? 'Voting closed.' : round === 2 ? 'Round 2 closed.' : 'Question closed.';
  const verdictSpoken = type === 'poll' ? '' : ` ${/[.!?]$/.test(review.verdict) ? review.verdict : `${review.verdict}.`}`;
  const pointsSpoken = showPoints
    ? ` You got ${points} points${review.partial && points > 0 ? ' (partial credit)' : ''}; your score is ${score}.`
    : ` Your score is ${score}.`;
  const spokenAnswer = review.spokenAnswer ? ` ${review.spokenAnswer}` : '';
  return {
    ...review,
    marks: review.marks ?? null,
    yoursText: review.yoursText ?? '',
    showPoints,
    pointsNote: review.partial && points > 0 ? ' (partial credit)' : '',
    speech: `${closed}${verdictSpoken}${spokenAnswer}${pointsSpoken}`,
  };
}
