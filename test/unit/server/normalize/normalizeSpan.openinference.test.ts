import { test } from "node:test";
import assert from "node:assert/strict";
import { NormalizedSpan } from "../../../../protocol/model";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { rawSpan } from "./rawSpan";

test("OpenInference LLM span: flattened messages, tool calls, tokens, cost, context", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "ChatCompletion",
      kind: 1,
      attributes: {
        "openinference.span.kind": "LLM",
        "llm.system": "openai",
        "llm.provider": "azure",
        "llm.model_name": "gpt-4o-2024-08-06",
        "llm.invocation_parameters": '{"temperature":0}',
        "input.value": '{"messages":[{"role":"system","content":"Be brief."}],"model":"gpt-4o"}',
        "input.mime_type": "application/json",
        "output.value": '{"id":"chatcmpl-1"}',
        "output.mime_type": "application/json",
        "llm.input_messages.0.message.role": "system",
        "llm.input_messages.0.message.content": "Be brief.",
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.1.message.contents.0.message_content.type": "text",
        "llm.input_messages.1.message.contents.0.message_content.text": "What's in this image?",
        "llm.input_messages.1.message.contents.1.message_content.type": "image",
        "llm.input_messages.1.message.contents.1.message_content.image.image.url": "https://example.com/cat.png",
        "llm.input_messages.2.message.role": "assistant",
        "llm.input_messages.2.message.tool_calls.0.tool_call.id": "call_1",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.name": "lookup",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments": '{"q":"cat"}',
        "llm.input_messages.3.message.role": "tool",
        "llm.input_messages.3.message.tool_call_id": "call_1",
        "llm.input_messages.3.message.content": "A cat.",
        "llm.output_messages.0.message.role": "assistant",
        "llm.output_messages.0.message.content": "A cat on a mat.",
        "llm.token_count.prompt": "1200",
        "llm.token_count.completion": 34,
        "llm.token_count.total": "1234",
        "llm.token_count.prompt_details.cache_read": "1024",
        "llm.token_count.completion_details.reasoning": 8,
        "llm.cost.prompt": 0.003,
        "llm.cost.completion": 0.0005,
        "session.id": "thread-9",
        "user.id": "bob",
        metadata: '{"experiment":"A","attempt":2,"flags":{"beta":true}}',
        "tag.tags": ["rag", "prod"],
      },
    }),
  );
  assert.equal(out.spanType, "LLM");
  assert.equal(out.model, "gpt-4o-2024-08-06");
  assert.equal(out.provider, "azure");
  assert.deepEqual(out.inputs, {
    messages: [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "What's in this image?" },
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
        ],
      },
      {
        role: "assistant",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"cat"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "A cat." },
    ],
  });
  assert.deepEqual(out.outputs, { messages: [{ role: "assistant", content: "A cat on a mat." }] });
  assert.deepEqual(out.usage, {
    inputTokens: 1200,
    outputTokens: 34,
    totalTokens: 1234,
    cacheReadInputTokens: 1024,
    reasoningTokens: 8,
  });
  assert.equal(out.cost?.inputCost, 0.003);
  assert.equal(out.cost?.outputCost, 0.0005);
  assert.ok(Math.abs((out.cost?.totalCost ?? 0) - 0.0035) < 1e-12);
  assert.equal(out.sessionId, "thread-9");
  assert.equal(out.userId, "bob");
  assert.deepEqual(out.metadata, { experiment: "A", attempt: "2", flags: '{"beta":true}' });
  assert.deepEqual(out.tags, { rag: "true", prod: "true" });
  assert.deepEqual(out.conventions, ["openinference"]);
  NormalizedSpan.parse(out);
});

test("OpenInference RETRIEVER span: documents become the outputs", () => {
  const out = normalizeSpan(
    rawSpan({
      name: "VectorStoreRetriever",
      attributes: {
        "openinference.span.kind": "RETRIEVER",
        "input.value": "What is the capital of France?",
        "input.mime_type": "text/plain",
        "output.value": "ignored in favour of the structured documents",
        "retrieval.documents.0.document.id": "doc-1",
        "retrieval.documents.0.document.content": "Paris is the capital of France.",
        "retrieval.documents.0.document.score": 0.92,
        "retrieval.documents.0.document.metadata": '{"source":"wiki/france.md"}',
        "retrieval.documents.1.document.id": "doc-2",
        "retrieval.documents.1.document.content": "Lyon is a city in France.",
        "retrieval.documents.1.document.score": 0.71,
        // Out-of-order keys and a gap in indices are fine.
        "retrieval.documents.10.document.content": "Marseille.",
      },
    }),
  );
  assert.equal(out.spanType, "RETRIEVER");
  assert.equal(out.inputs, "What is the capital of France?");
  assert.deepEqual(out.outputs, [
    { id: "doc-1", page_content: "Paris is the capital of France.", score: 0.92, metadata: { source: "wiki/france.md" } },
    { id: "doc-2", page_content: "Lyon is a city in France.", score: 0.71 },
    { page_content: "Marseille." },
  ]);
  assert.equal(out.model, null);
  assert.equal(out.usage, null);
});

test("OpenInference input.value: parsed for JSON mime or JSON-looking text; bad JSON stays raw", () => {
  const io = (attrs: Record<string, string>) => normalizeSpan(rawSpan({ attributes: { "openinference.span.kind": "CHAIN", ...attrs } }));
  assert.deepEqual(io({ "input.value": '{"a":1}', "input.mime_type": "application/json" }).inputs, { a: 1 });
  assert.equal(io({ "input.value": '"quoted"', "input.mime_type": "application/json" }).inputs, "quoted");
  assert.deepEqual(io({ "input.value": " [1, 2] " }).inputs, [1, 2]);
  assert.equal(io({ "input.value": "42" }).inputs, "42");
  assert.equal(io({ "input.value": "{not json}", "input.mime_type": "application/json" }).inputs, "{not json}");
  assert.equal(io({ "output.value": "hello" }).outputs, "hello");
});

test("OpenInference span kinds map 1:1; tool.name alone means TOOL", () => {
  const kind = (k: string) => normalizeSpan(rawSpan({ attributes: { "openinference.span.kind": k } })).spanType;
  for (const k of ["LLM", "EMBEDDING", "CHAIN", "RETRIEVER", "RERANKER", "TOOL", "AGENT", "GUARDRAIL", "EVALUATOR"]) {
    assert.equal(kind(k), k);
  }
  assert.equal(kind("agent"), "AGENT");
  assert.equal(kind("PROMPT"), "UNKNOWN");
  assert.equal(normalizeSpan(rawSpan({ attributes: { "tool.name": "search", "input.value": '{"q":"x"}' } })).spanType, "TOOL");
});

test("OpenInference model key priority: response > model_name > request > embedding", () => {
  const model = (attrs: Record<string, string>) => normalizeSpan(rawSpan({ attributes: attrs })).model;
  assert.equal(
    model({ "llm.request.model_name": "req", "llm.model_name": "legacy", "llm.response.model_name": "resp" }),
    "resp",
  );
  assert.equal(model({ "llm.request.model_name": "req", "llm.model_name": "legacy" }), "legacy");
  assert.equal(model({ "embedding.model_name": "text-embedding-3-small" }), "text-embedding-3-small");
});
