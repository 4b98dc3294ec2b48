import { test } from "node:test";
import assert from "node:assert/strict";
import { NormalizedSpan } from "../../../../protocol/model";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { mlflowJson, rawSpan } from "./rawSpan";

test("MLflow chat span: JSON-encoded attributes are decoded", () => {
  const messages = [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "What is MLflow?" },
  ];
  const out = normalizeSpan(
    rawSpan({
      name: "ChatOpenAI",
      attributes: {
        "mlflow.traceRequestId": mlflowJson("tr-0af7651916cd43dd8448eb211c80319c"),
        "mlflow.spanType": mlflowJson("CHAT_MODEL"),
        "mlflow.spanFunctionName": mlflowJson("invoke"),
        "mlflow.spanInputs": mlflowJson({ messages, temperature: 0.1 }),
        "mlflow.spanOutputs": mlflowJson({
          choices: [{ index: 0, message: { role: "assistant", content: "An MLOps platform." } }],
        }),
        "mlflow.chat.tokenUsage": mlflowJson({ input_tokens: 20, output_tokens: 6, total_tokens: 26, cache_read_input_tokens: 4 }),
        "mlflow.llm.cost": mlflowJson({ input_cost: 0.0002, output_cost: 0.0006, total_cost: 0.0008 }),
        "mlflow.llm.model": mlflowJson("gpt-4o-mini"),
        "mlflow.llm.provider": mlflowJson("openai"),
        "mlflow.message.format": mlflowJson("openai"),
        "mlflow.traceTag.environment": mlflowJson("staging"),
        "mlflow.traceTag.attempt": mlflowJson(3),
        "session.id": "sess-42",
        "user.id": "alice",
      },
    }),
  );
  assert.equal(out.spanType, "CHAT_MODEL");
  assert.deepEqual(out.inputs, { messages, temperature: 0.1 });
  assert.deepEqual(out.outputs, {
    choices: [{ index: 0, message: { role: "assistant", content: "An MLOps platform." } }],
  });
  assert.equal(out.model, "gpt-4o-mini");
  assert.equal(out.provider, "openai");
  assert.deepEqual(out.usage, { inputTokens: 20, outputTokens: 6, totalTokens: 26, cacheReadInputTokens: 4 });
  assert.deepEqual(out.cost, { inputCost: 0.0002, outputCost: 0.0006, totalCost: 0.0008 });
  assert.deepEqual(out.tags, { environment: "staging", attempt: "3" });
  assert.deepEqual(out.metadata, {});
  assert.equal(out.sessionId, "sess-42");
  assert.equal(out.userId, "alice");
  assert.equal(out.error, null);
  assert.deepEqual(out.conventions, ["mlflow"]);
  NormalizedSpan.parse(out);
});

test("MLflow: string inputs and outputs stay strings after decoding", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "mlflow.spanType": mlflowJson("LLM"),
        "mlflow.spanInputs": mlflowJson("Tell me a joke"),
        "mlflow.spanOutputs": mlflowJson("Why did the chicken…"),
      },
    }),
  );
  assert.equal(out.spanType, "LLM");
  assert.equal(out.inputs, "Tell me a joke");
  assert.equal(out.outputs, "Why did the chicken…");
  assert.equal(out.usage, null);
  assert.equal(out.cost, null);
});

test("MLflow: malformed JSON in mlflow.spanInputs stays the raw string", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "mlflow.spanType": mlflowJson("CHAIN"),
        "mlflow.spanInputs": '{"question": "unterminated',
        "mlflow.spanOutputs": "plain text, not JSON",
      },
    }),
  );
  assert.equal(out.spanType, "CHAIN");
  assert.equal(out.inputs, '{"question": "unterminated');
  assert.equal(out.outputs, "plain text, not JSON");
});

test("MLflow: un-encoded span type and custom span types", () => {
  const type = (spanType: string) => normalizeSpan(rawSpan({ attributes: { "mlflow.spanType": spanType } })).spanType;
  assert.equal(type("RETRIEVER"), "RETRIEVER");
  assert.equal(type(mlflowJson("PARSER")), "PARSER");
  assert.equal(type(mlflowJson("WORKFLOW")), "CHAIN");
  assert.equal(type(mlflowJson("TASK")), "CHAIN");
  assert.equal(type(mlflowJson("MY_CUSTOM_TYPE")), "UNKNOWN");
  assert.equal(type(mlflowJson("UNKNOWN")), "UNKNOWN");
  assert.equal(type(mlflowJson("guardrail")), "GUARDRAIL");
});

test("MLflow: total tokens and total cost are derived when missing", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "mlflow.spanType": mlflowJson("LLM"),
        "mlflow.chat.tokenUsage": mlflowJson({ input_tokens: "100", output_tokens: "25" }),
        "mlflow.llm.cost": mlflowJson({ input_cost: 0.5, output_cost: 0.25 }),
      },
    }),
  );
  assert.deepEqual(out.usage, { inputTokens: 100, outputTokens: 25, totalTokens: 125 });
  assert.deepEqual(out.cost, { inputCost: 0.5, outputCost: 0.25, totalCost: 0.75 });
});

test("mlflow.traceMetadata.<k> (written by the ScoreLens SDK) becomes trace metadata", () => {
  const n = normalizeSpan(rawSpan({ attributes: { "mlflow.spanType": '"AGENT"', "mlflow.traceMetadata.version": "1.3.0" } }));
  assert.deepEqual(n.metadata, { version: "1.3.0" });
});
