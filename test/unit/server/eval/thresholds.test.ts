/** --fail-under / --fail-over: parsing, evaluation, missing metrics; pass rates from rows. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AggregateMetric, FeedbackResult } from "../../../../protocol/scoring";
import { summarizeAssessments } from "../../../../server/eval/passRates";
import { evaluateThresholds, parseThreshold, ThresholdSyntaxError, type RunFacts } from "../../../../server/eval/thresholds";

function fb(name: string, value: unknown, error = false): FeedbackResult {
  return {
    name,
    value: error ? null : value,
    rationale: null,
    error: error ? { type: "Error", message: "boom", stack: null } : null,
    metadata: {},
    source: { type: "CODE", id: name },
  };
}

function agg(assessment: string, aggregation: string, value: number | null, note: string | null = null): AggregateMetric {
  return { name: `${assessment}/${aggregation}`, assessment, aggregation, value, count: 3, note };
}

test("pass rates: booleans and yes/no count, errors and other values don't", () => {
  const rows = [
    { feedbacks: [fb("correct", true), fb("len", 10), fb("tone", "Yes ")] },
    { feedbacks: [fb("correct", "no"), fb("len", 20), fb("tone", "maybe")] },
    { feedbacks: [fb("correct", null, true), fb("len", "n/a")] },
    { feedbacks: [fb("correct", "yes")] },
  ];
  assert.deepEqual(summarizeAssessments(rows), [
    { name: "correct", count: 4, errors: 1, passed: 2, failed: 1, passRate: 2 / 3 },
    { name: "len", count: 3, errors: 0, passed: 0, failed: 0, passRate: null },
    { name: "tone", count: 2, errors: 0, passed: 1, failed: 0, passRate: 1 },
  ]);
});

test("parse: METRIC=NUMBER, assessment before the last slash, percentages for pass rates", () => {
  assert.deepEqual(parseThreshold("relevance/mean=0.8", "under"), {
    text: "--fail-under relevance/mean=0.8",
    metric: "relevance/mean",
    assessment: "relevance",
    stat: "mean",
    op: "under",
    limit: 0.8,
  });
  assert.equal(parseThreshold("correct/pass_rate=90%", "under").limit, 0.9);
  const nested = parseThreshold("judges/tone/p90 = 3", "over");
  assert.deepEqual([nested.assessment, nested.stat, nested.limit], ["judges/tone", "p90", 3]);
  const errors = parseThreshold("errors=0", "over");
  assert.deepEqual([errors.metric, errors.assessment, errors.stat], ["errors", null, "errors"]);
  assert.equal(parseThreshold("len/errors=2", "over").assessment, "len");
});

test("parse errors say what is wrong", () => {
  const bad: Array<[string, "under" | "over", RegExp]> = [
    ["relevance", "under", /expected METRIC=NUMBER/],
    ["=3", "under", /the metric before "=" is missing/],
    ["relevance=0.8", "under", /"relevance" is not a metric; write ASSESSMENT\/STAT \(e\.g\. relevance\/mean/],
    ["relevance/mean=high", "under", /"high" is not a number/],
    ["relevance/mean=", "under", /"" is not a number/],
    ["relevance/mean=80%", "under", /a percentage only makes sense for a pass_rate/],
    ["errors=0", "under", /an error count is a ceiling; use --fail-over errors=0/],
    ["x/errors=1", "under", /use --fail-over x\/errors=1/],
    ["x/pass_rate=1.5", "under", /between 0 and 1/],
  ];
  for (const [spec, op, message] of bad) {
    assert.throws(() => parseThreshold(spec, op), (e) => e instanceof ThresholdSyntaxError && message.test(e.message), spec);
  }
});

test("evaluate: floors and ceilings, aggregates, pass rates, error counts", () => {
  const facts: RunFacts = {
    aggregates: [agg("relevance", "mean", 0.72), agg("len", "p90", 120), agg("len", "mean", 100)],
    assessments: [
      { name: "relevance", count: 10, errors: 0, passed: 0, failed: 0, passRate: null },
      { name: "correct", count: 10, errors: 2, passed: 6, failed: 2, passRate: 0.75 },
    ],
    errorCount: 2,
  };
  const specs = [
    parseThreshold("relevance/mean=0.8", "under"),
    parseThreshold("len/mean=100", "under"),
    parseThreshold("len/p90=150", "over"),
    parseThreshold("correct/pass_rate=75%", "under"),
    parseThreshold("correct/pass_rate=0.8", "under"),
    parseThreshold("errors=1", "over"),
    parseThreshold("correct/errors=2", "over"),
  ];
  const results = evaluateThresholds(specs, facts);
  assert.deepEqual(
    results.map((r) => [r.passed, r.actual, r.message]),
    [
      [false, 0.72, "relevance/mean = 0.72, below the floor 0.8"],
      [true, 100, "len/mean = 100, meets the floor 100"],
      [true, 120, "len/p90 = 120, within the ceiling 150"],
      [true, 0.75, "correct/pass_rate = 0.75, meets the floor 0.75"],
      [false, 0.75, "correct/pass_rate = 0.75, below the floor 0.8"],
      [false, 2, "errors = 2, above the ceiling 1"],
      [true, 2, "correct/errors = 2, within the ceiling 2"],
    ],
  );
});

test("a metric the run doesn't have fails, listing what it has", () => {
  const facts: RunFacts = {
    aggregates: [agg("len", "mean", 10), agg("tone", "mean", null, "3 non-numeric values excluded")],
    assessments: [
      { name: "len", count: 3, errors: 0, passed: 0, failed: 0, passRate: null },
      { name: "ok", count: 3, errors: 0, passed: 3, failed: 0, passRate: 1 },
    ],
    errorCount: 0,
  };
  const [missing, noValue, noPass, noAssessment] = evaluateThresholds(
    [parseThreshold("relevance/mean=0.8", "under"), parseThreshold("tone/mean=1", "under"), parseThreshold("len/pass_rate=1", "under"), parseThreshold("nope/errors=0", "over")],
    facts,
  );
  assert.equal(missing?.passed, false);
  assert.equal(missing?.actual, null);
  assert.equal(
    missing?.message,
    '--fail-under relevance/mean=0.8: no metric "relevance/mean" in this run; available: len/mean, tone/mean, len/errors, ok/pass_rate, ok/errors, errors',
  );
  assert.match(noValue?.message ?? "", /"tone\/mean" has no value \(3 non-numeric values excluded\)/);
  assert.match(noPass?.message ?? "", /"len" has no pass\/fail values .*available: /);
  assert.match(noAssessment?.message ?? "", /no assessment "nope" in this run/);
  assert.ok([noValue, noPass, noAssessment].every((r) => r?.passed === false));
});
