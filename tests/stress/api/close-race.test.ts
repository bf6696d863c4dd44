/**
 * The close boundary against the automatic deadline (a 5 s question; nobody presses
 * close). Every student sends one submit at a random moment in deadline ± WINDOW_MS, so
 * submits pour in continuously across the boundary. Asserted:
 * - every submit gets exactly one ack (no second one within a grace period), and it is
 *   accepted or `closed`, nothing else;
 * - the admin's question_closed counts total == accepted acks == results.csv answers;
 * - accepted students see their pick in question_closed (correct → 500…1000 points, wrong
 *   → 0) and `closed` ones see none and 0;
 * - both outcomes happened (otherwise the race was not exercised).
 * Reported: how far before/after the client's deadline estimate the latest accepted and the
 * earliest closed submit were sent.
 */
import { expect, test } from 'bun:test';
import { makeStressPool } from '../lib/target';
import { correctLetter, profile, randomLetter, resultsFor, runScenario, scaledMs, total } from './scenario';

const TIME_LIMIT_S = 5;
/** Half-width of the submit window around the deadline; wider for big classes so the
 * client (sharing two cores with the server) can actually send them spread out. */
const WINDOW_MS = Math.min(1500, 400 + profile.students / 5);
const GRACE_MS = 500;

test(
  `close race against the automatic deadline (${profile.name})`,
  async () => {
    const failures = await runScenario('api-close-race', makeStressPool(1, TIME_LIMIT_S), async (scenario) => {
      const { admin, recorder } = scenario;
      const waitMs = scaledMs(10_000, 6);
      const adminSocket = await scenario.openAdminSocket();
      const students = await scenario.connectClass(profile.students, 'race');

      await admin.command('next');
      const open = await adminSocket.next('question_open', waitMs);
      // Client-side estimate of the deadline: the open frame left at most "now" ago.
      const deadline = performance.now() + (open.remaining_ms as number);
      await scenario.everyoneGets(students, 'question_open', waitMs);

      const outcomes = new Map<number, { choice: string; sentAt: number; ack: any }>();
      await Promise.all(
        students.map(async (student) => {
          const sendAt = deadline + (scenario.random() * 2 - 1) * WINDOW_MS;
          await Bun.sleep(Math.max(0, sendAt - performance.now()));
          const choice = randomLetter(scenario.random);
          const sentAt = performance.now() - deadline;
          const ack = await scenario.submitTimed(student, 0, choice, waitMs);
          outcomes.set(student.index, { choice, sentAt, ack });
        }),
      );
      const closed = await adminSocket.next('question_closed', TIME_LIMIT_S * 1000 + waitMs);
      await Bun.sleep(GRACE_MS);

      let accepted = 0;
      let rejectedClosed = 0;
      let latestAccepted = -Infinity;
      let earliestClosed = Infinity;
      for (const student of students) {
        const outcome = outcomes.get(student.index);
        if (!outcome?.ack) continue;
        const acks = student.socket!.all('submit_ack').length;
        scenario.check(acks === 1, `${student.id}: ${acks} acks for one submit`);
        if (outcome.ack.accepted === true) {
          accepted += 1;
          latestAccepted = Math.max(latestAccepted, outcome.sentAt);
        } else if (outcome.ack.reason === 'closed') {
          rejectedClosed += 1;
          earliestClosed = Math.min(earliestClosed, outcome.sentAt);
        } else {
          scenario.fail(`${student.id}: race ack ${JSON.stringify(outcome.ack)}`);
        }
      }
      recorder.gauge('race_accepted', accepted);
      recorder.gauge('race_closed', rejectedClosed);
      recorder.gauge('race_window_ms', WINDOW_MS);
      if (Number.isFinite(latestAccepted)) recorder.gauge('latest_accepted_sent_vs_deadline_ms', Math.round(latestAccepted));
      if (Number.isFinite(earliestClosed)) recorder.gauge('earliest_closed_sent_vs_deadline_ms', Math.round(earliestClosed));

      scenario.check(total(closed.counts) === accepted, `question_closed counts ${total(closed.counts)} != accepted acks ${accepted}`);
      const results = await resultsFor(admin, 0);
      const answered = [...results.values()].filter((row) => row.choice !== '').length;
      scenario.check(answered === accepted, `results.csv has ${answered} answers, accepted acks ${accepted}`);
      scenario.check(accepted > 0 && rejectedClosed > 0, `race not exercised: ${accepted} accepted, ${rejectedClosed} closed`);

      const studentClosed = await scenario.everyoneGets(students, 'question_closed', waitMs);
      for (const student of students) {
        const frame = studentClosed.get(student.index);
        const outcome = outcomes.get(student.index);
        if (!frame || !outcome?.ack) continue;
        if (outcome.ack.accepted) {
          scenario.check(frame.your_choice === outcome.choice, `${student.id}: accepted ${outcome.choice} but question_closed says ${frame.your_choice}`);
          scenario.check(results.get(student.id)?.choice === outcome.choice, `${student.id}: accepted ${outcome.choice} missing from results.csv`);
          const right = outcome.choice === correctLetter(0);
          scenario.check(
            right ? frame.points >= 500 && frame.points <= 1000 : frame.points === 0,
            `${student.id}: ${right ? 'correct' : 'wrong'} accepted pick scored ${frame.points}`,
          );
        } else {
          scenario.check(frame.your_choice === null && frame.points === 0, `${student.id}: closed submit still counted: ${JSON.stringify(frame)}`);
        }
      }
    });
    expect(failures).toEqual([]);
  },
  profile.durationS * 1000,
);
