/**
 * The life of one batch on a scorer worker (workerPool.ts schedules batches): its items are made
 * (`prepareItem`, or just the ids when workers read the store), the files the worker lacks are
 * loaded one at a time (each load keeping the batch's other files loaded), every scorer is checked
 * to be in its file, then the batch is posted and its calls watched against the time limit through
 * the progress the worker writes to shared memory. Results come back per item.
 */
import { log } from "../../log";
import { errorMessage, errorScore, scorerNotFound } from "./poolErrors";
import type { PoolJob } from "./poolJob";
import { stopWorker, type PoolWorker, type Task } from "./poolThread";
import { rememberLoaded, traceLabel, type FromWorker, type LoadFailure, type ScoreItem, type ToWorker } from "./workerProtocol";

/** The nice value of workers that ran background work. */
export const BACKGROUND_NICE = 10;

/** What the pool provides to a batch. */
export interface BatchHost {
  readonly timeoutMs: number;
  readonly loadTimeoutMs: number;
  /** The task is over (results recorded or given up): free the worker, schedule more. */
  taskDone(w: PoolWorker, task: Task): void;
  /** Resolves the job if it is complete; `reporter` is the worker that just reported (not stopped). */
  maybeFinish(job: PoolJob, reporter?: PoolWorker | null): void;
}

export class BatchFlow {
  constructor(private readonly host: BatchHost) {}

  /** Makes the batch's items, then loads the files the worker lacks, then sends the batch. */
  async prepare(w: PoolWorker, task: Task): Promise<void> {
    const { job } = task;
    const positions: number[] = [];
    const items: ScoreItem[] = [];
    const calls: number[][] = [];
    for (const pos of task.positions) {
      const missing = job.missing(pos);
      if (missing.length === 0) continue;
      const traceId = job.traceIds[pos] as string;
      let item: ScoreItem | null;
      try {
        item = job.prepareItem ? await job.prepareItem(traceId, pos) : { traceId };
      } catch (err) {
        this.recordAll(job, pos, missing, { type: "TraceLoadError", message: `could not read trace ${traceLabel(traceId)}: ${errorMessage(err)}`, stack: null });
        continue;
      }
      if (!item) {
        this.recordAll(job, pos, missing, { type: "TraceNotFoundError", message: `trace ${traceLabel(traceId)} was not found`, stack: null });
        continue;
      }
      positions.push(pos);
      items.push(item);
      calls.push(missing);
    }
    if (w.task !== task) return; // the worker died or the run was cancelled meanwhile
    task.positions = positions;
    task.items = items;
    task.calls = calls;
    this.loadNext(w, task);
  }

  private recordAll(job: PoolJob, pos: number, scorers: readonly number[], error: { type: string; message: string; stack: string | null }): void {
    for (const s of scorers) job.record(pos, s, errorScore(job.scorers[s]?.displayName ?? "scorer", job.traceIds[pos] as string, error));
  }

  /** Bundle keys the task's remaining calls need. */
  need(task: Task): string[] {
    const keys = new Set<string>();
    for (const list of task.calls) for (const s of list) if (task.job.scorers[s]?.loadError === null) keys.add(task.job.scorers[s]?.key as string);
    return [...keys];
  }

  /** Loads the next file the worker lacks, or sends the batch when it has them all. */
  loadNext(w: PoolWorker, task: Task): void {
    const { job } = task;
    if (job.finished || job.cancelled || task.items === null) {
      this.host.taskDone(w, task);
      return;
    }
    const need = this.need(task);
    const key = need.find((k) => !w.loaded.has(k));
    if (key === undefined) {
      this.send(w, task);
      return;
    }
    const scorer = job.scorers.find((s) => s.key === key);
    if (!scorer) return;
    task.phase = "load";
    task.loading = [key];
    if (task.timer) clearTimeout(task.timer);
    task.timer = setTimeout(() => this.onLoadTimer(w, task, key), this.host.loadTimeoutMs);
    if (!this.post(w, { type: "load", key, code: scorer.bundle.code, filename: scorer.bundle.filename, keep: need })) {
      this.failKey(job, key, { type: "DataCloneError", message: "the scorer bundle could not be sent to the worker", stack: null, file: scorer.bundle.filename, line: null, column: null }, w);
      this.loadNext(w, task);
    }
  }

