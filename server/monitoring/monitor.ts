/**
 * The online monitoring engine. After spans commit it admits newly completed traces
 * (admission.ts: filter, dense sampling, the durable monitor_pending queue) and scores due
 * pending rows in the background through the worker pool, with a bounded number of batches in
 * flight. Ingest never waits: admission is a short transaction after the commit, scoring runs in
 * worker threads, and when the queue is full (`maxBacklog`) admission pauses, leaving traces
 * unmarked in the store until there is room (nothing is dropped).
 *
 * A result is stored in ONE transaction that deletes its pending row and writes the assessments
 * (assessmentSink.ts); if the row is gone (the scorer was stopped or deleted) nothing is stored.
 * After a kill -9, rows still pending are scored on restart; a stored one never is again.
 * Failures (an error Feedback, a crash, a timeout, a load failure) are retried with exponential
 * backoff up to `maxAttempts`; the last attempt's error is stored as an error assessment.
 */
import type { TraceScore } from "../../protocol/scoring";
import { log } from "../log";
import type { ScorerWorkerPool } from "../scorers/runtime/workerPool";
import type { Db } from "../store/db";
import { admitBatch } from "./admission";
import { AssessmentSink, errorOf } from "./assessmentSink";
import { LagTracker } from "./lag";
import type { ScorerRegistry } from "./registry";

export interface MonitorOptions {
  db: Db;
  registry: ScorerRegistry;
  pool: ScorerWorkerPool;
  /** Pool runs (batches) in flight at once. Default 2. */
  concurrency?: number;
  /** Traces per pool run. Default 20. */
  batchSize?: number;
  /** Attempts per (trace, scorer version) before the error is stored. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. Default 1000 ms. */
  backoffMs?: number;
  /** Pending rows at most; admission waits above it. Default 10 000. */
  maxBacklog?: number;
  /** Traces per admission transaction. Default 500. */
  admitBatchSize?: number;
  /** How often due retries and other processes' commits are looked for. Default 1000 ms. */
  pollMs?: number;
  /** Monitoring runs only where this is true (the server that owns the store). Default: always. */
  isOwner?: () => boolean;
  /** Something changed (backlog, results, errors). */
  onChange?: () => void;
}

interface PendingRow {
  trace_id: string;
  scorer: string;
  version: number;
  attempts: number;
  completed_ms: number;
}

export class Monitor {
  readonly lag = new LagTracker();
  private readonly sink: AssessmentSink;
  private readonly inflight = new Set<string>();
  private running = 0;
  private scheduled = false;
  private disposed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly abort = new AbortController();
  private readonly idle = new Set<() => void>();

  constructor(private readonly opts: MonitorOptions) {
    this.sink = new AssessmentSink(opts.db);
    this.timer = setInterval(() => this.schedule(), opts.pollMs ?? 1000);
    this.timer.unref();
    this.schedule();
  }

