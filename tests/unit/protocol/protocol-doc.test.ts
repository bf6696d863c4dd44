/**
 * docs/PROTOCOL.md is written by hand from src/protocol/. This test keeps the two in step:
 * a route, frame type, close code, reason or error code that exists in one and not the
 * other fails it.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_FRAME_TYPES, STUDENT_FRAME_TYPES } from '../../../src/protocol/client-frames';
import {
  CLOSE_CODES,
  FRAME_ERROR_CODES,
  SESSION_REFUSALS,
  SOCKET_PATHS,
  SUBMIT_REJECT_REASONS,
} from '../../../src/protocol/constants';
import { PAGE_CONSTANTS } from '../../../src/protocol/page-constants';
import { SERVER_FRAME_SCHEMAS } from '../../../src/protocol/server-frames';
import { appRoutes } from '../../helpers/app-routes';

const doc = readFileSync(join(import.meta.dir, '../../../docs/PROTOCOL.md'), 'utf8');

/** The text of one `##`/`###` section, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const level = heading.match(/^#+/)![0].length;
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/PROTOCOL.md has no section "${heading}"`);
  const rest = doc.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n#{1,${level}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

/** The backticked first cell of every table row in a section. */
function firstCells(text: string): string[] {
  return [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

describe('docs/PROTOCOL.md agrees with src/protocol/', () => {
  test('every HTTP route of the app, and every socket path, is documented, and nothing else', () => {
    const served = appRoutes().map(({ method, path }) => `${method} ${path}`);
    served.push(`GET ${SOCKET_PATHS.STUDENT}`, `GET ${SOCKET_PATHS.ADMIN}`);
    // The static plugin serves public/ under this prefix without registering a route per file.
    served.push('GET /static/*');
    expect(sorted(firstCells(section('## HTTP routes')))).toEqual(sorted(served));
  });

  test('every client frame type is documented, and nothing else', () => {
    expect(sorted(firstCells(section('### Client → server frames')))).toEqual(
      sorted([...STUDENT_FRAME_TYPES, ...ADMIN_FRAME_TYPES]),
    );
  });

  test('every server frame type is documented, and nothing else', () => {
    expect(sorted(firstCells(section('### Server → client frames')))).toEqual(sorted(Object.keys(SERVER_FRAME_SCHEMAS)));
  });

  test('every close code is documented, and nothing else', () => {
    const documented = [...section('### Close codes').matchAll(/^\| (\d{4}) \|/gm)].map((match) => Number(match[1]));
    expect(documented.sort()).toEqual(Object.values(CLOSE_CODES).sort());
  });

  test('every error-frame code is documented in the error table', () => {
    const table = section('### Client → server frames');
    const documented = [...table.matchAll(/^\| (?!input )[^|]+ \| `([a-z_]+)` \|$/gm)].map((match) => match[1]!);
    expect(sorted(documented)).toEqual(sorted(FRAME_ERROR_CODES));
  });

  test('every submit reason and every session refusal is named', () => {
    const scoring = section('## Scoring');
    for (const reason of SUBMIT_REJECT_REASONS) expect(scoring).toContain(`\`${reason}\``);
    const routes = section('## HTTP routes');
    for (const refusal of SESSION_REFUSALS) expect(routes).toContain(`\`${refusal}\``);
  });

  test('the constants served to pages are the ones listed', () => {
    const listed = section('## Constants for pages').match(/`[A-Z_]+`/g)!.map((name) => name.slice(1, -1));
    expect(sorted(listed)).toEqual(sorted(Object.keys(PAGE_CONSTANTS)));
  });
});
