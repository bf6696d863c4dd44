/**
 * Out-of-order and bad submits from the whole class at once. Each submit is judged in the
 * order SPEC §3 gives (closed → wrong_question → invalid_choice → already_answered):
 *
 * - lobby: `closed`; question 0, one at a time: wrong index → `wrong_question`, `E`, `a`
 *   and `""` → `invalid_choice`, the pick → accepted, another letter and the same letter
 *   again → `already_answered`; review → `closed`;
 * - question 1, pipelined (four frames back to back, no waiting): the acks may come in any
 *   order (accepted ones wait for the commit) but must be exactly one each of
 *   wrong_question, invalid_choice, accepted, already_answered;
 * - after the end: `closed`.
 * The first answer is what question_closed and results.csv keep; admin counts = students.
 */
import { expect, test } from 'bun:test';
import { makeStressPool } from '../lib/target';
import { randomLetter, resultsFor, runScenario, scaledMs, TEST_TIMEOUT_MS, total, profile, type Scenario, type Student } from './scenario';

type Expectation = { questionIdx: number; choice: string; accepted: boolean; reason?: string };

async function expectAck(scenario: Scenario, student: Student, expected: Expectation, waitMs: number): Promise<void> {
  const ack = await scenario.submitTimed(student, expected.questionIdx, expected.choice, waitMs);
  if (!ack) return;
  const ok =
    ack.accepted === expected.accepted &&
    ack.question_idx === expected.questionIdx &&
    ack.choice === expected.choice &&
    (expected.accepted ? ack.reason === undefined : ack.reason === expected.reason);
  scenario.check(ok, `${student.id}: submit ${JSON.stringify(expected)} → ${JSON.stringify(ack)}`);
  scenario.recorder.count(`ack_${ack.accepted ? 'accepted' : ack.reason}`);
}

test(
  `bad and out-of-order submits get the right reason (${profile.name})`,
  async () => {
    const failures = await runScenario('api-bad-submits', makeStressPool(2), async (scenario) => {
      const { admin, recorder } = scenario;
      const waitMs = scaledMs(10_000, 8);
      const adminSocket = await scenario.openAdminSocket();
      const students = await scenario.connectClass(profile.students, 'bad');

      await Promise.all(students.map((student) => expectAck(scenario, student, { questionIdx: 0, choice: 'A', accepted: false, reason: 'closed' }, waitMs)));

      await admin.command('next');
      await scenario.everyoneGets(students, 'question_open', waitMs);
      const firstPicks = new Map<number, string>();
      await Promise.all(
        students.map(async (student) => {
          const pick = randomLetter(scenario.random);
          const other = pick === 'A' ? 'C' : 'A';
          firstPicks.set(student.index, pick);
          const sequence: Expectation[] = [
            { questionIdx: 1, choice: pick, accepted: false, reason: 'wrong_question' },
            { questionIdx: 0, choice: 'E', accepted: false, reason: 'invalid_choice' },
            { questionIdx: 0, choice: 'a', accepted: false, reason: 'invalid_choice' },
            { questionIdx: 0, choice: '', accepted: false, reason: 'invalid_choice' },
            { questionIdx: 0, choice: pick, accepted: true },
            { questionIdx: 0, choice: other, accepted: false, reason: 'already_answered' },
            { questionIdx: 0, choice: pick, accepted: false, reason: 'already_answered' },
          ];
          for (const expected of sequence) await expectAck(scenario, student, expected, waitMs);
        }),
      );
      await admin.command('close');
      const closed0 = await adminSocket.next('question_closed', waitMs);
      scenario.check(total(closed0.counts) === students.length, `q0 counts ${total(closed0.counts)} != ${students.length} students`);
      const studentClosed = await scenario.everyoneGets(students, 'question_closed', waitMs);
      for (const student of students) {
        const frame = studentClosed.get(student.index);
        if (frame) scenario.check(frame.your_choice === firstPicks.get(student.index), `${student.id}: kept ${frame.your_choice}, first was ${firstPicks.get(student.index)}`);
      }
      await Promise.all(students.map((student) => expectAck(scenario, student, { questionIdx: 0, choice: 'B', accepted: false, reason: 'closed' }, waitMs)));

      // Question 1, pipelined: four frames back to back from every student.
      await admin.command('next');
      await scenario.everyoneGets(students, 'question_open', waitMs);
      const pipelinedPicks = new Map<number, string>();
      let badBursts = 0;
      await Promise.all(
        students.map(async (student) => {
          const socket = student.socket!;
          const pick = randomLetter(scenario.random);
          pipelinedPicks.set(student.index, pick);
          const started = performance.now();
          socket.submit(0, pick);
          socket.submit(1, 'Z');
          socket.submit(1, pick);
          socket.submit(1, pick === 'D' ? 'A' : 'D');
          const reasons: string[] = [];
          try {
            for (let count = 0; count < 4; count += 1) {
              const ack = await socket.next('submit_ack', waitMs);
              recorder.sample('ack', performance.now() - started);
              recorder.count('acks');
              scenario.operation(true);
              reasons.push(ack.accepted ? `accepted:${ack.choice}` : ack.reason);
            }
          } catch (error) {
            scenario.operation(false, `${student.id}: pipelined acks: ${String(error)}`);
          }
          const expected = ['already_answered', 'invalid_choice', `accepted:${pick}`, 'wrong_question'].sort();
          if ([...reasons].sort().join() !== expected.join()) {
            badBursts += 1;
            scenario.fail(`${student.id}: pipelined acks ${reasons.join(',')}, expected ${expected.join(',')}`);
          }
        }),
      );
      recorder.gauge('pipelined_bursts_wrong', badBursts);
      await admin.command('close');
      const closed1 = await adminSocket.next('question_closed', waitMs);
      scenario.check(total(closed1.counts) === students.length, `q1 counts ${total(closed1.counts)} != ${students.length} students`);

      await admin.command('end');
      await scenario.everyoneGets(students, 'session_ended', waitMs);
      await Promise.all(students.map((student) => expectAck(scenario, student, { questionIdx: 1, choice: 'A', accepted: false, reason: 'closed' }, waitMs)));

      // The first answers are the ones on record.
      const results0 = await resultsFor(admin, 0);
      const results1 = await resultsFor(admin, 1);
      let wrongOnRecord = 0;
      for (const student of students) {
        if (results0.get(student.id)?.choice !== firstPicks.get(student.index)) wrongOnRecord += 1;
        if (results1.get(student.id)?.choice !== pipelinedPicks.get(student.index)) wrongOnRecord += 1;
      }
      scenario.check(wrongOnRecord === 0, `${wrongOnRecord} results.csv cells differ from the first accepted answer`);
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
