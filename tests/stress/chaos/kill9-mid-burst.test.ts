/**
 * kill -9 in the middle of a submit burst, then a restart on the same database and port.
 *
 * The burst goes out in two waves: the first is allowed to be acknowledged, the second
 * is sent and the process is killed right after, so its answers are somewhere between
 * "never read", "held but not committed", "committed but not acknowledged" and
 * "acknowledged". Asserted (SPEC §3, §8): every acknowledged answer is in results.csv
 * with its choice; nothing is counted twice (the admin's `answered` equals the number of
 * filled cells, and each student has one cell); every student reconnects with the same
 * cookie and sees the same question still open with their acknowledged answer; a student
 * without an ack either finds their answer committed (and a resubmit is already_answered)
 * or can answer now and gets an accepted ack.
 */
import { afterAll, expect, test } from 'bun:test';
import { loadProfile } from '../lib/profiles';
import { AdminClient, LiveSocket, type Frame } from '../lib/quiz-client';
import { checkThresholds, Recorder } from '../lib/report';
import { closeAll, joinAndConnect, sampleRss, scenarioTimeoutMs, waitUntil, withTimeout, type ConnectedStudent } from '../lib/scenario-kit';
import { makeStressPool, startTarget, STRESS_POOL_LETTERS, type Target } from '../lib/target';

const profile = loadProfile();
const choiceFor = (index: number) => STRESS_POOL_LETTERS[index % STRESS_POOL_LETTERS.length]!;

let target: Target | null = null;
const sockets: LiveSocket[] = [];

afterAll(async () => {
  closeAll(sockets);
  await target?.stop();
});

