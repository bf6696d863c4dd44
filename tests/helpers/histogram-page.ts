/**
 * What the console and projector tests share: students who join and answer over sockets,
 * and reading a page's histogram bars (key, count, marked right) and texts.
 */
import { expect } from 'bun:test';
import type { Page } from 'playwright-core';
import type { BrowserSuite } from './browser-suite';
import type { Inbox } from './inbox';
import type { TestWorld } from './test-server';

export type Answer = { choice: string } | { choices: string[] } | { value: number };

export const poolOf = (...questions: object[]) => ({ title: 'Question types', questions });

/** `count` students joined and connected (ids s1…), closed after the test. */
export async function joinStudents(suite: BrowserSuite, world: TestWorld, count: number): Promise<Inbox[]> {
  const students: Inbox[] = [];
  for (let i = 1; i <= count; i += 1) {
    const { cookie } = await world.join(`s${i}`, `Student ${i}`);
    students.push(suite.closeAfterTest(await world.connectStudent(cookie)));
  }
  return students;
}

/** Each student in turn submits its answer to `questionIdx`; every one must be accepted. */
export async function answerAll(world: TestWorld, students: Inbox[], questionIdx: number, answers: Answer[]): Promise<void> {
  for (const [i, answer] of answers.entries()) {
    students[i]!.send({ type: 'submit', question_idx: questionIdx, ...answer });
    const ack = await students[i]!.next('submit_ack');
    expect(ack.accepted).toBe(true);
  }
  world.time!.advance(200); // flush the coalesced answer_progress
}

export const waitText = (page: Page, selector: string, expected: string) =>
  page.waitForFunction(([s, e]) => document.querySelector(s!)?.textContent?.trim() === e, [selector, expected] as const);

/** Every bar of a histogram: its key, count, and whether it is marked right. */
export function barsOf(page: Page, testId: string) {
  return page.locator(`[data-testid=${testId}] .bar`).evaluateAll((bars) =>
    bars.map((bar) => ({
      key: (bar as HTMLElement).dataset.key,
      count: Number((bar as HTMLElement).dataset.count),
      marked: bar.classList.contains('correct') || (bar as HTMLElement).dataset.correct === 'true',
    })),
  );
}

export const marksOf = async (page: Page, testId: string) => (await barsOf(page, testId)).filter((b) => b.marked).map((b) => b.key);
export const countsOf = async (page: Page, testId: string) =>
  Object.fromEntries((await barsOf(page, testId)).map((b) => [b.key, b.count]));
