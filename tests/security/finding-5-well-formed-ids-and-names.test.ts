/**
 * Security finding 5: ids and names with broken Unicode. A lone surrogate ("ls\uD800") was
 * accepted in memory but stored as U+FFFD, so memory and database disagreed, and
 * "ls\uDC00" then gave a 500 (SQLITE_CONSTRAINT_PRIMARYKEY). Zero-width and bidi-override
 * characters passed: "fuzz" and "fuzz\u200B" were two students, "\u202Egnp.exe" showed
 * reversed. Now such strings are refused, ids compare in NFKC, and no join answers 500.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { checkDisplayName, checkStudentId } from '../../src/protocol/person-text';
import { seededRandom } from '../helpers/seeded-random';
import { startTestWorld, type TestWorld } from '../helpers/test-server';

let world: TestWorld;
beforeAll(async () => {
  world = await startTestWorld();
});
afterAll(async () => {
  await world.stop();
});

const join = (studentId: unknown, name: unknown = 'Name', headers: Record<string, string> = {}) =>
  world.http('/api/join', { method: 'POST', json: { student_id: studentId, name }, headers });

describe('refused with 400, never stored', () => {
  const refused: [string, string][] = [
    ['a lone high surrogate', 'ls\uD800'],
    ['a lone low surrogate', 'ls\uDC00'],
    ['a reversed surrogate pair', 'x\uDC00\uD800'],
    ['a zero-width space', 'fuzz\u200B'],
    ['a zero-width joiner', 'fu\u200Dzz'],
    ['a left-to-right mark', '\u200Efuzz'],
    ['a right-to-left override', '\u202Egnp.exe'],
    ['a bidi embedding', '\u202Afuzz'],
    ['a word joiner', 'fu\u2060zz'],
    ['an invisible operator', 'f\u2062x'],
    ['a byte-order mark', '\uFEFFfuzz'],
    ['a control character', 'a\u0007b'],
  ];
  for (const [what, value] of refused) {
    test(`an id with ${what}`, async () => {
      const response = await join(value);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe('invalid_body');
    });
    test(`a name with ${what}`, async () => {
      expect((await join(`id-${what}`, value)).status).toBe(400);
    });
  }

  test('none of them joined', async () => {
    const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
    for (const student of state.students) {
      expect(student.student_id.isWellFormed()).toBe(true);
      expect(/[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/.test(student.student_id + student.name)).toBe(false);
    }
  });
});

test('ids compare in NFKC: look-alikes collide with a 409', async () => {
  expect((await join('fuzz')).status).toBe(200);
  // Full-width letters, and a ligature that NFKC unfolds.
  for (const lookAlike of ['ｆｕｚｚ', 'fuzz '.trim(), 'ﬀuzz'.replace('ﬀ', 'f')]) {
    expect((await join(lookAlike)).status).toBe(409);
  }
  expect((await join('ﬁle')).status).toBe(200);
  const collision = await join('file');
  expect(collision.status).toBe(409);
  // The id is stored and answered in its NFKC form.
  const fullWidth = await join('Ａ１２３');
  expect(fullWidth.status).toBe(200);
  expect((await fullWidth.json()).student_id).toBe('A123');
});

test('an id that NFKC lengthens past 64 characters is refused, not truncated', async () => {
  const long = '\uFDFA'.repeat(4); // each is 18 characters in NFKC
  expect(long.normalize('NFKC').length).toBeGreaterThan(64);
  expect((await join(long)).status).toBe(400);
});

test('the pure rule: well-formed, visible, NFKC for ids and NFC for names', () => {
  expect(checkStudentId('  ｓ１  ')).toEqual({ ok: true, value: 's1' });
  expect(checkDisplayName('Cafe\u0301')).toEqual({ ok: true, value: 'Café' });
  expect(checkDisplayName('Ｂｏｂ')).toEqual({ ok: true, value: 'Ｂｏｂ' });
  expect(checkStudentId('a\uD800').ok).toBe(false);
  expect(checkStudentId('   ').ok).toBe(false);
});

test('a fuzzed join body only ever gets 200, 400, 401, 403, 409 or 429', async () => {
  const random = seededRandom(5);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const pieces = ['a', 'Z', '0', ' ', '\uD800', '\uDC00', '\u200B', '\u202E', '\uFEFF', 'ｆ', 'ﬁ', '\u0000', '"', '\\', '..', '/', 'é', 'e\u0301', '😀', '\uFFFF', '\u2028'];
  const benign = ['a', 'Z', '0', 'é', 'ｆ', 'ﬁ', '😀', ' ', '-'];
  // Half the strings are made of printable pieces only, so some joins succeed and collide.
  const randomText = () => {
    const from = random() < 0.5 ? benign : pieces;
    return Array.from({ length: Math.floor(random() * 70) }, () => pick(from)).join('');
  };
  const shapes: (() => unknown)[] = [
    () => randomText(),
    () => 42,
    () => null,
    () => [randomText()],
    () => ({ nested: randomText() }),
    () => true,
  ];
  const statuses = new Set<number>();
  for (let round = 0; round < 400; round += 1) {
    const studentId = random() < 0.8 ? randomText() : pick(shapes)();
    const name = random() < 0.8 ? randomText() : pick(shapes)();
    const response = await join(studentId, name);
    statuses.add(response.status);
    expect([200, 400, 401, 403, 409, 429]).toContain(response.status);
    const body = await response.json();
    if (response.status !== 200) expect(typeof body.error).toBe('string');
  }
  // Raw bodies that are not JSON objects at all.
  for (const raw of ['', '{', '[]', 'null', '"x"', '{"student_id":"\\ud800","name":"x"}', '\u0000']) {
    const response = await world.http('/api/join', { method: 'POST', body: raw, headers: { 'content-type': 'application/json' } });
    expect([400, 401, 403, 409]).toContain(response.status);
  }
  expect(statuses.has(200)).toBe(true);
  expect(statuses.has(400)).toBe(true);
});
