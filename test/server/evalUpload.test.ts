/**
 * POST /scorelens/v1/runs on a real `scorelens serve`: the SDK's evaluate() logs its run there.
 * A valid run lands in eval_runs / run_results with assessments on its traces; bad bodies get a
 * 400 that says what is wrong and store nothing; the same run id twice is refused.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { nowNs, otlpJsonBody } from "./otlpBodies";
import { openReadonly, startServe, stopAllServers } from "./serveHarness";

after(stopAllServers);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-upload-"));
const TRACE = "ab".repeat(16);

function feedback(name: string, value: unknown, error: { type: string; message: string; stack: string | null } | null = null) {
  return { name, value, rationale: error ? null : "because", error, metadata: {}, source: { type: "CODE", id: name } };
}

function upload(runId: string) {
  const rows = [
    {
      traceId: TRACE,
      datasetRow: 0,
      // as a judge records its call (sdk/judges/judge.ts): the run totals it
      feedback: { ...feedback("exact", true), metadata: { "mlflow.judge.model": "gpt-4o-mini", "scorelens.judge.input_tokens": "1200", "scorelens.judge.output_tokens": "80", "scorelens.judge.cost_usd": "0.00022800" } },
      ms: 2,
    },
    { traceId: "row-1", datasetRow: 1, feedback: feedback("exact", null, { type: "TypeError", message: "boom", stack: "TypeError: boom\n    at x" }), ms: 1 },
  ];
  return {
    runId,
    name: "nightly",
    startedMs: Date.now() - 1000,
    durationMs: 900,
    predicted: true,
    scorers: [{ name: "exact", aggregations: null, sourceHash: "" }],
    aggregates: [{ name: "exact/mean", assessment: "exact", aggregation: "mean", value: 1, count: 1, note: "1 error excluded" }],
    errorCount: 1,
    rows: rows.map((r) => ({
      traceId: r.traceId,
      datasetRow: r.datasetRow,
      feedbacks: [r.feedback],
      scores: [{ scorer: "exact", feedbacks: [r.feedback], durationMs: r.ms }],
      durationMs: r.ms,
      logs: [],
      inputs: { question: "q" },
      expectations: { expected_facts: ["first Sunday"] },
    })),
  };
}

async function post(port: number, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/scorelens/v1/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test("evaluate()'s run upload is stored like an editor run; bad bodies are refused with a reason", async () => {
  const db = path.join(tmp, "store.db");
  const s = await startServe(db);
  const start = nowNs();
  const traced = await fetch(`http://127.0.0.1:${s.port}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: otlpJsonBody([{ traceId: TRACE, spanId: "1".repeat(16), name: "agent", startNs: start, endNs: start + 1_000_000n }]),
  });
  assert.equal(traced.status, 200);

  const ok = await post(s.port, upload("run-eval-1"));
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.runId, "run-eval-1");

  const again = await post(s.port, upload("run-eval-1"));
  assert.equal(again.status, 400);
  assert.match(String(again.json.error), /already in the store/);

  const { rows: _rows, ...noRows } = upload("run-eval-2");
  const bad = await post(s.port, noRows);
  assert.equal(bad.status, 400);
  assert.match(String(bad.json.error), /rows/);

  const notJson = await fetch(`http://127.0.0.1:${s.port}/scorelens/v1/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
  assert.equal(notJson.status, 400);
  const get = await fetch(`http://127.0.0.1:${s.port}/scorelens/v1/runs`);
  assert.equal(get.status, 405);

  const ro = openReadonly(db);
  try {
    const run = ro.prepare("SELECT status, selection_label, error_count, judge_usage FROM eval_runs WHERE run_id = ?").get("run-eval-1") as { status: string; selection_label: string; error_count: number; judge_usage: string | null };
    const { judge_usage, ...rest } = run;
    assert.deepEqual(rest, { status: "completed", selection_label: "evaluate() nightly · 2 rows (predictFn)", error_count: 1 });
    assert.deepEqual(JSON.parse(judge_usage ?? "null"), { calls: 1, inputTokens: 1200, outputTokens: 80, costUsd: 0.000228, models: ["gpt-4o-mini"] }, "the judge calls of an uploaded run are totalled like an editor run's");
    assert.equal(ro.prepare("SELECT count(*) FROM eval_runs").pluck().get(), 1, "refused bodies stored nothing");
    const results = ro.prepare("SELECT trace_id, dataset_row FROM run_results WHERE run_id = ? ORDER BY seq").all("run-eval-1");
    assert.deepEqual(results, [{ trace_id: TRACE, dataset_row: 0 }, { trace_id: "row-1", dataset_row: 1 }]);
    const assessment = ro.prepare("SELECT name, value, source_type, run_id FROM assessments WHERE trace_id = ? AND kind = 'feedback'").get(TRACE);
    assert.deepEqual(assessment, { name: "exact", value: "true", source_type: "CODE", run_id: "run-eval-1" });
    const expectation = ro.prepare("SELECT name, value, source_type FROM assessments WHERE trace_id = ? AND kind = 'expectation'").get(TRACE);
    assert.deepEqual(expectation, { name: "expected_facts", value: '["first Sunday"]', source_type: "HUMAN" }, "the row's expectations are logged on its trace");
  } finally {
    ro.close();
  }
});
