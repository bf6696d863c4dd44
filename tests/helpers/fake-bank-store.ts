/** An in-memory BankStore (banks/ports.ts), so the bank library is tested without SQLite. */
import type { BankRecord, BankStore } from '../../src/banks/ports';
import { imagesOf } from '../../src/pool/pool-input';

export function createFakeBankStore(): BankStore & { records: Map<number, BankRecord> } {
  const records = new Map<number, BankRecord>();
  let nextId = 1;
  return {
    records,
    listBanks: () => [...records.values()],
    getBank: (id) => records.get(id) ?? null,
    findBankBySource: (sourcePath) => [...records.values()].find((bank) => bank.sourcePath === sourcePath) ?? null,
    createBank({ pool, sourcePath = null }, now) {
      const bank = { id: nextId++, title: pool.title, pool, media: imagesOf(pool), sourcePath, createdAtMs: now, updatedAtMs: now };
      records.set(bank.id, bank);
      return bank;
    },
    updateBank(id, pool, now) {
      const bank = records.get(id);
      if (!bank) return null;
      const updated = { ...bank, title: pool.title, pool, media: imagesOf(pool), updatedAtMs: now };
      records.set(id, updated);
      return updated;
    },
    deleteBank: (id) => records.delete(id),
  };
}
