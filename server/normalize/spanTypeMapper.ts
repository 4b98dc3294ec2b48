/**
 * Span type, by convention priority (first decision wins):
 * 1. Langfuse `langfuse.observation.type` when it names a specific type (generation→LLM,
 *    embedding, agent, tool, chain, retriever, guardrail, evaluator). "span" and "event" are the
 *    SDK's defaults and decide nothing.
 * 2. MLflow `mlflow.spanType` (JSON-encoded). WORKFLOW/TASK → CHAIN; other custom types → UNKNOWN.
 * 3. OpenInference `openinference.span.kind` (1:1).
 * 4. GenAI `gen_ai.operation.name`, then `gen_ai.tool.name` / `gen_ai.tool.call.id` → TOOL.
 * 5. Traceloop `traceloop.span.kind`, then `llm.request.type`.
 * 6. Vercel AI `ai.operationId` (or the `operation.name` prefix).
 * 7. Heuristics: OpenInference retrieval documents → RETRIEVER, `tool.name` → TOOL, any model → LLM.
 * Otherwise UNKNOWN.
 */
import type { SpanType } from "../../protocol/model";
// The SDK's copy of the list (a test keeps it equal to protocol/model's): importing protocol/model at
// runtime would pull zod into the SDK, which reuses this normalizer for evaluate().
import { SPAN_TYPES } from "../../sdk/tracing/attributes";
import type { NormalizeContext } from "./context";
import { decodeJson, hasValue } from "./jsonValue";
import { vercelOperation } from "./vercelOperation";

const KNOWN_TYPES: ReadonlySet<string> = new Set<string>(SPAN_TYPES);

const LANGFUSE_TYPES: Readonly<Record<string, SpanType>> = {
  generation: "LLM",
  embedding: "EMBEDDING",
  agent: "AGENT",
  tool: "TOOL",
  chain: "CHAIN",
  retriever: "RETRIEVER",
  guardrail: "GUARDRAIL",
  evaluator: "EVALUATOR",
};

const GENAI_OPERATIONS: Readonly<Record<string, SpanType>> = {
  chat: "CHAT_MODEL",
  generate_content: "LLM",
  text_completion: "LLM",
  // Historical / vendor values seen in the wild (Langfuse and MLflow accept these too).
  completion: "LLM",
  generate: "LLM",
  response: "LLM",
  embeddings: "EMBEDDING",
  execute_tool: "TOOL",
  invoke_agent: "AGENT",
  create_agent: "AGENT",
  retrieval: "RETRIEVER",
  invoke_workflow: "CHAIN",
};

const TRACELOOP_KINDS: Readonly<Record<string, SpanType>> = {
  workflow: "CHAIN",
  task: "CHAIN",
  agent: "AGENT",
  tool: "TOOL",
};

const TRACELOOP_REQUEST_TYPES: Readonly<Record<string, SpanType>> = {
  chat: "CHAT_MODEL",
  completion: "LLM",
  embedding: "EMBEDDING",
  rerank: "RERANKER",
};

const VERCEL_OPERATIONS: Readonly<Record<string, SpanType>> = {
  "ai.generateText": "CHAIN",
  "ai.streamText": "CHAIN",
  "ai.generateObject": "CHAIN",
  "ai.streamObject": "CHAIN",
  "ai.generateText.doGenerate": "CHAT_MODEL",
  "ai.streamText.doStream": "CHAT_MODEL",
  "ai.generateObject.doGenerate": "CHAT_MODEL",
  "ai.streamObject.doStream": "CHAT_MODEL",
  "ai.toolCall": "TOOL",
  "ai.embed": "EMBEDDING",
  "ai.embedMany": "EMBEDDING",
  "ai.embed.doEmbed": "EMBEDDING",
  "ai.embedMany.doEmbed": "EMBEDDING",
};

function lookup(table: Readonly<Record<string, SpanType>>, value: unknown): SpanType | null {
  if (typeof value !== "string") return null;
  return Object.hasOwn(table, value) ? (table[value] ?? null) : null;
}

/** An MLflow span type string (custom strings allowed) → SpanType. */
export function mlflowSpanType(value: string): SpanType {
  const upper = value.toUpperCase();
  if (KNOWN_TYPES.has(upper)) return upper as SpanType;
  if (upper === "WORKFLOW" || upper === "TASK") return "CHAIN";
  return "UNKNOWN";
}

export function mapSpanType(ctx: NormalizeContext, model: string | null): SpanType {
  const a = ctx.attrs;
  let t: SpanType | null = null;

  if (ctx.langfuse) {
    const lf = a["langfuse.observation.type"];
    if (typeof lf === "string" && (t = lookup(LANGFUSE_TYPES, lf.toLowerCase())) !== null) return t;
  }
  if (ctx.mlflow) {
    const raw = a["mlflow.spanType"];
    if (hasValue(raw)) {
      const decoded = decodeJson(raw);
      return typeof decoded === "string" && decoded.length > 0 ? mlflowSpanType(decoded) : "UNKNOWN";
    }
  }
  if (ctx.openinference) {
    const kind = a["openinference.span.kind"];
    if (typeof kind === "string") {
      const upper = kind.toUpperCase();
      if (KNOWN_TYPES.has(upper)) return upper as SpanType;
    }
  }
  if (ctx.genai) {
    if ((t = lookup(GENAI_OPERATIONS, a["gen_ai.operation.name"])) !== null) return t;
    if (hasValue(a["gen_ai.tool.name"]) || hasValue(a["gen_ai.tool.call.id"])) return "TOOL";
  }
  if (ctx.traceloop) {
    if ((t = lookup(TRACELOOP_KINDS, a["traceloop.span.kind"])) !== null) return t;
    if ((t = lookup(TRACELOOP_REQUEST_TYPES, a["llm.request.type"])) !== null) return t;
  }
  if (ctx.vercel) {
    if ((t = lookup(VERCEL_OPERATIONS, vercelOperation(ctx))) !== null) return t;
  }
  // Fallback heuristics.
  if (ctx.scan.oiDocuments !== null) return "RETRIEVER";
  if (hasValue(a["tool.name"])) return "TOOL";
  if (model !== null) return "LLM";
  return "UNKNOWN";
}
