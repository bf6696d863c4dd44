/**
 * Opens the SQLite file (creating its folder), sets the pragmas our durability promise
 * rests on, and applies drizzle-kit's migrations. Tests pass a temp path.
 */
import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { drizzle, type BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite';
import { migrate } from 'drizzle-orm/bun-sqlite/migrator';
import * as schema from './schema';

export type QuizDatabase = BunSQLiteDatabase<typeof schema> & { $client: Database };

const migrationsFolder = join(import.meta.dir, 'migrations');

export function openDb(path: string): QuizDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path, { create: true, strict: true });
  client.exec('PRAGMA journal_mode = WAL');
  // FULL: an acknowledged answer must survive power loss too, not only a crash. Answers
  // are committed in batches, so the fsync is paid per batch, not per student.
  client.exec('PRAGMA synchronous = FULL');
  client.exec('PRAGMA busy_timeout = 5000');
  client.exec('PRAGMA foreign_keys = ON');
  const db = drizzle({ client, schema });
  migrate(db, { migrationsFolder });
  return db;
}
