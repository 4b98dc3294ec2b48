/**
 * A pool of scorer worker threads (scorerWorker.ts) that runs scorers over many traces.
 *
 * - `run()` runs one scorer; `runMany()` runs several in one pass: each worker reads a trace once
 *   and runs every scorer the trace asks for on it (online monitoring scores a trace with all its
 *   sampled scorers this way). Scorers from more than MAX_LOADED_BUNDLES files are split into
 *   passes of at most that many files.
 * - Workers start on demand (up to `size`, default min(2, CPUs)) and stop after `idleTimeoutMs`
 *   without work. Each has a heap cap (`resourceLimits`).
 * - Traces go to workers in batches (`batchSize`, default 100 per message). With `dbPath`, a
 *   batch is a list of ids and each worker reads its traces on a read-only connection; otherwise
 *   the batch's details are read with `loadTrace` only when it is sent, so memory stays bounded.
 * - Each scorer call has a time limit (`timeoutMs`, default 30 s), watched through the progress the
 *   worker writes to shared memory. A call that overruns it (an infinite loop or a promise that
 *   never settles) gets its worker terminated; that call gets a `TimeoutError` Feedback and the
 *   rest of the batch is queued again for a fresh worker. The same happens when a call exceeds the
 *   heap cap (`ResourceLimitError`), calls process.exit() (`ProcessExitError`) or otherwise kills
 *   the thread (`WorkerCrashError`).
 * - A run never rejects. It returns a result per requested (trace, scorer), in order, except when
 *   cancelled (then: the ones that finished). If a scorer file cannot be loaded (it throws at top
 *   level, hangs, or lacks the scorer), that scorer's `loadError` is set and each of its traces gets
 *   that error; the other scorers of the run go on.
 * - `background` runs (monitoring) lower their workers' scheduling priority (nice 10, Linux) for
 *   good, so scoring yields the CPU to ingest on the server's main thread.
 * - An AbortSignal stops sending batches and terminates the workers running this run's batches.
 */
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { TraceScore } from "../../../protocol/scoring";
import { log } from "../../log";
import { BatchFlow } from "./poolBatch";
import { callDeath, errorMessage, errorScore, loadDeath, type Death } from "./poolErrors";
import { PoolJob, type JobResult, type PrepareItem } from "./poolJob";
import { inPasses } from "./poolPasses";
import { startPoolWorker, stopWorker, type PoolWorker, type Task } from "./poolThread";
import type { PoolRunManyOptions, PoolRunManyResult, PoolRunOptions, PoolRunResult, PoolScorer, PoolStats, RunCommon, WorkerPoolOptions } from "./poolTypes";
import type { FromWorker, LoadFailure } from "./workerProtocol";

