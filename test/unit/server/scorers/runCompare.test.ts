/**
 * Comparing stored runs on a real SQLite file: rows read back with trace names (several scorers
 * merged per trace, dataset rows without a trace), the previous run of the same scorers, the
 * diff, and the LSP requests over a real JSON-RPC connection (in-memory streams).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, test } from "node:test";
import { createConnection } from "vscode-languageserver/node";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { CompareRunsRequest, PreviousRunRequest } from "../../../../protocol/runDiff";
import { NO_TRACE_STATE, type EvalRun, type FeedbackResult, type TraceScore } from "../../../../protocol/scoring";
import { registerRunCompareHandlers } from "../../../../server/handlers/runCompareHandlers";
import { RunCompare } from "../../../../server/scorers/runCompare";
import { RunStore } from "../../../../server/scorers/runStore";
import { openDatabase, type Db } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { spanRecord } from "../../support/spanRecord";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-runcompare-"));
const dbs: Db[] = [];
after(() => {
  for (const db of dbs) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tid = (i: number) => i.toString(16).padStart(32, "0");
const SCORERS = [
  { name: "correct", file: "/ws/scorers.ts", sourceHash: "h1" },
  { name: "relevance", file: "/ws/scorers.ts", sourceHash: "h1" },
];

async function store(): Promise<Db> {
  const db = openDatabase(path.join(dir, `s-${Math.random().toString(36).slice(2)}.db`));
  dbs.push(db);
  await new SpanWriter(db).write(
    [1, 2, 3, 4].map((i) =>
      spanRecord({
        traceId: tid(i),
        spanId: i.toString(16).padStart(16, "0"),
        name: `agent.run ${i}`,
        startTimeUnixNano: String(BigInt(1_700_000_000_000 + i) * 1_000_000n),
        endTimeUnixNano: String(BigInt(1_700_000_000_000 + i + 5) * 1_000_000n),
      }),
    ),
  );
  return db;
}

function fb(name: string, value: unknown, rationale: string | null = null, error?: string): FeedbackResult {
  return { name, value, rationale, error: error ? { type: "Error", message: error, stack: null } : null, metadata: {}, source: { type: "CODE", id: name } };
}

function run(runId: string, startedMs: number, o: Partial<EvalRun> = {}): EvalRun {
  return {
    runId,
    scorers: SCORERS,
    selection: { kind: "lastN", n: 100 },
    selectionLabel: "last 100 traces",
    status: "completed",
    startedMs,
    durationMs: 10,
    traceCount: 4,
    scoredCount: 4,
    errorCount: 0,
    aggregates: [],
    message: null,
    ...o,
  };
}

/** Saves a run with per-scorer results; `values[i]` = [correct, relevance] for trace i+1. */
function save(db: Db, r: EvalRun, values: Array<[unknown, unknown]>, traceIds = values.map((_, i) => tid(i + 1)), datasetRows?: Array<number | null>): void {
  const s = new RunStore(db);
  s.save(r);
  const scores = (k: 0 | 1): TraceScore[] =>
    values.map((v, i) => ({ traceId: traceIds[i] as string, feedbacks: [fb(SCORERS[k]?.name ?? "", v[k], `${SCORERS[k]?.name} says ${String(v[k])}`)], durationMs: 2, logs: ["x"] }));
  if (r.scorers.some((x) => x.name === "correct")) s.saveResults(r.runId, "correct", scores(0), datasetRows);
  if (r.scorers.some((x) => x.name === "relevance")) s.saveResults(r.runId, "relevance", scores(1), datasetRows);
}

test("rowsOf merges the scorers of one trace and names rows from the traces table", async () => {
  const db = await store();
  save(db, run("r1", 1000), [
    [true, 0.9],
    [false, 0.5],
  ]);
  const rows = new RunCompare(db).rowsOf("r1");
  assert.equal(rows.length, 2);
  assert.equal(rows[0]?.traceName, "agent.run 1");
  assert.equal(rows[0]?.traceState, "OK");
  assert.deepEqual(rows[0]?.feedbacks.map((f) => [f.name, f.value]), [
    ["correct", true],
    ["relevance", 0.9],
  ]);
  assert.equal(rows[0]?.durationMs, 4);
  assert.deepEqual(new RunCompare(db).rowsOf("nope"), []);
});

