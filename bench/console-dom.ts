/**
 * `bun bench/console-dom.ts [--students 2000] [--sockets 2000]`: how heavy the instructor
 * console is with a full lecture hall. Boots the real server (`bun src/main.ts`, temp
 * database), opens the console in Chromium, joins N students over HTTP while it watches,
 * connects them over /ws, then opens a question and has every connected student answer.
 *
 * Prints one JSON line: the console's DOM element count with N joined, the in-page cost of
 * handling each socket frame, by type, and of a roster refresh, plus long tasks seen.
 * The page carries no hooks for this: an init script (installProbes) measures it from
 * the outside. This is a measurement, not a test: nothing here fails on a number.
 */
import { parseArgs } from 'node:util';
import { launchBrowser } from '../tests/helpers/browser';
import { inParallel } from '../tests/stress/lib/quiz-client';
import { startTarget } from '../tests/stress/lib/target';

const { values: args } = parseArgs({
  options: {
    students: { type: 'string', default: '2000' },
    sockets: { type: 'string', default: '2000' },
  },
});
const studentCount = Number(args.students);
const socketCount = Math.min(studentCount, Number(args.sockets));
const LETTERS = ['A', 'B', 'C', 'D'];
const ANSWER_SPREAD_MS = 3000;

/**
 * Runs in the page before its own scripts. Times each WebSocket `message` listener call
 * (parse, state, render: everything the page does synchronously for a frame) by frame
 * type, and each GET /admin/api/state from `response.json()` to a setTimeout(0) after it
 * resolves (the page's own continuation, parse and render, runs before that timer).
 */
function installProbes() {
  const probes = { frames: {} as Record<string, number[]>, roster_refresh: [] as number[] };
  (window as any).__benchProbes = probes;
  const record = (list: number[], ms: number) => {
    list.push(ms);
    if (list.length > 5000) list.shift();
  };
  const frameType = (data: unknown) => {
    if (typeof data !== 'string') return 'binary';
    return /^\{"type":"([a-z_]+)"/.exec(data)?.[1] ?? String(JSON.parse(data)?.type);
  };
  const addListener = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (this: WebSocket, type: string, listener: any, options?: any) {
    if (type !== 'message' || typeof listener !== 'function') return addListener.call(this, type, listener, options);
    const timed = function (this: WebSocket, event: Event) {
      const list = (probes.frames[frameType((event as MessageEvent).data)] ??= []);
      const started = performance.now();
      try {
        return listener.call(this, event);
      } finally {
        record(list, performance.now() - started);
      }
    };
    return addListener.call(this, type, timed, options);
  } as typeof WebSocket.prototype.addEventListener;
  const json = Response.prototype.json;
  Response.prototype.json = function (this: Response) {
    const result = json.call(this);
    if (new URL(this.url).pathname === '/admin/api/state') {
      const started = performance.now();
      result.then(
        () => setTimeout(() => record(probes.roster_refresh, performance.now() - started), 0),
        () => {},
      );
    }
    return result;
  };
}

const round = (value: number) => Math.round(value * 100) / 100;
function summarise(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!) : null);
  return {
    n: sorted.length,
    p50_ms: at(0.5),
    p95_ms: at(0.95),
    max_ms: sorted.length ? round(sorted.at(-1)!) : null,
  };
}

const target = await startTarget({
  pool: {
    title: 'Console bench',
    questions: [{ text: 'Which one?', choices: ['one', 'two', 'three', 'four'], answer: 'B', time_limit_s: 120 }],
  },
});
const url = target.url;

