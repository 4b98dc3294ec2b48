/**
 * The online monitoring engine. After spans commit it admits newly completed traces
 * (admission.ts: filter, dense sampling, the durable monitor_pending queue) and scores due
 * pending rows in the background through the worker pool. Ingest never waits:
 * - admission is a short transaction after commits; while ingest saturates the main thread, at
 *   most every `admitIntervalMs` (one bigger transaction instead of one per commit);
 * - a batch is up to `batchSize` traces with every scorer version due on them: the pool reads each
 *   trace once and runs all of them on it (`runMany`), as background work (its worker threads run
 *   at a lower OS priority, so they yield the CPU to ingest);
 * - while ingest saturates the main thread (monitorThrottle.ts), at most `busyConcurrency` batches
 *   run at once, else `concurrency`, and monitoring's own work on that thread is held to a share of
 *   it; the rest waits for the burst to end;
 * - when the queue is full (`maxBacklog`) admission pauses, leaving traces unmarked in the store
 *   until there is room (nothing is dropped).
 *
 * A batch's results are stored in ONE transaction that deletes their pending rows and writes the
 * assessments (monitorQueue.ts); a row that is gone (the scorer was stopped or deleted) stores
 * nothing. After a kill -9, rows still pending are scored on restart; a stored one never is again.
 * Failures (an error Feedback, a crash, a timeout, a load failure) are retried with exponential
 * backoff up to `maxAttempts`; the last attempt's error is stored as an error assessment.
 */
import { performance } from "node:perf_hooks";
import type { TraceScore } from "../../protocol/scoring";
import { log } from "../log";
import type { ScorerWorkerPool } from "../scorers/runtime/workerPool";
import type { Db } from "../store/db";
import { admitBatch } from "./admission";
import { LagTracker } from "./lag";
import { MonitorQueue, keyOf, type PendingRow } from "./monitorQueue";
import { MonitorThrottle, type ThrottleOptions } from "./monitorThrottle";
import type { ScorerRegistry, ScorerSnapshot } from "./registry";

export interface MonitorOptions {
  db: Db;
  registry: ScorerRegistry;
  pool: ScorerWorkerPool;
  /** Batches in flight at once. Default 2. */
  concurrency?: number;
  /** Batches in flight at once while ingest saturates the main thread. Default 1. */
  busyConcurrency?: number;
  /** How much of the main thread monitoring may use while ingest saturates it. */
  throttle?: ThrottleOptions;
  /** Traces per batch (each with all its due scorer versions). Default 50. */
  batchSize?: number;
  /** Attempts per (trace, scorer version) before the error is stored. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. Default 1000 ms. */
  backoffMs?: number;
  /** Pending rows at most; admission waits above it. Default 10 000. */
  maxBacklog?: number;
  /** Traces per admission transaction. Default 500. */
  admitBatchSize?: number;
  /** While ingest saturates the main thread, admission runs at most this often. Default 50 ms. */
  admitIntervalMs?: number;
  /** How often due retries and other processes' commits are looked for. Default 1000 ms. */
  pollMs?: number;
  /** Monitoring runs only where this is true (the server that owns the store). Default: always. */
  isOwner?: () => boolean;
  /** Something changed (backlog, results, errors). */
  onChange?: () => void;
}

export class Monitor {
  readonly lag = new LagTracker();
  private readonly queue: MonitorQueue;
  private readonly inflight = new Set<string>();
  private running = 0;
  /** Pending rows as last counted, plus admitted, minus settled (recounted every poll). */
  private pending: number;
  private readonly throttle: MonitorThrottle;
  /** The pool's main-thread time already charged to the throttle. */
  private poolMsCharged = 0;
  private lastAdmitMs = 0;
  private admitTimer: NodeJS.Timeout | null = null;
  private pumpScheduled = false;
  private disposed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly abort = new AbortController();
  private readonly idle = new Set<() => void>();
  /** Registered versions never change: their bundles are read from SQLite once. */
  private readonly snapshots = new Map<string, ScorerSnapshot>();

  constructor(private readonly opts: MonitorOptions) {
    this.queue = new MonitorQueue(opts.db);
    this.throttle = new MonitorThrottle(opts.throttle);
    this.pending = this.queue.count();
    this.timer = setInterval(() => {
      if (this.opts.isOwner && !this.opts.isOwner()) return;
      this.pending = this.queue.count();
      this.schedule();
    }, opts.pollMs ?? 1000);
    this.timer.unref();
    this.schedule();
  }

  /** Spans committed (TraceServer.onCommitted): look for completed traces soon. */
  notifyCommitted(): void {
    this.throttle.noteCommit();
    this.admitSoon();
  }

  /** A pump now, or (while ingest saturates the main thread) when the admission interval since the last one has passed. */
  private admitSoon(): void {
    if (!this.throttle.saturated) {
      this.pumpIn(0);
      return;
    }
    this.pumpIn(Math.max(0, this.lastAdmitMs + (this.opts.admitIntervalMs ?? 50) - Date.now()));
  }

  /** A pump after `ms` (one timer at a time). */
  private pumpIn(ms: number): void {
    if (this.admitTimer || this.disposed) return;
    if (ms <= 0) {
      this.schedule();
      return;
    }
    this.admitTimer = setTimeout(() => {
      this.admitTimer = null;
      this.schedule();
    }, ms);
  }

