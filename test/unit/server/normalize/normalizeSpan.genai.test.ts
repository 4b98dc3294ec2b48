import { test } from "node:test";
import assert from "node:assert/strict";
import { NormalizedSpan } from "../../../../protocol/model";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { event, rawSpan } from "./rawSpan";

test("GenAI current keys: messages in attributes (parts format), usage, models, provider", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "chat gpt-4o",
      kind: 3,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "gen_ai.response.id": "chatcmpl-123",
        "gen_ai.conversation.id": "conv-7",
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 48,
        "gen_ai.usage.cache_read.input_tokens": 100,
        "gen_ai.usage.reasoning.output_tokens": 16,
        "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "You are a weather bot." }]),
        "gen_ai.input.messages": JSON.stringify([
          { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
          {
            role: "assistant",
            parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
          },
          { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: "rainy, 57°F" }] },
        ]),
        "gen_ai.output.messages": [
          {
            role: "assistant",
            parts: [
              { type: "reasoning", content: "The tool said rainy." },
              { type: "text", content: "It's rainy and 57°F in Paris." },
            ],
            finish_reason: "stop",
          },
        ],
        "server.address": "api.openai.com",
      },
    }),
  );
  assert.equal(out.spanType, "CHAT_MODEL");
  assert.equal(out.model, "gpt-4o-2024-08-06", "response model wins over request model");
  assert.equal(out.provider, "openai");
  assert.equal(out.sessionId, "conv-7");
  assert.deepEqual(out.usage, {
    inputTokens: 120,
    outputTokens: 48,
    totalTokens: 168,
    cacheReadInputTokens: 100,
    reasoningTokens: 16,
  });
  assert.deepEqual(out.inputs, {
    messages: [
      { role: "system", content: "You are a weather bot." },
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "rainy, 57°F" },
    ],
  });
  assert.deepEqual(out.outputs, {
    messages: [
      {
        role: "assistant",
        content: [
          { type: "reasoning", content: "The tool said rainy." },
          { type: "text", text: "It's rainy and 57°F in Paris." },
        ],
        finish_reason: "stop",
      },
    ],
  });
  assert.deepEqual(out.conventions, ["genai"]);
  NormalizedSpan.parse(out);
});

test("GenAI deprecated keys: messages in events, prompt/completion token names, gen_ai.system", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "chat gpt-3.5-turbo",
      kind: 3,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-3.5-turbo",
        "gen_ai.usage.prompt_tokens": "57",
        "gen_ai.usage.completion_tokens": "9",
      },
      events: [
        event("gen_ai.system.message", { "gen_ai.system": "openai", content: "You are terse." }),
        event("gen_ai.user.message", { "gen_ai.system": "openai", content: "Call the clock tool." }),
        event("gen_ai.assistant.message", {
          "gen_ai.system": "openai",
          tool_calls: JSON.stringify([{ id: "c1", type: "function", function: { name: "clock", arguments: "{}" } }]),
        }),
        event("gen_ai.tool.message", { "gen_ai.system": "openai", id: "c1", content: "12:00" }),
        event("gen_ai.choice", {
          "gen_ai.system": "openai",
          index: 0,
          finish_reason: "stop",
          message: { role: "assistant", content: "It is noon." },
        }),
      ],
    }),
  );
  assert.equal(out.spanType, "CHAT_MODEL");
  assert.equal(out.provider, "openai");
  assert.equal(out.model, "gpt-3.5-turbo");
  assert.deepEqual(out.usage, { inputTokens: 57, outputTokens: 9, totalTokens: 66 });
  assert.deepEqual(out.inputs, {
    messages: [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Call the clock tool." },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "clock", arguments: "{}" } }],
      },
      { role: "tool", content: "12:00", tool_call_id: "c1" },
    ],
  });
  assert.deepEqual(out.outputs, {
    messages: [{ role: "assistant", content: "It is noon.", finish_reason: "stop" }],
  });
  assert.deepEqual(out.conventions, ["genai"]);
});

