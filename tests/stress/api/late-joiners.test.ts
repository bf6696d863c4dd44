/**
 * Late joiners: while the class answers an open question, a fifth of a class more joins and
 * connects. Each late snapshot must show the open question with
 * `remaining_ms ≈ time_limit_ms − elapsed`.
 *
 * Tolerance, and why it is not a fixed ±N ms: the client cannot see the server's clock, but
 * it can bracket it. The question opened after the `next` request was sent and before the
 * admin's question_open arrived; the snapshot was built after the late socket started
 * connecting and before its snapshot arrived. So
 *   time_limit − (snapshot received − next sent)  ≤  remaining_ms  ≤  time_limit − (connect started − question_open received)
 * holds on any box however loaded (a loaded box only widens the bracket, which is
 * reported). SLACK_MS covers the integer rounding of both clocks and timer granularity.
 * Students who join during review see the review (remaining 0) and then the next question.
 */
import { expect, test } from 'bun:test';
import { makeStressPool } from '../lib/target';
import { profile, randomLetter, runScenario, scaledMs, TEST_TIMEOUT_MS, total, type Student } from './scenario';

const SLACK_MS = 50;
/** How long the question has been open before the late joiners arrive. */
const LATE_AFTER_MS = 1500;

test(
  `late joiners see the right remaining_ms (${profile.name})`,
  async () => {
    const failures = await runScenario('api-late-joiners', makeStressPool(2), async (scenario) => {
      const { admin, recorder } = scenario;
      const waitMs = scaledMs(10_000, 6);
      const adminSocket = await scenario.openAdminSocket();
      const early = await scenario.connectClass(profile.students, 'early');

      const nextSent = performance.now();
      await admin.command('next');
      const open = await adminSocket.next('question_open', waitMs);
      const openReceived = performance.now();
      const limitMs = open.time_limit_ms as number;
      await scenario.everyoneGets(early, 'question_open', waitMs);

      // The class answers over the first seconds while the late ones arrive.
      const earlyAnswers = Promise.all(
        early.map(async (student) => {
          await Bun.sleep(scenario.random() * LATE_AFTER_MS * 2);
          const ack = await scenario.submitTimed(student, 0, randomLetter(scenario.random), waitMs);
          if (ack && !ack.accepted) scenario.fail(`${student.id}: early answer rejected ${ack.reason}`);
          return ack?.accepted === true;
        }),
      );
      await Bun.sleep(LATE_AFTER_MS);

      const lateCount = Math.max(5, Math.round(profile.students / 5));
      const late = await scenario.joinClass(lateCount, 'late');
      let outside = 0;
      let worstDeviation = 0;
      let widestBracket = 0;
      const lateConnected: Student[] = [];
      await Promise.all(
        late.map(async (student) => {
          const connectStarted = performance.now();
          try {
            const snapshot = await scenario.connect(student, waitMs);
            const snapshotReceived = performance.now();
            scenario.operation(true);
            lateConnected.push(student);
            if (snapshot.phase !== 'question' || snapshot.question_idx !== 0 || !snapshot.question) {
              scenario.fail(`${student.id}: late snapshot not on question 0: ${JSON.stringify(snapshot).slice(0, 200)}`);
              return;
            }
            if ('correct' in snapshot.question) scenario.fail(`${student.id}: late snapshot leaked the answer`);
            if (snapshot.me?.answer !== null) scenario.fail(`${student.id}: late snapshot has an answer ${snapshot.me?.answer}`);
            const remaining = snapshot.question.remaining_ms as number;
            const lowest = limitMs - (snapshotReceived - nextSent) - SLACK_MS;
            const highest = limitMs - (connectStarted - openReceived) + SLACK_MS;
            widestBracket = Math.max(widestBracket, highest - lowest);
            const midpoint = (lowest + highest) / 2;
            worstDeviation = Math.max(worstDeviation, Math.abs(remaining - midpoint));
            recorder.sample('late_remaining_error', Math.abs(remaining - midpoint));
            if (remaining < lowest || remaining > highest) {
              outside += 1;
              scenario.fail(`${student.id}: remaining_ms ${remaining} outside [${Math.round(lowest)}, ${Math.round(highest)}]`);
            }
          } catch (error) {
            scenario.operation(false, `late connect ${student.id}: ${String(error)}`);
          }
        }),
      );
      recorder.gauge('late_joiners', lateConnected.length);
      recorder.gauge('late_remaining_outside', outside);
      recorder.gauge('late_remaining_worst_deviation_ms', Math.round(worstDeviation));
      recorder.gauge('late_remaining_widest_bracket_ms', Math.round(widestBracket));
      scenario.check(lateConnected.length === lateCount, `only ${lateConnected.length}/${lateCount} late joiners connected`);

      // Late joiners can answer, and they are counted.
      const lateAcks = await Promise.all(
        lateConnected.map((student) => scenario.submitTimed(student, 0, randomLetter(scenario.random), waitMs)),
      );
      const lateAccepted = lateAcks.filter((ack) => ack?.accepted === true).length;
      scenario.check(lateAccepted === lateConnected.length, `late joiners: ${lateAccepted}/${lateConnected.length} answers accepted`);
      const earlyAccepted = (await earlyAnswers).filter(Boolean).length;

      await admin.command('close');
      const closed = await adminSocket.next('question_closed', waitMs);
      scenario.check(
        total(closed.counts) === earlyAccepted + lateAccepted,
        `question_closed counts ${total(closed.counts)} != accepted ${earlyAccepted + lateAccepted}`,
      );

      // Joining during review: the review itself, with no time left; then the next question.
      const reviewers = await scenario.joinClass(3, 'review');
      for (const student of reviewers) {
        try {
          const snapshot = await scenario.connect(student, waitMs);
          scenario.operation(true);
          scenario.check(
            snapshot.phase === 'review' && snapshot.question_idx === 0 && snapshot.question?.remaining_ms === 0,
            `${student.id}: review snapshot ${JSON.stringify(snapshot).slice(0, 200)}`,
          );
        } catch (error) {
          scenario.operation(false, `review connect ${student.id}: ${String(error)}`);
        }
      }
      await admin.command('next');
      const everyone = [...early, ...lateConnected, ...reviewers.filter((student) => student.socket)];
      const opens = await scenario.everyoneGets(everyone, 'question_open', waitMs);
      for (const frame of opens.values()) {
        if (frame.question_idx !== 1) scenario.fail(`question_open ${frame.question_idx}, expected 1`);
      }
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
