/**
 * The students of the current run, in memory: identity, cookie epoch, running score and
 * open sockets. Decides joins (new, idempotent, reclaim after release, taken) and whether
 * a cookie still names a live identity; the controller persists what it decides.
 */
import { randomInt } from 'node:crypto';
import type { SocketPort } from './ports';

export interface StudentIdentityClaim {
  sid: string;
  run: number;
  student: string;
  epoch: number;
}

export interface StudentEntry {
  studentId: string;
  name: string;
  epoch: number;
  released: boolean;
  joinedAtMs: number;
  score: number;
  sockets: Set<SocketPort>;
}

/**
 * Elysia URI-decodes a cookie value twice on the way in, which turns a "%2e" inside the
 * claim into "." (and "%" followed by anything else into garbage). An id with a "%" (or
 * one that looks like an encoded id) therefore travels base64url-encoded; every other id
 * travels as itself, so cookies issued before this rule stay valid.
 */
const ENCODED_ID_PREFIX = '~b64~';

export function studentIdForClaim(studentId: string): string {
  if (!studentId.includes('%') && !studentId.startsWith(ENCODED_ID_PREFIX)) return studentId;
  return `${ENCODED_ID_PREFIX}${Buffer.from(studentId).toString('base64url')}`;
}

export function studentIdFromClaim(value: string): string {
  if (!value.startsWith(ENCODED_ID_PREFIX)) return value;
  return Buffer.from(value.slice(ENCODED_ID_PREFIX.length), 'base64url').toString();
}

/**
 * A new student's first cookie epoch is random: a removed student's row is deleted, so an
 * id joined again starts over, and a cookie of the earlier holder (removed) must not match
 * the new holder's epoch. Random also holds across restarts, with nothing else to store.
 */
export function firstEpoch(): number {
  return randomInt(2 ** 31);
}

export type JoinDecision =
  | { kind: 'new' }
  | { kind: 'reclaim' | 'same'; entry: StudentEntry }
  | { kind: 'taken' };

export class Roster {
  readonly #entries = new Map<string, StudentEntry>();
  /** Moves on every join and removal, so caches over the roster know they are stale. */
  #version = 0;

  constructor(
    readonly sid: string,
    readonly runId: number,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get version(): number {
    return this.#version;
  }

  get(studentId: string): StudentEntry | undefined {
    return this.#entries.get(studentId);
  }

  entries(): IterableIterator<StudentEntry> {
    return this.#entries.values();
  }

  add(entry: Omit<StudentEntry, 'sockets' | 'score'> & { score?: number }): StudentEntry {
    const full: StudentEntry = { ...entry, score: entry.score ?? 0, sockets: new Set() };
    this.#entries.set(full.studentId, full);
    this.#version += 1;
    return full;
  }

  /** Forgets a removed student: the id is free, and the entry no longer authenticates. */
  remove(studentId: string): void {
    if (this.#entries.delete(studentId)) this.#version += 1;
  }

  /** True while this entry is still the run's student of that id (not removed). */
  holds(entry: StudentEntry): boolean {
    return this.#entries.get(entry.studentId) === entry;
  }

  /** The entry a cookie names, if that cookie is still honoured (same sid, run, epoch; not released). */
  authenticate(claim: StudentIdentityClaim | null): StudentEntry | null {
    if (!claim || claim.sid !== this.sid || claim.run !== this.runId) return null;
    const entry = this.#entries.get(studentIdFromClaim(claim.student));
    if (!entry || entry.released || entry.epoch !== claim.epoch) return null;
    return entry;
  }

  decideJoin(studentId: string, claim: StudentIdentityClaim | null): JoinDecision {
    const entry = this.#entries.get(studentId);
    if (!entry) return { kind: 'new' };
    if (this.authenticate(claim) === entry) return { kind: 'same', entry };
    if (entry.released) return { kind: 'reclaim', entry };
    return { kind: 'taken' };
  }

  claimFor(entry: StudentEntry): StudentIdentityClaim {
    return { sid: this.sid, run: this.runId, student: studentIdForClaim(entry.studentId), epoch: entry.epoch };
  }

  /** Joined students in join order (the order of insertion). */
  list(): StudentEntry[] {
    return [...this.#entries.values()];
  }
}
