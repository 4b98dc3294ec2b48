/**
 * `ScorerTrace`: the `trace` argument a scorer receives. It is a read-only view of one stored trace,
 * shaped like MLflow's `Trace` (`trace.info`, `trace.data.spans`, `trace.search_spans(...)`), with
 * camelCase helpers:
 *
 *   const retrieval = scorer(({ trace }: { trace: ScorerTrace }) => {
 *     const docs = trace.searchSpans({ spanType: "RETRIEVER" });
 *     return docs.length > 0 && docs.every((span) => span.status.code !== "ERROR");
 *   });
 *
 * It is built from a TraceDetail-like object `{ summary, spans, assessments? }`, as the ScoreLens
 * server stores traces. {@link scorerArgsFromTrace} maps a trace to a scorer's arguments the way
 * `mlflow.genai.evaluate` does.
 */
import type { Assessment, Attributes, SpanEvent, SpanRecord, SpanStatusCode, TraceState, TraceSummary } from "../../protocol/model";
import type { SpanType } from "../tracing/attributes";
import type { ScorerArgs } from "./types";

/** What `ScorerTrace` is built from: a `TraceDetail`, plus the trace's assessments when known. */
export interface TraceDetailLike {
  summary: TraceSummary;
  spans: readonly SpanRecord[];
  assessments?: readonly Assessment[] | null;
}

/** MLflow's `TraceInfo`, with MLflow's snake_case field names. Times are in milliseconds. */
export interface ScorerTraceInfo {
  /** `"tr-" + 32-hex trace id`. */
  trace_id: string;
  /** Start time, ms since the epoch. */
  request_time: number;
  /** Duration, ms. */
  execution_duration: number;
  state: TraceState;
  request_preview: string;
  response_preview: string;
  tags: Record<string, string>;
  trace_metadata: Record<string, string>;
  assessments: Assessment[];
}

export interface ScorerSpanStatus {
  code: SpanStatusCode;
  message: string;
}

export interface SearchSpansOptions {
  /** One span type or several, e.g. `"RETRIEVER"` or `["LLM", "CHAT_MODEL"]`. Exact match. */
  spanType?: SpanType | readonly SpanType[];
  /** Exact name, or a RegExp tested against the name (`g`/`y` flags are ignored). */
  name?: string | RegExp;
  spanId?: string;
}

function toNs(text: string): bigint {
  try {
    return BigInt(text);
  } catch {
    return 0n;
  }
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** One span of a {@link ScorerTrace} (MLflow `Span`). */
export class ScorerSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** The parent span's id, or null for a root span. It may name a span that is missing from the trace (an orphan). */
  readonly parentId: string | null;
  readonly name: string;
  readonly spanType: SpanType;
  /** Parsed inputs (any JSON value), or null when the span has none. */
  readonly inputs: unknown;
  readonly outputs: unknown;
  /** Raw attributes, as stored. MLflow's `mlflow.*` values are JSON text; {@link getAttribute} parses them. */
  readonly attributes: Attributes;
  readonly events: SpanEvent[];
  /** Nanoseconds since the epoch. `toJSON()` writes them as decimal strings. */
  readonly startTimeNs: bigint;
  readonly endTimeNs: bigint;
  readonly status: ScorerSpanStatus;
  /** The model and token usage the server derived for LLM spans, or null. */
  readonly model: string | null;
  readonly usage: SpanRecord["usage"];
  /** The stored record, with every normalized field (cost, error, conventions…). */
  readonly record: SpanRecord;

  constructor(record: SpanRecord) {
    this.record = record;
    this.traceId = record.traceId;
    this.spanId = record.spanId;
    this.parentId = record.parentSpanId;
    this.name = record.name;
    this.spanType = record.spanType;
    this.inputs = record.inputs;
    this.outputs = record.outputs;
    this.attributes = record.attributes;
    this.events = record.events;
    this.startTimeNs = toNs(record.startTimeUnixNano);
    this.endTimeNs = toNs(record.endTimeUnixNano);
    this.status = { code: record.statusCode, message: record.statusMessage };
    this.model = record.model;
    this.usage = record.usage;
  }

  /** Duration in milliseconds (fractional). */
  get durationMs(): number {
    return Number(this.endTimeNs - this.startTimeNs) / 1e6;
  }

  /** An attribute value. JSON text is parsed, as MLflow's `span.get_attribute` does; other strings come back as they are. */
  getAttribute(key: string): unknown {
    const value = this.attributes[key];
    return value === undefined ? undefined : parseMaybeJson(value);
  }

  /** Plain JSON (nanosecond times as decimal strings), so `JSON.stringify(trace)` works. */
  toJSON(): Record<string, unknown> {
    return {
      traceId: this.traceId,
      spanId: this.spanId,
      parentId: this.parentId,
      name: this.name,
      spanType: this.spanType,
      inputs: this.inputs,
      outputs: this.outputs,
      attributes: this.attributes,
      events: this.events,
      startTimeNs: this.startTimeNs.toString(),
      endTimeNs: this.endTimeNs.toString(),
      status: this.status,
      model: this.model,
      usage: this.usage,
    };
  }
}

function byStart(a: ScorerSpan, b: ScorerSpan): number {
  return a.startTimeNs < b.startTimeNs ? -1 : a.startTimeNs > b.startTimeNs ? 1 : 0;
}

