/**
 * A cloud disk on this machine: an LD_PRELOAD shim that sleeps before every fsync and
 * fdatasync, so a synchronous=FULL commit costs what it costs on a network volume (1–5 ms)
 * instead of this disk's ~0.2 ms. Compiled with gcc on first use into runs/fsync-delay/
 * (the source is below, so there is no build step); the delay comes from
 * QUIZ_BENCH_FSYNC_DELAY_US in the environment of the process it is loaded into.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SHIM_SOURCE = String.raw`
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static long delay_us = -1;

static void wait_like_a_cloud_disk(void) {
  if (delay_us < 0) {
    const char *value = getenv("QUIZ_BENCH_FSYNC_DELAY_US");
    delay_us = value ? atol(value) : 0;
  }
  if (delay_us <= 0) return;
  struct timespec pause = { delay_us / 1000000, (delay_us % 1000000) * 1000 };
  while (nanosleep(&pause, &pause) != 0) {}
}

int fsync(int fd) {
  static int (*real_fsync)(int);
  if (!real_fsync) real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  wait_like_a_cloud_disk();
  return real_fsync(fd);
}

int fdatasync(int fd) {
  static int (*real_fdatasync)(int);
  if (!real_fdatasync) real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  wait_like_a_cloud_disk();
  return real_fdatasync(fd);
}
`;

const SHIM_DIR = join(import.meta.dir, '..', 'runs', 'fsync-delay');

/** The environment that makes a spawned process's fsyncs take `delayMs` longer (compiling the shim if needed). */
export function fsyncDelayEnv(delayMs: number): Record<string, string> {
  const hash = Bun.hash(SHIM_SOURCE).toString(16);
  const library = join(SHIM_DIR, `fsync-delay-${hash}.so`);
  if (!existsSync(library)) {
    mkdirSync(SHIM_DIR, { recursive: true });
    const source = join(SHIM_DIR, `fsync-delay-${hash}.c`);
    writeFileSync(source, SHIM_SOURCE);
    const compiled = Bun.spawnSync(['gcc', '-shared', '-fPIC', '-O2', '-o', library, source, '-ldl']);
    if (compiled.exitCode !== 0) {
      throw new Error(`gcc could not build the fsync shim: ${compiled.stderr.toString().trim() || 'is gcc installed?'}`);
    }
  }
  return { LD_PRELOAD: library, QUIZ_BENCH_FSYNC_DELAY_US: String(Math.round(delayMs * 1000)) };
}