test("previousRunOf: newest earlier completed/cancelled run with the same scorer names and files", async () => {
  const db = await store();
  const v: Array<[unknown, unknown]> = [[true, 1]];
  save(db, run("old", 1000), v);
  save(db, run("cancelled", 2000, { status: "cancelled" }), v);
  save(db, run("failed", 3000, { status: "failed" }), v);
  save(db, run("other-file", 3500, { scorers: SCORERS.map((s) => ({ ...s, file: "/ws/other.ts" })) }), v);
  save(db, run("one-scorer", 3600, { scorers: [SCORERS[0] as EvalRun["scorers"][number]] }), v);
  save(db, run("head", 4000, { scorers: SCORERS.map((s) => ({ ...s, sourceHash: "h2" })) }), v);
  save(db, run("later", 5000), v);
  const c = new RunCompare(db);
  assert.equal(c.previousRunOf("head")?.runId, "cancelled", "skips failed runs and other scorer sets; code changes are fine");
  assert.equal(c.previousRunOf("cancelled")?.runId, "old");
  assert.equal(c.previousRunOf("old"), null);
  assert.equal(c.previousRunOf("missing"), null);
});

test("compare: the previous run by default, flipped rows with rationales, runs missing", async () => {
  const db = await store();
  save(db, run("base", 1000, { aggregates: [{ name: "relevance/mean", assessment: "relevance", aggregation: "mean", value: 0.7, count: 4, note: null }] }), [
    [true, 0.9],
    [false, 0.5],
    [true, 0.6],
    [true, 0.8],
  ]);
  save(db, run("head", 2000, { aggregates: [{ name: "relevance/mean", assessment: "relevance", aggregation: "mean", value: 0.55, count: 4, note: null }] }), [
    [false, 0.2],
    [true, 0.55],
    [true, 0.65],
    [true, 0.8],
  ]);
  const c = new RunCompare(db);
  const { diff, message } = c.compare("head", undefined);
  assert.equal(message, null);
  assert.ok(diff);
  assert.equal(diff.base.runId, "base");
  assert.equal(diff.rows.matched, 4);
  assert.deepEqual(
    diff.flipped.map((r) => [r.traceName, r.direction, r.changes.map((x) => x.kind)]),
    [
      ["agent.run 1", "regression", ["pass→fail", "changed"]],
      ["agent.run 2", "improvement", ["fail→pass", "same"]],
    ],
  );
  assert.equal(diff.flipped[0]?.changes[0]?.base?.rationale, "correct says true");
  assert.equal(diff.flipped[0]?.changes[0]?.head?.rationale, "correct says false");
  assert.equal(diff.aggregates[0]?.verdict, "worse");
  assert.equal(c.compare("head", "base", { threshold: 0.01 }).diff?.flippedTotal, 3, "a smaller threshold lists the small moves too (row 4 did not move)");

  assert.match(c.compare("base", undefined).message ?? "", /no earlier completed run of correct, relevance/);
  assert.match(c.compare("nope", undefined).message ?? "", /nope is not in the store/);
  assert.match(c.compare("head", "nope").message ?? "", /nope is not in the store/);
});

test("compare: dataset rows without a trace match by row index", async () => {
  const db = await store();
  const sel = { kind: "dataset" as const, name: "golden" };
  save(db, run("d1", 1000, { selection: sel, selectionLabel: "dataset golden" }), [[true, 1], [true, 1]], ["row-0", tid(2)], [0, 1]);
  save(db, run("d2", 2000, { selection: sel, selectionLabel: "dataset golden" }), [[false, 1], [true, 1]], ["row-0", tid(2)], [0, 1]);
  const c = new RunCompare(db);
  const rows = c.rowsOf("d1");
  assert.equal(rows[0]?.traceState, NO_TRACE_STATE);
  assert.equal(rows[0]?.traceName, "dataset row 0");
  assert.equal(rows[0]?.datasetRow, 0);
  const d = c.compare("d2", undefined).diff;
  assert.equal(d?.rows.matched, 2);
  assert.deepEqual(
    d?.flipped.map((r) => [r.key, r.headTraceId]),
    [["row:0", null]],
  );
});

test("LSP: scorelens/compareRuns and scorelens/previousRun over a real JSON-RPC connection", async () => {
  const db = await store();
  save(db, run("a", 1000), [[true, 0.5]]);
  save(db, run("b", 2000), [[false, 0.5]]);
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(up, down);
  let current: Db | null = null;
  registerRunCompareHandlers(server, () => current);
  server.listen();
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  client.listen();
  try {
    await assert.rejects(client.sendRequest(CompareRunsRequest.method, { headRunId: "b" }), /still starting/);
    current = db;
    const res = CompareRunsRequest.result.parse(await client.sendRequest(CompareRunsRequest.method, { headRunId: "b" }));
    assert.equal(res.diff?.base.runId, "a");
    assert.equal(res.diff?.flipped[0]?.changes[0]?.kind, "pass→fail");
    await assert.rejects(client.sendRequest(CompareRunsRequest.method, { headRunId: "b", threshold: -1 }), /invalid params/);
    const prev = PreviousRunRequest.result.parse(await client.sendRequest(PreviousRunRequest.method, { runId: "b" }));
    assert.equal(prev.run?.runId, "a");
  } finally {
    client.dispose();
    server.dispose();
  }
});
