/**
 * OTLP/HTTP protobuf (`application/x-protobuf`) trace request decoding and response encoding.
 *
 * Decoding walks the wire format directly with protobufjs' Reader instead of materializing the
 * generated message objects: it builds {@link RawSpan}s in one pass, never allocates Longs for
 * the nanosecond times, and bounds AnyValue nesting by skipping (not recursing into) values nested
 * deeper than {@link MAX_ATTR_DEPTH}. Unknown fields are skipped, as protobuf requires. Field
 * numbers follow opentelemetry-proto (see otlpSchema.ts, which a test checks them against).
 */
import { Reader } from "protobufjs/light";
import type { AttrValue, Attributes, RawSpan, SpanEvent, SpanLink, SpanStatusCode } from "../../protocol/model";
import { bytesToAttr, doubleToAttr, MAX_ATTR_DEPTH, setAttr, TRUNCATED_VALUE } from "./attributes";
import { bytesToHex, int64ToAttr, uint64ToDecimal, ZERO_SPAN_ID, ZERO_TRACE_ID } from "./encoding";
import { WireFormatError } from "./wireFormatError";
import { DecodeIssues } from "./issues";
import { OTLP_TYPE_NAMES, otlpType } from "./otlpSchema";
import type { DecodeResult, ExportResponse } from "./types";

/**
 * Tags (field number << 3 | wire type) of the fields the walker reads. Wire types: 0 varint,
 * 1 fixed64, 2 length-delimited, 5 fixed32. A known field number arriving with another wire type
 * is skipped like an unknown field.
 */
export const TAGS = {
  request: { resourceSpans: (1 << 3) | 2 },
  resourceSpans: { resource: (1 << 3) | 2, scopeSpans: (2 << 3) | 2 },
  resource: { attributes: (1 << 3) | 2 },
  scopeSpans: { scope: (1 << 3) | 2, spans: (2 << 3) | 2 },
  scope: { name: (1 << 3) | 2, version: (2 << 3) | 2 },
  span: {
    traceId: (1 << 3) | 2,
    spanId: (2 << 3) | 2,
    parentSpanId: (4 << 3) | 2,
    name: (5 << 3) | 2,
    kind: (6 << 3) | 0,
    startTimeUnixNano: (7 << 3) | 1,
    endTimeUnixNano: (8 << 3) | 1,
    attributes: (9 << 3) | 2,
    events: (11 << 3) | 2,
    links: (13 << 3) | 2,
    status: (15 << 3) | 2,
  },
  event: { timeUnixNano: (1 << 3) | 1, name: (2 << 3) | 2, attributes: (3 << 3) | 2 },
  link: { traceId: (1 << 3) | 2, spanId: (2 << 3) | 2, attributes: (4 << 3) | 2 },
  status: { message: (2 << 3) | 2, code: (3 << 3) | 0 },
  keyValue: { key: (1 << 3) | 2, value: (2 << 3) | 2 },
  anyValue: {
    stringValue: (1 << 3) | 2,
    boolValue: (2 << 3) | 0,
    intValue: (3 << 3) | 0,
    doubleValue: (4 << 3) | 1,
    arrayValue: (5 << 3) | 2,
    kvlistValue: (6 << 3) | 2,
    bytesValue: (7 << 3) | 2,
  },
  arrayValue: { values: (1 << 3) | 2 },
  keyValueList: { values: (1 << 3) | 2 },
} as const;

// Local copies of the tags used in the hot loops (plain consts keep the switch statements fast).
const REQ_RS = TAGS.request.resourceSpans;
const RS_RESOURCE = TAGS.resourceSpans.resource;
const RS_SCOPE_SPANS = TAGS.resourceSpans.scopeSpans;
const RES_ATTRS = TAGS.resource.attributes;
const SS_SCOPE = TAGS.scopeSpans.scope;
const SS_SPANS = TAGS.scopeSpans.spans;
const SC_NAME = TAGS.scope.name;
const SC_VERSION = TAGS.scope.version;
const SP = TAGS.span;
const EV = TAGS.event;
const LK = TAGS.link;
const ST = TAGS.status;
const KV_KEY = TAGS.keyValue.key;
const KV_VALUE = TAGS.keyValue.value;
const AV = TAGS.anyValue;
const ARR_VALUES = TAGS.arrayValue.values;
const KVL_VALUES = TAGS.keyValueList.values;

function outOfRange(pos: number, need: number, len: number): RangeError {
  return new RangeError(`index out of range: ${pos} + ${need} > ${len}`);
}

/**
 * Reads a length prefix and narrows the reader to the nested message. Returns the previous limit,
 * to be restored with `r.len = saved` once the nested message is read.
 */
function enter(r: Reader): number {
  const length = r.uint32();
  const end = r.pos + length;
  if (end > r.len) throw outOfRange(r.pos, length, r.len);
  const saved = r.len;
  r.len = end;
  return saved;
}

