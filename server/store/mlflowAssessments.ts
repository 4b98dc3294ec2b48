/**
 * MLflow assessment JSON ↔ `assessments` rows. MLflow writes
 * `{assessment_id, assessment_name, trace_id, span_id?, source:{source_type, source_id},
 *   create_time, last_update_time, feedback:{value, error?} | expectation:{value}, rationale?,
 *   metadata?, run_id?}`; times are ISO strings or epoch ms.
 */
import crypto from "node:crypto";
import type { Db } from "./db";

export interface AssessmentRow {
  assessment_id: string;
  trace_id: string;
  span_id: string | null;
  name: string;
  kind: "feedback" | "expectation";
  value: string | null;
  rationale: string | null;
  error: string | null;
  source_type: string;
  source_id: string;
  metadata: string;
  run_id: string | null;
  created_ms: number;
  updated_ms: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

function timeMs(v: unknown, fallback: number): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  return fallback;
}

/** Reads one MLflow assessment; returns null (with a reason) when it isn't one. */
export function fromMlflowAssessment(a: unknown, traceId: string, nowMs = Date.now()): AssessmentRow | string {
  if (!isObj(a)) return "assessment is not an object";
  const name = str(a.assessment_name) ?? str(a.name);
  if (!name) return "assessment has no assessment_name";
  const feedback = isObj(a.feedback) ? a.feedback : null;
  const expectation = isObj(a.expectation) ? a.expectation : null;
  if (!feedback && !expectation) return `assessment "${name}" has neither feedback nor expectation`;
  const source = isObj(a.source) ? a.source : {};
  const created = timeMs(a.create_time ?? a.create_time_ms, nowMs);
  const valueHolder = feedback ?? expectation ?? {};
  const value = valueHolder.value === undefined ? null : JSON.stringify(valueHolder.value);
  const error = feedback && feedback.error !== undefined && feedback.error !== null ? JSON.stringify(feedback.error) : null;
  return {
    assessment_id: str(a.assessment_id) ?? `a-${crypto.randomBytes(16).toString("hex")}`,
    trace_id: traceId,
    span_id: str(a.span_id),
    name,
    kind: feedback ? "feedback" : "expectation",
    value,
    rationale: str(a.rationale),
    error,
    source_type: (str(source.source_type) ?? "SOURCE_TYPE_UNSPECIFIED").replace(/^AI_JUDGE$/, "LLM_JUDGE"),
    source_id: str(source.source_id) ?? "default",
    metadata: JSON.stringify(isObj(a.metadata) ? a.metadata : {}),
    run_id: str(a.run_id),
    created_ms: created,
    updated_ms: timeMs(a.last_update_time ?? a.last_update_time_ms, created),
  };
}

export function toMlflowAssessment(r: AssessmentRow): Obj {
  const value: unknown = r.value === null ? null : JSON.parse(r.value);
  const out: Obj = {
    assessment_id: r.assessment_id,
    assessment_name: r.name,
    trace_id: `tr-${r.trace_id}`,
    source: { source_type: r.source_type, source_id: r.source_id },
    create_time: new Date(r.created_ms).toISOString(),
    last_update_time: new Date(r.updated_ms).toISOString(),
    metadata: JSON.parse(r.metadata) as unknown,
  };
  if (r.span_id) out.span_id = r.span_id;
  if (r.rationale) out.rationale = r.rationale;
  if (r.run_id) out.run_id = r.run_id;
  if (r.kind === "feedback") out.feedback = r.error ? { value, error: JSON.parse(r.error) as unknown } : { value };
  else out.expectation = { value };
  return out;
}

/**
 * Stores imported assessments. Importing the same file again changes nothing (an id already stored
 * for the same trace is skipped); an id already used by ANOTHER trace (a hand-edited or merged file)
 * is stored under a new id, with a warning, rather than lost.
 */
export function insertAssessments(db: Db, rows: readonly AssessmentRow[]): { inserted: number; warnings: string[] } {
  const stmt = db.prepare(`INSERT INTO assessments (assessment_id, trace_id, span_id, name, kind, value, rationale, error,
    source_type, source_id, metadata, run_id, created_ms, updated_ms)
    VALUES (@assessment_id, @trace_id, @span_id, @name, @kind, @value, @rationale, @error, @source_type, @source_id,
    @metadata, @run_id, @created_ms, @updated_ms) ON CONFLICT(assessment_id) DO NOTHING`);
  const owner = db.prepare("SELECT trace_id FROM assessments WHERE assessment_id = ?").pluck();
  let inserted = 0;
  const warnings: string[] = [];
  db.transaction(() => {
    for (const r of rows) {
      if (stmt.run(r).changes > 0) {
        inserted++;
        continue;
      }
      const other = owner.get(r.assessment_id) as string | undefined;
      if (other === undefined || other === r.trace_id) continue;
      const fresh = `a-${crypto.randomBytes(16).toString("hex")}`;
      inserted += stmt.run({ ...r, assessment_id: fresh }).changes;
      warnings.push(`trace tr-${r.trace_id}: assessment id ${r.assessment_id} is already used by trace tr-${other}; stored as ${fresh}`);
    }
  })();
  return { inserted, warnings };
}

export function assessmentsForTrace(db: Db, traceId: string): AssessmentRow[] {
  return db.prepare("SELECT * FROM assessments WHERE trace_id = ? ORDER BY created_ms").all(traceId) as AssessmentRow[];
}
