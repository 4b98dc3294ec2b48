/**
 * Imports a trace file, detecting its format by shape:
 * - OTLP/JSON: one `ExportTraceServiceRequest` (`{"resourceSpans": …}`), a JSON array of them, or
 *   JSON Lines of them (what the OpenTelemetry Collector's file exporter writes);
 * - MLflow trace JSON: `{info, data:{spans}}`, an array of them, or JSON Lines;
 * - mixed JSON Lines of both;
 * - (bytes only) a binary protobuf `ExportTraceServiceRequest`.
 * OTLP spans are grouped into traces by trace id (across all documents of the file).
 */
import type { RawSpan } from "../../protocol/model";
import { DecodeIssues } from "./issues";
import { parseJsonDocuments, utf8ToText } from "./json";
import type { JsonDocument } from "./json";
import { isMlflowTraceShape, readMlflowTrace } from "./mlflowTraceJson";
import { decodeOtlpJsonValue } from "./otlpJson";
import { decodeOtlpProtobuf } from "./otlpProtobuf";
import type { DecodeResult, ImportedTrace, TraceImportResult } from "./types";
import { WireFormatError } from "./wireFormatError";

function isOtlpShape(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && ("resourceSpans" in v || "resource_spans" in v);
}

function label(where: string): string {
  return where.startsWith("[") ? `documents${where}` : where;
}

/** Collects OTLP spans into per-trace groups, in order of first appearance. */
class OtlpGrouper {
  private readonly byTrace = new Map<string, ImportedTrace>();

  add(spans: readonly RawSpan[], order: ImportedTrace[]): void {
    for (const span of spans) {
      let t = this.byTrace.get(span.traceId);
      if (!t) {
        t = { spans: [], tags: {}, metadata: {}, assessments: [] };
        this.byTrace.set(span.traceId, t);
        order.push(t);
      }
      t.spans.push(span);
    }
  }
}

function importDocuments(docs: readonly JsonDocument[]): TraceImportResult {
  const issues = new DecodeIssues();
  const traces: ImportedTrace[] = [];
  const otlp = new OtlpGrouper();
  for (const doc of docs) {
    const where = label(doc.where);
    if (isOtlpShape(doc.value)) {
      let decoded: DecodeResult;
      try {
        decoded = decodeOtlpJsonValue(doc.value);
      } catch (e) {
        if (WireFormatError.is(e) && where) throw new WireFormatError(e.reason, `${where}: ${e.message}`);
        throw e;
      }
      issues.absorb(where, decoded.rejected, decoded.errors);
      otlp.add(decoded.spans, traces);
    } else if (isMlflowTraceShape(doc.value)) {
      const trace = readMlflowTrace(doc, issues);
      if (trace) traces.push(trace);
    } else {
      throw new WireFormatError(
        "invalid-shape",
        `${where ? `${where}: ` : ""}not a trace file: expected an OTLP ExportTraceServiceRequest ({"resourceSpans": …}) or an MLflow trace ({"info": …, "data": {"spans": …}})`,
      );
    }
  }
  return { traces, rejected: issues.rejected, errors: issues.errors() };
}

/**
 * Imports a trace file's text (or an already-parsed JSON value). Throws {@link WireFormatError}
 * when it is not valid JSON / JSON Lines, or a document is neither OTLP nor MLflow, naming the
 * line or index.
 */
export function importTraceFile(input: string | unknown): TraceImportResult {
  if (typeof input === "string") return importDocuments(parseJsonDocuments(input));
  if (Array.isArray(input)) return importDocuments(input.map((value, i) => ({ value, where: `[${i}]` })));
  return importDocuments([{ value: input, where: "" }]);
}

/**
 * Imports a trace file's bytes: JSON / JSON Lines (UTF-8) when it starts with `{` or `[` (after
 * whitespace or a BOM), otherwise a binary protobuf `ExportTraceServiceRequest`.
 */
export function importTraceFileBytes(bytes: Uint8Array): TraceImportResult {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  const first = bytes[i];
  if (first === 0x7b /* { */ || first === 0x5b /* [ */ || i === bytes.length) {
    try {
      return importTraceFile(utf8ToText(bytes));
    } catch (jsonError) {
      // "\n{" is also how a protobuf request with a 123-byte first ResourceSpans begins.
      if (bytes[0] !== 0x0a || !WireFormatError.is(jsonError) || jsonError.reason !== "invalid-json") throw jsonError;
      try {
        return importProtobuf(bytes);
      } catch {
        throw jsonError;
      }
    }
  }
  return importProtobuf(bytes);
}

function importProtobuf(bytes: Uint8Array): TraceImportResult {
  const decoded = decodeOtlpProtobuf(bytes);
  const traces: ImportedTrace[] = [];
  new OtlpGrouper().add(decoded.spans, traces);
  return { traces, rejected: decoded.rejected, errors: decoded.errors };
}
