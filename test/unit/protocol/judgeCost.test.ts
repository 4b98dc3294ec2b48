/** Judge cost texts and totals (protocol/judgeCost.ts): the lens estimate, a run's usage from its Feedbacks' metadata, one assessment's call. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { approxCount, approxUsd, judgeCallOf, judgeCallText, judgeEstimateText, judgeUsageOf, judgeUsageText, perTraceEstimateText, type JudgeRunEstimate } from "../../../protocol/judgeCost";

const TRACE = "0123456789abcdef0123456789abcdef";

function meta(input: number, output: number, cost: string | null, model = "gpt-4o-mini", trace: string | null = TRACE): Record<string, string> {
  const m: Record<string, string> = {
    "mlflow.judge.model": model,
    "scorelens.judge.input_tokens": String(input),
    "scorelens.judge.output_tokens": String(output),
    "scorelens.judge.attempts": "1",
  };
  if (cost !== null) m["scorelens.judge.cost_usd"] = cost;
  if (trace !== null) m["scorelens.judge.trace_id"] = trace;
  return m;
}

test("a run's judge usage: the sum of the calls' metadata; feedbacks without it don't count", () => {
  const usage = judgeUsageOf([
    { metadata: meta(800, 120, "0.00019200") },
    { metadata: {} }, // a code scorer's feedback
    { metadata: { "mlflow.judge.model": "gpt-4o-mini" } }, // failed before calling (missing input): no call
    { metadata: meta(900, 100, "0.00019500", "gpt-4o-mini-2024-07-18") },
    { metadata: meta(50, 10, null, "llama3.1:8b", null) }, // unpriced, untraced: still a call
    // refused by VS Code (no consent): traced, but the model never answered: no call
    { metadata: { "mlflow.judge.model": "vscode:copilot/gpt-4o", "scorelens.judge.trace_id": "ab".repeat(16) } },
  ]);
  assert.ok(usage);
  assert.equal(usage.calls, 3);
  assert.equal(usage.inputTokens, 1750);
  assert.equal(usage.outputTokens, 230);
  assert.ok(Math.abs((usage.costUsd ?? 0) - 0.000387) < 1e-12);
  assert.deepEqual(usage.models, ["gpt-4o-mini", "gpt-4o-mini-2024-07-18", "llama3.1:8b"]);
  assert.equal(judgeUsageOf([{ metadata: {} }, { metadata: { "mlflow.judge.model": "x" } }]), null, "no call: no usage");
  const unpriced = judgeUsageOf([{ metadata: meta(10, 5, null, "local") }]);
  assert.equal(unpriced?.costUsd, null, "no call had a price: cost unknown, not 0");
});

test("the results header text", () => {
  assert.equal(
    judgeUsageText({ calls: 100, inputTokens: 84_210, outputTokens: 12_003, costUsd: 0.0213, models: ["gpt-4o-mini"] }),
    "Judge: 100 calls · 84,210 in / 12,003 out tokens · $0.0213 · gpt-4o-mini",
  );
  assert.equal(judgeUsageText({ calls: 1, inputTokens: 5, outputTokens: 2, costUsd: null, models: [] }), "Judge: 1 call · 5 in / 2 out tokens");
  assert.equal(judgeUsageText({ calls: 3, inputTokens: 5, outputTokens: 2, costUsd: 12.345, models: ["a", "b"] }), "Judge: 3 calls · 5 in / 2 out tokens · $12.35 · a, b");
});

test("the estimate text: calls, tokens, cost when known, 'model not set' when the run would fail", () => {
  const e: JudgeRunEstimate = { traces: 100, calls: 100, inputTokens: 85_000, outputTokens: 15_000, totalTokens: 100_000, costUsd: 0.02175, model: "gpt-4o-mini", modelSet: true };
  assert.equal(judgeEstimateText({ ...e, totalTokens: 85_000 }), "≈100 judge calls · ~85k tokens · ~$0.02");
  assert.equal(judgeEstimateText({ ...e, costUsd: null, model: "llama3" }), "≈100 judge calls · ~100k tokens");
  assert.equal(judgeEstimateText({ ...e, costUsd: null, model: null, modelSet: false }), "≈100 judge calls · ~100k tokens · model not set");
  assert.equal(judgeEstimateText({ ...e, traces: 0, calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 }), "no traces to judge yet");
  assert.equal(judgeEstimateText({ ...e, traces: 0, calls: 0, totalTokens: 0, modelSet: false }), "no traces to judge yet · model not set");
  assert.equal(perTraceEstimateText({ ...e, calls: 1, totalTokens: 1000, costUsd: 0.000218 }), "≈1 judge call · ~1k tokens · ~$0.00022 per trace");
  assert.deepEqual([850, 8_500, 85_000, 1_234_567, 25_000_000].map(approxCount), ["850", "8.5k", "85k", "1.2M", "25M"]);
  assert.deepEqual([0, 0.0013, 0.021, 1.234, 12.6].map(approxUsd), ["$0", "$0.0013", "$0.02", "$1.23", "$13"]);
});

test("one assessment's judge call: its trace (validated), model, tokens and cost", () => {
  const c = judgeCallOf(meta(812, 95, "0.00017880"));
  assert.deepEqual(c, { traceId: TRACE, model: "gpt-4o-mini", inputTokens: 812, outputTokens: 95, costUsd: 0.0001788 });
  assert.equal(judgeCallText(c!), "gpt-4o-mini · 812 in / 95 out tokens · $0.000179");
  assert.equal(judgeCallOf({ ...meta(1, 1, null), "scorelens.judge.trace_id": "<img src=x onerror=alert(1)>" })?.traceId, null, "not a trace id: no link");
  assert.equal(judgeCallOf({ ...meta(1, 1, null), "scorelens.judge.trace_id": `tr-${TRACE.toUpperCase()}` })?.traceId, TRACE);
  assert.equal(judgeCallOf({ note: "code scorer" }), null);
});

test("the protocol's judge metadata keys are the SDK's (the SDK keeps its own copy to stay zod-free)", async () => {
  const { JUDGE_META } = await import("../../../protocol/judgeCost");
  const { JudgeMetadataKey } = await import("../../../sdk/judges/judge");
  for (const [k, v] of Object.entries(JUDGE_META)) assert.equal(JudgeMetadataKey[k as keyof typeof JudgeMetadataKey], v, k);
});
