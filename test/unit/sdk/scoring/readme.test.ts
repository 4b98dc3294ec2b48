/** The examples from sdk/README.md ("ScoreLens SDK: scorers"), kept compiling and passing. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aggregate, Feedback, runScorer, scorer, Scorer, ScorerTrace, type ScorerTrace as ScorerTraceType } from "../../../../sdk/index";
import { detail, span } from "./fixtures";

const exactMatch = scorer(function exact_match({ outputs, expectations }: { outputs: string; expectations: { expected_response: string } }) {
  return outputs === expectations.expected_response;
});

const isConcise = scorer("is_concise", ({ outputs }: { outputs: string }) => {
  const words = outputs.split(/\s+/).length;
  return new Feedback({ value: words <= 50 ? "yes" : "no", rationale: `${words} words` });
});

const responseChecks = scorer("response_checks", ({ outputs }: { outputs: string }) => [
  new Feedback({ name: "not_empty", value: outputs.trim().length > 0 }),
  new Feedback({ name: "length", value: outputs.length }),
]);

const usedRetrieval = scorer({ name: "used_retrieval", aggregations: ["mean"] }, ({ trace }: { trace: ScorerTraceType }) => {
  const retrievers = trace.searchSpans({ spanType: "RETRIEVER" });
  if (retrievers.length === 0) return undefined;
  return retrievers.every((span) => span.status.code !== "ERROR");
});

class ResponseLength extends Scorer<{ outputs: string }> {
  constructor(private readonly maxChars: number) {
    super({ name: "response_length", aggregations: ["mean", "min", "max", "p90"] });
  }
  async score({ outputs }: { outputs: string }) {
    return outputs.length <= this.maxChars;
  }
}
const shortAnswers = new ResponseLength(5);

describe("README examples", () => {
  it("run as documented", async () => {
    assert.equal((await exactMatch({ outputs: "4", expectations: { expected_response: "4" } }))[0]?.value, true);
    assert.equal(exactMatch.name, "exact_match");

    const concise = await isConcise({ outputs: "two words" });
    assert.deepEqual([concise[0]?.name, concise[0]?.value, concise[0]?.rationale], ["is_concise", "yes", "2 words"]);

    assert.deepEqual(
      (await responseChecks({ outputs: "hi" })).map((r) => [r.name, r.value]),
      [
        ["not_empty", true],
        ["length", 2],
      ],
    );

    const noRetrieval = new ScorerTrace(detail([span({ spanId: "a".repeat(16) })]));
    assert.deepEqual(await usedRetrieval({ trace: noRetrieval }), []);
    const withRetrieval = new ScorerTrace(detail([span({ spanId: "a".repeat(16) }), span({ spanId: "b".repeat(16), parentSpanId: "a".repeat(16), spanType: "RETRIEVER" })]));
    assert.equal((await usedRetrieval({ trace: withRetrieval }))[0]?.value, true);

    const examples = ["abc", "abcdefgh", "ok", "four"].map((outputs) => ({ outputs }));
    const results = (await Promise.all(examples.map((args) => runScorer(shortAnswers, args)))).flat();
    const metrics = aggregate(results, shortAnswers.aggregations);
    assert.deepEqual(
      metrics.map((m) => [m.name, m.value]),
      [
        ["response_length/mean", 0.75],
        ["response_length/min", 0],
        ["response_length/max", 1],
        ["response_length/p90", 1],
      ],
    );
  });
});
