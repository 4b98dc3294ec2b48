/**
 * The monitor's queue (monitorQueue.ts) on a real SQLite store: due rows read in order from a
 * cursor, whole traces per batch, nothing read twice until a rewind; settling stores assessments
 * and deletes the rows in one transaction, reschedules failures with backoff, stores nothing for
 * a row that is gone; assessment ids are time-ordered.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import type { TraceScore } from "../../../../protocol/scoring";
import { assessmentId } from "../../../../server/monitoring/assessmentSink";
import { MonitorQueue, type PendingRow } from "../../../../server/monitoring/monitorQueue";
import { openDatabase, type Db } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { spanRecord } from "../../support/spanRecord";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-monitor-queue-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const id = (i: number) => i.toString(16).padStart(32, "0");

async function store(traces: number): Promise<Db> {
  const db = openDatabase(path.join(dir, `q-${Math.random().toString(36).slice(2)}.db`));
  const w = new SpanWriter(db);
  await w.write(Array.from({ length: traces }, (_, i) => spanRecord({ traceId: id(i), spanId: (i + 1).toString(16).padStart(16, "0"), name: "root", outputs: `out ${i}` })));
  return db;
}

function enqueue(db: Db, rows: Array<[number, string, number]>): void {
  const ins = db.prepare("INSERT INTO monitor_pending (trace_id, scorer, version, attempts, next_ms, completed_ms) VALUES (?, ?, 1, 0, ?, ?)");
  for (const [trace, scorer, next] of rows) ins.run(id(trace), scorer, next, next - 10);
}

const score = (traceId: string, value: unknown, error: string | null = null): TraceScore => ({
  traceId,
  feedbacks: [{ name: "s", value: error ? null : value, rationale: null, error: error ? { type: "Error", message: error, stack: null } : null, metadata: {}, source: { type: "CODE", id: "s" } }],
  durationMs: 1,
  logs: [],
});

test("due rows come in next_ms order, whole traces at a time, each once until a rewind", async () => {
  const db = await store(6);
  // trace 0..4 at times 100..104, three scorers each; trace 5 not due yet
  enqueue(db, [0, 1, 2, 3, 4].flatMap((t) => ["a", "b", "c"].map((s): [number, string, number] => [t, s, 100 + t])));
  enqueue(db, [[5, "a", 10_000]]);
  const q = new MonitorQueue(db);
  const traceOf = (rows: PendingRow[]) => [...new Set(rows.map((r) => r.trace_id))];
  const first = q.nextBatch(2, new Set(), 1000);
  assert.deepEqual(traceOf(first), [id(0), id(1)]);
  assert.equal(first.length, 6, "every scorer of each trace");
  const second = q.nextBatch(2, new Set(), 1000);
  assert.deepEqual(traceOf(second), [id(2), id(3)], "the cursor moved on: nothing read twice");
  // a page that ends inside a trace leaves that trace for the next batch: 1 trace × 4 rows per page
  const third = q.nextBatch(1, new Set(), 1000);
  assert.deepEqual(traceOf(third), [id(4)]);
  assert.equal(third.length, 3);
  assert.deepEqual(q.nextBatch(5, new Set(), 1000), [], "trace 5 is not due");
  assert.deepEqual(traceOf(q.nextBatch(9, new Set(), 20_000)), [id(5)], "…until it is");
  q.rewind();
  const again = q.nextBatch(1, new Set([`${id(0)}\0a\x001`]), 1000);
  assert.deepEqual(
    again.map((r) => r.scorer),
    ["b", "c"],
    "after a rewind, from the start, leaving out the rows in flight",
  );
  db.close();
});

test("settle: results stored and rows deleted in one go; failures retried with backoff, then stored; gone rows store nothing", async () => {
  const db = await store(4);
  enqueue(db, [
    [0, "a", 100],
    [1, "a", 100],
    [2, "a", 100],
    [3, "a", 100],
  ]);
  const q = new MonitorQueue(db);
  const rows = q.nextBatch(10, new Set(), 1000);
  db.prepare("UPDATE monitor_pending SET attempts = 2 WHERE trace_id = ?").run(id(2)); // its last attempt
  const last = rows.find((r) => r.trace_id === id(2)) as PendingRow;
  last.attempts = 2;
  db.prepare("DELETE FROM monitor_pending WHERE trace_id = ?").run(id(3)); // stopped meanwhile
  const results = new Map([
    [id(0), score(id(0), 0.5)],
    [id(1), score(id(1), null, "boom")],
    [id(2), score(id(2), null, "boom again")],
    [id(3), score(id(3), 1)],
  ]);
  let inside = false;
  const r = q.settle(rows, (row) => results.get(row.trace_id) ?? null, {
    maxAttempts: 3,
    backoffMs: 1000,
    now: 5000,
    inside: () => {
      inside = db.inTransaction;
    },
  });
  assert.ok(inside, "the caller's bookkeeping joins the transaction");
  assert.equal(r.removed, 2);
  assert.deepEqual(r.lags, [4910, 4910]);
  assert.deepEqual(r.perScorer.get("a"), { stored: 2, lastError: "Error: boom again" });
  const pending = db.prepare("SELECT trace_id, attempts, next_ms, last_error FROM monitor_pending ORDER BY trace_id").all();
  assert.deepEqual(pending, [{ trace_id: id(1), attempts: 1, next_ms: 6000, last_error: "Error: boom" }]);
  const stored = db.prepare("SELECT trace_id, value, error, source_id, metadata, assessment_id FROM assessments ORDER BY trace_id").all() as Array<Record<string, string>>;
  assert.deepEqual(
    stored.map((s) => [s.trace_id, s.value, s.error ? (JSON.parse(s.error) as { error_message: string }).error_message : null]),
    [
      [id(0), "0.5", null],
      [id(2), "null", "boom again"],
    ],
  );
  assert.deepEqual(JSON.parse(stored[0]?.metadata ?? "{}"), { "scorelens.scorer.version": "1", "scorelens.scorer.origin": "monitor" });
  db.close();
});

test("assessment ids: a- and 32 hex digits, unique, ordered by time", () => {
  const ids = Array.from({ length: 5000 }, (_, i) => assessmentId(1_700_000_000_000 + Math.floor(i / 100)));
  assert.ok(ids.every((x) => /^a-[0-9a-f]{32}$/.test(x)));
  assert.equal(new Set(ids).size, ids.length);
  const prefixes = ids.map((x) => x.slice(0, 14));
  assert.deepEqual([...prefixes].sort(), prefixes, "later times sort later");
});
