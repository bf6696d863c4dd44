import { describe, expect, test } from 'bun:test';
import { CLOSE_CODES } from '../../../src/protocol/constants';
import { questionClosedFrames } from '../../../src/protocol/frame-builders';
import { Broadcaster } from '../../../src/session/broadcaster';
import { TOPIC_ADMINS, TOPIC_STUDENTS, type SocketPort } from '../../../src/session/ports';
import { Roster, type StudentEntry } from '../../../src/session/roster';
import { FakePublisher, FakeSocket } from '../../helpers/fake-socket';

function setup() {
  const publisher = new FakePublisher();
  const broadcaster = new Broadcaster(publisher);
  const roster = new Roster('main', 1);
  let joined = 0;
  const student = (id: string, sockets = 1): { entry: StudentEntry; sockets: FakeSocket[] } => {
    const entry = roster.add({ studentId: id, name: id, epoch: 0, released: false, joinedAtMs: joined++ });
    const list = Array.from({ length: sockets }, () => new FakeSocket());
    for (const socket of list) entry.sockets.add(socket);
    return { entry, sockets: list };
  };
  return { publisher, broadcaster, roster, student };
}

/** A socket whose send returns a fixed value (Bun: bytes written, -1 queued under backpressure, 0 dropped). */
function socketReturning(result: number) {
  const socket = { sent: [] as string[], closes: [] as number[] };
  const port: SocketPort = {
    send: (data) => {
      socket.sent.push(data);
      return result;
    },
    close: (code) => void socket.closes.push(code),
  };
  return { socket, port };
}

describe('deliver', () => {
  test('sends the data to the socket', () => {
    const { broadcaster } = setup();
    const socket = new FakeSocket();
    broadcaster.deliver(socket, '{"type":"x"}');
    expect(socket.sent).toEqual(['{"type":"x"}']);
    expect(socket.closes).toEqual([]);
  });

  test('a dropped message (send returns 0) closes the socket with 1013', () => {
    const { broadcaster } = setup();
    const { socket, port } = socketReturning(0);
    broadcaster.deliver(port, 'x');
    expect(socket.closes).toEqual([CLOSE_CODES.SLOW_CONSUMER]);
    expect(CLOSE_CODES.SLOW_CONSUMER).toBe(1013);
  });

  test('a queued message (send returns -1, backpressure) keeps the socket open', () => {
    const { broadcaster } = setup();
    const { socket, port } = socketReturning(-1);
    broadcaster.deliver(port, 'x');
    expect(socket.closes).toEqual([]);
  });

  test('deliverToStudent sends to every socket of the student and closes only the full one', () => {
    const { broadcaster, student } = setup();
    const ann = student('ann', 2);
    ann.sockets[1]!.full = true;
    broadcaster.deliverToStudent(ann.entry, '{"type":"y"}');
    expect(ann.sockets.map((socket) => socket.sent)).toEqual([['{"type":"y"}'], ['{"type":"y"}']]);
    expect(ann.sockets[0]!.closes).toEqual([]);
    expect(ann.sockets[1]!.closes.map((close) => close.code)).toEqual([1013]);
  });
});

describe('topics', () => {
  test('toStudents and toAdmins publish to their own topic', () => {
    const { broadcaster, publisher } = setup();
    broadcaster.toStudents('s');
    broadcaster.toAdmins('a');
    expect(publisher.published).toEqual([
      { topic: TOPIC_STUDENTS, data: 's' },
      { topic: TOPIC_ADMINS, data: 'a' },
    ]);
  });

  test('toAll publishes the same data once to each topic', () => {
    const { broadcaster, publisher } = setup();
    broadcaster.toAll('both');
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published.map((entry) => entry.topic).sort()).toEqual([TOPIC_ADMINS, TOPIC_STUDENTS].sort());
    expect(publisher.published.every((entry) => entry.data === 'both')).toBe(true);
  });
});

