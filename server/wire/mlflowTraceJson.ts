/**
 * MLflow trace JSON (`trace.to_json()`: `{"info": …, "data": {"spans": [...]}}`) import and export.
 *
 * Import accepts one trace object, a JSON array of them, or JSON Lines, and every span variant
 * MLflow has written:
 * 1. proto-JSON (MLflow 3 Python `to_dict` v3, TS `toJson`): base64 `trace_id`/`span_id`,
 *    `parent_span_id` "" for a root, `status.code` "STATUS_CODE_OK"/"OK"…;
 * 2. Python `Span.to_dict()` v4: `trace_id` "tr-…", `otel_trace_id` and span ids as hex;
 * 3. MLflow 2 (v2): `context{trace_id,span_id}`, `parent_id`, `start_time`/`end_time`,
 *    `status_code`/`status_message`.
 * Ids may also carry MLflow 2's "0x" prefix. `info` may be TraceInfo v3 (`trace_id`,
 * `request_time`, `execution_duration`, `state`, `trace_metadata`, `tags`, `assessments`) or
 * v2 (`request_id`, `timestamp_ms`, `execution_time_ms`, `status`, `request_metadata`, `tags`).
 *
 * All spans of one MLflow trace get one trace id: from `info` (v3 "tr-<hex>"), else from the
 * spans' own OTel trace id, else from a v2 hex `request_id`. MLflow attribute values stay in their
 * JSON-encoded string form (the normalizer parses them); `mlflow.*` values that a writer stored
 * already parsed (TS `toJson`) are re-encoded to JSON strings so the form is uniform.
 */
import type { AttrValue, Attributes, RawSpan, SpanEvent, SpanLink, SpanRecord, TraceSummary } from "../../protocol/model";
import { flattenJsonKeyValuesInto, jsonToAttrValue, setAttr } from "./attributes";
import { hexToBase64, parseIdText, uint64FromJson, ZERO_SPAN_ID, ZERO_TRACE_ID } from "./encoding";
import { DecodeIssues } from "./issues";
import { parseJsonDocuments } from "./json";
import type { JsonDocument } from "./json";
import { spanKindFromJson, statusCodeFromJson } from "./otlpJson";
import type { ImportedTrace, ImportedTraceInfo, TraceImportResult } from "./types";
import { WireFormatError } from "./wireFormatError";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function get(o: Obj, snake: string, camel: string): unknown {
  const v = o[snake];
  return v !== undefined ? v : o[camel];
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "null";
  } catch {
    return JSON.stringify(String(v));
  }
}

/** True when the value looks like an MLflow trace object (`{info, data}`). */
export function isMlflowTraceShape(v: unknown): boolean {
  return isObj(v) && (isObj(v.data) || Array.isArray(v.spans)) && !("resourceSpans" in v) && !("resource_spans" in v);
}

/** Hex OTel trace id from an MLflow trace id: "tr-<hex>", "<hex>", "0x<hex>", "trace:/<loc>/<hex>", base64. */
export function traceHexFromMlflowId(v: unknown): string | null {
  if (typeof v !== "string" || v === "") return null;
  let s = v;
  if (s.startsWith("trace:/")) s = s.slice(s.lastIndexOf("/") + 1);
  if (s.startsWith("tr-")) s = s.slice(3);
  const hex = parseIdText(s, 16);
  return hex === null || hex === ZERO_TRACE_ID ? null : hex;
}

function spanHex(v: unknown): string | null {
  if (typeof v !== "string" || v === "") return null;
  return parseIdText(v, 8);
}

/** A string map from a dict or a list of `{key, value}` (MLflow 2 protos); values stringified. */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, val: unknown) => {
    const s = typeof val === "string" ? val : safeStringify(val);
    if (k === "__proto__") Object.defineProperty(out, k, { value: s, enumerable: true, writable: true, configurable: true });
    else out[k] = s;
  };
  if (Array.isArray(v)) {
    for (const e of v) if (isObj(e) && typeof e.key === "string") put(e.key, e.value);
  } else if (isObj(v)) {
    for (const k of Object.keys(v)) put(k, v[k]);
  }
  return out;
}