  /** Every file is loaded: checks each scorer is there, then posts the batch. */
  private send(w: PoolWorker, task: Task): void {
    const { job } = task;
    for (const [s, sc] of job.scorers.entries()) {
      const exported = sc.loadError === null ? w.loaded.get(sc.key) : undefined;
      if (!exported) continue;
      const found = exported.find((e) => e.exportName === sc.scorerName) ?? exported.find((e) => e.name === sc.scorerName);
      if (found) sc.displayName = found.name;
      else job.failScorer(s, scorerNotFound(sc.bundle.filename, sc.scorerName, exported));
    }
    this.host.maybeFinish(job, w);
    const items: ScoreItem[] = [];
    const positions: number[] = [];
    const calls: number[][] = [];
    (task.items ?? []).forEach((item, i) => {
      const pos = task.positions[i] as number;
      const left = (task.calls[i] ?? []).filter((s) => job.results[pos]?.[s] === undefined);
      if (left.length === 0) return;
      positions.push(pos);
      calls.push(left);
      items.push(left.length === job.scorers.length && left.every((s, k) => s === k) ? item : { ...item, calls: left });
    });
    task.items = null;
    task.positions = positions;
    task.calls = calls;
    if (items.length === 0 || job.finished || job.cancelled) {
      this.host.taskDone(w, task);
      return;
    }
    task.phase = "score";
    const nice = job.background && !w.niced ? BACKGROUND_NICE : undefined;
    const msgCalls = job.scorers.map((s) => ({ key: s.key, scorerName: s.scorerName }));
    if (!this.post(w, { type: "score", batchId: task.batchId, calls: msgCalls, items, ...(nice !== undefined ? { nice } : {}) })) {
      positions.forEach((pos, i) => this.recordAll(job, pos, calls[i] ?? [], { type: "DataCloneError", message: "the batch's traces could not be sent to the scorer worker", stack: null }));
      this.host.taskDone(w, task);
      return;
    }
    w.niced ||= job.background;
    this.watch(w, task, this.host.timeoutMs);
  }

  /** Posts a message; false when it cannot be cloned (then the caller records why). */
  private post(w: PoolWorker, msg: ToWorker): boolean {
    try {
      w.worker.postMessage(msg);
      return true;
    } catch (err) {
      log.warn(`scorer worker ${w.id}: could not send a ${msg.type} message: ${errorMessage(err)}`);
      return false;
    }
  }

  /** Checks the running call's time when it may be over the limit; stops the worker when it is. */
  private watch(w: PoolWorker, task: Task, delayMs: number): void {
    if (task.timer) clearTimeout(task.timer);
    task.timer = setTimeout(() => {
      // let messages that already arrived (the batch finishing just now) be handled first
      setImmediate(() => {
        if (w.task !== task || w.killReason || task.phase !== "score") return;
        const p = w.progress.read(task.batchId);
        const elapsed = p ? Date.now() - p.startedMs : 0;
        if (p && elapsed >= this.host.timeoutMs) stopWorker(w, "timeout");
        else this.watch(w, task, p ? this.host.timeoutMs - elapsed : this.host.timeoutMs);
      });
    }, delayMs);
  }

  private onLoadTimer(w: PoolWorker, task: Task, key: string): void {
    setImmediate(() => {
      if (w.task !== task || w.killReason || task.phase !== "load" || task.loading[0] !== key) return;
      stopWorker(w, "loadTimeout");
    });
  }

  /** `loaded` / `loadFailed` from a worker: record what it has, go on with the task that asked. */
  onLoaded(w: PoolWorker, msg: Extract<FromWorker, { type: "loaded" | "loadFailed" }>): void {
    const task = w.task;
    const current = task?.phase === "load" && task.loading[0] === msg.key ? task : null;
    if (msg.type === "loaded") rememberLoaded(w.loaded, msg.key, msg.scorers, current ? this.need(current) : []);
    if (!current) return;
    if (current.timer) clearTimeout(current.timer);
    current.timer = null;
    current.loading = [];
    if (msg.type === "loadFailed") this.failKey(current.job, msg.key, msg.error, w);
    this.loadNext(w, current);
  }

  /** An item of the batch is done: its results, one per call it ran. */
  onItem(w: PoolWorker, msg: Extract<FromWorker, { type: "item" }>): void {
    const task = w.task;
    if (!task || task.batchId !== msg.batchId || task.phase !== "score") return;
    const pos = task.positions[msg.index];
    const calls = task.calls[msg.index] ?? [];
    msg.results.forEach((r, k) => task.job.record(pos, calls[k] as number, r));
    this.host.maybeFinish(task.job);
  }

  /** A file could not be loaded: every scorer of the job from it fails. */
  failKey(job: PoolJob, key: string, failure: LoadFailure, reporter: PoolWorker | null): void {
    job.scorers.forEach((s, i) => {
      if (s.key === key) job.failScorer(i, failure);
    });
    this.host.maybeFinish(job, reporter);
  }
}
