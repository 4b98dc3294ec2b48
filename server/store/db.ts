/** Opens the SQLite trace store: WAL, busy timeout, incremental auto-vacuum, migrations. */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { migrate } from "./migrations";

export type Db = Database.Database;

export interface OpenOptions {
  /** `synchronous` pragma. NORMAL (default) survives a process crash (kill -9); FULL also survives power loss. */
  synchronous?: "NORMAL" | "FULL";
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  // auto_vacuum must be chosen before the first table exists; harmless on an existing file.
  db.pragma("auto_vacuum = INCREMENTAL");
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${opts.synchronous ?? "NORMAL"}`);
  db.pragma("foreign_keys = ON");
  db.pragma("temp_store = MEMORY");
  db.pragma("cache_size = -32000");
  db.pragma("journal_size_limit = 67108864");
  // Checkpoint in bigger steps than SQLite's default 1000 pages, so commits on the ingest path
  // rarely pay for one; the server also checkpoints when idle.
  db.pragma("wal_autocheckpoint = 8000");
  migrate(db);
  return db;
}

export function sqliteVersion(db: Db): string {
  return (db.prepare("select sqlite_version() as v").get() as { v: string }).v;
}