test("GenAI events: gen_ai.choice with JSON message / flat content; content.prompt/completion events", () => {
  const choiceJson = normalizeSpan(
    rawSpan({
      events: [
        event("gen_ai.choice", { message: JSON.stringify({ content: "Hi!", tool_calls: [{ id: "t", function: { name: "f", arguments: "{}" } }] }) }),
      ],
    }),
  );
  assert.deepEqual(choiceJson.outputs, {
    messages: [{ content: "Hi!", tool_calls: [{ id: "t", function: { name: "f", arguments: "{}" } }], role: "assistant" }],
  });
  assert.deepEqual(choiceJson.conventions, ["genai"]);

  const flat = normalizeSpan(rawSpan({ events: [event("gen_ai.choice", { content: "Yo", finish_reason: "length" })] }));
  assert.deepEqual(flat.outputs, { messages: [{ role: "assistant", content: "Yo", finish_reason: "length" }] });

  const legacy = normalizeSpan(
    rawSpan({
      attributes: { "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4" },
      events: [
        event("gen_ai.content.prompt", { "gen_ai.prompt": JSON.stringify([{ role: "user", content: "2+2?" }]) }),
        event("gen_ai.content.completion", { "gen_ai.completion": JSON.stringify([{ role: "assistant", content: "4" }]) }),
      ],
    }),
  );
  assert.deepEqual(legacy.inputs, { messages: [{ role: "user", content: "2+2?" }] });
  assert.deepEqual(legacy.outputs, { messages: [{ role: "assistant", content: "4" }] });
  assert.equal(legacy.spanType, "LLM", "no operation name, but a model → LLM");
});

test("GenAI: gen_ai.client.inference.operation.details event carries the messages", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: { "gen_ai.operation.name": "text_completion", "gen_ai.request.model": "m" },
      events: [
        event("gen_ai.client.inference.operation.details", {
          "gen_ai.system_instructions": "Answer in French.",
          "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Hello" }] }]),
          "gen_ai.output.messages": JSON.stringify([
            { role: "assistant", parts: [{ type: "text", content: "Bonjour" }], finish_reason: "stop" },
          ]),
        }),
      ],
    }),
  );
  assert.equal(out.spanType, "LLM");
  assert.deepEqual(out.inputs, {
    messages: [
      { role: "system", content: "Answer in French." },
      { role: "user", content: "Hello" },
    ],
  });
  assert.deepEqual(out.outputs, { messages: [{ role: "assistant", content: "Bonjour", finish_reason: "stop" }] });
});

test("GenAI tool span: execute_tool with call arguments and result", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "execute_tool get_weather",
      attributes: {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "get_weather",
        "gen_ai.tool.call.id": "call_1",
        "gen_ai.tool.call.arguments": '{"city":"Paris"}',
        "gen_ai.tool.call.result": '{"forecast":"rainy"}',
      },
    }),
  );
  assert.equal(out.spanType, "TOOL");
  assert.deepEqual(out.inputs, { city: "Paris" });
  assert.deepEqual(out.outputs, { forecast: "rainy" });
  // Tool attributes alone (e.g. Pydantic AI) also mean TOOL.
  assert.equal(normalizeSpan(rawSpan({ attributes: { "gen_ai.tool.call.id": "x" } })).spanType, "TOOL");
});

test("GenAI operation names map to span types", () => {
  const expected: Record<string, string> = {
    chat: "CHAT_MODEL",
    generate_content: "LLM",
    text_completion: "LLM",
    embeddings: "EMBEDDING",
    execute_tool: "TOOL",
    invoke_agent: "AGENT",
    create_agent: "AGENT",
    retrieval: "RETRIEVER",
    invoke_workflow: "CHAIN",
    something_new: "UNKNOWN",
  };
  for (const [op, type] of Object.entries(expected)) {
    assert.equal(normalizeSpan(rawSpan({ attributes: { "gen_ai.operation.name": op } })).spanType, type, op);
  }
});

test("GenAI retrieval span: query text in, documents out", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "gen_ai.operation.name": "retrieval",
        "gen_ai.retrieval.query.text": "refund policy",
        "gen_ai.retrieval.documents": '[{"id":"d1","score":0.8}]',
      },
    }),
  );
  assert.equal(out.spanType, "RETRIEVER");
  assert.deepEqual(out.inputs, { query: "refund policy" });
  assert.deepEqual(out.outputs, [{ id: "d1", score: 0.8 }]);
});
