/** Builders for stored traces (SpanRecord, TraceSummary, Assessment) used by the scoring tests. */
import type { Assessment, SpanRecord, TraceSummary } from "../../../../protocol/model";
import type { TraceDetailLike } from "../../../../sdk/index";

export const TRACE_ID = "1".repeat(32);
const BASE_NS = 1_700_000_000_000_000_000n;

/** A span; `startOffsetMs`/`durationMs` are relative to a fixed base time. */
export function span(overrides: Partial<SpanRecord> & { spanId: string; startOffsetMs?: number; durationMs?: number }): SpanRecord {
  const { startOffsetMs = 0, durationMs = 10, ...rest } = overrides;
  const start = BASE_NS + BigInt(Math.round(startOffsetMs * 1e6));
  const end = start + BigInt(Math.round(durationMs * 1e6));
  return {
    traceId: TRACE_ID,
    parentSpanId: null,
    name: "span",
    kind: 1,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    statusCode: "OK",
    statusMessage: "",
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: { name: "test", version: "0" },
    spanType: "UNKNOWN",
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
    conventions: ["mlflow"],
    ...rest,
  };
}

export function summary(overrides: Partial<TraceSummary> = {}): TraceSummary {
  return {
    traceId: TRACE_ID,
    requestId: `tr-${TRACE_ID}`,
    name: "root",
    state: "OK",
    startTimeMs: 1_700_000_000_000,
    endTimeMs: 1_700_000_000_250,
    durationMs: 250,
    spanCount: 1,
    errorCount: 0,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    costUsd: null,
    requestPreview: "",
    responsePreview: "",
    tags: {},
    metadata: {},
    sessionId: null,
    userId: null,
    serviceName: null,
    hasRoot: true,
    ...overrides,
  };
}

export function assessment(overrides: Partial<Assessment> & { name: string }): Assessment {
  return {
    assessmentId: `a-${overrides.name}`,
    traceId: TRACE_ID,
    spanId: null,
    kind: "expectation",
    value: null,
    rationale: null,
    error: null,
    source: { type: "HUMAN", id: "ada" },
    metadata: {},
    runId: null,
    createdMs: 1,
    updatedMs: 1,
    ...overrides,
  };
}

export function detail(spans: SpanRecord[], assessments?: Assessment[], summaryOverrides: Partial<TraceSummary> = {}): TraceDetailLike {
  return { summary: summary({ spanCount: spans.length, ...summaryOverrides }), spans, ...(assessments === undefined ? {} : { assessments }) };
}
