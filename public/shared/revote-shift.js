// The shift a revote made: the percentage of respondents who answered right in round 1
// and in round 2. For a single-answer question the counts say it (the right letter's
// count over all answers). A multiple-answer question's counts are per letter, so they
// cannot tell who picked exactly the right set; its percentages come from results.csv,
// which holds every student's letters for both rounds (`q<n>_choice`, `q<n>_round2_choice`,
// "A+C"). A poll has no right answer and no shift.
import { percentOf } from '/static/shared/question-types.js';

/**
 * `{ before, after }` percentages (null: nobody answered that round), or null when the
 * question has no shift (a poll, numeric) or it cannot be read.
 */
export async function revoteShift({ type, questionIdx, correct, counts, firstRoundCounts }) {
  if (type === 'single' && typeof correct === 'string') {
    return { before: rightShare(firstRoundCounts, correct), after: rightShare(counts, correct) };
  }
  if (type === 'multiple' && Array.isArray(correct)) return multipleShift(questionIdx, correct);
  return null;
}

function rightShare(counts, letter) {
  const total = Object.values(counts ?? {}).reduce((sum, n) => sum + n, 0);
  return percentOf(counts?.[letter] ?? 0, total);
}

async function multipleShift(questionIdx, correct) {
  const response = await fetch('/admin/api/results.csv', { cache: 'no-store' }).catch(() => null);
  if (!response?.ok) return null;
  const [header, ...rows] = parseCsv(await response.text());
  const firstColumn = header?.indexOf(`q${questionIdx + 1}_choice`) ?? -1;
  const secondColumn = header?.indexOf(`q${questionIdx + 1}_round2_choice`) ?? -1;
  if (firstColumn < 0 || secondColumn < 0) return null;
  const key = [...correct].sort().join('+');
  const share = (column) => {
    const given = rows.map((row) => row[column] ?? '').filter((cell) => cell !== '');
    return percentOf(given.filter((cell) => cell.split('+').sort().join('+') === key).length, given.length);
  };
  return { before: share(firstColumn), after: share(secondColumn) };
}

/** RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
