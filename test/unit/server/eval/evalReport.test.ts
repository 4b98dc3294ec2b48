/** The eval JSON report and the JUnit XML writer (checked for well-formedness by a real parser of the grammar). */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EvalRun, FeedbackResult, RunResultRow } from "../../../../protocol/scoring";
import { buildEvalReport, EvalReport, reportSummaryText } from "../../../../server/eval/evalReport";
import { escapeAttr, escapeText, junitXml } from "../../../../server/eval/junit";
import { parseThreshold } from "../../../../server/eval/thresholds";
import { findAll, parseXml } from "./xmlWellFormed";

const NASTY = `a<b>&"c'\u0000\u0001\u001b[31m\u0008\uFFFE\uD800 tab\tnl\ncr\r]]> 🙂`;

function fb(name: string, value: unknown, error: string | null = null): FeedbackResult {
  return { name, value, rationale: null, error: error ? { type: "Error", message: error, stack: null } : null, metadata: {}, source: { type: "CODE", id: name } };
}

function row(traceId: string, feedbacks: FeedbackResult[], datasetRow: number | null = null): RunResultRow {
  return { traceId, traceName: "qa", traceState: "OK", feedbacks, durationMs: 3, logs: [], datasetRow };
}

function run(over: Partial<EvalRun> = {}): EvalRun {
  return {
    runId: "run-1",
    scorers: [{ name: "correct", file: "/w/scorers.ts", sourceHash: "h" }],
    selection: { kind: "dataset", name: "golden" },
    selectionLabel: "dataset golden",
    status: "completed",
    startedMs: Date.UTC(2025, 0, 2, 3, 4, 5),
    durationMs: 1234,
    traceCount: 3,
    scoredCount: 3,
    errorCount: 1,
    aggregates: [
      { name: "correct/mean", assessment: "correct", aggregation: "mean", value: 0.5, count: 2, note: "1 error excluded" },
      { name: `${NASTY}/mean`, assessment: NASTY, aggregation: "mean", value: 2, count: 1, note: NASTY },
    ],
    message: null,
    ...over,
  };
}

const ROWS = [
  row("a".repeat(32), [fb("correct", true), fb(NASTY, 2)]),
  row("b".repeat(32), [fb("correct", "no")]),
  row("row-2", [fb("correct", null, `crashed: ${NASTY}`)], 2),
];

test("the report: run info, aggregates, pass rates, errors, thresholds, rows; it validates against its schema", () => {
  const report = buildEvalReport({
    run: run(),
    rows: ROWS,
    thresholds: [parseThreshold("correct/pass_rate=50%", "under"), parseThreshold("errors=0", "over")],
    version: "0.1.0",
    nowMs: 5,
  });
  assert.deepEqual(EvalReport.parse(JSON.parse(JSON.stringify(report))), report, "round-trips through JSON and the schema");
  assert.equal(report.tool.version, "0.1.0");
  assert.equal(report.run.selectionLabel, "dataset golden");
  assert.equal("aggregates" in report.run, false);
  assert.equal(report.aggregates.length, 2);
  assert.deepEqual(report.assessments[0], { name: "correct", count: 3, errors: 1, passed: 1, failed: 1, passRate: 0.5 });
  assert.deepEqual(report.thresholds.map((t) => t.passed), [true, false]);
  assert.equal(report.passed, false);
  assert.deepEqual(report.rows.map((r) => r.traceId), [`tr-${"a".repeat(32)}`, `tr-${"b".repeat(32)}`, "row-2"]);
  assert.equal(report.rows[2]?.datasetRow, 2);
  const text = reportSummaryText(report);
  assert.match(text, /^run run-1: completed, 3\/3 scored from dataset golden, 1 error\(s\)/);
  assert.match(text, /correct\/pass_rate = 50\.0% \(1\/2\)/);
  assert.match(text, /PASS correct\/pass_rate = 0\.5, meets the floor 0\.5/);
  assert.match(text, /FAIL errors = 1, above the ceiling 0\neval FAILED$/);
  const ok = buildEvalReport({ run: run(), rows: ROWS, thresholds: [], version: "x" });
  assert.equal(ok.passed, true, "no thresholds and a completed run pass");
  assert.equal(buildEvalReport({ run: run({ status: "failed", message: "no traces" }), rows: [], thresholds: [], version: "x" }).passed, false);
});

