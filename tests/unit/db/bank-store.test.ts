/** The SQLite BankStore: what is stored comes back the same, with its media and times. */
import { afterEach, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBankStore } from '../../../src/db/bank-store';
import { openDb, type QuizDatabase } from '../../../src/db/open';
import { makePool, makeQuestion } from '../../helpers/test-server';

const opened: Array<{ db: QuizDatabase; dir: string }> = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function openStore() {
  const dir = mkdtempSync(join(tmpdir(), 'bank-store-'));
  const db = openDb(join(dir, 'quiz.db'));
  opened.push({ db, dir });
  return createBankStore(db);
}

const IMAGE = `/media/${'a'.repeat(64)}.png`;

test('a bank is stored with its pool, the images it names, its source and its times', () => {
  const store = openStore();
  const pool = { ...makePool(1), questions: [makeQuestion({ image: IMAGE }), makeQuestion({ image: IMAGE }), makeQuestion()] };
  const created = store.createBank({ pool, sourcePath: '/pools/a.json' }, 1000);
  expect(created).toEqual({ id: created.id, title: pool.title, pool, media: [IMAGE], sourcePath: '/pools/a.json', createdAtMs: 1000, updatedAtMs: 1000 });
  expect(store.getBank(created.id)).toEqual(created);
  expect(store.findBankBySource('/pools/a.json')?.id).toBe(created.id);
  expect(store.findBankBySource('/pools/b.json')).toBeNull();
});

test('update replaces the pool and title and moves updated_at; delete removes it; unknown ids are null/false', () => {
  const store = openStore();
  const bank = store.createBank({ pool: makePool(2) }, 1000);
  const updated = store.updateBank(bank.id, { ...makePool(3), title: 'Renamed' }, 2000);
  expect(updated).toMatchObject({ title: 'Renamed', createdAtMs: 1000, updatedAtMs: 2000, media: [] });
  expect(updated?.pool.questions).toHaveLength(3);
  expect(store.updateBank(999, makePool(1), 3000)).toBeNull();
  expect(store.deleteBank(bank.id)).toBe(true);
  expect(store.deleteBank(bank.id)).toBe(false);
  expect(store.listBanks()).toEqual([]);
});

test('banks are listed in the order they were made', () => {
  const store = openStore();
  const ids = ['A', 'B', 'C'].map((title) => store.createBank({ pool: { ...makePool(1), title } }, 1).id);
  expect(store.listBanks().map((bank) => bank.id)).toEqual(ids);
});
