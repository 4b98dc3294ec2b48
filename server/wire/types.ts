/**
 * Result types shared by the wire decoders and importers.
 */
import type { RawSpan } from "../../protocol/model";

/** What an OTLP decoder returns: the accepted spans, and what was rejected (OTLP partial success). */
export interface DecodeResult {
  spans: RawSpan[];
  /** Number of spans dropped because they were invalid (missing/invalid ids, bad times…). */
  rejected: number;
  /**
   * Human-readable messages: one per rejected span (naming its position and the problem), plus
   * warnings about dropped parts (e.g. a link with an invalid id). Capped in length; a final
   * "… and N more" line says how many were left out.
   */
  errors: string[];
}

/** What the server answers an OTLP export with (`ExportTraceServiceResponse.partial_success`). */
export interface ExportResponse {
  /** Number of spans the server rejected (0 for full success). */
  rejectedSpans: number;
  /** Why; empty for full success. A non-empty message with 0 rejected spans is a warning. */
  errorMessage: string;
}

/** Trace-level facts read from an MLflow `info` object (v3 or v2). */
export interface ImportedTraceInfo {
  /** The id as written in the file: `tr-…` (v3), a request id (v2), or null. */
  requestId: string | null;
  clientRequestId: string | null;
  /** Trace start, epoch milliseconds. */
  requestTimeMs: number | null;
  executionDurationMs: number | null;
  /** OK | ERROR | IN_PROGRESS | STATE_UNSPECIFIED (v2 `status` is mapped to the same names). */
  state: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  experimentId: string | null;
}

/** One imported trace. */
export interface ImportedTrace {
  spans: RawSpan[];
  tags: Record<string, string>;
  metadata: Record<string, string>;
  assessments: unknown[];
  /** Present for MLflow imports that carry an `info` object. */
  info?: ImportedTraceInfo;
}

/** What the file importers return. */
export interface TraceImportResult {
  traces: ImportedTrace[];
  /** Number of spans dropped because they were invalid. */
  rejected: number;
  /** Rejections and warnings, each prefixed with where it happened (trace index or line). */
  errors: string[];
}
