/**
 * A pool of scorer worker threads (scorerWorker.ts) that runs one scorer over many traces.
 *
 * - Workers start on demand (up to `size`, default min(2, CPUs)) and stop after `idleTimeoutMs`
 *   without work. Each has a heap cap (`resourceLimits`).
 * - Traces go to workers in batches (`batchSize`, default 100 per message). With `dbPath`, a
 *   batch is a list of ids and each worker reads its traces on a read-only connection; otherwise
 *   the batch's details are read with `loadTrace` only when it is sent, so memory stays bounded.
 * - Each scorer call has a time limit (`timeoutMs`, default 30 s). A call that overruns it (an
 *   infinite loop or a promise that never settles) gets its worker terminated; that trace gets a
 *   `TimeoutError` Feedback and the rest of the batch is queued again for a fresh worker. The same
 *   happens when a call exceeds the heap cap (`ResourceLimitError`), calls process.exit()
 *   (`ProcessExitError`) or otherwise kills the thread (`WorkerCrashError`).
 * - `run()` never rejects. It returns one TraceScore per requested trace, in order, except when
 *   cancelled (then: the ones that finished). If the scorer file cannot be loaded (it throws at top
 *   level, hangs, or lacks the scorer), `loadError` is set and every trace gets that error.
 * - An AbortSignal stops sending batches and terminates the workers running this run's batches.
 */
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { FeedbackError, FeedbackResult, TraceScore } from "../../../protocol/scoring";
import { log } from "../../log";
import { MAX_LOADED_BUNDLES, traceLabel, type ExportedScorer, type FromWorker, type LoadFailure, type ScorableTrace, type ScoreItem, type ToWorker, type WorkerInit } from "./workerProtocol";

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
}

/** A bundled scorer file, as bundleScorerFile returns it. */
export interface PoolBundle {
  filename: string;
  code: string;
  sourceHash: string;
}

export type LoadTrace = (traceId: string) => ScorableTrace | null | Promise<ScorableTrace | null>;
/** What to send for the id at a position of the run (null: the trace is gone). */
export type PrepareItem = (traceId: string, position: number) => ScoreItem | null | Promise<ScoreItem | null>;

export interface PoolRunOptions {
  bundle: PoolBundle;
  /** Export name or scorer name. */
  scorerName: string;
  traceIds: readonly string[];
  /**
   * How a batch's items are made, on the server's thread, when the batch is sent: `prepareItem`
   * (dataset rows…), else `loadTrace` (the trace read here), else just the id (the worker reads
   * the trace from `dbPath`).
   */
  loadTrace?: LoadTrace;
  prepareItem?: PrepareItem;
  signal?: AbortSignal;
  /** Called as results come in (several at a time), with the running totals. */
  onProgress?: (done: number, total: number) => void;
}

export interface PoolRunResult {
  /** In `traceIds` order. All of them, unless cancelled. */
  results: TraceScore[];
  cancelled: boolean;
  /** The scorer file could not be loaded, or has no such scorer; every trace carries this error too. */
  loadError: LoadFailure | null;
}

export interface PoolStats {
  /** Workers alive now. */
  workers: number;
  /** Workers started since the pool was made. */
  started: number;
  /** Workers terminated or crashed because of a scorer (timeout, memory, exit, crash). */
  replaced: number;
}

interface Job {
  id: number;
  key: string;
  bundle: PoolBundle;
  scorerName: string;
  /** The scorer's resolved name once a worker loaded the file (for messages). */
  displayName: string;
  traceIds: readonly string[];
  prepareItem: PrepareItem | null;
  onProgress: ((done: number, total: number) => void) | undefined;
  /** Next position never sent. */
  cursor: number;
  /** Positions to send again (after a worker was replaced), before the cursor's. */
  requeued: number[];
  results: Array<TraceScore | undefined>;
  done: number;
  /** Tasks of this job on workers (including ones being loaded). */
  inflight: number;
  cancelled: boolean;
  finished: boolean;
  loadError: LoadFailure | null;
  resolve: (r: PoolRunResult) => void;
  removeAbortListener: () => void;
}

interface Task {
  job: Job;
  batchId: number;
  phase: "prepare" | "load" | "score";
  /** Job positions of the batch's items. */
  positions: number[];
  /** Held only until the batch is posted. */
  items: ScoreItem[] | null;
  /** Item index running now (-1: none yet). */
  running: number;
  runningSince: number;
  timer: NodeJS.Timeout | null;
}

