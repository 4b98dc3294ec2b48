/**
 * Runs scorers over stored traces or dataset rows: resolves the selection, runs every scorer in
 * the worker pool at once (the workers read the traces from the store file themselves), stores
 * results and assessments, aggregates, and keeps the run row up to date. One long-lived pool per
 * server; runs can be cancelled and keep what finished.
 */
import { performance } from "node:perf_hooks";
import { judgeUsageOf } from "../../protocol/judgeCost";
import type { AggregateMetric, EvalRun, TraceScore, TraceSelection } from "../../protocol/scoring";
import { aggregate } from "../../sdk/scoring/aggregate";
import { log } from "../log";
import type { Db } from "../store/db";
import { STALE_MS } from "../store/lease";
import type { TraceQueries } from "../store/traceQueries";
import { runScorerOnTraces, type RunScorerOnTracesResult } from "./runtime/runScorerOnTraces";
import { storeFileOf, traceLoader } from "./runtime/traceLoader";
import { ScorerWorkerPool, type PrepareItem, type WorkerPoolOptions } from "./runtime/workerPool";
import { resolveTargets, SelectionError, type RunTargets } from "./runTargets";
import { newRunId, RunStore } from "./runStore";

export interface RunScorerSpec {
  file: string;
  /** Export name or scorer name. */
  scorerName: string;
  /** Declared aggregations (from discovery); null = ["mean"]. */
  aggregations: string[] | null;
}

export interface RunRequest {
  scorers: RunScorerSpec[];
  selection: TraceSelection;
  runId?: string;
}

export interface RunProgress {
  runId: string;
  scorerName: string;
  done: number;
  total: number;
  errors: number;
}

export interface RunManagerOptions {
  db: Db;
  queries: TraceQueries;
  timeoutMs?: number;
  onProgress?: (p: RunProgress) => void;
  /** Called after every run (lenses show the latest result). */
  onFinished?: (run: EvalRun) => void;
  memoryLimitMB?: number;
  /** The SDK bundle scorer files' "scorelens" imports resolve to (default: dist/sdk beside the server). */
  sdkEntry?: string;
  /** Pool overrides (size, batch size, worker script…). */
  pool?: WorkerPoolOptions;
  /** false: read traces on this thread and send them (default: workers read the store file). */
  workersRead?: boolean;
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
    case "dataset":
      return `dataset ${s.name}`;
  }
}

export class RunManager {
  readonly store: RunStore;
  private pool: ScorerWorkerPool | null = null;
  private readonly running = new Map<string, AbortController>();
  private readonly dbPath: string | null;

  constructor(private readonly opts: RunManagerOptions) {
    this.store = new RunStore(opts.db);
    this.dbPath = opts.workersRead === false ? null : storeFileOf(opts.db);
  }

  private getPool(): ScorerWorkerPool {
    if (!this.pool) judgeTracesToStore(this.opts.db);
    this.pool ??= new ScorerWorkerPool({
      timeoutMs: this.opts.timeoutMs ?? 30_000,
      ...(this.opts.memoryLimitMB ? { maxOldGenerationSizeMb: this.opts.memoryLimitMB } : {}),
      dbPath: this.dbPath,
      ...this.opts.pool,
    });
    return this.pool;
  }

  /** What a selection scores (throws SelectionError for an unknown dataset). */
  resolveSelection(s: TraceSelection): RunTargets {
    return resolveTargets(this.opts.db, s);
  }

  /** Items for the pool: dataset rows as given; traces read here only when workers can't read the store. */
  private prepareItem(targets: RunTargets): PrepareItem | undefined {
    const load = this.dbPath === null ? traceLoader(this.opts.db, this.opts.queries) : null;
    if (!targets.items && !load) return undefined;
    return (traceId, position) => {
      const given = targets.items?.get(position);
      if (given?.args) return given;
      if (!load) return given ?? { traceId };
      const detail = load(traceId);
      return detail ? { ...given, traceId, detail } : null;
    };
  }

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
    const t0 = performance.now();
    const names = req.scorers.map((s) => s.scorerName).join(", ");
    const base: EvalRun = {
      runId,
      scorers: req.scorers.map((s) => ({ name: s.scorerName, file: s.file, sourceHash: "" })),
      selection: req.selection,
      selectionLabel: selectionLabel(req.selection),
      status: "running",
      startedMs: Date.now(),
      durationMs: null,
      traceCount: 0,
      scoredCount: 0,
      errorCount: 0,
      aggregates: [],
      message: null,
    };
    const finish = (over: Partial<EvalRun>): EvalRun => {
      const r: EvalRun = { ...base, durationMs: performance.now() - t0, ...over };
      this.store.save(r);
      return r;
    };
    let targets: RunTargets;
    try {
      targets = this.resolveSelection(req.selection);
    } catch (e) {
      this.store.save(base);
      return finish({ status: "failed", message: e instanceof SelectionError ? e.message : `the selection could not be read: ${String(e)}` });
    }
    base.traceCount = targets.ids.length;
    this.store.save(base);
    if (targets.ids.length === 0) return finish({ status: "completed", message: "no traces match the selection" });