/** Milliseconds of a protobuf Duration string ("1.234s") or a number of milliseconds. */
function durationMs(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    const m = /^(-?\d+(?:\.\d+)?)s$/.exec(v.trim());
    if (m) return Number(m[1]) * 1000;
    if (/^-?\d+(?:\.\d+)?$/.test(v)) return Number(v);
  }
  return null;
}

function timeMs(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    if (/^\d+$/.test(v)) return Number(v);
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

const V2_STATUS: Readonly<Record<string, string>> = {
  OK: "OK",
  ERROR: "ERROR",
  IN_PROGRESS: "IN_PROGRESS",
  TRACE_STATUS_UNSPECIFIED: "STATE_UNSPECIFIED",
};

function readInfo(info: Obj): ImportedTraceInfo {
  const v3Id = str(get(info, "trace_id", "traceId"));
  const loc = get(info, "trace_location", "traceLocation");
  const exp = isObj(loc) ? get(loc, "mlflow_experiment", "mlflowExperiment") : undefined;
  const experimentId = isObj(exp) ? get(exp, "experiment_id", "experimentId") : get(info, "experiment_id", "experimentId");
  const state = str(info.state) ?? (typeof info.status === "string" ? (V2_STATUS[info.status] ?? info.status) : null);
  return {
    requestId: v3Id ?? str(get(info, "request_id", "requestId")),
    clientRequestId: str(get(info, "client_request_id", "clientRequestId")),
    requestTimeMs: timeMs(get(info, "request_time", "requestTime") ?? get(info, "timestamp_ms", "timestampMs")),
    executionDurationMs: durationMs(
      get(info, "execution_duration", "executionDuration") ?? get(info, "execution_time_ms", "executionTimeMs"),
    ),
    state,
    requestPreview: str(get(info, "request_preview", "requestPreview")),
    responsePreview: str(get(info, "response_preview", "responsePreview")),
    experimentId: typeof experimentId === "string" || typeof experimentId === "number" ? String(experimentId) : null,
  };
}

/** The OTel trace id a span carries itself (v4 otel_trace_id, v2 context.trace_id, proto trace_id). */
function spanOwnTraceHex(s: Obj): string | null {
  const ctx = s.context;
  return (
    traceHexFromMlflowId(get(s, "otel_trace_id", "otelTraceId")) ??
    (isObj(ctx) ? traceHexFromMlflowId(get(ctx, "trace_id", "traceId")) : null) ??
    traceHexFromMlflowId(get(s, "trace_id", "traceId"))
  );
}

function mlflowTime(v: unknown): string | null {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0 && !Number.isInteger(v)) return uint64FromJson(Math.trunc(v));
  return uint64FromJson(v);
}

/** Attributes of an MLflow span: mlflow.* values as JSON strings, others as given. */
function readMlflowAttributes(v: unknown, out: Attributes): string | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) {
    flattenJsonKeyValuesInto(v, out, 0);
    return null;
  }
  if (!isObj(v)) return `attributes must be an object, got ${show(v)}`;
  for (const key of Object.keys(v)) {
    const val = v[key];
    const attr: AttrValue =
      typeof val === "string" ? val : key.startsWith("mlflow.") ? safeStringify(val) : jsonToAttrValue(val, 0);
    setAttr(out, key, attr);
  }
  return null;
}

function plainAttributes(v: unknown): Attributes {
  const out: Attributes = {};
  if (Array.isArray(v)) flattenJsonKeyValuesInto(v, out, 0);
  else if (isObj(v)) for (const key of Object.keys(v)) setAttr(out, key, jsonToAttrValue(v[key], 0));
  return out;
}

interface TraceCtx {
  traceId: string;
  resource: Attributes;
  scope: { name: string; version: string };
  issues: DecodeIssues;
}