const browser = await launchBrowser();
const sockets: WebSocket[] = [];
try {
  const login = await fetch(`${url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: target.adminPassword }),
  });
  const adminCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const [cookieName, cookieValue] = adminCookie.split(/=(.*)/s) as [string, string];

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  context.setDefaultTimeout(60_000);
  await context.addCookies([{ name: cookieName, value: cookieValue, url, sameSite: 'Strict', httpOnly: true }]);
  await context.addInitScript(installProbes);
  const page = await context.newPage();
  await page.goto(`${url}/admin/`);
  await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });
  // The boot's GET /admin/api/state is a first render, not a roster refresh: leave it out.
  await page.waitForFunction(() => (window as any).__benchProbes.roster_refresh.length > 0);
  await page.evaluate(() => ((window as any).__benchProbes.roster_refresh.length = 0));
  await page.evaluate(() => {
    const w = window as any;
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ entryTypes: ['longtask'] });
  });
  const domBefore = await page.evaluate(() => document.getElementsByTagName('*').length);

  // Join while the console watches: lobby_update frames (all names) and roster refreshes.
  const joinStarted = performance.now();
  const cookies = await inParallel(studentCount, 64, async (index) => {
    const response = await fetch(`${url}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ student_id: `bench-${index}`, name: `Student ${index} of the bench` }),
    });
    if (response.status !== 200) throw new Error(`join ${index}: ${response.status}`);
    return response.headers.getSetCookie()[0]!.split(';')[0]!;
  });
  const joinMs = performance.now() - joinStarted;

  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  await inParallel(socketCount, 100, (index) => {
    const socket = new WebSocket(wsUrl, { headers: { cookie: cookies[index]! } } as any);
    sockets.push(socket);
    return new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error('socket error')), { once: true });
    });
  });

  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=roster-summary]')?.textContent?.startsWith(`${n} joined`) ?? false,
    studentCount,
  );
  // Wait for a roster refresh that sees every socket connected.
  await page.click('#roster-refresh');
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=roster-summary]')?.textContent === `${n.joined} joined · ${n.connected} connected`,
    { joined: studentCount, connected: socketCount },
  );
  const domLobby = await page.evaluate(() => document.getElementsByTagName('*').length);
  const rosterRows = await page.locator('[data-testid=roster] li').count();

  // The question: everyone connected answers at once.
  const answerStarted = performance.now();
  let acks = 0;
  const allAcked = new Promise<void>((resolve) => {
    for (const socket of sockets) {
      socket.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data));
        if (frame.type === 'question_open') {
          // Students answer over ANSWER_SPREAD_MS, as a hall does, not all in one tick.
          const choice = LETTERS[Math.floor(Math.random() * 4)];
          setTimeout(() => socket.send(JSON.stringify({ type: 'submit', question_idx: 0, choice })), Math.random() * ANSWER_SPREAD_MS);
        } else if (frame.type === 'submit_ack' && ++acks === sockets.length) resolve();
      });
    }
  });
  await fetch(`${url}/admin/api/next`, { method: 'POST', headers: { cookie: adminCookie } });
  await allAcked;
  const answerMs = performance.now() - answerStarted;
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=answered]')?.textContent === `answered ${n.answered} / ${n.joined}`,
    { answered: socketCount, joined: studentCount },
  );
  const domQuestion = await page.evaluate(() => document.getElementsByTagName('*').length);

  // Close: histogram, a roster refresh with the new scores.
  await fetch(`${url}/admin/api/close`, { method: 'POST', headers: { cookie: adminCookie } });
  await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent === 'review');
  await page.click('#roster-refresh');
  await page.waitForTimeout(500);
  // Typing a search over 2,000 students.
  await page.fill('[data-testid=roster-search]', 'Student 19');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=roster] li').length <= 111);
  await page.waitForTimeout(300);

  const { probes, longTasks } = await page.evaluate(() => ({
    probes: (window as any).__benchProbes as { frames: Record<string, number[]>; roster_refresh: number[] },
    longTasks: (window as any).__longTasks as number[],
  }));

  console.log(
    JSON.stringify({
      bench: 'console-dom',
      students: studentCount,
      sockets: socketCount,
      join_ms: Math.round(joinMs),
      answers_spread_over_ms: ANSWER_SPREAD_MS,
      all_acked_ms: Math.round(answerMs),
      dom_elements: { empty_lobby: domBefore, lobby_with_students: domLobby, question_answered: domQuestion },
      roster_rows_rendered: rosterRows,
      frame_handling_ms: Object.fromEntries(Object.entries(probes.frames).map(([type, values]) => [type, summarise(values)])),
      roster_refresh_parse_and_render_ms: summarise(probes.roster_refresh),
      long_tasks: { count: longTasks.length, max_ms: longTasks.length ? round(Math.max(...longTasks)) : 0 },
    }),
  );
} finally {
  for (const socket of sockets) socket.close();
  await browser.close();
  await target.stop();
}
