/**
 * Encoding of ended spans as an OTLP/JSON `ExportTraceServiceRequest` (opentelemetry-proto JSON
 * mapping with OTLP's exceptions): hex ids, nanosecond times and `intValue` as decimal strings,
 * lowerCamelCase keys, enums as integers.
 */
import type { ResourceAttributeValue } from "./config";
import type { LiveSpan, StoredAttributeValue } from "./span";

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  events: OtlpEvent[];
  droppedEventsCount: number;
  links: never[];
  droppedLinksCount: number;
  status: { code: number; message?: string };
}

export interface OtlpExportRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[]; droppedAttributesCount: number };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpan[] }>;
  }>;
}

/** OTLP SpanKind INTERNAL. */
const SPAN_KIND_INTERNAL = 1;
const STATUS_CODES = { UNSET: 0, OK: 1, ERROR: 2 } as const;
/** W3C sampled flag plus OTLP's HAS_IS_REMOTE (0x100) and IS_REMOTE (0x200) bits. */
const FLAG_SAMPLED = 0x01;
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function scalarValue(value: string | number | boolean | bigint): OtlpAnyValue {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "bigint":
      return value >= INT64_MIN && value <= INT64_MAX ? { intValue: value.toString() } : { stringValue: value.toString() };
    default:
      if (Number.isSafeInteger(value)) return { intValue: String(value) };
      if (Number.isFinite(value)) return { doubleValue: value };
      return { stringValue: String(value) };
  }
}

export function toAnyValue(value: StoredAttributeValue | ResourceAttributeValue): OtlpAnyValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((item: string | number | boolean | bigint) => scalarValue(item)) } };
  return scalarValue(value as string | number | boolean | bigint);
}

export function toKeyValues(attributes: Iterable<[string, StoredAttributeValue | ResourceAttributeValue]>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, value] of attributes) out.push({ key, value: toAnyValue(value) });
  return out;
}

export function encodeSpan(span: LiveSpan): OtlpSpan {
  const encoded: OtlpSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId !== null ? { parentSpanId: span.parentSpanId } : {}),
    flags: FLAG_SAMPLED | FLAG_HAS_IS_REMOTE | (span.parentIsRemote ? FLAG_IS_REMOTE : 0),
    name: span.name,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: span.startTimeNs.toString(),
    endTimeUnixNano: (span.endTimeNs ?? span.startTimeNs).toString(),
    attributes: toKeyValues(span.attributes),
    droppedAttributesCount: 0,
    events: span.events.map((event) => ({
      timeUnixNano: event.timeUnixNano.toString(),
      name: event.name,
      attributes: toKeyValues(event.attributes),
      droppedAttributesCount: 0,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: [],
    droppedLinksCount: 0,
    status: { code: STATUS_CODES[span.status.code] },
  };
  if (span.status.message !== undefined) encoded.status.message = span.status.message;
  return encoded;
}

export interface EncodeRequestOptions {
  resource: Record<string, ResourceAttributeValue>;
  scope: { name: string; version: string };
}

/** One request with a single resource and scope holding all `spans`. */
export function encodeExportRequest(spans: readonly LiveSpan[], options: EncodeRequestOptions): OtlpExportRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: toKeyValues(Object.entries(options.resource)), droppedAttributesCount: 0 },
        scopeSpans: [{ scope: options.scope, spans: spans.map(encodeSpan) }],
      },
    ],
  };
}