test("JUnit: one suite per run, a case per threshold (failure when failed), per aggregate and pass rate; valid XML", () => {
  const report = buildEvalReport({
    run: run(),
    rows: ROWS,
    thresholds: [parseThreshold(`${NASTY}/mean=3`, "under"), parseThreshold("correct/mean=0.5", "under"), parseThreshold("errors=0", "over")],
    version: "0.1.0",
  });
  const second = buildEvalReport({ run: run({ runId: "run-2", status: "failed", message: `bundle error: ${NASTY}` }), rows: [], thresholds: [], version: "0.1.0" });
  const xml = junitXml([report, second]);
  const root = parseXml(xml);
  assert.equal(root.name, "testsuites");
  const suites = findAll(root, "testsuite");
  assert.equal(suites.length, 2);
  const [s1, s2] = suites;
  const names = findAll(s1!, "testcase").map((c) => c.attrs.name);
  const forbidden = (c: string) => {
    const n = c.charCodeAt(0);
    return (n < 0x20 && c !== "\t" && c !== "\n" && c !== "\r") || n === 0xfffe || n === 0xd800;
  };
  const visible = (s: string) => [...s].map((c) => (forbidden(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)).join("");
  assert.deepEqual(names, [
    "run",
    `fail-under ${visible(NASTY)}/mean=3`,
    "fail-under correct/mean=0.5",
    "fail-over errors=0",
    "correct/mean",
    `${visible(NASTY)}/mean`,
    "correct/pass_rate",
  ]);
  assert.equal(s1!.attrs.tests, "7");
  assert.equal(s1!.attrs.failures, "2");
  assert.equal(s1!.attrs.errors, "0");
  assert.equal(s1!.attrs.time, "1.234");
  assert.equal(s1!.attrs.timestamp, "2025-01-02T03:04:05");
  const failures = findAll(s1!, "failure");
  assert.equal(failures.length, 2);
  assert.equal(failures[0]?.attrs.message, `${visible(NASTY)}/mean = 2, below the floor 3`, "escaped attribute text reads back exactly (tabs, newlines, CR kept)");
  assert.equal(failures[0]?.text, `${visible(NASTY)}/mean = 2, below the floor 3`);
  const props = findAll(s1!, "property").filter((p) => p.attrs.name === "value");
  assert.deepEqual(props.map((p) => p.attrs.value), ["0.5", "2", "0.5"]);
  assert.equal(s2!.attrs.errors, "1");
  assert.equal(findAll(s2!, "error")[0]?.attrs.message, `run failed: bundle error: ${visible(NASTY)}`);
  assert.equal(root.attrs.tests, "10", "7 + the failed run: run, and its 2 aggregates");
  assert.equal(root.attrs.failures, "2");
  assert.equal(root.attrs.errors, "1");
});

test("escaping: markup, quotes and every character XML forbids", () => {
  for (const s of [NASTY, "]]>", "&amp;", "\u0000", "\uDFFF\uD800", "x\r\ny"]) {
    const el = parseXml(`<r a="${escapeAttr(s)}">${escapeText(s)}</r>`);
    assert.equal(el.attrs.a, el.text, JSON.stringify(s));
  }
  assert.equal(escapeText("a\u0001b"), "a\\u0001b");
  assert.equal(escapeText("x\r\ny"), "x&#13;\ny");
  assert.throws(() => parseXml('<r a="1" a="2"/>'), /appears twice/, "the checker itself can fail");
  assert.throws(() => parseXml("<r>\u0001</r>"), /characters XML 1\.0 does not allow/);
  assert.throws(() => parseXml("<r>a & b</r>"), /an & that does not start a reference/);
  assert.throws(() => parseXml("<r><s></r></s>"), /closes <s>/);
  assert.throws(() => parseXml('<r a="&#1;"/>'), /character reference to a character XML does not allow/);
});

test("a run that called LLM judges: its judge usage is in the JSON report's run and in the text", () => {
  const judgeUsage = { calls: 3, inputTokens: 2_436, outputTokens: 290, costUsd: 0.000539, models: ["gpt-4o-mini"] };
  const report = buildEvalReport({ run: run({ judgeUsage }), rows: ROWS, thresholds: [], version: "x" });
  assert.deepEqual(EvalReport.parse(JSON.parse(JSON.stringify(report))).run.judgeUsage, judgeUsage);
  assert.match(reportSummaryText(report), /\n {2}Judge: 3 calls · 2,436 in \/ 290 out tokens · \$0\.0005 · gpt-4o-mini\n/);
  const plain = buildEvalReport({ run: run(), rows: ROWS, thresholds: [], version: "x" });
  assert.equal("judgeUsage" in plain.run, false);
  assert.doesNotMatch(reportSummaryText(plain), /Judge:/);
});
