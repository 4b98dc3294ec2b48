/**
 * OTLP/HTTP JSON (`application/json`) trace request decoding and response encoding.
 *
 * Accepts what real exporters send, which is looser than the proto3 JSON mapping:
 * - trace/span ids as hex (the OTLP spec) or base64 (proto3 JSON mapping; some exporters);
 * - 64-bit integers (times, intValue) as JSON numbers or strings; bare integers beyond 2^53 are
 *   kept exact;
 * - lowerCamelCase or snake_case field names;
 * - `kind` / `status.code` as integers, numeric strings or enum names ("SPAN_KIND_CLIENT",
 *   "CLIENT", "STATUS_CODE_ERROR", "ERROR");
 * - the pre-1.0 names `instrumentationLibrarySpans` / `instrumentationLibrary`.
 */
import type { Attributes, RawSpan, SpanEvent, SpanLink, SpanStatusCode } from "../../protocol/model";
import { flattenJsonKeyValuesInto } from "./attributes";
import { parseIdText, uint64FromJson, ZERO_SPAN_ID, ZERO_TRACE_ID } from "./encoding";
import { WireFormatError } from "./wireFormatError";
import { DecodeIssues } from "./issues";
import { parseJsonText, stripBom, utf8ToText } from "./json";
import type { DecodeResult, ExportResponse } from "./types";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `o[camel]`, or `o[snake]` when the camelCase key is absent. */
function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

/** A short description of a value for error messages. Never throws (values may be nested 100k deep). */
function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    // too deep to stringify (RangeError): describe it instead of recursing again with String()
    s = Array.isArray(v) ? `an array of ${v.length}` : v !== null && typeof v === "object" ? "an object" : typeof v;
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

const SPAN_KINDS: Readonly<Record<string, number>> = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
};

/** An OTLP SpanKind from an integer, numeric string or enum name; 0 when unrecognized. */
export function spanKindFromJson(v: unknown): number {
  if (typeof v === "number") return Number.isInteger(v) ? v : 0;
  if (typeof v === "string") {
    if (/^\d+$/.test(v)) return Number(v);
    return SPAN_KINDS[v.toUpperCase().replace(/^SPAN_KIND_/, "")] ?? 0;
  }
  return 0;
}

/** A status code from an integer, numeric string or enum name; UNSET when unrecognized. */
export function statusCodeFromJson(v: unknown): SpanStatusCode {
  if (typeof v === "number") return v === 1 ? "OK" : v === 2 ? "ERROR" : "UNSET";
  if (typeof v === "string") {
    if (/^\d+$/.test(v)) return statusCodeFromJson(Number(v));
    const s = v.toUpperCase().replace(/^STATUS_CODE_/, "");
    return s === "OK" || s === "ERROR" ? s : "UNSET";
  }
  return "UNSET";
}

/** Result of reading an id: lowercase hex, or a problem description. */
type IdRead = { hex: string } | { problem: string };

/** Reads a hex or base64 id; all zeros is a problem unless `allowZero` (then the zero hex is returned). */
function readJsonId(v: unknown, bytes: number, field: string, allowZero = false): IdRead {
  if (v === undefined || v === null || v === "") return { problem: `missing ${field}` };
  const hex = typeof v === "string" ? parseIdText(v, bytes) : null;
  if (hex === null) {
    return { problem: `invalid ${field} ${show(v)} (expected ${bytes * 2} hex chars or base64 of ${bytes} bytes)` };
  }
  if (!allowZero && hex === (bytes === 16 ? ZERO_TRACE_ID : ZERO_SPAN_ID)) return { problem: `${field} is all zeros` };
  return { hex };
}

function readAttributes(v: unknown, out: Attributes): string | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return `attributes must be an array, got ${show(v)}`;
  flattenJsonKeyValuesInto(v, out, 0);
  return null;
}

function readTime(v: unknown, field: string): string | { problem: string } {
  if (v === undefined || v === null) return "0";
  const t = uint64FromJson(v);
  return t ?? { problem: `invalid ${field} ${show(v)} (expected an unsigned 64-bit integer)` };
}

interface SpanContext {
  issues: DecodeIssues;
  where: () => string;
}

