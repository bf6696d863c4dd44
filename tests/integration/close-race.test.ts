/**
 * Submits racing the automatic close: the deadline passes (fake clock) while submits are
 * still in flight. Every submit gets exactly one ack (accepted or `closed`), and the
 * accepted ones are exactly what question_closed counts, results.csv and each student's
 * your_choice report.
 */
import { expect, test } from 'bun:test';
import { choiceLettersFor } from '../../src/protocol/constants';
import type { Inbox } from '../helpers/inbox';
import { makePool } from '../helpers/test-server';
import { useTestWorlds } from '../helpers/test-worlds';
import { csvRecords } from '../helpers/csv';
import { nextTurn, sleep, waitForFrames } from '../helpers/wait';

const STUDENTS = 30;
/** makePool's questions have four choices. */
const POOL_LETTERS = choiceLettersFor(4);
const TIME_LIMIT_MS = 20_000;

const worlds = useTestWorlds();

interface Split {
  name: string;
  /** Submits whose acks are awaited before the race starts (surely accepted). */
  settled: number;
  /** Racing submits sent per event-loop turn (the rest of the 30 go in the last turn). */
  perTurn: number;
  /** The turn at which the clock is moved past the deadline, from a setImmediate callback. */
  closeAtTurn: number;
  /** Move the clock synchronously instead (before that turn's submits are sent). */
  sync?: boolean;
}

const SPLITS: Split[] = [
  { name: 'clock moves before any racing submit is read', settled: 0, perTurn: 30, closeAtTurn: 0, sync: true },
  { name: 'half sent, close scheduled, rest sent', settled: 0, perTurn: 15, closeAtTurn: 1 },
  { name: 'three a turn, close at turn 2', settled: 0, perTurn: 3, closeAtTurn: 2 },
  { name: 'five settled, two a turn, close at turn 4', settled: 5, perTurn: 2, closeAtTurn: 4 },
  { name: 'one a turn, close at turn 7', settled: 2, perTurn: 1, closeAtTurn: 7 },
  { name: 'all sent with the close scheduled in the same turn', settled: 3, perTurn: 27, closeAtTurn: 0 },
];

const outcomes: Array<{ accepted: number; refused: number }> = [];

test.each(SPLITS)('submits racing the deadline: $name', async (split) => {
  const world = await worlds.start({ fakeTime: true, pool: makePool(2, { timeLimitS: TIME_LIMIT_MS / 1000 }) });
  const time = world.time!;
  const correct = makePool(2).questions[0]!.answer;

  const students: Inbox[] = [];
  const ids: string[] = [];
  for (let index = 0; index < STUDENTS; index++) {
    const id = `s${String(index).padStart(2, '0')}`;
    const { response, cookie } = await world.join(id, `Student ${index}`);
    expect(response.status).toBe(200);
    ids.push(id);
    const inbox = worlds.track(await world.connectStudent(cookie));
    students.push(inbox);
  }
  for (const student of students) await student.next('snapshot');
  const admin = worlds.track(await world.connectAdmin());
  await admin.next('snapshot');

  admin.send({ type: 'next' });
  for (const student of students) expect((await student.next('question_open')).question_idx).toBe(0);

  const choiceOf = (index: number) => POOL_LETTERS[index % POOL_LETTERS.length]!;
  const send = (index: number) => students[index]!.send({ type: 'submit', question_idx: 0, choice: choiceOf(index) });

  // Some answers land well before the deadline.
  for (let index = 0; index < split.settled; index++) send(index);
  for (let index = 0; index < split.settled; index++) {
    const ack = await students[index]!.next('submit_ack');
    expect(ack.accepted).toBe(true);
  }
  // The race: submits in flight while the clock passes the deadline.
  let advanced = false;
  const advance = () => {
    time.advance(TIME_LIMIT_MS + 1);
    advanced = true;
  };
  const sentAfterClose = new Set<number>();
  let index = split.settled;
  for (let turn = 0; index < STUDENTS; turn++) {
    if (turn === split.closeAtTurn) {
      if (split.sync) advance();
      else setImmediate(advance);
    }
    const batchEnd = Math.min(STUDENTS, index + split.perTurn);
    for (; index < batchEnd; index++) {
      if (advanced) sentAfterClose.add(index);
      send(index);
    }
    await nextTurn();
  }
  if (!advanced) setImmediate(advance);

  const adminClosed = await admin.next('question_closed');
  // Every submit gets its ack; then give stray duplicates a chance to show up.
  for (const student of students) await waitForFrames(student, 'submit_ack', 1);
  for (const student of students) await student.next('question_closed');
  await sleep(50);

  const accepted = new Map<string, string>();
  students.forEach((student, position) => {
    const acks = student.all('submit_ack');
    expect(acks).toHaveLength(1);
    const ack = acks[0]!;
    expect(ack.question_idx).toBe(0);
    expect(ack.choice).toBe(choiceOf(position));
    if (ack.accepted) {
      expect(ack.reason).toBeUndefined();
      accepted.set(ids[position]!, ack.choice);
    } else {
      expect(ack.reason).toBe('closed');
    }
    // An accepted ack is sent after its commit, which happens before the close goes out.
    const frames = student.frames.map((frame) => frame.type);
    if (ack.accepted) expect(frames.indexOf('submit_ack')).toBeLessThan(frames.indexOf('question_closed'));

    const closed = student.all('question_closed');
    expect(closed).toHaveLength(1);
    if (ack.accepted) {
      expect(closed[0]!.your_choice).toBe(ack.choice);
      expect(closed[0]!.points).toBe(ack.choice === correct ? 1000 : 0);
    } else {
      expect(closed[0]!.your_choice).toBeNull();
      expect(closed[0]!.points).toBe(0);
    }
  });
  // The submits sent after the clock moved can only have been refused.
  for (const late of sentAfterClose) expect(students[late]!.all('submit_ack')[0]!.accepted).toBe(false);
  for (let early = 0; early < split.settled; early++) expect(accepted.has(ids[early]!)).toBe(true);

  outcomes.push({ accepted: accepted.size, refused: STUDENTS - accepted.size });
  const countsTotal = Object.values(adminClosed.counts as Record<string, number>).reduce((sum, n) => sum + n, 0);
  expect(countsTotal).toBe(accepted.size);
  for (const letter of POOL_LETTERS) {
    const expected = [...accepted.values()].filter((choice) => choice === letter).length;
    expect(adminClosed.counts[letter] ?? 0).toBe(expected);
  }
  for (const student of students) {
    expect(student.all('question_closed')[0]!.counts).toEqual(adminClosed.counts);
  }

  const csvResponse = await world.http('/admin/api/results.csv', { cookie: await world.adminLogin() });
  expect(csvResponse.status).toBe(200);
  const records = csvRecords(await csvResponse.text());
  expect(records).toHaveLength(STUDENTS);
  const answeredRows = records.filter((record) => record.q1_choice !== '');
  expect(answeredRows).toHaveLength(accepted.size);
  for (const record of answeredRows) {
    expect(accepted.get(record.student_id!)).toBe(record.q1_choice!);
    expect(Number(record.q1_points)).toBe(record.q1_choice === correct ? 1000 : 0);
  }

  const state = await (await world.http('/admin/api/state', { cookie: await world.adminLogin() })).json();
  expect(state.phase).toBe('review');
  expect(state.answered).toBe(accepted.size);
});

test('the splits above really raced: some ended with both accepted and closed submits', () => {
  expect(outcomes).toHaveLength(SPLITS.length);
  expect(outcomes.some((outcome) => outcome.accepted > 0 && outcome.refused > 0)).toBe(true);
});
