/** SpanRecord ↔ `spans` table row. The hot columns are promoted; the rest lives in JSON. */
import type { SpanRecord } from "../../protocol/model";

export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  span_type: string;
  start_ns: bigint;
  end_ns: bigint;
  status: string;
  status_message: string;
  model: string | null;
  provider: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost_usd: number | null;
  inputs: string | null;
  outputs: string | null;
  attributes: string;
  events: string;
  detail: string;
}

/** Columns that are not promoted: links, resource, scope, usage/cost details, error, context. */
interface SpanDetail {
  links: SpanRecord["links"];
  resource: SpanRecord["resource"];
  scope: SpanRecord["scope"];
  usage: SpanRecord["usage"];
  cost: SpanRecord["cost"];
  error: SpanRecord["error"];
  sessionId: string | null;
  userId: string | null;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  conventions: string[];
}

function jsonOrNull(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    return JSON.stringify(String(v));
  }
}

export function toRowParams(s: SpanRecord): unknown[] {
  const detail: SpanDetail = {
    links: s.links,
    resource: s.resource,
    scope: s.scope,
    usage: s.usage,
    cost: s.cost,
    error: s.error,
    sessionId: s.sessionId,
    userId: s.userId,
    tags: s.tags,
    metadata: s.metadata,
    conventions: s.conventions,
  };
  return [
    s.traceId,
    s.spanId,
    s.parentSpanId,
    s.name,
    s.kind,
    s.spanType,
    BigInt(s.startTimeUnixNano),
    BigInt(s.endTimeUnixNano),
    s.statusCode,
    s.statusMessage,
    s.model,
    s.provider,
    s.usage?.inputTokens ?? null,
    s.usage?.outputTokens ?? null,
    s.usage?.totalTokens ?? null,
    s.cost?.totalCost ?? null,
    jsonOrNull(s.inputs),
    jsonOrNull(s.outputs),
    JSON.stringify(s.attributes),
    JSON.stringify(s.events),
    JSON.stringify(detail),
  ];
}

export const INSERT_SPAN_SQL = `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, span_type, start_ns, end_ns,
  status, status_message, model, provider, input_tokens, output_tokens, total_tokens, cost_usd, inputs, outputs,
  attributes, events, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
  ON CONFLICT(trace_id, span_id) DO NOTHING`;

export function fromRow(r: SpanRow): SpanRecord {
  const d = JSON.parse(r.detail) as SpanDetail;
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    kind: r.kind,
    spanType: r.span_type as SpanRecord["spanType"],
    startTimeUnixNano: r.start_ns.toString(),
    endTimeUnixNano: r.end_ns.toString(),
    statusCode: r.status as SpanRecord["statusCode"],
    statusMessage: r.status_message,
    model: r.model,
    provider: r.provider,
    usage: d.usage,
    cost: d.cost,
    inputs: r.inputs === null ? null : (JSON.parse(r.inputs) as unknown),
    outputs: r.outputs === null ? null : (JSON.parse(r.outputs) as unknown),
    attributes: JSON.parse(r.attributes) as SpanRecord["attributes"],
    events: JSON.parse(r.events) as SpanRecord["events"],
    links: d.links,
    resource: d.resource,
    scope: d.scope,
    error: d.error,
    sessionId: d.sessionId,
    userId: d.userId,
    tags: d.tags,
    metadata: d.metadata,
    conventions: d.conventions,
  };
}
