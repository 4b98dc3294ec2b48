/**
 * Runs scorers over stored traces: resolves the selection to trace ids, runs the scorer in the
 * worker pool (loading traces lazily from SQLite), stores results and assessments, aggregates,
 * and keeps the run row up to date. One long-lived pool per server; runs can be cancelled.
 */
import { performance } from "node:perf_hooks";
import type { AggregateMetric, EvalRun, TraceSelection } from "../../protocol/scoring";
import { aggregate } from "../../sdk/scoring/aggregate";
import { log } from "../log";
import { searchTraces } from "../search/traceSearch";
import { AssessmentQueries } from "../store/assessmentQueries";
import type { Db } from "../store/db";
import type { TraceQueries } from "../store/traceQueries";
import { runScorerOnTraces } from "./runtime/runScorerOnTraces";
import { ScorerWorkerPool } from "./runtime/workerPool";
import type { ScorableTrace } from "./runtime/workerProtocol";
import { newRunId, RunStore } from "./runStore";

export interface RunRequest {
  file: string;
  scorerName: string;
  selection: TraceSelection;
  /** Declared aggregations (from discovery); null = ["mean"]. */
  aggregations: string[] | null;
  runId?: string;
}

export interface RunManagerOptions {
  db: Db;
  queries: TraceQueries;
  timeoutMs?: number;
  onProgress?: (p: { runId: string; scorerName: string; done: number; total: number; errors: number }) => void;
  /** Called after every run (lenses show the latest result). */
  onFinished?: (run: EvalRun) => void;
  memoryLimitMB?: number;
  /** The SDK bundle scorer files' "scorelens" imports resolve to (default: dist/sdk beside the server). */
  sdkEntry?: string;
}

export function selectionLabel(s: TraceSelection): string {
  switch (s.kind) {
    case "lastN":
      return `last ${s.n} traces`;
    case "filter":
      return `filter: ${s.filter} (up to ${s.limit})`;
    case "traceIds":
      return s.traceIds.length === 1 ? "1 selected trace" : `${s.traceIds.length} selected traces`;
    case "timeRange":
      return `${new Date(s.fromMs).toLocaleString()} – ${new Date(s.toMs).toLocaleString()}`;
  }
}

