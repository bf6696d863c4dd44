/**
 * The protocol values the pages need, served as the ES module `/static/protocol.js` so
 * that no page keeps its own copy of a server constant.
 */
import {
  ADMIN_COMMANDS,
  CHOICE_LETTERS,
  CLOSE_CODES,
  DEFAULT_TIME_LIMIT_S,
  LEADERBOARD_SIZE,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  PHASES,
  SOCKET_PATHS,
  SUBMIT_REJECT_REASONS,
} from './constants';

export const PAGE_CONSTANTS = {
  ADMIN_COMMANDS,
  CHOICE_LETTERS,
  CLOSE_CODES,
  DEFAULT_TIME_LIMIT_S,
  LEADERBOARD_SIZE,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  PHASES,
  SOCKET_PATHS,
  SUBMIT_REJECT_REASONS,
};

export const PAGE_CONSTANTS_PATH = '/static/protocol.js';

export function pageConstantsModule(): string {
  const lines = Object.entries(PAGE_CONSTANTS).map(([name, value]) =>
    typeof value === 'object'
      ? `export const ${name} = Object.freeze(${JSON.stringify(value)});`
      : `export const ${name} = ${JSON.stringify(value)};`,
  );
  return `// Generated from src/protocol/ at start-up: the server's own values, never copies.\n${lines.join('\n')}\n`;
}
