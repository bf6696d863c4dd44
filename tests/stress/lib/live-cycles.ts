/**
 * The schedule and Ctrl-C handling shared by live-loop.ts and stress-loop.ts.
 *
 * Each cycle's work runs in a child process in its own process group (detached), so the
 * terminal's Ctrl-C reaches only the loop, which decides: the first Ctrl-C lets the current
 * cycle finish and then stops; a second one (or SIGTERM) aborts it by sending SIGTERM to
 * the child's whole group (the servers and browsers it started go with it), then SIGKILL
 * after a grace period. Either way the loop prints its summary and exits 0/1 itself.
 */
import type { Subprocess } from 'bun';

const KILL_GRACE_MS = 5_000;

export interface ScheduleOptions {
  /** Stop after this many cycles (null: no limit). */
  cycles: number | null;
  /** Start no cycle after this much time (null: no limit). */
  durationMs: number | null;
  /** Start-to-start interval; a cycle longer than this is followed at once. */
  everyMs: number;
}

export class LoopControl {
  /** No further cycle starts (first Ctrl-C). */
  stopRequested = false;
  /** The current cycle was aborted (second Ctrl-C or SIGTERM). */
  aborted = false;
  #child: Subprocess | null = null;
  #wake: (() => void) | null = null;

  constructor(
    private readonly name: string,
    private readonly say: (line: string) => void,
    /** What one child runs, for the messages ("cycle", "suite"). */
    private readonly unit = 'cycle',
  ) {
    process.on('SIGINT', () => this.#onSignal('SIGINT'));
    process.on('SIGTERM', () => this.#onSignal('SIGTERM'));
  }

  #onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
    if (signal === 'SIGINT' && !this.stopRequested && this.#child) {
      this.stopRequested = true;
      this.say(`${this.name}: Ctrl-C: finishing the current ${this.unit}, then stopping (Ctrl-C again to abort it)`);
      return;
    }
    if (this.aborted) {
      this.say(`${this.name}: forced exit`);
      this.#killGroup('SIGKILL');
      process.exit(1);
    }
    this.stopRequested = true;
    if (this.#child) {
      this.aborted = true;
      this.say(`${this.name}: aborting the current ${this.unit}…`);
      this.#killGroup('SIGTERM');
      const child = this.#child;
      setTimeout(() => {
        if (this.#child === child) this.#killGroup('SIGKILL');
      }, KILL_GRACE_MS).unref();
    } else {
      this.say(`${this.name}: stopping`);
    }
    this.#wake?.();
  }

  #killGroup(signal: 'SIGTERM' | 'SIGKILL'): void {
    const pid = this.#child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  /** Sleeps up to `ms`; a stop request ends the sleep early. */
  async sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopRequested) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = null;
  }

  /** Runs one child process in its own process group and waits for it. */
  async run(
    command: string[],
    options: { cwd?: string; env?: Record<string, string | undefined>; stdout?: 'pipe' | number; stderr?: 'pipe' | number },
  ): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
    const child = Bun.spawn(command, {
      cwd: options.cwd,
      env: options.env,
      stdin: 'ignore',
      stdout: options.stdout ?? 'pipe',
      stderr: options.stderr ?? 'pipe',
      detached: true,
    });
    this.#child = child;
    try {
      const [stdout, stderr] = await Promise.all([
        child.stdout instanceof ReadableStream ? new Response(child.stdout).text() : '',
        child.stderr instanceof ReadableStream ? new Response(child.stderr).text() : '',
      ]);
      const exitCode = await child.exited;
      return { exitCode, stdout, stderr };
    } finally {
      this.#child = null;
    }
  }

  /**
   * Runs `cycle(n)` (n from 1) on the schedule until the cycle count, the duration, or a
   * stop request ends it. No sleep follows the last cycle.
   */
  async schedule(options: ScheduleOptions, cycle: (index: number) => Promise<void>): Promise<void> {
    const startedAt = Date.now();
    const deadline = options.durationMs === null ? null : startedAt + options.durationMs;
    for (let index = 1; ; index += 1) {
      if (this.stopRequested) return;
      if (options.cycles !== null && index > options.cycles) return;
      if (deadline !== null && Date.now() >= deadline) return;
      const cycleStarted = Date.now();
      await cycle(index);
      if (this.stopRequested) return;
      if (options.cycles !== null && index >= options.cycles) return;
      const nextStart = cycleStarted + options.everyMs;
      if (deadline !== null && nextStart >= deadline) return;
      await this.sleep(nextStart - Date.now());
    }
  }
}
