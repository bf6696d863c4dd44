/**
 * The frame every API stress scenario runs in: a fresh server (or STRESS_URL, reset to a new
 * run with the scenario's pool), a logged-in admin, a Recorder, bounded-concurrency joins and
 * connects, RSS sampling, and a `finish()` that closes every client socket, applies the
 * profile's thresholds, writes the report and stops the server. Broken invariants go into
 * `failures` (they fail the test); latencies and memory only go into the report.
 */
import { loadavg } from 'node:os';
import { seededRandom } from '../../helpers/seeded-random';
import { checkThresholds, progress, progressDone, Recorder } from '../lib/report';
import { loadProfile, type Profile } from '../lib/profiles';
import { startTarget, STRESS_POOL_LETTERS, type Target } from '../lib/target';
import { AdminClient, inParallel, joinStudent, LiveSocket, type Frame } from '../lib/quiz-client';
import { withTimeout } from '../lib/scenario-kit';

export const profile: Profile = loadProfile();

/** Joins/connects in flight at once (HTTP and WebSocket handshakes). */
export const CONCURRENCY = Number(process.env.STRESS_CONCURRENCY ?? 128);

/** A wait that grows with the class: `baseMs` plus `perStudentMs` for every student. */
export function scaledMs(baseMs: number, perStudentMs = 8, students = profile.students): number {
  return Math.round(baseMs + perStudentMs * students);
}

/** The bun:test timeout of one scenario: the profile's wall-time bound. */
export const TEST_TIMEOUT_MS = profile.durationS * 1000;

export interface Student {
  index: number;
  id: string;
  name: string;
  cookie: string;
  socket: LiveSocket | null;
}

/** The seed of the scenario's random picks (seededRandom), so a failing run can be replayed with STRESS_SEED. */
export const SEED = Number(process.env.STRESS_SEED ?? Date.now() % 1_000_000);

export function randomLetter(random: () => number): string {
  return STRESS_POOL_LETTERS[Math.floor(random() * STRESS_POOL_LETTERS.length)]!;
}

/** The letter a stress pool marks correct for question `index` (see makeStressPool). */
export function correctLetter(index: number): string {
  return STRESS_POOL_LETTERS[index % STRESS_POOL_LETTERS.length]!;
}

export class Scenario {
  readonly failures: string[] = [];
  readonly sockets = new Set<LiveSocket>();
  readonly random: () => number;
  /** Operations attempted / succeeded, for the success-rate threshold. */
  attempted = 0;
  succeeded = 0;
  #sampler: ReturnType<typeof setInterval> | null = null;
  #finished = false;

  private constructor(
    readonly name: string,
    readonly target: Target,
    readonly admin: AdminClient,
    readonly recorder: Recorder,
  ) {
    this.random = seededRandom(SEED);
    recorder.gauge('seed', SEED);
  }

  static async open(name: string, pool: unknown): Promise<Scenario> {
    const target = await startTarget({ pool });
    try {
      const admin = await AdminClient.login(target.url, target.adminPassword);
      if (!target.local) {
        // A shared server: start a new run in the lobby and play this scenario's pool.
        await admin.reset();
        await admin.uploadPool(pool);
      }
      const recorder = new Recorder(name, profile, target.local ? 'local' : target.url);
      const scenario = new Scenario(name, target, admin, recorder);
      await scenario.measureBaseline();
      scenario.sampleRss();
      scenario.#sampler = setInterval(() => scenario.sampleRss(), 500);
      return scenario;
    } catch (error) {
      await target.stop();
      throw error;
    }
  }

  get url(): string {
    return this.target.url;
  }

  /** Records a broken invariant (kept short: the first 20 of a kind are enough to debug). */
  fail(message: string): void {
    if (this.failures.length < 50) this.failures.push(message);
    else if (this.failures.length === 50) this.failures.push('… more failures omitted');
  }

  check(condition: boolean, message: string): boolean {
    if (!condition) this.fail(message);
    return condition;
  }

