/**
 * Small pieces the chaos and soak scenarios share on top of quiz-client.ts: bounded
 * waiting, RSS sampling into the Recorder, joining and connecting a class, and reading
 * the admin snapshot's connection counts. Every wait here has a timeout.
 */
import type { Profile } from './profiles';
import { inParallel, joinStudent, LiveSocket, type Frame } from './quiz-client';
import type { Recorder } from './report';
import type { Target } from './target';

/** bun test timeout for a scenario: its profile's wall-time bound plus set-up room. */
export function scenarioTimeoutMs(profile: Profile, smokeMs = 30_000): number {
  return profile.name === 'smoke' ? smokeMs : Math.max(smokeMs, profile.durationS * 1000 + 60_000);
}

/** Polls `check` until it holds; false on timeout (the caller turns that into a failure). */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await Bun.sleep(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

/** Rejects after `ms` with `what` in the message; for awaiting things that have no timeout. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Samples the server's RSS into the recorder every `intervalMs` until stopped. */
export function sampleRss(target: Target, recorder: Recorder, intervalMs = 250): { stop(): void; peakMb(): number } {
  let peak = 0;
  const take = () => {
    const rss = target.rssMb();
    if (rss === null) return;
    peak = Math.max(peak, rss);
    recorder.rss(rss);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
    },
    peakMb: () => peak,
  };
}

export interface ConnectedStudent {
  studentId: string;
  cookie: string;
  socket: LiveSocket;
  snapshot: Frame;
}

/**
 * Joins `count` students over HTTP at `url` and opens their sockets at `socketUrl` (the
 * server itself, or a proxy in front of it); resolves once each has its snapshot.
 */
export async function joinAndConnect(
  url: string,
  prefix: string,
  count: number,
  options: { socketUrl?: string; recorder?: Recorder; concurrency?: number; timeoutMs?: number } = {},
): Promise<ConnectedStudent[]> {
  const socketUrl = options.socketUrl ?? url;
  return inParallel(count, options.concurrency ?? 32, async (index) => {
    const studentId = `${prefix}-${index}`;
    const started = performance.now();
    const cookie = await joinStudent(url, studentId, `${prefix} ${index}`);
    options.recorder?.sample('join', performance.now() - started);
    const socket = LiveSocket.student(socketUrl, cookie);
    try {
      const snapshot = await socket.next('snapshot', options.timeoutMs ?? 10_000);
      options.recorder?.sample('connect', performance.now() - started);
      return { studentId, cookie, socket, snapshot };
    } catch (error) {
      socket.close();
      throw error;
    }
  });
}

export function closeAll(sockets: Iterable<{ socket: LiveSocket } | LiveSocket>): void {
  for (const item of sockets) (item instanceof LiveSocket ? item : item.socket).close();
}

/** How many of the admin snapshot's students are marked connected (optionally only some ids). */
export function connectedCount(state: Frame, ids?: ReadonlySet<string>): number {
  return (state.students as { student_id: string; connected: boolean }[]).filter(
    (student) => student.connected && (!ids || ids.has(student.student_id)),
  ).length;
}

export async function healthz(url: string): Promise<Frame> {
  const response = await fetch(`${url}/healthz`);
  if (response.status !== 200) throw new Error(`/healthz: HTTP ${response.status}`);
  return (await response.json()) as Frame;
}

/**
 * Every student submits `choiceFor(index)` to `questionIdx` and waits for its ack; ack
 * latency goes into the recorder as "ack". Returns the acks in student order.
 */
export async function answerAll(
  students: readonly ConnectedStudent[],
  questionIdx: number,
  choiceFor: (index: number) => string,
  recorder: Recorder,
  timeoutMs = 10_000,
): Promise<Frame[]> {
  return Promise.all(
    students.map(async (student, index) => {
      const started = performance.now();
      student.socket.submit(questionIdx, choiceFor(index));
      const ack = await student.socket.next('submit_ack', timeoutMs);
      recorder.sample('ack', performance.now() - started);
      recorder.count('acks');
      return ack;
    }),
  );
}
