/**
 * `bun run report` on a temp runs folder: the page names every scenario, draws SVG charts,
 * marks a run over its p99 limit as failing, counts malformed lines instead of dying on
 * them, and still writes a "no data" page for an empty or missing folder.
 */
import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dir, '../report-html.ts');
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempRuns(): string {
  const folder = mkdtempSync(join(tmpdir(), 'quiz-report-'));
  folders.push(folder);
  return folder;
}

async function runReport(runsDir: string): Promise<{ html: string; stdout: string }> {
  // Without STRESS_* overrides, so the profile limits are the ones in profiles.ts.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STRESS_')));
  const proc = Bun.spawn(['bun', SCRIPT, '--runs', runsDir], { stdout: 'pipe', stderr: 'pipe', env });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return { html: readFileSync(join(runsDir, 'report.html'), 'utf8'), stdout };
}

const line = (fields: Record<string, unknown>) => JSON.stringify({ students: 30, acks: 60, rss_peak_mb: 80, memory_growth_mb: 1, failures: [], ...fields });

test('the report names each scenario, charts it, and skips malformed lines', async () => {
  const runs = tempRuns();
  writeFileSync(
    join(runs, 'summary.jsonl'),
    [
      line({ at: '2026-01-01T10:00:00Z', scenario: 'api-classroom', profile: 'smoke', passed: true, ack_p50_ms: 3, ack_p95_ms: 8, ack_p99_ms: 12 }),
      line({ at: '2026-01-01T11:00:00Z', scenario: 'api-classroom', profile: 'smoke', passed: true, ack_p50_ms: 4, ack_p95_ms: 9, ack_p99_ms: 14 }),
      '{"scenario": "api-fuzz", "profile": "smoke", truncated',
      'not json at all',
      '[1,2,3]',
      '',
      line({ at: '2026-01-01T11:30:00Z', scenario: 'api-close-race', profile: 'smoke', passed: true, ack_p50_ms: 5, ack_p95_ms: 700, ack_p99_ms: 2500 }),
      line({ at: '2026-01-01T12:00:00Z', scenario: 'soak-<cycles>', profile: 'soak', passed: false, failures: ['rss grew 80 MB'] }),
      // stress-loop's shape: one verdict per suite and cycle.
      JSON.stringify({ at: '2026-01-01T12:30:00Z', kind: 'stress-loop', suite: 'api', cycle: 1, profile: 'small', passed: true, tests_passed: 10, tests_failed: 0 }),
    ].join('\n'),
  );
  writeFileSync(
    join(runs, 'live_summary.jsonl'),
    // live-loop's shape: one line per cycle, named by its url rather than a scenario.
    [1, 2, 3]
      .map((hour) => line({ at: `2026-01-02T0${hour}:00:00Z`, url: 'https://quiz.example.org', cycle: hour, passed: true, ack_p50_ms: 40 + hour, ack_p95_ms: 90, ack_p99_ms: 150 }))
      .join('\n') + '\n{oops\n',
  );

  const { html, stdout } = await runReport(runs);
  expect(stdout).toContain('4 malformed');
  for (const scenario of ['api-classroom', 'api-close-race', 'stress-loop: api', 'https://quiz.example.org', 'Live loop']) expect(html).toContain(scenario);
  expect(html).toContain('soak-&lt;cycles&gt;'); // escaped, never raw markup
  expect(html).not.toContain('soak-<cycles>');
  expect(html).toContain('<svg');
  expect(html).toContain('<path'); // a line through more than one run
  expect(html).toContain('4 malformed line(s) skipped');
  // 2500 ms over the smoke p99 limit (1000 ms): shown as failing, with the reason.
  expect(html).toMatch(/FAIL[\s\S]*p99 2500 ms &gt; 1000 ms/);
  expect(html).toContain('rss grew 80 MB');
  // Self-contained: no scripts, no external assets.
  expect(html).not.toMatch(/<script|<link|src="http|href="http/);
});

test('an empty or missing runs folder still gets a page that says there is no data', async () => {
  const empty = tempRuns();
  const { html } = await runReport(empty);
  expect(html).toContain('No data yet');

  const missing = join(tempRuns(), 'not-there');
  const result = await runReport(missing);
  expect(existsSync(join(missing, 'report.html'))).toBe(true);
  expect(result.html).toContain('No data yet');
});