function skipField(r: Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new Error(`illegal tag 0 at byte ${r.pos}`);
  r.skipType(tag & 7);
}

function skipLengthDelimited(r: Reader): void {
  const length = r.uint32();
  r.skip(length);
}

let fixedLo = 0;
let fixedHi = 0;

/** Reads a fixed64 into fixedLo/fixedHi (no Long allocation). */
function readFixed64(r: Reader): void {
  if (r.pos + 8 > r.len) throw outOfRange(r.pos, 8, r.len);
  const b = r.buf;
  const p = r.pos;
  fixedLo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  fixedHi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
  r.pos = p + 8;
}

function readTime(r: Reader): string {
  readFixed64(r);
  return uint64ToDecimal(fixedLo, fixedHi);
}

/** Reads a varint of up to 64 bits into fixedLo/fixedHi. */
function readVarint64(r: Reader): void {
  const buf = r.buf;
  const end = r.len;
  let pos = r.pos;
  let lo = 0;
  let hi = 0;
  let b = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw outOfRange(pos, 1, end);
    b = buf[pos++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      fixedLo = lo >>> 0;
      fixedHi = 0;
      r.pos = pos;
      return;
    }
  }
  if (pos >= end) throw outOfRange(pos, 1, end);
  b = buf[pos++]!;
  lo |= (b & 0x0f) << 28;
  hi = (b & 0x7f) >>> 4;
  if (b >= 0x80) {
    for (let shift = 3; ; shift += 7) {
      if (shift > 31) throw new Error(`invalid varint encoding at byte ${pos}`);
      if (pos >= end) throw outOfRange(pos, 1, end);
      b = buf[pos++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
  }
  fixedLo = lo >>> 0;
  fixedHi = hi >>> 0;
  r.pos = pos;
}

/** Longest id we hex-encode for an error message; longer ones are only measured. */
const MAX_ID_BYTES = 64;

/** Reads a bytes field holding an id as lowercase hex; "#<n>" when it is absurdly long. */
function readIdHex(r: Reader): string {
  const length = r.uint32();
  const start = r.pos;
  const end = start + length;
  if (end > r.len) throw outOfRange(start, length, r.len);
  r.pos = end;
  return length > MAX_ID_BYTES ? `#${length}` : bytesToHex(r.buf, start, end);
}

/** Why an id read by {@link readIdHex} is unusable, or null when it is valid. */
function idProblem(hex: string, bytes: number, field: string): string | null {
  if (hex.length === bytes * 2) {
    return hex === (bytes === 16 ? ZERO_TRACE_ID : ZERO_SPAN_ID) ? `${field} is all zeros` : null;
  }
  if (hex === "") return `missing ${field}`;
  const got = hex.charCodeAt(0) === 35 /* # */ ? hex.slice(1) : String(hex.length / 2);
  return `${field} must be ${bytes} bytes, got ${got}`;
}

function readAnyValue(r: Reader, depth: number): AttrValue {
  let value: AttrValue = null;
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag) {
      case AV.stringValue:
        value = r.string();
        break;
      case AV.boolValue:
        value = r.bool();
        break;
      case AV.intValue:
        readVarint64(r);
        value = int64ToAttr(fixedLo, fixedHi);
        break;
      case AV.doubleValue:
        value = doubleToAttr(r.double());
        break;
      case AV.arrayValue: {
        if (depth >= MAX_ATTR_DEPTH) {
          skipLengthDelimited(r);
          value = TRUNCATED_VALUE;
          break;
        }
        const saved = enter(r);
        const arr: AttrValue[] = [];
        while (r.pos < r.len) {
          const t = r.uint32();
          if (t === ARR_VALUES) {
            const s = enter(r);
            arr.push(readAnyValue(r, depth + 1));
            r.len = s;
          } else skipField(r, t);
        }
        r.len = saved;
        value = arr;
        break;
      }
      case AV.kvlistValue: {
        if (depth >= MAX_ATTR_DEPTH) {
          skipLengthDelimited(r);
          value = TRUNCATED_VALUE;
          break;
        }
        const saved = enter(r);
        const obj: Record<string, AttrValue> = {};
        while (r.pos < r.len) {
          const t = r.uint32();
          if (t === KVL_VALUES) {
            const s = enter(r);
            readKeyValueInto(r, obj, depth + 1);
            r.len = s;
          } else skipField(r, t);
        }
        r.len = saved;
        value = obj;
        break;
      }
      case AV.bytesValue: {
        const length = r.uint32();
        const start = r.pos;
        if (start + length > r.len) throw outOfRange(start, length, r.len);
        r.pos = start + length;
        value = bytesToAttr(r.buf, start, start + length);
        break;
      }
      default:
        skipField(r, tag);
    }
  }
  return value;
}

