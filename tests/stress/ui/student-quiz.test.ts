/**
 * UI stress: `profile.browserContexts` real Chromium contexts play a whole quiz on the real
 * student page of a fresh server (STRESS_URL: an existing one); the instructor is driven
 * over HTTP. One browser for the file, a fresh context per phone.
 *
 * Asserted (a failure fails the test and the report): every answer is acknowledged on
 * screen (the locked line shows the picked letter); a phone that sleeps mid-question
 * (context closed) and wakes with its saved cookie shows the current question, with an
 * answer given before sleeping still locked; a tampered `quiz_student` cookie leads back to
 * the join form with the notice; a second device with a taken id sees the in-use error; the
 * points, final scores and ranks on screen equal results.csv, and correct picks score > 0,
 * wrong ones 0; no page errors; the profile's thresholds (the ack p99 here is the in-page
 * click → locked line, which waits for the server's submit_ack).
 * Reported only (runs/stress/ui-quiz-*.json): page load, join, click → locked ("ack", and
 * "ack_via_playwright" with Playwright's own overhead), next → question shown, close →
 * result shown, wake → question shown, end → final shown, the server's RSS.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { collectPageProblems, launchBrowser } from '../../helpers/browser';
import { loadProfile } from '../lib/profiles';
import { checkThresholds, progress, progressDone, Recorder } from '../lib/report';
import { makeStressPool, startTarget, type Target } from '../lib/target';
import { AdminClient } from '../lib/quiz-client';

const profile = loadProfile();
const CONTEXTS = Math.max(1, profile.browserContexts);
const QUESTIONS = Math.max(1, profile.questions);
/** Playwright waits: generous, since N Chromium pages share two cores with the server. */
const WAIT_MS = 10_000 + 500 * CONTEXTS;
const TEST_TIMEOUT_MS = 60_000 + CONTEXTS * QUESTIONS * 4_000;
const PHONE = { width: 390, height: 844 };
const NOTICE = 'Your session ended (the quiz was reset, or your instructor released or removed your id). Join again.';
const TAKEN = 'This id is already in use; ask your instructor to release it.';

const pool = makeStressPool(QUESTIONS, 600);
const seed = Number(process.env.STRESS_SEED ?? Date.now() % 1_000_000_007);
const random = mulberry32(seed);

let browser: Browser;
let target: Target;
let admin: AdminClient;
let recorder: Recorder;
const failures: string[] = [];
const openContexts = new Set<BrowserContext>();

beforeAll(async () => {
  [browser, target] = await Promise.all([launchBrowser(), startTarget({ pool })]);
  admin = await AdminClient.login(target.url, target.adminPassword);
  recorder = new Recorder('ui-quiz', profile, target.url);
  recorder.gauge('students', CONTEXTS);
  recorder.gauge('seed', seed);
}, 30_000);

afterAll(async () => {
  for (const context of openContexts) await context.close().catch(() => {});
  await browser?.close();
  if (recorder) {
    // The quiz test has added the thresholds to `failures`.
    const all = [...failures];
    const path = recorder.write(all);
    const ack = recorder.latency('ack');
    console.error(
      `ui-quiz (${profile.name}, ${CONTEXTS} contexts × ${QUESTIONS} questions): ${all.length === 0 ? 'PASS' : 'FAIL'} · ` +
        `click→locked p50 ${ack.p50} ms p99 ${ack.p99} ms (${all.length} failures) · report ${path}`,
    );
  }
  await target?.stop();
}, 30_000);

function sampleRss(): void {
  const rss = target.rssMb();
  if (rss !== null) recorder.rss(rss);
}

/** Small seeded PRNG: the picks of a run can be replayed with STRESS_SEED. */
function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Phone {
  label: string;
  context: BrowserContext;
  page: Page;
  problems: string[];
}

const byTestId = (page: Page, id: string) => page.locator(`[data-testid=${id}]`);

async function openPhone(label: string, options: BrowserContextOptions = {}): Promise<Phone> {
  const started = performance.now();
  const context = await browser.newContext({ viewport: PHONE, baseURL: target.url, ...options });
  openContexts.add(context);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const problems: string[] = [];
  collectPageProblems(page, problems, label);
  await page.goto('/');
  recorder.sample('page_load', performance.now() - started);
  return { label, context, page, problems };
}

