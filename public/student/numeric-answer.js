// Reading a typed number the way people write it: a decimal point or a decimal comma
// ("3,5" is 3.5), spaces anywhere ("1 000,5"), a leading minus (also the typographic "−"),
// an exponent ("1e3"). Anything else is refused with a sentence for the page; nothing is
// sent for it. Pure: no DOM.

const NUMBER_SHAPE = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * `{ ok: true, value }` for a finite number, or `{ ok: false, message }` saying what to fix.
 * A comma is read as the decimal separator; a number with both a comma and a point, or
 * more than one separator, is refused rather than guessed.
 */
export function parseNumberInput(raw) {
  const compact = String(raw ?? '')
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/[\u2212\u2013]/g, '-');
  if (compact === '') return { ok: false, message: 'Type a number first.' };
  const separators = compact.match(/[.,]/g) ?? [];
  if (separators.length > 1) {
    return { ok: false, message: 'Use one decimal separator only (for example 1234.5 or 1234,5).' };
  }
  const text = compact.replace(',', '.');
  if (!NUMBER_SHAPE.test(text)) {
    return { ok: false, message: 'That is not a number. Type digits, for example 3.5 or -2.' };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, message: 'That number is too large. Type a smaller number.' };
  // -0 is 0 to everyone but IEEE 754.
  return { ok: true, value: Object.is(value, -0) ? 0 : value };
}

/** The text with its sign flipped ("3,5" ↔ "-3,5"), for keyboards that have no minus key. */
export function toggleSign(raw) {
  const text = String(raw ?? '').trimStart();
  if (/^[-\u2212]/.test(text)) return text.slice(1).trimStart();
  if (text.startsWith('+')) return `-${text.slice(1)}`;
  return `-${text}`;
}
