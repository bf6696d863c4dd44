/**
 * Scale profiles and thresholds for the stress harness. `STRESS_SCALE` picks a profile
 * (default `smoke`, so a plain `bun test` stays fast); every field can be overridden by an
 * environment variable. Thresholds fail a run; everything else is only reported.
 */

export const PROFILE_NAMES = ['smoke', 'small', 'medium', 'large', 'soak'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Thresholds {
  /** submit → submit_ack p99, milliseconds. */
  ackP99Ms: number;
  /** errors / operations. */
  maxErrorRate: number;
  /** operations that succeeded / attempted (joins, connects, acks). */
  minSuccessRate: number;
  /** RSS growth of the server over a run (soak: over all cycles), MB. */
  maxMemoryGrowthMb: number;
}

export interface Profile {
  name: ProfileName;
  /** Students joined and connected in a scenario. */
  students: number;
  /** Extra sockets for churn and fuzz scenarios. */
  sockets: number;
  /** Real browser contexts in the UI suite. */
  browserContexts: number;
  /** Questions per quiz. */
  questions: number;
  /** Soak/loop cycles. */
  cycles: number;
  /** Upper bound on a long scenario's wall time, seconds. */
  durationS: number;
  thresholds: Thresholds;
}

const BASE_THRESHOLDS: Thresholds = { ackP99Ms: 1000, maxErrorRate: 0, minSuccessRate: 1, maxMemoryGrowthMb: 50 };

const PROFILES: Record<ProfileName, Omit<Profile, 'name'>> = {
  smoke: { students: 30, sockets: 20, browserContexts: 3, questions: 2, cycles: 2, durationS: 60, thresholds: BASE_THRESHOLDS },
  small: { students: 300, sockets: 100, browserContexts: 6, questions: 3, cycles: 3, durationS: 180, thresholds: BASE_THRESHOLDS },
  medium: {
    students: 1000,
    sockets: 300,
    browserContexts: 10,
    questions: 3,
    cycles: 5,
    durationS: 600,
    thresholds: { ...BASE_THRESHOLDS, ackP99Ms: 1500 },
  },
  large: {
    students: 2500,
    sockets: 1000,
    browserContexts: 16,
    questions: 3,
    cycles: 5,
    durationS: 1200,
    thresholds: { ...BASE_THRESHOLDS, ackP99Ms: 3000 },
  },
  soak: {
    students: 500,
    sockets: 200,
    browserContexts: 4,
    questions: 3,
    cycles: 30,
    durationS: 3600,
    thresholds: { ...BASE_THRESHOLDS, ackP99Ms: 1500 },
  },
};

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

export function loadProfile(env: Record<string, string | undefined> = process.env): Profile {
  const requested = (env.STRESS_SCALE ?? 'smoke') as ProfileName;
  if (!PROFILE_NAMES.includes(requested)) {
    throw new Error(`STRESS_SCALE must be one of ${PROFILE_NAMES.join(', ')}, got "${requested}"`);
  }
  const base = PROFILES[requested];
  return {
    name: requested,
    students: numberFromEnv('STRESS_STUDENTS', base.students),
    sockets: numberFromEnv('STRESS_SOCKETS', base.sockets),
    browserContexts: numberFromEnv('STRESS_CONTEXTS', base.browserContexts),
    questions: numberFromEnv('STRESS_QUESTIONS', base.questions),
    cycles: numberFromEnv('STRESS_CYCLES', base.cycles),
    durationS: numberFromEnv('STRESS_DURATION_S', base.durationS),
    thresholds: {
      ackP99Ms: numberFromEnv('STRESS_P99_MS', base.thresholds.ackP99Ms),
      maxErrorRate: numberFromEnv('STRESS_MAX_ERROR_RATE', base.thresholds.maxErrorRate),
      minSuccessRate: numberFromEnv('STRESS_MIN_SUCCESS_RATE', base.thresholds.minSuccessRate),
      maxMemoryGrowthMb: numberFromEnv('STRESS_MAX_MEMORY_GROWTH_MB', base.thresholds.maxMemoryGrowthMb),
    },
  };
}