type KillReason = "timeout" | "loadTimeout" | "cancel" | "idle" | "dispose";

interface PoolWorker {
  id: number;
  worker: Worker;
  /** Bundles compiled in this worker, with their exported scorers. */
  loaded: Map<string, ExportedScorer[]>;
  task: Task | null;
  killReason: KillReason | null;
  lastError: (Error & { code?: string }) | null;
  idleTimer: NodeJS.Timeout | null;
  /** The thread started running (a worker that exits before this could not start at all). */
  online: boolean;
  exited: Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class ScorerWorkerPool {
  readonly size: number;
  readonly timeoutMs: number;
  readonly loadTimeoutMs: number;
  readonly maxOldGenerationSizeMb: number;
  readonly maxYoungGenerationSizeMb: number | undefined;
  readonly batchSize: number;
  readonly idleTimeoutMs: number;
  readonly workerScript: string;
  readonly dbPath: string | null;

  readonly #workers = new Set<PoolWorker>();
  readonly #jobs: Job[] = [];
  #nextWorkerId = 1;
  #nextJobId = 1;
  #nextBatchId = 1;
  #started = 0;
  #replaced = 0;
  #disposed = false;

  constructor(opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? Math.min(2, os.availableParallelism())));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.loadTimeoutMs = opts.loadTimeoutMs ?? Math.max(this.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.maxOldGenerationSizeMb = opts.maxOldGenerationSizeMb ?? 512;
    this.maxYoungGenerationSizeMb = opts.maxYoungGenerationSizeMb;
    this.batchSize = Math.max(1, Math.floor(opts.batchSize ?? 100));
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
    this.workerScript = opts.workerScript ?? path.join(__dirname, "scorerWorker.js");
    this.dbPath = opts.dbPath ?? null;
  }

