/**
 * `bun run report`: turns the summary lines under runs/ (summary.jsonl from the local
 * suites and stress-loop, live_summary.jsonl from live-loop, any other *.jsonl of the same
 * shape) into one self-contained page, runs/report.html: inline CSS and inline SVG, no
 * scripts, no external assets. Per scenario and profile: the latest run against the
 * profile's thresholds, latency percentiles over time, memory over time. Malformed lines
 * are skipped and counted; an empty or missing runs folder still gets a page that says so.
 *
 *   bun run report [-- --runs DIR] [--out FILE]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadProfile, PROFILE_NAMES, type ProfileName, type Thresholds } from './lib/profiles';
import { RUNS_DIR } from './lib/report';

/** One summary line, as far as the page needs it (every field but `scenario` optional). */
export interface SummaryLine {
  source: string;
  scenario: string;
  profile: string;
  target: string;
  passed: boolean | null;
  at: number | null;
  students: number | null;
  acks: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  rssPeak: number | null;
  memoryGrowth: number | null;
  failures: string[];
}

export interface LoadedRuns {
  lines: SummaryLine[];
  files: { name: string; lines: number; malformed: number }[];
  malformed: number;
}

const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function toLine(raw: unknown, source: string): SummaryLine | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const record = raw as Record<string, unknown>;
  const live = source.startsWith('live');
  // Suites write `scenario`; stress-loop writes one line per suite (`kind`, `suite`);
  // live-loop writes one line per cycle against `url`.
  let scenario: string | null = null;
  if (typeof record.scenario === 'string' && record.scenario !== '') scenario = record.scenario;
  else if (record.kind === 'stress-loop' && typeof record.suite === 'string') scenario = `stress-loop: ${record.suite}`;
  else if (live && typeof record.url === 'string') scenario = 'live';
  if (scenario === null) return null;
  const at = typeof record.at === 'string' ? Date.parse(record.at) : NaN;
  return {
    source,
    scenario,
    profile: typeof record.profile === 'string' ? record.profile : live ? 'live' : '—',
    target: typeof record.target === 'string' ? record.target : typeof record.url === 'string' ? record.url : '',
    passed: typeof record.passed === 'boolean' ? record.passed : null,
    at: Number.isFinite(at) ? at : null,
    students: finite(record.students),
    acks: finite(record.acks),
    p50: finite(record.ack_p50_ms),
    p95: finite(record.ack_p95_ms),
    p99: finite(record.ack_p99_ms),
    rssPeak: finite(record.rss_peak_mb),
    memoryGrowth: finite(record.memory_growth_mb),
    failures: Array.isArray(record.failures) ? record.failures.map(String) : [],
  };
}

/** Reads every *.jsonl directly under `runsDir`; a missing folder is simply no data. */
export function loadRuns(runsDir: string): LoadedRuns {
  const result: LoadedRuns = { lines: [], files: [], malformed: 0 };
  if (!existsSync(runsDir)) return result;
  const names = readdirSync(runsDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl'))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    let count = 0;
    let malformed = 0;
    const text = readFileSync(join(runsDir, name), 'utf8');
    for (const rawLine of text.split('\n')) {
      if (rawLine.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawLine);
      } catch {
        malformed += 1;
        continue;
      }
      const line = toLine(parsed, name);
      if (line) {
        result.lines.push(line);
        count += 1;
      } else malformed += 1;
    }
    result.files.push({ name, lines: count, malformed });
    result.malformed += malformed;
  }
  return result;
}

function thresholdsFor(profile: string): Thresholds | null {
  if (!(PROFILE_NAMES as readonly string[]).includes(profile)) return null;
  // The profile's own numbers, with this shell's STRESS_* overrides, as the suites used them.
  return loadProfile({ ...process.env, STRESS_SCALE: profile as ProfileName }).thresholds;
}

// ---------- rendering ----------

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

const formatNumber = (value: number | null, unit = '') => (value === null ? '—' : `${Math.round(value * 10) / 10}${unit}`);
const formatTime = (at: number | null) => (at === null ? '—' : new Date(at).toISOString().replace('T', ' ').slice(0, 16));

interface Series {
  name: string;
  color: string;
  points: { x: number; y: number; label: string }[];
}

