/**
 * Runs one scorer from a workspace file over stored traces: bundle the file (cached), then hand
 * the traces to the worker pool, which reads each batch's details through `loadTrace` only when
 * it sends the batch, so a run over 100k traces holds about `size × batchSize` details at once.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { TraceScore } from "../../../protocol/scoring";
import { bundleScorerFile, isBundleError, type ScorerSourceError } from "./bundleScorers";
import type { LoadTrace, PrepareItem, ScorerWorkerPool } from "./workerPool";

export interface RunScorerProgress {
  done: number;
  total: number;
}

export interface RunScorerOnTracesOptions {
  /** The scorer file (absolute, or relative to the process's cwd). */
  file: string;
  /** Export name or scorer name. */
  scorerName: string;
  traceIds: readonly string[];
  /** Reads one trace on this thread; null when it no longer exists. Without it (and without `prepareItem`) the pool's workers read the traces. */
  loadTrace?: LoadTrace;
  /** Makes the item for an id (dataset rows); takes precedence over `loadTrace`. */
  prepareItem?: PrepareItem;
  pool: ScorerWorkerPool;
  /** The SDK that "scorelens" imports resolve to. Default: dist/sdk/index.js beside the server bundle. */
  sdkEntry?: string;
  /** esbuild's working folder. Default: the file's folder. */
  workspaceRoot?: string;
  onProgress?: (p: RunScorerProgress) => void;
  signal?: AbortSignal;
}

/**
 * Why the scorer never ran: the file does not build (`build`), throws/hangs/dies while loading
 * (`load`), or has no exported scorer by that name (`missing`).
 */
export interface ScorerBundleError extends ScorerSourceError {
  phase: "build" | "load" | "missing";
  /** The error's type (`SyntaxError`, `TimeoutError`, …); "BuildError" for esbuild errors. */
  type: string;
  stack: string | null;
}

export interface RunScorerOnTracesResult {
  /** One per trace in `traceIds` order; empty when `bundleError` is set; only the finished ones when cancelled. */
  results: TraceScore[];
  durationMs: number;
  /** Results with at least one error Feedback. */
  errors: number;
  cancelled: boolean;
  bundleError?: ScorerBundleError;
  /** esbuild warnings for the file. */
  warnings: string[];
  /** Hash of the bundled source ("" when it did not build). */
  sourceHash: string;
}

export function defaultSdkEntry(): string {
  return path.join(__dirname, "sdk", "index.js");
}

export async function runScorerOnTraces(opts: RunScorerOnTracesOptions): Promise<RunScorerOnTracesResult> {
  const started = performance.now();
  const file = path.resolve(opts.file);
  const elapsed = (): number => performance.now() - started;

  const bundle = await bundleScorerFile(file, {
    sdkEntry: opts.sdkEntry ?? defaultSdkEntry(),
    workspaceRoot: opts.workspaceRoot ?? path.dirname(file),
  });
  if (isBundleError(bundle)) {
    return {
      results: [],
      durationMs: elapsed(),
      errors: 0,
      cancelled: false,
      bundleError: { ...bundle.error, phase: "build", type: "BuildError", stack: null },
      warnings: [],
      sourceHash: "",
    };
  }
  const sourceHash = bundle.sourceHash;
  if (opts.signal?.aborted) return { results: [], durationMs: elapsed(), errors: 0, cancelled: true, warnings: bundle.warnings, sourceHash };

  const total = opts.traceIds.length;
  const onProgress = opts.onProgress;
  const run = await opts.pool.run({
    bundle: { filename: file, code: bundle.code, sourceHash: bundle.sourceHash },
    scorerName: opts.scorerName,
    traceIds: opts.traceIds,
    ...(opts.loadTrace ? { loadTrace: opts.loadTrace } : {}),
    ...(opts.prepareItem ? { prepareItem: opts.prepareItem } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(onProgress ? { onProgress: (done: number) => onProgress({ done, total }) } : {}),
  });

  if (run.loadError) {
    const { type, message, stack, file: errFile, line, column } = run.loadError;
    return {
      results: [],
      durationMs: elapsed(),
      errors: 0,
      cancelled: run.cancelled,
      bundleError: { phase: type === "ScorerNotFoundError" ? "missing" : "load", type, message, stack, file: errFile, line, column },
      warnings: bundle.warnings,
      sourceHash,
    };
  }
  let errors = 0;
  for (const r of run.results) if (r.feedbacks.some((f) => f.error !== null)) errors++;
  return { results: run.results, durationMs: elapsed(), errors, cancelled: run.cancelled, warnings: bundle.warnings, sourceHash };
}
