/**
 * Low-level tracing client (MLflow's `MlflowClient.start_trace / start_span / end_span / end_trace`):
 * spans are addressed by explicit ids, with no current-span context, for callback-style code,
 * event handlers, worker pools and anything where one logical trace is spread over unrelated calls.
 *
 *   const root = client.startTrace({ name: "job", inputs, tags: { env: "prod" } });
 *   const step = client.startSpan({ traceId: root.traceId, parentSpanId: root.spanId, name: "step" });
 *   client.endSpan(root.traceId, step.spanId, { outputs: { ok: true } });
 *   client.endTrace(root.traceId, { outputs: result });
 *
 * Open spans are kept in a registry until they end (at most 10,000 open traces; the oldest is
 * forgotten beyond that). Mistakes (unknown or malformed ids) are reported with a debug log and
 * ignored; nothing here throws.
 */
import { log } from "../log";
import type { SpanType } from "./attributes";
import { normalizeSpanId, normalizeTraceId } from "./ids";
import { isTracingActive } from "./pipeline";
import { createSpan, LocalTrace, NOOP_SPAN, type EndSpanOptions, type LiveSpan } from "./span";
import { applyTraceUpdate, type TraceUpdate } from "./trace-update";

export interface StartTraceOptions extends TraceUpdate {
  /** Name of the root span (and so of the trace). */
  name: string;
  /** Default `UNKNOWN`. */
  spanType?: SpanType;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
  /** Nanoseconds since the epoch; default now. */
  startTimeNs?: bigint;
}

export interface ClientStartSpanOptions {
  traceId: string;
  /** The parent span (any span of the trace, even one from another process); null makes a root span with this trace id. */
  parentSpanId: string | null;
  name: string;
  spanType?: SpanType;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
  startTimeNs?: bigint;
}

export type EndTraceOptions = EndSpanOptions;

const MAX_OPEN_TRACES = 10_000;

interface OpenTrace {
  localTrace: LocalTrace;
  root: LiveSpan | null;
  spans: Map<string, LiveSpan>;
}

/** Open spans by trace id, shared by every {@link TracingClient}. */
const openTraces = new Map<string, OpenTrace>();

function register(span: LiveSpan, isRoot: boolean): void {
  let entry = openTraces.get(span.traceId);
  if (entry === undefined) {
    if (openTraces.size >= MAX_OPEN_TRACES) {
      const oldest = openTraces.keys().next();
      if (oldest.done !== true) {
        openTraces.delete(oldest.value);
        log.warn(`more than ${MAX_OPEN_TRACES} open client traces; forgetting ${oldest.value}`);
      }
    }
    entry = { localTrace: span.localTrace, root: null, spans: new Map() };
    openTraces.set(span.traceId, entry);
  }
  if (isRoot) entry.root = span;
  entry.spans.set(span.spanId, span);
  const registered = entry;
  span.onEnd((ended) => {
    registered.spans.delete(ended.spanId);
    if (registered.spans.size === 0 && openTraces.get(ended.traceId) === registered) openTraces.delete(ended.traceId);
  });
}

export class TracingClient {
  /**
   * Starts a new trace and returns its root span. Tags, metadata, session and user go on the root
   * span (see {@link TraceUpdate}).
   */
  startTrace(options: StartTraceOptions): LiveSpan {
    if (!isTracingActive()) return NOOP_SPAN;
    const root = createSpan({
      name: options.name,
      spanType: options.spanType,
      parent: null,
      inputs: options.inputs,
      attributes: options.attributes,
      startTimeNs: options.startTimeNs,
    });
    if (!root.isRecording) return root;
    applyTraceUpdate(root, options);
    register(root, true);
    return root;
  }

  /**
   * Starts a span in trace `traceId` under `parentSpanId`. The trace need not have been started by
   * this client (e.g. the parent came from another process).
   */
  startSpan(options: ClientStartSpanOptions): LiveSpan {
    if (!isTracingActive()) return NOOP_SPAN;
    const traceId = normalizeTraceId(String(options.traceId));
    if (traceId === null) {
      log.warn(`startSpan: invalid trace id ${String(options.traceId)}`);
      return NOOP_SPAN;
    }
    let parentSpanId: string | null = null;
    if (options.parentSpanId !== null && options.parentSpanId !== undefined) {
      parentSpanId = normalizeSpanId(String(options.parentSpanId));
      if (parentSpanId === null) {
        log.warn(`startSpan: invalid parent span id ${String(options.parentSpanId)}`);
        return NOOP_SPAN;
      }
    }
    const entry = openTraces.get(traceId);
    const localParent = parentSpanId === null ? undefined : entry?.spans.get(parentSpanId);
    const localTrace = entry?.localTrace ?? new LocalTrace(traceId);
    const span = createSpan({
      name: options.name,
      spanType: options.spanType,
      parent: localParent ?? (parentSpanId === null ? null : { traceId, spanId: parentSpanId }),
      traceId,
      inputs: options.inputs,
      attributes: options.attributes,
      startTimeNs: options.startTimeNs,
      localTrace,
    });
    if (!span.isRecording) return span;
    register(span, parentSpanId === null);
    return span;
  }

  /** The open span `spanId` of trace `traceId`, or null. */
  getSpan(traceId: string, spanId: string): LiveSpan | null {
    const trace = normalizeTraceId(String(traceId));
    const span = normalizeSpanId(String(spanId));
    if (trace === null || span === null) return null;
    return openTraces.get(trace)?.spans.get(span) ?? null;
  }

  /** Ends an open span started by this API. Unknown ids are ignored (debug log). */
  endSpan(traceId: string, spanId: string, options: EndSpanOptions = {}): void {
    if (!isTracingActive() && openTraces.size === 0) return;
    const span = this.getSpan(traceId, spanId);
    if (span === null) {
      log.debug(`endSpan: no open span ${String(spanId)} in trace ${String(traceId)}`);
      return;
    }
    span.end(options);
  }

  /**
   * Ends the trace's root span with `options`. Spans of the trace still open are ended first (their
   * status is left as is, so they become OK unless they recorded an error).
   */
  endTrace(traceId: string, options: EndTraceOptions = {}): void {
    const normalized = normalizeTraceId(String(traceId));
    const entry = normalized === null ? undefined : openTraces.get(normalized);
    if (entry === undefined) {
      log.debug(`endTrace: no open trace ${String(traceId)}`);
      return;
    }
    const root = entry.root;
    for (const span of [...entry.spans.values()].reverse()) {
      if (span !== root) {
        log.debug(`endTrace: ending span "${span.name}" (${span.spanId}) that was still open`);
        span.end({ endTimeNs: options.endTimeNs });
      }
    }
    if (root === null) {
      log.debug(`endTrace: trace ${String(traceId)} has no root span started by startTrace()`);
      return;
    }
    root.end(options);
  }

  /** Sets tags / metadata / session / user of an open trace (on its root span, or its oldest open span). */
  updateTrace(traceId: string, update: TraceUpdate): void {
    const normalized = normalizeTraceId(String(traceId));
    const entry = normalized === null ? undefined : openTraces.get(normalized);
    const first = entry?.spans.values().next();
    const target = entry?.root && !entry.root.isEnded ? entry.root : first?.done === false ? first.value : undefined;
    if (target === undefined) {
      log.debug(`updateTrace: no open span in trace ${String(traceId)}`);
      return;
    }
    applyTraceUpdate(target, update);
  }
}

/** The shared client instance. */
export const client = new TracingClient();