function readMlflowSpan(s: unknown, path: string, t: TraceCtx): RawSpan | null {
  if (!isObj(s)) {
    t.issues.reject(path, `span must be an object, got ${show(s)}`);
    return null;
  }
  const name = str(s.name) ?? "";
  const reject = (why: string): null => {
    t.issues.reject(path, name ? `${why} (span "${name}")` : why);
    return null;
  };
  const ctx = isObj(s.context) ? s.context : null;
  const rawSpanId = get(s, "span_id", "spanId") ?? ctx?.span_id;
  if (rawSpanId === undefined || rawSpanId === null || rawSpanId === "") return reject("missing span_id");
  const spanId = spanHex(rawSpanId);
  if (spanId === null) return reject(`invalid span_id ${show(rawSpanId)} (expected 16 hex chars or base64 of 8 bytes)`);
  if (spanId === ZERO_SPAN_ID) return reject("span_id is all zeros");
  const rawParent = get(s, "parent_span_id", "parentSpanId") ?? s.parent_id;
  let parentSpanId: string | null = null;
  if (rawParent !== undefined && rawParent !== null && rawParent !== "") {
    parentSpanId = spanHex(rawParent);
    if (parentSpanId === null) return reject(`invalid parent_span_id ${show(rawParent)}`);
    if (parentSpanId === ZERO_SPAN_ID) parentSpanId = null;
  }
  const rawStart = get(s, "start_time_unix_nano", "startTimeUnixNano") ?? s.start_time;
  const start = rawStart === undefined || rawStart === null ? "0" : mlflowTime(rawStart);
  if (start === null) return reject(`invalid start_time_unix_nano ${show(rawStart)}`);
  const rawEnd = get(s, "end_time_unix_nano", "endTimeUnixNano") ?? s.end_time;
  // An unfinished span (end null) gets its start time as end.
  const end = rawEnd === undefined || rawEnd === null ? start : mlflowTime(rawEnd);
  if (end === null) return reject(`invalid end_time_unix_nano ${show(rawEnd)}`);
  const attributes: Attributes = {};
  const attrProblem = readMlflowAttributes(s.attributes, attributes);
  if (attrProblem) return reject(attrProblem);

  let statusCode = statusCodeFromJson(undefined);
  let statusMessage = "";
  const status = s.status;
  if (isObj(status)) {
    statusCode = statusCodeFromJson(status.code ?? status.status_code);
    statusMessage = str(status.message ?? status.description) ?? "";
  } else if (status !== undefined && status !== null) {
    statusCode = statusCodeFromJson(status);
  }
  if (s.status_code !== undefined) statusCode = statusCodeFromJson(s.status_code);
  if (typeof s.status_message === "string") statusMessage = s.status_message;

  const events: SpanEvent[] = [];
  if (Array.isArray(s.events)) {
    s.events.forEach((e: unknown, i: number) => {
      if (!isObj(e)) return t.issues.warn(`${path}.events[${i}]`, "event dropped: not an object");
      const rawTime = get(e, "time_unix_nano", "timeUnixNano") ?? e.timestamp;
      const time = rawTime === undefined || rawTime === null ? start : mlflowTime(rawTime);
      if (time === null) return t.issues.warn(`${path}.events[${i}]`, `event dropped: invalid time ${show(rawTime)}`);
      events.push({ name: str(e.name) ?? "", timeUnixNano: time, attributes: plainAttributes(e.attributes) });
    });
  } else if (s.events !== undefined && s.events !== null) {
    return reject(`events must be an array, got ${show(s.events)}`);
  }

  const links: SpanLink[] = [];
  if (Array.isArray(s.links)) {
    s.links.forEach((l: unknown, i: number) => {
      if (!isObj(l)) return t.issues.warn(`${path}.links[${i}]`, "link dropped: not an object");
      const lt = traceHexFromMlflowId(get(l, "trace_id", "traceId"));
      const ls = spanHex(get(l, "span_id", "spanId"));
      if (lt === null || ls === null || ls === ZERO_SPAN_ID) {
        return t.issues.warn(`${path}.links[${i}]`, "link dropped: invalid trace_id or span_id");
      }
      links.push({ traceId: lt, spanId: ls, attributes: plainAttributes(l.attributes) });
    });
  }

  return {
    traceId: t.traceId,
    spanId,
    parentSpanId,
    name,
    kind: spanKindFromJson(s.kind),
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    statusCode,
    statusMessage,
    attributes,
    events,
    links,
    resource: t.resource,
    scope: t.scope,
  };
}

