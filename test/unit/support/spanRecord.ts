/** A complete SpanRecord with neutral defaults, for tests that build stored spans by hand. */
import type { SpanRecord } from "../../../protocol/model";

export function spanRecord(over: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: "a".repeat(32),
    spanId: "1".repeat(16),
    parentSpanId: null,
    name: "span",
    kind: 1,
    startTimeUnixNano: "1000000000",
    endTimeUnixNano: "2000000000",
    statusCode: "OK",
    statusMessage: "",
    attributes: {},
    events: [],
    links: [],
    resource: { "service.name": "svc" },
    scope: { name: "", version: "" },
    spanType: "CHAIN",
    inputs: null,
    outputs: null,
    model: null,
    provider: null,
    usage: null,
    cost: null,
    error: null,
    sessionId: null,
    userId: null,
    tags: {},
    metadata: {},
    conventions: [],
    ...over,
  };
}
