/**
 * `bun bench/gradebook.ts [--runs 20] [--students 1500] [--questions 10]`: fills a temp
 * database with a term (every run a full class; each student answers ~85 % of the
 * questions, ~60 % right), then boots the real server on it and times, over HTTP, the
 * gradebook across every run (each layout) and the analytics of every run. Prints one JSON
 * line of milliseconds (median of 5 requests each, plus the first, cold one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDb } from '../src/db/open';
import { createQuizStore } from '../src/db/quiz-store';
import { SESSION_ID } from '../src/protocol/constants';
import { startServer } from '../src/server';
import { median } from '../src/results/analytics';
import { makePool, TEST_ADMIN_PASSWORD, TEST_SECRET_KEY } from '../tests/helpers/test-server';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    students: { type: 'string', default: '1500' },
    questions: { type: 'string', default: '10' },
  },
});
const runCount = Number(args.runs);
const studentCount = Number(args.students);
const questionCount = Number(args.questions);

const dir = mkdtempSync(join(tmpdir(), 'quiz-bench-gradebook-'));
const dbPath = join(dir, 'quiz.db');
const pool = makePool(questionCount);

function fillTerm(): { answers: number; fillMs: number } {
  const started = performance.now();
  const db = openDb(dbPath);
  const store = createQuizStore(db, SESSION_ID);
  const client = db.$client;
  const insertStudent = client.prepare('INSERT INTO students (run_id, student_id, name, epoch, released, joined_at_ms) VALUES (?, ?, ?, 0, 0, ?)');
  const insertAnswer = client.prepare('INSERT INTO answers (run_id, question_idx, round, student_id, choice, points, received_at_ms) VALUES (?, ?, 1, ?, ?, ?, ?)');
  const insertOpen = client.prepare('INSERT INTO question_opens (run_id, question_idx, round, opened_at_ms) VALUES (?, ?, 1, ?)');
  let answers = 0;
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const week = 7 * 24 * 3600 * 1000;
  const termStart = Date.now() - runCount * week;
  for (let run = 0; run < runCount; run += 1) {
    const start = termStart + run * week;
    const runId = store.createRun(JSON.stringify(pool), start);
    client.transaction(() => {
      for (let s = 0; s < studentCount; s += 1) insertStudent.run(runId, `s${String(s).padStart(6, '0')}`, `Student ${s}`, start + s);
      for (let q = 0; q < questionCount; q += 1) {
        const openedAt = start + 60_000 + q * 60_000;
        insertOpen.run(runId, q, openedAt);
        const key = pool.questions[q]!.answer as string;
        for (let s = 0; s < studentCount; s += 1) {
          if (random() > 0.85) continue;
          const right = random() < 0.6;
          const elapsed = Math.floor(random() * 20_000);
          insertAnswer.run(runId, q, `s${String(s).padStart(6, '0')}`, right ? key : key === 'A' ? 'B' : 'A', right ? Math.round(1000 * (1 - elapsed / 40_000)) : 0, openedAt + elapsed);
          answers += 1;
        }
      }
    })();
    store.saveRunState(runId, { phase: 'ended', lastIndex: questionCount - 1 }, start + 3_600_000);
  }
  client.close();
  return { answers, fillMs: Math.round(performance.now() - started) };
}

async function timeRequest(fetchOnce: () => Promise<Response>, times = 5): Promise<{ cold_ms: number; median_ms: number; bytes: number }> {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < times + 1; i += 1) {
    const started = performance.now();
    const response = await fetchOnce();
    const body = await response.arrayBuffer();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${new TextDecoder().decode(body).slice(0, 200)}`);
    samples.push(performance.now() - started);
    bytes = body.byteLength;
  }
  return { cold_ms: Math.round(samples[0]!), median_ms: median(samples.slice(1))!, bytes };
}

const filled = fillTerm();
const config = loadConfig({
  PORT: '0',
  QUIZ_DB_PATH: dbPath,
  QUIZ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
  QUIZ_SECRET_KEY: TEST_SECRET_KEY,
  QUIZ_LOG_LEVEL: 'silent',
});
const server = await startServer(config);
try {
  const login = await fetch(`${server.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: TEST_ADMIN_PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((header) => header.split(';')[0]).join('; ');
  const get = (path: string) => () => fetch(`${server.url}${path}`, { headers: { cookie } });
  const gradebook = await timeRequest(get('/admin/api/gradebook.csv'));
  const moodle = await timeRequest(get('/admin/api/gradebook.csv?format=moodle'));
  const canvas = await timeRequest(get('/admin/api/gradebook.csv?format=canvas'));
  const analytics = await timeRequest(get('/admin/api/analytics?run=1'));
  const runsList = await timeRequest(get('/admin/api/runs'));
  console.log(
    JSON.stringify({
      runs: runCount,
      students_per_run: studentCount,
      questions: questionCount,
      answers: filled.answers,
      fill_ms: filled.fillMs,
      gradebook,
      gradebook_moodle: moodle,
      gradebook_canvas: canvas,
      analytics_one_run: analytics,
      runs_list: runsList,
    }),
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
