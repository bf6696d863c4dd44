/**
 * Identity under load, from outside (the cookie is opaque to the contract; the tampering
 * below only flips, swaps and strips bytes of it):
 *
 * - Tampered cookies (signature flipped, value altered, signature stripped, another
 *   student's value under this signature, garbage, empty) on one socket per student at
 *   once: every socket closes 4401, every POST /api/join with one is 401, and the genuine
 *   sockets stay open. After `reset` every genuine socket closes 4401, the old cookies get
 *   4401 / 401, and the ids join afresh in the new run.
 * - Duplicate ids: re-joining every id without its cookie is 409 `student_id_taken`, with
 *   its cookie 200 (same identity), and a burst of simultaneous first joins of one id
 *   yields exactly one 200.
 */
import { expect, test } from 'bun:test';
import { makeStressPool } from '../lib/target';
import { inParallel, LiveSocket } from '../lib/quiz-client';
import { CONCURRENCY, profile, runScenario, scaledMs, TEST_TIMEOUT_MS, type Scenario, type Student } from './scenario';

const UNAUTHORIZED = 4401;
const HTTP_TIMEOUT_MS = scaledMs(10_000, 4);

async function postJoin(url: string, id: string, name: string, cookie?: string): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ student_id: id, name }),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, ms: performance.now() - started };
}

/** Variants of a `name=value` cookie pair that no honest server may honour. */
function tamperings(cookie: string, otherCookie: string): Record<string, string> {
  const [name, value = ''] = cookie.split(/=(.*)/s) as [string, string];
  const otherValue = otherCookie.split(/=(.*)/s)[1] ?? '';
  const flip = (text: string, at: number) => {
    const position = Math.max(0, Math.min(text.length - 1, at));
    const replacement = text[position] === 'A' ? 'B' : 'A';
    return text.slice(0, position) + replacement + text.slice(position + 1);
  };
  const dot = value.lastIndexOf('.');
  const variants: Record<string, string> = {
    last_char_flipped: `${name}=${flip(value, value.length - 1)}`,
    middle_char_flipped: `${name}=${flip(value, Math.floor(value.length / 2))}`,
    truncated: `${name}=${value.slice(0, -3)}`,
    garbage: `${name}=not-a-cookie`,
    empty: `${name}=`,
  };
  if (dot > 0) {
    const payload = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    const otherDot = otherValue.lastIndexOf('.');
    variants.signature_stripped = `${name}=${payload}`;
    variants.signature_of_another = `${name}=${payload}.${otherValue.slice(otherDot + 1)}`;
    variants.value_of_another = `${name}=${otherValue.slice(0, otherDot)}.${signature}`;
    const decoded = decodeURIComponent(payload);
    if (decoded.includes('"sid":"main"')) {
      variants.other_sid = `${name}=${encodeURIComponent(decoded.replace('"sid":"main"', '"sid":"other"'))}.${signature}`;
    }
  }
  return variants;
}

/** Opens a socket with `cookie` and waits for its close code (null: still open after the wait). */
async function closeCodeOf(scenario: Scenario, cookie: string, waitMs: number): Promise<number | null> {
  const socket = scenario.track(LiveSocket.student(scenario.url, cookie));
  socket.opened.catch(() => {});
  const code = await Promise.race([socket.closed, Bun.sleep(waitMs).then(() => null)]);
  scenario.drop(socket);
  return code;
}