/** The root: the earliest span without a parent; if none, the earliest orphan (parent not in the trace); else the earliest span. */
function findRoot(spans: readonly ScorerSpan[], ids: ReadonlySet<string>): ScorerSpan | null {
  // `spans` is sorted by start time, so the first match is the earliest.
  return spans.find((span) => span.parentId === null) ?? spans.find((span) => !ids.has(span.parentId as string)) ?? spans[0] ?? null;
}

/** The `trace` argument of a scorer (MLflow `Trace`). */
export class ScorerTrace {
  readonly info: ScorerTraceInfo;
  /** `spans` are sorted by start time. `request`/`response` are the root span's inputs/outputs (MLflow `TraceData`). */
  readonly data: { spans: ScorerSpan[]; request: unknown; response: unknown };
  /** The root span: see {@link findRoot}. Null for a trace with no spans. */
  readonly rootSpan: ScorerSpan | null;
  /** The stored summary (token totals, cost, session, user…). */
  readonly summary: TraceSummary;
  readonly #byId: Map<string, ScorerSpan>;

  constructor(detail: TraceDetailLike) {
    const { summary } = detail;
    this.summary = summary;
    const spans = detail.spans.map((record) => new ScorerSpan(record)).sort(byStart);
    this.#byId = new Map(spans.map((span) => [span.spanId, span]));
    this.rootSpan = findRoot(spans, new Set(this.#byId.keys()));
    this.data = {
      spans,
      request: this.rootSpan === null ? null : this.rootSpan.inputs,
      response: this.rootSpan === null ? null : this.rootSpan.outputs,
    };
    this.info = {
      trace_id: summary.requestId.startsWith("tr-") ? summary.requestId : `tr-${summary.traceId}`,
      request_time: summary.startTimeMs,
      execution_duration: summary.durationMs,
      state: summary.state,
      request_preview: summary.requestPreview,
      response_preview: summary.responsePreview,
      tags: summary.tags,
      trace_metadata: summary.metadata,
      assessments: detail.assessments === undefined || detail.assessments === null ? [] : [...detail.assessments],
    };
  }

  /** The root span's inputs (null when there is no root or it has none). */
  get inputs(): unknown {
    return this.data.request;
  }

  /** The root span's outputs (null when there is no root or it has none). */
  get outputs(): unknown {
    return this.data.response;
  }

  /** Spans matching every given criterion, in start order (MLflow `trace.search_spans`). With no criteria: all spans. */
  searchSpans(options: SearchSpansOptions = {}): ScorerSpan[] {
    const { spanType, name, spanId } = options;
    const types = spanType === undefined ? null : new Set<string>(typeof spanType === "string" ? [spanType] : spanType);
    const pattern = name instanceof RegExp ? new RegExp(name.source, name.flags.replace(/[gy]/g, "")) : null;
    return this.data.spans.filter((span) => {
      if (types !== null && !types.has(span.spanType)) return false;
      if (spanId !== undefined && span.spanId !== spanId) return false;
      if (pattern !== null) return pattern.test(span.name);
      return name === undefined || span.name === name;
    });
  }

  /** The span with this id, or null. */
  getSpan(spanId: string): ScorerSpan | null {
    return this.#byId.get(spanId) ?? null;
  }

  /** The direct children of a span, in start order. */
  getChildren(spanOrId: ScorerSpan | string): ScorerSpan[] {
    const id = typeof spanOrId === "string" ? spanOrId : spanOrId.spanId;
    return this.data.spans.filter((span) => span.parentId === id);
  }

  /** Plain JSON for prompts and logs: `{ info, data: { spans, request, response } }`. */
  toJSON(): Record<string, unknown> {
    return { info: this.info, data: this.data };
  }
}

/** The newest value of each expectation assessment (by update time, then creation time). Errored or valueless ones are skipped. */
function expectationsOf(assessments: readonly Assessment[]): Record<string, unknown> | undefined {
  const newest = new Map<string, Assessment>();
  for (const assessment of assessments) {
    if (assessment.kind !== "expectation" || assessment.error !== null || assessment.value === undefined) continue;
    const current = newest.get(assessment.name);
    const newer =
      current === undefined ||
      assessment.updatedMs > current.updatedMs ||
      (assessment.updatedMs === current.updatedMs && assessment.createdMs >= current.createdMs);
    if (newer) newest.set(assessment.name, assessment);
  }
  if (newest.size === 0) return undefined;
  const expectations: Record<string, unknown> = {};
  for (const [name, assessment] of newest) expectations[name] = assessment.value;
  return expectations;
}

/**
 * A scorer's arguments for a stored trace, as `mlflow.genai.evaluate` builds them from traces:
 * - `inputs`: the root span's inputs;
 * - `outputs`: the root span's outputs;
 * - `expectations`: `{ name: value }` from the trace's expectation assessments (the newest per name);
 * - `trace`: the {@link ScorerTrace}.
 *
 * A missing value (no root span, a root with no inputs or outputs, no expectations) is `undefined`,
 * so destructuring defaults such as `({ expectations = {} })` apply.
 */
export function scorerArgsFromTrace(detail: TraceDetailLike | ScorerTrace): ScorerArgs & { trace: ScorerTrace } {
  const trace = detail instanceof ScorerTrace ? detail : new ScorerTrace(detail);
  const root = trace.rootSpan;
  return {
    inputs: root === null || root.inputs === null ? undefined : root.inputs,
    outputs: root === null || root.outputs === null ? undefined : root.outputs,
    expectations: expectationsOf(trace.info.assessments),
    trace,
  };
}
