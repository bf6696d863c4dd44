/**
 * `bun bench/remove-squatters.ts [--students 2000] [--squatters 300]`: boots the real server
 * on a temp database; that many students join over HTTP and connect (the squatters among
 * them), a question opens and every student answers; then the instructor removes the
 * squatters in one bulk request. Prints one JSON line: the request's round trip, the time
 * until the admin socket has the fresh snapshot, and until every squatter socket is closed
 * with 4401; and the counts afterwards (students, answered, answers in the database), which
 * must equal the students who stayed.
 */
import { Database } from 'bun:sqlite';
import { parseArgs } from 'node:util';
import { AdminClient, inParallel, joinStudent } from '../tests/stress/lib/quiz-client';
import { makeStressPool, startTarget } from '../tests/stress/lib/target';
import { waitFor } from '../tests/helpers/wait';

const { values: args } = parseArgs({
  options: {
    students: { type: 'string', default: '2000' },
    squatters: { type: 'string', default: '300' },
  },
});
const studentCount = Number(args.students);
const squatterCount = Number(args.squatters);

interface Client {
  id: string;
  socket: WebSocket;
  gotQuestion: boolean;
  acked: boolean;
  closedAt: number;
  closeCode: number | null;
}

const round = (value: number) => Math.round(value * 100) / 100;

function connect(wsUrl: string, id: string, cookie: string): Promise<Client> {
  const socket = new WebSocket(wsUrl, { headers: { cookie } } as never);
  const client: Client = { id, socket, gotQuestion: false, acked: false, closedAt: 0, closeCode: null };
  socket.onclose = (event) => {
    client.closedAt = performance.now();
    client.closeCode = event.code;
  };
  return new Promise((resolve, reject) => {
    socket.onerror = () => reject(new Error('socket error'));
    socket.onmessage = (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string };
      if (frame.type === 'snapshot') resolve(client);
      else if (frame.type === 'question_open') client.gotQuestion = true;
      else if (frame.type === 'submit_ack') client.acked = true;
    };
  });
}

const target = await startTarget({ pool: makeStressPool(1) });
try {
  const admin = await AdminClient.login(target.url, target.adminPassword);
  const ids = Array.from({ length: studentCount }, (_, i) => (i < squatterCount ? `squat${i}` : `s${i}`));
  const cookies = await inParallel(studentCount, 64, (i) => joinStudent(target.url, ids[i]!, `Name ${ids[i]}`));
  const wsUrl = `${target.url.replace('http', 'ws')}/ws`;
  const clients = await inParallel(studentCount, 256, (i) => connect(wsUrl, ids[i]!, cookies[i]!));

  const adminSocket = new WebSocket(`${target.url.replace('http', 'ws')}/admin/ws`, { headers: { cookie: admin.cookie } } as never);
  const adminSnapshots: Array<{ at: number; frame: { students_count: number; answered: number } }> = [];
  adminSocket.onmessage = (event) => {
    const frame = JSON.parse(String(event.data));
    if (frame.type === 'snapshot') adminSnapshots.push({ at: performance.now(), frame });
  };
  await waitFor('the admin snapshot', () => adminSnapshots.length === 1, 30_000);

  await admin.command('next');
  await waitFor('question_open everywhere', () => clients.every((client) => client.gotQuestion), 60_000);
  clients.forEach((client, i) => client.socket.send(JSON.stringify({ type: 'submit', question_idx: 0, choice: 'ABCD'[i % 4] })));
  await waitFor('every submit_ack', () => clients.every((client) => client.acked), 60_000);

  const squatters = clients.slice(0, squatterCount);
  const started = performance.now();
  const response = await admin.post('/admin/api/students/remove', { student_ids: squatters.map((client) => client.id) });
  const requestMs = performance.now() - started;
  if (response.status !== 200) throw new Error(`remove: HTTP ${response.status} ${await response.text()}`);
  const removed = ((await response.json()) as { removed: string[] }).removed.length;
  await waitFor('the admin snapshot after the removal', () => adminSnapshots.length === 2, 30_000);
  await waitFor('every squatter socket closed', () => squatters.every((client) => client.closeCode !== null), 30_000);
  const after = adminSnapshots[1]!;
  const lastClose = Math.max(...squatters.map((client) => client.closedAt));

  const db = new Database(target.dbPath!, { readonly: true });
  const answersInDb = (db.query('SELECT count(*) AS n FROM answers').get() as { n: number }).n;
  const studentsInDb = (db.query('SELECT count(*) AS n FROM students').get() as { n: number }).n;
  db.close();
  process.stdout.write(
    `${JSON.stringify({
      bench: 'remove-squatters',
      students: studentCount,
      squatters: squatterCount,
      bun: Bun.version,
      removed,
      request_ms: round(requestMs),
      admin_snapshot_ms: round(after.at - started),
      all_squatter_sockets_closed_ms: round(lastClose - started),
      squatter_close_codes: [...new Set(squatters.map((client) => client.closeCode))],
      students_after: after.frame.students_count,
      answered_after: after.frame.answered,
      students_in_db: studentsInDb,
      answers_in_db: answersInDb,
      server_peak_rss_mb: target.peakRssMb(),
    })}\n`,
  );
  adminSocket.close();
  for (const client of clients) client.socket.close();
} finally {
  await target.stop();
}
process.exit(0);
