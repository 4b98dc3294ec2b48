/**
 * The durable queue of online monitoring (`monitor_pending`) as the monitor reads and settles it,
 * with its statements prepared once:
 * - `nextBatch` reads due rows in `(next_ms, trace_id, scorer, version)` order from a cursor (on
 *   the `monitor_pending_next` index, whose entries carry the primary key), so each row is read
 *   about once instead of re-reading the rows already in flight; it groups them by trace.
 * - `settle` stores a batch's results in ONE transaction: per (trace, scorer version) it deletes
 *   the pending row and writes the assessments (assessmentSink.ts), or reschedules a failure with
 *   exponential backoff. If the row is gone (the scorer was stopped or deleted) nothing is stored.
 */
import type { Statement } from "better-sqlite3";
import type { TraceScore } from "../../protocol/scoring";
import type { Db } from "../store/db";
import { AssessmentSink, errorOf } from "./assessmentSink";

export interface PendingRow {
  trace_id: string;
  scorer: string;
  version: number;
  attempts: number;
  next_ms: number;
  completed_ms: number;
}

type Cursor = Pick<PendingRow, "next_ms" | "trace_id" | "scorer" | "version">;

export interface SettleResult {
  /** Pending rows deleted (stored, or gone). */
  removed: number;
  /** Lag (ms from completion) of each result stored. */
  lags: number[];
  /** Per scorer name: results stored and the last error (null: the last one was fine; undefined: none settled). */
  perScorer: Map<string, { stored: number; lastError: string | null | undefined }>;
}

export class MonitorQueue {
  private cursor: Cursor | null = null;
  private readonly page: Statement;
  private readonly countAll: Statement;
  private readonly del: Statement;
  private readonly retry: Statement;
  private readonly dropVersion: Statement;
  private readonly sink: AssessmentSink;

  constructor(private readonly db: Db) {
    this.page = db.prepare(
      `SELECT trace_id, scorer, version, attempts, next_ms, completed_ms FROM monitor_pending
       WHERE next_ms <= @now AND (next_ms, trace_id, scorer, version) > (@m, @t, @s, @v)
       ORDER BY next_ms, trace_id, scorer, version LIMIT @limit`,
    );
    this.countAll = db.prepare("SELECT count(*) FROM monitor_pending").pluck();
    this.del = db.prepare("DELETE FROM monitor_pending WHERE trace_id = ? AND scorer = ? AND version = ?");
    this.retry = db.prepare("UPDATE monitor_pending SET attempts = ?, next_ms = ?, last_error = ? WHERE trace_id = ? AND scorer = ? AND version = ?");
    this.dropVersion = db.prepare("DELETE FROM monitor_pending WHERE scorer = ? AND version = ?");
    this.sink = new AssessmentSink(db);
  }

  count(): number {
    return Number(this.countAll.get());
  }

  /** Reads from the start again (when nothing is in flight: every row left is waiting). */
  rewind(): void {
    this.cursor = null;
  }

  /**
   * The next due rows after the cursor, whole traces at a time, for at most `maxTraces` traces;
   * rows in `skip` (in flight) are left out. Moves the cursor past what it returns.
   */
  nextBatch(maxTraces: number, skip: ReadonlySet<string>, now = Date.now()): PendingRow[] {
    const limit = maxTraces * 4;
    const c = this.cursor ?? { next_ms: -Infinity, trace_id: "", scorer: "", version: -1 };
    const rows = this.page.all({ now, m: c.next_ms, t: c.trace_id, s: c.scorer, v: c.version, limit }) as PendingRow[];
    if (rows.length === 0) return [];
    // whole traces: a full page may end inside a trace, whose rest comes with the next batch
    const out: PendingRow[] = [];
    let traces = 0;
    let last: string | null = null;
    let end = rows.length;
    if (rows.length === limit) {
      const tail = (rows[rows.length - 1] as PendingRow).trace_id;
      while (end > 0 && (rows[end - 1] as PendingRow).trace_id === tail) end--;
      if (end === 0) end = rows.length; // one trace fills the page
    }
    for (let i = 0; i < end; i++) {
      const r = rows[i] as PendingRow;
      if (r.trace_id !== last) {
        if (traces === maxTraces) break;
        traces++;
        last = r.trace_id;
      }
      this.cursor = r;
      if (!skip.has(keyOf(r))) out.push(r);
    }
    return out;
  }

  /** A scorer version that no longer exists: its rows go. */
  dropScorerVersion(scorer: string, version: number): number {
    return this.dropVersion.run(scorer, version).changes;
  }

  /** Stores results (`scoreOf(row)`: null = none for that row) in one transaction, which `inside` joins. */
  settle(
    rows: readonly PendingRow[],
    scoreOf: (row: PendingRow) => TraceScore | null,
    opts: { maxAttempts: number; backoffMs: number; now?: number; inside?: (r: SettleResult) => void },
  ): SettleResult {
    const now = opts.now ?? Date.now();
    const out: SettleResult = { removed: 0, lags: [], perScorer: new Map() };
    this.db.transaction(() => {
      for (const row of rows) {
        const score = scoreOf(row);
        if (!score || score.traceId !== row.trace_id) continue;
        const err = errorOf(score);
        const attempts = row.attempts + 1;
        const s = out.perScorer.get(row.scorer) ?? { stored: 0, lastError: undefined };
        out.perScorer.set(row.scorer, s);
        if (err !== null && attempts < opts.maxAttempts) {
          this.retry.run(attempts, now + opts.backoffMs * 2 ** (attempts - 1), err, row.trace_id, row.scorer, row.version);
          s.lastError = err;
          continue;
        }
        if (this.del.run(row.trace_id, row.scorer, row.version).changes === 0) continue; // stopped or deleted meanwhile
        out.removed++;
        if (this.sink.store({ name: row.scorer, version: row.version }, score, "monitor", now)) {
          s.stored++;
          out.lags.push(now - row.completed_ms);
        }
        s.lastError = err ?? (s.lastError === undefined ? null : s.lastError);
      }
      opts.inside?.(out);
    })();
    return out;
  }
}

export function keyOf(r: Pick<PendingRow, "trace_id" | "scorer" | "version">): string {
  return `${r.trace_id}\0${r.scorer}\0${r.version}`;
}
