import { describe, expect, test } from 'bun:test';
import { adminFrameChecker, decodeFrame, describeShapeError, studentFrameChecker } from '../../../src/protocol/client-frames';
import { MAX_FRAME_BYTES } from '../../../src/protocol/constants';
import { errorFrame } from '../../../src/protocol/frame-builders';

const STUDENT_TYPES = ['submit'];
const ADMIN_TYPES = ['next', 'close', 'end', 'revote'];

function decodeError(raw: string | Buffer) {
  const result = decodeFrame(raw);
  if (result.ok) throw new Error(`expected an error, decoded ${JSON.stringify(result.value)}`);
  expect(result.message.length).toBeGreaterThan(0);
  return result.code;
}

/** What the server answers a student text frame with: null when it is a valid submit. */
function studentVerdict(raw: string | Buffer): string | null {
  const decoded = decodeFrame(raw);
  if (!decoded.ok) return decoded.code;
  if (studentFrameChecker.Check(decoded.value)) return null;
  return describeShapeError(decoded.value, STUDENT_TYPES).code;
}

function adminVerdict(raw: string | Buffer): string | null {
  const decoded = decodeFrame(raw);
  if (!decoded.ok) return decoded.code;
  if (adminFrameChecker.Check(decoded.value)) return null;
  return describeShapeError(decoded.value, ADMIN_TYPES).code;
}

describe('decodeFrame', () => {
  test('decodes a JSON text frame', () => {
    expect(decodeFrame('{"type":"submit","question_idx":0,"choice":"A"}')).toEqual({
      ok: true,
      value: { type: 'submit', question_idx: 0, choice: 'A' },
    });
  });

  test('a binary (Buffer) frame → binary_not_supported, even if it holds JSON', () => {
    expect(decodeError(Buffer.from('{"type":"next"}'))).toBe('binary_not_supported');
    expect(decodeError(Buffer.alloc(0))).toBe('binary_not_supported');
  });

  test('the limit is 4096 bytes', () => {
    expect(MAX_FRAME_BYTES).toBe(4096);
  });

  test('a frame of exactly 4096 ASCII bytes is not too large', () => {
    const frame = `{"type":"submit","pad":"${'x'.repeat(4096 - 26)}"}`;
    expect(Buffer.byteLength(frame)).toBe(4096);
    expect(decodeFrame(frame).ok).toBe(true);
  });

  test('a frame over 4096 bytes → frame_too_large', () => {
    const frame = `{"type":"submit","pad":"${'x'.repeat(4097 - 26)}"}`;
    expect(Buffer.byteLength(frame)).toBe(4097);
    expect(decodeError(frame)).toBe('frame_too_large');
    expect(decodeError('x'.repeat(100_000))).toBe('frame_too_large');
  });

  test('an oversized frame is refused before parsing (invalid JSON too big → frame_too_large)', () => {
    expect(decodeError(`{${'x'.repeat(5_000)}`)).toBe('frame_too_large');
  });

  test('multi-byte unicode that crosses 4096 bytes → frame_too_large', () => {
    // '€' is 3 UTF-8 bytes: 1366 of them are 4098 bytes but only 1366 UTF-16 units.
    const frame = JSON.stringify({ type: 'submit', question_idx: 0, choice: '€'.repeat(1360) });
    expect(frame.length).toBeLessThan(4096);
    expect(Buffer.byteLength(frame)).toBeGreaterThan(4096);
    expect(decodeError(frame)).toBe('frame_too_large');
    // Emoji: 2 UTF-16 units, 4 bytes each.
    const emoji = JSON.stringify({ type: 'submit', pad: '😀'.repeat(1100) });
    expect(Buffer.byteLength(emoji)).toBeGreaterThan(4096);
    expect(decodeError(emoji)).toBe('frame_too_large');
  });

  test('multi-byte unicode under 4096 bytes is decoded', () => {
    const frame = JSON.stringify({ pad: '€'.repeat(1300) });
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(4096);
    expect(decodeFrame(frame).ok).toBe(true);
  });

  test.each(['not json', '{', '', "{'type':'next'}", '{"type":"next",}', 'undefined'])('%p → invalid_json', (raw) => {
    expect(decodeError(raw)).toBe('invalid_json');
  });

  test('JSON primitives and arrays decode (the shape check refuses them)', () => {
    expect(decodeFrame('[1,2]')).toEqual({ ok: true, value: [1, 2] });
    expect(decodeFrame('null')).toEqual({ ok: true, value: null });
    expect(decodeFrame('"next"')).toEqual({ ok: true, value: 'next' });
  });
});

