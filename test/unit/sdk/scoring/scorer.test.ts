import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FeedbackResult } from "../../../../protocol/scoring";
import { Feedback, isScorer, runScorer, scorer, Scorer, scorerArgsFromTrace, type ScorerTrace } from "../../../../sdk/index";
import { SCORE_RAW, SCORER_BRAND } from "../../../../sdk/scoring/brand";
import { detail, span } from "./fixtures";

function only(results: FeedbackResult[]): FeedbackResult {
  assert.equal(results.length, 1, `expected one Feedback, got ${JSON.stringify(results)}`);
  return results[0] as FeedbackResult;
}

describe("scorer() definition forms and naming", () => {
  it("scorer(fn) takes the function's name", async () => {
    const isConcise = scorer(function isConcise({ outputs }: { outputs: string }) {
      return outputs.length < 10;
    });
    assert.equal(isConcise.name, "isConcise");
    assert.equal(isConcise.kind, "function");
    assert.equal(isConcise.aggregations, null);
    assert.equal(isConcise.description, null);
    const result = only(await isConcise({ outputs: "short" }));
    assert.deepEqual(result, { name: "isConcise", value: true, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: "isConcise" } });
  });

  it("scorer(fn) with a named const arrow takes the inferred name; an inline anonymous arrow is named \"scorer\"", async () => {
    const namedArrow = ({ outputs }: { outputs: string }) => outputs === "x";
    assert.equal(scorer(namedArrow).name, "namedArrow");
    const anonymous = scorer(({ outputs }) => outputs === "x");
    assert.equal(anonymous.name, "scorer");
    assert.equal(only(await anonymous({ outputs: "x" })).name, "scorer");
  });

  it("scorer(name, fn) and scorer({ name, aggregations, description }, fn)", async () => {
    const byName = scorer("exact_match", ({ outputs, expectations }: { outputs: string; expectations: { expected: string } }) => outputs === expectations.expected);
    assert.equal(byName.name, "exact_match");
    assert.equal(only(await byName({ outputs: "4", expectations: { expected: "4" } })).value, true);

    const median = (values: number[]) => values[0] ?? 0;
    const byOptions = scorer({ name: "length", aggregations: ["mean", "p90", median], description: "output length" }, function ignored({ outputs }: { outputs: string }) {
      return outputs.length;
    });
    assert.equal(byOptions.name, "length");
    assert.deepEqual(byOptions.aggregations, ["mean", "p90", median]);
    assert.equal(byOptions.description, "output length");
    assert.equal(only(await byOptions({ outputs: "abcd" })).value, 4);
    // Options without a name fall back to the function's name.
    assert.equal(scorer({ aggregations: ["max"] }, function fallback() { return 1; }).name, "fallback");
  });

  it("rejects bad definitions at definition time", () => {
    assert.throws(() => scorer({ aggregations: ["avg" as "mean"] }, () => 1), /unknown aggregation "avg"; use mean, min, max, median, variance, p90/);
    assert.throws(() => scorer({ name: "" }, () => 1), /name must be a non-empty string/);
    assert.throws(() => scorer("x", "not a function" as unknown as () => boolean), /must be a function/);
    assert.throws(() => scorer(42 as unknown as string, () => 1), /pass \(fn\), \(name, fn\)/);
    const existing = scorer("existing", () => 1);
    assert.throws(() => scorer(existing as unknown as () => number), /"existing" is already a scorer/);
    assert.throws(() => scorer({ description: 3 as unknown as string }, () => 1), /description must be a string/);
  });

  it("async scorers are awaited", async () => {
    const slow = scorer("slow", async ({ outputs }: { outputs: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return outputs.toUpperCase() === "OK" ? "yes" : "no";
    });
    assert.equal(only(await slow({ outputs: "ok" })).value, "yes");
  });

  it("a function scorer is a Scorer, branded, callable, with .run, .score (raw) and .fn", async () => {
    const fn = ({ outputs }: { outputs: number }) => outputs > 1;
    const s = scorer("gt1", fn);
    assert.equal(typeof s, "function");
    assert.ok(s instanceof Scorer);
    assert.ok(isScorer(s));
    assert.equal(s.fn, fn);
    assert.equal(s.score({ outputs: 2 }), true);
    assert.deepEqual(await s.run({ outputs: 2 }), await s({ outputs: 2 }));
    assert.equal(String(s), fn.toString());
    assert.equal(typeof s.bind, "function");
    assert.deepEqual(Object.keys(s).sort(), ["aggregations", "description", "kind", "name"]);
  });

  it("a scorer with only optional arguments can be called with none", async () => {
    const always = scorer("always", () => true);
    assert.equal(only(await always()).value, true);
  });

  it("destructures inputs, outputs, expectations and trace (direct unit-test call)", async () => {
    const seen: unknown[] = [];
    const spy = scorer("spy", ({ inputs, outputs, expectations, trace }) => {
      seen.push(inputs, outputs, expectations, trace?.info.trace_id);
      return undefined;
    });
    const args = scorerArgsFromTrace(detail([span({ spanId: "a".repeat(16), inputs: { q: "hi" }, outputs: "hello" })]));
    assert.deepEqual(await spy(args), []);
    assert.deepEqual(seen, [{ q: "hi" }, "hello", undefined, `tr-${"1".repeat(32)}`]);
  });
});

