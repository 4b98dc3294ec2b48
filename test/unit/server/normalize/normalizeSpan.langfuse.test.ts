import { test } from "node:test";
import assert from "node:assert/strict";
import { NormalizedSpan } from "../../../../protocol/model";
import { LIST_TAG_VALUE, normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { rawSpan } from "./rawSpan";

test("Langfuse generation: explicit observation attributes and trace context", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "llm-call",
      scope: { name: "langfuse-sdk", version: "4.0.0" },
      attributes: {
        "langfuse.observation.type": "generation",
        "langfuse.observation.input": '[{"role":"user","content":"Hi"}]',
        "langfuse.observation.output": '{"role":"assistant","content":"Hello!"}',
        "langfuse.observation.model.name": "gpt-4o",
        "langfuse.observation.model.parameters": '{"temperature":0.2}',
        "langfuse.observation.usage_details": '{"input":11,"output":3,"total":14,"input_cached_tokens":8}',
        "langfuse.observation.cost_details": '{"input":0.00011,"output":0.00009}',
        "langfuse.observation.metadata.step": "draft",
        "langfuse.trace.name": "support-chat",
        "langfuse.trace.tags": '["support","beta"]',
        "langfuse.trace.metadata.tenant": "acme",
        "langfuse.trace.metadata.retries": "2",
        "langfuse.environment": "production",
        "user.id": "carol",
        "session.id": "s-123",
      },
    }),
  );
  assert.equal(out.spanType, "LLM");
  assert.deepEqual(out.inputs, [{ role: "user", content: "Hi" }]);
  assert.deepEqual(out.outputs, { role: "assistant", content: "Hello!" });
  assert.equal(out.model, "gpt-4o");
  assert.deepEqual(out.usage, { inputTokens: 11, outputTokens: 3, totalTokens: 14, cacheReadInputTokens: 8 });
  assert.equal(out.cost?.inputCost, 0.00011);
  assert.equal(out.cost?.outputCost, 0.00009);
  assert.ok(Math.abs((out.cost?.totalCost ?? 0) - 0.0002) < 1e-12);
  assert.deepEqual(out.tags, { support: LIST_TAG_VALUE, beta: LIST_TAG_VALUE });
  assert.deepEqual(out.metadata, { tenant: "acme", retries: "2", step: "draft" });
  assert.equal(out.userId, "carol");
  assert.equal(out.sessionId, "s-123");
  assert.equal(out.error, null);
  assert.deepEqual(out.conventions, ["langfuse"]);
  NormalizedSpan.parse(out);
});

test("Langfuse observation types map to span types; the generic 'span' decides nothing", () => {
  const type = (attrs: Record<string, string>) => normalizeSpan(rawSpan({ attributes: attrs })).spanType;
  const expected: Record<string, string> = {
    generation: "LLM",
    embedding: "EMBEDDING",
    agent: "AGENT",
    tool: "TOOL",
    chain: "CHAIN",
    retriever: "RETRIEVER",
    guardrail: "GUARDRAIL",
    evaluator: "EVALUATOR",
    span: "UNKNOWN",
    event: "UNKNOWN",
  };
  for (const [lf, t] of Object.entries(expected)) assert.equal(type({ "langfuse.observation.type": lf }), t, lf);
  assert.equal(type({ "langfuse.observation.type": "GENERATION" }), "LLM");
  // A generic span that carries a model is a generation (Langfuse's own fallback).
  assert.equal(type({ "langfuse.observation.type": "span", "langfuse.observation.model.name": "gpt-4o" }), "LLM");
  // A generic span inside an OpenInference-instrumented app keeps the OpenInference kind.
  assert.equal(type({ "langfuse.observation.type": "span", "openinference.span.kind": "RETRIEVER" }), "RETRIEVER");
});

test("Langfuse: level ERROR is an error; trace input/output are the last-resort I/O", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "langfuse.observation.type": "span",
        "langfuse.observation.level": "ERROR",
        "langfuse.observation.status_message": "rate limited",
        "langfuse.trace.input": '{"question":"q"}',
        "langfuse.trace.output": "answer",
        "langfuse.trace.tags": ["a"],
        "langfuse.trace.metadata": '{"region":"eu"}',
        "langfuse.session.id": "compat-session",
        "langfuse.user.id": "compat-user",
      },
    }),
  );
  assert.deepEqual(out.error, { type: null, message: "rate limited", stacktrace: null });
  assert.deepEqual(out.inputs, { question: "q" });
  assert.equal(out.outputs, "answer");
  assert.deepEqual(out.tags, { a: LIST_TAG_VALUE });
  assert.deepEqual(out.metadata, { region: "eu" });
  assert.equal(out.sessionId, "compat-session");
  assert.equal(out.userId, "compat-user");
});