function readEvents(v: unknown, ctx: SpanContext): SpanEvent[] | string {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return `events must be an array, got ${show(v)}`;
  const events: SpanEvent[] = [];
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (!isObj(e)) {
      ctx.issues.warn(`${ctx.where()}.events[${i}]`, `event dropped: not an object`);
      continue;
    }
    const time = readTime(get(e, "timeUnixNano", "time_unix_nano"), "timeUnixNano");
    if (typeof time !== "string") {
      ctx.issues.warn(`${ctx.where()}.events[${i}]`, `event dropped: ${time.problem}`);
      continue;
    }
    const attributes: Attributes = {};
    const problem = readAttributes(e.attributes, attributes);
    if (problem) {
      ctx.issues.warn(`${ctx.where()}.events[${i}]`, `event dropped: ${problem}`);
      continue;
    }
    const name = e.name;
    events.push({ name: typeof name === "string" ? name : "", timeUnixNano: time, attributes });
  }
  return events;
}

function readLinks(v: unknown, ctx: SpanContext): SpanLink[] | string {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return `links must be an array, got ${show(v)}`;
  const links: SpanLink[] = [];
  for (let i = 0; i < v.length; i++) {
    const l: unknown = v[i];
    if (!isObj(l)) {
      ctx.issues.warn(`${ctx.where()}.links[${i}]`, "link dropped: not an object");
      continue;
    }
    const traceId = readJsonId(get(l, "traceId", "trace_id"), 16, "traceId");
    const spanId = readJsonId(get(l, "spanId", "span_id"), 8, "spanId");
    const attributes: Attributes = {};
    const problem =
      ("problem" in traceId ? traceId.problem : null) ??
      ("problem" in spanId ? spanId.problem : null) ??
      readAttributes(l.attributes, attributes);
    if (problem || !("hex" in traceId) || !("hex" in spanId)) {
      ctx.issues.warn(`${ctx.where()}.links[${i}]`, `link dropped: ${problem ?? "invalid"}`);
      continue;
    }
    links.push({ traceId: traceId.hex, spanId: spanId.hex, attributes });
  }
  return links;
}