describe("Scorer class form", () => {
  class MaxLength extends Scorer<{ outputs: string }> {
    constructor(readonly limit: number) {
      super({ name: "max_length", aggregations: ["mean", "min"], description: "output is short enough" });
    }

    score({ outputs }: { outputs: string }) {
      return new Feedback({ value: outputs.length <= this.limit, rationale: `${outputs.length} chars, limit ${this.limit}` });
    }
  }

  it("holds configuration and runs through .run(args)", async () => {
    const short = new MaxLength(5);
    assert.equal(short.name, "max_length");
    assert.equal(short.kind, "class");
    assert.deepEqual(short.aggregations, ["mean", "min"]);
    assert.equal(short.description, "output is short enough");
    assert.ok(isScorer(short));
    const result = only(await short.run({ outputs: "abcdefg" }));
    assert.equal(result.name, "max_length");
    assert.equal(result.value, false);
    assert.equal(result.rationale, "7 chars, limit 5");
    assert.deepEqual(result.source, { type: "CODE", id: "max_length" });
    // runScorer treats instances like function scorers.
    assert.deepEqual(await runScorer(short, { outputs: "abc" }), await short.run({ outputs: "abc" }));
  });

  it("defaults the name to the subclass name; super(\"name\") sets it", async () => {
    class ToneCheck extends Scorer {
      score() {
        return "yes";
      }
    }
    class Named extends Scorer {
      constructor() {
        super("custom_name");
      }
      async score() {
        return 1;
      }
    }
    assert.equal(new ToneCheck().name, "ToneCheck");
    assert.equal(only(await new ToneCheck().run()).name, "ToneCheck");
    assert.equal(new Named().name, "custom_name");
    assert.equal(only(await new Named().run()).value, 1);
  });

  it("captures errors from score(), sync and async", async () => {
    class Broken extends Scorer {
      score(): boolean {
        throw new RangeError("bad range");
      }
    }
    class BrokenAsync extends Scorer {
      async score(): Promise<boolean> {
        throw new Error("async bad");
      }
    }
    const sync = only(await new Broken().run());
    assert.equal(sync.value, null);
    assert.equal(sync.error?.type, "RangeError");
    assert.equal(sync.error?.message, "bad range");
    assert.equal(only(await new BrokenAsync().run()).error?.message, "async bad");
  });

  it("validates aggregations in the constructor", () => {
    class Bad extends Scorer {
      constructor() {
        super({ aggregations: ["p99" as "p90"] });
      }
      score() {
        return 1;
      }
    }
    assert.throws(() => new Bad(), /Bad constructor "Bad": unknown aggregation "p99"/);
  });

  it("uses the trace argument", async () => {
    class UsesRetriever extends Scorer<{ trace: ScorerTrace }> {
      score({ trace }: { trace: ScorerTrace }) {
        return trace.searchSpans({ spanType: "RETRIEVER" }).length > 0;
      }
    }
    const root = span({ spanId: "a".repeat(16), name: "root" });
    const retriever = span({ spanId: "b".repeat(16), parentSpanId: "a".repeat(16), name: "search", spanType: "RETRIEVER" });
    const args = scorerArgsFromTrace(detail([root, retriever]));
    assert.equal(only(await new UsesRetriever().run(args)).value, true);
  });
});