function shapeError(where: string, message: string): WireFormatError {
  return new WireFormatError("invalid-shape", where ? `${where}: ${message}` : message);
}

/**
 * Reads one MLflow trace object. Structural problems throw {@link WireFormatError}; invalid spans
 * are rejected into `issues`. Returns null when no span survived (the trace is skipped).
 */
export function readMlflowTrace(doc: JsonDocument, issues: DecodeIssues): ImportedTrace | null {
  const { value, where } = doc;
  const label = where ? `${where.startsWith("[") ? `traces${where}` : where}` : "";
  if (!isObj(value)) throw shapeError(label, `expected an MLflow trace object {"info", "data"}, got ${show(value)}`);
  const infoRaw = value.info;
  if (infoRaw !== undefined && infoRaw !== null && !isObj(infoRaw)) {
    throw shapeError(label, `info must be an object, got ${show(infoRaw)}`);
  }
  const data = value.data;
  const spansRaw = isObj(data) ? data.spans : data === undefined ? value.spans : undefined;
  if (!Array.isArray(spansRaw)) throw shapeError(label, `data.spans must be an array, got ${show(spansRaw)}`);

  const info = isObj(infoRaw) ? readInfo(infoRaw) : undefined;
  let traceId = isObj(infoRaw) ? traceHexFromMlflowId(get(infoRaw, "trace_id", "traceId")) : null;
  if (traceId === null) {
    for (const s of spansRaw) {
      if (isObj(s) && (traceId = spanOwnTraceHex(s)) !== null) break;
    }
  }
  if (traceId === null && isObj(infoRaw)) traceId = traceHexFromMlflowId(get(infoRaw, "request_id", "requestId"));
  const prefix = label ? `${label}.` : "";
  if (traceId === null) {
    for (let i = 0; i < spansRaw.length; i++) issues.reject(`${prefix}spans[${i}]`, "no usable trace id in info or span");
    return null;
  }

  const ctx: TraceCtx = { traceId, resource: {}, scope: { name: "", version: "" }, issues };
  const spans: RawSpan[] = [];
  for (let i = 0; i < spansRaw.length; i++) {
    const span = readMlflowSpan(spansRaw[i], `${prefix}spans[${i}]`, ctx);
    if (span) spans.push(span);
  }
  if (spans.length === 0) {
    if (spansRaw.length === 0) issues.warn(label || "trace", "trace has no spans; skipped");
    return null;
  }
  const tags = isObj(infoRaw) ? stringMap(infoRaw.tags) : {};
  const metadata = isObj(infoRaw)
    ? stringMap(get(infoRaw, "trace_metadata", "traceMetadata") ?? get(infoRaw, "request_metadata", "requestMetadata"))
    : {};
  const assessments = isObj(infoRaw) && Array.isArray(infoRaw.assessments) ? (infoRaw.assessments as unknown[]) : [];
  const trace: ImportedTrace = { spans, tags, metadata, assessments };
  if (info) trace.info = info;
  return trace;
}

/**
 * Imports MLflow trace JSON: one `{info, data:{spans}}`, a JSON array of them, or JSON Lines
 * (text, or an already-parsed value). Throws {@link WireFormatError} naming the line / index when
 * the file is not valid JSON or a trace object is malformed.
 */