  stats(): PoolStats {
    return { workers: this.#workers.size, started: this.#started, replaced: this.#replaced };
  }

  /** Runs `scorerName` from `bundle` on every trace. Never rejects. */
  run(opts: PoolRunOptions): Promise<PoolRunResult> {
    const total = opts.traceIds.length;
    if (this.#disposed || opts.signal?.aborted) return Promise.resolve({ results: [], cancelled: true, loadError: null });
    if (total === 0) return Promise.resolve({ results: [], cancelled: false, loadError: null });
    return new Promise<PoolRunResult>((resolve) => {
      const job: Job = {
        id: this.#nextJobId++,
        key: `${opts.bundle.filename}\0${opts.bundle.sourceHash}`,
        bundle: opts.bundle,
        scorerName: opts.scorerName,
        displayName: opts.scorerName,
        traceIds: opts.traceIds,
        prepareItem: prepareOf(opts),
        onProgress: opts.onProgress,
        cursor: 0,
        requeued: [],
        results: new Array<TraceScore | undefined>(total),
        done: 0,
        inflight: 0,
        cancelled: false,
        finished: false,
        loadError: null,
        resolve,
        removeAbortListener: () => {},
      };
      const signal = opts.signal;
      if (signal) {
        const onAbort = (): void => this.#cancel(job);
        signal.addEventListener("abort", onAbort, { once: true });
        job.removeAbortListener = () => signal.removeEventListener("abort", onAbort);
      }
      this.#jobs.push(job);
      this.#schedule();
    });
  }

  /** Cancels every run (each returns what finished) and stops all workers. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const job of [...this.#jobs]) this.#cancel(job);
    const exits: Array<Promise<void>> = [];
    for (const w of this.#workers) {
      w.killReason ??= "dispose";
      exits.push(w.exited);
      void w.worker.terminate();
    }
    await Promise.all(exits);
  }

  // ---- scheduling ---------------------------------------------------------------------------

  #hasWork(job: Job): boolean {
    return !job.finished && !job.cancelled && job.loadError === null && (job.requeued.length > 0 || job.cursor < job.traceIds.length);
  }

  #schedule(): void {
    if (this.#disposed) return;
    for (const job of this.#jobs) {
      while (this.#hasWork(job)) {
        const w = this.#idleWorker(job.key) ?? this.#spawn();
        if (!w) return;
        this.#dispatch(w, job);
      }
    }
    this.#armIdleTimers();
  }

  #idleWorker(key: string): PoolWorker | null {
    let any: PoolWorker | null = null;
    for (const w of this.#workers) {
      if (w.task || w.killReason) continue;
      if (w.loaded.has(key)) return w;
      any ??= w;
    }
    return any;
  }

  #take(job: Job): number[] {
    const positions: number[] = [];
    while (positions.length < this.batchSize && job.requeued.length > 0) positions.push(job.requeued.shift() as number);
    while (positions.length < this.batchSize && job.cursor < job.traceIds.length) positions.push(job.cursor++);
    return positions;
  }

  #dispatch(w: PoolWorker, job: Job): void {
    const task: Task = {
      job,
      batchId: this.#nextBatchId++,
      phase: "prepare",
      positions: this.#take(job),
      items: null,
      running: -1,
      runningSince: 0,
      timer: null,
    };
    w.task = task;
    job.inflight++;
    if (w.idleTimer) clearTimeout(w.idleTimer);
    w.idleTimer = null;
    w.worker.ref();
    void this.#prepare(w, task);
  }

  /** Reads the batch's traces, then loads the file into the worker if needed, then sends the batch. */
  async #prepare(w: PoolWorker, task: Task): Promise<void> {
    const { job } = task;
    const positions: number[] = [];
    const items: ScoreItem[] = [];
    for (const pos of task.positions) {
      const traceId = job.traceIds[pos] as string;
      let item: ScoreItem | null;
      try {
        item = job.prepareItem ? await job.prepareItem(traceId, pos) : { traceId };
      } catch (err) {
        this.#record(job, pos, errorScore(job.displayName, traceId, { type: "TraceLoadError", message: `could not read trace ${traceLabel(traceId)}: ${errorMessage(err)}`, stack: null }));
        continue;
      }
      if (!item) {
        this.#record(job, pos, errorScore(job.displayName, traceId, { type: "TraceNotFoundError", message: `trace ${traceLabel(traceId)} was not found`, stack: null }));
        continue;
      }
      positions.push(pos);
      items.push(item);
    }
    if (w.task !== task) return; // the worker died or the run was cancelled meanwhile
    task.positions = positions;
    if (items.length === 0 || job.finished || job.cancelled) {
      this.#taskDone(w, task);
      return;
    }
    task.items = items;
    const scorers = w.loaded.get(job.key);
    if (scorers) {
      this.#scoreLoaded(w, task, scorers);
    } else {
      task.phase = "load";
      task.timer = setTimeout(() => this.#onTimer(w, task, -1, "loadTimeout"), this.loadTimeoutMs);
      if (!this.#post(w, { type: "load", key: job.key, code: job.bundle.code, filename: job.bundle.filename })) {
        this.#failJob(job, { type: "DataCloneError", message: "the scorer bundle could not be sent to the worker", stack: null, file: job.bundle.filename, line: null, column: null });
        this.#taskDone(w, task);
      }
    }
  }

  /** The file is compiled in the worker: send the batch if it has the scorer, else fail the run. */
  #scoreLoaded(w: PoolWorker, task: Task, scorers: ExportedScorer[]): void {
    const { job } = task;
    const found = findExport(scorers, job.scorerName);
    if (!found) {
      const names = scorers.map((s) => (s.name === s.exportName ? s.name : `${s.name} (export ${s.exportName})`));
      this.#failJob(job, {
        type: "ScorerNotFoundError",
        message: `${path.basename(job.bundle.filename)} has no exported scorer named "${job.scorerName}"${
          names.length > 0 ? ` (exported scorers: ${names.join(", ")})` : " (it exports no scorers)"
        }`,
        stack: null,
        file: job.bundle.filename,
        line: null,
        column: null,
      });
      this.#taskDone(w, task);
      return;
    }
    job.displayName = found.name;
    this.#sendBatch(w, task);
  }

  #sendBatch(w: PoolWorker, task: Task): void {
    const items = task.items ?? [];
    task.items = null;
    task.phase = "score";
    const { job } = task;
    if (!this.#post(w, { type: "score", batchId: task.batchId, key: job.key, scorerName: job.scorerName, items })) {
      const error: FeedbackError = { type: "DataCloneError", message: "the batch's traces could not be sent to the scorer worker", stack: null };
      for (const pos of task.positions) this.#record(job, pos, errorScore(job.displayName, job.traceIds[pos] as string, error));
      this.#taskDone(w, task);
    }
  }

  /** Posts a message; false when it cannot be cloned (then the caller records why). */
  #post(w: PoolWorker, msg: ToWorker): boolean {
    try {
      w.worker.postMessage(msg);
      return true;
    } catch (err) {
      log.warn(`scorer worker ${w.id}: could not send a ${msg.type} message: ${errorMessage(err)}`);
      return false;
    }
  }

  #taskDone(w: PoolWorker, task: Task): void {
    if (task.timer) clearTimeout(task.timer);
    task.timer = null;
    if (w.task === task) w.task = null;
    task.job.inflight--;
    this.#maybeFinish(task.job);
    this.#schedule();
  }

  #armIdleTimers(): void {
    for (const w of this.#workers) {
      if (w.task || w.killReason || w.idleTimer) continue;
      w.worker.unref();
      if (this.idleTimeoutMs > 0) {
        w.idleTimer = setTimeout(() => {
          w.idleTimer = null;
          if (w.task || w.killReason) return;
          w.killReason = "idle";
          void w.worker.terminate();
        }, this.idleTimeoutMs);
        w.idleTimer.unref();
      }
    }
  }

  // ---- workers ------------------------------------------------------------------------------

  #spawn(): PoolWorker | null {
    let alive = 0;
    for (const w of this.#workers) if (!w.killReason) alive++;
    if (alive >= this.size) return null;
    let worker: Worker;
    try {
      worker = new Worker(this.workerScript, {
        name: `scorelens-scorer-${this.#nextWorkerId}`,
        execArgv: [],
        stdout: true,
        stderr: true,
        workerData: { dbPath: this.dbPath } satisfies WorkerInit,
        resourceLimits: {
          maxOldGenerationSizeMb: this.maxOldGenerationSizeMb,
          ...(this.maxYoungGenerationSizeMb !== undefined ? { maxYoungGenerationSizeMb: this.maxYoungGenerationSizeMb } : {}),
        },
      });
    } catch (err) {
      log.error(`scorer worker could not start (${this.workerScript}):`, err);
      this.#failAll(err);
      return null;
    }
    this.#started++;
    let onExit: () => void = () => {};
    const w: PoolWorker = {
      id: this.#nextWorkerId++,
      worker,
      loaded: new Map(),
      task: null,
      killReason: null,
      lastError: null,
      idleTimer: null,
      online: false,
      exited: new Promise<void>((r) => (onExit = r)),
    };
    this.#workers.add(w);
    forwardStream(worker.stdout, `[scorer worker ${w.id}]`);
    forwardStream(worker.stderr, `[scorer worker ${w.id}]`);
    worker.on("online", () => {
      w.online = true;
    });
    worker.on("message", (msg: FromWorker) => this.#onMessage(w, msg));
    worker.on("error", (err: Error & { code?: string }) => {
      w.lastError = err;
    });
    worker.on("exit", (code) => {
      this.#onExit(w, code);
      onExit();
    });
    return w;
  }

  /** The worker script cannot start at all: fail every run rather than loop. */
  #failAll(err: unknown): void {
    const failure: LoadFailure = {
      type: "WorkerStartError",
      message: `the scorer worker could not start: ${errorMessage(err)}`,
      stack: null,
      file: this.workerScript,
      line: null,
      column: null,
    };
    for (const job of [...this.#jobs]) if (!job.finished) this.#failJob(job, failure);
  }

  #onMessage(w: PoolWorker, msg: FromWorker): void {
    const task = w.task;
    if (msg.type === "log") {
      log.info(`[scorer worker ${w.id}] ${msg.line}`);
      return;
    }
    // Being stopped for a timeout: what it says now arrived too late to count.
    if (w.killReason === "timeout" || w.killReason === "loadTimeout") return;
    switch (msg.type) {
      case "loaded": {
        // Mirrors the worker's own bookkeeping: the last MAX_LOADED_BUNDLES loads stay compiled.
        w.loaded.delete(msg.key);
        w.loaded.set(msg.key, msg.scorers);
        while (w.loaded.size > MAX_LOADED_BUNDLES) {
          const oldest = w.loaded.keys().next().value;
          if (oldest === undefined) break;
          w.loaded.delete(oldest);
        }
        if (!task || task.phase !== "load" || task.job.key !== msg.key) return;
        if (task.timer) clearTimeout(task.timer);
        task.timer = null;
        this.#scoreLoaded(w, task, msg.scorers);
        return;
      }
      case "loadFailed": {
        if (!task || task.phase !== "load" || task.job.key !== msg.key) return;
        this.#failJob(task.job, msg.error);
        this.#taskDone(w, task);
        return;
      }
      case "started": {
        if (!task || task.batchId !== msg.batchId) return;
        if (msg.previous && msg.index > 0) this.#record(task.job, task.positions[msg.index - 1], msg.previous);
        task.running = msg.index;
        task.runningSince = performance.now();
        if (task.timer) clearTimeout(task.timer);
        task.timer = setTimeout(() => this.#onTimer(w, task, msg.index, "timeout"), this.timeoutMs);
        return;
      }
      case "scored": {
        if (!task || task.batchId !== msg.batchId) return;
        msg.results.forEach((r, i) => this.#record(task.job, task.positions[i], r));
        this.#taskDone(w, task);
        return;
      }
    }
  }

  #onTimer(w: PoolWorker, task: Task, index: number, reason: "timeout" | "loadTimeout"): void {
    // Let messages that already arrived (the call finishing just now) be handled first.
    setImmediate(() => {
      if (w.task !== task || w.killReason) return;
      if (reason === "timeout" && (task.phase !== "score" || task.running !== index)) return;
      if (reason === "loadTimeout" && task.phase !== "load") return;
      w.killReason = reason;
      void w.worker.terminate();
    });
  }

  #onExit(w: PoolWorker, code: number): void {
    this.#workers.delete(w);
    if (w.idleTimer) clearTimeout(w.idleTimer);
    const task = w.task;
    w.task = null;
    const reason = w.killReason;
    if (!w.online && reason === null) {
      // The worker script itself failed (missing file, syntax error): retrying would loop.
      log.error(`scorer worker ${w.id} could not start (${this.workerScript}):`, w.lastError ?? `exit code ${code}`);
      if (task) task.job.inflight--;
      if (task?.timer) clearTimeout(task.timer);
      this.#failAll(w.lastError ?? new Error(`exit code ${code}`));
      return;
    }
    if (!task) {
      if (reason === null) log.warn(`scorer worker ${w.id} stopped while idle (exit code ${code})${w.lastError ? `: ${w.lastError.message}` : ""}`);
      this.#schedule();
      return;
    }
    if (task.timer) clearTimeout(task.timer);
    task.timer = null;
    const { job } = task;
    job.inflight--;
    const intentional = reason === "cancel" || reason === "dispose" || reason === "idle";
    if (!intentional) this.#replaced++;

    if (intentional || job.finished || job.cancelled || task.phase === "prepare") {
      // Not the scorer's fault: whatever did not finish goes back in the queue (unless the run is over).
      if (!job.finished && !job.cancelled) job.requeued.unshift(...task.positions.filter((p) => job.results[p] === undefined));
    } else if (task.phase === "load") {
      const failure = this.#loadDeath(job, w, reason, code);
      log.warn(`scorer worker ${w.id}: ${failure.message}`);
      this.#failJob(job, failure);
    } else {
      const running = Math.max(0, task.running);
      const runningPos = task.positions[running];
      if (runningPos !== undefined && job.results[runningPos] === undefined) {
        const traceId = job.traceIds[runningPos] as string;
        const error = this.#callDeath(job, w, reason, code, traceId);
        log.warn(`scorer worker ${w.id}: ${error.message}`);
        const elapsed = task.running >= 0 ? performance.now() - task.runningSince : 0;
        this.#record(job, runningPos, { ...errorScore(job.displayName, traceId, error), durationMs: elapsed });
      }
      const rest = task.positions.filter((p) => job.results[p] === undefined);
      job.requeued.unshift(...rest);
    }
    this.#maybeFinish(job);
    this.#schedule();
  }

  #callDeath(job: Job, w: PoolWorker, reason: KillReason | null, code: number, traceId: string): FeedbackError {
    const who = `scorer "${job.displayName}"`;
    const on = `on trace ${traceLabel(traceId)}`;
    if (reason === "timeout") return { type: "TimeoutError", message: `${who} took longer than ${this.timeoutMs} ms ${on}; it was stopped`, stack: null };
    if (w.lastError?.code === "ERR_WORKER_OUT_OF_MEMORY") {
      return { type: "ResourceLimitError", message: `${who} exceeded the ${this.maxOldGenerationSizeMb} MB memory limit ${on}; it was stopped`, stack: null };
    }
    if (w.lastError) {
      return { type: "WorkerCrashError", message: `${who} crashed its worker ${on}: ${w.lastError.message}`, stack: w.lastError.stack ?? null };
    }
    return { type: "ProcessExitError", message: `${who} called process.exit(${code}) ${on}; its worker was replaced`, stack: null };
  }

  #loadDeath(job: Job, w: PoolWorker, reason: KillReason | null, code: number): LoadFailure {
    const file = job.bundle.filename;
    const what = `loading ${path.basename(file)}`;
    const base = { stack: null, file, line: null, column: null };
    if (reason === "loadTimeout") return { ...base, type: "TimeoutError", message: `${what} took longer than ${this.loadTimeoutMs} ms; it was stopped` };
    if (w.lastError?.code === "ERR_WORKER_OUT_OF_MEMORY") {
      return { ...base, type: "ResourceLimitError", message: `${what} exceeded the ${this.maxOldGenerationSizeMb} MB memory limit; it was stopped` };
    }
    if (w.lastError) return { ...base, type: "WorkerCrashError", message: `${what} crashed its worker: ${w.lastError.message}`, stack: w.lastError.stack ?? null };
    return { ...base, type: "ProcessExitError", message: `${what} called process.exit(${code})` };
  }

  // ---- results ------------------------------------------------------------------------------

  #record(job: Job, pos: number | undefined, result: TraceScore): void {
    if (pos === undefined || job.finished || job.results[pos] !== undefined) return;
    job.results[pos] = result;
    job.done++;
    this.#progress(job);
    this.#maybeFinish(job);
  }

  #progress(job: Job): void {
    try {
      job.onProgress?.(job.done, job.traceIds.length);
    } catch (err) {
      log.warn("scorer run progress callback failed:", err);
    }
  }

  /** The file could not be loaded: every trace without a result gets the load error. */
  #failJob(job: Job, failure: LoadFailure): void {
    if (job.finished || job.loadError) return;
    job.loadError = failure;
    const error: FeedbackError = { type: failure.type, message: failure.message, stack: failure.stack };
    for (let pos = 0; pos < job.traceIds.length; pos++) {
      if (job.results[pos] !== undefined) continue;
      job.results[pos] = errorScore(job.displayName, job.traceIds[pos] as string, error);
      job.done++;
    }
    job.requeued = [];
    job.cursor = job.traceIds.length;
    this.#progress(job);
    this.#maybeFinish(job);
    // Stop other workers still busy with this run.
    for (const w of this.#workers) {
      if (w.task?.job === job && !w.killReason) {
        w.killReason = "cancel";
        void w.worker.terminate();
      }
    }
  }

  #cancel(job: Job): void {
    if (job.finished || job.cancelled) return;
    job.cancelled = true;
    job.requeued = [];
    for (const w of this.#workers) {
      if (w.task?.job === job && !w.killReason) {
        w.killReason = "cancel";
        void w.worker.terminate();
      }
    }
    this.#maybeFinish(job);
  }

  #maybeFinish(job: Job): void {
    if (job.finished) return;
    const complete = job.done >= job.traceIds.length;
    if (!complete && !(job.cancelled && job.inflight <= 0)) return;
    job.finished = true;
    job.removeAbortListener();
    const i = this.#jobs.indexOf(job);
    if (i >= 0) this.#jobs.splice(i, 1);
    const results = complete ? (job.results as TraceScore[]) : job.results.filter((r): r is TraceScore => r !== undefined);
    job.resolve({ results, cancelled: job.cancelled && !complete, loadError: job.loadError });
  }
}