  /** An operation that succeeded or not (joins, connects, acks): feeds the thresholds. */
  operation(ok: boolean, error?: string): void {
    this.attempted += 1;
    if (ok) this.succeeded += 1;
    else this.recorder.error(error ?? 'operation failed');
  }

  /**
   * A bare round trip on the idle server (GET /healthz, one at a time), so the report can
   * quote ack latency as a ratio to it: the client shares the cores with the server, and on
   * a busy box absolute times say more about the box than about the server.
   */
  async measureBaseline(rounds = 20): Promise<void> {
    for (let round = 0; round < rounds; round += 1) {
      const started = performance.now();
      const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      this.recorder.sample('baseline_healthz', performance.now() - started);
    }
  }

  sampleRss(): void {
    const rss = this.target.rssMb();
    if (rss !== null) this.recorder.rss(rss);
  }

  /** Joins `count` students over HTTP, at most CONCURRENCY in flight; returns those that joined. */
  async joinClass(count: number, prefix: string): Promise<Student[]> {
    let done = 0;
    const joined = await inParallel(count, CONCURRENCY, async (index) => {
      const id = `${prefix}-${index}`;
      const name = `Student ${prefix} ${index}`;
      const started = performance.now();
      try {
        const cookie = await joinStudent(this.url, id, name);
        this.recorder.sample('join', performance.now() - started);
        this.operation(true);
        return { index, id, name, cookie, socket: null } as Student;
      } catch (error) {
        this.operation(false, `join ${id}: ${String(error)}`);
        return null;
      } finally {
        progress(`${this.name}: joined ${++done}/${count}`);
      }
    });
    progressDone();
    this.recorder.gauge('students', (this.recorder.gauges.students ?? 0) + count);
    return joined.filter((student): student is Student => student !== null);
  }

  /** Opens a tracked student socket and waits for its first snapshot. */
  async connect(student: Student, timeoutMs = scaledMs(10_000, 4)): Promise<Frame> {
    const started = performance.now();
    const socket = this.track(LiveSocket.student(this.url, student.cookie));
    student.socket = socket;
    await withTimeout(socket.opened, timeoutMs, `open ${student.id}`);
    const snapshot = await socket.next('snapshot', timeoutMs);
    this.recorder.sample('connect', performance.now() - started);
    return snapshot;
  }

  /** Connects every student (bounded); returns the students whose snapshot arrived. */
  async connectAll(students: Student[]): Promise<Student[]> {
    let done = 0;
    const results = await inParallel(students.length, CONCURRENCY, async (index) => {
      const student = students[index]!;
      try {
        await this.connect(student);
        this.operation(true);
        return student;
      } catch (error) {
        this.operation(false, `connect ${student.id}: ${String(error)}`);
        return null;
      } finally {
        progress(`${this.name}: connected ${++done}/${students.length}`);
      }
    });
    progressDone();
    return results.filter((student): student is Student => student !== null);
  }

  /** Joins `count` students and connects them (joinClass, then connectAll). */
  async connectClass(count: number, prefix: string): Promise<Student[]> {
    return this.connectAll(await this.joinClass(count, prefix));
  }

  /** Opens a tracked admin socket and waits for its first snapshot. */
  async openAdminSocket(timeoutMs = 10_000): Promise<LiveSocket> {
    const socket = this.track(this.admin.socket());
    await socket.next('snapshot', timeoutMs);
    return socket;
  }

  track(socket: LiveSocket): LiveSocket {
    this.sockets.add(socket);
    return socket;
  }

  /** Closes one tracked socket and forgets it. */
  drop(socket: LiveSocket | null): void {
    if (!socket) return;
    socket.close();
    this.sockets.delete(socket);
  }

  /**
   * Sends a submit and waits for its ack; records the round trip as "ack". Returns the ack,
   * or null (an error, recorded) when none came in time.
   */
  async submitTimed(student: Student, questionIdx: number, choice: string, timeoutMs = scaledMs(10_000, 4)): Promise<Frame | null> {
    const socket = student.socket!;
    const started = performance.now();
    socket.submit(questionIdx, choice);
    try {
      const ack = await socket.next('submit_ack', timeoutMs);
      this.recorder.sample('ack', performance.now() - started);
      this.recorder.count('acks');
      if (ack.accepted) this.recorder.count('acks_accepted');
      this.operation(true);
      return ack;
    } catch (error) {
      this.operation(false, `ack ${student.id} q${questionIdx}: ${String(error)}`);
      return null;
    }
  }

