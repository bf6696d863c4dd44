/**
 * Students who lose their socket. Two scenarios, each on a fresh server:
 *
 * - Mid-question disconnect: every student answers and drops the socket — half after the
 *   ack, half right after sending (the ack is lost in flight). On reconnect the snapshot's
 *   `me.answer` must be the acknowledged pick (asserted), or for the unacknowledged half
 *   the pick or null (the contract promises acknowledged answers only; nulls are reported).
 *   A resubmit is `already_answered` and question_closed keeps the first pick.
 * - Sleep and wake: a third answers q0 then sleeps, a third sleeps without answering, a
 *   third stays. The class moves on; sleepers wake during review(0) or on question 1 and
 *   must see that phase and index, their q0 points in their score, and a stale q0 submit
 *   answered `wrong_question` (on q1) or `closed` (in review).
 * "Sleep" is a closed socket (what a suspended tab ends up as); half-open TCP is the chaos
 * suite's proxy.
 */
import { expect, test } from 'bun:test';
import { makeStressPool } from '../lib/target';
import { inParallel } from '../lib/quiz-client';
import {
  CONCURRENCY,
  correctLetter,
  profile,
  randomLetter,
  resultsFor,
  runScenario,
  scaledMs,
  TEST_TIMEOUT_MS,
  total,
  type Scenario,
  type Student,
} from './scenario';

/** Reconnects every student (bounded) and returns the snapshots by student index. */
async function reconnectAll(scenario: Scenario, students: Student[], waitMs: number) {
  const snapshots = new Map<number, any>();
  await inParallel(students.length, CONCURRENCY, async (position) => {
    const student = students[position]!;
    try {
      snapshots.set(student.index, await scenario.connect(student, waitMs));
      scenario.recorder.count('reconnects');
      scenario.operation(true);
    } catch (error) {
      scenario.operation(false, `reconnect ${student.id}: ${String(error)}`);
    }
  });
  return snapshots;
}

