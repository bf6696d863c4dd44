/**
 * Flaky-network reconnect storms. The class keeps one socket each; meanwhile
 * profile.sockets workers, all at once, open extra sockets with the class's cookies and drop
 * them every which way (before the handshake ends, right after open, after the snapshot,
 * after a submit in the lobby), first in the lobby and again while the question is open.
 * Asserted:
 * - every class student still gets question_open and an accepted ack for their answer, and
 *   question_closed counts exactly the class;
 * - no class socket was dropped by the storm;
 * - afterwards, with every client closed, the admin view shows nobody connected (the
 *   server let go of every storm socket), and the server's open fds are back to the
 *   baseline taken after the joins and before the class connected (local target only).
 * Reported: RSS before / after each storm and after the close (sampled with target.rssMb()).
 */
import { expect, test } from 'bun:test';
import { MAX_SOCKETS_PER_STUDENT } from '../../../src/protocol/constants';
import { makeStressPool } from '../lib/target';
import { LiveSocket } from '../lib/quiz-client';
import { withTimeout } from '../lib/scenario-kit';
import { profile, randomLetter, runScenario, scaledMs, TEST_TIMEOUT_MS, total, type Scenario, type Student } from './scenario';

const CYCLES_PER_WORKER = 3;
/**
 * A student holds at most MAX_SOCKETS_PER_STUDENT sockets and a further one closes the
 * oldest (the class socket). The storm keeps under the cap with room for a close the
 * server has not processed yet: the class socket plus this many storm sockets per student.
 */
const STORM_SOCKETS_PER_STUDENT = MAX_SOCKETS_PER_STUDENT - 2;
/** Server fds may differ a little from the baseline (SQLite WAL/shm, the listen socket). */
const FD_SLACK = 8;

type Mode = 'before_open' | 'after_open' | 'after_snapshot' | 'after_submit';

async function stormCycle(scenario: Scenario, cookie: string, mode: Mode, waitMs: number): Promise<void> {
  const socket = LiveSocket.student(scenario.url, cookie);
  socket.opened.catch(() => {});
  try {
    if (mode === 'before_open') return;
    await withTimeout(socket.opened, waitMs, 'storm open');
    if (mode === 'after_open') return;
    await socket.next('snapshot', waitMs);
    if (mode === 'after_submit') {
      // In the lobby a submit is `closed`; it must not disturb anyone.
      socket.submit(0, 'A');
      await socket.next('submit_ack', waitMs);
    }
  } finally {
    socket.close();
    await withTimeout(socket.closed, waitMs, 'storm close').catch(() => {});
    scenario.recorder.count(`storm_${mode}`);
  }
}

/** A random student with a free storm slot (the caller holds it until its cycle ends). */
function pickStudent(scenario: Scenario, students: Student[], stormSockets: Map<Student, number>): Student {
  for (;;) {
    const student = students[Math.floor(scenario.random() * students.length)]!;
    const held = stormSockets.get(student) ?? 0;
    if (held < STORM_SOCKETS_PER_STUDENT) {
      stormSockets.set(student, held + 1);
      return student;
    }
  }
}

async function storm(scenario: Scenario, students: Student[], modes: Mode[], waitMs: number, label: string): Promise<void> {
  const started = performance.now();
  let failed = 0;
  const stormSockets = new Map<Student, number>();
  await Promise.all(
    // More workers than storm slots would leave pickStudent looking forever.
    Array.from({ length: Math.min(profile.sockets, students.length * STORM_SOCKETS_PER_STUDENT) }, async () => {
      for (let cycle = 0; cycle < CYCLES_PER_WORKER; cycle += 1) {
        const student = pickStudent(scenario, students, stormSockets);
        const mode = modes[Math.floor(scenario.random() * modes.length)]!;
        const cycleStarted = performance.now();
        try {
          await stormCycle(scenario, student.cookie, mode, waitMs);
          scenario.recorder.sample('storm_cycle', performance.now() - cycleStarted);
          scenario.operation(true);
        } catch (error) {
          failed += 1;
          scenario.operation(false, `${label} ${mode}: ${String(error)}`);
        } finally {
          stormSockets.set(student, stormSockets.get(student)! - 1);
        }
      }
    }),
  );
  scenario.recorder.gauge(`${label}_ms`, Math.round(performance.now() - started));
  scenario.recorder.gauge(`${label}_failed_cycles`, failed);
}

test(
  `reconnect storms leave the class answering (${profile.name})`,
  async () => {
    const failures = await runScenario('api-reconnect-storm', makeStressPool(1), async (scenario) => {
      const { admin, recorder, target } = scenario;
      const waitMs = scaledMs(10_000, 6, profile.students + profile.sockets);
      const adminSocket = await scenario.openAdminSocket();
      const joined = await scenario.joinClass(profile.students, 'storm');
      // After the joins: their keep-alive HTTP connections are part of the baseline.
      const baselineFds = target.openFds();
      const students = await scenario.connectAll(joined);
      const rss = (label: string) => {
        const value = target.rssMb();
        if (value !== null) {
          recorder.gauge(`rss_${label}_mb`, value);
          recorder.rss(value);
        }
      };

      rss('before_storms');
      await storm(scenario, students, ['before_open', 'after_open', 'after_snapshot', 'after_submit'], waitMs, 'lobby_storm');
      rss('after_lobby_storm');

      await admin.command('next');
      const questionStorm = storm(scenario, students, ['before_open', 'after_open', 'after_snapshot'], waitMs, 'question_storm');
      await scenario.everyoneGets(students, 'question_open', waitMs);
      const acks = await Promise.all(
        students.map(async (student) => {
          await Bun.sleep(scenario.random() * 1000);
          return scenario.submitTimed(student, 0, randomLetter(scenario.random), waitMs);
        }),
      );
      await questionStorm;
      rss('after_question_storm');
      const accepted = acks.filter((ack) => ack?.accepted === true).length;
      scenario.check(accepted === students.length, `${accepted}/${students.length} answers accepted during the storm`);
      const dropped = students.filter((student) => student.socket!.closeCode !== null).length;
      scenario.check(dropped === 0, `${dropped} class sockets dropped by the storm`);

      await admin.command('close');
      const closed = await adminSocket.next('question_closed', waitMs);
      scenario.check(total(closed.counts) === accepted, `question_closed counts ${total(closed.counts)} != accepted ${accepted}`);

      // Everyone leaves: the server must let go of every socket, storm ones included.
      for (const student of students) scenario.drop(student.socket);
      const settleBy = Date.now() + waitMs;
      let connected = -1;
      let fds = baselineFds;
      while (Date.now() < settleBy) {
        const state = await admin.state();
        connected = (state.students as { connected: boolean }[]).filter((entry) => entry.connected).length;
        fds = target.openFds();
        if (connected === 0 && (baselineFds === null || fds === null || fds <= baselineFds + FD_SLACK)) break;
        await Bun.sleep(200);
      }
      rss('after_close');
      recorder.gauge('connected_after_close', connected);
      if (baselineFds !== null && fds !== null) {
        recorder.gauge('fds_baseline', baselineFds);
        recorder.gauge('fds_after_close', fds);
        scenario.check(fds <= baselineFds + FD_SLACK, `server fds ${fds} after close, baseline ${baselineFds}`);
      }
      scenario.check(connected === 0, `${connected} students still shown connected after every client closed`);
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
