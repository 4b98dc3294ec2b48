import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AggregateMetric } from "../../../../protocol/scoring";
import { AGGREGATIONS } from "../../../../protocol/scoring";
import { aggregate, AGGREGATION_NAMES, Feedback, numericValue, runScorer, scorer, type AggregatableResult } from "../../../../sdk/index";

const ok = (name: string, value: unknown): AggregatableResult => ({ name, value, error: null });
const failed = (name: string): AggregatableResult => ({ name, value: null, error: { type: "Error", message: "x", stack: null } });

function metric(metrics: AggregateMetric[], name: string): AggregateMetric {
  const found = metrics.find((m) => m.name === name);
  assert.ok(found, `no metric ${name} in ${JSON.stringify(metrics.map((m) => m.name))}`);
  return found;
}

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${String(actual)}`);
}

describe("aggregate", () => {
  it("lists the same built-ins as the protocol", () => {
    assert.deepEqual([...AGGREGATION_NAMES], [...AGGREGATIONS]);
  });

  it("defaults to mean, named {assessment}/mean", () => {
    const metrics = aggregate([ok("correct", 1), ok("correct", 0), ok("correct", 0.5)], null);
    assert.deepEqual(metrics, [{ name: "correct/mean", assessment: "correct", aggregation: "mean", value: 0.5, count: 3, note: null }]);
    assert.deepEqual(aggregate([ok("a", 2)]), [{ name: "a/mean", assessment: "a", aggregation: "mean", value: 2, count: 1, note: null }]);
  });

  it("booleans and yes/no count as 1/0 (yes/no case-insensitive)", () => {
    const metrics = aggregate([ok("p", true), ok("p", false), ok("p", "yes"), ok("p", "no"), ok("p", "YES"), ok("p", " No ")], ["mean", "max", "min"]);
    close(metric(metrics, "p/mean").value, 0.5);
    assert.equal(metric(metrics, "p/mean").count, 6);
    assert.equal(metric(metrics, "p/max").value, 1);
    assert.equal(metric(metrics, "p/min").value, 0);
    assert.equal(numericValue("yes"), 1);
    assert.equal(numericValue("no"), 0);
    assert.equal(numericValue("0.5"), null);
    assert.equal(numericValue(NaN), null);
  });

  it("other strings and non-numeric values are excluded with a note", () => {
    const metrics = aggregate([ok("t", 1), ok("t", "great"), ok("t", "meh"), ok("t", { score: 1 }), ok("t", 3)], ["mean"]);
    const mean = metric(metrics, "t/mean");
    assert.equal(mean.value, 2);
    assert.equal(mean.count, 2);
    assert.equal(mean.note, "3 non-numeric values excluded; return bool, number or yes/no");
    assert.equal(metric(aggregate([ok("u", 1), ok("u", "x")]), "u/mean").note, "1 non-numeric value excluded; return bool, number or yes/no");
  });

  it("errors are excluded and counted", () => {
    const metrics = aggregate([ok("e", 4), failed("e"), failed("e"), ok("e", "text")], ["mean"]);
    const mean = metric(metrics, "e/mean");
    assert.equal(mean.value, 4);
    assert.equal(mean.count, 1);
    assert.equal(mean.note, "2 errors excluded; 1 non-numeric value excluded; return bool, number or yes/no");
  });

  it("with nothing left, the value is null and the note says why", () => {
    const metrics = aggregate([failed("z"), ok("z", "maybe")], ["mean", "p90"]);
    for (const m of metrics) {
      assert.equal(m.value, null);
      assert.equal(m.count, 0);
      assert.equal(m.note, "1 error excluded; 1 non-numeric value excluded; return bool, number or yes/no; no numeric values to aggregate");
    }
  });

  it("every built-in on an even count", () => {
    const metrics = aggregate([4, 1, 3, 2].map((v) => ok("n", v)), ["mean", "min", "max", "median", "variance", "p90"]);
    assert.deepEqual(
      metrics.map((m) => m.name),
      ["n/mean", "n/min", "n/max", "n/median", "n/variance", "n/p90"],
    );
    close(metric(metrics, "n/mean").value, 2.5);
    assert.equal(metric(metrics, "n/min").value, 1);
    assert.equal(metric(metrics, "n/max").value, 4);
    close(metric(metrics, "n/median").value, 2.5); // mean of the two middle values
    close(metric(metrics, "n/variance").value, 1.25); // population variance (np.var): 5 / 4, not 5 / 3
    close(metric(metrics, "n/p90").value, 3.7); // np.percentile([1,2,3,4], 90) = 3 + 0.7 × (4 − 3)
  });

  it("every built-in on an odd count", () => {
    const metrics = aggregate([5, 1, 3].map((v) => ok("n", v)), ["median", "variance", "p90", "mean"]);
    assert.equal(metric(metrics, "n/median").value, 3);
    close(metric(metrics, "n/variance").value, 8 / 3);
    close(metric(metrics, "n/p90").value, 4.6); // rank 0.9 × 2 = 1.8: 3 + 0.8 × (5 − 3)
    close(metric(metrics, "n/mean").value, 3);
  });

  it("a single value: median and p90 are the value, variance is 0", () => {
    const metrics = aggregate([ok("one", 7)], ["median", "p90", "variance"]);
    assert.deepEqual(
      metrics.map((m) => m.value),
      [7, 7, 0],
    );
  });

  it("p90 matches numpy on a longer list", () => {
    const values = Array.from({ length: 11 }, (_, i) => i * 10); // 0..100
    close(metric(aggregate(values.map((v) => ok("l", v)), ["p90"]), "l/p90").value, 90);
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20: rank 17.1 → 18.1
    close(metric(aggregate(twenty.map((v) => ok("l", v)), ["p90"]), "l/p90").value, 18.1);
  });

  it("mean is accurate on mixed magnitudes", () => {
    const values = [1e16, 1, -1e16, 1];
    close(metric(aggregate(values.map((v) => ok("m", v))), "m/mean").value, 0.5);
  });

  it("custom functions use their name (or \"custom\") and receive a copy of the numeric values", () => {
    const seen: number[][] = [];
    function passRate(values: number[]): number {
      seen.push(values);
      values.push(999); // mutating the copy must not affect other aggregations
      return values.filter((v) => v >= 0.5).length / (values.length - 1);
    }
    const metrics = aggregate([ok("c", true), ok("c", 0.2), ok("c", "yes"), ok("c", "skip")], [passRate, "max", (values) => values.length]);
    assert.deepEqual(seen, [[1, 0.2, 1, 999]]);
    close(metric(metrics, "c/passRate").value, 3 / 3);
    assert.equal(metric(metrics, "c/max").value, 1);
    const custom = metric(metrics, "c/custom");
    assert.equal(custom.value, 3);
    assert.equal(custom.aggregation, "custom");
    assert.equal(custom.count, 3);
    assert.equal(custom.note, "1 non-numeric value excluded; return bool, number or yes/no");
  });

  it("a custom function that throws or returns a non-number gives null with a note", () => {
    const metrics = aggregate([ok("c", 1)], [
      function boom(): number {
        throw new Error("nope");
      },
      function nan(): number {
        return NaN;
      },
      function text(): number {
        return "x" as unknown as number;
      },
    ]);
    assert.deepEqual(
      metrics.map((m) => [m.name, m.value, m.note]),
      [
        ["c/boom", null, 'custom aggregation "boom" failed: nope'],
        ["c/nan", null, 'custom aggregation "nan" returned NaN, not a finite number'],
        ["c/text", null, 'custom aggregation "text" returned string, not a finite number'],
      ],
    );
  });

  it("groups by assessment name in order of first appearance (multi-Feedback scorers)", async () => {
    const multi = scorer({ name: "multi", aggregations: ["mean", "min"] }, ({ outputs }: { outputs: string }) => [
      new Feedback({ name: "short", value: outputs.length < 5 }),
      new Feedback({ name: "length", value: outputs.length }),
    ]);
    const results = [...(await runScorer(multi, { outputs: "abc" })), ...(await runScorer(multi, { outputs: "abcdefg" }))];
    const metrics = aggregate(results, multi.aggregations);
    assert.deepEqual(
      metrics.map((m) => [m.name, m.value]),
      [
        ["short/mean", 0.5],
        ["short/min", 0],
        ["length/mean", 5],
        ["length/min", 3],
      ],
    );
  });

  it("an empty result list gives no metrics", () => {
    assert.deepEqual(aggregate([], ["mean"]), []);
  });
});
