/**
 * The single writer with group commit. Each ingest request enqueues its spans and gets a promise;
 * on the next turn of the event loop every queued request is written in ONE transaction, and
 * only then are their promises resolved (so an HTTP 200 means committed to the WAL, which
 * survives kill -9). The queue is bounded by span count: a full queue refuses new work
 * synchronously with QueueFullError (HTTP 503 + Retry-After) instead of growing memory.
 */
import type { Statement } from "better-sqlite3";
import type { SpanRecord } from "../../protocol/model";
import type { Db } from "./db";
import { INSERT_SPAN_SQL, toRowParams } from "./spanRows";
import { ResourceIds } from "./resourceIds";
import { accumulate, type TraceDelta } from "./traceRollup";

export class QueueFullError extends Error {
  readonly reason = "queue-full";
  constructor(pending: number, max: number) {
    super(`ingest queue is full (${pending} spans pending, limit ${max}); retry shortly`);
  }
  static is(e: unknown): e is QueueFullError {
    return e instanceof QueueFullError;
  }
}

export interface WriteResult {
  inserted: number;
  duplicates: number;
}

export interface CommitInfo {
  inserted: number;
  newTraces: number;
  traceIds: string[];
}

interface Job {
  spans: SpanRecord[];
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

const UPSERT_TRACE_SQL = `INSERT INTO traces (trace_id, name, state, start_ns, end_ns, start_ms, duration_ms, span_count,
  error_count, input_tokens, output_tokens, total_tokens, cost_usd, request_preview, response_preview, tags, metadata,
  session_id, user_id, service_name, root_span_id, updated_ms)
VALUES (@traceId, @name, @state, @startNs, @endNs, @startMs, @durationMs, @spanCount, @errorCount, @inputTokens,
  @outputTokens, @totalTokens, @costUsd, @requestPreview, @responsePreview, @tags, @metadata, @sessionId, @userId,
  @serviceName, @rootSpanId, @updatedMs)
ON CONFLICT(trace_id) DO UPDATE SET
  name = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.name
              WHEN traces.root_span_id IS NOT NULL THEN traces.name
              WHEN excluded.start_ns < traces.start_ns THEN excluded.name ELSE traces.name END,
  state = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.state ELSE traces.state END,
  start_ns = min(traces.start_ns, excluded.start_ns),
  end_ns = max(traces.end_ns, excluded.end_ns),
  start_ms = (min(traces.start_ns, excluded.start_ns) / 1000) / 1000.0,
  duration_ms = ((max(traces.end_ns, excluded.end_ns) - min(traces.start_ns, excluded.start_ns)) / 1000) / 1000.0,
  span_count = traces.span_count + excluded.span_count,
  error_count = traces.error_count + excluded.error_count,
  input_tokens = traces.input_tokens + excluded.input_tokens,
  output_tokens = traces.output_tokens + excluded.output_tokens,
  total_tokens = traces.total_tokens + excluded.total_tokens,
  cost_usd = CASE WHEN excluded.cost_usd IS NULL THEN traces.cost_usd ELSE coalesce(traces.cost_usd, 0) + excluded.cost_usd END,
  request_preview = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.request_preview ELSE traces.request_preview END,
  response_preview = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.response_preview ELSE traces.response_preview END,
  tags = json_patch(traces.tags, excluded.tags),
  metadata = json_patch(traces.metadata, excluded.metadata),
  session_id = coalesce(traces.session_id, excluded.session_id),
  user_id = coalesce(traces.user_id, excluded.user_id),
  service_name = coalesce(traces.service_name, excluded.service_name),
  root_span_id = coalesce(excluded.root_span_id, traces.root_span_id),
  updated_ms = excluded.updated_ms`;

export class SpanWriter {
  private queue: Job[] = [];
  private pendingSpans = 0;
  private scheduled = false;
  private closed = false;
  private readonly insertSpan: Statement;
  private readonly upsertTrace: Statement;
  private readonly traceExists: Statement;
  private readonly bumpStats: Statement;
  private readonly resources: ResourceIds;
  private readonly listeners: Array<(info: CommitInfo) => void> = [];
  /** Totals since this writer started. */
  readonly stats = { committedSpans: 0, duplicateSpans: 0, transactions: 0 };

