/**
 * The rule for text a person types that others will see: student ids, names and asks. A string
 * must be well formed (no lone surrogates, which SQLite would store as U+FFFD while memory
 * kept the original), free of control characters, and free of invisible and direction
 * characters (zero-width spaces make "fuzz" and "fuzz\u200B" two students; a right-to-left
 * override shows "\u202Egnp.exe" reversed). Ids are compared in NFKC, so look-alikes such
 * as full-width letters collide instead of becoming a second student.
 */

import { MAX_ASK_LENGTH } from './constants';

// C0/C1 controls and the two Unicode line separators would corrupt logs, CSV rows and the projector.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Zero-width and direction marks, bidi embeddings/overrides, word joiners and invisible
// operators, and the byte-order mark.
const INVISIBLE_OR_DIRECTIONAL = /[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/;

export type PersonTextCheck = { ok: true; value: string } | { ok: false; problem: string };

function check(raw: string, normalForm: 'NFKC' | 'NFC'): PersonTextCheck {
  if (!raw.isWellFormed()) return { ok: false, problem: 'is not well-formed Unicode' };
  // Checked before trimming: trim() would quietly drop a leading byte-order mark.
  if (CONTROL_CHARACTERS.test(raw)) return { ok: false, problem: 'must not contain control characters' };
  if (INVISIBLE_OR_DIRECTIONAL.test(raw)) {
    return { ok: false, problem: 'must not contain invisible or text-direction characters' };
  }
  const value = raw.normalize(normalForm).trim();
  if (value.length === 0) return { ok: false, problem: 'must not be blank' };
  return { ok: true, value };
}

/** A student id as stored and compared: NFKC, trimmed. */
export const checkStudentId = (raw: string) => check(raw, 'NFKC');

/** A display name: NFC (shown as typed, composed), trimmed. */
export const checkDisplayName = (raw: string) => check(raw, 'NFC');

/** A question asked in the live Q&A: NFC, trimmed, at most MAX_ASK_LENGTH characters. */
export function checkAskText(raw: string): PersonTextCheck {
  const checked = check(raw, 'NFC');
  // Counted in code points: an emoji is one character, as the asker sees it.
  if (checked.ok && [...checked.value].length > MAX_ASK_LENGTH) {
    return { ok: false, problem: `must be at most ${MAX_ASK_LENGTH} characters` };
  }
  return checked;
}
