/**
 * A slow consumer: a student whose socket is a hand-made WebSocket client
 * (tests/helpers/raw-websocket.ts) that completes the upgrade, reads its snapshot and then stops
 * reading, while the admin drives the quiz through many large questions (every
 * question_open and question_closed is published to it too) and the rest of the class
 * plays along.
 *
 * Why there is a second phase. One run sends a student at most about one pool's worth of
 * bytes (~9 KB per maximal question): measured here, the kernel's socket buffers on
 * loopback absorb several MB before Bun's own 1 MiB backpressure limit is even reached,
 * and `reset` closes every student socket anyway. So if the broadcasts alone did not get
 * the socket closed, the slow client then keeps *writing* tiny malformed frames without
 * reading; each earns an `error` reply (the contract), which piles up behind the
 * broadcasts until Bun's closeOnBackpressureLimit (SPEC §4) closes the socket.
 *
 * Asserted: the server marks the slow student disconnected within the timeout; its RSS
 * growth stays under the profile threshold; every other student received every
 * question_open and question_closed (delivered = subscribers × messages) and every ack.
 */
import { afterAll, expect, test } from 'bun:test';
import { CHOICE_LETTERS } from '../../../src/protocol/constants';
import { RawWebSocket } from '../../helpers/raw-websocket';
import { loadProfile } from '../lib/profiles';
import { AdminClient, joinStudent, type LiveSocket } from '../lib/quiz-client';
import { checkThresholds, Recorder } from '../lib/report';
import { answerAll, closeAll, connectedCount, joinAndConnect, sampleRss, scenarioTimeoutMs, waitUntil } from '../lib/scenario-kit';
import { startTarget, type Target } from '../lib/target';

const profile = loadProfile();
/** Questions at the pool's size limits: the most bytes per broadcast. */
function makeLargePool(questions: number) {
  return {
    title: 'Slow consumer pool',
    questions: Array.from({ length: questions }, (_, index) => ({
      text: `Question ${index + 1} `.padEnd(2000, 'q'),
      choices: CHOICE_LETTERS.map((letter) => `${letter} `.padEnd(500, 'c')),
      answer: CHOICE_LETTERS[index % CHOICE_LETTERS.length],
      time_limit_s: 600,
      explanation: 'e'.repeat(4000),
    })),
  };
}

let target: Target | null = null;
let slow: RawWebSocket | null = null;
const sockets: LiveSocket[] = [];

afterAll(async () => {
  slow?.terminate();
  closeAll(sockets);
  await target?.stop();
});

test.skipIf(!!process.env.STRESS_URL)(
  'slow consumer: the server closes the socket that stops reading, memory stays bounded, others unaffected',
  async () => {
    const questionCount = profile.name === 'smoke' ? 100 : 300;
    // Observers keep every frame in memory (LiveSocket): a sample of the class is enough.
    const observerCount = Math.min(profile.students, 50);
    const answeredQuestions = Math.max(1, profile.questions);
    target = await startTarget({ pool: makeLargePool(questionCount) });
    const recorder = new Recorder('chaos-slow-consumer', profile, target.url);
    const failures: string[] = [];
    const admin = await AdminClient.login(target.url, target.adminPassword);

    const observers = await joinAndConnect(target.url, 'obs', observerCount, { recorder });
    sockets.push(...observers.map((student) => student.socket));
    const slowCookie = await joinStudent(target.url, 'slow', 'Slow reader');
    slow = await RawWebSocket.connect({ url: target.url, path: '/ws', cookie: slowCookie });
    if (!(await slow.waitFor((client) => client.frames.some((frame) => frame.type === 'snapshot'), 5_000))) {
      failures.push('the raw client got no snapshot');
    }
    slow.pause();
    const slowConnected = async () => connectedCount(await admin.state(), new Set(['slow'])) === 1;
    if (!(await slowConnected())) failures.push('slow student not connected before the test');
    const fdsBefore = target.openFds()!;
    const rss = sampleRss(target, recorder);

    // Phase 1: broadcasts. Every question opens and closes; observers answer the first few.
    const started = performance.now();
    let closedBy: 'broadcasts' | 'replies' | 'never' = 'never';
    let attempted = 0;
    let accepted = 0;
    for (let index = 0; index < questionCount; index += 1) {
      await admin.command('next');
      if (index < answeredQuestions) {
        await Promise.all(observers.map((student) => student.socket.next('question_open', 10_000)));
        const acks = await answerAll(observers, index, (studentIndex) => CHOICE_LETTERS[studentIndex % 4]!, recorder);
        attempted += acks.length;
        accepted += acks.filter((ack) => ack.accepted === true).length;
      }
      await admin.command('next');
      if (closedBy === 'never' && index % 25 === 24 && !(await slowConnected())) {
        closedBy = 'broadcasts';
        recorder.gauge('slow_closed_after_questions', index + 1);
      }
    }
    recorder.gauge('broadcast_phase_ms', Math.round(performance.now() - started));

    // Phase 2: replies it never reads, until Bun's backpressure limit closes it.
    if (closedBy === 'never') {
      const floodStarted = performance.now();
      let framesSent = 0;
      const closed = await waitUntil(
        async () => {
          if (!(await slowConnected())) return true;
          for (let burst = 0; burst < 2_000 && !slow!.ended; burst += 1) slow!.sendText('x');
          framesSent += 2_000;
          return false;
        },
        profile.name === 'smoke' ? 15_000 : 60_000,
        20,
      );
      recorder.gauge('flood_frames_sent', framesSent);
      recorder.gauge('flood_ms', Math.round(performance.now() - floodStarted));
      if (closed) closedBy = 'replies';
    }
    recorder.gauge('slow_closed_by_broadcasts', closedBy === 'broadcasts' ? 1 : 0);
    if (closedBy === 'never') failures.push('the server never closed the socket that stopped reading');
    rss.stop();

    // What the slow client got, once it reads again (a backpressure close is abrupt).
    slow.resume();
    await slow.waitFor((client) => client.ended, 5_000);
    recorder.gauge('slow_bytes_read', slow.bytesReceived);
    recorder.gauge('slow_frames_read', slow.frames.length);
    recorder.gauge('slow_close_code', slow.closeCode ?? 0);
    recorder.gauge('fds_before', fdsBefore);
    recorder.gauge('fds_after', target.openFds()!);

    // Everyone else got everything: delivered = subscribers × messages.
    for (const student of observers) {
      const opens = student.socket.all('question_open').length;
      const closes = student.socket.all('question_closed').length;
      if (opens !== questionCount || closes !== questionCount) {
        failures.push(`${student.studentId}: ${opens} question_open and ${closes} question_closed of ${questionCount}`);
      }
      if (student.socket.closeCode !== null) failures.push(`${student.studentId} was disconnected (${student.socket.closeCode})`);
    }
    const state = await admin.state();
    if (connectedCount(state) !== observerCount) failures.push(`${connectedCount(state)} connected, expected ${observerCount} observers`);

    const memory = recorder.memorySummary();
    recorder.gauge('rss_peak_over_start_mb', Math.round((memory.peakMb - memory.startMb) * 100) / 100);
    if (memory.peakMb - memory.startMb > profile.thresholds.maxMemoryGrowthMb) {
      failures.push(`RSS peak ${memory.peakMb} MB is ${memory.peakMb - memory.startMb} MB over the start`);
    }
    recorder.gauge('students', observerCount + 1);
    failures.push(...checkThresholds(recorder, attempted, accepted));
    recorder.write(failures);
    expect(failures).toEqual([]);
    expect(closedBy).not.toBe('never');
  },
  scenarioTimeoutMs(profile),
);
