import { describe, expect, test } from 'bun:test';
import { createLogger, type Logger } from '../../../src/logger';
import { AnswerBatch, type PendingAnswer } from '../../../src/session/answer-batch';
import { AnswerBook } from '../../../src/session/answer-book';
import type { AnswerRow, SessionStore, SocketPort } from '../../../src/session/ports';
import { FakeSocket } from '../../helpers/fake-socket';

const RUN_ID = 4;

/** A store that only knows insertAnswers; any other call is a test failure. */
function answerStore(insertAnswers: (runId: number, batch: readonly AnswerRow[]) => boolean[]): SessionStore {
  return new Proxy({ insertAnswers } as SessionStore, {
    get(target, property) {
      if (property === 'insertAnswers') return target.insertAnswers;
      throw new Error(`unexpected store call: ${String(property)}`);
    },
  });
}

/** Records every call and its batch (copied: the caller may reuse the array), and what the store saw at that moment. */
function recordingStore(result: (batch: readonly AnswerRow[]) => boolean[] = (batch) => batch.map(() => true)) {
  const calls: { runId: number; batch: AnswerRow[] }[] = [];
  const store = answerStore((runId, batch) => {
    calls.push({ runId, batch: batch.map(({ questionIdx, round, studentId, choice, points, receivedAtMs }) => ({ questionIdx, round, studentId, choice, points, receivedAtMs })) });
    return result(batch);
  });
  return { store, calls };
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger: Logger = createLogger('debug', (line) => void lines.push(JSON.parse(line)));
  return { logger, lines };
}

function deliverDirect(socket: SocketPort, data: string) {
  socket.send(data);
}

/** A single-answer submit of `choice` to question 0 (answer A), round 1: echoed as sent, counted under its letter. */
function answer(studentId: string, choice: string, points: number, socket = new FakeSocket()): PendingAnswer & { socket: FakeSocket } {
  return {
    socket,
    echo: { choice },
    countKeys: [choice],
    fullyCorrect: choice === 'A',
    studentId,
    questionIdx: 0,
    round: 1,
    choice,
    points,
    receivedAtMs: 1_000,
  };
}

const LETTERS_2 = ['A', 'B'];
const LETTERS_4 = ['A', 'B', 'C', 'D'];

/** What the controller does on submit: hold in the book, queue in the batch. */
function submit(batch: AnswerBatch, book: AnswerBook, pending: PendingAnswer): boolean {
  book.hold(pending.questionIdx, pending.round, pending.studentId, pending.choice, pending.points);
  return batch.add(pending);
}

describe('AnswerBatch.add', () => {
  test('is true only for the answer that starts a batch', () => {
    const { store } = recordingStore();
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    expect(batch.add(answer('a', 'A', 1000))).toBe(true);
    expect(batch.add(answer('b', 'A', 1000))).toBe(false);
    expect(batch.add(answer('c', 'A', 1000))).toBe(false);
    batch.commit(RUN_ID, book);
    // After a commit the next answer starts a new batch.
    expect(batch.add(answer('d', 'A', 1000))).toBe(true);
    expect(batch.add(answer('e', 'A', 1000))).toBe(false);
  });

  test('after a failed commit the next answer starts a new batch too', () => {
    const store = answerStore(() => {
      throw new Error('disk full');
    });
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    batch.add(answer('a', 'A', 1000));
    batch.commit(RUN_ID, new AnswerBook());
    expect(batch.add(answer('a', 'A', 1000))).toBe(true);
  });
});