/** Closes a phone ("sleep"), keeping its page problems for the final check. */
async function closePhone(phone: Phone, problems: string[]): Promise<void> {
  problems.push(...phone.problems);
  openContexts.delete(phone.context);
  await phone.context.close();
}

async function textOf(page: Page, id: string): Promise<string> {
  const locator = byTestId(page, id);
  await locator.waitFor({ state: 'visible' });
  return ((await locator.textContent()) ?? '').trim();
}

/** Waits in the page (no polling over CDP) until the element is visible with this text. */
async function waitForVisibleText(page: Page, id: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([testId, expected]) => {
      const node = document.querySelector(`[data-testid=${testId}]`) as HTMLElement | null;
      return !!node && !!node.offsetParent && (node.textContent ?? '').trim() === expected;
    },
    [id, text] as const,
    { timeout: WAIT_MS },
  );
}

/**
 * Arms an in-page timer from the next click's dispatch to the locked line appearing (it
 * appears on the server's submit_ack): the latency a student sees, without Playwright's
 * own actionability checks and round trips.
 */
async function armLockTimer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const locked = document.querySelector('[data-testid=locked]') as HTMLElement;
    (window as unknown as { lockMs: Promise<number> }).lockMs = new Promise((resolve) => {
      let clickedAt = 0;
      const observer = new MutationObserver(() => {
        if (clickedAt && !locked.hidden) {
          observer.disconnect();
          resolve(performance.now() - clickedAt);
        }
      });
      observer.observe(locked, { attributes: true, attributeFilter: ['hidden'] });
      document.addEventListener('click', () => (clickedAt = performance.now()), { capture: true, once: true });
    });
  });
}

async function isHidden(page: Page, id: string): Promise<boolean> {
  return byTestId(page, id).evaluate((node) => (node as HTMLElement).hidden === true || !(node as HTMLElement).offsetParent);
}

async function joinWithForm(page: Page, studentId: string, name: string): Promise<void> {
  await byTestId(page, 'join-form').waitFor({ state: 'visible' });
  await page.fill('#student-id', studentId);
  await page.fill('#student-name', name);
  await byTestId(page, 'join-submit').click();
}

async function joinPhone(label: string, studentId: string): Promise<Phone> {
  const phone = await openPhone(label);
  const started = performance.now();
  await joinWithForm(phone.page, studentId, `UI ${studentId}`);
  await byTestId(phone.page, 'lobby').waitFor({ state: 'visible' });
  recorder.sample('join', performance.now() - started);
  return phone;
}

/** A broken invariant becomes a failure message; the run goes on to collect the rest. */
function expectThat(condition: boolean, message: string): void {
  if (!condition) {
    failures.push(message);
    recorder.error(message);
  }
}

/** A test body whose thrown error (a timeout, a refused command) also lands in the report. */
function recorded(body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      progressDone();
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      // The closing expect() of a test restates failures already listed.
      if (!message.startsWith('expect(') && !failures.includes(message)) expectThat(false, message);
      throw error;
    }
  };
}

async function freshRun(): Promise<void> {
  await admin.reset();
  // The same pool for a local and a STRESS_URL target (600 s limits: no deadline races).
  await admin.uploadPool(pool);
}

test(
  'identity in the browser: a tampered cookie → join form with the notice; a taken id → the in-use error',
  recorded(async () => {
    const before = failures.length;
    await freshRun();
    const problems: string[] = [];

    // Two devices, one id: the second is refused, the first stays in the lobby.
    const first = await joinPhone('dup-1', 'ui-dup');
    const second = await openPhone('dup-2');
    await joinWithForm(second.page, 'ui-dup', 'Someone else');
    const error = await textOf(second.page, 'join-error');
    expectThat(error === TAKEN, `same id in a second context: join-error was ${JSON.stringify(error)}`);
    expectThat(await isHidden(second.page, 'lobby'), 'same id in a second context: the lobby was shown');
    expectThat(!(await isHidden(first.page, 'lobby')), 'same id: the first device left the lobby');
    recorder.count('duplicate_id_refused', error === TAKEN ? 1 : 0);

    // One character of the HttpOnly cookie changed from outside (the signature's first).
    const tamper = await joinPhone('tamper', 'ui-tamper');
    const [cookie] = (await tamper.context.cookies()).filter((candidate) => candidate.name === 'quiz_student');
    expect(cookie).toBeDefined();
    const at = cookie!.value.lastIndexOf('.') + 1;
    const changed = cookie!.value[at] === 'A' ? 'B' : 'A';
    await tamper.context.addCookies([{ ...cookie!, value: `${cookie!.value.slice(0, at)}${changed}${cookie!.value.slice(at + 1)}` }]);
    const reloaded = await tamper.page.reload();
    if (reloaded?.status() !== 200) {
      // Known server behaviour (see tests/browser/student.test.ts): a bad signature gets a
      // 401 JSON on any route while the cookie is cleared; the next load is the page.
      recorder.count('tamper_reload_401');
      await tamper.page.reload();
    }
    await byTestId(tamper.page, 'join-form').waitFor({ state: 'visible' });
    const notice = await textOf(tamper.page, 'join-notice');
    expectThat(notice === NOTICE, `tampered cookie: join-notice was ${JSON.stringify(notice)}`);
    expectThat(await isHidden(tamper.page, 'lobby'), 'tampered cookie: the lobby was still shown');

    for (const phone of [first, second, tamper]) await closePhone(phone, problems);
    expectThat(problems.length === 0, `page problems: ${problems.join('; ')}`);
    expect(failures.slice(before)).toEqual([]);
  }),
  TEST_TIMEOUT_MS,
);

