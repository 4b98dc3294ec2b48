/**
 * The trace evaluate() hands to scorers equals what the ScoreLens server stores: every span record
 * and the summary are compared with the server's own OTLP/JSON decoder, span normalizer and trace
 * rollup applied to the bytes a real OTLP receiver (node:http on 127.0.0.1) got.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { SpanRecord } from "../../../protocol/model";
import { normalizeSpan } from "../../../server/normalize/normalizeSpan";
import { accumulate, type TraceDelta } from "../../../server/store/traceRollup";
import { decodeOtlpJson } from "../../../server/wire/otlpJson";
import { configure, evaluate, flush, scorer, shutdown, trace, updateCurrentTrace, withSpan } from "../../../sdk/index";
import { CaptureServer } from "./helpers";

const server = new CaptureServer();

before(async () => {
  await server.start();
});

after(async () => {
  await shutdown();
  await server.close();
});

beforeEach(() => {
  server.reset();
  configure({ endpoint: server.url, enabled: true, serviceName: "parity-test", resourceAttributes: { "deployment.environment": "test" }, flushIntervalMs: 10_000 });
});

/** A predictFn whose spans use several conventions, the way instrumented apps mix them. */
const app = trace(async function app(question: string) {
  updateCurrentTrace({ tags: { app: "parity" }, metadata: { version: "2" }, sessionId: "s-1", userId: "u-1" });
  await withSpan("retrieve", async () => [{ id: "d1", page_content: "doc" }], { spanType: "RETRIEVER", inputs: { query: question } });
  await withSpan("chat", async (span) => {
    span.setAttributes({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024",
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 30,
    });
    return { choices: [{ message: { role: "assistant", content: "hi" } }] };
  }, { spanType: "CHAT_MODEL", inputs: { messages: [{ role: "user", content: question }] } });
  await withSpan("oi-llm", async (span) => {
    span.setAttributes({ "llm.model_name": "claude-x", "llm.token_count.prompt": 7, "llm.token_count.completion": 3, "openinference.span.kind": "LLM" });
    return "ok";
  }, { spanType: "LLM" });
  await withSpan("langfuse-generation", async (span) => {
    span.setAttributes({ "langfuse.observation.type": "generation", "langfuse.observation.model.name": "lf-model" });
    return "generated";
  });
  await withSpan("workflow", async () => "w", { spanType: "WORKFLOW" });
  await withSpan("custom", async () => "c", { spanType: "my_custom_type" });
  await withSpan("mlflow-usage", async (span) => {
    span.setAttribute("mlflow.chat.tokenUsage", { input_tokens: 5, output_tokens: 6, total_tokens: 11 });
    span.setAttribute("mlflow.llm.model", "mlflow-model");
  }, { spanType: "CHAT_MODEL" });
  try {
    await withSpan("failing-tool", async () => {
      throw new RangeError("tool broke");
    }, { spanType: "TOOL", inputs: { x: 1 } });
  } catch {
    // handled by the app
  }
  return `answer to ${question}`;
}, { spanType: "AGENT" });

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe("the in-process trace", () => {
  it("equals the server's decoding, normalization and rollup of the exported spans", async () => {
    let seenSpanTypes: string[] = [];
    const result = await evaluate({
      data: [{ inputs: { question: "q?" } }],
      predictFn: ({ question }: { question: string }) => app(question),
      scorers: [
        scorer("types", ({ trace: t }) => {
          seenSpanTypes = t?.data.spans.map((s) => s.spanType) ?? [];
          return true;
        }),
      ],
      logToServer: false,
    });
    await flush();
    const row = result.rows[0];
    assert.ok(row?.trace, "the row has a trace");

    const stored: SpanRecord[] = server.requests
      .flatMap((request) => decodeOtlpJson(request.rawText).spans)
      .filter((raw) => raw.traceId === row.traceId)
      .map((raw) => ({ ...raw, ...normalizeSpan(raw) }));
    assert.equal(stored.length, 9);
    const local = new Map(row.trace.data.spans.map((s) => [s.spanId, s.record]));
    assert.equal(local.size, stored.length);
    for (const record of stored) {
      assert.deepEqual(stripUndefined(local.get(record.spanId)), stripUndefined(record), `span ${record.name}`);
    }
    const byName = new Map(stored.map((s) => [s.name, s]));
    // The cases this test exists for really are in play.
    assert.equal(byName.get("langfuse-generation")?.spanType, "LLM");
    assert.equal(byName.get("workflow")?.spanType, "CHAIN");
    assert.equal(byName.get("custom")?.spanType, "UNKNOWN");
    assert.equal(byName.get("chat")?.usage?.inputTokens, 120);
    assert.equal(byName.get("failing-tool")?.error?.type, "RangeError");
    assert.deepEqual([...seenSpanTypes].sort(), stored.map((s) => s.spanType).sort());

    const deltas = new Map<string, TraceDelta>();
    for (const record of stored) accumulate(deltas, record);
    const delta = deltas.get(row.traceId ?? "");
    assert.ok(delta);
    const summary = row.trace.summary;
    assert.equal(summary.name, "app");
    assert.equal(summary.state, "OK");
    assert.equal(summary.spanCount, delta.spanCount);
    assert.equal(summary.errorCount, delta.errorCount);
    assert.deepEqual([summary.inputTokens, summary.outputTokens, summary.totalTokens], [delta.inputTokens, delta.outputTokens, delta.totalTokens]);
    assert.ok(summary.totalTokens > 0);
    assert.deepEqual(summary.tags, delta.tags);
    assert.equal(summary.tags["app"], "parity");
    assert.equal(summary.metadata["version"], "2");
    assert.deepEqual([summary.sessionId, summary.userId, summary.serviceName], ["s-1", "u-1", "parity-test"]);
    assert.equal(summary.requestPreview, delta.requestPreview);
    assert.equal(summary.responsePreview, "answer to q?");
    assert.equal(summary.durationMs, Number((delta.endNs - delta.startNs) / 1000n) / 1000);
    assert.equal(row.trace.info.trace_id, `tr-${row.traceId}`);
  });
});