/** Reads one span; returns null (after recording why) when it is rejected. */
function readSpan(
  s: unknown,
  issues: DecodeIssues,
  rs: number,
  ss: number,
  sp: number,
  resource: Attributes,
  scope: { name: string; version: string },
): RawSpan | null {
  const where = () => `resourceSpans[${rs}].scopeSpans[${ss}].spans[${sp}]`;
  if (!isObj(s)) {
    issues.reject(where(), `span must be an object, got ${show(s)}`);
    return null;
  }
  const rawName = s.name;
  const name = typeof rawName === "string" ? rawName : "";
  const reject = (why: string): null => {
    issues.reject(where(), name ? `${why} (span "${name}")` : why);
    return null;
  };
  const traceId = readJsonId(get(s, "traceId", "trace_id"), 16, "traceId");
  if ("problem" in traceId) return reject(traceId.problem);
  const spanId = readJsonId(get(s, "spanId", "span_id"), 8, "spanId");
  if ("problem" in spanId) return reject(spanId.problem);
  let parentSpanId: string | null = null;
  const rawParent = get(s, "parentSpanId", "parent_span_id");
  if (rawParent !== undefined && rawParent !== null && rawParent !== "") {
    const parent = readJsonId(rawParent, 8, "parentSpanId", true);
    if ("problem" in parent) return reject(parent.problem);
    if (parent.hex !== ZERO_SPAN_ID) parentSpanId = parent.hex;
  }
  const start = readTime(get(s, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano");
  if (typeof start !== "string") return reject(start.problem);
  const end = readTime(get(s, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano");
  if (typeof end !== "string") return reject(end.problem);
  const attributes: Attributes = {};
  const attrProblem = readAttributes(s.attributes, attributes);
  if (attrProblem) return reject(attrProblem);
  const ctx: SpanContext = { issues, where };
  const events = readEvents(s.events, ctx);
  if (typeof events === "string") return reject(events);
  const links = readLinks(s.links, ctx);
  if (typeof links === "string") return reject(links);
  let statusCode: SpanStatusCode = "UNSET";
  let statusMessage = "";
  const status = s.status;
  if (isObj(status)) {
    statusCode = statusCodeFromJson(status.code);
    if (typeof status.message === "string") statusMessage = status.message;
  }
  return {
    traceId: traceId.hex,
    spanId: spanId.hex,
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
    resource,
    scope,
  };
}

function shapeError(message: string): WireFormatError {
  return new WireFormatError("invalid-shape", message);
}

/** An optional array field: undefined/null → [], array → itself, else a shape error. */
function arrayField(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw shapeError(`${path} must be an array, got ${show(v)}`);
  return v;
}

/**
 * Decodes an already-parsed OTLP/JSON `ExportTraceServiceRequest` (or `TracesData`) value.
 * Throws {@link WireFormatError} when the structure is wrong.
 */
export function decodeOtlpJsonValue(doc: unknown): DecodeResult {
  if (!isObj(doc)) {
    throw shapeError(`OTLP JSON body must be an object with "resourceSpans", got ${Array.isArray(doc) ? "an array" : show(doc)}`);
  }
  const issues = new DecodeIssues();
  const spans: RawSpan[] = [];
  const resourceSpans = arrayField(get(doc, "resourceSpans", "resource_spans"), "resourceSpans");
  for (let rs = 0; rs < resourceSpans.length; rs++) {
    const rsObj = resourceSpans[rs];
    if (!isObj(rsObj)) throw shapeError(`resourceSpans[${rs}] must be an object, got ${show(rsObj)}`);
    const resource: Attributes = {};
    const res = rsObj.resource;
    if (isObj(res)) {
      const attrs = res.attributes;
      if (Array.isArray(attrs)) flattenJsonKeyValuesInto(attrs, resource, 0);
      else if (attrs !== undefined && attrs !== null) {
        throw shapeError(`resourceSpans[${rs}].resource.attributes must be an array, got ${show(attrs)}`);
      }
    }
    const scopeSpansRaw =
      get(rsObj, "scopeSpans", "scope_spans") ??
      get(rsObj, "instrumentationLibrarySpans", "instrumentation_library_spans");
    const scopeSpans = arrayField(scopeSpansRaw, `resourceSpans[${rs}].scopeSpans`);
    for (let ss = 0; ss < scopeSpans.length; ss++) {
      const ssObj = scopeSpans[ss];
      if (!isObj(ssObj)) throw shapeError(`resourceSpans[${rs}].scopeSpans[${ss}] must be an object, got ${show(ssObj)}`);
      const sc = ssObj.scope ?? get(ssObj, "instrumentationLibrary", "instrumentation_library");
      const scope = { name: "", version: "" };
      if (isObj(sc)) {
        if (typeof sc.name === "string") scope.name = sc.name;
        if (typeof sc.version === "string") scope.version = sc.version;
      }
      const list = arrayField(ssObj.spans, `resourceSpans[${rs}].scopeSpans[${ss}].spans`);
      for (let sp = 0; sp < list.length; sp++) {
        const span = readSpan(list[sp], issues, rs, ss, sp, resource, scope);
        if (span) spans.push(span);
      }
    }
  }
  return { spans, rejected: issues.rejected, errors: issues.errors() };
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest`: JSON text, UTF-8 bytes, or an already-parsed
 * value. Spans with a missing/invalid/all-zero trace or span id, a malformed parent id, an invalid
 * time or non-array attributes/events/links are rejected and counted; the others are returned.
 * Spans of one resource / scope share the same `resource` and `scope` objects (read-only).
 * Throws {@link WireFormatError} for invalid JSON or a wrong top-level structure.
 */
export function decodeOtlpJson(input: string | Uint8Array | unknown): DecodeResult {
  let doc: unknown = input;
  if (typeof input === "string") doc = parseJsonText(stripBom(input));
  else if (input instanceof Uint8Array) doc = parseJsonText(stripBom(utf8ToText(input)));
  return decodeOtlpJsonValue(doc);
}

/** The OTLP/JSON form of an `ExportTraceServiceResponse`. */
export interface ExportResponseJson {
  partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
}

/**
 * An `ExportTraceServiceResponse` as an OTLP/JSON object (to be `JSON.stringify`'d): `{}` for
 * full success, otherwise `{"partialSuccess":{"rejectedSpans":"N","errorMessage":"…"}}` (int64 as
 * a string, per the proto3 JSON mapping; zero/empty fields are omitted).
 */
export function encodeExportResponseJson(response: ExportResponse): ExportResponseJson {
  if (response.rejectedSpans === 0 && response.errorMessage === "") return {};
  const partialSuccess: { rejectedSpans?: string; errorMessage?: string } = {};
  if (response.rejectedSpans !== 0) partialSuccess.rejectedSpans = String(response.rejectedSpans);
  if (response.errorMessage !== "") partialSuccess.errorMessage = response.errorMessage;
  return { partialSuccess };
}
