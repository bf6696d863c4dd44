/**
 * Malformed-frame fuzz on profile.sockets student sockets (plus one admin socket) at once,
 * while a class of profile.students answers the open question. Frames are generated from
 * STRESS_SEED: random binary, random non-JSON text, truncated JSON, deeply nested JSON,
 * huge and infinite numbers, unicode types, frames over 4 KiB (some with multi-byte
 * characters, so the byte count and not the character count must decide) and one exactly at
 * the 4096-byte limit. Asserted:
 * - every fuzz frame gets exactly one `error` frame, in order, with the code SPEC §7 gives;
 * - no fuzzed socket is dropped, and each one still answers a valid submit afterwards;
 * - every class answer is acknowledged and accepted, and question_closed counts every
 *   answer (class + fuzzers).
 */
import { expect, test } from 'bun:test';
import { makeStressPool } from '../lib/target';
import { inParallel, type LiveSocket } from '../lib/quiz-client';
import { CONCURRENCY, profile, randomLetter, runScenario, scaledMs, TEST_TIMEOUT_MS, total, type Scenario, type Student } from './scenario';

const FRAMES_PER_SOCKET = 10;
const MAX_FRAME_BYTES = 4096;

interface FuzzFrame {
  kind: string;
  payload: string | Uint8Array<ArrayBuffer>;
  /** Expected error code on a student socket and on the admin socket. */
  student: string;
  admin: string;
}

const UNICODE = ['é', 'ß', 'Ж', '中', '日本', '🙂', '🧪', '\u200b', '\u0000', 'ﬁ', '\u202e'];

function pickFrom<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** A JSON text `{"type":"zzz","pad":"…"}` of exactly `bytes` UTF-8 bytes, padded with `filler`. */
function padded(bytes: number, filler: string): string {
  const room = bytes - Buffer.byteLength(JSON.stringify({ type: 'zzz', pad: '' }));
  const fillerBytes = Buffer.byteLength(filler);
  const count = Math.floor(room / fillerBytes);
  return JSON.stringify({ type: 'zzz', pad: filler.repeat(count) + 'x'.repeat(room - count * fillerBytes) });
}

function fuzzFrame(random: () => number): FuzzFrame {
  const kinds: Array<() => FuzzFrame> = [
    () => {
      const bytes = new Uint8Array(1 + Math.floor(random() * 512));
      for (let index = 0; index < bytes.length; index += 1) bytes[index] = Math.floor(random() * 256);
      return { kind: 'random_binary', payload: bytes, student: 'binary_not_supported', admin: 'binary_not_supported' };
    },
    () => {
      // '#' can start no JSON text, whatever follows.
      let text = '#';
      const length = Math.floor(random() * 200);
      for (let index = 0; index < length; index += 1) text += String.fromCharCode(32 + Math.floor(random() * 95));
      return { kind: 'random_text', payload: text, student: 'invalid_json', admin: 'invalid_json' };
    },
    () => {
      const whole = JSON.stringify({ type: 'submit', question_idx: 0, choice: 'A' });
      // Any proper prefix of a JSON object is not JSON (the empty one included).
      return { kind: 'truncated_json', payload: whole.slice(0, Math.floor(random() * whole.length)), student: 'invalid_json', admin: 'invalid_json' };
    },
    () => {
      const depth = 100 + Math.floor(random() * 1900); // 2 bytes a level: stays under 4 KiB
      return { kind: 'nested_arrays', payload: '['.repeat(depth) + ']'.repeat(depth), student: 'invalid_frame', admin: 'invalid_frame' };
    },
    () => {
      const depth = 50 + Math.floor(random() * 600); // 6 bytes a level
      return { kind: 'nested_objects', payload: '{"a":'.repeat(depth) + '0' + '}'.repeat(depth), student: 'invalid_frame', admin: 'invalid_frame' };
    },
    () => {
      const huge = pickFrom(random, ['1e400', '-1e400', '123456789012345678901234567890', '9007199254740993', '1.5', '-1', '1e-400']);
      return {
        kind: 'huge_number',
        payload: `{"type":"submit","question_idx":${huge},"choice":"A"}`,
        // 1e-400 parses to 0, a valid index: use it as the choice instead (a number is the wrong type).
        ...(huge === '1e-400' ? { payload: `{"type":"submit","question_idx":0,"choice":${huge}}` } : {}),
        student: 'invalid_frame',
        admin: 'unknown_type',
      };
    },
    () => {
      let type = '';
      const length = 1 + Math.floor(random() * 8);
      for (let index = 0; index < length; index += 1) type += pickFrom(random, UNICODE);
      return { kind: 'unicode_type', payload: JSON.stringify({ type, question_idx: 0, choice: 'A' }), student: 'unknown_type', admin: 'unknown_type' };
    },
    () => {
      let text = '';
      const length = 1 + Math.floor(random() * 40);
      for (let index = 0; index < length; index += 1) text += pickFrom(random, UNICODE);
      return { kind: 'unicode_text', payload: `¿${text}`, student: 'invalid_json', admin: 'invalid_json' };
    },
    () => {
      const bytes = MAX_FRAME_BYTES + 1 + Math.floor(random() * 16_000);
      return { kind: 'oversized_ascii', payload: padded(bytes, 'x'), student: 'frame_too_large', admin: 'frame_too_large' };
    },
    () => {
      // ~1,100 characters, over 4,096 bytes: only a byte count catches it.
      return { kind: 'oversized_multibyte', payload: padded(MAX_FRAME_BYTES + 1 + Math.floor(random() * 400), '🙂'), student: 'frame_too_large', admin: 'frame_too_large' };
    },
    () => ({ kind: 'exactly_4096_bytes', payload: padded(MAX_FRAME_BYTES, 'é'), student: 'unknown_type', admin: 'unknown_type' }),
    () => ({
      kind: 'wrong_shape',
      payload: pickFrom(random, ['null', '[]', '42', '"submit"', '{}', '{"type":null}', '{"type":"submit","question_idx":"0","choice":"A"}']),
      student: 'invalid_frame',
      admin: 'invalid_frame',
    }),
  ];
  const frame = pickFrom(random, kinds)();
  // On the admin socket a submit-shaped frame is an unknown type, whatever its fields.
  if (frame.kind === 'wrong_shape' && String(frame.payload).includes('"submit"') && String(frame.payload).startsWith('{')) {
    return { ...frame, admin: 'unknown_type' };
  }
  return frame;
}

