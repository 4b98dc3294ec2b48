/** Pure helpers of the run-compare panel (webview/runCompare/format.ts): texts, filters. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { diffRuns, type AssessmentChange, type FlippedRow } from "../../../protocol/runDiff";
import type { EvalRun, FeedbackResult, RunResultRow } from "../../../protocol/scoring";
import { changeText, filterCounts, formatNum, formatPct, formatPp, formatSigned, kindClass, matchesFilter, shortValue } from "../../../webview/runCompare/format";

const fb = (name: string, value: unknown): FeedbackResult => ({ name, value, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: name } });
const row = (id: string, feedbacks: FeedbackResult[]): RunResultRow => ({ traceId: id, traceName: id, traceState: "OK", feedbacks, durationMs: 1, logs: [], datasetRow: null });
const run = (runId: string): EvalRun => ({
  runId,
  scorers: [],
  selection: { kind: "lastN", n: 10 },
  selectionLabel: "last 10 traces",
  status: "completed",
  startedMs: 0,
  durationMs: null,
  traceCount: 0,
  scoredCount: 0,
  errorCount: 0,
  aggregates: [],
  message: null,
});

test("number, signed, percent and percentage-point texts", () => {
  assert.equal(formatNum(0.70612), "0.706");
  assert.equal(formatNum(1234.5), "1,234.5");
  assert.equal(formatNum(0.000068), "0.000068");
  assert.equal(formatNum(null), "—");
  assert.equal(formatSigned(0.25), "+0.25");
  assert.equal(formatSigned(-3), "−3");
  assert.equal(formatSigned(0), "±0");
  assert.equal(formatPct(0.625), "62.5%");
  assert.equal(formatPct(1), "100%");
  assert.equal(formatPp(-0.125), "−12.5 pp");
  assert.equal(formatPp(0.00003), "±0 pp");
  assert.equal(formatPp(0.05), "+5 pp");
  assert.equal(kindClass("pass→fail"), "pass-to-fail");
});

test("filters and change texts over a real diff", () => {
  const d = diffRuns(
    { run: run("a"), rows: [row("1", [fb("ok", true), fb("s", 0.9)]), row("2", [fb("ok", false)]), row("3", [fb("tone", "kind")]), row("4", [fb("ok", true)])] },
    { run: run("b"), rows: [row("1", [fb("ok", false), fb("s", 0.95)]), row("2", [fb("ok", "yes")]), row("3", [fb("tone", "a very long answer tone that keeps going")]), row("4", [fb("ok", true)])] },
  );
  assert.deepEqual(filterCounts(d.flipped), { regressions: 1, improvements: 1, changed: 1, all: 3 });
  assert.equal(d.flipped.filter((r) => matchesFilter(r, "regressions"))[0]?.key, "trace:1");
  const first = (r: FlippedRow | undefined): AssessmentChange => {
    const c = r?.changes[0];
    assert.ok(c);
    return c;
  };
  const [reg, imp, changed] = d.flipped;
  assert.equal(changeText(first(reg)), "✓ pass → ✗ fail");
  assert.equal(changeText(first(imp)), "✗ fail → ✓ pass");
  assert.equal(changeText(first(changed)), "kind → a very long answer tone…");
  assert.equal(shortValue(null), "—");
});
