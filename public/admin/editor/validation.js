// Checks the draft with the server's own validator (src/pool/pool.ts, bundled as
// /static/vendor/pool-validator.js): the same rules and the same messages as a save. Its
// images are media URLs the server gave back on upload; the server checks again on save
// that each is stored.
import { validatePool } from '/static/vendor/pool-validator.js';

/** Every problem of `doc`, `{ path, message }` with JSON paths as the server reports them. */
export function problemsOf(doc) {
  const images = new Set(doc.questions.map((question) => question?.image).filter((image) => typeof image === 'string'));
  const result = validatePool(doc, { names: images, urlOf: (name) => name });
  return result.ok ? [] : result.details;
}

/**
 * Where a problem is shown: `{ question, field }` for `/questions/3/choices/1`
 * (question 3, field "choices/1"), `{ question: null, field: 'title' }` for the pool's own
 * fields. An answer's position (`answer/0`) is shown at the answer.
 */
export function placeOf(path) {
  const parts = path.split('/').slice(1);
  if (parts[0] !== 'questions' || parts.length < 2) return { question: null, field: parts[0] || 'pool' };
  const field = parts.slice(2).join('/');
  return { question: Number(parts[1]), field: field.startsWith('answer/') ? 'answer' : field || 'question' };
}

/** The problems grouped: by question index (and field), and the pool's own. */
export function groupProblems(problems) {
  const byQuestion = new Map();
  const pool = new Map();
  for (const problem of problems) {
    const place = placeOf(problem.path);
    const target = place.question === null ? pool : byQuestion.get(place.question) ?? new Map();
    if (place.question !== null) byQuestion.set(place.question, target);
    if (!target.has(place.field)) target.set(place.field, problem.message);
  }
  return { byQuestion, pool };
}
