/** Lens texts for runs: the summary and the change from the previous run. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runDeltaText, runSummaryText, type AggregateMetric } from "../../../protocol/scoring";

const agg = (name: string, value: number | null): AggregateMetric => {
  const [assessment = name, aggregation = "mean"] = name.split("/");
  return { name, assessment, aggregation, value, count: 10, note: null };
};

test("summary: first aggregate, traces, errors, duration, non-completed status", () => {
  assert.equal(runSummaryText({ aggregates: [agg("len/mean", 41.25)], errorCount: 3, durationMs: 1234, status: "completed", scoredCount: 20 }), "mean 41.25 · 20 traces · 3 errors · 1.2 s");
  assert.equal(runSummaryText({ aggregates: [], errorCount: 1, durationMs: 80, status: "cancelled", scoredCount: 5 }), "5 traces · 1 error · 80 ms · cancelled");
});

test("delta: the first aggregate's change and the error count's, or null", () => {
  const before = { aggregates: [agg("len/mean", 40), agg("len/max", 90)], errorCount: 3 };
  assert.equal(runDeltaText({ aggregates: [agg("len/mean", 42.5), agg("len/max", 90)], errorCount: 1 }, before), "Δ mean +2.5 · errors −2");
  assert.equal(runDeltaText({ aggregates: [agg("len/mean", 39.95)], errorCount: 3 }, before), "Δ mean −0.05");
  assert.equal(runDeltaText({ aggregates: [agg("len/mean", 40)], errorCount: 4 }, before), "Δ mean ±0 · errors +1");
  assert.equal(runDeltaText({ aggregates: [agg("other/mean", 1)], errorCount: 3 }, before), null, "nothing comparable");
  assert.equal(runDeltaText({ aggregates: [agg("len/mean", 1)], errorCount: 0 }, null), null, "no previous run");
});
