/**
 * Stores a registered scorer's result on a trace as assessments: source_type from the Feedback
 * (CODE for code scorers), source_id = the scorer's registered name, metadata with the version
 * (`scorelens.scorer.version`) and where it came from. One assessment set per (trace, scorer,
 * version): storing again replaces that set. Callers run it inside their own transaction.
 *
 * Assessment ids are `a-` + 32 hex digits like every other assessment id, but time-ordered (12 hex
 * digits of Date.now(), then 80 random bits, as in UUIDv7): new rows land at the end of the
 * primary-key index instead of on a random page, which roughly halves the cost of an insert into
 * a store that already holds many assessments.
 */
import crypto from "node:crypto";
import type { Statement } from "better-sqlite3";
import type { TraceScore } from "../../protocol/scoring";
import type { Db } from "../store/db";

export const VERSION_KEY = "scorelens.scorer.version";
/** "monitor" or "backfill:<job id>". */
export const ORIGIN_KEY = "scorelens.scorer.origin";

export class AssessmentSink {
  private readonly traceExists: Statement;
  private readonly deleteSet: Statement;
  private readonly insert: Statement;

  constructor(db: Db) {
    this.traceExists = db.prepare("SELECT 1 FROM traces WHERE trace_id = ?").pluck();
    this.deleteSet = db.prepare(
      `DELETE FROM assessments WHERE trace_id = ? AND source_id = ? AND kind = 'feedback' AND source_type IN ('CODE','LLM_JUDGE')
       AND json_extract(metadata, '$."${VERSION_KEY}"') = ?`,
    );
    this.insert = db.prepare(
      `INSERT INTO assessments (assessment_id, trace_id, span_id, name, kind, value, rationale, error, source_type, source_id,
       metadata, run_id, created_ms, updated_ms) VALUES (?, ?, NULL, ?, 'feedback', ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    );
  }

  /** False when the trace no longer exists (nothing stored). */
  store(scorer: { name: string; version: number }, score: TraceScore, origin: string, now = Date.now()): boolean {
    if (this.traceExists.get(score.traceId) === undefined) return false;
    const version = String(scorer.version);
    this.deleteSet.run(score.traceId, scorer.name, version);
    for (const f of score.feedbacks) {
      this.insert.run(
        assessmentId(now),
        score.traceId,
        f.name,
        f.value === undefined ? null : JSON.stringify(f.value),
        f.rationale,
        f.error ? JSON.stringify({ error_code: f.error.type, error_message: f.error.message, stack_trace: f.error.stack }) : null,
        f.source.type,
        scorer.name,
        JSON.stringify({ ...f.metadata, [VERSION_KEY]: version, [ORIGIN_KEY]: origin }),
        now,
        now,
      );
    }
    return true;
  }
}

const RANDOM = Buffer.alloc(4096);
let randomAt = RANDOM.length;

/** `a-` + 12 hex digits of the time (ms) + 20 random hex digits. */
export function assessmentId(nowMs = Date.now()): string {
  if (randomAt + 10 > RANDOM.length) {
    crypto.randomFillSync(RANDOM);
    randomAt = 0;
  }
  const tail = RANDOM.toString("hex", randomAt, randomAt + 10);
  randomAt += 10;
  return `a-${Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, "0").slice(-12)}${tail}`;
}

/** The first error of a result, as one line (null when it has none). */
export function errorOf(score: TraceScore): string | null {
  const e = score.feedbacks.find((f) => f.error !== null)?.error;
  return e ? `${e.type}: ${e.message}` : null;
}