  constructor(
    private readonly db: Db,
    private readonly maxPendingSpans = 200_000,
  ) {
    this.insertSpan = db.prepare(INSERT_SPAN_SQL);
    this.upsertTrace = db.prepare(UPSERT_TRACE_SQL);
    this.traceExists = db.prepare("SELECT 1 FROM traces WHERE trace_id = ?").pluck();
    this.bumpStats = db.prepare("UPDATE store_stats SET span_count = span_count + ?, trace_count = trace_count + ? WHERE id = 1");
    this.resources = new ResourceIds(db);
  }

  get pending(): number {
    return this.pendingSpans;
  }

  onCommitted(listener: (info: CommitInfo) => void): void {
    this.listeners.push(listener);
  }

  /** Whether `n` more spans fit in the queue right now. */
  hasRoomFor(n: number): boolean {
    return this.pendingSpans === 0 || this.pendingSpans + n <= this.maxPendingSpans;
  }

  write(spans: SpanRecord[]): Promise<WriteResult> {
    if (this.closed) return Promise.reject(new Error("the trace store is closed"));
    if (spans.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    if (!this.hasRoomFor(spans.length)) throw new QueueFullError(this.pendingSpans, this.maxPendingSpans);
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ spans, resolve, reject });
      this.pendingSpans += spans.length;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued now, in one transaction. Also used on shutdown. */
  flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    if (jobs.length === 0) return;
    this.queue = [];
    this.pendingSpans = 0;
    const results: WriteResult[] = [];
    let info: CommitInfo = { inserted: 0, newTraces: 0, traceIds: [] };
    try {
      info = this.db.transaction(() => {
        const deltas = new Map<string, TraceDelta>();
        let inserted = 0;
        for (const job of jobs) {
          let ins = 0;
          for (const span of job.spans) {
            if (this.insertSpan.run(...toRowParams(span, this.resources.idFor(span))).changes === 1) {
              ins++;
              accumulate(deltas, span);
            }
          }
          inserted += ins;
          results.push({ inserted: ins, duplicates: job.spans.length - ins });
        }
        let newTraces = 0;
        const now = Date.now();
        for (const d of deltas.values()) {
          if (this.traceExists.get(d.traceId) === undefined) newTraces++;
          this.upsertTrace.run({
            traceId: d.traceId,
            name: d.name,
            state: d.rootStatus ?? "IN_PROGRESS",
            startNs: d.startNs,
            endNs: d.endNs,
            startMs: Number(d.startNs / 1000n) / 1000,
            durationMs: Number((d.endNs - d.startNs) / 1000n) / 1000,
            spanCount: d.spanCount,
            errorCount: d.errorCount,
            inputTokens: d.inputTokens,
            outputTokens: d.outputTokens,
            totalTokens: d.totalTokens,
            costUsd: d.costUsd,
            requestPreview: d.requestPreview,
            responsePreview: d.responsePreview,
            tags: JSON.stringify(d.tags),
            metadata: JSON.stringify(d.metadata),
            sessionId: d.sessionId,
            userId: d.userId,
            serviceName: d.serviceName,
            rootSpanId: d.rootSpanId,
            updatedMs: now,
          });
        }
        if (inserted > 0) this.bumpStats.run(inserted, newTraces);
        return { inserted, newTraces, traceIds: [...deltas.keys()] };
      })();
    } catch (e) {
      this.resources.forget(); // ids handed out inside the rolled-back transaction are gone
      for (const job of jobs) job.reject(e);
      return;
    }
    this.stats.transactions++;
    this.stats.committedSpans += info.inserted;
    jobs.forEach((job, i) => {
      const r = results[i] ?? { inserted: 0, duplicates: 0 };
      this.stats.duplicateSpans += r.duplicates;
      job.resolve(r);
    });
    if (info.inserted > 0) for (const l of this.listeners) l(info);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