    const abort = new AbortController();
    this.running.set(runId, abort);
    const total = targets.ids.length * req.scorers.length;
    const done = new Array<number>(req.scorers.length).fill(0);
    const prepareItem = this.prepareItem(targets);
    try {
      const outcomes = await Promise.all(
        req.scorers.map((spec, i) =>
          runScorerOnTraces({
            file: spec.file,
            scorerName: spec.scorerName,
            traceIds: targets.ids,
            ...(prepareItem ? { prepareItem } : {}),
            pool: this.getPool(),
            signal: abort.signal,
            ...(this.opts.sdkEntry ? { sdkEntry: this.opts.sdkEntry } : {}),
            onProgress: (p) => {
              done[i] = p.done;
              this.opts.onProgress?.({ runId, scorerName: names, done: done.reduce((a, b) => a + b, 0), total, errors: 0 });
            },
          }),
        ),
      );
      base.scorers = req.scorers.map((s, i) => ({ name: s.scorerName, file: s.file, sourceHash: outcomes[i]?.sourceHash ?? "" }));
      const broken = outcomes.map((o, i) => ({ o, spec: req.scorers[i] as RunScorerSpec })).filter((x) => x.o.bundleError);
      if (broken.length > 0) {
        return finish({ status: "failed", message: broken.map((b) => `${b.spec.scorerName}: ${bundleErrorText(b.o)}`).join("\n") });
      }
      outcomes.forEach((o, i) => {
        this.store.saveResults(runId, req.scorers[i]?.scorerName ?? "", o.results, targets.datasetRows);
        logScorerOutput(req.scorers[i]?.scorerName ?? "", o.results);
      });
      const cancelled = outcomes.some((o) => o.cancelled);
      const scored = Math.min(...outcomes.map((o) => o.results.length));
      const judgeUsage = judgeUsageOf(outcomes.flatMap((o) => o.results.flatMap((r) => r.feedbacks)));
      return finish({
        ...(judgeUsage ? { judgeUsage } : {}),
        status: cancelled ? "cancelled" : "completed",
        scoredCount: scored,
        errorCount: countErrorRows(outcomes.map((o) => o.results)),
        aggregates: req.scorers.flatMap((spec, i) => aggregatesOf(spec, outcomes[i]?.results ?? [])),
        message: cancelled ? `cancelled after ${scored} of ${targets.ids.length} traces` : null,
      });
    } catch (e) {
      log.error(`run ${runId} failed:`, e);
      return finish({ status: "failed", message: e instanceof Error ? e.message : String(e) });
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

/** The OTLP variables that would send the workers' traces elsewhere than the store's server. */
const FOREIGN_OTLP_VARS = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"] as const;

/** The service name of traces made inside scorer workers (LLM judges' calls). */
export const SCORER_SERVICE_NAME = "scorelens-scorers";

/**
 * LLM judges trace each call through the SDK, which exports to the OTLP endpoint of the worker's
 * environment (default 127.0.0.1:4318). The workers copy this process's environment when they
 * start, so this points it at the server that owns this store (its lease holds the OTLP port):
 * the judges' traces land in the store the run reads and the results link to them, whichever port
 * that server took, under the service name `scorelens-scorers`.
 *
 * `mode: "store"` (the editor's server, `scorelens serve`): always, replacing OTLP variables the
 * process inherited (they were meant for the user's app, e.g. a collector in the shell that
 * started VS Code; their headers must not reach ScoreLens either). `mode: "unlessConfigured"`
 * (`scorelens eval`): an endpoint the user configured wins.
 */
export function judgeTracesToStore(db: Db, env: NodeJS.ProcessEnv = process.env, nowMs = Date.now(), mode: "store" | "unlessConfigured" = "unlessConfigured"): void {
  const configured = Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.SCORELENS_OTLP_ENDPOINT);
  if (mode === "unlessConfigured" && configured) return;
  try {
    const lease = db.prepare("SELECT otlp_port AS port, heartbeat_ms AS at FROM server_lease WHERE id = 1").get() as { port: number | null; at: number } | undefined;
    if (!lease?.port || nowMs - lease.at > STALE_MS) return;
    const replaced = FOREIGN_OTLP_VARS.filter((k) => env[k]);
    for (const k of FOREIGN_OTLP_VARS) delete env[k];
    if (replaced.length > 0) log.info(`scorer workers send their traces (LLM judge calls) to this store's server, not to ${replaced.join(" / ")} from the environment`);
    env.SCORELENS_OTLP_ENDPOINT = `http://127.0.0.1:${lease.port}`;
    if (mode === "store" || !env.OTEL_SERVICE_NAME) env.OTEL_SERVICE_NAME = SCORER_SERVICE_NAME;
  } catch (e) {
    log.warn("could not read the store's server lease for the judges' trace endpoint:", e);
  }
}

function bundleErrorText(o: RunScorerOnTracesResult): string {
  const e = o.bundleError;
  if (!e) return "";
  const where = e.file ? ` (${e.file}${e.line !== null ? `:${e.line}` : ""}${e.column !== null ? `:${e.column + 1}` : ""})` : "";
  return `${e.type}: ${e.message}${where}`;
}

/** Rows (positions) where any scorer gave an error. */
function countErrorRows(perScorer: TraceScore[][]): number {
  const bad = new Set<number>();
  for (const results of perScorer) results.forEach((r, pos) => r.feedbacks.some((f) => f.error !== null) && bad.add(pos));
  return bad.size;
}

function aggregatesOf(spec: RunScorerSpec, results: readonly TraceScore[]): AggregateMetric[] {
  try {
    return aggregate(
      results.flatMap((r) => r.feedbacks).map((f) => ({ name: f.name, value: f.value, error: f.error })),
      (spec.aggregations ?? null) as Parameters<typeof aggregate>[1],
    );
  } catch (e) {
    log.warn(`aggregating ${spec.scorerName} failed: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}

/** What scorers printed goes to the server's output channel too, tagged "[scorer tr-…] level:" by the worker. */
function logScorerOutput(scorerName: string, results: readonly TraceScore[]): void {
  let printed = 0;
  for (const res of results) {
    for (const line of res.logs) {
      if (printed++ < 1000) log.info(line);
    }
  }
  if (printed > 1000) log.info(`… ${printed - 1000} more lines from ${scorerName} (see the results panel)`);
}
