/**
 * Reads a trace as a scorer sees it (summary, spans, assessments) from the store. The server uses
 * it on its own connection when a run can't be read by the workers (an in-memory store); each
 * scorer worker uses it on a read-only connection of its own, so reading scales with the workers.
 */
import Database from "better-sqlite3";
import { AssessmentQueries } from "../../store/assessmentQueries";
import type { Db } from "../../store/db";
import { TraceQueries } from "../../store/traceQueries";
import type { ScorableTrace } from "./workerProtocol";

export type TraceLoader = (traceId: string) => ScorableTrace | null;

export function traceLoader(db: Db, queries: TraceQueries = new TraceQueries(db)): TraceLoader {
  const assessments = new AssessmentQueries(db);
  return (traceId) => {
    const summary = queries.getSummary(traceId);
    if (!summary) return null;
    return { summary, spans: queries.getSpans(traceId), assessments: assessments.listForTrace(traceId) };
  };
}

/** A read-only connection (WAL lets it read while the server writes); no migrations, no writes. */
export function openReadOnly(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
  db.pragma("cache_size = -16000");
  return db;
}

/** The file a store's workers can open, or null for an in-memory / temporary store. */
export function storeFileOf(db: Db): string | null {
  return db.memory || db.name === "" || db.name === ":memory:" ? null : db.name;
}
