/**
 * The physical-limit baseline for ingest: the same spans, decoded and normalized exactly as the
 * server does (untimed), then written with raw better-sqlite3 — the server's `spans` schema via
 * openDatabase() on a fresh file, one prepared INSERT, one transaction per request body.
 *
 * Timed separately: building the row parameters (toRowParams: the JSON columns) and the SQLite
 * inserts. "raw inserts" = both, which is what any writer of these rows must do at least.
 * The decode + normalize time is reported too, as a reference for the server's CPU budget.
 */
import path from "node:path";
import type { RawSpan, SpanRecord } from "../../protocol/model";
import { normalizeSpan } from "../../server/normalize/normalizeSpan";
import { openDatabase } from "../../server/store/db";
import { INSERT_SPAN_SQL, toRowParams } from "../../server/store/spanRows";
import { decodeOtlpProtobuf } from "../../server/wire/otlpProtobuf";
import { fileSize } from "./common";
import type { EncodedRequest } from "./genaiTraces";

export interface RawBaselineResult {
  spans: number;
  decodeMs: number;
  normalizeMs: number;
  paramsMs: number;
  insertMs: number;
  /** The same INSERTs into a second file with wal_autocheckpoint = 0: the share of checkpointing. */
  insertNoCheckpointMs: number;
  dbBytes: number;
}

export function decodeAndNormalize(body: Buffer): { decoded: RawSpan[]; decodeMs: number; records: SpanRecord[]; normalizeMs: number } {
  const t0 = performance.now();
  const decoded = decodeOtlpProtobuf(body).spans;
  const t1 = performance.now();
  const records: SpanRecord[] = new Array(decoded.length);
  for (let i = 0; i < decoded.length; i++) {
    const r = decoded[i] as RawSpan;
    records[i] = { ...r, ...normalizeSpan(r) };
  }
  return { decoded, decodeMs: t1 - t0, records, normalizeMs: performance.now() - t1 };
}

export function runRawBaseline(requests: readonly EncodedRequest[], dir: string): RawBaselineResult {
  const file = path.join(dir, "raw-baseline.db");
  const db = openDatabase(file);
  const insert = db.prepare(INSERT_SPAN_SQL);
  const insertAll = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(...r);
  });
  const db2 = openDatabase(path.join(dir, "raw-no-checkpoint.db"));
  db2.pragma("wal_autocheckpoint = 0");
  const insert2 = db2.prepare(INSERT_SPAN_SQL);
  const insertAll2 = db2.transaction((rows: unknown[][]) => {
    for (const r of rows) insert2.run(...r);
  });
  const out: RawBaselineResult = { spans: 0, decodeMs: 0, normalizeMs: 0, paramsMs: 0, insertMs: 0, insertNoCheckpointMs: 0, dbBytes: 0 };
  for (const req of requests) {
    const { records, decodeMs, normalizeMs } = decodeAndNormalize(req.body);
    out.decodeMs += decodeMs;
    out.normalizeMs += normalizeMs;
    const t0 = performance.now();
    // the same rows the server writes, with the resource already interned (as the server does once per resource)
    const rows = records.map((r) => toRowParams(r, 1));
    const t1 = performance.now();
    insertAll(rows);
    const t2 = performance.now();
    insertAll2(rows);
    const t3 = performance.now();
    out.paramsMs += t1 - t0;
    out.insertMs += t2 - t1;
    out.insertNoCheckpointMs += t3 - t2;
    out.spans += rows.length;
  }
  db2.close();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  out.dbBytes = fileSize(file);
  return out;
}
