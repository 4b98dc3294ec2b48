/**
 * Messages between the scorer worker pool (workerPool.ts, server thread) and a scorer worker
 * (scorerWorker.ts, a worker_threads thread). Both sides import this file (types and one helper).
 *
 * A worker handles one message at a time, in order:
 *   pool → load  { key, code, filename }    → loaded { key, scorers } | loadFailed { key, error }
 *   pool → score { batchId, key, scorerName, items } → started × items.length, then scored
 *
 * `started` is sent before each item runs, so if the pool must kill the worker (timeout, memory
 * limit, process.exit) it knows which trace was running. It also carries the result of the item
 * before it (`previous`), so the items that finished before a kill are not lost or run twice.
 * `scored` carries every result of the batch, in item order.
 */
import type { FeedbackError, TraceScore } from "../../../protocol/scoring";
import type { Assessment, TraceDetail } from "../../../protocol/model";

/** A scorer the loaded module exports. */
export interface ExportedScorer {
  /** The export's key (`default` for a default export). */
  exportName: string;
  /** The scorer's own name (its `name` property), else the export name. */
  name: string;
}

export interface LoadMessage {
  type: "load";
  /** Identifies this bundle (filename + sourceHash); `score` messages refer to it. */
  key: string;
  /** CommonJS bundle from bundleScorerFile. */
  code: string;
  /** The scorer file: `__filename` of the module, and where its node_modules are looked up from. */
  filename: string;
}

/** A trace as a scorer sees it: the detail, plus its assessments (expectations become the scorer's `expectations`). */
export type ScorableTrace = TraceDetail & { assessments?: Assessment[] | null };

/** What the scorer is called with when there is no trace to read (a dataset row without a trace). */
export interface RowArgs {
  inputs?: unknown;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
}

/**
 * One thing to score. With `detail`, the trace as read by the server; with `args`, a dataset row
 * that has no trace; with neither, the worker reads trace `traceId` from the store itself.
 * `expectations` (a dataset row's ground truth) are laid over the trace's own.
 */
export interface ScoreItem {
  traceId: string;
  detail?: ScorableTrace;
  args?: RowArgs;
  expectations?: Record<string, unknown>;
}

/** Given to each worker at start (workerData). */
export interface WorkerInit {
  /** The store file the worker reads traces from (read-only), or null when items carry them. */
  dbPath: string | null;
}

export interface ScoreMessage {
  type: "score";
  batchId: number;
  key: string;
  /** An export name or a scorer name. */
  scorerName: string;
  items: ScoreItem[];
}

export type ToWorker = LoadMessage | ScoreMessage;

/** A load failure: the error, and where in the user's source it was thrown when the stack says so (line 1-based, column 0-based). */
export interface LoadFailure extends FeedbackError {
  file: string;
  line: number | null;
  column: number | null;
}

export type FromWorker =
  | { type: "loaded"; key: string; scorers: ExportedScorer[] }
  | { type: "loadFailed"; key: string; error: LoadFailure }
  | { type: "started"; batchId: number; index: number; previous: TraceScore | null }
  | { type: "scored"; batchId: number; results: TraceScore[] }
  /** Output printed outside any scorer call (module top level, stray timers). */
  | { type: "log"; line: string };

/**
 * Bundles a worker keeps compiled: the last ones loaded (runs that alternate files do not recompile
 * each batch). The pool mirrors this to know what each worker has.
 */
export const MAX_LOADED_BUNDLES = 4;

/** "tr-…" label of a trace id, as MLflow shows request ids. */
export function traceLabel(traceId: string): string {
  return traceId.startsWith("tr-") ? traceId : `tr-${traceId}`;
}
