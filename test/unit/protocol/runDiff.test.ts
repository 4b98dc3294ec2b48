/** Comparing two evaluation runs: value classes, change kinds, row matching, stats, aggregates, compatibility. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  classifyChange,
  compatible,
  diffRuns,
  numberOf,
  passOf,
  RunDiff,
  sameScorerSet,
  sideValue,
  verdictOf,
  type SideValue,
} from "../../../protocol/runDiff";
import { NO_TRACE_STATE, type AggregateMetric, type EvalRun, type FeedbackResult, type RunResultRow, type TraceSelection } from "../../../protocol/scoring";

function fb(name: string, value: unknown, o: { rationale?: string; error?: string } = {}): FeedbackResult {
  return {
    name,
    value: o.error ? null : value,
    rationale: o.rationale ?? null,
    error: o.error ? { type: "ScorerError", message: o.error, stack: null } : null,
    metadata: {},
    source: { type: "CODE", id: name },
  };
}

function row(traceId: string, feedbacks: FeedbackResult[], o: Partial<RunResultRow> = {}): RunResultRow {
  return { traceId, traceName: `name-${traceId}`, traceState: "OK", feedbacks, durationMs: 1, logs: [], datasetRow: null, ...o };
}

function agg(assessment: string, aggregation: string, value: number | null): AggregateMetric {
  return { name: `${assessment}/${aggregation}`, assessment, aggregation, value, count: 3, note: null };
}

function run(id: string, o: Partial<EvalRun> = {}): EvalRun {
  return {
    runId: id,
    scorers: [{ name: "correct", file: "/w/s.ts", sourceHash: "h1" }],
    selection: { kind: "lastN", n: 100 },
    selectionLabel: "last 100 traces",
    status: "completed",
    startedMs: 1000,
    durationMs: 50,
    traceCount: 3,
    scoredCount: 3,
    errorCount: 0,
    aggregates: [],
    message: null,
    ...o,
  };
}

const sv = (f: FeedbackResult): SideValue => sideValue(f);

test("passOf / numberOf: booleans and yes/no are pass/fail, finite numbers are numbers", () => {
  assert.equal(passOf(true), true);
  assert.equal(passOf(" YES "), true);
  assert.equal(passOf("No"), false);
  assert.equal(passOf("maybe"), null);
  assert.equal(passOf(1), null);
  assert.equal(numberOf(0.5), 0.5);
  assert.equal(numberOf("0.5"), null);
  assert.equal(numberOf(Number.NaN), null);
  assert.equal(numberOf(Infinity), null);
});

test("sideValue: kinds, capped text, rationale and error text", () => {
  assert.deepEqual(sv(fb("a", "yes", { rationale: "why" })), { kind: "pass", text: "yes", number: null, rationale: "why", error: null });
  assert.equal(sv(fb("a", false)).kind, "fail");
  assert.deepEqual(sv(fb("a", 0.25)), { kind: "number", text: "0.25", number: 0.25, rationale: null, error: null });
  assert.equal(sv(fb("a", null)).kind, "null");
  assert.equal(sv(fb("a", { k: [1] })).text, '{"k":[1]}');
  const e = sv(fb("a", 1, { error: "boom" }));
  assert.equal(e.kind, "error");
  assert.equal(e.error, "ScorerError: boom");
  const long = sideValue(fb("a", "x".repeat(50), { rationale: "r".repeat(50) }), 10);
  assert.equal(long.text, `${"x".repeat(9)}…`);
  assert.equal(long.rationale?.length, 10);
});

test("classifyChange: pass/fail flips, errors, fixes, added/removed", () => {
  const P = sv(fb("a", true));
  const F = sv(fb("a", "no"));
  const E = sv(fb("a", 1, { error: "x" }));
  assert.deepEqual(classifyChange(P, F, 0.1), { kind: "pass→fail", direction: "regression", delta: null });
  assert.deepEqual(classifyChange(F, P, 0.1), { kind: "fail→pass", direction: "improvement", delta: null });
  assert.equal(classifyChange(P, sv(fb("a", "Yes")), 0.1).kind, "same", "true and 'Yes' are both a pass");
  assert.deepEqual(classifyChange(P, E, 0.1), { kind: "error", direction: "regression", delta: null });
  assert.deepEqual(classifyChange(E, F, 0.1), { kind: "fixed", direction: "improvement", delta: null });
  assert.equal(classifyChange(E, sv(fb("a", 1, { error: "other message" })), 0.1).kind, "same", "still an error");
  assert.deepEqual(classifyChange(null, P, 0.1), { kind: "added", direction: "neutral", delta: null });
  assert.deepEqual(classifyChange(null, E, 0.1), { kind: "error", direction: "regression", delta: null });
  assert.deepEqual(classifyChange(P, null, 0.1), { kind: "removed", direction: "neutral", delta: null });
});

test("classifyChange: numbers beyond the absolute threshold change, direction by sign (or lowerIsBetter)", () => {
  const n = (v: number) => sv(fb("a", v));
  assert.equal(classifyChange(n(0.8), n(0.75), 0.1).kind, "same");
  assert.equal(classifyChange(n(0.8), n(0.7), 0.1).kind, "same", "exactly the threshold (0.8 − 0.7 has float noise) is not more than it");
  const down = classifyChange(n(0.8), n(0.6), 0.1);
  assert.equal(down.kind, "changed");
  assert.equal(down.direction, "regression");
  assert.ok(Math.abs((down.delta ?? 0) + 0.2) < 1e-12);
  assert.equal(classifyChange(n(0.2), n(0.9), 0.1).direction, "improvement");
  assert.equal(classifyChange(n(120), n(300), 0.1, true).direction, "regression", "lower is better: up is worse");
  assert.equal(classifyChange(n(1), n(1.000001), 0).kind, "changed", "threshold 0 flags any real change");
  assert.equal(classifyChange(n(1), n(1), 0).kind, "same");
});

test("classifyChange: text and type changes have no direction", () => {
  assert.deepEqual(classifyChange(sv(fb("a", "polite")), sv(fb("a", "rude")), 0.1), { kind: "changed", direction: "neutral", delta: null });
  assert.equal(classifyChange(sv(fb("a", "polite")), sv(fb("a", "polite")), 0.1).kind, "same");
  assert.equal(classifyChange(sv(fb("a", "yes")), sv(fb("a", 0.7)), 0.1).direction, "neutral");
  assert.equal(classifyChange(sv(fb("a", null)), sv(fb("a", 1)), 0.1).kind, "changed");
});

test("verdictOf: better/worse by direction, changed without one, unknown with a missing side", () => {
  assert.equal(verdictOf(0.5, 0.6, "higher"), "better");
  assert.equal(verdictOf(0.5, 0.4, "higher"), "worse");
  assert.equal(verdictOf(3, 1, "lower"), "better");
  assert.equal(verdictOf(0.5, 0.6, null), "changed");
  assert.equal(verdictOf(0.5, 0.5, "higher"), "same");
  assert.equal(verdictOf(0.1 + 0.2, 0.3, "higher"), "same");
  assert.equal(verdictOf(null, 0.5, "higher"), "unknown");
  assert.equal(verdictOf(null, null, "higher"), "same");
});

test("diffRuns: pass rates, error counts, aggregates and the flipped rows, regressions first", () => {
  const base = run("r1", { aggregates: [agg("correct", "mean", 0.75), agg("score", "mean", 0.5), agg("score", "variance", 0.1)] });
  const head = run("r2", { startedMs: 2000, aggregates: [agg("correct", "mean", 0.5), agg("score", "mean", 0.6), agg("score", "variance", 0.2), agg("latency", "mean", 3)] });
  const baseRows = [
    row("t1", [fb("correct", true, { rationale: "matches" }), fb("score", 0.9)]),
    row("t2", [fb("correct", false), fb("score", 0.2)]),
    row("t3", [fb("correct", true), fb("score", 0.5)]),
    row("t4", [fb("correct", "yes"), fb("score", 0.5, { error: "timeout" })]),
    row("gone", [fb("correct", true)]),
  ];
  const headRows = [
    row("t1", [fb("correct", false, { rationale: "wrong city" }), fb("score", 0.4)]),
    row("t2", [fb("correct", true), fb("score", 0.25)]),
    row("t3", [fb("correct", true), fb("score", 0.5, { error: "boom" })]),
    row("t4", [fb("correct", "YES"), fb("score", 0.7)]),
    row("new", [fb("correct", false)]),
  ];
  const d = diffRuns({ run: base, rows: baseRows }, { run: head, rows: headRows });
  assert.doesNotThrow(() => RunDiff.parse(d), "the result fits its schema");
  assert.equal(d.threshold, 0.1);
  assert.deepEqual(d.rows, { base: 5, head: 5, matched: 4, onlyBase: 1, onlyHead: 1, changed: 4, regressions: 2, improvements: 2 });
  assert.deepEqual(
    d.flipped.map((r) => [r.key, r.direction, r.changes.map((c) => c.kind)]),
    [
      ["trace:t1", "regression", ["pass→fail", "changed"]],
      ["trace:t3", "regression", ["same", "error"]],
      ["trace:t2", "improvement", ["fail→pass", "same"]],
      ["trace:t4", "improvement", ["same", "fixed"]],
    ],
  );
  const t1 = d.flipped[0];
  assert.equal(t1?.regressions, 2);
  assert.equal(t1?.traceName, "name-t1");
  assert.equal(t1?.headTraceId, "t1");
  assert.equal(t1?.changes[0]?.base?.rationale, "matches");
  assert.equal(t1?.changes[0]?.head?.rationale, "wrong city");

  const correct = d.assessments.find((a) => a.name === "correct");
  assert.equal(correct?.base.passRate, 4 / 5);
  assert.equal(correct?.head.passRate, 3 / 5);
  assert.ok(Math.abs((correct?.passRateDelta ?? 0) + 0.2) < 1e-12);
  assert.equal(correct?.passRateVerdict, "worse");
  assert.equal(correct?.changes["pass→fail"], 1);
  assert.equal(correct?.changes["fail→pass"], 1);
  assert.equal(correct?.changes.same, 2);
  const score = d.assessments.find((a) => a.name === "score");
  assert.equal(score?.base.errorCount, 1);
  assert.equal(score?.head.errorCount, 1);
  assert.equal(score?.errorDelta, 0);
  assert.equal(score?.errorVerdict, "same");
  assert.equal(score?.base.passRate, null);
  assert.equal(score?.passRateVerdict, "same");
  assert.equal(score?.head.numericCount, 3);
  assert.equal(score?.changes.changed, 1);
  assert.equal(score?.changedWorse, 1, "0.9 → 0.4");
  assert.equal(score?.changedBetter, 0, "0.2 → 0.25 is within the threshold");
  assert.ok(Math.abs((score?.head.mean ?? 0) - (0.4 + 0.25 + 0.7) / 3) < 1e-12);

  const byName = new Map(d.aggregates.map((a) => [a.name, a]));
  assert.deepEqual([...byName.keys()], ["correct/mean", "score/mean", "score/variance", "latency/mean"]);
  assert.equal(byName.get("correct/mean")?.verdict, "worse");
  assert.equal(byName.get("score/mean")?.verdict, "better");
  assert.equal(byName.get("score/variance")?.verdict, "changed", "variance has no better direction");
  assert.equal(byName.get("latency/mean")?.verdict, "unknown");
  assert.equal(byName.get("latency/mean")?.base, null);
  assert.equal(byName.get("latency/mean")?.delta, null);
});

test("diffRuns: lowerIsBetter flips numeric rows and aggregates", () => {
  const base = run("r1", { aggregates: [agg("latency", "mean", 100)] });
  const head = run("r2", { aggregates: [agg("latency", "mean", 80)] });
  const d = diffRuns(
    { run: base, rows: [row("a", [fb("latency", 100)]), row("b", [fb("latency", 50)])] },
    { run: head, rows: [row("a", [fb("latency", 60)]), row("b", [fb("latency", 100)])] },
    { lowerIsBetter: ["latency"], threshold: 5 },
  );
  assert.equal(d.aggregates[0]?.verdict, "better");
  assert.deepEqual(
    d.flipped.map((r) => [r.key, r.direction]),
    [
      ["trace:b", "regression"],
      ["trace:a", "improvement"],
    ],
  );
  assert.equal(d.assessments[0]?.lowerIsBetter, true);
  assert.equal(d.assessments[0]?.changedWorse, 1);
  assert.equal(d.assessments[0]?.changedBetter, 1);
});

test("diffRuns: the threshold decides which numeric rows are listed", () => {
  const rows = (vals: number[]) => vals.map((v, i) => row(`t${i}`, [fb("s", v)]));
  const b = { run: run("r1"), rows: rows([0.5, 0.5, 0.5]) };
  const h = { run: run("r2"), rows: rows([0.55, 0.65, 0.95]) };
  assert.equal(diffRuns(b, h).flippedTotal, 2);
  assert.equal(diffRuns(b, h, { threshold: 0.3 }).flippedTotal, 1);
  assert.equal(diffRuns(b, h, { threshold: 0 }).flippedTotal, 3);
  assert.equal(diffRuns(b, b).flippedTotal, 0, "a run against itself has no changes");
});

test("diffRuns: dataset rows match by row index for the same dataset; rows without a trace never match another dataset", () => {
  const ds = (name: string): TraceSelection => ({ kind: "dataset", name });
  const noTrace = (idx: number, v: unknown) => row(`row-${idx}`, [fb("ok", v)], { datasetRow: idx, traceState: NO_TRACE_STATE, traceName: `row ${idx}` });
  const base = { run: run("r1", { selection: ds("golden") }), rows: [noTrace(0, true), noTrace(1, true), row("abc", [fb("ok", true)], { datasetRow: 2 })] };
  const head = { run: run("r2", { selection: ds("golden") }), rows: [noTrace(1, false), noTrace(0, true), row("xyz", [fb("ok", false)], { datasetRow: 2 })] };
  const d = diffRuns(base, head);
  assert.equal(d.rows.matched, 3);
  assert.deepEqual(
    d.flipped.map((r) => [r.key, r.baseTraceId, r.headTraceId, r.datasetRow]),
    [
      ["row:1", null, null, 1],
      ["row:2", "abc", "xyz", 2],
    ],
    "matched by index, even when the row's trace changed",
  );
  const other = diffRuns(base, { ...head, run: run("r2", { selection: ds("other") }) });
  assert.equal(other.rows.matched, 0, "different datasets: only traces match, and these rows have none in common");
  const mixed = diffRuns(base, { run: run("r3"), rows: [row("abc", [fb("ok", false)])] });
  assert.equal(mixed.rows.matched, 1, "a dataset row with a trace matches that trace in a trace run");
});

test("diffRuns: the same trace twice in one run, assessments on one side only, several scorers per row", () => {
  const base = { run: run("r1"), rows: [row("t", [fb("a", true)]), row("t", [fb("a", true)])] };
  const head = { run: run("r2"), rows: [row("t", [fb("a", true), fb("b", 0.3)]), row("t", [fb("a", false), fb("a", true)])] };
  const d = diffRuns(base, head);
  assert.equal(d.rows.matched, 2);
  assert.deepEqual(
    d.flipped.map((r) => [r.key, r.changes.map((c) => `${c.name}:${c.kind}`)]),
    [
      ["trace:t#2", ["a:pass→fail"]],
      ["trace:t", ["a:same", "b:added"]],
    ],
    "the first feedback of a name counts; an assessment only in head is 'added'",
  );
  assert.equal(d.flipped[1]?.direction, "neutral");
  assert.equal(d.assessments.find((a) => a.name === "b")?.base.rows, 0);
});

test("diffRuns: the flipped list is capped, counts are not; long texts are capped", () => {
  const n = 50;
  const mk = (v: boolean) => Array.from({ length: n }, (_, i) => row(`t${i}`, [fb("a", v, { rationale: "r".repeat(5000) })]));
  const d = diffRuns({ run: run("r1"), rows: mk(true) }, { run: run("r2"), rows: mk(false) }, { maxFlipped: 10, maxText: 100 });
  assert.equal(d.flipped.length, 10);
  assert.equal(d.flippedTotal, n);
  assert.equal(d.truncated, true);
  assert.equal(d.rows.regressions, n);
  assert.equal(d.flipped[0]?.changes[0]?.head?.rationale?.length, 100);
  assert.deepEqual(
    d.flipped.map((r) => r.key),
    Array.from({ length: 10 }, (_, i) => `trace:t${i}`),
    "ties keep the head run's order",
  );
});

test("compatible / sameScorerSet: warn on different scorers, note code and selection changes", () => {
  const a = run("r1");
  const same = compatible(a, run("r2", { startedMs: 2000 }));
  assert.deepEqual(same, { sameScorers: true, warnings: [], notes: [] });
  const code = compatible(a, run("r2", { startedMs: 2000, scorers: [{ name: "correct", file: "/w/s.ts", sourceHash: "h2" }] }));
  assert.equal(code.sameScorers, true);
  assert.deepEqual(code.notes, ["The code of correct changed between the runs."]);
  const diff = compatible(a, run("r2", { scorers: [{ name: "polite", file: "/w/s.ts", sourceHash: "h" }], selection: { kind: "filter", filter: "x", limit: 10 }, selectionLabel: "filter: x" }));
  assert.equal(diff.sameScorers, false);
  assert.match(diff.warnings[0] ?? "", /only in base: correct; only in head: polite/);
  assert.ok(diff.notes.some((x) => /Different selections/.test(x)));
  const partial = compatible(run("r1", { startedMs: 5000, status: "cancelled" }), run("r2", { status: "failed" }));
  assert.ok(partial.warnings.some((w) => /head run failed/.test(w)));
  assert.ok(partial.notes.some((x) => /base run was cancelled/.test(x)));
  assert.ok(partial.notes.some((x) => /base run is newer/.test(x)));
  assert.match(compatible(a, a).warnings.join(" "), /same run/);

  assert.equal(sameScorerSet(a.scorers, [{ name: "correct", file: "/w/s.ts", sourceHash: "other" }]), true, "source hashes may differ");
  assert.equal(sameScorerSet(a.scorers, [{ name: "correct", file: "/w/t.ts", sourceHash: "h1" }]), false);
  assert.equal(
    sameScorerSet(
      [
        { name: "x", file: "f", sourceHash: "" },
        { name: "y", file: "f", sourceHash: "" },
      ],
      [
        { name: "y", file: "f", sourceHash: "1" },
        { name: "x", file: "f", sourceHash: "2" },
      ],
    ),
    true,
    "order does not matter",
  );
});
