/**
 * What a scenario measured, and where it goes: one JSON report per scenario under
 * runs/stress/, and one summary line appended to runs/summary.jsonl (or the file given).
 * Latencies and memory are reported; the scenario's own assertions decide pass/fail,
 * and `checkThresholds` turns the profile's thresholds into failures.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Profile } from './profiles';

export const RUNS_DIR = join(import.meta.dir, '../../../runs');

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  throughputPerS: number;
}

export function percentiles(samples: readonly number[], wallMs?: number): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  const round = (value: number) => Math.round(value * 100) / 100;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: round(pick(50)),
    p95: round(pick(95)),
    p99: round(pick(99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(sorted.length ? total / sorted.length : 0),
    throughputPerS: wallMs && wallMs > 0 ? round((sorted.length / wallMs) * 1000) : 0,
  };
}

export interface MemorySample {
  atMs: number;
  rssMb: number;
}

export class Recorder {
  readonly startedAt = Date.now();
  readonly #samples = new Map<string, number[]>();
  readonly #firstAt = new Map<string, number>();
  readonly counters: Record<string, number> = {};
  readonly gauges: Record<string, number> = {};
  readonly errors: string[] = [];
  readonly memory: MemorySample[] = [];

  constructor(
    readonly scenario: string,
    readonly profile: Profile,
    readonly target: string,
  ) {}

  /** One latency sample (ms) of an operation such as "ack" or "join". */
  sample(operation: string, ms: number): void {
    let list = this.#samples.get(operation);
    if (!list) {
      list = [];
      this.#samples.set(operation, list);
      this.#firstAt.set(operation, performance.now());
    }
    list.push(ms);
  }

  count(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }

  gauge(name: string, value: number): void {
    this.gauges[name] = value;
  }

  error(message: string): void {
    this.count('errors');
    if (this.errors.length < 200) this.errors.push(message);
  }

  rss(rssMb: number): void {
    this.memory.push({ atMs: Date.now() - this.startedAt, rssMb });
  }

  operations(): Record<string, Percentiles> {
    const wall = performance.now();
    const result: Record<string, Percentiles> = {};
    for (const [operation, samples] of this.#samples) {
      result[operation] = percentiles(samples, wall - this.#firstAt.get(operation)!);
    }
    return result;
  }

  latency(operation: string): Percentiles {
    return percentiles(this.#samples.get(operation) ?? []);
  }

  memorySummary() {
    const start = this.memory[0]?.rssMb ?? 0;
    const end = this.memory.at(-1)?.rssMb ?? 0;
    const peak = Math.max(0, ...this.memory.map((sample) => sample.rssMb));
    return { startMb: start, endMb: end, peakMb: peak, growthMb: Math.round((end - start) * 100) / 100 };
  }

  /**
   * Writes the JSON report and appends the summary line. `failures` are the broken
   * invariants and thresholds (empty = pass).
   */
  write(failures: string[], summaryFile = join(RUNS_DIR, 'summary.jsonl')): string {
    const finishedAt = Date.now();
    const operations = this.operations();
    const report = {
      scenario: this.scenario,
      profile: this.profile.name,
      target: this.target,
      startedAt: new Date(this.startedAt).toISOString(),
      durationMs: finishedAt - this.startedAt,
      passed: failures.length === 0,
      failures,
      settings: this.profile,
      operations,
      counters: this.counters,
      gauges: this.gauges,
      memory: { ...this.memorySummary(), samples: this.memory },
      errors: this.errors,
      host: { bun: Bun.version, platform: process.platform, cpus: navigator.hardwareConcurrency },
    };
    const stamp = new Date(this.startedAt).toISOString().replaceAll(':', '-');
    const path = join(RUNS_DIR, 'stress', `${this.scenario}-${stamp}.json`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    const ack = operations.ack;
    const summary = {
      at: new Date(finishedAt).toISOString(),
      scenario: this.scenario,
      profile: this.profile.name,
      target: this.target,
      passed: report.passed,
      students: this.gauges.students ?? this.profile.students,
      acks: this.counters.acks ?? 0,
      ack_p50_ms: ack?.p50 ?? null,
      ack_p95_ms: ack?.p95 ?? null,
      ack_p99_ms: ack?.p99 ?? null,
      errors: this.counters.errors ?? 0,
      rss_peak_mb: report.memory.peakMb,
      memory_growth_mb: report.memory.growthMb,
      duration_ms: report.durationMs,
      failures,
      report: path,
    };
    mkdirSync(dirname(summaryFile), { recursive: true });
    appendFileSync(summaryFile, `${JSON.stringify(summary)}\n`);
    return path;
  }
}

/** The profile's thresholds as failure messages (empty when all hold). */
export function checkThresholds(recorder: Recorder, attempted: number, succeeded: number): string[] {
  const { thresholds } = recorder.profile;
  const failures: string[] = [];
  const ack = recorder.latency('ack');
  if (ack.count > 0 && ack.p99 > thresholds.ackP99Ms) {
    failures.push(`ack p99 ${ack.p99} ms > ${thresholds.ackP99Ms} ms`);
  }
  const errors = recorder.counters.errors ?? 0;
  const errorRate = attempted > 0 ? errors / attempted : 0;
  if (errorRate > thresholds.maxErrorRate) failures.push(`error rate ${errorRate.toFixed(4)} > ${thresholds.maxErrorRate}`);
  const successRate = attempted > 0 ? succeeded / attempted : 1;
  if (successRate < thresholds.minSuccessRate) {
    failures.push(`success rate ${successRate.toFixed(4)} < ${thresholds.minSuccessRate}`);
  }
  const growth = recorder.memorySummary().growthMb;
  if (growth > thresholds.maxMemoryGrowthMb) failures.push(`memory growth ${growth} MB > ${thresholds.maxMemoryGrowthMb} MB`);
  return failures;
}

/** A live status line on stderr (only on a terminal, so CI logs stay readable). */
export function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
}

export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\n');
}
