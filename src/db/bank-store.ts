/** The SQLite implementation of the bank library's BankStore port (the `banks` table). */
import { asc, eq } from 'drizzle-orm';
import type { BankRecord, BankStore } from '../banks/ports';
import { imagesOf } from '../pool/pool-input';
import { readStoredPool } from '../pool/pool';
import type { QuizDatabase } from './open';
import { banks } from './schema';

function toRecord(row: typeof banks.$inferSelect): BankRecord {
  return {
    id: row.id,
    title: row.title,
    pool: readStoredPool(row.poolJson),
    media: JSON.parse(row.mediaJson) as string[],
    sourcePath: row.sourcePath,
    createdAtMs: row.createdAtMs,
    updatedAtMs: row.updatedAtMs,
  };
}

export function createBankStore(db: QuizDatabase): BankStore {
  return {
    listBanks() {
      return db.select().from(banks).orderBy(asc(banks.id)).all().map(toRecord);
    },
    getBank(id) {
      const row = db.select().from(banks).where(eq(banks.id, id)).get();
      return row ? toRecord(row) : null;
    },
    findBankBySource(sourcePath) {
      const row = db.select().from(banks).where(eq(banks.sourcePath, sourcePath)).orderBy(asc(banks.id)).limit(1).get();
      return row ? toRecord(row) : null;
    },
    createBank({ pool, sourcePath = null }, now) {
      const row = db
        .insert(banks)
        .values({
          title: pool.title,
          poolJson: JSON.stringify(pool),
          mediaJson: JSON.stringify(imagesOf(pool)),
          sourcePath,
          createdAtMs: now,
          updatedAtMs: now,
        })
        .returning()
        .get();
      return toRecord(row);
    },
    updateBank(id, pool, now) {
      const row = db
        .update(banks)
        .set({ title: pool.title, poolJson: JSON.stringify(pool), mediaJson: JSON.stringify(imagesOf(pool)), updatedAtMs: now })
        .where(eq(banks.id, id))
        .returning()
        .get();
      return row ? toRecord(row) : null;
    },
    deleteBank(id) {
      return db.delete(banks).where(eq(banks.id, id)).returning({ id: banks.id }).all().length > 0;
    },
  };
}
