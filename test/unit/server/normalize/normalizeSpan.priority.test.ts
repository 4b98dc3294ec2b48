import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { mlflowJson, rawSpan } from "./rawSpan";

test("mlflow.spanType beats openinference.span.kind; both conventions are recorded in order", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "openinference.span.kind": "LLM",
        "mlflow.spanType": mlflowJson("CHAT_MODEL"),
      },
    }),
  );
  assert.equal(out.spanType, "CHAT_MODEL");
  assert.deepEqual(out.conventions, ["mlflow", "openinference"]);
});

test("per field: the higher convention wins where it has a value, lower ones fill the rest", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        // MLflow has inputs but no outputs (e.g. a span closed before outputs were set).
        "mlflow.spanInputs": mlflowJson({ query: "from mlflow" }),
        "input.value": "from openinference",
        "output.value": "output from openinference",
        "llm.model_name": "oi-model",
        "gen_ai.request.model": "genai-model",
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
      },
    }),
  );
  assert.deepEqual(out.inputs, { query: "from mlflow" });
  assert.equal(out.outputs, "output from openinference");
  assert.equal(out.model, "oi-model");
  assert.equal(out.provider, "anthropic");
  assert.equal(out.spanType, "CHAT_MODEL", "no mlflow/openinference type → GenAI operation decides");
  assert.deepEqual(out.conventions, ["mlflow", "openinference", "genai"]);
});

test("Langfuse explicit overrides beat MLflow; MLflow beats GenAI", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "langfuse.observation.type": "tool",
        "langfuse.observation.input": "lf input",
        "mlflow.spanType": mlflowJson("LLM"),
        "mlflow.spanInputs": mlflowJson("mlflow input"),
        "mlflow.spanOutputs": mlflowJson("mlflow output"),
        "mlflow.llm.model": mlflowJson("mlflow-model"),
        "gen_ai.response.model": "genai-model",
        "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"genai"}]}]',
      },
    }),
  );
  assert.equal(out.spanType, "TOOL");
  assert.equal(out.inputs, "lf input");
  assert.equal(out.outputs, "mlflow output");
  assert.equal(out.model, "mlflow-model");
  assert.deepEqual(out.conventions, ["langfuse", "mlflow", "genai"]);
});

test("token usage merges per sub-field across conventions (priority per sub-field)", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "mlflow.chat.tokenUsage": mlflowJson({ input_tokens: 10 }),
        "llm.token_count.prompt": 999,
        "llm.token_count.completion": 5,
        "gen_ai.usage.output_tokens": 777,
        "llm.usage.total_tokens": 20,
      },
    }),
  );
  assert.deepEqual(out.usage, { inputTokens: 10, outputTokens: 5, totalTokens: 20 });
});

test("GenAI beats Traceloop and Vercel for the type; OpenInference documents beat a model heuristic", () => {
  assert.equal(
    normalizeSpan(rawSpan({ attributes: { "gen_ai.operation.name": "invoke_agent", "traceloop.span.kind": "tool", "ai.operationId": "ai.toolCall" } }))
      .spanType,
    "AGENT",
  );
  assert.equal(
    normalizeSpan(rawSpan({ attributes: { "traceloop.span.kind": "tool", "ai.operationId": "ai.generateText" } })).spanType,
    "TOOL",
  );
  assert.equal(
    normalizeSpan(rawSpan({ attributes: { "retrieval.documents.0.document.content": "x", "llm.model_name": "m" } })).spanType,
    "RETRIEVER",
  );
});

test("tags and metadata: first writer wins per key, across conventions", () => {
  const out = normalizeSpan(
    rawSpan({
      attributes: {
        "mlflow.traceTag.env": mlflowJson("prod"),
        "tag.tags": ["env", "rag"],
        "langfuse.trace.tags": ["rag", "beta"],
        metadata: '{"team":"search"}',
        "langfuse.trace.metadata.team": "ignored",
        "langfuse.trace.metadata.region": "eu",
      },
    }),
  );
  assert.deepEqual(out.tags, { env: "prod", rag: "true", beta: "true" });
  assert.deepEqual(out.metadata, { team: "search", region: "eu" });
});

test("session/user: explicit Langfuse compat keys > session.id > gen_ai.conversation.id", () => {
  const a = normalizeSpan(rawSpan({ attributes: { "session.id": "s", "gen_ai.conversation.id": "c" } }));
  assert.equal(a.sessionId, "s");
  const b = normalizeSpan(rawSpan({ attributes: { "gen_ai.conversation.id": "c" } }));
  assert.equal(b.sessionId, "c");
  const c = normalizeSpan(rawSpan({ attributes: { "langfuse.session.id": "lf", "session.id": "s", "user.id": 42 } }));
  assert.equal(c.sessionId, "lf");
  assert.equal(c.userId, "42");
});
