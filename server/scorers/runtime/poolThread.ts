/**
 * One worker thread of the scorer pool (workerPool.ts): starting it (heap caps, the store file, the
 * shared progress it writes), what the pool knows about it (bundles loaded, the task on it, why it
 * is being stopped), and its stdout/stderr forwarded to the server log line by line.
 */
import { Worker } from "node:worker_threads";
import { log } from "../../log";
import type { KillReason } from "./poolErrors";
import type { PoolJob } from "./poolJob";
import { PROGRESS_BYTES, ProgressView, type ExportedScorer, type FromWorker, type ScoreItem, type WorkerInit } from "./workerProtocol";

/** A batch of a job on a worker. */
export interface Task {
  job: PoolJob;
  batchId: number;
  phase: "prepare" | "load" | "score";
  /** Job positions of the batch's items. */
  positions: number[];
  /** Held only until the batch is posted. */
  items: ScoreItem[] | null;
  /** Per item: the job scorer indices it runs, in order. */
  calls: number[][];
  /** Bundle keys still to load, in order: the first is loading now. */
  loading: string[];
  timer: NodeJS.Timeout | null;
}

export interface PoolWorker {
  id: number;
  worker: Worker;
  progress: ProgressView;
  /** Bundles compiled in this worker, with their exported scorers (mirrors the worker's own list). */
  loaded: Map<string, ExportedScorer[]>;
  task: Task | null;
  killReason: KillReason | null;
  lastError: (Error & { code?: string }) | null;
  idleTimer: NodeJS.Timeout | null;
  /** The thread started running (a worker that exits before this could not start at all). */
  online: boolean;
  /** It ran background work, so its priority is lowered for good. */
  niced: boolean;
  exited: Promise<void>;
}

export interface ThreadOptions {
  id: number;
  script: string;
  dbPath: string | null;
  execArgv: string[];
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number | undefined;
  onMessage: (w: PoolWorker, msg: FromWorker) => void;
  onExit: (w: PoolWorker, code: number) => void;
}

/** Starts a worker thread (throws when it cannot be created). */
export function startPoolWorker(o: ThreadOptions): PoolWorker {
  const progress = new SharedArrayBuffer(PROGRESS_BYTES);
  const worker = new Worker(o.script, {
    name: `scorelens-scorer-${o.id}`,
    execArgv: o.execArgv,
    stdout: true,
    stderr: true,
    workerData: { dbPath: o.dbPath, progress } satisfies WorkerInit,
    resourceLimits: {
      maxOldGenerationSizeMb: o.maxOldGenerationSizeMb,
      ...(o.maxYoungGenerationSizeMb !== undefined ? { maxYoungGenerationSizeMb: o.maxYoungGenerationSizeMb } : {}),
    },
  });
  let onExit: () => void = () => {};
  const w: PoolWorker = {
    id: o.id,
    worker,
    progress: new ProgressView(progress),
    loaded: new Map(),
    task: null,
    killReason: null,
    lastError: null,
    idleTimer: null,
    online: false,
    niced: false,
    exited: new Promise<void>((r) => (onExit = r)),
  };
  forwardStream(worker.stdout, `[scorer worker ${w.id}]`);
  forwardStream(worker.stderr, `[scorer worker ${w.id}]`);
  worker.on("online", () => {
    w.online = true;
  });
  worker.on("message", (msg: FromWorker) => o.onMessage(w, msg));
  worker.on("error", (err: Error & { code?: string }) => {
    w.lastError = err;
  });
  worker.on("exit", (code) => {
    o.onExit(w, code);
    onExit();
  });
  return w;
}

/** Stops a worker for `reason` (the first reason given wins). */
export function stopWorker(w: PoolWorker, reason: KillReason): void {
  w.killReason ??= reason;
  void w.worker.terminate();
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
