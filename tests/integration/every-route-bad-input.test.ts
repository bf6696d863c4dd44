/**
 * Every route the app registers (read from the app, so a new route is swept the day it is
 * added), signed in as the instructor, with hostile path parameters, query strings and
 * bodies: no answer is a 500, and every error is a short JSON body with a code and a message.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { appRoutes } from '../helpers/app-routes';
import { startTestWorld, type TestWorld } from '../helpers/test-server';

const PARAM_VALUES = ['abc', '-1', '0', '1.5', '99999999999999999999', '%00', '%2e%2e', ' '];
const QUERIES = ['', '?run=abc', '?run=-1&runs=x,,1&format=zz&filename=..%2F..%2Fetc', '?runs=999999&format=canvas', '?dry_run=maybe'];
const BODIES: Array<{ body: string | Blob; type: string }> = [
  { body: '', type: 'application/json' },
  { body: '{"', type: 'application/json' },
  { body: 'null', type: 'application/json' },
  { body: '[1,2,3]', type: 'application/json' },
  { body: '{"student_id":{"$ne":1},"student_ids":"x","title":7,"confirm_title":null,"qa":"yes"}', type: 'application/json' },
  { body: 'id;name\n"unclosed', type: 'text/csv' },
  { body: new Blob([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00, 0x13])]), type: 'application/octet-stream' },
];
/** Routes that end the sign-in the sweep uses; their refusals are tested where they live. */
const SKIPPED = new Set(['POST /admin/logout', 'POST /admin/logout-everywhere']);

let world: TestWorld;
let cookie: string;

beforeAll(async () => {
  world = await startTestWorld();
  cookie = await world.adminLogin();
});

afterAll(async () => {
  await world.stop();
});

function pathsFor(template: string): string[] {
  if (!template.includes(':')) return [template];
  return PARAM_VALUES.map((value) => template.replace(/:[a-z_]+/g, value));
}

test('every route, with hostile parameters, queries and bodies, answers below 500 with a JSON error', async () => {
  const routes = appRoutes().filter(({ method, path }) => !SKIPPED.has(`${method} ${path}`));
  expect(routes.length).toBeGreaterThan(40);
  const failures: string[] = [];
  let requests = 0;
  for (const { method, path: template } of routes) {
    for (const path of pathsFor(template)) {
      for (const query of QUERIES) {
        const bodies = method === 'GET' ? [null] : BODIES;
        for (const body of bodies) {
          const response = await world.http(`${path}${query}`, {
            method,
            cookie,
            redirect: 'manual',
            ...(body ? { body: body.body, headers: { 'content-type': body.type } } : {}),
          });
          requests += 1;
          const label = `${method} ${path}${query} ${body ? JSON.stringify(typeof body.body === 'string' ? body.body.slice(0, 20) : '<zip bytes>') : ''} → ${response.status}`;
          if (response.status >= 500) failures.push(label);
          if (response.status >= 400 && (response.headers.get('content-type') ?? '').includes('application/json')) {
            const error = await response.json();
            if (typeof error.error !== 'string' || typeof error.message !== 'string' || error.message.length > 300) failures.push(`${label}: ${JSON.stringify(error).slice(0, 200)}`);
          } else if (response.status >= 400 && !['GET /', 'GET /admin/', 'GET /screen'].includes(`${method} ${template}`)) {
            failures.push(`${label}: not JSON (${response.headers.get('content-type')})`);
          } else {
            await response.arrayBuffer();
          }
        }
      }
    }
  }
  expect(requests).toBeGreaterThan(500);
  expect(failures).toEqual([]);
}, 120_000);
