/** Pure helpers of the trace panel (no DOM), unit-tested in test/unit/webview/traceValues.test.ts. */
import type { AttrValue, SpanRecord } from "../../protocol/model";

/** The value an expectation text is saved as: JSON when it parses, else the text itself. */
export function parseExpectationValue(text: string): { value: unknown; kind: string } {
  const t = text.trim();
  if (t === "") return { value: "", kind: "empty text" };
  try {
    const v = JSON.parse(t) as unknown;
    const kind = v === null ? "JSON null" : Array.isArray(v) ? "JSON array" : `JSON ${typeof v}`;
    return { value: v, kind };
  } catch {
    return { value: text, kind: "text" };
  }
}

export interface RetrievedDoc {
  id: string | null;
  text: unknown;
  score: number | null;
  metadata: Record<string, unknown>;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Retriever outputs: `[{page_content|content|text, metadata, score, id}]` (or under `documents`). */
export function retrievedDocs(outputs: unknown): RetrievedDoc[] | null {
  const list = Array.isArray(outputs) ? outputs : isObj(outputs) && Array.isArray(outputs.documents) ? outputs.documents : null;
  if (list === null || list.length === 0) return null;
  const out: RetrievedDoc[] = [];
  for (const d of list) {
    const doc = isObj(d) && isObj(d.document) ? d.document : d;
    if (!isObj(doc)) return null;
    const text = doc.page_content ?? doc.content ?? doc.text;
    if (text === undefined) return null;
    const id = doc.id ?? (isObj(doc.metadata) ? doc.metadata.id : undefined);
    out.push({
      id: typeof id === "string" || typeof id === "number" ? String(id) : null,
      text,
      score: typeof doc.score === "number" ? doc.score : typeof doc.relevance_score === "number" ? doc.relevance_score : null,
      metadata: isObj(doc.metadata) ? doc.metadata : {},
    });
  }
  return out;
}

function attr(attrs: Record<string, AttrValue>, ...keys: string[]): AttrValue | undefined {
  for (const k of keys) if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== "") return attrs[k];
  return undefined;
}

/** `code.file.path` + `code.line.number` (new semconv) or `code.filepath` + `code.lineno` (old). */
export function sourceLocation(span: SpanRecord): { file: string; line: number | null; fn: string | null } | null {
  const file = attr(span.attributes, "code.file.path", "code.filepath");
  if (typeof file !== "string") return null;
  const line = attr(span.attributes, "code.line.number", "code.lineno");
  const fn = attr(span.attributes, "code.function.name", "code.function");
  const n = typeof line === "number" ? line : typeof line === "string" && /^\d+$/.test(line) ? Number(line) : null;
  return { file, line: n, fn: typeof fn === "string" ? fn : null };
}

