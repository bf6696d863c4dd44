/**
 * Plays one run of the world's loaded pool from the lobby to the end: the planned students
 * join and connect, each question is opened, answered as planned (in plan order, with the
 * fake clock moved `stepMs` before each answer when the world has one), and closed; then
 * `end`. Leaves the run ended; `reset` starts the next one.
 */
import { expect } from 'bun:test';
import type { TestWorld } from './test-server';

/** A letter (single, poll), letters (multiple), a number (numeric), or null for no answer. */
export type PlannedAnswer = string | string[] | number | null;

export interface PlannedStudent {
  id: string;
  name?: string;
  answers: PlannedAnswer[];
}

export interface RunPlan {
  students: PlannedStudent[];
  /** Fake milliseconds before each answer (default 1000). */
  stepMs?: number;
  /** Stop after this many questions (default: the longest answer list). */
  questions?: number;
}

function answerFields(answer: Exclude<PlannedAnswer, null>) {
  if (Array.isArray(answer)) return { choices: answer };
  return typeof answer === 'number' ? { value: answer } : { choice: answer };
}

export async function playRun(world: TestWorld, plan: RunPlan): Promise<void> {
  const joined = [];
  for (const student of plan.students) {
    const { response, cookie } = await world.join(student.id, student.name);
    expect(response.status).toBe(200);
    const inbox = await world.connectStudent(cookie);
    await inbox.next('snapshot');
    joined.push({ student, inbox });
  }
  const questionCount = plan.questions ?? Math.max(0, ...plan.students.map((student) => student.answers.length));
  try {
    for (let index = 0; index < questionCount; index += 1) {
      expect((await world.adminPost('/admin/api/next')).status).toBe(200);
      for (const { student, inbox } of joined) {
        const answer = student.answers[index] ?? null;
        if (answer === null) continue;
        world.time?.advance(plan.stepMs ?? 1000);
        inbox.send({ type: 'submit', question_idx: index, ...answerFields(answer) });
        const ack = await inbox.next('submit_ack');
        expect(ack.accepted).toBe(true);
      }
      expect((await world.adminPost('/admin/api/close')).status).toBe(200);
    }
    expect((await world.adminPost('/admin/api/end')).status).toBe(200);
  } finally {
    for (const { inbox } of joined) await inbox.close();
  }
}
