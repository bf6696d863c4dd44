/**
 * The protocol values the pages need, served as the ES module `/static/protocol.js` so
 * that no page keeps its own copy of a server constant.
 */
import { PAGE_CONSTANTS } from './constants';

export { PAGE_CONSTANTS };
export const PAGE_CONSTANTS_PATH = '/static/protocol.js';

export function pageConstantsModule(): string {
  const lines = Object.entries(PAGE_CONSTANTS).map(([name, value]) =>
    typeof value === 'object'
      ? `export const ${name} = Object.freeze(${JSON.stringify(value)});`
      : `export const ${name} = ${JSON.stringify(value)};`,
  );
  return `// Generated from src/protocol/ at start-up: the server's own values, never copies.\n${lines.join('\n')}\n`;
}