test.skipIf(!!process.env.STRESS_URL)(
  'kill -9 mid-burst: acknowledged answers survive, nothing counted twice, students resume',
  async () => {
    target = await startTarget({ pool: makeStressPool(Math.max(2, profile.questions)) });
    const recorder = new Recorder('chaos-kill9-mid-burst', profile, target.url);
    const failures: string[] = [];
    const admin = await AdminClient.login(target.url, target.adminPassword);
    const students = await joinAndConnect(target.url, 'k9', profile.students, { recorder });
    sockets.push(...students.map((student) => student.socket));

    await admin.command('next');
    await Promise.all(students.map((student) => student.socket.next('question_open')));
    const rss = sampleRss(target, recorder);

    // Wave 1: acknowledged before the kill. Wave 2: in flight when the kill lands.
    const acked = new Map<string, string>();
    const submitted = new Map<string, string>();
    const submit = (student: ConnectedStudent, index: number) => {
      const started = performance.now();
      const choice = choiceFor(index);
      submitted.set(student.studentId, choice);
      try {
        student.socket.submit(0, choice);
      } catch {
        // The socket died with the server: this answer was never sent.
      }
      return student.socket
        .next('submit_ack', 15_000)
        .then((ack) => {
          recorder.sample('ack', performance.now() - started);
          recorder.count('acks');
          if (ack.accepted === true && ack.choice === choice) acked.set(student.studentId, choice);
          else failures.push(`${student.studentId}: unexpected ack ${JSON.stringify(ack)}`);
        })
        .catch(() => recorder.count('unacked_at_kill'));
    };
    const half = Math.floor(students.length / 2);
    const wave1 = students.slice(0, half).map((student, index) => submit(student, index));
    // Kill only once some acks are in, so the kill is mid-burst rather than before it.
    if (!(await waitUntil(() => acked.size >= Math.max(1, Math.floor(half / 2)), 10_000, 5))) {
      failures.push('no acks arrived from the first wave within 10 s');
    }
    // Wave 2 goes out in slices a millisecond apart; the kill lands as soon as its first
    // ack arrives, so the rest of the wave is on the wire, queued, held or mid-commit.
    const wave2: Promise<void>[] = [];
    let killed = false;
    const sending = (async () => {
      const slice = Math.max(1, Math.ceil((students.length - half) / 10));
      for (let index = half; index < students.length && !killed; index += slice) {
        for (const [offset, student] of students.slice(index, index + slice).entries()) {
          wave2.push(submit(student, index + offset));
        }
        await Bun.sleep(1);
      }
    })();
    await waitUntil(() => acked.size > half || wave2.length === students.length - half, 5_000, 1);
    killed = true;
    await target.kill9();
    rss.stop();
    await withTimeout(sending, 5_000, 'wave 2 sender stopping');
    await withTimeout(Promise.all([...wave1, ...wave2]), 20_000, 'old sockets closing after kill -9');
    recorder.gauge('acked_before_kill', acked.size);
    recorder.gauge('submitted_before_kill', submitted.size);
    closeAll(students);

    await target.restart();

    // Every acknowledged answer is in results.csv with its choice; every cell is one answer.
    const verifyResults = async (expectAll: boolean) => {
      const { header, rows } = await admin.results();
      const column = header.indexOf('q1_choice');
      if (column < 0) return failures.push(`results.csv has no q1_choice column: ${header.join(',')}`);
      const byStudent = new Map<string, string>();
      for (const row of rows) {
        if (byStudent.has(row[0]!)) failures.push(`${row[0]} has two rows in results.csv`);
        byStudent.set(row[0]!, row[column] ?? '');
      }
      if (byStudent.size !== students.length) failures.push(`results.csv has ${byStudent.size} students, expected ${students.length}`);
      for (const [studentId, choice] of acked) {
        if (byStudent.get(studentId) !== choice) {
          failures.push(`acknowledged answer lost: ${studentId} acked ${choice}, results.csv has "${byStudent.get(studentId)}"`);
        }
      }
      let filled = 0;
      for (const [studentId, cell] of byStudent) {
        if (cell === '') {
          if (expectAll) failures.push(`${studentId} has no answer after resuming`);
          continue;
        }
        filled += 1;
        if (cell !== submitted.get(studentId)) failures.push(`${studentId}: results.csv has ${cell}, submitted ${submitted.get(studentId)}`);
      }
      const state = await admin.state();
      if (state.answered !== filled) failures.push(`admin answered=${state.answered} but results.csv has ${filled} answers`);
      return filled;
    };
    recorder.gauge('committed_after_restart', await verifyResults(false));

    // Reconnect with the same cookies and resume the open question.
    const resumed: LiveSocket[] = [];
    const snapshots: Frame[] = await Promise.all(
      students.map(async (student) => {
        const socket = LiveSocket.student(target!.url, student.cookie);
        resumed.push(socket);
        sockets.push(socket);
        const started = performance.now();
        const snapshot = await socket.next('snapshot', 10_000);
        recorder.sample('reconnect', performance.now() - started);
        return snapshot;
      }),
    );
    let resubmittedAccepted = 0;
    let committedUnacked = 0;
    await Promise.all(
      students.map(async (student, index) => {
        const snapshot = snapshots[index]!;
        const socket = resumed[index]!;
        if (snapshot.phase !== 'question' || snapshot.question_idx !== 0) {
          failures.push(`${student.studentId}: resumed in ${snapshot.phase}/${snapshot.question_idx}, expected question 0 open`);
          return;
        }
        const ackedChoice = acked.get(student.studentId);
        const answer = snapshot.me?.answer ?? null;
        if (ackedChoice !== undefined && answer !== ackedChoice) {
          failures.push(`${student.studentId}: acked ${ackedChoice}, snapshot me.answer=${answer}`);
        }
        if (ackedChoice === undefined && answer !== null && answer !== submitted.get(student.studentId)) {
          failures.push(`${student.studentId}: snapshot me.answer=${answer}, never submitted that`);
        }
        // Everyone submits (again): a resubmit must never count twice.
        const choice = choiceFor(index);
        submitted.set(student.studentId, choice);
        const started = performance.now();
        socket.submit(0, choice);
        const ack = await socket.next('submit_ack', 10_000);
        recorder.sample('ack', performance.now() - started);
        recorder.count('acks');
        if (answer === null) {
          if (ack.accepted !== true) failures.push(`${student.studentId}: answer after restart refused: ${JSON.stringify(ack)}`);
          else resubmittedAccepted += 1;
        } else {
          if (ackedChoice === undefined) committedUnacked += 1;
          if (ack.accepted !== false || ack.reason !== 'already_answered') {
            failures.push(`${student.studentId}: second answer not refused as already_answered: ${JSON.stringify(ack)}`);
          }
        }
      }),
    );
    recorder.gauge('answered_after_restart', resubmittedAccepted);
    recorder.gauge('committed_but_unacked', committedUnacked);
    const finalFilled = await verifyResults(true);

    // Closing the question counts each answer once.
    await admin.command('close');
    const closed = await Promise.all(resumed.map((socket) => socket.next('question_closed', 10_000)));
    const counted = Object.values(closed[0]?.counts ?? {}).reduce((sum: number, value) => sum + Number(value), 0);
    if (counted !== students.length) failures.push(`question_closed counts sum ${counted}, expected ${students.length}`);
    // RSS is sampled for the killed process only: a new process's start-up is no growth.
    recorder.gauge('rss_after_restart_mb', target.rssMb() ?? -1);

    recorder.gauge('students', students.length);
    failures.push(...checkThresholds(recorder, students.length, finalFilled));
    recorder.write(failures);
    expect(failures).toEqual([]);
    expect(finalFilled).toBe(students.length);
    expect(acked.size).toBeGreaterThan(0);
  },
  scenarioTimeoutMs(profile),
);
