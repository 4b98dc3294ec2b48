/** The SQLite store on a real file: migrations from older schemas, running totals, resource interning, deletes. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import type { SpanRecord } from "../../../protocol/model";
import { spanRecord } from "../support/spanRecord";
import { openDatabase } from "../../../server/store/db";
import { MIGRATIONS, SCHEMA_VERSION } from "../../../server/store/migrations";
import { SpanWriter } from "../../../server/store/spanWriter";
import { TraceQueries } from "../../../server/store/traceQueries";

function tmpDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-store-")), "traces.db");
}

function span(traceId: string, spanId: string, parent: string | null, over: Partial<SpanRecord> = {}): SpanRecord {
  return spanRecord({
    traceId,
    spanId,
    parentSpanId: parent,
    name: parent ? "child" : "root",
    startTimeUnixNano: "1795459750474000000",
    endTimeUnixNano: "1795459750475000000",
    attributes: { k: "v" },
    scope: { name: "scope", version: "1" },
    inputs: { q: 1 },
    outputs: "out",
    ...over,
  });
}

test("a database written with schema v2 migrates to the current schema and keeps its spans readable", () => {
  const file = tmpDb();
  const old = new Database(file);
  for (const m of MIGRATIONS.filter((x) => x.version <= 2)) old.exec(m.sql);
  old.pragma("user_version = 2");
  const t = "a".repeat(32);
  old
    .prepare(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, span_type, start_ns, end_ns, status, status_message,
       attributes, events, detail) VALUES (?, ?, NULL, 'old-root', 1, 'AGENT', 1000, 2000, 'OK', '', '{}', '[]', ?)`,
    )
    .run(t, "1".repeat(16), JSON.stringify({ links: [], resource: { "service.name": "legacy" }, scope: { name: "s", version: "" }, usage: null, cost: null, error: null, sessionId: null, userId: null, tags: {}, metadata: {}, conventions: [] }));
  old
    .prepare(
      `INSERT INTO traces (trace_id, name, state, start_ns, end_ns, start_ms, duration_ms, span_count, error_count, input_tokens,
       output_tokens, total_tokens, request_preview, response_preview, tags, metadata, root_span_id, updated_ms)
       VALUES (?, 'old-root', 'OK', 1000, 2000, 0.001, 0.001, 1, 0, 0, 0, 0, '', '', '{}', '{}', ?, 0)`,
    )
    .run(t, "1".repeat(16));
  old.close();

  const db = openDatabase(file);
  assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
  const q = new TraceQueries(db);
  assert.deepEqual(q.counts(), { traces: 1, spans: 1 }, "totals are computed from the existing rows");
  const [s] = q.getSpans(t);
  assert.deepEqual(s?.resource, { "service.name": "legacy" }, "pre-v3 rows keep their resource in detail");
  db.close();
});

test("the writer interns resources, keeps running totals, and deletes update them", async () => {
  const db = openDatabase(tmpDb());
  const w = new SpanWriter(db);
  const q = new TraceQueries(db);
  const a = "b".repeat(32);
  const b = "c".repeat(32);
  await w.write([span(a, "1".repeat(16), null), span(a, "2".repeat(16), "1".repeat(16)), span(b, "3".repeat(16), null)]);
  await w.write([span(a, "2".repeat(16), "1".repeat(16))]); // duplicate: stored once
  assert.deepEqual(q.counts(), { traces: 2, spans: 3 });
  assert.equal(db.prepare("SELECT count(*) FROM span_resources").pluck().get(), 1, "one shared resource row");
  const spans = q.getSpans(a);
  assert.deepEqual(spans.map((s) => s.resource), [{ "service.name": "svc" }, { "service.name": "svc" }]);
  assert.deepEqual(spans[0]?.scope, { name: "scope", version: "1" });
  assert.equal(q.deleteTraces([a, "f".repeat(32)]), 1);
  assert.deepEqual(q.counts(), { traces: 1, spans: 1 });
  db.close();
});

test("retention deletes traces older than the maximum age, then the oldest while over the size cap", async () => {
  const { applyRetention, databaseBytes } = await import("../../../server/store/retention");
  const db = openDatabase(tmpDb());
  const w = new SpanWriter(db);
  const q = new TraceQueries(db);
  const now = Date.now();
  const day = 86_400_000;
  const at = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);
  const big = "x".repeat(20_000);
  const spans: SpanRecord[] = [];
  for (let i = 0; i < 40; i++) {
    const id = i.toString(16).padStart(32, "0");
    const start = now - (i < 5 ? 40 * day : i * 60_000);
    spans.push(span(id, "1".repeat(16), null, { startTimeUnixNano: at(start), endTimeUnixNano: at(start + 10), outputs: big }));
  }
  await w.write(spans);
  const byAge = applyRetention(db, q, { maxAgeDays: 30, maxDatabaseMB: 0 }, now);
  assert.equal(byAge.deletedByAge, 5);
  assert.equal(q.counts().traces, 35);
  const before = databaseBytes(db);
  const capMB = before / 2 / 1024 / 1024;
  const bySize = applyRetention(db, q, { maxAgeDays: 30, maxDatabaseMB: capMB }, now);
  assert.ok(bySize.deletedBySize > 0 && bySize.deletedBySize < 35, `deleted ${bySize.deletedBySize}`);
  assert.ok(databaseBytes(db) <= capMB * 1024 * 1024, "under the cap afterwards");
  // the newest traces survive
  const newest = q.listNewest(1)[0];
  assert.equal(newest?.traceId, (5).toString(16).padStart(32, "0"));
  db.close();
});
