import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { rawSpan } from "./rawSpan";

test("OpenLLMetry LLM span: flattened gen_ai.prompt/completion, llm.request.type, total tokens", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "openai.chat",
      kind: 3,
      attributes: {
        "llm.request.type": "chat",
        "gen_ai.system": "OpenAI",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "llm.is_streaming": false,
        "gen_ai.prompt.0.role": "system",
        "gen_ai.prompt.0.content": "You are a joke writer.",
        "gen_ai.prompt.1.role": "user",
        "gen_ai.prompt.1.content": "Tell me a joke about OTel",
        "gen_ai.completion.0.role": "assistant",
        "gen_ai.completion.0.finish_reason": "tool_calls",
        "gen_ai.completion.0.tool_calls.0.id": "call_9",
        "gen_ai.completion.0.tool_calls.0.name": "joke_db",
        "gen_ai.completion.0.tool_calls.0.arguments": '{"topic":"otel"}',
        "gen_ai.usage.prompt_tokens": 25,
        "gen_ai.usage.completion_tokens": 14,
        "llm.usage.total_tokens": 39,
        "gen_ai.usage.cache_read_input_tokens": 0,
      },
    }),
  );
  assert.equal(out.spanType, "CHAT_MODEL");
  assert.equal(out.model, "gpt-4o-2024-08-06");
  assert.equal(out.provider, "OpenAI");
  assert.deepEqual(out.inputs, {
    messages: [
      { role: "system", content: "You are a joke writer." },
      { role: "user", content: "Tell me a joke about OTel" },
    ],
  });
  assert.deepEqual(out.outputs, {
    messages: [
      {
        role: "assistant",
        finish_reason: "tool_calls",
        tool_calls: [{ id: "call_9", type: "function", function: { name: "joke_db", arguments: '{"topic":"otel"}' } }],
      },
    ],
  });
  assert.deepEqual(out.usage, { inputTokens: 25, outputTokens: 14, totalTokens: 39, cacheReadInputTokens: 0 });
  assert.deepEqual(out.conventions, ["genai", "traceloop"]);
});

test("Traceloop workflow/task spans: entity input/output wrappers are removed", () => {
  const workflow = normalizeSpan(
    rawSpan({
      name: "joke_generator.workflow",
      attributes: {
        "traceloop.span.kind": "workflow",
        "traceloop.workflow.name": "joke_generator",
        "traceloop.entity.name": "joke_generator",
        "traceloop.entity.input": '{"inputs": {"topic": "otel"}, "tags": [], "metadata": {}, "kwargs": {}}',
        "traceloop.entity.output": '{"outputs": "A joke", "kwargs": {}}',
      },
    }),
  );
  assert.equal(workflow.spanType, "CHAIN");
  assert.deepEqual(workflow.inputs, { topic: "otel" });
  assert.equal(workflow.outputs, "A joke");
  assert.deepEqual(workflow.conventions, ["traceloop"]);

  const task = normalizeSpan(
    rawSpan({
      attributes: {
        "traceloop.span.kind": "task",
        "traceloop.entity.input": '{"args": [1, 2], "kwargs": {}}',
        "traceloop.entity.output": "3",
      },
    }),
  );
  assert.equal(task.spanType, "CHAIN");
  assert.deepEqual(task.inputs, { args: [1, 2], kwargs: {} });
  assert.equal(task.outputs, "3");

  const kind = (k: string) => normalizeSpan(rawSpan({ attributes: { "traceloop.span.kind": k } })).spanType;
  assert.equal(kind("agent"), "AGENT");
  assert.equal(kind("tool"), "TOOL");
  assert.equal(kind("unknown"), "UNKNOWN");
  const reqType = (t: string) => normalizeSpan(rawSpan({ attributes: { "llm.request.type": t } })).spanType;
  assert.equal(reqType("completion"), "LLM");
  assert.equal(reqType("embedding"), "EMBEDDING");
});
