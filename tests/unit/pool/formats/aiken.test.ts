import { describe, expect, test } from 'bun:test';
import { looksLikeAiken, parseAiken } from '../../../../src/pool/formats/aiken';

/** The sample from Moodle's Aiken documentation, plus its ")" variant and no blank line between questions. */
const MOODLE_DOC_SAMPLE = `What is the correct answer to this question?
A. Is it this one?
B. Maybe this answer?
C. Possibly this one?
D. Must be this one!
ANSWER: D

Which LMS has the most quiz import formats?
A) Moodle
B) ATutor
C) Claroline
D) Blackboard
E) WebCT
F) Ilias
ANSWER: A
Third question right after?
A. yes
B. no
ANSWER: a
`;

describe('parseAiken', () => {
  test('reads the documented sample: "." and ")" choices, lower-case answer, no blank line needed', () => {
    const parsed = parseAiken(MOODLE_DOC_SAMPLE, 'aiken');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
    expect(parsed.banks[0]!.questions).toEqual([
      { input: { type: 'single', text: 'What is the correct answer to this question?', choices: ['Is it this one?', 'Maybe this answer?', 'Possibly this one?', 'Must be this one!'], answer: 'D' }, where: 'line 1' },
      { input: { type: 'single', text: 'Which LMS has the most quiz import formats?', choices: ['Moodle', 'ATutor', 'Claroline', 'Blackboard', 'WebCT', 'Ilias'], answer: 'A' }, where: 'line 8' },
      { input: { type: 'single', text: 'Third question right after?', choices: ['yes', 'no'], answer: 'A' }, where: 'line 16' },
    ]);
  });

  test('every mistake is reported by line and the file is refused', () => {
    const parsed = parseAiken('Q1\nA. a\nC. c\nANSWER: A\n\nQ2\nA. a\nB. b\nANSWER: E\n\nQ3\nA. a\nstray text\nANSWER: A\n\nQ4\nA. x\n', 'f');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.details).toEqual([
      { path: 'line 3', message: expect.stringContaining('choice C where B was expected') },
      { path: 'line 9', message: expect.stringContaining('"E" is not one of the choices A, B') },
      { path: 'line 13', message: expect.stringContaining('neither a choice') },
      { path: 'line 16', message: 'this question has no ANSWER: line' },
    ]);
  });

  test('a .txt file is Aiken when it has ANSWER: lines and no braces', () => {
    expect(looksLikeAiken(MOODLE_DOC_SAMPLE)).toBe(true);
    expect(looksLikeAiken('Q {=a ~b}\n// ANSWER: in a comment')).toBe(false);
  });
});