/** A rounded-up axis maximum (1, 2, 5 × 10^n). */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** An inline SVG line chart over time; `threshold` draws a dashed limit line. */
export function lineChart(title: string, unit: string, series: Series[], threshold?: { value: number; label: string }): string {
  const width = 460;
  const height = 200;
  const margin = { left: 48, right: 12, top: 24, bottom: 30 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const points = series.flatMap((entry) => entry.points);
  if (points.length === 0) {
    return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}: no data"><text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="muted">${escapeHtml(title)}: no data</text></svg>`;
  }
  const xs = points.map((point) => point.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const maxY = niceMax(Math.max(...points.map((point) => point.y), threshold?.value ?? 0));
  const minY = Math.min(0, ...points.map((point) => point.y));
  const xOf = (x: number) => margin.left + (maxX === minX ? plotWidth / 2 : ((x - minX) / (maxX - minX)) * plotWidth);
  const yOf = (y: number) => margin.top + plotHeight - ((y - minY) / (maxY - minY || 1)) * plotHeight;
  const parts: string[] = [];
  parts.push(`<text x="${margin.left}" y="15" class="chart-title">${escapeHtml(title)}</text>`);
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = minY + ((maxY - minY) * tick) / 4;
    const y = yOf(value);
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end" class="axis">${formatNumber(value)}${escapeHtml(unit)}</text>`);
  }
  parts.push(`<text x="${margin.left}" y="${height - 8}" class="axis">${escapeHtml(formatTime(minX))}</text>`);
  if (maxX !== minX) parts.push(`<text x="${width - margin.right}" y="${height - 8}" text-anchor="end" class="axis">${escapeHtml(formatTime(maxX))}</text>`);
  if (threshold) {
    const y = yOf(threshold.value);
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" class="limit"><title>${escapeHtml(threshold.label)}</title></line>`);
    parts.push(`<text x="${width - margin.right}" y="${y - 4}" text-anchor="end" class="limit-label">${escapeHtml(threshold.label)}</text>`);
  }
  let legendX = width - margin.right;
  for (const entry of [...series].reverse()) {
    legendX -= 8 + entry.name.length * 7;
    parts.push(`<text x="${legendX}" y="15" class="legend" fill="${entry.color}">■ ${escapeHtml(entry.name)}</text>`);
  }
  for (const entry of series) {
    const sorted = [...entry.points].sort((a, b) => a.x - b.x);
    if (sorted.length > 1) {
      const path = sorted.map((point, index) => `${index === 0 ? 'M' : 'L'}${xOf(point.x).toFixed(1)},${yOf(point.y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${entry.color}" stroke-width="2"/>`);
    }
    for (const point of sorted) {
      parts.push(
        `<circle cx="${xOf(point.x).toFixed(1)}" cy="${yOf(point.y).toFixed(1)}" r="3" fill="${entry.color}"><title>${escapeHtml(`${entry.name}: ${formatNumber(point.y, unit)} — ${point.label}`)}</title></circle>`,
      );
    }
  }
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}

interface Group {
  key: string;
  scenario: string;
  profile: string;
  live: boolean;
  lines: SummaryLine[];
}

