/**
 * Stores a run uploaded by the SDK's `evaluate()` (POST /scorelens/v1/runs) like a run started in
 * the editor: the eval_runs row, one run_results row per row and scorer, and CODE / LLM_JUDGE
 * assessments on the traces the rows produced. The body is validated with zod first.
 */
import type { z } from "zod";
import { formatZodError } from "../../protocol/descriptors";
import { EvalUpload } from "../../protocol/evalUpload";
import type { EvalRun, TraceScore } from "../../protocol/scoring";
import type { Db } from "../store/db";
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
  })();
  return run;
}
