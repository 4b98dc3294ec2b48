/**
 * Retention: delete traces older than a maximum age, and the oldest traces while the database
 * is larger than a size cap; then give the freed pages back and truncate the WAL.
 */
import type { Db } from "./db";
import type { TraceQueries } from "./traceQueries";

export interface RetentionPolicy {
  maxAgeDays: number;
  maxDatabaseMB: number;
}

export interface RetentionResult {
  deletedByAge: number;
  deletedBySize: number;
}

const BATCH = 500;

export function databaseBytes(db: Db): number {
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const pages = db.pragma("page_count", { simple: true }) as number;
  const free = db.pragma("freelist_count", { simple: true }) as number;
  return (pages - free) * pageSize;
}

export function applyRetention(db: Db, queries: TraceQueries, policy: RetentionPolicy, nowMs = Date.now()): RetentionResult {
  const result: RetentionResult = { deletedByAge: 0, deletedBySize: 0 };
  if (policy.maxAgeDays > 0) {
    const cutoff = nowMs - policy.maxAgeDays * 86_400_000;
    const old = db.prepare("SELECT trace_id FROM traces WHERE start_ms < ? ORDER BY start_ms LIMIT ?").pluck();
    for (;;) {
      const ids = old.all(cutoff, BATCH) as string[];
      if (ids.length === 0) break;
      result.deletedByAge += queries.deleteTraces(ids);
    }
  }
  if (policy.maxDatabaseMB > 0) {
    const cap = policy.maxDatabaseMB * 1024 * 1024;
    const oldest = db.prepare("SELECT trace_id FROM traces ORDER BY start_ms LIMIT ?").pluck();
    for (let size = databaseBytes(db); size > cap; size = databaseBytes(db)) {
      // delete about the overshooting share of the traces (at least one, at most a batch), then re-measure
      const traces = queries.counts().traces;
      const n = Math.min(BATCH, Math.max(1, Math.ceil(((size - cap) / size) * traces)));
      const ids = oldest.all(n) as string[];
      if (ids.length === 0) break;
      result.deletedBySize += queries.deleteTraces(ids);
    }
  }
  if (result.deletedByAge + result.deletedBySize > 0) {
    db.pragma("incremental_vacuum");
    db.pragma("wal_checkpoint(TRUNCATE)");
  }
  return result;
}