export function importMlflowTraceJson(input: string | unknown): TraceImportResult {
  const docs: JsonDocument[] =
    typeof input === "string"
      ? parseJsonDocuments(input)
      : Array.isArray(input)
        ? input.map((value, i) => ({ value, where: `[${i}]` }))
        : [{ value: input, where: "" }];
  const issues = new DecodeIssues();
  const traces: ImportedTrace[] = [];
  for (const doc of docs) {
    const trace = readMlflowTrace(doc, issues);
    if (trace) traces.push(trace);
  }
  return { traces, rejected: issues.rejected, errors: issues.errors() };
}

// ---------------------------------------------------------------------------------------------
// Export

export interface MlflowSpanJson {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  /** OTLP SpanKind name; not written by MLflow itself, ignored by its readers. */
  kind: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  status: { code: string; message: string };
  attributes: Record<string, AttrValue>;
  events: Array<{ name: string; time_unix_nano: string; attributes: Record<string, AttrValue> }>;
  links: Array<{ trace_id: string; span_id: string; attributes: Record<string, AttrValue> }>;
}

export interface MlflowTraceJson {
  info: {
    trace_id: string;
    trace_location: { type: "MLFLOW_EXPERIMENT"; mlflow_experiment: { experiment_id: string } };
    request_time: string;
    execution_duration: string;
    state: string;
    request_preview: string;
    response_preview: string;
    trace_metadata: Record<string, string>;
    tags: Record<string, string>;
    assessments: unknown[];
  };
  data: { spans: MlflowSpanJson[] };
}

const KIND_NAMES = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];

function isJsonText(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** An mlflow.* attribute value in MLflow's JSON-encoded string form. */
function mlflowEncoded(v: AttrValue): string {
  return typeof v === "string" && isJsonText(v) ? v : safeStringify(v);
}

/** A protobuf Duration string ("1.234s") for a number of milliseconds. */
function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "0s";
  const s = (ms / 1000).toFixed(9).replace(/\.?0+$/, "");
  return `${s}s`;
}

function setIfAbsent(obj: Record<string, AttrValue>, key: string, value: string): void {
  if (!Object.prototype.hasOwnProperty.call(obj, key)) setAttr(obj, key, value);
}

function exportSpan(span: SpanRecord): MlflowSpanJson {
  const attributes: Record<string, AttrValue> = {};
  for (const key of Object.keys(span.attributes)) {
    const v = span.attributes[key]!;
    setAttr(attributes, key, key.startsWith("mlflow.") ? mlflowEncoded(v) : v);
  }
  setIfAbsent(attributes, "mlflow.traceRequestId", JSON.stringify(`tr-${span.traceId}`));
  setIfAbsent(attributes, "mlflow.spanType", JSON.stringify(span.spanType));
  if (span.inputs !== null && span.inputs !== undefined) setIfAbsent(attributes, "mlflow.spanInputs", safeStringify(span.inputs));
  if (span.outputs !== null && span.outputs !== undefined) {
    setIfAbsent(attributes, "mlflow.spanOutputs", safeStringify(span.outputs));
  }
  if (span.usage) {
    const u = span.usage;
    const usage: Record<string, number> = {};
    if (u.inputTokens !== null) usage.input_tokens = u.inputTokens;
    if (u.outputTokens !== null) usage.output_tokens = u.outputTokens;
    if (u.totalTokens !== null) usage.total_tokens = u.totalTokens;
    if (u.cacheReadInputTokens != null) usage.cache_read_input_tokens = u.cacheReadInputTokens;
    if (u.cacheCreationInputTokens != null) usage.cache_creation_input_tokens = u.cacheCreationInputTokens;
    if (u.reasoningTokens != null) usage.reasoning_tokens = u.reasoningTokens;
    if (Object.keys(usage).length > 0) setIfAbsent(attributes, "mlflow.chat.tokenUsage", JSON.stringify(usage));
  }
  if (span.cost) {
    const c = span.cost;
    const cost: Record<string, number> = {};
    if (c.inputCost !== null) cost.input_cost = c.inputCost;
    if (c.outputCost !== null) cost.output_cost = c.outputCost;
    if (c.totalCost !== null) cost.total_cost = c.totalCost;
    if (Object.keys(cost).length > 0) setIfAbsent(attributes, "mlflow.llm.cost", JSON.stringify(cost));
  }
  if (span.model !== null) setIfAbsent(attributes, "mlflow.llm.model", JSON.stringify(span.model));
  if (span.provider !== null) setIfAbsent(attributes, "mlflow.llm.provider", JSON.stringify(span.provider));
  return {
    trace_id: hexToBase64(span.traceId),
    span_id: hexToBase64(span.spanId),
    parent_span_id: span.parentSpanId ? hexToBase64(span.parentSpanId) : "",
    name: span.name,
    kind: `SPAN_KIND_${KIND_NAMES[span.kind] ?? "UNSPECIFIED"}`,
    start_time_unix_nano: span.startTimeUnixNano,
    end_time_unix_nano: span.endTimeUnixNano,
    status: { code: `STATUS_CODE_${span.statusCode}`, message: span.statusMessage },
    attributes,
    events: span.events.map((e) => ({ name: e.name, time_unix_nano: e.timeUnixNano, attributes: e.attributes })),
    links: span.links.map((l) => ({ trace_id: `tr-${l.traceId}`, span_id: l.spanId, attributes: l.attributes })),
  };
}