test(
  `mid-question disconnect and reconnect keeps the answer (${profile.name})`,
  async () => {
    const failures = await runScenario('api-reconnect', makeStressPool(1), async (scenario) => {
      const { admin, recorder } = scenario;
      const waitMs = scaledMs(10_000, 6);
      const adminSocket = await scenario.openAdminSocket();
      const students = await scenario.connectClass(profile.students, 'recon');
      await admin.command('next');
      await scenario.everyoneGets(students, 'question_open', waitMs);

      const picks = new Map<number, string>();
      const acked = new Set<number>();
      await Promise.all(
        students.map(async (student) => {
          const choice = randomLetter(scenario.random);
          picks.set(student.index, choice);
          if (student.index % 2 === 0) {
            const ack = await scenario.submitTimed(student, 0, choice, waitMs);
            if (ack?.accepted) acked.add(student.index);
            else scenario.fail(`${student.id}: answer not accepted ${JSON.stringify(ack)}`);
          } else {
            student.socket!.submit(0, choice); // and drop the socket before the ack
            recorder.count('submits_unacknowledged');
          }
          scenario.drop(student.socket);
          student.socket = null;
        }),
      );
      // Give the server a moment to see the closes; the reconnects then race nothing.
      await Bun.sleep(200);

      const snapshots = await reconnectAll(scenario, students, waitMs);
      let lostInFlight = 0;
      for (const student of students) {
        const snapshot = snapshots.get(student.index);
        if (!snapshot) continue;
        const pick = picks.get(student.index)!;
        scenario.check(snapshot.phase === 'question' && snapshot.question_idx === 0, `${student.id}: reconnect snapshot phase ${snapshot.phase}`);
        const answer = snapshot.me?.answer ?? null;
        if (acked.has(student.index)) {
          scenario.check(answer === pick, `${student.id}: acknowledged answer ${pick} came back as ${answer}`);
        } else if (answer === null) {
          lostInFlight += 1;
        } else {
          scenario.check(answer === pick, `${student.id}: unacknowledged answer ${pick} came back as ${answer}`);
        }
      }
      recorder.gauge('unacknowledged_lost_in_flight', lostInFlight);

      // A resubmit never replaces the first answer; a student whose first submit was lost
      // in flight answers again now and is accepted.
      const firstAnswers = new Map<number, string>();
      await Promise.all(
        students
          .filter((student) => student.socket)
          .map(async (student) => {
            const had = snapshots.get(student.index)?.me?.answer ?? null;
            if (had === null) {
              const pick = picks.get(student.index)!;
              const ack = await scenario.submitTimed(student, 0, pick, waitMs);
              scenario.check(ack?.accepted === true, `${student.id}: answer after reconnect not accepted ${JSON.stringify(ack)}`);
              firstAnswers.set(student.index, pick);
            } else {
              firstAnswers.set(student.index, had);
              const other = had === 'A' ? 'B' : 'A';
              const ack = await scenario.submitTimed(student, 0, other, waitMs);
              scenario.check(
                ack?.accepted === false && ack.reason === 'already_answered',
                `${student.id}: resubmit after reconnect ${JSON.stringify(ack)}`,
              );
            }
          }),
      );

      await admin.command('close');
      const adminClosed = await adminSocket.next('question_closed', waitMs);
      scenario.check(
        total(adminClosed.counts) === firstAnswers.size,
        `question_closed counts ${total(adminClosed.counts)} != answers ${firstAnswers.size}`,
      );
      const reconnected = students.filter((student) => student.socket);
      const closed = await scenario.everyoneGets(reconnected, 'question_closed', waitMs);
      const results = await resultsFor(admin, 0);
      for (const student of reconnected) {
        const first = firstAnswers.get(student.index);
        const frame = closed.get(student.index);
        if (frame) scenario.check(frame.your_choice === first, `${student.id}: your_choice ${frame.your_choice} != first answer ${first}`);
        scenario.check(results.get(student.id)?.choice === first, `${student.id}: results.csv has ${results.get(student.id)?.choice}, not ${first}`);
      }
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);

test(
  `sleep and wake onto another question (${profile.name})`,
  async () => {
    const failures = await runScenario('api-sleep-wake', makeStressPool(3), async (scenario) => {
      const { admin, recorder } = scenario;
      const waitMs = scaledMs(10_000, 6);
      const adminSocket = await scenario.openAdminSocket();
      const students = await scenario.connectClass(Math.max(6, profile.students), 'sleep');
      await admin.command('next');
      await scenario.everyoneGets(students, 'question_open', waitMs);

      // Groups: 0 answers then sleeps (wakes on q1), 1 sleeps unanswered (wakes in review),
      // 2 sleeps unanswered (wakes on q1), 3 stays awake and answers.
      const group = (student: Student) => student.index % 4;
      const picks = new Map<number, string>();
      await Promise.all(
        students.map(async (student) => {
          if (group(student) === 0 || group(student) === 3) {
            const choice = randomLetter(scenario.random);
            picks.set(student.index, choice);
            const ack = await scenario.submitTimed(student, 0, choice, waitMs);
            scenario.check(ack?.accepted === true, `${student.id}: q0 answer ${JSON.stringify(ack)}`);
          }
          if (group(student) !== 3) {
            scenario.drop(student.socket);
            student.socket = null;
          }
        }),
      );
      await admin.command('close');
      await adminSocket.next('question_closed', waitMs);
      const expectedScore = (student: Student) => (picks.get(student.index) === correctLetter(0) ? 'positive' : 'zero');
      const checkScore = (student: Student, score: unknown, where: string) => {
        const ok = expectedScore(student) === 'positive' ? typeof score === 'number' && score > 0 : score === 0;
        scenario.check(ok, `${student.id}: score ${score} after waking in ${where}, q0 pick ${picks.get(student.index) ?? 'none'}`);
      };

      // Group 1 wakes during review(0).
      const reviewWakers = students.filter((student) => group(student) === 1);
      const reviewSnapshots = await reconnectAll(scenario, reviewWakers, waitMs);
      for (const student of reviewWakers) {
        const snapshot = reviewSnapshots.get(student.index);
        if (!snapshot) continue;
        scenario.check(
          snapshot.phase === 'review' && snapshot.question_idx === 0 && snapshot.question?.correct === correctLetter(0),
          `${student.id}: woke in review but snapshot ${JSON.stringify(snapshot).slice(0, 200)}`,
        );
        scenario.check(snapshot.me?.answer === null, `${student.id}: unanswered sleeper shows answer ${snapshot.me?.answer}`);
        checkScore(student, snapshot.me?.score, 'review');
      }
      const reviewAcks = await Promise.all(
        reviewWakers.filter((student) => student.socket).map((student) => scenario.submitTimed(student, 0, 'A', waitMs)),
      );
      for (const ack of reviewAcks) {
        if (ack) scenario.check(ack.accepted === false && ack.reason === 'closed', `stale submit in review: ${JSON.stringify(ack)}`);
      }

      // The class moves on; groups 0 and 2 wake on question 1.
      await admin.command('next');
      const awake = students.filter((student) => student.socket);
      await scenario.everyoneGets(awake, 'question_open', waitMs);
      const questionWakers = students.filter((student) => group(student) === 0 || group(student) === 2);
      const snapshots = await reconnectAll(scenario, questionWakers, waitMs);
      for (const student of questionWakers) {
        const snapshot = snapshots.get(student.index);
        if (!snapshot) continue;
        scenario.check(
          snapshot.phase === 'question' && snapshot.question_idx === 1 && snapshot.question?.remaining_ms > 0,
          `${student.id}: woke on q1 but snapshot ${JSON.stringify(snapshot).slice(0, 200)}`,
        );
        scenario.check(snapshot.me?.answer === null, `${student.id}: q1 snapshot shows answer ${snapshot.me?.answer}`);
        checkScore(student, snapshot.me?.score, 'question 1');
      }
      // The submit a sleeping laptop still had queued names question 0.
      await Promise.all(
        questionWakers
          .filter((student) => student.socket)
          .map(async (student) => {
            const stale = await scenario.submitTimed(student, 0, 'A', waitMs);
            scenario.check(
              stale?.accepted === false && stale.reason === 'wrong_question',
              `${student.id}: stale q0 submit on q1 ${JSON.stringify(stale)}`,
            );
            const fresh = await scenario.submitTimed(student, 1, randomLetter(scenario.random), waitMs);
            scenario.check(fresh?.accepted === true, `${student.id}: q1 answer after waking ${JSON.stringify(fresh)}`);
          }),
      );
      recorder.gauge('woke_in_review', reviewSnapshots.size);
      recorder.gauge('woke_on_next_question', snapshots.size);
      await admin.command('close');
      const closed = await adminSocket.next('question_closed', waitMs);
      scenario.check(
        closed.question_idx === 1 && total(closed.counts) === snapshots.size,
        `q1 question_closed ${closed.question_idx} counts ${total(closed.counts)} != waking answers ${snapshots.size}`,
      );
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
