/**
 * Trace-level data (tags, metadata, session, user). OTLP has no trace object, so, like MLflow's
 * OTLP export, these are written as attributes of the trace's root span:
 * `mlflow.traceTag.<key>`, `mlflow.traceMetadata.<key>`, `session.id`, `user.id` (plain strings).
 */
import { SpanAttributeKey } from "./attributes";
import type { LiveSpan } from "./span";

export interface TraceUpdate {
  /** Trace tags (mutable labels): `mlflow.traceTag.<key>`. Non-string values are converted with `String()`. */
  tags?: Record<string, string>;
  /** Trace metadata (immutable facts about the request): `mlflow.traceMetadata.<key>`. */
  metadata?: Record<string, string>;
  /** `session.id`. */
  sessionId?: string;
  /** `user.id`. */
  userId?: string;
}

function asString(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

/** Writes the update on `span` (the caller picks the root span). */
export function applyTraceUpdate(span: LiveSpan, update: TraceUpdate): void {
  for (const [key, value] of Object.entries(update.tags ?? {})) {
    if (value !== undefined && value !== null) span.setAttribute(`${SpanAttributeKey.TRACE_TAG_PREFIX}${key}`, asString(value));
  }
  for (const [key, value] of Object.entries(update.metadata ?? {})) {
    if (value !== undefined && value !== null) span.setAttribute(`${SpanAttributeKey.TRACE_METADATA_PREFIX}${key}`, asString(value));
  }
  if (update.sessionId !== undefined && update.sessionId !== null) span.setAttribute(SpanAttributeKey.SESSION_ID, asString(update.sessionId));
  if (update.userId !== undefined && update.userId !== null) span.setAttribute(SpanAttributeKey.USER_ID, asString(update.userId));
}
