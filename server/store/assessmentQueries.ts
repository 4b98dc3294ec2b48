/** Assessments (MLflow feedback and expectations): per-trace lists, list badges, human feedback, deletes. */
import crypto from "node:crypto";
import type { Assessment, AssessmentBadge } from "../../protocol/model";
import type { Statement } from "better-sqlite3";
import type { Db } from "./db";
import type { AssessmentRow } from "./mlflowAssessments";

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function toAssessment(r: AssessmentRow): Assessment {
  const err = parseJson(r.error);
  const e = typeof err === "object" && err !== null ? (err as Record<string, unknown>) : null;
  const s = (v: unknown): string | null => (typeof v === "string" ? v : null);
  const meta = parseJson(r.metadata);
  const metadata: Record<string, string> = {};
  if (meta && typeof meta === "object" && !Array.isArray(meta)) {
    for (const [k, v] of Object.entries(meta)) metadata[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const sourceType = ["HUMAN", "LLM_JUDGE", "CODE"].includes(r.source_type) ? r.source_type : "SOURCE_TYPE_UNSPECIFIED";
  return {
    assessmentId: r.assessment_id,
    traceId: r.trace_id,
    spanId: r.span_id,
    name: r.name,
    kind: r.kind,
    value: parseJson(r.value),
    rationale: r.rationale,
    error: e
      ? { type: s(e.error_code) ?? s(e.type), message: s(e.error_message) ?? s(e.message), stack: s(e.stack_trace) ?? s(e.stack) }
      : err === null
        ? null
        : { type: null, message: String(err), stack: null },
    source: { type: sourceType as Assessment["source"]["type"], id: r.source_id },
    metadata,
    runId: r.run_id,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  };
}

/** Pass/fail reading of a value, as MLflow aggregates it: booleans and yes/no. */
export function passOf(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "yes" || v === "pass" || v === "true") return true;
    if (v === "no" || v === "fail" || v === "false") return false;
  }
  return null;
}

export function badgeOf(a: Assessment): AssessmentBadge {
  const v = a.value;
  const text =
    a.error !== null
      ? "error"
      : typeof v === "number"
        ? Number.isInteger(v)
          ? String(v)
          : v.toFixed(2)
        : typeof v === "string"
          ? v.length > 24
            ? v.slice(0, 23) + "…"
            : v
          : typeof v === "boolean"
            ? v
              ? "yes"
              : "no"
            : v === null
              ? "—"
              : "…";
  return { name: a.name, kind: a.kind, text, pass: a.error ? null : passOf(v), error: a.error !== null };
}

export class AssessmentQueries {
  // Prepared once: scorer runs call listForTrace once per trace (re-preparing per call was slow and grew memory).
  private readonly forTrace: Statement;
  private readonly forTraces: Statement;

  constructor(private readonly db: Db) {
    this.forTrace = db.prepare("SELECT * FROM assessments WHERE trace_id = ? ORDER BY created_ms");
    this.forTraces = db.prepare(
      `SELECT * FROM assessments WHERE trace_id IN (SELECT value FROM json_each(?)) ORDER BY trace_id, name, updated_ms DESC`,
    );
  }

  listForTrace(traceId: string): Assessment[] {
    return (this.forTrace.all(traceId) as AssessmentRow[]).map(toAssessment);
  }

  /** One badge per (trace, assessment name): the newest. */
  badgesFor(traceIds: readonly string[]): Map<string, AssessmentBadge[]> {
    const out = new Map<string, AssessmentBadge[]>();
    if (traceIds.length === 0) return out;
    const rows = this.forTraces.all(JSON.stringify(traceIds)) as AssessmentRow[];
    let lastKey = "";
    for (const r of rows) {
      const key = `${r.trace_id}\u0000${r.name}\u0000${r.kind}`;
      if (key === lastKey) continue;
      lastKey = key;
      const list = out.get(r.trace_id) ?? [];
      list.push(badgeOf(toAssessment(r)));
      out.set(r.trace_id, list);
    }
    return out;
  }

  /**
   * Records an assessment. Human feedback from the same source on the same trace/span/name
   * replaces the previous one (a user changes their thumbs), as do expectations of the same name.
   */
  log(a: {
    traceId: string;
    spanId: string | null;
    kind: "feedback" | "expectation";
    name: string;
    value: unknown;
    rationale: string | null;
    sourceType: string;
    sourceId: string;
    runId?: string | null;
    metadata?: Record<string, string>;
    error?: unknown;
  }): Assessment {
    const now = Date.now();
    return this.db.transaction(() => {
      const exists = this.db.prepare("SELECT 1 FROM traces WHERE trace_id = ?").get(a.traceId);
      if (!exists) throw new Error(`no trace with id ${a.traceId}`);
      if (a.sourceType === "HUMAN" || a.kind === "expectation") {
        this.db
          .prepare(
            "DELETE FROM assessments WHERE trace_id = ? AND span_id IS ? AND name = ? AND kind = ? AND source_type = ? AND source_id = ?",
          )
          .run(a.traceId, a.spanId, a.name, a.kind, a.sourceType, a.sourceId);
      }
      const row: AssessmentRow = {
        assessment_id: `a-${crypto.randomBytes(16).toString("hex")}`,
        trace_id: a.traceId,
        span_id: a.spanId,
        name: a.name,
        kind: a.kind,
        value: a.value === undefined ? null : JSON.stringify(a.value),
        rationale: a.rationale,
        error: a.error === undefined || a.error === null ? null : JSON.stringify(a.error),
        source_type: a.sourceType,
        source_id: a.sourceId,
        metadata: JSON.stringify(a.metadata ?? {}),
        run_id: a.runId ?? null,
        created_ms: now,
        updated_ms: now,
      };
      this.db
        .prepare(
          `INSERT INTO assessments (assessment_id, trace_id, span_id, name, kind, value, rationale, error, source_type, source_id,
           metadata, run_id, created_ms, updated_ms) VALUES (@assessment_id, @trace_id, @span_id, @name, @kind, @value, @rationale,
           @error, @source_type, @source_id, @metadata, @run_id, @created_ms, @updated_ms)`,
        )
        .run(row);
      return toAssessment(row);
    })();
  }

  delete(assessmentId: string): boolean {
    return this.db.prepare("DELETE FROM assessments WHERE assessment_id = ?").run(assessmentId).changes === 1;
  }
}
