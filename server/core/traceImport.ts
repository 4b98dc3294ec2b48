/**
 * Imports trace files (MLflow trace JSON, lists and JSONL of them, OTLP JSON/JSONL or protobuf)
 * into a store: spans through the normal writer (normalized, idempotent), then trace-level tags,
 * metadata and assessments. A corrupt file is refused as a whole, naming where it broke; nothing
 * already stored is touched.
 */
import fs from "node:fs";
import type { RawSpan, SpanRecord } from "../../protocol/model";
import { normalizeSpan } from "../normalize/normalizeSpan";
import type { Db } from "../store/db";
import { fromMlflowAssessment, insertAssessments, type AssessmentRow } from "../store/mlflowAssessments";
import { SpanWriter } from "../store/spanWriter";
import { importTraceFileBytes } from "../wire/otlpFileImport";

export interface ImportSummary {
  file: string;
  traces: number;
  spansInserted: number;
  spansDuplicate: number;
  spansRejected: number;
  assessments: number;
  warnings: string[];
}

export function normalize(raw: readonly RawSpan[]): SpanRecord[] {
  return raw.map((r) => ({ ...r, ...normalizeSpan(r) }));
}

export async function importFile(db: Db, file: string): Promise<ImportSummary> {
  const bytes = fs.readFileSync(file);
  const result = importTraceFileBytes(bytes); // throws WireFormatError for a corrupt file
  const writer = new SpanWriter(db, Number.MAX_SAFE_INTEGER);
  const summary: ImportSummary = {
    file,
    traces: result.traces.length,
    spansInserted: 0,
    spansDuplicate: 0,
    spansRejected: result.rejected,
    assessments: 0,
    warnings: [...result.errors],
  };
  const patch = db.prepare("UPDATE traces SET tags = json_patch(tags, ?), metadata = json_patch(metadata, ?) WHERE trace_id = ?");
  const assessments: AssessmentRow[] = [];
  for (const t of result.traces) {
    const w = await writer.write(normalize(t.spans));
    summary.spansInserted += w.inserted;
    summary.spansDuplicate += w.duplicates;
    const traceId = t.spans[0]?.traceId;
    if (!traceId) continue;
    patch.run(JSON.stringify(t.tags), JSON.stringify(t.metadata), traceId);
    for (const a of t.assessments) {
      const row = fromMlflowAssessment(a, traceId);
      if (typeof row === "string") summary.warnings.push(`trace tr-${traceId}: ${row}`);
      else assessments.push(row);
    }
  }
  const stored = insertAssessments(db, assessments);
  summary.assessments = stored.inserted;
  summary.warnings.push(...stored.warnings);
  writer.close();
  return summary;
}
