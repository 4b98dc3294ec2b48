/** A real in-memory store with a handful of traces, spans and assessments for the search tests. */
import { spanRecord } from "../../support/spanRecord";
import type { SpanRecord } from "../../../../protocol/model";
import { openDatabase, type Db } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";

export const T0 = 1_750_000_000_000; // ms

/** Trace ids, 32 hex chars each. */
export const ID = {
  chat: "a".repeat(32),
  retrieve: "b".repeat(32),
  partial: "c".repeat(32),
  summarize: "d".repeat(32),
  agent: "e".repeat(32),
} as const;

export type Name = keyof typeof ID;

const nsOf = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

let spanCounter = 0;
function spanId(): string {
  spanCounter++;
  return spanCounter.toString(16).padStart(16, "0");
}

export function span(traceId: string, over: Partial<SpanRecord> & { startMs: number; durationMs: number }): SpanRecord {
  const { startMs, durationMs, ...rest } = over;
  return spanRecord({
    traceId,
    spanId: spanId(),
    name: "span",
    startTimeUnixNano: nsOf(startMs),
    endTimeUnixNano: nsOf(startMs + durationMs),
    ...rest,
  });
}

function traceSpans(): SpanRecord[] {
  const chatRoot = span(ID.chat, {
    name: "chat_request",
    startMs: T0,
    durationMs: 1500,
    inputs: { question: "What is MLflow?" },
    outputs: "MLflow is an open source platform",
    sessionId: "s1",
    userId: "u1",
    tags: { env: "production", "mlflow.user": "alice", 'we"ird\\key': "quoted", "Mixed.Case": "Value%_*?[x]" },
    metadata: { "mlflow.user": "alice", "mlflow.source.name": "app.py", "mlflow.sourceRun": "run-1" },
    attributes: { "mlflow.spanType": "CHAIN" },
  });
  const chatLlm = span(ID.chat, {
    parentSpanId: chatRoot.spanId,
    name: "ChatOpenAI",
    spanType: "CHAT_MODEL",
    startMs: T0 + 10,
    durationMs: 1000,
    model: "gpt-4o",
    provider: "openai",
    usage: { inputTokens: 100, outputTokens: 50, totalTokens: 150 },
    cost: { inputCost: 0.001, outputCost: 0.001, totalCost: 0.002 },
    inputs: [{ role: "user", content: "What is MLflow?" }],
    outputs: { content: "MLflow is an open source platform" },
    attributes: {
      "llm.model_name": "gpt-4o",
      "llm.token_count.total": 150,
      temperature: 0.7,
      streaming: true,
      "http.status_code": "200",
      tags: ["a", "b"],
    },
  });

  const retrieveRoot = span(ID.retrieve, {
    name: "Retrieve",
    spanType: "RETRIEVER",
    startMs: T0 + 1000,
    durationMs: 6000.4,
    statusCode: "ERROR",
    statusMessage: "boom",
    inputs: "find docs about SQLite",
    outputs: null,
    sessionId: "s2",
    tags: { env: "staging" },
    metadata: { "mlflow.user": "bob" },
  });
  const retrieveTool = span(ID.retrieve, {
    parentSpanId: retrieveRoot.spanId,
    name: "search_web",
    spanType: "TOOL",
    startMs: T0 + 1100,
    durationMs: 5000,
    statusCode: "ERROR",
    attributes: { "tool.name": "web", "http.status_code": 500, streaming: false },
  });

  // No root yet: IN_PROGRESS, named after its earliest span.
  const partialChild = span(ID.partial, {
    parentSpanId: "f".repeat(16),
    name: "chat_request",
    spanType: "LLM",
    startMs: T0 + 2000,
    durationMs: 10,
    model: "llama3",
    statusCode: "UNSET",
    metadata: { "Mixed.Case": "Value" },
  });

  const summarizeRoot = span(ID.summarize, {
    name: "summarize",
    spanType: "LLM",
    startMs: T0 + 3000.5,
    durationMs: 200,
    model: "claude-3-5-sonnet",
    provider: "anthropic",
    usage: { inputTokens: 1000, outputTokens: 200, totalTokens: 1200 },
    cost: null,
    inputs: "Summarize THIS text: ünïcödé",
    outputs: "A short summary",
    userId: "u1",
    tags: { env: "production", version: "2" },
    attributes: { "llm.model_name": "claude-3-5-sonnet", note: "100% sure" },
  });

  const agentRoot = span(ID.agent, {
    name: "agent_loop",
    spanType: "AGENT",
    startMs: T0 + 4000,
    durationMs: 50,
    inputs: { task: "plan" },
    outputs: { result: "done" },
    tags: { env: "dev" },
    resource: { "service.name": "agent-svc" },
  });
  const agentTool = span(ID.agent, {
    parentSpanId: agentRoot.spanId,
    name: "calculator",
    spanType: "TOOL",
    startMs: T0 + 4010,
    durationMs: 5,
    inputs: { expression: "2+2" },
    outputs: 4,
    attributes: { "tool.name": "calc", 'odd "key"': "found-it", "x') OR 1=1 --": "nope" },
  });
  return [chatRoot, chatLlm, retrieveRoot, retrieveTool, partialChild, summarizeRoot, agentRoot, agentTool];
}

/** [trace, kind, name, JSON value (or null), error JSON (or null)] */
type AssessmentSeed = [Name, "feedback" | "expectation", string, string | null, string | null];

const ASSESSMENTS: AssessmentSeed[] = [
  ["chat", "feedback", "relevance", "true", null],
  ["chat", "feedback", "rating", '"yes"', null],
  ["chat", "feedback", "score", "0.9", null],
  ["chat", "expectation", "expected_answer", '"MLflow is an OSS platform"', null],
  ["chat", "feedback", "tags_given", '["helpful","short"]', null],
  ["retrieve", "feedback", "relevance", "false", null],
  ["retrieve", "feedback", "rating", '"no"', null],
  ["retrieve", "feedback", "score", "0.2", null],
  ["retrieve", "feedback", "errored", null, '{"error_code":"SCORER_ERROR","error_message":"boom"}'],
  ["summarize", "feedback", "score", '"0.75"', null],
  ["summarize", "feedback", "rating", '"Yes"', null],
  ["summarize", "feedback", "relevance", "1", null],
  ["agent", "expectation", "expected_answer", '{"steps":2}', null],
  ["agent", "feedback", "score", "1", null],
];

export async function seededDb(): Promise<Db> {
  const db = openDatabase(":memory:");
  const writer = new SpanWriter(db);
  await writer.write(traceSpans());
  const insert = db.prepare(
    `INSERT INTO assessments (assessment_id, trace_id, span_id, name, kind, value, rationale, error, source_type, source_id,
      metadata, run_id, created_ms, updated_ms) VALUES (?, ?, NULL, ?, ?, ?, NULL, ?, 'CODE', 'default', '{}', NULL, ?, ?)`,
  );
  ASSESSMENTS.forEach(([trace, kind, name, value, error], i) => {
    insert.run(`a-${i}`, ID[trace], name, kind, value, error, T0 + i, T0 + i);
  });
  return db;
}

/** Maps trace ids back to fixture names, for readable assertions. */
export function names(ids: readonly string[]): string[] {
  const byId = new Map<string, string>(Object.entries(ID).map(([k, v]) => [v, k]));
  return ids.map((id) => byId.get(id) ?? id);
}