/**
 * Exports a stored trace as MLflow trace JSON (MLflow 3 `info` + proto-JSON spans with base64
 * ids), readable by MLflow's `Trace.from_json` and by {@link importMlflowTraceJson}.
 *
 * Span attributes are copied; `mlflow.*` values are written JSON-encoded, and MLflow's own keys
 * are added from the normalized fields when absent (`mlflow.traceRequestId`, `mlflow.spanType`,
 * `mlflow.spanInputs`/`spanOutputs`, `mlflow.chat.tokenUsage`, `mlflow.llm.cost`, `model`,
 * `provider`). Trace metadata gets `mlflow.trace_schema.version`, `mlflow.trace.user`/`session`
 * and `mlflow.trace.tokenUsage`, and tags get `mlflow.traceName`, when absent. Resource
 * attributes and the instrumentation scope have no place in the format and are not written.
 */
export function exportMlflowTraceJson(trace: {
  summary: TraceSummary;
  spans: SpanRecord[];
  assessments?: unknown[];
}): MlflowTraceJson {
  const { summary } = trace;
  const metadata: Record<string, string> = stringMap(summary.metadata);
  const addMeta = (k: string, v: string) => {
    if (!Object.prototype.hasOwnProperty.call(metadata, k)) metadata[k] = v;
  };
  addMeta("mlflow.trace_schema.version", "3");
  if (summary.userId !== null) addMeta("mlflow.trace.user", summary.userId);
  if (summary.sessionId !== null) addMeta("mlflow.trace.session", summary.sessionId);
  if (summary.totalTokens > 0 || summary.inputTokens > 0 || summary.outputTokens > 0) {
    addMeta(
      "mlflow.trace.tokenUsage",
      JSON.stringify({
        input_tokens: summary.inputTokens,
        output_tokens: summary.outputTokens,
        total_tokens: summary.totalTokens,
      }),
    );
  }
  const tags: Record<string, string> = stringMap(summary.tags);
  if (!Object.prototype.hasOwnProperty.call(tags, "mlflow.traceName") && summary.name !== "") {
    tags["mlflow.traceName"] = summary.name;
  }
  const start = Number.isFinite(summary.startTimeMs) ? summary.startTimeMs : 0;
  return {
    info: {
      trace_id: `tr-${summary.traceId}`,
      trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: "0" } },
      request_time: new Date(start).toISOString(),
      execution_duration: formatDuration(summary.durationMs),
      state: summary.state,
      request_preview: summary.requestPreview,
      response_preview: summary.responsePreview,
      trace_metadata: metadata,
      tags,
      assessments: trace.assessments ?? [],
    },
    data: { spans: trace.spans.map(exportSpan) },
  };
}