export class RunManager {
  readonly store: RunStore;
  private readonly assessments: AssessmentQueries;
  private pool: ScorerWorkerPool | null = null;
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly opts: RunManagerOptions) {
    this.store = new RunStore(opts.db);
    this.assessments = new AssessmentQueries(opts.db);
  }

  private getPool(): ScorerWorkerPool {
    this.pool ??= new ScorerWorkerPool({
      timeoutMs: this.opts.timeoutMs ?? 30_000,
      ...(this.opts.memoryLimitMB ? { maxOldGenerationSizeMb: this.opts.memoryLimitMB } : {}),
    });
    return this.pool;
  }

  /** Trace ids for a selection, newest first. */
  resolveSelection(s: TraceSelection): string[] {
    const db = this.opts.db;
    switch (s.kind) {
      case "lastN":
        return db.prepare("SELECT trace_id FROM traces ORDER BY start_ms DESC, trace_id DESC LIMIT ?").pluck().all(s.n) as string[];
      case "filter":
        return searchTraces(db, { filter: s.filter, limit: s.limit }).map((t) => t.traceId);
      case "traceIds":
        return s.traceIds.map((id) => (id.startsWith("tr-") ? id.slice(3) : id));
      case "timeRange":
        return db
          .prepare("SELECT trace_id FROM traces WHERE start_ms >= ? AND start_ms <= ? ORDER BY start_ms DESC LIMIT ?")
          .pluck()
          .all(s.fromMs, s.toMs, s.limit) as string[];
    }
  }

  private loadTrace = (traceId: string): ScorableTrace | null => {
    const summary = this.opts.queries.getSummary(traceId);
    if (!summary) return null;
    return { summary, spans: this.opts.queries.getSpans(traceId), assessments: this.assessments.listForTrace(traceId) };
  };

  cancel(runId: string): boolean {
    const c = this.running.get(runId);
    if (!c) return false;
    c.abort();
    return true;
  }

  async run(req: RunRequest): Promise<EvalRun> {
    const run = await this.runOnce(req);
    try {
      this.opts.onFinished?.(run);
    } catch (e) {
      log.warn("onFinished failed:", e);
    }
    return run;
  }

  private async runOnce(req: RunRequest): Promise<EvalRun> {
    const runId = req.runId ?? newRunId();
    const started = Date.now();
    const t0 = performance.now();
    const traceIds = this.resolveSelection(req.selection);
    const run: EvalRun = {
      runId,
      scorers: [{ name: req.scorerName, file: req.file, sourceHash: "" }],
      selection: req.selection,
      selectionLabel: selectionLabel(req.selection),
      status: "running",
      startedMs: started,
      durationMs: null,
      traceCount: traceIds.length,
      scoredCount: 0,
      errorCount: 0,
      aggregates: [],
      message: traceIds.length === 0 ? "no traces match the selection" : null,
    };
    this.store.save(run);
    if (traceIds.length === 0) {
      const done: EvalRun = { ...run, status: "completed", durationMs: performance.now() - t0 };
      this.store.save(done);
      return done;
    }
    const abort = new AbortController();
    this.running.set(runId, abort);
    let errors = 0;
    try {
      const r = await runScorerOnTraces({
        file: req.file,
        scorerName: req.scorerName,
        traceIds,
        loadTrace: this.loadTrace,
        pool: this.getPool(),
        signal: abort.signal,
        ...(this.opts.sdkEntry ? { sdkEntry: this.opts.sdkEntry } : {}),
        onProgress: (p) => this.opts.onProgress?.({ runId, scorerName: req.scorerName, done: p.done, total: p.total, errors }),
      });
      if (r.bundleError) {
        const e = r.bundleError;
        const where = e.file ? ` (${e.file}${e.line !== null ? `:${e.line}` : ""}${e.column !== null ? `:${e.column + 1}` : ""})` : "";
        const failed: EvalRun = { ...run, status: "failed", durationMs: performance.now() - t0, message: `${e.type}: ${e.message}${where}` };
        this.store.save(failed);
        return failed;
      }
      errors = r.errors;
      this.store.saveResults(runId, req.scorerName, r.results);
      // What scorers printed goes to the server's output channel too, tagged "[scorer tr-…] level:" by the worker.
      let printed = 0;
      for (const res of r.results) {
        for (const line of res.logs) {
          if (printed++ < 1000) log.info(line);
        }
      }
      if (printed > 1000) log.info(`… ${printed - 1000} more lines from ${req.scorerName} (see the results panel)`);
      const flat = r.results.flatMap((x) => x.feedbacks);
      let aggregates: AggregateMetric[] = [];
      try {
        aggregates = aggregate(
          flat.map((f) => ({ name: f.name, value: f.value, error: f.error })),
          (req.aggregations ?? null) as Parameters<typeof aggregate>[1],
        );
      } catch (e) {
        log.warn(`aggregating ${req.scorerName} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      const finished: EvalRun = {
        ...run,
        scorers: [{ name: req.scorerName, file: req.file, sourceHash: "" }],
        status: r.cancelled ? "cancelled" : "completed",
        durationMs: performance.now() - t0,
        scoredCount: r.results.length,
        errorCount: r.errors,
        aggregates,
        message: r.cancelled ? `cancelled after ${r.results.length} of ${traceIds.length} traces` : null,
      };
      this.store.save(finished);
      return finished;
    } catch (e) {
      const failed: EvalRun = { ...run, status: "failed", durationMs: performance.now() - t0, message: e instanceof Error ? e.message : String(e) };
      this.store.save(failed);
      log.error(`run ${runId} failed:`, e);
      return failed;
    } finally {
      this.running.delete(runId);
    }
  }

  async dispose(): Promise<void> {
    for (const c of this.running.values()) c.abort();
    await this.pool?.dispose();
    this.pool = null;
  }
}