describe("isScorer", () => {
  it("recognises both forms and rejects everything else", () => {
    class S extends Scorer {
      score() {
        return true;
      }
    }
    assert.ok(isScorer(scorer("x", () => true)));
    assert.ok(isScorer(new S()));
    for (const value of [S, Scorer, S.prototype, () => true, {}, null, undefined, "scorer", 1, new Feedback({ value: 1 })]) {
      assert.equal(isScorer(value), false, String(value));
    }
  });

  it("recognises a scorer from another copy of the SDK (registry symbols, not instanceof)", async () => {
    const foreign = {
      name: "foreign",
      aggregations: null,
      description: null,
      kind: "function" as const,
      [Symbol.for("scorelens.scorer")]: 1,
      [Symbol.for("scorelens.scorer.scoreRaw")]: () => ({ [Symbol.for("scorelens.feedback")]: 1, name: null, value: "yes", rationale: "ok", error: null, metadata: {}, source: { type: "CODE", id: null } }),
    };
    assert.equal(foreign[SCORER_BRAND], 1);
    assert.equal(typeof foreign[SCORE_RAW], "function");
    assert.ok(isScorer(foreign));
    assert.deepEqual(await runScorer(foreign, {}), [
      { name: "foreign", value: "yes", rationale: "ok", error: null, metadata: {}, source: { type: "CODE", id: "foreign" } },
    ]);
  });

  it("never throws on hostile values", () => {
    const hostile = new Proxy({}, {
      get() {
        throw new Error("trap");
      },
    });
    assert.equal(isScorer(hostile), false);
  });
});

describe("runScorer", () => {
  it("rejects non-scorers (a caller bug, not a scorer error)", async () => {
    await assert.rejects(runScorer({} as unknown as Scorer, {}), /expects a scorer/);
  });

  it("uses options.name for Feedbacks and error messages", async () => {
    const anonymous = scorer(() => ({ bad: true }) as unknown as boolean);
    const results = await runScorer(anonymous, {}, { name: "isPolite" });
    const result = only(results);
    assert.equal(result.name, "isPolite");
    assert.match(result.error?.message ?? "", /^scorer "isPolite" returned an object/);
    assert.equal(only(await runScorer(scorer(() => 1), {}, { name: "n" })).name, "n");
  });

  it("times out with an error Feedback when timeoutMs is given", async () => {
    const hang = scorer("hang", () => new Promise<boolean>(() => {}));
    const result = only(await runScorer(hang, {}, { timeoutMs: 10 }));
    assert.equal(result.error?.type, "ScorerTimeoutError");
    assert.match(result.error?.message ?? "", /did not finish within 10 ms/);
    const quick = scorer("quick", async () => true);
    assert.equal(only(await runScorer(quick, {}, { timeoutMs: 1000 })).value, true);
  });

  it("passes {} when called without arguments", async () => {
    let received: unknown;
    const s = scorer("args", (args) => {
      received = args;
      return 1;
    });
    await runScorer(s);
    assert.deepEqual(received, {});
  });
});
