/** Evaluation runs in SQLite: the run row, per-trace results, and the assessments they produce. */
import crypto from "node:crypto";
import { tableCellsJson } from "../../protocol/runTable";
import { JudgeUsage, NO_TRACE_STATE, type EvalRun, type RunResultRow, type TraceScore } from "../../protocol/scoring";
import type { Db } from "../store/db";

interface RunRow {
  run_id: string;
  scorers: string;
  selection: string;
  selection_label: string;
  status: string;
  started_ms: number;
  duration_ms: number | null;
  trace_count: number;
  scored_count: number;
  error_count: number;
  aggregates: string;
  message: string | null;
  /** JSON JudgeUsage, or NULL (no judge calls; runs stored before schema v9). */
  judge_usage: string | null;
}

function judgeUsageOfRow(json: string | null): JudgeUsage | null {
  if (json === null) return null;
  try {
    const parsed = JudgeUsage.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toRun(r: RunRow): EvalRun {
  const judgeUsage = judgeUsageOfRow(r.judge_usage ?? null);
  return {
    ...(judgeUsage ? { judgeUsage } : {}),
    runId: r.run_id,
    scorers: JSON.parse(r.scorers) as EvalRun["scorers"],
    selection: JSON.parse(r.selection) as EvalRun["selection"],
    selectionLabel: r.selection_label,
    status: r.status as EvalRun["status"],
    startedMs: r.started_ms,
    durationMs: r.duration_ms,
    traceCount: Number(r.trace_count),
    scoredCount: Number(r.scored_count),
    errorCount: Number(r.error_count),
    aggregates: JSON.parse(r.aggregates) as EvalRun["aggregates"],
    message: r.message,
  };
}

export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
}

export class RunStore {
  /** The store the runs are in (also the traces': judge cost estimates read their sizes). */
  constructor(readonly db: Db) {}

  save(run: EvalRun): void {
    this.db
      .prepare(
        `INSERT INTO eval_runs (run_id, scorers, selection, selection_label, status, started_ms, duration_ms, trace_count,
         scored_count, error_count, aggregates, message, judge_usage) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT(run_id) DO UPDATE SET status = excluded.status, duration_ms = excluded.duration_ms,
         trace_count = excluded.trace_count, scored_count = excluded.scored_count, error_count = excluded.error_count,
         aggregates = excluded.aggregates, message = excluded.message, scorers = excluded.scorers, judge_usage = excluded.judge_usage`,
      )
      .run(
        run.runId,
        JSON.stringify(run.scorers),
        JSON.stringify(run.selection),
        run.selectionLabel,
        run.status,
        run.startedMs,
        run.durationMs,
        run.traceCount,
        run.scoredCount,
        run.errorCount,
        JSON.stringify(run.aggregates),
        run.message,
        run.judgeUsage ? JSON.stringify(run.judgeUsage) : null,
      );
  }

  get(runId: string): EvalRun | null {
    const r = this.db.prepare("SELECT * FROM eval_runs WHERE run_id = ?").get(runId) as RunRow | undefined;
    return r ? toRun(r) : null;
  }

  list(limit: number, scorerName?: string): EvalRun[] {
    const rows = (
      scorerName
        ? this.db
            .prepare(
              "SELECT * FROM eval_runs WHERE EXISTS (SELECT 1 FROM json_each(scorers) WHERE json_extract(value, '$.name') = ?) ORDER BY started_ms DESC LIMIT ?",
            )
            .all(scorerName, limit)
        : this.db.prepare("SELECT * FROM eval_runs ORDER BY started_ms DESC LIMIT ?").all(limit)
    ) as RunRow[];
    return rows.map(toRun);
  }

  /**
   * Stores one scorer's results: run_results rows, and one CODE assessment per feedback (tagged
   * with the run id, so the trace panel and `feedback.<name>` filters see them). Previous
   * assessments of the same scorer (source id) on these traces are replaced: the newest run wins.
   * Each row also gets what the results table needs (`cells`: tableCellsJson) and the trace's
   * name and state as scored (NULL when the trace is not stored), so the table reads neither the
   * full feedbacks nor the traces.
   */
  saveResults(runId: string, scorerName: string, results: readonly TraceScore[], datasetRows: ReadonlyArray<number | null> = []): void {
    const insResult = this.db.prepare(
      `INSERT OR REPLACE INTO run_results (run_id, seq, trace_id, scorer_name, feedbacks, duration_ms, logs, dataset_row, cells, trace_name, trace_state)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    );
    const delOld = this.db.prepare("DELETE FROM assessments WHERE trace_id = ? AND source_type IN ('CODE','LLM_JUDGE') AND source_id = ? AND kind = 'feedback'");
    const traceOf = this.db.prepare("SELECT name, state FROM traces WHERE trace_id = ?").raw(true);
    const insAssessment = this.db.prepare(
      `INSERT INTO assessments (assessment_id, trace_id, span_id, name, kind, value, rationale, error, source_type, source_id,
       metadata, run_id, created_ms, updated_ms) VALUES (?, ?, NULL, ?, 'feedback', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    this.db.transaction(() => {
      results.forEach((r, seq) => {
        const trace = traceOf.get(r.traceId) as [name: string, state: string] | undefined;
        insResult.run(
          runId,
          seq,
          r.traceId,
          scorerName,
          JSON.stringify(r.feedbacks),
          r.durationMs,
          JSON.stringify(r.logs),
          datasetRows[seq] ?? null,
          tableCellsJson(r.feedbacks),
          trace?.[0] ?? null,
          trace?.[1] ?? null,
        );
        if (trace === undefined) return;
        delOld.run(r.traceId, scorerName);
        for (const f of r.feedbacks) {
          insAssessment.run(
            `a-${crypto.randomBytes(16).toString("hex")}`,
            r.traceId,
            f.name,
            f.value === undefined ? null : JSON.stringify(f.value),
            f.rationale,
            f.error ? JSON.stringify({ error_code: f.error.type, error_message: f.error.message, stack_trace: f.error.stack }) : null,
            f.source.type,
            scorerName,
            JSON.stringify({ ...f.metadata, "mlflow.assessment.sourceRunId": runId }),
            runId,
            now,
            now,
          );
        }
      });
    })();
  }

  rows(runId: string, offset: number, limit: number): { rows: RunResultRow[]; total: number } {
    const total = Number(this.db.prepare("SELECT count(DISTINCT seq) FROM run_results WHERE run_id = ?").pluck().get(runId));
    const raw = this.db
      .prepare(
        `SELECT r.seq, r.trace_id, r.feedbacks, r.duration_ms, r.logs, r.dataset_row, t.name AS trace_name, t.state AS trace_state
         FROM run_results r LEFT JOIN traces t ON t.trace_id = r.trace_id
         WHERE r.run_id = ? ORDER BY r.seq`,
      )
      .all(runId) as Array<{
      seq: number;
      trace_id: string;
      feedbacks: string;
      duration_ms: number;
      logs: string;
      dataset_row: number | null;
      trace_name: string | null;
      trace_state: string | null;
    }>;
    // one row per trace (several scorers of one run are merged)
    const bySeq = new Map<number, RunResultRow>();
    for (const r of raw) {
      const row = bySeq.get(r.seq);
      const feedbacks = JSON.parse(r.feedbacks) as RunResultRow["feedbacks"];
      const logs = JSON.parse(r.logs) as string[];
      if (row) {
        row.feedbacks.push(...feedbacks);
        row.logs.push(...logs);
        row.durationMs += r.duration_ms;
      } else {
        const rowOnly = r.trace_state === null && r.dataset_row !== null && r.trace_id.startsWith("row-");
        bySeq.set(r.seq, {
          traceId: r.trace_id,
          traceName: r.trace_name ?? (rowOnly ? `dataset row ${r.dataset_row}` : "(deleted trace)"),
          traceState: r.trace_state ?? (rowOnly ? NO_TRACE_STATE : "DELETED"),
          feedbacks,
          durationMs: r.duration_ms,
          logs,
          datasetRow: r.dataset_row,
        });
      }
    }
    return { rows: [...bySeq.values()].slice(offset, offset + limit), total };
  }
}