describe('AnswerBatch.commit', () => {
  test('an empty batch does not call the store', () => {
    const { store, calls } = recordingStore();
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    expect(batch.commit(RUN_ID, new AnswerBook())).toBe(0);
    expect(calls).toHaveLength(0);
  });

  test('inserts the whole batch in one call, in submit order, then acknowledges each', () => {
    const { store, calls } = recordingStore();
    const book = new AnswerBook();
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const first = answer('ann', 'A', 900);
    const second = answer('bob', 'C', 0);
    submit(batch, book, first);
    submit(batch, book, second);
    expect(first.socket.sent).toEqual([]);

    expect(batch.commit(RUN_ID, book)).toBe(2);

    expect(calls).toEqual([
      {
        runId: RUN_ID,
        batch: [
          { questionIdx: 0, round: 1, studentId: 'ann', choice: 'A', points: 900, receivedAtMs: 1_000 },
          { questionIdx: 0, round: 1, studentId: 'bob', choice: 'C', points: 0, receivedAtMs: 1_000 },
        ],
      },
    ]);
    expect(first.socket.frames).toEqual([{ type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true }]);
    expect(second.socket.frames).toEqual([{ type: 'submit_ack', question_idx: 0, choice: 'C', accepted: true }]);
    expect(book.get(0, 1, 'ann')).toEqual({ stored: 'A', points: 900, committed: true });
    expect(book.counts(0, 1, LETTERS_4)).toEqual({ A: 1, B: 0, C: 1, D: 0 });
    expect(book.answeredCount(0, 1)).toBe(2);
    expect(book.tally(0, 1)).toEqual({ answered: 2, correct: 1 });
  });

  test('no ack is sent before the store has returned', () => {
    const sockets: FakeSocket[] = [];
    const ackedDuringInsert: number[] = [];
    const store = answerStore((_runId, rows) => {
      ackedDuringInsert.push(sockets.reduce((sum, socket) => sum + socket.sent.length, 0));
      return rows.map(() => true);
    });
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    for (const id of ['a', 'b', 'c']) {
      const pending = answer(id, 'A', 1000);
      sockets.push(pending.socket);
      submit(batch, book, pending);
    }
    batch.commit(RUN_ID, book);
    expect(ackedDuringInsert).toEqual([0]);
    expect(sockets.map((socket) => socket.sent.length)).toEqual([1, 1, 1]);
  });

  test('a committed batch is not sent again', () => {
    const { store, calls } = recordingStore();
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    submit(batch, book, answer('a', 'A', 1000));
    batch.commit(RUN_ID, book);
    expect(batch.commit(RUN_ID, book)).toBe(0);
    expect(calls).toHaveLength(1);
  });

  test('acks go through the deliver function it was given', () => {
    const { store } = recordingStore();
    const delivered: { socket: SocketPort; data: string }[] = [];
    const batch = new AnswerBatch(store, capturingLogger().logger, (socket, data) => void delivered.push({ socket, data }));
    const book = new AnswerBook();
    const pending = answer('a', 'B', 0);
    submit(batch, book, pending);
    batch.commit(RUN_ID, book);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.socket).toBe(pending.socket);
    expect(JSON.parse(delivered[0]!.data)).toMatchObject({ type: 'submit_ack', accepted: true });
    expect(pending.socket.sent).toEqual([]);
  });

  test('a store that throws: every submitter gets storage_error, nothing is acknowledged or counted, the book is released', () => {
    const store = answerStore(() => {
      throw new Error('SQLITE_FULL');
    });
    const { logger, lines } = capturingLogger();
    const batch = new AnswerBatch(store, logger, deliverDirect);
    const book = new AnswerBook();
    const first = answer('ann', 'A', 1000);
    const second = answer('bob', 'B', 0);
    submit(batch, book, first);
    submit(batch, book, second);

    expect(batch.commit(RUN_ID, book)).toBe(0);

    for (const pending of [first, second]) {
      expect(pending.socket.ofType('submit_ack')).toEqual([]);
      expect(pending.socket.frames).toEqual([{ type: 'error', code: 'storage_error', message: expect.any(String) }]);
      // Released: a new submit from this student is not already_answered.
      expect(book.get(0, 1, pending.studentId)).toBeUndefined();
    }
    expect(book.answeredCount(0, 1)).toBe(0);
    expect(book.counts(0, 1, LETTERS_2)).toEqual({ A: 0, B: 0 });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'answer_commit_failed', run_id: RUN_ID, answers: 2, error: expect.stringContaining('SQLITE_FULL') }),
    );
  });

  test('after a failure the student can resubmit and be committed', () => {
    let failing = true;
    const store = answerStore((_runId, rows) => {
      if (failing) throw new Error('busy');
      return rows.map(() => true);
    });
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    const socket = new FakeSocket();
    submit(batch, book, answer('ann', 'A', 1000, socket));
    batch.commit(RUN_ID, book);
    failing = false;
    submit(batch, book, answer('ann', 'A', 950, socket));
    expect(batch.commit(RUN_ID, book)).toBe(1);
    expect(socket.frames.map((frame) => frame.type)).toEqual(['error', 'submit_ack']);
    expect(socket.frames[1]).toEqual({ type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true });
    expect(book.get(0, 1, 'ann')).toEqual({ stored: 'A', points: 950, committed: true });
  });

  test('a row the store did not insert is already_answered and is not counted', () => {
    const { store } = recordingStore((rows) => rows.map((row) => row.studentId !== 'dup'));
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    const fresh = answer('ann', 'A', 1000);
    const duplicate = answer('dup', 'B', 0);
    submit(batch, book, fresh);
    submit(batch, book, duplicate);

    expect(batch.commit(RUN_ID, book)).toBe(1);

    expect(duplicate.socket.frames).toEqual([
      { type: 'submit_ack', question_idx: 0, choice: 'B', accepted: false, reason: 'already_answered' },
    ]);
    expect(fresh.socket.frames).toEqual([{ type: 'submit_ack', question_idx: 0, choice: 'A', accepted: true }]);
    expect(book.answeredCount(0, 1)).toBe(1);
    expect(book.counts(0, 1, LETTERS_2)).toEqual({ A: 1, B: 0 });
    // Regression: the held answer used to stay in the book, so the student's question_closed
    // and review snapshot showed points for an answer the database never stored.
    expect(book.get(0, 1, 'dup')).toBeUndefined();
  });

  test('acks echo the answer fields exactly as sent; the book gets the stored form and every count key', () => {
    const { store, calls } = recordingStore();
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    const multiple: PendingAnswer & { socket: FakeSocket } = {
      ...answer('ann', 'A+C', 667),
      echo: { choices: ['C', 'A'] },
      countKeys: ['A', 'C'],
    };
    const numeric: PendingAnswer & { socket: FakeSocket } = {
      ...answer('bob', '3.5', 1000),
      questionIdx: 1,
      echo: { value: 3.5 },
      countKeys: ['correct'],
      fullyCorrect: true,
    };
    submit(batch, book, multiple);
    submit(batch, book, numeric);
    expect(batch.commit(RUN_ID, book)).toBe(2);

    expect(calls[0]!.batch.map((row) => row.choice)).toEqual(['A+C', '3.5']);
    expect(multiple.socket.frames).toEqual([{ type: 'submit_ack', question_idx: 0, choices: ['C', 'A'], accepted: true }]);
    expect(numeric.socket.frames).toEqual([{ type: 'submit_ack', question_idx: 1, value: 3.5, accepted: true }]);
    expect(book.get(0, 1, 'ann')).toEqual({ stored: 'A+C', points: 667, committed: true });
    expect(book.counts(0, 1, LETTERS_4)).toEqual({ A: 1, B: 0, C: 1, D: 0 });
    expect(book.answeredCount(0, 1)).toBe(1);
    expect(book.counts(1, 1, ['correct', 'incorrect'])).toEqual({ correct: 1, incorrect: 0 });
    // A+C earned partial credit (667) only: answered, not correct. The numeric answer is.
    expect(book.tally(0, 1)).toEqual({ answered: 1, correct: 0 });
    expect(book.tally(1, 1)).toEqual({ answered: 1, correct: 1 });
  });

  test('a round-2 answer is stored, held, committed and released under round 2 only', () => {
    const { store, calls } = recordingStore((rows) => rows.map((row) => row.studentId !== 'dup'));
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    book.commit(0, 1, 'ann', { stored: 'A', points: 900, countKeys: ['A'], fullyCorrect: true });
    book.commit(0, 1, 'dup', { stored: 'A', points: 900, countKeys: ['A'], fullyCorrect: true });
    submit(batch, book, { ...answer('ann', 'B', 0), round: 2 });
    submit(batch, book, { ...answer('dup', 'B', 0), round: 2 });
    expect(batch.commit(RUN_ID, book)).toBe(1);

    expect(calls[0]!.batch.map((row) => row.round)).toEqual([2, 2]);
    expect(book.get(0, 2, 'ann')).toEqual({ stored: 'B', points: 0, committed: true });
    expect(book.get(0, 2, 'dup')).toBeUndefined();
    // Round 1 is untouched by either.
    expect(book.get(0, 1, 'ann')).toEqual({ stored: 'A', points: 900, committed: true });
    expect(book.get(0, 1, 'dup')).toEqual({ stored: 'A', points: 900, committed: true });
    expect(book.counts(0, 1, LETTERS_2)).toEqual({ A: 2, B: 0 });
    expect(book.counts(0, 2, LETTERS_2)).toEqual({ A: 0, B: 1 });
    expect(book.tally(0, 1)).toEqual({ answered: 2, correct: 2 });
    expect(book.tally(0, 2)).toEqual({ answered: 1, correct: 0 });
  });

  test('the tally gets each committed answer’s fullyCorrect; refused and failed rows are in neither number', () => {
    let failing = true;
    const store = answerStore((_runId, rows) => {
      if (failing) throw new Error('busy');
      return rows.map((row) => row.studentId !== 'dup');
    });
    const batch = new AnswerBatch(store, capturingLogger().logger, deliverDirect);
    const book = new AnswerBook();
    submit(batch, book, answer('ann', 'A', 1000));
    batch.commit(RUN_ID, book);
    expect(book.tally(0, 1)).toEqual({ answered: 0, correct: 0 });

    failing = false;
    submit(batch, book, answer('ann', 'A', 950));
    submit(batch, book, answer('bob', 'B', 0));
    submit(batch, book, answer('dup', 'A', 900)); // right, but the store already had it
    submit(batch, book, { ...answer('cat', 'A', 0), round: 2 });
    expect(batch.commit(RUN_ID, book)).toBe(3);
    expect(book.tally(0, 1)).toEqual({ answered: 2, correct: 1 });
    expect(book.tally(0, 2)).toEqual({ answered: 1, correct: 1 });
  });
});