test(
  `whole quiz: ${CONTEXTS} browser contexts × ${QUESTIONS} questions, sleep/wake, scores equal results.csv`,
  recorded(async () => {
    const before = failures.length;
    await freshRun();
    sampleRss();
    const problems: string[] = [];
    const ids = Array.from({ length: CONTEXTS }, (_, index) => `ui-${index + 1}`);
    const phones = await Promise.all(ids.map((id) => joinPhone(id, id)));
    const picks: string[][] = ids.map(() => []);
    const shownPoints: number[][] = ids.map(() => []);
    const shownScore: number[] = ids.map(() => 0);
    const status = (line: string) => progress(`ui-quiz ${profile.name}: ${line}`);

    for (let index = 0; index < QUESTIONS; index += 1) {
      const question = pool.questions[index]!;
      const letters = question.choices.map((_, choice) => String.fromCharCode(65 + choice));
      // Each question one phone sleeps after answering and (with two or more) one before.
      const sleepsAfter = index % CONTEXTS;
      const sleepsBefore = CONTEXTS >= 2 ? (index + 1) % CONTEXTS : -1;
      status(`question ${index + 1}/${QUESTIONS} opening`);

      const opened = performance.now();
      await admin.command('next');
      await Promise.all(
        phones.map(async (phone) => {
          await waitForVisibleText(phone.page, 'question-text', question.text);
          recorder.sample('question_shown', performance.now() - opened);
        }),
      );

      const wake = async (slot: number): Promise<Phone> => {
        const saved = await phones[slot]!.context.storageState();
        await closePhone(phones[slot]!, problems);
        recorder.count('sleeps');
        const started = performance.now();
        const woken = await openPhone(`${ids[slot]}-woken`, { storageState: saved });
        await waitForVisibleText(woken.page, 'question-text', question.text);
        recorder.sample('wake', performance.now() - started);
        phones[slot] = woken;
        return woken;
      };

      let acked = 0;
      await Promise.all(
        phones.map(async (_, slot) => {
          let phone = phones[slot]!;
          if (slot === sleepsBefore) {
            phone = await wake(slot);
            expectThat(await isHidden(phone.page, 'locked'), `${ids[slot]} q${index + 1}: woke before answering but shows locked`);
            const disabled = await byTestId(phone.page, 'choice-A').getAttribute('aria-disabled');
            expectThat(disabled !== 'true', `${ids[slot]} q${index + 1}: woke before answering with choices disabled`);
          }
          const letter = letters[Math.floor(random() * letters.length)]!;
          picks[slot]![index] = letter;
          recorder.count('acks_attempted');
          await armLockTimer(phone.page);
          const clicked = performance.now();
          await byTestId(phone.page, `choice-${letter}`).click();
          await byTestId(phone.page, 'locked').waitFor({ state: 'visible' });
          recorder.sample('ack_via_playwright', performance.now() - clicked);
          recorder.sample('ack', await phone.page.evaluate(() => (window as unknown as { lockMs: Promise<number> }).lockMs));
          const locked = await textOf(phone.page, 'locked');
          expectThat(locked === `${letter} — locked in`, `${ids[slot]} q${index + 1}: locked line ${JSON.stringify(locked)} after picking ${letter}`);
          if (locked === `${letter} — locked in`) recorder.count('acks');
          acked += 1;
          status(`question ${index + 1}/${QUESTIONS} · locked ${acked}/${CONTEXTS}`);

          if (slot === sleepsAfter) {
            // Asleep mid-question, after answering: the wake shows the same question, locked.
            phone = await wake(slot);
            await byTestId(phone.page, 'locked').waitFor({ state: 'visible' });
            const again = await textOf(phone.page, 'locked');
            expectThat(again === `${letter} — locked in`, `${ids[slot]} q${index + 1}: after waking the locked line is ${JSON.stringify(again)}`);
            const disabled = await byTestId(phone.page, 'choice-A').getAttribute('aria-disabled');
            expectThat(disabled === 'true', `${ids[slot]} q${index + 1}: after waking the choices are not disabled`);
          }
        }),
      );

      const closed = performance.now();
      await admin.command('close');
      await Promise.all(
        phones.map(async (phone, slot) => {
          await byTestId(phone.page, 'result').waitFor({ state: 'visible' });
          await waitForVisibleText(phone.page, 'result-correct', question.answer!);
          recorder.sample('result_shown', performance.now() - closed);
          const points = Number(await textOf(phone.page, 'result-points'));
          const score = Number(await textOf(phone.page, 'score'));
          shownPoints[slot]![index] = points;
          shownScore[slot] = score;
          const correct = picks[slot]![index] === question.answer;
          expectThat(
            correct ? points > 0 : points === 0,
            `${ids[slot]} q${index + 1}: picked ${picks[slot]![index]} (answer ${question.answer}) and was shown ${points} points`,
          );
          const sum = shownPoints[slot]!.reduce((total, value) => total + value, 0);
          expectThat(score === sum, `${ids[slot]} q${index + 1}: score ${score} ≠ the sum of shown points ${sum}`);
        }),
      );
    }

    status('ending');
    const ended = performance.now();
    await admin.command('next'); // review of the last question → ended
    const finals = await Promise.all(
      phones.map(async (phone) => {
        await byTestId(phone.page, 'final').waitFor({ state: 'visible' });
        await phone.page.waitForFunction(() => (document.querySelector('[data-testid=final-rank]')?.textContent ?? '') !== '');
        recorder.sample('final_shown', performance.now() - ended);
        return { rank: Number(await textOf(phone.page, 'final-rank')), score: Number(await textOf(phone.page, 'final-score')) };
      }),
    );
    progressDone();

    const { header, rows } = await admin.results();
    const column = (name: string) => header.indexOf(name);
    const byId = new Map(rows.map((row) => [row[0]!, row]));
    ids.forEach((id, slot) => {
      const row = byId.get(id);
      if (!row) return expectThat(false, `${id}: missing from results.csv`);
      const total = Number(row[column('total')]);
      const rank = Number(row[column('rank')]);
      expectThat(finals[slot]!.score === total, `${id}: final score shown ${finals[slot]!.score}, results.csv total ${total}`);
      expectThat(finals[slot]!.rank === rank, `${id}: final rank shown ${finals[slot]!.rank}, results.csv rank ${rank}`);
      expectThat(shownScore[slot] === total, `${id}: last score shown ${shownScore[slot]}, results.csv total ${total}`);
      for (let index = 0; index < QUESTIONS; index += 1) {
        const choice = row[column(`q${index + 1}_choice`)];
        const points = Number(row[column(`q${index + 1}_points`)]);
        expectThat(choice === picks[slot]![index], `${id} q${index + 1}: picked ${picks[slot]![index]}, results.csv ${choice}`);
        expectThat(points === shownPoints[slot]![index], `${id} q${index + 1}: shown ${shownPoints[slot]![index]} points, results.csv ${points}`);
      }
    });
    recorder.gauge('results_rows', rows.length);

    for (const phone of phones) await closePhone(phone, problems);
    expectThat(problems.length === 0, `page problems: ${problems.join('; ')}`);
    sampleRss();
    for (const failure of checkThresholds(recorder, recorder.counters.acks_attempted ?? 0, recorder.counters.acks ?? 0)) {
      expectThat(false, failure);
    }
    expect(recorder.counters.acks ?? 0).toBe(CONTEXTS * QUESTIONS);
    expect(failures.slice(before)).toEqual([]);
  }),
  TEST_TIMEOUT_MS,
);
