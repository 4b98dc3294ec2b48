import { test } from "node:test";
import assert from "node:assert/strict";
import { NormalizedSpan } from "../../../../protocol/model";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { rawSpan } from "./rawSpan";

const common = {
  "ai.model.id": "gpt-4o",
  "ai.model.provider": "openai.chat",
  "ai.telemetry.functionId": "weather-agent",
  "ai.telemetry.metadata.userId": "user-5",
  "ai.telemetry.metadata.sessionId": "chat-77",
  "ai.telemetry.metadata.feature": "weather",
};

test("Vercel AI outer ai.generateText span → CHAIN with prompt in, text out", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "ai.generateText",
      attributes: {
        ...common,
        "operation.name": "ai.generateText weather-agent",
        "ai.operationId": "ai.generateText",
        "ai.prompt": '{"system":"You are helpful.","prompt":"Weather in SF?"}',
        "ai.settings.maxSteps": 3,
        "ai.response.text": "It is 72°F and sunny in SF.",
        "ai.response.finishReason": "stop",
        "ai.usage.promptTokens": 180,
        "ai.usage.completionTokens": 42,
      },
    }),
  );
  assert.equal(out.spanType, "CHAIN");
  assert.deepEqual(out.inputs, { system: "You are helpful.", prompt: "Weather in SF?" });
  assert.equal(out.outputs, "It is 72°F and sunny in SF.");
  assert.equal(out.model, "gpt-4o");
  assert.equal(out.provider, "openai.chat");
  assert.deepEqual(out.usage, { inputTokens: 180, outputTokens: 42, totalTokens: 222 });
  assert.equal(out.userId, "user-5");
  assert.equal(out.sessionId, "chat-77");
  assert.deepEqual(out.metadata, { userId: "user-5", sessionId: "chat-77", feature: "weather" });
  assert.deepEqual(out.conventions, ["vercel"]);
  NormalizedSpan.parse(out);
});

test("Vercel AI ai.generateText.doGenerate span → CHAT_MODEL with messages and tool calls", () => {
  const promptMessages = [
    { role: "system", content: "You are helpful." },
    { role: "user", content: [{ type: "text", text: "Weather in SF?" }] },
  ];
  const out = normalizeSpan(
    rawSpan({
      name: "ai.generateText.doGenerate",
      kind: 3,
      attributes: {
        ...common,
        "operation.name": "ai.generateText.doGenerate weather-agent",
        "ai.operationId": "ai.generateText.doGenerate",
        "ai.prompt.format": "messages",
        "ai.prompt.messages": JSON.stringify(promptMessages),
        "ai.prompt.tools": ['{"type":"function","name":"weather","parameters":{}}'],
        "ai.response.toolCalls": JSON.stringify([
          { toolCallType: "function", toolCallId: "call_1", toolName: "weather", args: '{"location":"SF"}' },
        ]),
        "ai.response.finishReason": "tool-calls",
        "ai.response.model": "gpt-4o-2024-08-06",
        "ai.usage.promptTokens": 90,
        "ai.usage.completionTokens": 12,
        "gen_ai.system": "openai.chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "gen_ai.response.finish_reasons": ["tool-calls"],
        "gen_ai.usage.input_tokens": 90,
        "gen_ai.usage.output_tokens": 12,
      },
    }),
  );
  assert.equal(out.spanType, "CHAT_MODEL");
  assert.deepEqual(out.inputs, { messages: promptMessages });
  assert.deepEqual(out.outputs, {
    messages: [
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"location":"SF"}' } }],
        finish_reason: "tool-calls",
      },
    ],
  });
  assert.equal(out.model, "gpt-4o-2024-08-06");
  assert.deepEqual(out.usage, { inputTokens: 90, outputTokens: 12, totalTokens: 102 });
  assert.deepEqual(out.conventions, ["genai", "vercel"]);
});

test("Vercel AI doStream text answer and v5 usage names", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "ai.operationId": "ai.streamText.doStream",
        "ai.model.id": "claude-sonnet-4",
        "ai.prompt.messages": '[{"role":"user","content":[{"type":"text","text":"hi"}]}]',
        "ai.response.text": "Hello!",
        "ai.usage.inputTokens": "7",
        "ai.usage.outputTokens": "3",
        "ai.usage.totalTokens": "10",
        "ai.usage.reasoningTokens": 0,
      },
    }),
  );
  assert.equal(out.spanType, "CHAT_MODEL");
  assert.deepEqual(out.outputs, { messages: [{ role: "assistant", content: "Hello!" }] });
  assert.deepEqual(out.usage, { inputTokens: 7, outputTokens: 3, totalTokens: 10, reasoningTokens: 0 });
});

test("Vercel AI ai.toolCall span → TOOL with decoded args and result", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "ai.toolCall",
      attributes: {
        "operation.name": "ai.toolCall weather-agent",
        "ai.operationId": "ai.toolCall",
        "ai.toolCall.name": "weather",
        "ai.toolCall.id": "call_1",
        "ai.toolCall.args": '{"location":"SF"}',
        "ai.toolCall.result": '{"temperature":72}',
      },
    }),
  );
  assert.equal(out.spanType, "TOOL");
  assert.deepEqual(out.inputs, { location: "SF" });
  assert.deepEqual(out.outputs, { temperature: 72 });
  assert.equal(out.model, null);
});

test("Vercel AI embed spans → EMBEDDING; operation.name alone is enough", () => {
  const embed = normalizeSpan(
    rawSpan({ attributes: { "ai.operationId": "ai.embed", "ai.model.id": "text-embedding-3-small", "ai.value": '"sunny day"', "ai.embedding": "[0.1,0.2]" } }),
  );
  assert.equal(embed.spanType, "EMBEDDING");
  assert.equal(embed.inputs, "sunny day");
  assert.deepEqual(embed.outputs, [0.1, 0.2]);

  const many = normalizeSpan(rawSpan({ attributes: { "ai.operationId": "ai.embedMany.doEmbed", "ai.values": ['"a"', '"b"'] } }));
  assert.equal(many.spanType, "EMBEDDING");
  assert.deepEqual(many.inputs, ["a", "b"]);

  assert.equal(normalizeSpan(rawSpan({ attributes: { "operation.name": "ai.streamObject my-fn" } })).spanType, "CHAIN");
  assert.equal(normalizeSpan(rawSpan({ attributes: { "ai.operationId": "ai.somethingNew" } })).spanType, "UNKNOWN");
});