test(
  `tampered and other-run cookies are refused (${profile.name})`,
  async () => {
    const failures = await runScenario('api-cookie-tampering', makeStressPool(2), async (scenario) => {
      const { admin, recorder } = scenario;
      const waitMs = scaledMs(10_000, 4);
      const students = await scenario.connectClass(profile.students, 'cookie');
      const byKind = new Map<string, { refused: number; total: number }>();
      const tally = (kind: string, refused: boolean) => {
        const entry = byKind.get(kind) ?? { refused: 0, total: 0 };
        entry.total += 1;
        if (refused) entry.refused += 1;
        byKind.set(kind, entry);
      };

      // One tampered socket and one tampered join per student, cycling through the kinds.
      await inParallel(students.length, CONCURRENCY, async (position) => {
        const student = students[position]!;
        const other = students[(position + 1) % students.length]!;
        const variants = Object.entries(tamperings(student.cookie, other.cookie));
        const [kind, cookie] = variants[position % variants.length]!;
        const code = await closeCodeOf(scenario, cookie, waitMs);
        const socketRefused = code === UNAUTHORIZED;
        scenario.check(socketRefused, `${student.id}: ${kind} cookie socket closed with ${code}, expected ${UNAUTHORIZED}`);
        const join = await postJoin(scenario.url, student.id, student.name, cookie);
        recorder.sample('join_refused', join.ms);
        scenario.check(join.status === 401, `${student.id}: join with ${kind} cookie → ${join.status} ${JSON.stringify(join.body)}`);
        tally(kind, socketRefused && join.status === 401);
        recorder.count('tampered_attempts', 2);
      });
      for (const [kind, { refused, total }] of byKind) recorder.gauge(`refused_${kind}`, refused / total);

      // The genuine sockets never noticed.
      await Bun.sleep(100);
      const dropped = students.filter((student) => student.socket!.closeCode !== null);
      scenario.check(dropped.length === 0, `${dropped.length} genuine sockets closed during the tampering`);

      // reset: a new run. Every genuine socket closes 4401; every old cookie is refused.
      const oldCookies = students.map((student) => student.cookie);
      await admin.reset();
      const codes = await Promise.all(
        students.map((student) => Promise.race([student.socket!.closed, Bun.sleep(waitMs).then(() => null)])),
      );
      const notClosed = codes.filter((code) => code !== UNAUTHORIZED).length;
      scenario.check(notClosed === 0, `${notClosed} sockets not closed with ${UNAUTHORIZED} after reset (${codes.slice(0, 5).join(',')})`);

      await inParallel(students.length, CONCURRENCY, async (position) => {
        const student = students[position]!;
        const code = await closeCodeOf(scenario, oldCookies[position]!, waitMs);
        scenario.check(code === UNAUTHORIZED, `${student.id}: other-run cookie socket closed with ${code}`);
        const join = await postJoin(scenario.url, student.id, student.name, oldCookies[position]);
        scenario.check(join.status === 401, `${student.id}: join with other-run cookie → ${join.status}`);
        recorder.count('other_run_attempts', 2);
      });

      // The new run starts clean: the same ids join again without a cookie.
      const rejoined = await scenario.joinClass(Math.min(students.length, 50), 'cookie');
      scenario.check(rejoined.length === Math.min(students.length, 50), `only ${rejoined.length} ids joined again after reset`);
      const reconnected = await scenario.connectAll(rejoined);
      scenario.check(reconnected.length === rejoined.length, 'new-run cookies must open sockets');
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);

test(
  `duplicate student_id is 409, the cookie holder is 200 (${profile.name})`,
  async () => {
    const failures = await runScenario('api-duplicate-ids', makeStressPool(2), async (scenario) => {
      const { recorder } = scenario;
      const students = await scenario.joinClass(profile.students, 'dup');

      await inParallel(students.length, CONCURRENCY, async (position) => {
        const student: Student = students[position]!;
        const stranger = await postJoin(scenario.url, student.id, 'Somebody else');
        scenario.check(
          stranger.status === 409 && stranger.body?.error === 'student_id_taken',
          `${student.id}: join without cookie → ${stranger.status} ${JSON.stringify(stranger.body)}`,
        );
        const owner = await postJoin(scenario.url, student.id, student.name, student.cookie);
        scenario.check(
          owner.status === 200 && owner.body?.student_id === student.id && owner.body?.name === student.name,
          `${student.id}: join again with own cookie → ${owner.status} ${JSON.stringify(owner.body)}`,
        );
        recorder.count('duplicate_attempts', 2);
      });

      // Simultaneous first joins of one id: exactly one wins.
      const races = Math.max(10, profile.sockets);
      const contenders = 3;
      let badRaces = 0;
      await inParallel(races, Math.max(1, Math.floor(CONCURRENCY / contenders)), async (race) => {
        const id = `race-${race}`;
        const outcomes = await Promise.all(
          Array.from({ length: contenders }, (_, seat) => postJoin(scenario.url, id, `Racer ${race}.${seat}`)),
        );
        const statuses = outcomes.map((outcome) => outcome.status).sort();
        if (statuses.join() !== ['200', ...Array(contenders - 1).fill('409')].join()) {
          badRaces += 1;
          scenario.fail(`${id}: simultaneous joins → ${statuses.join(',')}`);
        }
      });
      recorder.gauge('join_races', races);
      recorder.gauge('join_races_broken', badRaces);

      const health = (await (await fetch(`${scenario.url}/healthz`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })).json()) as { students: number };
      scenario.check(
        health.students === students.length + races,
        `healthz students ${health.students} != ${students.length} + ${races} race winners`,
      );
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
