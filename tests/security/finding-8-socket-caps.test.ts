/**
 * Security finding 8: no cap on sockets. 300 sockets on one cookie all opened, and one
 * client could take every file descriptor. Now a student holds at most 5 sockets (a sixth
 * closes the oldest with 4409 and a reason), and one address holds at most
 * QUIZ_MAX_SOCKETS_PER_ADDRESS (default 5000: a lecture hall's NAT is one address).
 */
import { expect, test } from 'bun:test';
import { DEFAULT_MAX_SOCKETS_PER_ADDRESS, loadConfig } from '../../src/config';
import { CLOSE_CODES, MAX_SOCKETS_PER_STUDENT } from '../../src/protocol/constants';
import { Inbox } from '../helpers/inbox';
import type { TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { waitFor } from '../helpers/wait';

const worlds = useTestWorlds();

async function connect(w: TestWorld, cookie: string): Promise<Inbox> {
  const inbox = await w.connectStudent(cookie);
  worlds.track(inbox);
  await inbox.next('snapshot');
  return inbox;
}

test('a sixth socket on one cookie closes the oldest with 4409; the student keeps five', async () => {
  const world = await worlds.start();
  const { cookie } = await world.join('s1');
  const opened: Inbox[] = [];
  for (let index = 0; index < MAX_SOCKETS_PER_STUDENT; index += 1) opened.push(await connect(world, cookie));
  expect(MAX_SOCKETS_PER_STUDENT).toBe(5);
  const sixth = await connect(world, cookie);
  expect(await opened[0]!.expectClose()).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
  expect(CLOSE_CODES.TOO_MANY_CONNECTIONS).toBe(4409);
  expect(opened[0]!.closeReason).toContain('the oldest was closed');
  for (const inbox of [...opened.slice(1), sixth]) expect(inbox.closeCode).toBeNull();
  await waitFor('five sockets', () => world.server.controller.connectionCounts().students === MAX_SOCKETS_PER_STUDENT, 2000);
});

test('300 sockets on one cookie never hold more than five at once', async () => {
  const world = await worlds.start();
  const { cookie } = await world.join('s1');
  const sockets = Array.from({ length: 300 }, () => worlds.track(Inbox.connect(world.wsUrl, cookie)));
  await Promise.all(sockets.map((inbox) => inbox.opened.catch(() => undefined)));
  await waitFor('the cap', () => sockets.filter((inbox) => inbox.closeCode === null).length <= MAX_SOCKETS_PER_STUDENT, 5000);
  expect(world.server.controller.connectionCounts().students).toBeLessThanOrEqual(MAX_SOCKETS_PER_STUDENT);
  // Other students are unaffected.
  const other = await connect(world, (await world.join('s2')).cookie);
  expect(other.closeCode).toBeNull();
});

test('one address holds at most QUIZ_MAX_SOCKETS_PER_ADDRESS sockets; a closed one frees its slot', async () => {
  expect(DEFAULT_MAX_SOCKETS_PER_ADDRESS).toBe(5000);
  expect(loadConfig({}).maxSocketsPerAddress).toBe(5000);
  const world = await worlds.start({ env: { QUIZ_MAX_SOCKETS_PER_ADDRESS: '3' } });
  const cookies = await Promise.all(['a', 'b', 'c', 'd'].map(async (id) => (await world.join(id)).cookie));
  const first = await connect(world, cookies[0]!);
  await connect(world, cookies[1]!);
  await connect(world, cookies[2]!);
  const refused = await fetch(`${world.baseUrl}/ws`, {
    headers: { cookie: cookies[3]!, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
  });
  expect(refused.status).toBe(429);
  expect((await refused.json()).error).toBe('too_many_connections');
  first.socket.close();
  await first.closed;
  await waitFor('the slot to free', () => world.server.controller.connectionCounts().students === 2, 2000);
  await connect(world, cookies[3]!);
});

test('behind a trusted proxy the cap counts the client address, not the proxy', async () => {
  const world = await worlds.start({ env: { QUIZ_MAX_SOCKETS_PER_ADDRESS: '1', QUIZ_TRUST_PROXY: '1' } });
  const a = (await world.join('a')).cookie;
  const b = (await world.join('b')).cookie;
  const viaProxy = (cookie: string, client: string) => {
    const inbox = Inbox.connect(world.wsUrl, cookie, { 'x-forwarded-for': client });
    worlds.track(inbox);
    return inbox;
  };
  const first = viaProxy(a, '10.0.0.1');
  await first.next('snapshot');
  const second = viaProxy(b, '10.0.0.2');
  await second.next('snapshot');
  const third = viaProxy(b, '10.0.0.1');
  await expect(third.opened).rejects.toThrow();
});
