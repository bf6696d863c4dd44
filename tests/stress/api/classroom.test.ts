/**
 * Classroom happy path at the profile's size: N students join over HTTP (bounded), connect,
 * and for every question all of them answer a random letter at once. Asserted: every
 * student sees every question_open, every submit gets an accepted ack, every correct pick
 * scores > 0 and every wrong one 0 in question_closed, the admin's counts equal the acks,
 * and results.csv holds every acknowledged answer with the same points.
 * Reported: join / connect / ack latency, RSS.
 */
import { expect, test } from 'bun:test';
import { makeStressPool } from '../lib/target';
import { type Frame } from '../lib/quiz-client';
import { correctLetter, profile, randomLetter, resultsFor, runScenario, scaledMs, TEST_TIMEOUT_MS, total } from './scenario';

test(
  `classroom happy path (${profile.name}: ${profile.students} students, ${profile.questions} questions)`,
  async () => {
    const failures = await runScenario('api-classroom', makeStressPool(profile.questions), async (scenario) => {
      const { admin, recorder } = scenario;
      const adminSocket = await scenario.openAdminSocket();

      const joined = await scenario.joinClass(profile.students, 'class');
      const students = await scenario.connectAll(joined);
      scenario.check(students.length === profile.students, `only ${students.length}/${profile.students} students connected`);
      const waitMs = scaledMs(10_000, 6);

      const acknowledged = new Map<string, { question: number; choice: string; points: number }[]>();
      for (let question = 0; question < profile.questions; question += 1) {
        await admin.command('next');
        await adminSocket.next('question_open', waitMs);
        const opens = await scenario.everyoneGets(students, 'question_open', waitMs);
        for (const frame of opens.values()) {
          if (frame.question_idx !== question) scenario.fail(`question_open for ${frame.question_idx}, expected ${question}`);
          if ('correct' in frame) scenario.fail('question_open leaked the correct answer to a student');
        }

        // Everyone answers at once: the burst the server batches into a few commits.
        const picks = new Map<number, string>();
        const acks = await Promise.all(
          students.map((student) => {
            const choice = randomLetter(scenario.random);
            picks.set(student.index, choice);
            return scenario.submitTimed(student, question, choice, waitMs);
          }),
        );
        let accepted = 0;
        acks.forEach((ack, position) => {
          if (!ack) return;
          const student = students[position]!;
          if (ack.accepted === true && ack.question_idx === question && ack.choice === picks.get(student.index)) accepted += 1;
          else scenario.fail(`${student.id} q${question}: ack ${JSON.stringify(ack)}`);
        });
        scenario.check(accepted === students.length, `q${question}: ${accepted}/${students.length} answers accepted`);

        await admin.command('close');
        const adminClosed = await adminSocket.next('question_closed', waitMs);
        scenario.check(
          total(adminClosed.counts) === accepted,
          `q${question}: admin question_closed counts ${total(adminClosed.counts)} != accepted acks ${accepted}`,
        );
        const closed = await scenario.everyoneGets(students, 'question_closed', waitMs);
        const correct = correctLetter(question);
        let wrongScored = 0;
        let rightUnscored = 0;
        for (const student of students) {
          const frame: Frame | undefined = closed.get(student.index);
          if (!frame) continue;
          const choice = picks.get(student.index)!;
          scenario.check(frame.correct === correct, `q${question}: question_closed.correct ${frame.correct} != ${correct}`);
          scenario.check(frame.your_choice === choice, `${student.id} q${question}: your_choice ${frame.your_choice} != ${choice}`);
          if (choice === correct && !(frame.points > 0)) rightUnscored += 1;
          if (choice !== correct && frame.points !== 0) wrongScored += 1;
          const list = acknowledged.get(student.id) ?? [];
          list.push({ question, choice, points: frame.points });
          acknowledged.set(student.id, list);
        }
        scenario.check(rightUnscored === 0, `q${question}: ${rightUnscored} correct picks scored 0`);
        scenario.check(wrongScored === 0, `q${question}: ${wrongScored} wrong picks scored points`);
        scenario.sampleRss();
      }
      await admin.command('next'); // past the last question: ended
      await scenario.everyoneGets(students, 'session_ended', waitMs);

      // Every acknowledged answer is in results.csv with the points the student was told.
      let missing = 0;
      let mismatched = 0;
      for (let question = 0; question < profile.questions; question += 1) {
        const results = await resultsFor(admin, question);
        for (const [id, answers] of acknowledged) {
          const answer = answers.find((entry) => entry.question === question);
          if (!answer) continue;
          const row = results.get(id);
          if (!row || row.choice !== answer.choice) missing += 1;
          else if (Number(row.points) !== answer.points) mismatched += 1;
        }
      }
      recorder.gauge('answers_acknowledged', [...acknowledged.values()].reduce((sum, list) => sum + list.length, 0));
      scenario.check(missing === 0, `${missing} acknowledged answers missing from results.csv`);
      scenario.check(mismatched === 0, `${mismatched} answers with other points in results.csv than in question_closed`);
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
