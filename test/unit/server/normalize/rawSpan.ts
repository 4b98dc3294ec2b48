/** Test helper: a RawSpan with sensible defaults, overridable field by field. */
import type { Attributes, RawSpan, SpanEvent } from "../../../../protocol/model";

export function rawSpan(overrides: Partial<RawSpan> = {}): RawSpan {
  return {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    parentSpanId: null,
    name: "span",
    kind: 1,
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000001000000000",
    statusCode: "UNSET",
    statusMessage: "",
    attributes: {},
    events: [],
    links: [],
    resource: { "service.name": "test-app" },
    scope: { name: "test", version: "1.0.0" },
    ...overrides,
  };
}

export function event(name: string, attributes: Attributes = {}, timeUnixNano = "1700000000500000000"): SpanEvent {
  return { name, timeUnixNano, attributes };
}

/** JSON-encode like MLflow does for every attribute value. */
export function mlflowJson(value: unknown): string {
  return JSON.stringify(value);
}