function prepareOf(opts: PoolRunOptions): PrepareItem | null {
  if (opts.prepareItem) return opts.prepareItem;
  const load = opts.loadTrace;
  if (!load) return null;
  return async (traceId) => {
    const detail = await load(traceId);
    return detail ? { traceId, detail } : null;
  };
}

function findExport(scorers: ExportedScorer[], name: string): ExportedScorer | null {
  return scorers.find((s) => s.exportName === name) ?? scorers.find((s) => s.name === name) ?? null;
}

function errorScore(scorerName: string, traceId: string, error: FeedbackError): TraceScore {
  const feedback: FeedbackResult = {
    name: scorerName,
    value: null,
    rationale: null,
    error,
    metadata: {},
    source: { type: "CODE", id: scorerName },
  };
  return { traceId, feedbacks: [feedback], durationMs: 0, logs: [] };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function forwardStream(stream: NodeJS.ReadableStream | null, prefix: string): void {
  if (!stream) return;
  stream.setEncoding("utf8");
  let pending = "";
  stream.on("data", (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim() !== "") log.info(`${prefix} ${line}`);
    }
    if (pending.length > 8_192) {
      log.info(`${prefix} ${pending}`);
      pending = "";
    }
  });
  stream.on("end", () => {
    if (pending.trim() !== "") log.info(`${prefix} ${pending}`);
  });
}
