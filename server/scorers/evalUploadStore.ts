/**
 * Stores a run uploaded by the SDK's `evaluate()` (POST /scorelens/v1/runs) like a run started in
 * the editor: the eval_runs row, one run_results row per row and scorer, CODE / LLM_JUDGE
 * assessments on the traces the rows produced, and the rows' expectations as expectation
 * assessments on those traces. The body is validated with zod first.
 */
import type { z } from "zod";
import { formatZodError } from "../../protocol/descriptors";
import { EvalUpload } from "../../protocol/evalUpload";
import { judgeUsageOf } from "../../protocol/judgeCost";
import type { EvalRun, TraceScore } from "../../protocol/scoring";
import type { Db } from "../store/db";
import { AssessmentQueries } from "../store/assessmentQueries";
import { RunStore } from "./runStore";

export class EvalUploadError extends Error {
  override name = "EvalUploadError";
}

/** The "file" a run uploaded by evaluate() records for its scorers (it has none). */
export const EVALUATE_SOURCE = "evaluate()";

export function saveEvalUpload(db: Db, body: unknown): EvalRun {
  const parsed = EvalUpload.safeParse(body);
  if (!parsed.success) throw new EvalUploadError(`invalid evaluation run: ${formatZodError(parsed.error as z.ZodError)}`);
  const up = parsed.data;
  const store = new RunStore(db);
  if (store.get(up.runId)) throw new EvalUploadError(`run ${up.runId} is already in the store`);
  const traced = up.rows.filter((r) => !r.traceId.startsWith("row-")).map((r) => r.traceId);
  const run: EvalRun = {
    runId: up.runId,
    scorers: up.scorers.map((s) => ({ name: s.name, file: EVALUATE_SOURCE, sourceHash: s.sourceHash })),
    selection: traced.length > 0 ? { kind: "traceIds", traceIds: traced } : { kind: "lastN", n: Math.max(1, up.rows.length) },
    selectionLabel: `evaluate()${up.name ? ` ${up.name}` : ""} · ${up.rows.length} row${up.rows.length === 1 ? "" : "s"}${up.predicted ? " (predictFn)" : ""}`,
    status: "completed",
    startedMs: up.startedMs,
    durationMs: up.durationMs,
    traceCount: up.rows.length,
    scoredCount: up.rows.length,
    errorCount: up.errorCount,
    aggregates: up.aggregates,
    message: null,
  };
  const judgeUsage = judgeUsageOf(up.rows.flatMap((r) => r.scores.flatMap((x) => x.feedbacks)));
  if (judgeUsage) run.judgeUsage = judgeUsage;
  db.transaction(() => {
    store.save(run);
    const datasetRows = up.rows.map((r) => r.datasetRow);
    for (const s of up.scorers) {
      const results: TraceScore[] = up.rows.map((r) => {
        const score = r.scores.find((x) => x.scorer === s.name);
        return { traceId: r.traceId, feedbacks: score?.feedbacks ?? [], durationMs: score?.durationMs ?? 0, logs: r.logs };
      });
      store.saveResults(up.runId, s.name, results, datasetRows);
    }
    // The rows' ground truth goes onto their traces, as MLflow's evaluate logs expectations, so a
    // later run of the same scorers over these traces sees the same expectations.
    const assessments = new AssessmentQueries(db);
    const traceExists = db.prepare("SELECT 1 FROM traces WHERE trace_id = ?").pluck();
    for (const r of up.rows) {
      if (r.traceId.startsWith("row-") || !r.expectations || traceExists.get(r.traceId) === undefined) continue;
      for (const [name, value] of Object.entries(r.expectations)) {
        assessments.log({ traceId: r.traceId, spanId: null, kind: "expectation", name, value, rationale: null, sourceType: "HUMAN", sourceId: EVALUATE_SOURCE, runId: up.runId });
      }
    }
  })();
  return run;
}