describe('student frames', () => {
  test('a valid submit passes', () => {
    expect(studentVerdict('{"type":"submit","question_idx":3,"choice":"B"}')).toBeNull();
  });

  test.each(['[]', '[{"type":"submit"}]', 'null', '42', '"submit"', 'true', '{}', '{"type":5}', '{"type":null}'])(
    '%p → invalid_frame',
    (raw) => {
      expect(studentVerdict(raw)).toBe('invalid_frame');
    },
  );

  test.each(['{"type":"next"}', '{"type":"hello"}', '{"type":""}', '{"type":"SUBMIT","question_idx":0,"choice":"A"}'])(
    '%p → unknown_type',
    (raw) => {
      expect(studentVerdict(raw)).toBe('unknown_type');
    },
  );

  test.each([
    '{"type":"submit"}',
    '{"type":"submit","question_idx":0}',
    '{"type":"submit","choice":"A"}',
    '{"type":"submit","question_idx":"0","choice":"A"}',
    '{"type":"submit","question_idx":0.5,"choice":"A"}',
    '{"type":"submit","question_idx":-1,"choice":"A"}',
    '{"type":"submit","question_idx":0,"choice":1}',
    '{"type":"submit","question_idx":0,"choice":null}',
    '{"type":"submit","question_idx":0,"choice":["A"]}',
    '{"type":"submit","question_idx":null,"choice":"A"}',
  ])('submit with wrong fields %p → invalid_frame', (raw) => {
    expect(studentVerdict(raw)).toBe('invalid_frame');
  });

  test('the submit shape error names the fields', () => {
    expect(describeShapeError({ type: 'submit' }, STUDENT_TYPES).message).toContain('question_idx');
  });

  test('a choice that is not a letter passes the shape check (it is judged invalid_choice later)', () => {
    expect(studentVerdict('{"type":"submit","question_idx":0,"choice":"Z"}')).toBeNull();
  });

  test.each([
    '{"type":"submit","question_idx":0,"choices":["A","C"]}',
    '{"type":"submit","question_idx":0,"choices":[]}',
    '{"type":"submit","question_idx":0,"choices":["A","A","Z"]}',
    '{"type":"submit","question_idx":0,"value":3.5}',
    '{"type":"submit","question_idx":0,"value":-2}',
  ])('the other answer forms pass the shape check: %p', (raw) => {
    expect(studentVerdict(raw)).toBeNull();
  });

  test.each(['"3"', '[3]', 'null', '1e400', 'true', '{"n":3}'])(
    'a value of any JSON kind (%s) passes the shape check: whether it is a finite number is judged later (invalid_choice)',
    (value) => {
      expect(studentVerdict(`{"type":"submit","question_idx":0,"value":${value}}`)).toBeNull();
    },
  );

  test.each([
    '{"type":"submit","question_idx":0,"choices":"A"}',
    '{"type":"submit","question_idx":0,"choices":[1]}',
    '{"type":"submit","question_idx":0,"choices":null}',
    '{"type":"submit","question_idx":0,"choices":["A",null]}',
    '{"type":"submit","question_idx":"0","value":1}',
    '{"type":"submit","value":1}',
  ])('a malformed choices or a value without a valid index %p → invalid_frame', (raw) => {
    expect(studentVerdict(raw)).toBe('invalid_frame');
  });

  test('the submit shape error names every answer form', () => {
    const { message } = describeShapeError({ type: 'submit', question_idx: 0 }, STUDENT_TYPES);
    for (const field of ['choice', 'choices', 'value']) expect(message).toContain(field);
  });
});

describe('admin frames', () => {
  test.each(['next', 'close', 'end', 'revote'])('%p passes', (type) => {
    expect(adminVerdict(JSON.stringify({ type }))).toBeNull();
  });

  test.each(['{"type":"submit","question_idx":0,"choice":"A"}', '{"type":"reset"}', '{"type":"Next"}'])(
    '%p → unknown_type',
    (raw) => {
      expect(adminVerdict(raw)).toBe('unknown_type');
    },
  );

  test.each(['[]', '{}', 'null', '7', '{"type":1}', '["next"]'])('%p → invalid_frame', (raw) => {
    expect(adminVerdict(raw)).toBe('invalid_frame');
  });

  test('unknown_type message lists the known types', () => {
    const { message } = describeShapeError({ type: 'reset' }, ADMIN_TYPES);
    for (const type of ADMIN_TYPES) expect(message).toContain(type);
  });
});

describe('errorFrame', () => {
  test('is an error message with code and message', () => {
    expect(JSON.parse(errorFrame('invalid_json', 'bad'))).toEqual({ type: 'error', code: 'invalid_json', message: 'bad' });
  });
});
