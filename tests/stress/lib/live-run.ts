/**
 * One live accuracy run against a deployed (or local) server, speaking only the wire
 * contract: health check, admin login, reset, N students joined over HTTP and connected
 * over WebSocket, every question of the loaded pool opened with `next`, one random pick
 * per student, every `submit_ack` awaited, the question closed, then each student's
 * `question_closed` checked against the admin's `correct` (a correct pick scores > 0, any
 * other 0), and finally `end` with each student's score and rank checked.
 *
 * Every wait is bounded (HTTP, snapshots, frames), so a stalled server is a failure with a
 * message, never a hang. `runLive` never throws for a server problem: it returns a result
 * whose `failures` say what broke. Ack latency (submit sent → ack received) is reported.
 */
import { seededRandom } from '../../helpers/seeded-random';
import { percentiles } from './report';
import { AdminClient, inParallel, joinStudent, LiveSocket, type Frame } from './quiz-client';

export interface LiveOptions {
  /** http(s) base URL of the server. */
  url: string;
  password: string;
  students: number;
  /** Each student socket's wait for its first `snapshot` (default 12 s). */
  snapshotTimeoutMs?: number;
  /** The instructor socket's wait for its `snapshot` (default 15 s). */
  adminSnapshotTimeoutMs?: number;
  /** Each HTTP request (default 15 s). */
  httpTimeoutMs?: number;
  /** Each wait for a broadcast frame or an ack (default 15 s). */
  frameTimeoutMs?: number;
  /** Seeds the random picks (default: the clock). */
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LiveProgress) => void;
}

export interface LiveProgress {
  phase: string;
  connected: number;
  acks: number;
  expectedAcks: number;
}

export interface LiveResult {
  at: string;
  url: string;
  passed: boolean;
  run_id: number | null;
  students: number;
  questions: number;
  /** Accepted submit_acks received. */
  acks: number;
  expected_acks: number;
  ack_p50_ms: number | null;
  ack_p95_ms: number | null;
  ack_p99_ms: number | null;
  ack_max_ms: number | null;
  connect_p50_ms: number | null;
  connect_p99_ms: number | null;
  /** Number of broken checks and failed operations (failures lists at most 50). */
  errors: number;
  duration_ms: number;
  seed: number;
  failures: string[];
}

const MAX_LISTED_FAILURES = 50;

export class LiveAbort extends Error {}

