/**
 * The baseline the benchmark compares against: bare Bun pub/sub with no framework, no
 * validation and no storage. It publishes an "open" frame when asked and answers every
 * client frame with an immediate ack, so the same client burst measures what Bun alone costs.
 */
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch(request, bunServer) {
    const path = new URL(request.url).pathname;
    if (path === '/open') {
      bunServer.publish('all', JSON.stringify({ type: 'question_open', question_idx: 0 }));
      return new Response('ok');
    }
    if (bunServer.upgrade(request)) return undefined;
    return new Response('not found', { status: 404 });
  },
  websocket: {
    open(ws) {
      ws.subscribe('all');
      ws.send(JSON.stringify({ type: 'snapshot' }));
    },
    message(ws, message) {
      const frame = JSON.parse(String(message)) as { question_idx: number; choice: string };
      ws.send(JSON.stringify({ type: 'submit_ack', question_idx: frame.question_idx, choice: frame.choice, accepted: true }));
    },
  },
});
process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${server.port}` })}\n`);
