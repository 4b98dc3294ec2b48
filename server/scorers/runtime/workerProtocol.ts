/**
 * Messages between the scorer worker pool (workerPool.ts, server thread) and a scorer worker
 * (scorerWorker.ts, a worker_threads thread). Both sides import this file (types and helpers).
 *
 * A worker handles one message at a time, in order:
 *   pool → load  { key, code, filename, keep }  → loaded { key, scorers } | loadFailed { key, error }
 *   pool → score { batchId, calls, items }       → item × items.length, then scored
 *
 * A batch runs several scorers (`calls`, each a loaded bundle and a scorer in it) on each item: the
 * worker reads an item's trace ONCE and runs every call the item asks for on it. After each item it
 * sends that item's results (`item`), so if the pool must kill the worker (timeout, memory limit,
 * process.exit) the items that finished are neither lost nor run again; calls of the item that was
 * running when it died are run again on a new worker, except the one that was running.
 *
 * Which call runs now is in shared memory (`WorkerInit.progress`, see {@link ProgressView}), not in
 * messages: the worker writes the batch, item, call and the call's start time before each call, and
 * the pool reads them when a call may have overrun its time limit or the worker died.
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
  /** Loaded bundles the next batch needs too: they become the most recent, so this load does not evict them. */
  keep: string[];
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
  /** Indices into the batch's `calls` to run on this item (set by the pool). Default: every call. */
  calls?: number[];
  detail?: ScorableTrace;
  args?: RowArgs;
  expectations?: Record<string, unknown>;
}

/** Given to each worker at start (workerData). */
export interface WorkerInit {
  /** The store file the worker reads traces from (read-only), or null when items carry them. */
  dbPath: string | null;
  /** PROGRESS_BYTES of shared memory: where the worker says which call runs now ({@link ProgressView}). */
  progress: SharedArrayBuffer;
}

/** One scorer of a batch: a loaded bundle and the scorer in it. */
export interface ScoreCall {
  key: string;
  /** An export name or a scorer name. */
  scorerName: string;
}

export interface ScoreMessage {
  type: "score";
  batchId: number;
  calls: ScoreCall[];
  items: ScoreItem[];
  /**
   * Background work: the worker thread lowers its own scheduling priority to this nice value
   * before the batch (Linux; a thread can only lower its priority, so it stays lowered).
   */
  nice?: number;
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
  /** Item `index` is done: one result per call it ran, in its `calls` order. */
  | { type: "item"; batchId: number; index: number; results: TraceScore[] }
  /** Every item of the batch is done. */
  | { type: "scored"; batchId: number }
  /** Output printed outside any scorer call (module top level, stray timers). */
  | { type: "log"; line: string };

/**
 * Bundles a worker keeps compiled: the last ones loaded (runs that alternate files do not recompile
 * each batch). The pool mirrors this to know what each worker has.
 */
export const MAX_LOADED_BUNDLES = 4;

/**
 * Records a loaded bundle the way both sides do, so the pool's view of a worker matches the
 * worker: `keep` first become the most recent, then `key`; the oldest beyond MAX_LOADED_BUNDLES go.
 */
export function rememberLoaded<V>(loaded: Map<string, V>, key: string, value: V, keep: readonly string[]): void {
  for (const k of keep) {
    const v = loaded.get(k);
    if (v === undefined || k === key) continue;
    loaded.delete(k);
    loaded.set(k, v);
  }
  loaded.delete(key);
  loaded.set(key, value);
  while (loaded.size > MAX_LOADED_BUNDLES) {
    const oldest = loaded.keys().next().value;
    if (oldest === undefined) break;
    loaded.delete(oldest);
  }
}

export const PROGRESS_BYTES = 24;

/**
 * The shared progress of one worker: batch id, item index and call index of the call running
 * now, and when it started (Date.now()). Written by the worker before each call, read by the pool.
 */
export class ProgressView {
  private readonly ints: Int32Array;
  private readonly started: BigInt64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer, 0, 4);
    this.started = new BigInt64Array(buffer, 16, 1);
  }

  mark(batchId: number, item: number, call: number, nowMs: number): void {
    Atomics.store(this.started, 0, BigInt(Math.floor(nowMs)));
    Atomics.store(this.ints, 1, item);
    Atomics.store(this.ints, 2, call);
    Atomics.store(this.ints, 0, batchId);
  }

  /** The call running now, or null when the worker has not started a call of `batchId`. */
  read(batchId: number): { item: number; call: number; startedMs: number } | null {
    if (Atomics.load(this.ints, 0) !== batchId) return null;
    return { item: Atomics.load(this.ints, 1), call: Atomics.load(this.ints, 2), startedMs: Number(Atomics.load(this.started, 0)) };
  }
}

/** "tr-…" label of a trace id, as MLflow shows request ids. */
export function traceLabel(traceId: string): string {
  return traceId.startsWith("tr-") ? traceId : `tr-${traceId}`;
}
