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
  resource_id: number | bigint | null;
  /** From the LEFT JOIN on span_resources. */
  resource_json?: string | null;
}

/** Columns that are not promoted: links, usage/cost details, error, context. (Resource and scope live in span_resources.) */
interface SpanDetail {
  links: SpanRecord["links"];
  /** Only in rows written before schema v3. */
  resource?: SpanRecord["resource"];
  scope?: SpanRecord["scope"];
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

/** The span_resources key of a span: its resource and scope as JSON. */
export function resourceJson(s: SpanRecord): string {
  return JSON.stringify({ resource: s.resource, scope: s.scope });
}

export function toRowParams(s: SpanRecord, resourceId: number | bigint | null): unknown[] {
  const detail: SpanDetail = {
    links: s.links,
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
    resourceId,
  ];
}

export const INSERT_SPAN_SQL = `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, span_type, start_ns, end_ns,
  status, status_message, model, provider, input_tokens, output_tokens, total_tokens, cost_usd, inputs, outputs,
  attributes, events, detail, resource_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
  ON CONFLICT(trace_id, span_id) DO NOTHING`;

type ResourceAndScope = { resource: SpanRecord["resource"]; scope: SpanRecord["scope"] };
const NO_RESOURCE: ResourceAndScope = { resource: {}, scope: { name: "", version: "" } };

/** Parses each distinct resource JSON once per read (a trace's spans usually share one). */
export class ResourceCache {
  private readonly byId = new Map<string, ResourceAndScope>();
  get(id: number | bigint | null, json: string | null | undefined): ResourceAndScope {
    if (id === null || json === null || json === undefined) return NO_RESOURCE;
    const key = String(id);
    let v = this.byId.get(key);
    if (!v) {
      v = JSON.parse(json) as ResourceAndScope;
      this.byId.set(key, v);
    }
    return v;
  }
}

export function fromRow(r: SpanRow, resources: ResourceCache = new ResourceCache()): SpanRecord {
  const d = JSON.parse(r.detail) as SpanDetail;
  const rs =
    r.resource_id === null && d.resource !== undefined
      ? { resource: d.resource, scope: d.scope ?? NO_RESOURCE.scope }
      : resources.get(r.resource_id, r.resource_json);
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
    resource: rs.resource,
    scope: rs.scope,
    error: d.error,
    sessionId: d.sessionId,
    userId: d.userId,
    tags: d.tags,
    metadata: d.metadata,
    conventions: d.conventions,
  };
}