  /** Charges monitoring's main-thread time (its own, and the pool's message handling) to the throttle. */
  private charge(ms: number): void {
    const pool = this.opts.pool.mainThreadMs;
    this.throttle.spent(ms + pool - this.poolMsCharged);
    this.poolMsCharged = pool;
  }

  private schedule(): void {
    if (this.pumpScheduled || this.disposed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.disposed || (this.opts.isOwner && !this.opts.isOwner())) return;
    const wait = this.throttle.delayMs();
    if (wait > 0) {
      this.pumpIn(wait); // ingest saturates the thread: monitoring's share is used up for now
      return;
    }
    const t0 = performance.now();
    try {
      if (this.pending < (this.opts.maxBacklog ?? 10_000)) {
        this.lastAdmitMs = Date.now();
        const r = admitBatch(this.opts.db, () => this.opts.registry.active(), this.opts.admitBatchSize ?? 500);
        this.pending += r.enqueued;
        for (const [name, why] of r.filterErrors) this.opts.registry.noteResults(name, 0, why);
        if (r.enqueued > 0) this.opts.onChange?.();
        if (r.more) this.admitSoon(); // the next batch after the interval: ingest keeps going meanwhile
      }
      this.dispatch();
    } catch (e) {
      log.error("monitoring failed to admit or dispatch traces:", e);
    }
    this.charge(performance.now() - t0);
    if (this.running === 0) for (const f of [...this.idle]) f();
  }

  private dispatch(): void {
    const limit = this.throttle.saturated ? (this.opts.busyConcurrency ?? 1) : (this.opts.concurrency ?? 2);
    if (this.running === 0) this.queue.rewind();
    while (this.running < limit) {
      const rows = this.queue.nextBatch(this.opts.batchSize ?? 50, this.inflight);
      if (rows.length === 0) return;
      this.start(rows);
    }
  }

  private snapshotOf(scorer: string, version: number): ScorerSnapshot | null {
    const key = `${scorer}\0${version}`;
    const cached = this.snapshots.get(key);
    if (cached) return cached;
    const snap = this.opts.registry.snapshot(scorer, version);
    if (!snap) return null; // deleted: not cached, so a re-registration under the same version can't be missed
    if (this.snapshots.size > 64) this.snapshots.clear();
    this.snapshots.set(key, snap);
    return snap;
  }

  /** Runs a batch: every due scorer version on each of its traces, each trace read once. */
  private start(all: PendingRow[]): void {
    const scorers: ScorerSnapshot[] = [];
    const index = new Map<string, number>();
    const rows: PendingRow[] = [];
    for (const r of all) {
      const v = `${r.scorer}\0${r.version}`;
      if (!index.has(v)) {
        const snap = this.snapshotOf(r.scorer, r.version);
        if (!snap) {
          this.pending -= this.queue.dropScorerVersion(r.scorer, r.version);
          index.set(v, -1);
          continue;
        }
        index.set(v, scorers.length);
        scorers.push(snap);
      }
      if ((index.get(v) as number) >= 0) rows.push(r);
    }
    if (rows.length === 0) return;
    const traceIds: string[] = [];
    const position = new Map<string, number>();
    const wanted: number[][] = [];
    for (const r of rows) {
      let pos = position.get(r.trace_id);
      if (pos === undefined) {
        pos = traceIds.length;
        position.set(r.trace_id, pos);
        traceIds.push(r.trace_id);
        wanted.push([]);
      }
      (wanted[pos] as number[]).push(index.get(`${r.scorer}\0${r.version}`) as number);
    }
    for (const r of rows) this.inflight.add(keyOf(r));
    this.running++;
    void this.opts.pool
      .runMany({
        scorers: scorers.map((s) => ({ bundle: { filename: s.filename, code: s.code, sourceHash: s.sourceHash }, scorerName: s.exportName })),
        traceIds,
        wanted,
        signal: this.abort.signal,
        background: true,
      })
      .then((run) => {
        if (this.disposed || run.cancelled) return;
        const at = (r: PendingRow): TraceScore | null =>
          run.results[position.get(r.trace_id) as number]?.[index.get(`${r.scorer}\0${r.version}`) as number] ?? null;
        this.settle(rows, at);
      })
      .catch((e: unknown) => log.error("monitoring failed to store results:", e))
      .finally(() => {
        for (const r of rows) this.inflight.delete(keyOf(r));
        this.running--;
        this.schedule();
      });
  }

  /** Stores finished results and reschedules failures, in one transaction. */
  private settle(rows: PendingRow[], scoreOf: (r: PendingRow) => TraceScore | null): void {
    const t0 = performance.now();
    const now = Date.now();
    const r = this.queue.settle(rows, scoreOf, {
      maxAttempts: this.opts.maxAttempts ?? 3,
      backoffMs: this.opts.backoffMs ?? 1000,
      now,
      inside: (res) => {
        for (const [name, s] of res.perScorer) this.opts.registry.noteResults(name, s.stored, s.lastError);
      },
    });
    this.pending -= r.removed;
    for (const l of r.lags) this.lag.add(l, now);
    this.opts.onChange?.();
    this.charge(performance.now() - t0);
  }

  /** Resolves when nothing is running and nothing is due (tests, benchmarks). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.running === 0) {
          this.idle.delete(check);
          resolve();
        }
      };
      this.idle.add(check);
      this.schedule();
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.timer);
    if (this.admitTimer) clearTimeout(this.admitTimer);
    this.abort.abort();
    for (const f of [...this.idle]) f();
  }
}
