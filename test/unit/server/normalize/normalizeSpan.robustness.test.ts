import { test } from "node:test";
import assert from "node:assert/strict";
import { NormalizedSpan, type Attributes } from "../../../../protocol/model";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { event, rawSpan } from "./rawSpan";

test("a span with no recognized attributes is UNKNOWN with empty fields", () => {
  const out = normalizeSpan(rawSpan({ name: "db.query", kind: 3, attributes: { "db.system": "postgresql", "http.method": "GET" } }));
  assert.deepEqual(out, {
    spanType: "UNKNOWN",
    inputs: null,
    outputs: null,
    model: null,
    provider: null,
    usage: null,
    cost: null,
    error: null,
    sessionId: null,
    userId: null,
    tags: {},
    metadata: {},
    conventions: [],
  });
});

test("a CLIENT span with only a model attribute is an LLM", () => {
  assert.equal(normalizeSpan(rawSpan({ kind: 3, attributes: { "gen_ai.request.model": "gpt-4o" } })).spanType, "LLM");
});

test("token counts arrive as numeric and int64 strings", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "gen_ai.usage.input_tokens": "9007199254740993",
        "gen_ai.usage.output_tokens": " 12 ",
        "llm.token_count.total": "not a number",
      },
    }),
  );
  assert.equal(out.usage?.inputTokens, 9007199254740992);
  assert.equal(out.usage?.outputTokens, 12);
  assert.equal(out.usage?.totalTokens, 9007199254741004);
  const empty = normalizeSpan(rawSpan({ attributes: { "gen_ai.usage.input_tokens": "", "llm.token_count.prompt": true } }));
  assert.equal(empty.usage, null);
});

test("never throws on odd input, and the result always satisfies the schema", () => {
  const odd: Attributes[] = [
    { "mlflow.spanType": 42, "mlflow.spanInputs": null, "mlflow.chat.tokenUsage": "[1,2]", "mlflow.llm.cost": "{bad" },
    { "mlflow.spanType": "", "openinference.span.kind": ["LLM"], "input.value": { nested: true }, "input.mime_type": 5 },
    { "llm.input_messages.0": "just a string", "llm.input_messages.0.message.role": "user", "llm.input_messages.x.message.role": "bad index" },
    { "llm.input_messages.0.message.role": "user", "llm.input_messages.0.message.role.extra": "leaf vs container" },
    { "llm.output_messages.999999999.message.content": "huge index", "retrieval.documents.0": 7 },
    { "llm.input_messages.0.message.__proto__": "polluted?", "mlflow.traceTag.__proto__": "tag", metadata: '{"__proto__":{"x":1}}' },
    { "gen_ai.input.messages": "not json", "gen_ai.output.messages": "[{\"role\":\"assistant\",\"parts\":\"nope\"}]", "gen_ai.system_instructions": 3 },
    { "gen_ai.prompt": "[{\"role\":\"user\"", "gen_ai.completion.0": { weird: [] }, "gen_ai.prompt.0.tool_calls": "x" },
    { "traceloop.entity.input": "{}", "traceloop.span.kind": 1 },
    { "ai.operationId": 7, "ai.prompt.messages": "{", "ai.response.toolCalls": "[1,null]", "operation.name": ["ai.x"] },
    { "langfuse.observation.type": 1, "langfuse.trace.tags": 5, "langfuse.observation.usage_details": "{\"input\":\"x\"}" },
    { "tag.tags": [null, 1, { a: 1 }, ""], metadata: "[1,2]", "session.id": { id: 1 }, "user.id": "" },
  ];
  const events = [
    event("gen_ai.choice", {}),
    event("gen_ai.choice", { message: "not json" }),
    event("gen_ai.assistant.message", { tool_calls: "{" }),
    event("gen_ai.content.prompt", {}),
    event("exception", {}),
  ];
  for (const attributes of odd) {
    for (const withEvents of [[], events]) {
      const out = normalizeSpan(rawSpan({ attributes, events: withEvents }));
      NormalizedSpan.parse(out);
    }
  }
  // No prototype pollution from attribute keys.
  assert.equal(({} as Record<string, unknown>).x, undefined);
  const polluted = normalizeSpan(rawSpan({ attributes: { "mlflow.traceTag.__proto__": "tag", "mlflow.traceTag.toString": "t" } }));
  assert.equal(Object.getPrototypeOf(polluted.tags), Object.prototype);
  assert.deepEqual(Object.keys(polluted.tags).sort(), ["__proto__", "toString"]);
});

test("flattened lists: sparse, out-of-order indices are compacted in index order", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "llm.input_messages.2.message.content": "third",
        "llm.input_messages.0.message.content": "first",
        "llm.input_messages.2.message.role": "user",
        "llm.input_messages.0.message.role": "system",
        "llm.input_messages.1000.message.role": "assistant",
      },
    }),
  );
  assert.deepEqual(out.inputs, {
    messages: [{ content: "first", role: "system" }, { content: "third", role: "user" }, { role: "assistant" }],
  });
});

test("the raw span is not mutated", () => {
  const attributes: Attributes = {
    "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: "hi" }] }],
    "llm.output_messages.0.message.role": "assistant",
  };
  const snapshot = JSON.stringify(attributes);
  normalizeSpan(rawSpan({ attributes, events: [event("gen_ai.choice", { message: { content: "x" } })] }));
  assert.equal(JSON.stringify(attributes), snapshot);
});
