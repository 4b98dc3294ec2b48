/** The scorer worker pool's options and the shapes of its runs (workerPool.ts). */
import type { TraceScore } from "../../../protocol/scoring";
import type { JobResult, PoolBundle, PrepareItem } from "./poolJob";
import type { LoadFailure, ScorableTrace } from "./workerProtocol";

export interface WorkerPoolOptions {
  /** Worker threads at most. Default min(2, CPUs). */
  size?: number;
  /** Time limit of one scorer call on one trace, in ms. Default 30 000. */
  timeoutMs?: number;
  /** Time limit for loading a scorer file (its top-level code), in ms. Default max(timeoutMs, 30 000). */
  loadTimeoutMs?: number;
  /** Heap cap of each worker's old generation, in MB. Default 512. */
  maxOldGenerationSizeMb?: number;
  /** Cap of each worker's young generation, in MB. Default: V8's. */
  maxYoungGenerationSizeMb?: number;
  /** Traces per message to a worker. Default 100. */
  batchSize?: number;
  /** Workers with nothing to do stop after this many ms. Default 60 000; 0 keeps them. */
  idleTimeoutMs?: number;
  /** The worker entry (bundled JS). Default: scorerWorker.js beside this bundle (dist/). */
  workerScript?: string;
  /**
   * The store file. Workers open it read-only and read the traces of their batches themselves, so
   * reading scales with the workers instead of running on the server's thread.
   */
  dbPath?: string | null;
  /** Node flags for the worker threads (e.g. --cpu-prof for a profile). Default: none. */
  execArgv?: string[];
}

export type LoadTrace = (traceId: string) => ScorableTrace | null | Promise<ScorableTrace | null>;

export interface RunCommon {
  traceIds: readonly string[];
  /**
   * How a batch's items are made, on the server's thread, when the batch is sent: `prepareItem`
   * (dataset rows…), else `loadTrace` (the trace read here), else just the id (the worker reads
   * the trace from `dbPath`).
   */
  loadTrace?: LoadTrace;
  prepareItem?: PrepareItem;
  signal?: AbortSignal;
  /** Called as traces are done (several at a time), with the running totals. */
  onProgress?: (done: number, total: number) => void;
  /** Background work (monitoring): its workers run at a lower scheduling priority from then on. */
  background?: boolean;
}

export interface PoolRunOptions extends RunCommon {
  bundle: PoolBundle;
  /** Export name or scorer name. */
  scorerName: string;
}

export interface PoolRunResult {
  /** In `traceIds` order. All of them, unless cancelled. */
  results: TraceScore[];
  cancelled: boolean;
  /** The scorer file could not be loaded, or has no such scorer; every trace carries this error too. */
  loadError: LoadFailure | null;
}

export interface PoolScorer {
  bundle: PoolBundle;
  /** Export name or scorer name. */
  scorerName: string;
}

export interface PoolRunManyOptions extends RunCommon {
  scorers: PoolScorer[];
  /** Per trace, the indices (into `scorers`) it is scored with; null or absent: all of them. */
  wanted?: ReadonlyArray<readonly number[] | null>;
}

export type PoolRunManyResult = JobResult;

export interface PoolStats {
  /** Workers alive now. */
  workers: number;
  /** Workers started since the pool was made. */
  started: number;
  /** Workers terminated or crashed because of a scorer (timeout, memory, exit, crash). */
  replaced: number;
}