  /** Spans committed (TraceServer.onCommitted): look for completed traces soon. */
  notifyCommitted(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.disposed || (this.opts.isOwner && !this.opts.isOwner())) return;
    try {
      const maxBacklog = this.opts.maxBacklog ?? 10_000;
      const pending = Number(this.opts.db.prepare("SELECT count(*) FROM monitor_pending").pluck().get());
      if (pending < maxBacklog) {
        const r = admitBatch(this.opts.db, () => this.opts.registry.active(), this.opts.admitBatchSize ?? 500);
        for (const [name, why] of r.filterErrors) this.opts.registry.noteResults(name, 0, why);
        if (r.enqueued > 0) this.opts.onChange?.();
        if (r.more) this.schedule(); // the next batch on a later turn: ingest keeps going meanwhile
      }
      this.dispatch();
    } catch (e) {
      log.error("monitoring failed to admit traces:", e);
    }
    if (this.running === 0) for (const f of [...this.idle]) f();
  }

  private dispatch(): void {
    const concurrency = this.opts.concurrency ?? 2;
    const batchSize = this.opts.batchSize ?? 20;
    if (this.running >= concurrency) return;
    const due = this.opts.db
      .prepare("SELECT trace_id, scorer, version, attempts, completed_ms FROM monitor_pending WHERE next_ms <= ? ORDER BY next_ms LIMIT ?")
      .all(Date.now(), batchSize * concurrency * 4) as PendingRow[];
    const groups = new Map<string, PendingRow[]>();
    for (const row of due) {
      if (this.inflight.has(keyOf(row))) continue;
      const g = `${row.scorer}\0${row.version}`;
      const list = groups.get(g) ?? [];
      if (list.length < batchSize) list.push(row);
      groups.set(g, list);
    }
    for (const rows of groups.values()) {
      if (this.running >= concurrency) break;
      if (rows.length === 0) continue;
      for (const r of rows) this.inflight.add(keyOf(r));
      this.running++;
      void this.runBatch(rows).finally(() => {
        for (const r of rows) this.inflight.delete(keyOf(r));
        this.running--;
        this.schedule();
      });
    }
  }

  /** Registered versions never change: their bundles are read from SQLite once (the 2nd+ batches skip a ~0.9 ms read). */
  private readonly snapshots = new Map<string, ReturnType<ScorerRegistry["snapshot"]>>();
  private snapshotOf(scorer: string, version: number): ReturnType<ScorerRegistry["snapshot"]> {
    const key = `${scorer}\0${version}`;
    if (!this.snapshots.has(key)) {
      const snap = this.opts.registry.snapshot(scorer, version);
      if (!snap) return snap; // deleted: not cached, so a re-registration under the same version can't be missed
      if (this.snapshots.size > 64) this.snapshots.clear();
      this.snapshots.set(key, snap);
    }
    return this.snapshots.get(key) ?? null;
  }

  private async runBatch(rows: PendingRow[]): Promise<void> {
    const first = rows[0] as PendingRow;
    const snap = this.snapshotOf(first.scorer, first.version);
    if (!snap) {
      this.opts.db.prepare("DELETE FROM monitor_pending WHERE scorer = ? AND version = ?").run(first.scorer, first.version);
      return;
    }
    const run = await this.opts.pool.run({
      bundle: { filename: snap.filename, code: snap.code, sourceHash: snap.sourceHash },
      scorerName: snap.exportName,
      traceIds: rows.map((r) => r.trace_id),
      signal: this.abort.signal,
    });
    if (this.disposed || run.cancelled) return;
    this.settle(rows, run.results);
  }

  /** Stores finished results and reschedules failures, in one transaction. */
  private settle(rows: PendingRow[], results: readonly TraceScore[]): void {
    const db = this.opts.db;
    const maxAttempts = this.opts.maxAttempts ?? 3;
    const backoff = this.opts.backoffMs ?? 1000;
    const del = db.prepare("DELETE FROM monitor_pending WHERE trace_id = ? AND scorer = ? AND version = ?");
    const retry = db.prepare("UPDATE monitor_pending SET attempts = ?, next_ms = ?, last_error = ? WHERE trace_id = ? AND scorer = ? AND version = ?");
    const now = Date.now();
    let stored = 0;
    let lastError: string | null | undefined;
    const lags: number[] = [];
    db.transaction(() => {
      rows.forEach((row, i) => {
        const score = results[i];
        if (!score || score.traceId !== row.trace_id) return;
        const err = errorOf(score);
        const attempts = row.attempts + 1;
        if (err !== null && attempts < maxAttempts) {
          retry.run(attempts, now + backoff * 2 ** (attempts - 1), err, row.trace_id, row.scorer, row.version);
          lastError = err;
          return;
        }
        if (del.run(row.trace_id, row.scorer, row.version).changes === 0) return; // stopped or deleted meanwhile
        if (this.sink.store({ name: row.scorer, version: row.version }, score, "monitor", now)) {
          stored++;
          lags.push(now - row.completed_ms);
        }
        lastError = err ?? (lastError === undefined ? null : lastError);
      });
      this.opts.registry.noteResults(first(rows).scorer, stored, lastError);
    })();
    for (const l of lags) this.lag.add(l, now);
    this.opts.onChange?.();
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
    this.abort.abort();
    for (const f of [...this.idle]) f();
  }
}

function keyOf(r: PendingRow): string {
  return `${r.trace_id}\0${r.scorer}\0${r.version}`;
}

function first(rows: PendingRow[]): PendingRow {
  return rows[0] as PendingRow;
}