/** Reads one KeyValue (the reader is narrowed to it) into `target`. */
function readKeyValueInto(r: Reader, target: Record<string, AttrValue>, depth: number): void {
  let key = "";
  let value: AttrValue = null;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === KV_KEY) key = r.string();
    else if (tag === KV_VALUE) {
      const saved = enter(r);
      value = readAnyValue(r, depth);
      r.len = saved;
    } else skipField(r, tag);
  }
  setAttr(target, key, value);
}

/** Reads a length-delimited KeyValue at the reader's position into `target`. */
function readAttribute(r: Reader, target: Attributes): void {
  const saved = enter(r);
  readKeyValueInto(r, target, 0);
  r.len = saved;
}

function readEvent(r: Reader): SpanEvent {
  let name = "";
  let timeUnixNano = "0";
  const attributes: Attributes = {};
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag) {
      case EV.timeUnixNano:
        timeUnixNano = readTime(r);
        break;
      case EV.name:
        name = r.string();
        break;
      case EV.attributes:
        readAttribute(r, attributes);
        break;
      default:
        skipField(r, tag);
    }
  }
  return { name, timeUnixNano, attributes };
}

/** Reads a Link; returns a problem description instead when its ids are unusable. */
function readLink(r: Reader): SpanLink | string {
  let traceId = "";
  let spanId = "";
  const attributes: Attributes = {};
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag) {
      case LK.traceId:
        traceId = readIdHex(r);
        break;
      case LK.spanId:
        spanId = readIdHex(r);
        break;
      case LK.attributes:
        readAttribute(r, attributes);
        break;
      default:
        skipField(r, tag);
    }
  }
  const problem = idProblem(traceId, 16, "trace_id") ?? idProblem(spanId, 8, "span_id");
  return problem ?? { traceId, spanId, attributes };
}

// Placeholders, replaced once the enclosing ScopeSpans / ResourceSpans is read (the scope and
// resource may come after the spans on the wire).
const EMPTY_RESOURCE: Attributes = Object.freeze({}) as Attributes;
const EMPTY_SCOPE = Object.freeze({ name: "", version: "" });

function statusName(code: number): SpanStatusCode {
  return code === 1 ? "OK" : code === 2 ? "ERROR" : "UNSET";
}

function spanPath(rs: number, ss: number, sp: number): string {
  return `resourceSpans[${rs}].scopeSpans[${ss}].spans[${sp}]`;
}

/** Reads a Span; returns null (after recording why) when it is rejected. */
function readSpan(r: Reader, issues: DecodeIssues, rs: number, ss: number, sp: number): RawSpan | null {
  let traceId = "";
  let spanId = "";
  let parent = "";
  let name = "";
  let kind = 0;
  let startTimeUnixNano = "0";
  let endTimeUnixNano = "0";
  let statusCode: SpanStatusCode = "UNSET";
  let statusMessage = "";
  const attributes: Attributes = {};
  const events: SpanEvent[] = [];
  const links: SpanLink[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag) {
      case SP.traceId:
        traceId = readIdHex(r);
        break;
      case SP.spanId:
        spanId = readIdHex(r);
        break;
      case SP.parentSpanId:
        parent = readIdHex(r);
        break;
      case SP.name:
        name = r.string();
        break;
      case SP.kind:
        kind = r.int32();
        break;
      case SP.startTimeUnixNano:
        startTimeUnixNano = readTime(r);
        break;
      case SP.endTimeUnixNano:
        endTimeUnixNano = readTime(r);
        break;
      case SP.attributes:
        readAttribute(r, attributes);
        break;
      case SP.events: {
        const saved = enter(r);
        events.push(readEvent(r));
        r.len = saved;
        break;
      }
      case SP.links: {
        const saved = enter(r);
        const link = readLink(r);
        r.len = saved;
        if (typeof link === "string") issues.warn(`${spanPath(rs, ss, sp)}.links[${links.length}]`, `link dropped: ${link}`);
        else links.push(link);
        break;
      }
      case SP.status: {
        const saved = enter(r);
        while (r.pos < r.len) {
          const t = r.uint32();
          if (t === ST.code) statusCode = statusName(r.int32());
          else if (t === ST.message) statusMessage = r.string();
          else skipField(r, t);
        }
        r.len = saved;
        break;
      }
      default:
        skipField(r, tag);
    }
  }
  const problem =
    idProblem(traceId, 16, "trace_id") ??
    idProblem(spanId, 8, "span_id") ??
    (parent === "" || parent === ZERO_SPAN_ID ? null : idProblem(parent, 8, "parent_span_id"));
  if (problem) {
    issues.reject(spanPath(rs, ss, sp), `${problem}${name ? ` (span "${name}")` : ""}`);
    return null;
  }
  return {
    traceId,
    spanId,
    parentSpanId: parent === "" || parent === ZERO_SPAN_ID ? null : parent,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    statusCode,
    statusMessage,
    attributes,
    events,
    links,
    resource: EMPTY_RESOURCE,
    scope: EMPTY_SCOPE,
  };
}

