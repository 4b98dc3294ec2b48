import assert from "node:assert/strict";
import { test } from "node:test";
import type { SpanRecord } from "../../../protocol/model";
import { spanRecord } from "../support/spanRecord";
import { accumulate, PREVIEW_CHARS, previewOf, type TraceDelta } from "../../../server/store/traceRollup";

function span(over: Partial<SpanRecord>): SpanRecord {
  return spanRecord({ name: "root", ...over });
}

test("rollup takes name, state and previews from the root, even when it arrives after its children", () => {
  const d = new Map<string, TraceDelta>();
  accumulate(d, span({ spanId: "2".repeat(16), parentSpanId: "1".repeat(16), name: "child", startTimeUnixNano: "1100000000", statusCode: "ERROR" }));
  accumulate(d, span({ inputs: { q: "hi" }, outputs: "bye", statusCode: "OK" }));
  const t = d.get("a".repeat(32))!;
  assert.equal(t.name, "root");
  assert.equal(t.rootStatus, "OK");
  assert.equal(t.spanCount, 2);
  assert.equal(t.errorCount, 1);
  assert.equal(t.requestPreview, '{"q":"hi"}');
  assert.equal(t.responsePreview, "bye");
  assert.equal(t.serviceName, "svc");
  assert.equal(t.startNs, 1000000000n);
});

test("tokens and cost count only model spans, so wrappers don't double count", () => {
  const d = new Map<string, TraceDelta>();
  const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };
  accumulate(d, span({ spanType: "CHAIN", usage, cost: { inputCost: 1, outputCost: 1, totalCost: 2 } }));
  accumulate(d, span({ spanId: "3".repeat(16), parentSpanId: "1".repeat(16), spanType: "CHAT_MODEL", usage, cost: { inputCost: 0.1, outputCost: 0.2, totalCost: 0.3 } }));
  accumulate(d, span({ spanId: "4".repeat(16), parentSpanId: "1".repeat(16), spanType: "LLM", usage: { inputTokens: 1, outputTokens: 2, totalTokens: null } }));
  const t = d.get("a".repeat(32))!;
  assert.equal(t.inputTokens, 11);
  assert.equal(t.outputTokens, 7);
  assert.equal(t.totalTokens, 18);
  assert.ok(Math.abs((t.costUsd ?? 0) - 0.3) < 1e-9);
});

test("previews are truncated like MLflow's", () => {
  assert.equal(previewOf(null), "");
  const long = previewOf("x".repeat(5000));
  assert.equal(long.length, PREVIEW_CHARS);
  assert.ok(long.endsWith("…"));
});
