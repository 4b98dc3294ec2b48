/**
 * RunManager against a real SQLite file: several scorers in one run (workers reading the store
 * themselves, or traces read on the server thread), dataset selections (rows with and without a
 * trace, expectations laid over the trace's), and selection errors.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { NO_TRACE_STATE } from "../../../../protocol/scoring";
import { RunManager } from "../../../../server/scorers/runManager";
import { openDatabase, type Db } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { TraceQueries } from "../../../../server/store/traceQueries";
import { spanRecord } from "../../support/spanRecord";
import { buildWorkerScript, makeWorkspace, SDK_ENTRY, traceIdOf } from "./runtime/helpers";

const SCORERS = `
import { scorer } from "scorelens";
export const answerLength = scorer({ name: "answer_length", aggregations: ["mean", "max"] }, ({ outputs }) => String(outputs).length);
export const matches = scorer(({ outputs, expectations }) =>
  expectations && "expected" in expectations ? outputs === expectations.expected : outputs !== "BAD");
export const spanCount = scorer(({ trace }) => (trace ? trace.data.spans.length : -1));
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-runmanager-"));
const managers: RunManager[] = [];
after(async () => {
  for (const m of managers) await m.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function store(n: number): Promise<Db> {
  const db = openDatabase(path.join(dir, `store-${Math.random().toString(36).slice(2)}.db`));
  const spans = Array.from({ length: n }, (_, i) =>
    spanRecord({
      traceId: traceIdOf(i + 1),
      spanId: (i + 1).toString(16).padStart(16, "0"),
      name: `agent ${i}`,
      startTimeUnixNano: String(BigInt(1_700_000_000_000 + i * 1000) * 1_000_000n),
      endTimeUnixNano: String(BigInt(1_700_000_000_000 + i * 1000 + 5) * 1_000_000n),
      inputs: { question: `q${i}` },
      outputs: i % 5 === 0 ? "BAD" : `answer ${i}`,
    }),
  );
  await new SpanWriter(db).write(spans);
  return db;
}

async function manager(db: Db, workersRead = true): Promise<RunManager> {
  const m = new RunManager({ db, queries: new TraceQueries(db), sdkEntry: SDK_ENTRY, workersRead, pool: { workerScript: await buildWorkerScript(), size: 2, batchSize: 4 } });
  managers.push(m);
  return m;
}

const ws = makeWorkspace({ "scorers.ts": SCORERS });
const file = path.join(ws, "scorers.ts");

test("one run of three scorers: every trace scored by each, aggregates named per assessment, source hashes kept", async () => {
  const db = await store(20);
  const m = await manager(db);
  const run = await m.run({
    scorers: [
      { file, scorerName: "answerLength", aggregations: ["mean", "max"] },
      { file, scorerName: "matches", aggregations: null },
      { file, scorerName: "spanCount", aggregations: null },
    ],
    selection: { kind: "lastN", n: 100 },
  });
  assert.equal(run.status, "completed", run.message ?? "");
  assert.equal(run.traceCount, 20);
  assert.equal(run.scoredCount, 20);
  assert.equal(run.errorCount, 0, JSON.stringify(m.store.rows(run.runId, 0, 1).rows[0]?.feedbacks[0]?.error));
  assert.deepEqual(run.scorers.map((s) => s.name), ["answerLength", "matches", "spanCount"]);
  for (const s of run.scorers) assert.match(s.sourceHash, /^[0-9a-f]{64}$/);
  const metric = (name: string) => run.aggregates.find((a) => a.name === name)?.value;
  assert.equal(metric("matches/mean"), 16 / 20, "4 of 20 answers are BAD");
  assert.equal(metric("spanCount/mean"), 1, "the workers read each trace's spans");
  assert.equal(metric("answer_length/max"), "answer 19".length);
  const { rows, total } = m.store.rows(run.runId, 0, 100);
  assert.equal(total, 20);
  assert.ok(rows.every((r) => r.feedbacks.length === 3 && r.datasetRow === null));
  // One CODE assessment per trace and scorer, tagged with the run.
  assert.equal(db.prepare("SELECT count(*) FROM assessments WHERE run_id = ?").pluck().get(run.runId), 60);
});

test("reading on the server thread (no store file for workers) gives the same numbers", async () => {
  const db = await store(12);
  const viaWorkers = await (await manager(db)).run({ scorers: [{ file, scorerName: "matches", aggregations: null }], selection: { kind: "lastN", n: 12 } });
  const viaMain = await (await manager(db, false)).run({ scorers: [{ file, scorerName: "matches", aggregations: null }], selection: { kind: "lastN", n: 12 } });
  assert.deepEqual(viaMain.aggregates, viaWorkers.aggregates);
  assert.equal(viaMain.scoredCount, 12);
});

test("a dataset: rows with a trace score it with the row's expectations; rows without one score their own outputs", async () => {
  const db = await store(3);
  const now = Date.now();
  db.prepare("INSERT INTO datasets (name, description, source, row_count, created_ms, updated_ms) VALUES (?,?,?,?,?,?)").run("golden", null, '{"kind":"sdk"}', 3, now, now);
  const ins = db.prepare("INSERT INTO dataset_rows (dataset_name, idx, inputs, outputs, expectations, trace_id) VALUES (?,?,?,?,?,?)");
  ins.run("golden", 0, '{"question":"q1"}', null, '{"expected":"answer 1"}', `tr-${traceIdOf(2)}`);
  ins.run("golden", 1, '{"question":"x"}', '"hello"', '{"expected":"goodbye"}', null);
  ins.run("golden", 2, '{"question":"gone"}', null, null, "f".repeat(32));
  const m = await manager(db);
  const run = await m.run({ scorers: [{ file, scorerName: "matches", aggregations: null }, { file, scorerName: "spanCount", aggregations: null }], selection: { kind: "dataset", name: "golden" } });
  assert.equal(run.status, "completed", run.message ?? "");
  assert.equal(run.selectionLabel, "dataset golden");
  const { rows } = m.store.rows(run.runId, 0, 10);
  assert.deepEqual(rows.map((r) => r.datasetRow), [0, 1, 2]);
  const value = (i: number, name: string) => rows[i]?.feedbacks.find((f) => f.name === name);
  assert.equal(value(0, "matches")?.value, true, "trace output matches the row's expectation");
  assert.equal(value(0, "spanCount")?.value, 1);
  assert.equal(rows[1]?.traceState, NO_TRACE_STATE);
  assert.equal(rows[1]?.traceId, "row-1");
  assert.equal(value(1, "matches")?.value, false, "hello ≠ goodbye");
  assert.equal(value(1, "spanCount")?.value, -1, "no trace for a row without one");
  assert.equal(value(2, "matches")?.error?.type, "TraceNotFoundError");
  assert.equal(run.errorCount, 1);
});

test("an unknown dataset fails the run and names the datasets there are", async () => {
  const db = await store(1);
  const now = Date.now();
  db.prepare("INSERT INTO datasets (name, description, source, row_count, created_ms, updated_ms) VALUES (?,?,?,?,?,?)").run("prod-sample", null, '{"kind":"sdk"}', 0, now, now);
  const run = await (await manager(db)).run({ scorers: [{ file, scorerName: "matches", aggregations: null }], selection: { kind: "dataset", name: "nope" } });
  assert.equal(run.status, "failed");
  assert.match(run.message ?? "", /no dataset named "nope" \(datasets: prod-sample\)/);
});