function readScopeSpans(r: Reader, out: RawSpan[], issues: DecodeIssues, rs: number, ss: number): void {
  const first = out.length;
  let scope: { name: string; version: string } = EMPTY_SCOPE;
  let sp = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === SS_SPANS) {
      const saved = enter(r);
      const span = readSpan(r, issues, rs, ss, sp++);
      r.len = saved;
      if (span) out.push(span);
    } else if (tag === SS_SCOPE) {
      const saved = enter(r);
      let name = scope.name;
      let version = scope.version;
      while (r.pos < r.len) {
        const t = r.uint32();
        if (t === SC_NAME) name = r.string();
        else if (t === SC_VERSION) version = r.string();
        else skipField(r, t);
      }
      r.len = saved;
      scope = { name, version };
    } else skipField(r, tag);
  }
  if (scope === EMPTY_SCOPE) scope = { name: "", version: "" };
  for (let i = first; i < out.length; i++) out[i]!.scope = scope;
}

function readResourceSpans(r: Reader, out: RawSpan[], issues: DecodeIssues, rs: number): void {
  const first = out.length;
  let resource: Attributes | null = null;
  let ss = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === RS_SCOPE_SPANS) {
      const saved = enter(r);
      readScopeSpans(r, out, issues, rs, ss++);
      r.len = saved;
    } else if (tag === RS_RESOURCE) {
      const saved = enter(r);
      resource ??= {};
      while (r.pos < r.len) {
        const t = r.uint32();
        if (t === RES_ATTRS) readAttribute(r, resource);
        else skipField(r, t);
      }
      r.len = saved;
    } else skipField(r, tag);
  }
  resource ??= {};
  for (let i = first; i < out.length; i++) out[i]!.resource = resource;
}

function describeProtobufError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^index out of range: (\d+) \+ (\d+) > (\d+)$/.exec(msg);
  if (m) return `invalid protobuf: index out of range at byte ${m[1]} (needs ${m[2]} bytes, message ends at byte ${m[3]})`;
  if (msg === "max depth exceeded") return "invalid protobuf: groups nested too deeply";
  return `invalid protobuf: ${msg}`;
}

/**
 * Decodes an OTLP `ExportTraceServiceRequest` protobuf body.
 *
 * Spans with a missing, wrong-length or all-zero trace/span id (or a malformed parent id) are
 * rejected and counted; the others are returned. An empty or all-zero parent id means "root".
 * Spans of one resource / scope share the same `resource` and `scope` objects: treat them as
 * read-only. Throws {@link WireFormatError} when the body is not decodable protobuf.
 */
export function decodeOtlpProtobuf(body: Uint8Array): DecodeResult {
  const first = body.length > 0 ? body[0] : undefined;
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    throw new WireFormatError(
      "invalid-protobuf",
      `invalid protobuf: the body looks like JSON (starts with "${String.fromCharCode(first)}"); send it with Content-Type: application/json`,
    );
  }
  const issues = new DecodeIssues();
  const spans: RawSpan[] = [];
  const r = Reader.create(body);
  try {
    let rs = 0;
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === REQ_RS) {
        const saved = enter(r);
        readResourceSpans(r, spans, issues, rs++);
        r.len = saved;
      } else skipField(r, tag);
    }
  } catch (e) {
    throw new WireFormatError("invalid-protobuf", describeProtobufError(e));
  }
  return { spans, rejected: issues.rejected, errors: issues.errors() };
}

/**
 * Encodes an `ExportTraceServiceResponse`. Full success (nothing rejected, no message) is the
 * empty message, as the spec asks; otherwise `partial_success` is set.
 */
export function encodeExportResponseProtobuf(response: ExportResponse): Uint8Array {
  if (response.rejectedSpans === 0 && response.errorMessage === "") return new Uint8Array(0);
  const type = otlpType(OTLP_TYPE_NAMES.exportResponse);
  return type
    .encode(
      type.fromObject({
        partialSuccess: { rejectedSpans: response.rejectedSpans, errorMessage: response.errorMessage },
      }),
    )
    .finish();
}

/**
 * Encodes a `google.rpc.Status` (the body of an OTLP/HTTP protobuf error response).
 * `code` is a gRPC status code (e.g. 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE).
 */
export function encodeRpcStatusProtobuf(code: number, message: string): Uint8Array {
  const type = otlpType(OTLP_TYPE_NAMES.rpcStatus);
  return type.encode(type.fromObject({ code, message })).finish();
}
