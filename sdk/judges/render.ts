/**
 * What judges put in prompts: scorer arguments as text, a compact view of a trace, and the
 * documents of RETRIEVER spans. Values are bounded so one huge trace cannot blow the context.
 */
import type { ScorerSpan, ScorerTrace } from "../scoring/scorerTrace";
import { toJsonValue } from "../tracing/serialize";
import { JudgeInputError } from "./errors";

const MAX_VALUE_CHARS = 20_000;
const MAX_TRACE_CHARS = 30_000;
const MAX_DOC_CHARS = 4_000;
const MAX_DOCS = 50;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…[truncated ${text.length - max} chars]` : text;
}

/** A scorer argument as prompt text: strings as they are, anything else as indented JSON. */
export function renderValue(value: unknown, max = MAX_VALUE_CHARS): string {
  if (typeof value === "string") return cut(value, max);
  const json = toJsonValue(value, { maxStringChars: max, maxArrayItems: 200, maxObjectKeys: 200, maxDepth: 12, maxChars: max * 2 });
  return cut(JSON.stringify(json, null, 2) ?? "null", max);
}

/** The trace as compact JSON: each span's name, type, parent, status, inputs and outputs. */
export function renderTrace(trace: ScorerTrace): string {
  const spans = trace.data.spans.map((span) => ({
    span_id: span.spanId,
    parent_id: span.parentId,
    name: span.name,
    span_type: span.spanType,
    status: span.status.code,
    inputs: toJsonValue(span.inputs, { maxStringChars: 2_000, maxArrayItems: 50, maxObjectKeys: 50, maxDepth: 8 }),
    outputs: toJsonValue(span.outputs, { maxStringChars: 2_000, maxArrayItems: 50, maxObjectKeys: 50, maxDepth: 8 }),
  }));
  return cut(JSON.stringify({ trace_id: trace.info.trace_id, state: trace.info.state, spans }), MAX_TRACE_CHARS);
}

export interface RetrievedDoc {
  /** The RETRIEVER span it came from. */
  spanId: string;
  /** `doc_uri` / `id` from the document's metadata, when present. */
  source: string | null;
  content: string;
}

const CONTENT_KEYS = ["page_content", "pageContent", "content", "text", "document", "chunk"] as const;

function docContent(item: unknown): { content: string; source: string | null } | null {
  if (typeof item === "string") return { content: item, source: null };
  if (typeof item !== "object" || item === null) return null;
  const record = item as Record<string, unknown>;
  const key = CONTENT_KEYS.find((k) => typeof record[k] === "string");
  const content = key === undefined ? renderValue(record, MAX_DOC_CHARS) : (record[key] as string);
  const metadata = (typeof record["metadata"] === "object" && record["metadata"] !== null ? record["metadata"] : {}) as Record<string, unknown>;
  const sourceValue = metadata["doc_uri"] ?? metadata["source"] ?? record["doc_uri"] ?? record["id"] ?? metadata["id"];
  return { content, source: typeof sourceValue === "string" || typeof sourceValue === "number" ? String(sourceValue) : null };
}

function docsOf(span: ScorerSpan): RetrievedDoc[] {
  let outputs: unknown = span.outputs;
  if (typeof outputs === "object" && outputs !== null && !Array.isArray(outputs)) {
    const record = outputs as Record<string, unknown>;
    outputs = record["documents"] ?? record["docs"] ?? record["results"] ?? [record];
  }
  const items = Array.isArray(outputs) ? outputs : outputs === null || outputs === undefined ? [] : [outputs];
  const docs: RetrievedDoc[] = [];
  for (const item of items) {
    const doc = docContent(item);
    if (doc !== null) docs.push({ spanId: span.spanId, source: doc.source, content: cut(doc.content, MAX_DOC_CHARS) });
  }
  return docs;
}

/**
 * The documents of every RETRIEVER span (`trace.searchSpans({ spanType: "RETRIEVER" })`), in start
 * order, at most 50. Throws {@link JudgeInputError} when there is no trace or no retriever span.
 */
export function retrievedDocs(judgeName: string, trace: ScorerTrace | undefined): RetrievedDoc[] {
  if (trace === undefined || trace === null || typeof trace.searchSpans !== "function") {
    throw new JudgeInputError(`judge "${judgeName}" needs a trace with RETRIEVER spans; it got no trace`);
  }
  const spans = trace.searchSpans({ spanType: "RETRIEVER" });
  if (spans.length === 0) throw new JudgeInputError(`judge "${judgeName}" needs a trace with RETRIEVER spans; trace ${trace.info.trace_id} has none`);
  return spans.flatMap(docsOf).slice(0, MAX_DOCS);
}

/** Documents as numbered prompt text: `[1] (source) content`. */
export function renderDocs(docs: readonly RetrievedDoc[]): string {
  if (docs.length === 0) return "(the retriever returned no documents)";
  return docs.map((doc, index) => `[${index + 1}]${doc.source === null ? "" : ` (${doc.source})`} ${doc.content}`).join("\n\n");
}