describe('toEachStudent', () => {
  const frames = questionClosedFrames({
    question_idx: 0,
    question_type: 'single',
    round: 1,
    correct: 'A',
    counts: { A: 1, B: 0 },
    tally: { answered: 1, correct: 1 },
    explanation: null,
  });

  test('publishes the shared form to admins once, never to the students topic', () => {
    const { broadcaster, publisher, roster, student } = setup();
    student('ann');
    student('bob');
    broadcaster.toEachStudent(frames, roster.entries(), () => ({ your_choice: null, points: 0, score: 0 }));
    expect(publisher.published).toEqual([{ topic: TOPIC_ADMINS, data: frames.shared }]);
  });

  test('sends each connected student their own form, on every socket', () => {
    const { broadcaster, roster, student } = setup();
    const ann = student('ann', 2);
    const bob = student('bob');
    broadcaster.toEachStudent(frames, roster.entries(), (entry) => ({
      your_choice: entry.studentId === 'ann' ? 'A' : 'B',
      points: entry.studentId === 'ann' ? 1000 : 0,
      score: entry.studentId === 'ann' ? 1000 : 0,
    }));
    for (const socket of ann.sockets) {
      expect(socket.frames).toEqual([{ ...JSON.parse(frames.shared), your_choice: 'A', points: 1000, score: 1000 }]);
    }
    expect(bob.sockets[0]!.frames).toEqual([{ ...JSON.parse(frames.shared), your_choice: 'B', points: 0, score: 0 }]);
  });

  test('does not compute or send anything for students without a socket', () => {
    const { broadcaster, roster, student } = setup();
    student('offline', 0);
    const online = student('online');
    const askedFor: string[] = [];
    broadcaster.toEachStudent(frames, roster.entries(), (entry) => {
      askedFor.push(entry.studentId);
      return { your_choice: null, points: 0, score: 0 };
    });
    expect(askedFor).toEqual(['online']);
    expect(online.sockets[0]!.sent).toHaveLength(1);
  });

  test('a full student socket is closed with 1013, the others still get theirs', () => {
    const { broadcaster, roster, student } = setup();
    const slow = student('slow');
    const fast = student('fast');
    slow.sockets[0]!.full = true;
    broadcaster.toEachStudent(frames, roster.entries(), () => ({ your_choice: null, points: 0, score: 0 }));
    expect(slow.sockets[0]!.closes.map((close) => close.code)).toEqual([1013]);
    expect(fast.sockets[0]!.sent).toHaveLength(1);
    expect(fast.sockets[0]!.closes).toEqual([]);
  });
});

describe('closing and counting', () => {
  test('closeStudents closes every socket of the given students with the code and forgets them', () => {
    const { broadcaster, roster, student } = setup();
    const ann = student('ann', 2);
    const bob = student('bob');
    broadcaster.closeStudents([ann.entry], 4401, 'released');
    expect(ann.sockets.map((socket) => socket.closes)).toEqual([
      [{ code: 4401, reason: 'released' }],
      [{ code: 4401, reason: 'released' }],
    ]);
    expect(ann.entry.sockets.size).toBe(0);
    expect(bob.sockets[0]!.closes).toEqual([]);
    expect(broadcaster.connectionCounts(roster.entries())).toEqual({ students: 1, admins: 0 });
  });

  test('closeAdmins closes every admin socket and forgets them; students stay', () => {
    const { broadcaster, roster, student } = setup();
    const ann = student('ann');
    const first = new FakeSocket();
    const second = new FakeSocket();
    broadcaster.addAdmin(first);
    broadcaster.addAdmin(second);
    expect(broadcaster.hasAdmins).toBe(true);
    broadcaster.closeAdmins(1001, 'bye');
    expect(first.closes).toEqual([{ code: 1001, reason: 'bye' }]);
    expect(second.closes).toEqual([{ code: 1001, reason: 'bye' }]);
    expect(broadcaster.hasAdmins).toBe(false);
    expect(ann.sockets[0]!.closes).toEqual([]);
    expect(broadcaster.connectionCounts(roster.entries())).toEqual({ students: 1, admins: 0 });
  });

  test('closing is safe when a socket removes itself from its set while being closed (as the real close handler does)', () => {
    const { broadcaster, student } = setup();
    const ann = student('ann', 3);
    for (const socket of ann.sockets) {
      const close = socket.close.bind(socket);
      socket.close = (code, reason) => {
        close(code, reason);
        ann.entry.sockets.delete(socket);
      };
    }
    broadcaster.closeStudents([ann.entry], 4401, 'released');
    expect(ann.sockets.every((socket) => socket.closes.length === 1)).toBe(true);
  });

  test('connectionCounts counts every student socket and every admin; removeAdmin lowers it', () => {
    const { broadcaster, roster, student } = setup();
    student('ann', 2);
    student('bob', 0);
    student('cat', 1);
    const admin = new FakeSocket();
    broadcaster.addAdmin(admin);
    broadcaster.addAdmin(new FakeSocket());
    broadcaster.addAdmin(admin); // a set: the same socket counts once
    expect(broadcaster.connectionCounts(roster.entries())).toEqual({ students: 3, admins: 2 });
    broadcaster.removeAdmin(admin);
    expect(broadcaster.connectionCounts(roster.entries())).toEqual({ students: 3, admins: 1 });
  });

  test('with nobody connected everything is zero', () => {
    const { broadcaster, roster } = setup();
    expect(broadcaster.hasAdmins).toBe(false);
    expect(broadcaster.connectionCounts(roster.entries())).toEqual({ students: 0, admins: 0 });
  });
});