  /**
   * Waits for one frame of `type` on every student's socket; returns the frames by student
   * index (missing ones are failures).
   */
  async everyoneGets(students: Student[], type: string, timeoutMs: number): Promise<Map<number, Frame>> {
    const frames = new Map<number, Frame>();
    const missing: string[] = [];
    await Promise.all(
      students.map(async (student) => {
        try {
          frames.set(student.index, await student.socket!.next(type, timeoutMs));
        } catch (error) {
          missing.push(`${student.id}: ${String(error)}`);
        }
      }),
    );
    if (missing.length > 0) this.fail(`${missing.length} students got no ${type} (${missing.slice(0, 3).join('; ')})`);
    return frames;
  }

  /** Closes every client socket, applies thresholds, writes the report, stops the server. */
  async finish(): Promise<string[]> {
    if (this.#finished) return this.failures;
    this.#finished = true;
    for (const socket of this.sockets) socket.close();
    this.sockets.clear();
    if (this.#sampler) clearInterval(this.#sampler);
    // Let the server see the closes before the last memory sample.
    await Bun.sleep(300);
    this.sampleRss();
    this.failures.push(...checkThresholds(this.recorder, this.attempted, this.succeeded));
    const baseline = this.recorder.latency('baseline_healthz').p50;
    const ack = this.recorder.latency('ack');
    if (baseline > 0 && ack.count > 0) {
      this.recorder.gauge('ack_p50_over_baseline', Math.round((ack.p50 / baseline) * 10) / 10);
      this.recorder.gauge('ack_p99_over_baseline', Math.round((ack.p99 / baseline) * 10) / 10);
    }
    this.recorder.gauge('load_average_1m', Math.round(loadavg()[0]! * 100) / 100);
    this.recorder.gauge('attempted', this.attempted);
    this.recorder.gauge('succeeded', this.succeeded);
    try {
      this.recorder.write(this.failures);
    } finally {
      await this.target.stop();
    }
    return this.failures;
  }
}

/**
 * Runs a scenario body with its Scenario, always finishing (report + server stop). The body
 * gets the test's time minus FINISH_RESERVE_MS: if something hangs anyway, the scenario
 * fails with a timeout and still writes its report and kills its server, instead of being
 * abandoned by bun:test's own timeout with the server process left running.
 */
const FINISH_RESERVE_MS = 15_000;
export async function runScenario(name: string, pool: unknown, body: (scenario: Scenario) => Promise<void>): Promise<string[]> {
  const scenario = await Scenario.open(name, pool);
  try {
    await withTimeout(body(scenario), Math.max(10_000, TEST_TIMEOUT_MS - FINISH_RESERVE_MS), `scenario ${name}`);
  } catch (error) {
    scenario.fail(`scenario threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await scenario.finish();
  }
  return scenario.failures;
}

/** results.csv as a map student_id → { choice, points } for question `index` (0-based). */
export async function resultsFor(admin: AdminClient, index: number): Promise<Map<string, { choice: string; points: string }>> {
  const { header, rows } = await admin.results();
  const choiceColumn = header.indexOf(`q${index + 1}_choice`);
  const pointsColumn = header.indexOf(`q${index + 1}_points`);
  if (choiceColumn < 0 || pointsColumn < 0) throw new Error(`results.csv has no q${index + 1} columns: ${header.join(',')}`);
  const byId = new Map<string, { choice: string; points: string }>();
  for (const row of rows) byId.set(row[0]!, { choice: row[choiceColumn] ?? '', points: row[pointsColumn] ?? '' });
  return byId;
}

/** Sum of a counts object `{A: n, …}`. */
export function total(counts: Record<string, number> | undefined | null): number {
  return Object.values(counts ?? {}).reduce((sum, value) => sum + value, 0);
}