/** Sends `count` fuzz frames and checks the error reply to each, in order. */
async function fuzzSocket(scenario: Scenario, socket: LiveSocket, audience: 'student' | 'admin', label: string, waitMs: number): Promise<number> {
  const frames = Array.from({ length: FRAMES_PER_SOCKET }, () => fuzzFrame(scenario.random));
  let answered = 0;
  for (const frame of frames) {
    await Bun.sleep(scenario.random() * 20);
    if (socket.closeCode !== null) break;
    const started = performance.now();
    socket.socket.send(frame.payload);
    scenario.recorder.count(`fuzz_${frame.kind}`);
    try {
      const error = await socket.next('error', waitMs);
      scenario.recorder.sample('fuzz_error_reply', performance.now() - started);
      scenario.operation(true);
      answered += 1;
      const expected = audience === 'student' ? frame.student : frame.admin;
      scenario.check(error.code === expected, `${label}: ${frame.kind} → error ${error.code}, expected ${expected}`);
    } catch (error) {
      scenario.operation(false, `${label}: no error frame for ${frame.kind}: ${String(error)}`);
    }
  }
  return answered;
}

test(
  `malformed-frame fuzz while the class answers (${profile.name})`,
  async () => {
    const failures = await runScenario('api-fuzz', makeStressPool(1), async (scenario) => {
      const { admin, recorder } = scenario;
      const waitMs = scaledMs(10_000, 6, profile.students + profile.sockets);
      const adminSocket = await scenario.openAdminSocket();
      const adminFuzzSocket = await scenario.openAdminSocket();
      const students = await scenario.connectClass(profile.students, 'class');
      const fuzzers = await scenario.connectClass(profile.sockets, 'fuzz');
      recorder.gauge('fuzz_sockets', fuzzers.length + 1);

      await admin.command('next');
      await scenario.everyoneGets([...students, ...fuzzers], 'question_open', waitMs);

      // The class answers over a couple of seconds while every fuzzer fires at once.
      const spreadMs = 2000;
      const classAnswers = Promise.all(
        students.map(async (student) => {
          await Bun.sleep(scenario.random() * spreadMs);
          const ack = await scenario.submitTimed(student, 0, randomLetter(scenario.random), waitMs);
          scenario.check(ack?.accepted === true, `${student.id}: answer during fuzz ${JSON.stringify(ack)}`);
          return ack?.accepted === true;
        }),
      );
      const fuzzing = Promise.all([
        ...fuzzers.map((student) => fuzzSocket(scenario, student.socket!, 'student', student.id, waitMs)),
        fuzzSocket(scenario, adminFuzzSocket, 'admin', 'admin', waitMs),
      ]);
      const [answersAccepted, errorReplies] = await Promise.all([classAnswers, fuzzing]);
      recorder.gauge('fuzz_frames', (fuzzers.length + 1) * FRAMES_PER_SOCKET);
      recorder.gauge('fuzz_error_replies', errorReplies.reduce((sum, count) => sum + count, 0));

      // No socket was dropped, and each fuzzed student socket still works.
      const dropped = [...fuzzers, ...students].filter((student: Student) => student.socket!.closeCode !== null);
      scenario.check(dropped.length === 0, `${dropped.length} sockets dropped during the fuzz (${dropped.slice(0, 3).map((s) => `${s.id}:${s.socket!.closeCode}`).join(' ')})`);
      scenario.check(adminFuzzSocket.closeCode === null, `admin fuzz socket closed with ${adminFuzzSocket.closeCode}`);
      let fuzzersAccepted = 0;
      await inParallel(fuzzers.length, CONCURRENCY, async (position) => {
        const student = fuzzers[position]!;
        if (student.socket!.closeCode !== null) return;
        const ack = await scenario.submitTimed(student, 0, randomLetter(scenario.random), waitMs);
        if (scenario.check(ack?.accepted === true, `${student.id}: submit after fuzz ${JSON.stringify(ack)}`)) fuzzersAccepted += 1;
      });

      await admin.command('close');
      const closed = await adminSocket.next('question_closed', waitMs);
      const classAccepted = answersAccepted.filter(Boolean).length;
      scenario.check(classAccepted === students.length, `class: ${classAccepted}/${students.length} answers accepted during the fuzz`);
      scenario.check(
        total(closed.counts) === classAccepted + fuzzersAccepted,
        `question_closed counts ${total(closed.counts)} != accepted ${classAccepted} + ${fuzzersAccepted}`,
      );
      const studentClosed = await scenario.everyoneGets(students, 'question_closed', waitMs);
      scenario.check(studentClosed.size === students.length, 'every class student gets question_closed');
    });
    expect(failures).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
