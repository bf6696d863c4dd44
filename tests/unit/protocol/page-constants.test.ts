import { describe, expect, test } from 'bun:test';
import { CLOSE_CODES, PHASES, QUESTION_TYPES, SOCKET_PATHS } from '../../../src/protocol/constants';
import { PAGE_CONSTANTS, PAGE_CONSTANTS_PATH, pageConstantsModule } from '../../../src/protocol/page-constants';

/** Imports the generated text as an ES module, as a browser would import /static/protocol.js. */
async function importGenerated(): Promise<Record<string, unknown>> {
  const url = `data:text/javascript;base64,${Buffer.from(pageConstantsModule()).toString('base64')}`;
  return (await import(url)) as Record<string, unknown>;
}

describe('pageConstantsModule', () => {
  test('exports exactly the PAGE_CONSTANTS names with equal values', async () => {
    const module = await importGenerated();
    expect(Object.keys(module).sort()).toEqual(Object.keys(PAGE_CONSTANTS).sort());
    for (const [name, value] of Object.entries(PAGE_CONSTANTS)) expect(module[name]).toEqual(value);
  });

  test('exports the names pages rely on (dropping one breaks a page)', async () => {
    const module = await importGenerated();
    expect(Object.keys(module).sort()).toEqual([
      'ADMIN_COMMANDS',
      'BACK_CHANNEL_ERROR_CODES',
      'CHOICE_LETTERS',
      'CLOSE_CODES',
      'DEFAULT_TIME_LIMIT_S',
      'JOIN_CODE_DIGITS',
      'LEADERBOARD_SIZE',
      'MAX_ASK_LENGTH',
      'MAX_ID_LENGTH',
      'MAX_NAME_LENGTH',
      'PHASES',
      'PULSE_TTL_MS',
      'PULSE_VALUES',
      'QUESTION_TYPES',
      'SOCKET_PATHS',
      'SUBMIT_REJECT_REASONS',
    ]);
  });

  test('carries the server’s own values (spot checks against constants.ts)', async () => {
    const module = await importGenerated();
    expect(module.CLOSE_CODES).toEqual({ UNAUTHORIZED: 4401, TOO_MANY_CONNECTIONS: 4409, SLOW_CONSUMER: 1013, GOING_AWAY: 1001 });
    expect(module.CLOSE_CODES).toEqual(CLOSE_CODES);
    expect(module.PHASES).toEqual([...PHASES]);
    expect(module.SOCKET_PATHS).toEqual(SOCKET_PATHS);
    expect(module.QUESTION_TYPES).toEqual(['single', 'multiple', 'poll', 'numeric']);
    expect(module.QUESTION_TYPES).toEqual([...QUESTION_TYPES]);
    expect(module.ADMIN_COMMANDS).toContain('revote');
  });

  test('the exported values are frozen, so a page cannot change them for the others', async () => {
    const module = await importGenerated();
    for (const name of Object.keys(PAGE_CONSTANTS)) {
      const value = module[name];
      if (typeof value === 'object' && value !== null) expect(Object.isFrozen(value)).toBe(true);
    }
  });

  test('is plain JavaScript: no TypeScript, no imports', () => {
    const text = pageConstantsModule();
    expect(text).not.toMatch(/^\s*import\s/m);
    expect(text).not.toContain(' as const');
    expect(new Bun.Transpiler({ loader: 'js' }).scan(text).imports).toEqual([]);
  });

  test('is served at /static/protocol.js', () => {
    expect(PAGE_CONSTANTS_PATH).toBe('/static/protocol.js');
  });
});