function groupLines(lines: SummaryLine[]): Group[] {
  const groups = new Map<string, Group>();
  for (const line of lines) {
    const live = line.source.startsWith('live');
    const key = `${live ? 'live' : 'local'}|${line.scenario}|${line.profile}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, scenario: line.scenario, profile: line.profile, live, lines: [] };
      groups.set(key, group);
    }
    group.lines.push(line);
  }
  // By time; lines without one keep their file order, after the timed ones (sort is stable).
  for (const group of groups.values()) group.lines.sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));
  return [...groups.values()].sort((a, b) => Number(b.live) - Number(a.live) || a.scenario.localeCompare(b.scenario) || a.profile.localeCompare(b.profile));
}

interface Verdict {
  ok: boolean;
  reasons: string[];
}

function verdictOf(line: SummaryLine, thresholds: Thresholds | null): Verdict {
  const reasons: string[] = [];
  if (line.passed === false) reasons.push(line.failures[0] ?? 'the run reported failure');
  if (thresholds && line.p99 !== null && line.p99 > thresholds.ackP99Ms) reasons.push(`p99 ${line.p99} ms > ${thresholds.ackP99Ms} ms`);
  if (thresholds && line.memoryGrowth !== null && line.memoryGrowth > thresholds.maxMemoryGrowthMb) {
    reasons.push(`memory growth ${line.memoryGrowth} MB > ${thresholds.maxMemoryGrowthMb} MB`);
  }
  return { ok: reasons.length === 0, reasons };
}

const COLORS = { p50: '#2b8a3e', p95: '#e67700', p99: '#c92a2a', rss: '#1864ab', growth: '#862e9c' };

function groupCard(group: Group): string {
  const latest = group.lines.at(-1)!;
  const thresholds = thresholdsFor(group.profile);
  const verdict = verdictOf(latest, thresholds);
  const timed = group.lines.filter((line) => line.at !== null);
  const pointLabel = (line: SummaryLine) => `${formatTime(line.at)}${line.passed === false ? ' (failed)' : ''}`;
  const seriesOf = (name: string, color: string, pick: (line: SummaryLine) => number | null): Series => ({
    name,
    color,
    points: timed.flatMap((line) => (pick(line) === null ? [] : [{ x: line.at!, y: pick(line)!, label: pointLabel(line) }])),
  });
  const latency = lineChart(
    'ack latency per run',
    ' ms',
    [seriesOf('p50', COLORS.p50, (line) => line.p50), seriesOf('p95', COLORS.p95, (line) => line.p95), seriesOf('p99', COLORS.p99, (line) => line.p99)],
    thresholds ? { value: thresholds.ackP99Ms, label: `p99 limit ${thresholds.ackP99Ms} ms` } : undefined,
  );
  const memory = lineChart('server memory per run', ' MB', [
    seriesOf('RSS peak', COLORS.rss, (line) => line.rssPeak),
    seriesOf('growth', COLORS.growth, (line) => line.memoryGrowth),
  ]);
  const passes = group.lines.filter((line) => line.passed === true).length;
  const failuresList =
    latest.failures.length > 0
      ? `<details><summary>${latest.failures.length} failure(s) in the latest run</summary><ul>${latest.failures
          .slice(0, 20)
          .map((failure) => `<li>${escapeHtml(failure)}</li>`)
          .join('')}</ul></details>`
      : '';
  return `<section class="card ${verdict.ok ? 'ok' : 'bad'}" id="${escapeHtml(group.key)}">
  <h3><span class="badge ${verdict.ok ? 'ok' : 'bad'}">${verdict.ok ? 'PASS' : 'FAIL'}</span> ${escapeHtml(group.scenario)} <small>${escapeHtml(group.profile)}${latest.target && latest.target !== 'local' ? ` · ${escapeHtml(latest.target)}` : ''}</small></h3>
  <p class="muted">latest ${escapeHtml(formatTime(latest.at))} · ${group.lines.length} run(s), ${passes} passed${verdict.ok ? '' : ` · ${escapeHtml(verdict.reasons.join('; '))}`}</p>
  <table class="numbers"><tr><th>students</th><th>acks</th><th>p50</th><th>p95</th><th>p99</th><th>p99 limit</th><th>RSS peak</th><th>growth</th></tr>
  <tr><td>${formatNumber(latest.students)}</td><td>${formatNumber(latest.acks)}</td><td>${formatNumber(latest.p50, ' ms')}</td><td>${formatNumber(latest.p95, ' ms')}</td><td class="${thresholds && latest.p99 !== null && latest.p99 > thresholds.ackP99Ms ? 'over' : ''}">${formatNumber(latest.p99, ' ms')}</td><td>${thresholds ? `${thresholds.ackP99Ms} ms` : '—'}</td><td>${formatNumber(latest.rssPeak, ' MB')}</td><td>${formatNumber(latest.memoryGrowth, ' MB')}</td></tr></table>
  ${failuresList}
  ${timed.some((line) => line.p50 !== null || line.p99 !== null || line.rssPeak !== null) ? `<div class="charts">${latency}${memory}</div>` : '<p class="muted">These lines carry a verdict only (no latency or memory fields).</p>'}
</section>`;
}

function overviewTable(groups: Group[]): string {
  const rows = groups.map((group) => {
    const latest = group.lines.at(-1)!;
    const verdict = verdictOf(latest, thresholdsFor(group.profile));
    return `<tr class="${verdict.ok ? 'ok' : 'bad'}"><td><span class="badge ${verdict.ok ? 'ok' : 'bad'}">${verdict.ok ? 'PASS' : 'FAIL'}</span></td><td><a href="#${escapeHtml(group.key)}">${escapeHtml(group.scenario)}</a>${group.live ? ' <small>live</small>' : ''}</td><td>${escapeHtml(group.profile)}</td><td>${escapeHtml(formatTime(latest.at))}</td><td>${formatNumber(latest.students)}</td><td>${formatNumber(latest.acks)}</td><td>${formatNumber(latest.p50)}</td><td>${formatNumber(latest.p95)}</td><td>${formatNumber(latest.p99)}</td><td>${formatNumber(latest.rssPeak)}</td><td>${formatNumber(latest.memoryGrowth)}</td><td class="why">${escapeHtml(verdict.reasons.join('; '))}</td></tr>`;
  });
  return `<table class="overview"><thead><tr><th></th><th>scenario</th><th>profile</th><th>latest run (UTC)</th><th>students</th><th>acks</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>RSS peak MB</th><th>growth MB</th><th>why it failed</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `
:root { --bg: #fff; --fg: #1d2125; --muted: #667; --card: #f6f7f9; --line: #d9dde3; --ok: #2b8a3e; --bad: #c92a2a; }
@media (max-width: 700px) { .charts { grid-template-columns: 1fr; } .grid-cards { grid-template-columns: 1fr; } }
@media (prefers-color-scheme: dark) { :root { --bg: #15171a; --fg: #e7e9ec; --muted: #9aa3ad; --card: #1f2226; --line: #363b42; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1500px; padding: 1.5rem; font: 14px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
h1 { margin: 0 0 .25rem; font-size: 1.5rem; } h2 { margin: 2rem 0 .75rem; font-size: 1.15rem; } h3 { margin: 0 0 .25rem; font-size: 1rem; }
small, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; } th, td { padding: .3rem .5rem; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:nth-child(-n+4), td:nth-child(-n+4), td.why, th:last-child { text-align: left; } td.why { white-space: normal; color: var(--bad); }
.overview tr.bad td { background: color-mix(in srgb, var(--bad) 8%, transparent); }
.badge { display: inline-block; min-width: 3.2em; padding: 0 .4em; border-radius: .3em; color: #fff; font-weight: 600; font-size: .8rem; text-align: center; }
.badge.ok { background: var(--ok); } .badge.bad { background: var(--bad); }
.grid-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(640px, 1fr)); gap: 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: .5rem; padding: .8rem 1rem; }
.card.bad { border-left-color: var(--bad); }
.numbers th, .numbers td { text-align: right; } td.over { color: var(--bad); font-weight: 700; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; margin-top: .5rem; }
.chart { width: 100%; height: auto; background: var(--bg); border: 1px solid var(--line); border-radius: .3rem; }
.chart .grid { stroke: var(--line); stroke-width: 1; } .chart .axis { fill: var(--muted); font-size: 10px; }
.chart .chart-title { fill: var(--fg); font-size: 12px; font-weight: 600; } .chart .legend { font-size: 11px; }
.chart .limit { stroke: var(--bad); stroke-dasharray: 5 4; stroke-width: 1.5; } .chart .limit-label { fill: var(--bad); font-size: 10px; }
.chart .muted { fill: var(--muted); }
.empty { padding: 2rem; background: var(--card); border-radius: .5rem; font-size: 1.1rem; }
details { margin: .4rem 0; } details li { color: var(--bad); }
`;

export function renderReport(runs: LoadedRuns, generatedAt = new Date()): string {
  const groups = groupLines(runs.lines);
  const liveGroups = groups.filter((group) => group.live);
  const localGroups = groups.filter((group) => !group.live);
  const failing = groups.filter((group) => !verdictOf(group.lines.at(-1)!, thresholdsFor(group.profile)).ok).length;
  const sources = runs.files.map((file) => `${escapeHtml(file.name)} (${file.lines} lines${file.malformed ? `, ${file.malformed} malformed skipped` : ''})`).join(', ');
  const body =
    groups.length === 0
      ? `<p class="empty">No data yet: no summary lines were found${runs.files.length ? ` in ${sources}` : ' (no runs/*.jsonl files)'}. Run <code>bun test tests/stress/api</code>, <code>bun run stress-loop</code> or <code>bun run live-loop</code>, then <code>bun run report</code> again.</p>`
      : `<h2>Latest run per scenario</h2>${overviewTable(groups)}
${liveGroups.length ? `<h2>Live loop (deployed server)</h2><div class="grid-cards">${liveGroups.map(groupCard).join('\n')}</div>` : ''}
${localGroups.length ? `<h2>Local suites</h2><div class="grid-cards">${localGroups.map(groupCard).join('\n')}</div>` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quiz stress report</title><style>${STYLE}</style></head>
<body>
<h1>Quiz stress report</h1>
<p class="muted">Generated ${escapeHtml(generatedAt.toISOString())} · ${runs.lines.length} summary lines from ${runs.files.length ? sources : 'no files'} · ${runs.malformed} malformed line(s) skipped${groups.length ? ` · <strong>${groups.length - failing} passing, ${failing} failing</strong> (latest run of each scenario and profile)` : ''}</p>
<p class="muted">PASS/FAIL: the run's own verdict (broken invariants, thresholds) and its p99 ack latency and memory growth against the profile's limits (profiles.ts plus this shell's STRESS_* overrides). Hover a point for its run.</p>
${body}
</body></html>
`;
}

/** Loads `runsDir`, writes the page to `outFile`, returns what it did. */
export function writeReport(runsDir = RUNS_DIR, outFile = join(runsDir, 'report.html')) {
  const runs = loadRuns(runsDir);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, renderReport(runs));
  return { outFile, lines: runs.lines.length, malformed: runs.malformed, files: runs.files.length };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const runsDir = option('--runs') ?? RUNS_DIR;
  const result = writeReport(runsDir, option('--out') ?? join(runsDir, 'report.html'));
  console.log(`report: ${result.outFile} (${result.lines} lines from ${result.files} file(s), ${result.malformed} malformed skipped)`);
}
