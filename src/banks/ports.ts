/**
 * What the question-bank library needs from the outside: a store of banks (db/bank-store.ts
 * implements it), the settings where the selected bank is remembered, and the session's
 * say on whether the loaded pool may change now (the controller).
 */
import type { PhaseName } from '../protocol/constants';
import type { Pool } from '../protocol/pool';

export interface BankRecord {
  id: number;
  title: string;
  pool: Pool;
  /** The media URLs its questions name. */
  media: string[];
  sourcePath: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface NewBank {
  pool: Pool;
  sourcePath?: string | null;
}

export interface BankStore {
  listBanks(): BankRecord[];
  getBank(id: number): BankRecord | null;
  findBankBySource(sourcePath: string): BankRecord | null;
  createBank(bank: NewBank, now: number): BankRecord;
  /** Replaces the bank's pool (its title is the pool's); null when there is no such bank. */
  updateBank(id: number, pool: Pool, now: number): BankRecord | null;
  deleteBank(id: number): boolean;
}

export const SELECTED_BANK_SETTING = 'selected_bank';

export interface BankSettings {
  readSetting(key: string): string | null;
  writeSetting(key: string, value: string): void;
}

/** The session's part: its phase, and loading a pool (refused mid-run). */
export interface PoolPlayer {
  readonly phase: PhaseName;
  replacePool(pool: Pool): { ok: true } | { ok: false; code: string; message: string };
}