/** Rejects when `promise` takes longer than `ms` or the run is aborted. */
function bounded<T>(promise: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(new LiveAbort('interrupted'));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`))), ms);
    const onAbort = () => finish(() => reject(new LiveAbort('interrupted')));
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(settle: () => void) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    promise.then(
      (value) => finish(() => resolve(value)),
      (error) => finish(() => reject(error)),
    );
  });
}

/** The next frame of `type`, bounded by `ms`; any failure names the socket and the frame. */
function waitFrame(socket: LiveSocket, type: string, ms: number, label: string, signal?: AbortSignal): Promise<Frame> {
  return bounded(socket.next(type, ms + 5_000), ms, label, signal).catch((error: unknown) => {
    if (error instanceof LiveAbort || (error instanceof Error && error.message.startsWith(label))) throw error;
    throw new Error(`${label}: ${messageOf(error)}`);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface LiveStudent {
  id: string;
  socket: LiveSocket | null;
  /** Settled by the socket's own listener, so the arrival time is taken on receipt. */
  ackWaiter: { resolve(ack: { frame: Frame; at: number }): void; reject(error: Error): void } | null;
  picks: string[];
  score: number;
}

/** The next submit_ack with the time it arrived (not the time this code got to run). */
function nextAck(student: LiveStudent): Promise<{ frame: Frame; at: number }> {
  return new Promise((resolve, reject) => {
    if (student.socket?.closeCode !== null) return reject(new Error(`socket closed (${student.socket?.closeCode})`));
    student.ackWaiter = { resolve, reject };
  });
}

function watchAcks(student: LiveStudent, socket: LiveSocket): void {
  socket.socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string' || !event.data.includes('"submit_ack"')) return;
    const at = performance.now();
    const waiter = student.ackWaiter;
    student.ackWaiter = null;
    try {
      waiter?.resolve({ frame: JSON.parse(event.data) as Frame, at });
    } catch (error) {
      waiter?.reject(error as Error);
    }
  });
  void socket.closed.then((code) => {
    student.ackWaiter?.reject(new Error(`socket closed (${code}) while waiting for submit_ack`));
    student.ackWaiter = null;
  });
}

interface PoolQuestion {
  text: string;
  choices: string[];
  answer?: string;
}

export async function runLive(options: LiveOptions): Promise<LiveResult> {
  const started = performance.now();
  const at = new Date().toISOString();
  const url = options.url.replace(/\/+$/, '');
  const httpMs = options.httpTimeoutMs ?? 15_000;
  const snapshotMs = options.snapshotTimeoutMs ?? 12_000;
  const adminSnapshotMs = options.adminSnapshotTimeoutMs ?? 15_000;
  const frameMs = options.frameTimeoutMs ?? 15_000;
  const seed = options.seed ?? Date.now() % 1_000_000_007;
  const random = seededRandom(seed);
  const { signal } = options;

  const failures: string[] = [];
  let errors = 0;
  const fail = (message: string) => {
    errors += 1;
    if (failures.length < MAX_LISTED_FAILURES) failures.push(message);
  };
  const ackSamples: number[] = [];
  const connectSamples: number[] = [];
  let runId: number | null = null;
  let questionCount = 0;
  let acks = 0;
  let connected = 0;
  let phase = 'starting';
  const students: LiveStudent[] = [];
  let adminSocket: LiveSocket | null = null;

  const report = (next?: string) => {
    if (next) phase = next;
    options.onProgress?.({ phase, connected, acks, expectedAcks: options.students * questionCount });
  };
  const http = <T>(promise: Promise<T>, what: string) => bounded(promise, httpMs, what, signal);

  try {
    report('health check');
    const health = await http(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(httpMs + 1_000) }), 'GET /healthz');
    const healthBody = (await http(health.json().catch(() => null), 'GET /healthz body')) as { ok?: boolean } | null;
    if (health.status !== 200 || healthBody?.ok !== true) {
      throw new Error(`GET /healthz answered HTTP ${health.status}: not a quiz server, or not healthy`);
    }

    report('admin login');
    let admin: AdminClient;
    try {
      admin = await http(AdminClient.login(url, options.password), 'admin login');
    } catch (error) {
      const message = messageOf(error);
      if (message.includes('HTTP 401')) throw new Error('admin login refused: wrong password (HTTP 401)');
      if (message.includes('HTTP 429')) throw new Error('admin login refused: too many attempts from this address (HTTP 429), wait a minute');
      throw error;
    }

    report('reset');
    runId = await http(admin.reset(), 'POST /admin/api/reset');
    const state = await http(admin.state(), 'GET /admin/api/state');
    const pool = (state.pool?.questions ?? []) as PoolQuestion[];
    questionCount = Number(state.total_questions ?? pool.length);
    if (state.phase !== 'lobby') fail(`after reset the phase is ${state.phase}, not lobby`);
    if (questionCount < 1) throw new Error('the loaded pool has no questions');

    report('joining');
    for (let index = 0; index < options.students; index += 1) {
      students.push({ id: `live-${runId}-${index + 1}`, socket: null, ackWaiter: null, picks: [], score: 0 });
    }
    const cookies = await inParallel(students.length, 16, (index) =>
      http(joinStudent(url, students[index]!.id, `Live ${index + 1}`), `join ${students[index]!.id}`),
    );

    report('connecting');
    adminSocket = admin.socket();
    adminSocket.opened.catch(() => {});
    const adminSnapshot = await waitFrame(adminSocket, 'snapshot', adminSnapshotMs, 'instructor socket snapshot', signal);
    if (adminSnapshot.phase !== 'lobby') fail(`instructor snapshot phase ${adminSnapshot.phase}, not lobby`);

    const connectFailures: string[] = [];
    await inParallel(students.length, 100, async (index) => {
      const student = students[index]!;
      const opened = performance.now();
      const socket = LiveSocket.student(url, cookies[index]!);
      socket.opened.catch(() => {});
      student.socket = socket;
      watchAcks(student, socket);
      try {
        const snapshot = await waitFrame(socket, 'snapshot', snapshotMs, `${student.id} snapshot`, signal);
        if (snapshot.me?.student_id !== student.id) fail(`${student.id}: snapshot names ${snapshot.me?.student_id}`);
        connectSamples.push(performance.now() - opened);
        connected += 1;
        report();
      } catch (error) {
        if (error instanceof LiveAbort) throw error;
        connectFailures.push(messageOf(error));
      }
    });
    if (connectFailures.length > 0) {
      throw new Error(`${connectFailures.length} of ${students.length} student sockets got no snapshot; first: ${connectFailures[0]}`);
    }

    for (let index = 0; index < questionCount; index += 1) {
      report(`question ${index + 1}/${questionCount}`);
      await http(admin.command('next'), `next (open question ${index + 1})`);
      const tally: Record<string, number> = {};
      await Promise.all(
        students.map(async (student) => {
          const socket = student.socket!;
          const open = await waitFrame(socket, 'question_open', frameMs, `${student.id} question_open ${index + 1}`, signal);
          if (open.question_idx !== index) {
            fail(`${student.id}: question_open for index ${open.question_idx}, expected ${index}`);
            return;
          }
          const letters = (open.choices as string[]).map((_, choice) => String.fromCharCode(65 + choice));
          const pick = letters[Math.floor(random() * letters.length)]!;
          student.picks[index] = pick;
          const acked = nextAck(student);
          const sent = performance.now();
          socket.submit(index, pick);
          const { frame: ack, at: arrived } = await bounded(acked, frameMs, `${student.id} submit_ack ${index + 1}`, signal);
          if (ack.accepted !== true || ack.question_idx !== index || ack.choice !== pick) {
            fail(`${student.id} q${index + 1}: submit ${pick} answered ${JSON.stringify(ack)}`);
            return;
          }
          ackSamples.push(arrived - sent);
          tally[pick] = (tally[pick] ?? 0) + 1;
          acks += 1;
          report();
        }),
      );

      report(`question ${index + 1}/${questionCount} closing`);
      const closing = await http(admin.post('/admin/api/close'), `close question ${index + 1}`);
      await closing.body?.cancel();
      // 409: the question's own deadline closed it first; the frames below still arrive.
      if (closing.status !== 200 && closing.status !== 409) fail(`close question ${index + 1}: HTTP ${closing.status}`);
      const adminClosed = await waitFrame(adminSocket, 'question_closed', frameMs, `instructor question_closed ${index + 1}`, signal);
      const correct = adminClosed.correct as string;
      if (adminClosed.question_idx !== index) fail(`instructor question_closed for index ${adminClosed.question_idx}, expected ${index}`);
      const poolAnswer = pool[index]?.answer;
      if (poolAnswer !== undefined && poolAnswer !== correct) fail(`q${index + 1}: question_closed says ${correct}, the pool says ${poolAnswer}`);
      const counts = (adminClosed.counts ?? {}) as Record<string, number>;
      for (const letter of new Set([...Object.keys(counts), ...Object.keys(tally)])) {
        if ((counts[letter] ?? 0) !== (tally[letter] ?? 0)) {
          fail(`q${index + 1}: the instructor counts ${counts[letter] ?? 0} × ${letter}, the students were acknowledged ${tally[letter] ?? 0}`);
        }
      }

      await Promise.all(
        students.map(async (student) => {
          const closed = await waitFrame(student.socket!, 'question_closed', frameMs, `${student.id} question_closed ${index + 1}`, signal);
          const pick = student.picks[index];
          const points = Number(closed.points);
          if (closed.question_idx !== index) return fail(`${student.id}: question_closed for index ${closed.question_idx}, expected ${index}`);
          if (closed.correct !== correct) fail(`${student.id} q${index + 1}: told the answer is ${closed.correct}, the instructor ${correct}`);
          if (closed.your_choice !== pick) fail(`${student.id} q${index + 1}: your_choice ${closed.your_choice}, picked ${pick}`);
          if (pick === correct && !(points > 0 && points <= 1000)) fail(`${student.id} q${index + 1}: correct pick ${pick} scored ${points}`);
          if (pick !== correct && points !== 0) fail(`${student.id} q${index + 1}: wrong pick ${pick} (answer ${correct}) scored ${points}`);
          student.score += Number.isFinite(points) ? points : 0;
          if (closed.score !== student.score) fail(`${student.id} q${index + 1}: score ${closed.score}, the sum of points is ${student.score}`);
        }),
      );
    }

    report('ending');
    await http(admin.command('end'), 'end');
    await Promise.all(
      students.map(async (student) => {
        const ended = await waitFrame(student.socket!, 'session_ended', frameMs, `${student.id} session_ended`, signal);
        if (ended.score !== student.score) fail(`${student.id}: final score ${ended.score}, the sum of points is ${student.score}`);
        // Ranks are checked when the run holds only this tool's students.
        if (ended.total_students === students.length) {
          const rank = 1 + students.filter((other) => other.score > student.score).length;
          if (ended.rank !== rank) fail(`${student.id}: rank ${ended.rank}, expected ${rank} (score ${student.score})`);
        }
      }),
    );
    report('done');
  } catch (error) {
    fail(error instanceof LiveAbort ? 'interrupted' : messageOf(error));
  } finally {
    adminSocket?.close();
    for (const student of students) student.socket?.close();
  }

  const ack = percentiles(ackSamples);
  const connect = percentiles(connectSamples);
  const expectedAcks = options.students * questionCount;
  if (errors === 0 && acks !== expectedAcks) fail(`acks ${acks} ≠ students × questions ${expectedAcks}`);
  const some = (value: number, count: number) => (count > 0 ? value : null);
  return {
    at,
    url,
    passed: errors === 0,
    run_id: runId,
    students: options.students,
    questions: questionCount,
    acks,
    expected_acks: expectedAcks,
    ack_p50_ms: some(ack.p50, ack.count),
    ack_p95_ms: some(ack.p95, ack.count),
    ack_p99_ms: some(ack.p99, ack.count),
    ack_max_ms: some(ack.max, ack.count),
    connect_p50_ms: some(connect.p50, connect.count),
    connect_p99_ms: some(connect.p99, connect.count),
    errors,
    duration_ms: Math.round(performance.now() - started),
    seed,
    failures,
  };
}