export type { PoolBundle, PrepareItem } from "./poolJob";
export type { LoadTrace, PoolRunManyOptions, PoolRunManyResult, PoolRunOptions, PoolRunResult, PoolScorer, PoolStats, WorkerPoolOptions } from "./poolTypes";
export { BACKGROUND_NICE } from "./poolBatch";

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
  readonly execArgv: string[];

  readonly #workers = new Set<PoolWorker>();
  readonly #jobs: PoolJob[] = [];
  #nextWorkerId = 1;
  #nextJobId = 1;
  #nextBatchId = 1;
  #started = 0;
  #replaced = 0;
  #disposed = false;
  #mainThreadMs = 0;
  readonly #flow: BatchFlow;

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
    this.execArgv = opts.execArgv ?? [];
    this.#flow = new BatchFlow({
      timeoutMs: this.timeoutMs,
      loadTimeoutMs: this.loadTimeoutMs,
      taskDone: (w, task) => this.#taskDone(w, task),
      maybeFinish: (job, reporter) => this.#maybeFinish(job, reporter ?? null),
    });
  }

  stats(): PoolStats {
    return { workers: this.#workers.size, started: this.#started, replaced: this.#replaced };
  }

  /** Time (ms) this thread spent handling the workers' messages so far (monitoring charges it to its share). */
  get mainThreadMs(): number {
    return this.#mainThreadMs;
  }

  /** Runs `scorerName` from `bundle` on every trace. Never rejects. */
  async run(opts: PoolRunOptions): Promise<PoolRunResult> {
    const { bundle, scorerName, ...rest } = opts;
    const r = await this.runMany({ ...rest, scorers: [{ bundle, scorerName }] });
    const results = r.results.map((row) => row[0] ?? null);
    return {
      results: r.cancelled ? results.filter((x): x is TraceScore => x !== null) : (results as TraceScore[]),
      cancelled: r.cancelled,
      loadError: r.loadErrors[0] ?? null,
    };
  }

  /** Runs several scorers over the traces, reading each trace once per pass. Never rejects. */
  runMany(opts: PoolRunManyOptions): Promise<PoolRunManyResult> {
    const empty = (cancelled: boolean): PoolRunManyResult => ({
      results: opts.traceIds.map(() => opts.scorers.map(() => null)),
      cancelled,
      loadErrors: opts.scorers.map(() => null),
    });
    if (this.#disposed || opts.signal?.aborted) return Promise.resolve(empty(true));
    if (opts.traceIds.length === 0 || opts.scorers.length === 0) return Promise.resolve(empty(false));
    return inPasses(opts, (scorers, wanted) => this.#start(opts, scorers, wanted));
  }

  #start(opts: RunCommon, scorers: PoolScorer[], wanted: ReadonlyArray<readonly number[] | null> | undefined): Promise<JobResult> {
    return new Promise<JobResult>((resolve) => {
      const job = new PoolJob({
        id: this.#nextJobId++,
        scorers,
        traceIds: opts.traceIds,
        wanted,
        prepareItem: prepareOf(opts),
        onProgress: opts.onProgress,
        background: opts.background === true,
        resolve,
      });
      const signal = opts.signal;
      if (signal) {
        const onAbort = (): void => this.#cancel(job);
        signal.addEventListener("abort", onAbort, { once: true });
        job.removeAbortListener = () => signal.removeEventListener("abort", onAbort);
      }
      this.#jobs.push(job);
      this.#maybeFinish(job); // every position may ask for nothing
      this.#schedule();
    });
  }

  /** Cancels every run (each returns what finished) and stops all workers. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const job of [...this.#jobs]) this.#cancel(job);
    const exits: Array<Promise<void>> = [];
    for (const w of this.#workers) {
      exits.push(w.exited);
      stopWorker(w, "dispose");
    }
    await Promise.all(exits);
  }

  // ---- scheduling ---------------------------------------------------------------------------

  #schedule(): void {
    if (this.#disposed) return;
    for (const job of this.#jobs) {
      while (job.hasWork()) {
        const w = this.#idleWorker(job) ?? this.#spawn();
        if (!w) return;
        this.#dispatch(w, job);
      }
    }
    this.#armIdleTimers();
  }

  /** An idle worker, preferring one that has the job's files loaded (and, for normal work, one not lowered in priority). */
  #idleWorker(job: PoolJob): PoolWorker | null {
    const keys = job.keys();
    let best: PoolWorker | null = null;
    let bestScore = -1;
    for (const w of this.#workers) {
      if (w.task || w.killReason) continue;
      const score = keys.filter((k) => w.loaded.has(k)).length * 2 + (job.background || !w.niced ? 1 : 0);
      if (score > bestScore) {
        best = w;
        bestScore = score;
      }
    }
    return best;
  }

  #dispatch(w: PoolWorker, job: PoolJob): void {
    const task: Task = { job, batchId: this.#nextBatchId++, phase: "prepare", positions: job.take(this.batchSize), items: null, calls: [], loading: [], timer: null };
    w.task = task;
    job.inflight++;
    if (w.idleTimer) clearTimeout(w.idleTimer);
    w.idleTimer = null;
    w.worker.ref();
    void this.#flow.prepare(w, task);
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
          stopWorker(w, "idle");
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
    let w: PoolWorker;
    try {
      w = startPoolWorker({
        id: this.#nextWorkerId++,
        script: this.workerScript,
        dbPath: this.dbPath,
        execArgv: this.execArgv,
        maxOldGenerationSizeMb: this.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: this.maxYoungGenerationSizeMb,
        onMessage: (pw, msg) => {
          const t0 = performance.now();
          this.#onMessage(pw, msg);
          this.#mainThreadMs += performance.now() - t0;
        },
        onExit: (pw, code) => this.#onExit(pw, code),
      });
    } catch (err) {
      log.error(`scorer worker could not start (${this.workerScript}):`, err);
      this.#failAll(err);
      return null;
    }
    this.#started++;
    this.#workers.add(w);
    return w;
  }

  /** The worker script cannot start at all: fail every run rather than loop. */
  #failAll(err: unknown): void {
    const failure: LoadFailure = { type: "WorkerStartError", message: `the scorer worker could not start: ${errorMessage(err)}`, stack: null, file: this.workerScript, line: null, column: null };
    for (const job of [...this.#jobs]) {
      if (job.finished) continue;
      job.scorers.forEach((_, s) => job.failScorer(s, failure));
      this.#maybeFinish(job);
    }
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
      case "loaded":
      case "loadFailed":
        this.#flow.onLoaded(w, msg);
        return;
      case "item":
        this.#flow.onItem(w, msg);
        return;
      case "scored": {
        if (!task || task.batchId !== msg.batchId) return;
        this.#taskDone(w, task);
        return;
      }
    }
  }

  #onExit(w: PoolWorker, code: number): void {
    this.#workers.delete(w);
    if (w.idleTimer) clearTimeout(w.idleTimer);
    const task = w.task;
    w.task = null;
    const reason = w.killReason;
    if (task?.timer) clearTimeout(task.timer);
    if (!w.online && reason === null) {
      // The worker script itself failed (missing file, syntax error): retrying would loop.
      log.error(`scorer worker ${w.id} could not start (${this.workerScript}):`, w.lastError ?? `exit code ${code}`);
      if (task) task.job.inflight--;
      this.#failAll(w.lastError ?? new Error(`exit code ${code}`));
      return;
    }
    if (!task) {
      if (reason === null) log.warn(`scorer worker ${w.id} stopped while idle (exit code ${code})${w.lastError ? `: ${w.lastError.message}` : ""}`);
      this.#schedule();
      return;
    }
    const { job } = task;
    job.inflight--;
    const intentional = reason === "cancel" || reason === "dispose" || reason === "idle";
    if (!intentional) this.#replaced++;
    const death: Death = { reason, code, lastError: w.lastError };
    if (!intentional && !job.finished && !job.cancelled && task.phase === "load") {
      const key = task.loading[0];
      const file = job.scorers.find((s) => s.key === key)?.bundle.filename ?? "";
      const failure = loadDeath(file, death, this);
      log.warn(`scorer worker ${w.id}: ${failure.message}`);
      if (key !== undefined) this.#flow.failKey(job, key, failure, null);
    } else if (!intentional && !job.finished && !job.cancelled && task.phase === "score") {
      this.#blameRunningCall(w, task, death);
    }
    job.requeue(task.positions);
    this.#maybeFinish(job);
    this.#schedule();
  }

  /** The worker died during a call: that call gets the error (its duration is how long it ran). */
  #blameRunningCall(w: PoolWorker, task: Task, death: Death): void {
    const { job } = task;
    const p = w.progress.read(task.batchId);
    const index = p ? p.item : 0;
    const call = p ? p.call : task.calls[0]?.[0];
    const pos = task.positions[index];
    const scorer = call === undefined ? undefined : job.scorers[call];
    if (pos === undefined || call === undefined || !scorer || job.results[pos]?.[call] !== undefined) return;
    const traceId = job.traceIds[pos] as string;
    const error = callDeath(scorer.displayName, traceId, death, this);
    log.warn(`scorer worker ${w.id}: ${error.message}`);
    job.record(pos, call, errorScore(scorer.displayName, traceId, error, p ? Math.max(0, Date.now() - p.startedMs) : 0));
  }

  // ---- results ------------------------------------------------------------------------------

  #cancel(job: PoolJob): void {
    if (job.finished || job.cancelled) return;
    job.cancelled = true;
    job.requeued = [];
    for (const w of this.#workers) if (w.task?.job === job && !w.killReason) stopWorker(w, "cancel");
    this.#maybeFinish(job);
  }

  /** Resolves the run when it is complete (or cancelled with nothing in flight). */
  #maybeFinish(job: PoolJob, reporter: PoolWorker | null = null): void {
    if (job.finished) return;
    if (!job.complete && !(job.cancelled && job.inflight <= 0)) return;
    job.finish();
    const i = this.#jobs.indexOf(job);
    if (i >= 0) this.#jobs.splice(i, 1);
    // Every scorer failed to load: stop the other workers still loading or running for it.
    if (job.allFailed) for (const w of this.#workers) if (w !== reporter && w.task?.job === job && !w.killReason) stopWorker(w, "cancel");
  }
}

function prepareOf(opts: RunCommon): PrepareItem | null {
  if (opts.prepareItem) return opts.prepareItem;
  const load = opts.loadTrace;
  if (!load) return null;
  return async (traceId) => {
    const detail = await load(traceId);
    return detail ? { traceId, detail } : null;
  };
}
