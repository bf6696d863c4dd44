/**
 * Soak: one warm-up cycle, then profile.cycles cycles of join → whole quiz (every
 * question answered by every student, with connection churn: some students reconnect
 * with the same cookie before each question, some hold a second socket for a while) →
 * sockets closed → reset. After every cycle the server is sampled: RSS, open fds, the
 * admin snapshot's connected students and /healthz.
 *
 * Asserted: every answer acknowledged and accepted; after each cycle no student is still
 * marked connected, /healthz is ok in a fresh lobby with 0 students, and the server's fds
 * come back to the idle value measured after the warm-up (within a small slack for the
 * harness's own pooled HTTP keep-alive connections, which the server closes after its
 * idle timeout); RSS growth from the end of the first measured cycle to the last stays
 * under profile.thresholds.maxMemoryGrowthMb. Every sample goes into the report.
 */
import { afterAll, expect, test } from 'bun:test';
import { loadProfile } from '../lib/profiles';
import { AdminClient, LiveSocket } from '../lib/quiz-client';
import { checkThresholds, Recorder } from '../lib/report';
import { answerAll, closeAll, connectedCount, healthz, joinAndConnect, scenarioTimeoutMs, waitUntil } from '../lib/scenario-kit';
import { makeStressPool, startTarget, STRESS_POOL_LETTERS, type Target } from '../lib/target';

const profile = loadProfile();
/** fds the harness itself may hold open on the server (pooled keep-alive HTTP connections). */
const FD_SLACK = 6;
/** Bun.serve closes idle keep-alive connections after 10 s; wait a bit longer than that. */
const FD_SETTLE_MS = 12_000;

let target: Target | null = null;
const openSockets = new Set<LiveSocket>();

afterAll(async () => {
  closeAll(openSockets);
  await target?.stop();
});

test.skipIf(!!process.env.STRESS_URL)(
  'soak: join → quiz → reset cycles return fds, connections and memory to baseline',
  async () => {
    target = await startTarget({ pool: makeStressPool(Math.max(1, profile.questions)) });
    const recorder = new Recorder('soak-cycles', profile, target.url);
    const failures: string[] = [];
    const admin = await AdminClient.login(target.url, target.adminPassword);
    const churnCount = Math.min(profile.sockets, profile.students);
    let attempted = 0;
    let accepted = 0;
    let fdBaseline: number | null = null;

    const runCycle = async (cycle: number) => {
      const students = await joinAndConnect(target!.url, `c${cycle}`, profile.students, { recorder });
      for (const student of students) openSockets.add(student.socket);
      // A second device per churned student, opened now and closed halfway through.
      const extra = await Promise.all(
        students.slice(0, churnCount).map(async (student) => {
          const socket = LiveSocket.student(target!.url, student.cookie);
          openSockets.add(socket);
          await socket.next('snapshot', 10_000);
          return socket;
        }),
      );
      const questions = Math.max(1, profile.questions);
      for (let index = 0; index < questions; index += 1) {
        // Churn: a rotating slice of students drops and reconnects with the same cookie.
        const churned = students.filter((_, position) => (position + index) % Math.max(1, Math.ceil(students.length / churnCount)) === 0);
        await Promise.all(
          churned.slice(0, churnCount).map(async (student) => {
            student.socket.close();
            openSockets.delete(student.socket);
            const started = performance.now();
            student.socket = LiveSocket.student(target!.url, student.cookie);
            openSockets.add(student.socket);
            await student.socket.next('snapshot', 10_000);
            recorder.sample('reconnect', performance.now() - started);
            recorder.count('reconnects');
          }),
        );
        if (index === Math.floor(questions / 2)) {
          closeAll(extra);
          for (const socket of extra) openSockets.delete(socket);
        }
        await admin.command('next');
        await Promise.all(students.map((student) => student.socket.next('question_open', 10_000)));
        const acks = await answerAll(students, index, (position) => STRESS_POOL_LETTERS[(position + cycle) % 4]!, recorder);
        attempted += acks.length;
        accepted += acks.filter((ack) => ack.accepted === true).length;
        for (const ack of acks) if (ack.accepted !== true) recorder.error(`cycle ${cycle} q${index}: ${JSON.stringify(ack)}`);
        await admin.command('next');
        await Promise.all(students.map((student) => student.socket.next('question_closed', 10_000)));
      }
      const ended = await admin.command('next');
      if (ended.phase !== 'ended') failures.push(`cycle ${cycle}: phase ${ended.phase} after the last question`);
      await Promise.all(students.map((student) => student.socket.next('session_ended', 10_000)));
      const { rows } = await admin.results();
      if (rows.length !== students.length) failures.push(`cycle ${cycle}: results.csv has ${rows.length} rows, expected ${students.length}`);

      closeAll(students);
      for (const student of students) openSockets.delete(student.socket);
      const disconnected = await waitUntil(async () => connectedCount(await admin.state()) === 0, 5_000, 50);
      const connected = connectedCount(await admin.state());
      if (!disconnected) failures.push(`cycle ${cycle}: ${connected} students still connected after closing every socket`);
      await admin.reset();
      const health = await healthz(target!.url);
      if (health.ok !== true || health.phase !== 'lobby' || health.students !== 0) {
        failures.push(`cycle ${cycle}: /healthz after reset ${JSON.stringify(health)}`);
      }

      // Samples: fds back to the idle value (after the warm-up), RSS.
      let fds = target!.openFds()!;
      if (fdBaseline !== null) {
        await waitUntil(() => (fds = target!.openFds()!) <= fdBaseline! + FD_SLACK, FD_SETTLE_MS, 100);
        if (fds > fdBaseline + FD_SLACK) failures.push(`cycle ${cycle}: server fds ${fds}, idle baseline ${fdBaseline}`);
      }
      const rss = target!.rssMb()!;
      recorder.gauge(`cycle${cycle}_rss_mb`, rss);
      recorder.gauge(`cycle${cycle}_fds`, fds);
      recorder.gauge(`cycle${cycle}_connected`, connected);
      recorder.gauge(`cycle${cycle}_healthz_students`, health.students);
      return { rss, fds };
    };

    // Warm-up: its end gives the idle fd count and the RSS baseline.
    const warm = await runCycle(0);
    await waitUntil(() => target!.openFds()! <= warm.fds, 1_000);
    fdBaseline = target.openFds()!;
    recorder.gauge('fds_idle_baseline', fdBaseline);
    recorder.gauge('rss_after_warmup_mb', warm.rss);
    for (let cycle = 1; cycle <= profile.cycles; cycle += 1) {
      const sample = await runCycle(cycle);
      recorder.rss(sample.rss);
    }
    const memory = recorder.memorySummary();
    recorder.gauge('rss_growth_first_to_last_mb', memory.growthMb);
    recorder.gauge('students', profile.students);
    recorder.gauge('cycles', profile.cycles);
    failures.push(...checkThresholds(recorder, attempted, accepted));
    recorder.write(failures);
    expect(failures).toEqual([]);
    expect(accepted).toBe(attempted);
  },
  scenarioTimeoutMs(profile),
);
