import { expect, test } from 'bun:test';
import { makePool, type TestWorld } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { RawWebSocket } from '../helpers/raw-websocket';

const worlds = useTestWorlds();

async function connectedIds(w: TestWorld): Promise<string[]> {
  const state = await (await w.http('/admin/api/state', { cookie: await w.adminLogin() })).json();
  return state.students.filter((student: { connected: boolean }) => student.connected).map((s: { student_id: string }) => s.student_id);
}

// Regression: Bun's idleTimeout restarts on every send, so a half-open peer (a phone that
// left the Wi-Fi) stayed "connected" for as long as the quiz kept broadcasting to it.
test('a peer that stops answering pings is terminated while the quiz keeps broadcasting; live ones stay', async () => {
  const w = await worlds.start({ pool: makePool(50), heartbeat: { intervalMs: 100, deadAfterMs: 400 } });
  const live = worlds.track(await w.connectStudent((await w.join('live')).cookie));
  await live.next('snapshot');
  const { cookie: deadCookie } = await w.join('dead');
  const dead = await RawWebSocket.connect({ url: w.baseUrl, path: '/ws', cookie: deadCookie });
  worlds.afterTest(() => dead.terminate());
  await dead.waitFor((client) => client.frames.some((frame) => frame.type === 'snapshot'), 5000);
  dead.pause();
  expect(await connectedIds(w)).toEqual(['live', 'dead']);

  // Keep the server sending to everyone: question after question.
  const started = Date.now();
  while (Date.now() - started < 1500) {
    await w.adminPost('/admin/api/next');
    await Bun.sleep(50);
  }
  expect(await connectedIds(w)).toEqual(['live']);
  expect(w.server.controller.connectionCounts().students).toBe(1);
  expect(live.closeCode).toBeNull();
  // The live student still works.
  const state = await (await w.http('/admin/api/state', { cookie: await w.adminLogin() })).json();
  if (state.phase === 'question') {
    live.send({ type: 'submit', question_idx: state.question_idx, choice: 'A' });
    expect((await live.next('submit_ack')).question_idx).toBe(state.question_idx);
  }
});
