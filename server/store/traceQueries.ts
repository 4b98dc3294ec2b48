/** Read side of the store: trace lists from the rollup table, one trace's spans, deletes. */
import type { Statement } from "better-sqlite3";
import type { SpanRecord, SpanSkeleton, TraceSummary } from "../../protocol/model";
import type { Db } from "./db";
import { fromRow, ResourceCache, type SpanRow } from "./spanRows";

export interface TraceRow {
  trace_id: string;
  name: string;
  state: string;
  start_ms: number;
  end_ns: bigint;
  duration_ms: number;
  span_count: number;
  error_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number | null;
  request_preview: string;
  response_preview: string;
  tags: string;
  metadata: string;
  session_id: string | null;
  user_id: string | null;
  service_name: string | null;
  root_span_id: string | null;
}

const TRACE_COLUMN_NAMES = [
  "trace_id", "name", "state", "start_ms", "end_ns", "duration_ms", "span_count", "error_count", "input_tokens",
  "output_tokens", "total_tokens", "cost_usd", "request_preview", "response_preview", "tags", "metadata", "session_id",
  "user_id", "service_name", "root_span_id",
] as const;

/** The `traces` columns a TraceSummary is built from, optionally qualified with a table alias. */
export function traceColumns(alias?: string): string {
  return TRACE_COLUMN_NAMES.map((c) => (alias ? `${alias}.${c}` : c)).join(", ");
}

const TRACE_COLUMNS = traceColumns();

/** A span row with its shared resource/scope JSON. */
const SPAN_SELECT = "SELECT s.*, r.json AS resource_json FROM spans s LEFT JOIN span_resources r ON r.id = s.resource_id";

export function toSummary(r: TraceRow): TraceSummary {
  return {
    traceId: r.trace_id,
    requestId: `tr-${r.trace_id}`,
    name: r.name,
    state: r.state as TraceSummary["state"],
    startTimeMs: r.start_ms,
    endTimeMs: Number(r.end_ns / 1000n) / 1000,
    durationMs: r.duration_ms,
    spanCount: r.span_count,
    errorCount: r.error_count,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    totalTokens: r.total_tokens,
    costUsd: r.cost_usd,
    requestPreview: r.request_preview,
    responsePreview: r.response_preview,
    tags: JSON.parse(r.tags) as Record<string, string>,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    sessionId: r.session_id,
    userId: r.user_id,
    serviceName: r.service_name,
    hasRoot: r.root_span_id !== null,
  };
}

export interface TraceCursor {
  startTimeMs: number;
  traceId: string;
}

export class TraceQueries {
  private readonly newest: Statement;
  private readonly newestBefore: Statement;
  private readonly one: Statement;
  private readonly spans: Statement;
  private readonly oneSpan: Statement;
  private readonly skeleton: Statement;
  private readonly search: Statement;
  private readonly countTraces: Statement;
  private readonly countSpans: Statement;
  private readonly delSpans: Statement;
  private readonly delTrace: Statement;
  private readonly delAssessments: Statement;
  private readonly traceSpanCount: Statement;
  private readonly dropStats: Statement;

  constructor(private readonly db: Db) {
    this.newest = db.prepare(`SELECT ${TRACE_COLUMNS} FROM traces ORDER BY start_ms DESC, trace_id DESC LIMIT ?`);
    this.newestBefore = db
      .prepare(
        `SELECT ${TRACE_COLUMNS} FROM traces WHERE (start_ms, trace_id) < (?, ?) ORDER BY start_ms DESC, trace_id DESC LIMIT ?`,
      );
    this.one = db.prepare(`SELECT ${TRACE_COLUMNS} FROM traces WHERE trace_id = ?`);
    // No ORDER BY: the (trace_id, span_id) index serves the lookup, and sorting in JS is cheaper than a temp B-tree.
    this.spans = db.prepare(`${SPAN_SELECT} WHERE s.trace_id = ?`);
    this.oneSpan = db.prepare(`${SPAN_SELECT} WHERE s.trace_id = ? AND s.span_id = ?`);
    this.skeleton = db.prepare(
      `SELECT span_id, parent_span_id, name, span_type, start_ns, end_ns, status, model, total_tokens FROM spans
       WHERE trace_id = ? ORDER BY start_ns, span_id`,
    );
    this.search = db
      .prepare(
        `SELECT span_id FROM spans WHERE trace_id = ?2 AND (
           instr(lower(name), ?1) OR instr(lower(span_type), ?1) OR instr(lower(coalesce(model, '')), ?1)
           OR instr(lower(coalesce(inputs, '')), ?1) OR instr(lower(coalesce(outputs, '')), ?1)
           OR instr(lower(attributes), ?1) OR instr(lower(events), ?1))
         ORDER BY start_ns`,
      )
      .pluck();
    this.countTraces = db.prepare("SELECT trace_count FROM store_stats WHERE id = 1").pluck();
    this.countSpans = db.prepare("SELECT span_count FROM store_stats WHERE id = 1").pluck();
    this.traceSpanCount = db.prepare("SELECT span_count FROM traces WHERE trace_id = ?").pluck();
    this.dropStats = db.prepare("UPDATE store_stats SET span_count = span_count - ?, trace_count = trace_count - ? WHERE id = 1");
    this.delSpans = db.prepare("DELETE FROM spans WHERE trace_id = ?");
    this.delTrace = db.prepare("DELETE FROM traces WHERE trace_id = ?");
    this.delAssessments = db.prepare("DELETE FROM assessments WHERE trace_id = ?");
    // ns columns are int64: read them as BigInt so nothing is rounded.
    for (const s of [this.newest, this.newestBefore, this.one, this.spans, this.oneSpan, this.skeleton]) s.safeIntegers(true);
  }

  listNewest(limit: number, before?: TraceCursor): TraceSummary[] {
    const rows = (
      before ? this.newestBefore.all(before.startTimeMs, before.traceId, limit) : this.newest.all(limit)
    ) as TraceRow[];
    return rows.map((r) => toSummary(numberize(r)));
  }

  getSummary(traceId: string): TraceSummary | null {
    const r = this.one.get(traceId) as TraceRow | undefined;
    return r ? toSummary(numberize(r)) : null;
  }

  getSpans(traceId: string): SpanRecord[] {
    const rows = this.spans.all(traceId) as SpanRow[];
    rows.sort((a, b) => (a.start_ns < b.start_ns ? -1 : a.start_ns > b.start_ns ? 1 : a.span_id < b.span_id ? -1 : 1));
    const resources = new ResourceCache();
    return rows.map((r) => fromRow(numberizeSpan(r), resources));
  }

  /** The light tree of a trace: no JSON columns are read or parsed. */
  getSkeleton(traceId: string): { startNs: bigint; spans: SpanSkeleton[] } | null {
    const rows = this.skeleton.all(traceId) as Array<{
      span_id: string;
      parent_span_id: string | null;
      name: string;
      span_type: string;
      start_ns: bigint;
      end_ns: bigint;
      status: string;
      model: string | null;
      total_tokens: bigint | null;
    }>;
    if (rows.length === 0) return null;
    const t0 = rows[0]!.start_ns;
    return {
      startNs: t0,
      spans: rows.map((r) => ({
        spanId: r.span_id,
        parentSpanId: r.parent_span_id,
        name: r.name,
        spanType: r.span_type as SpanSkeleton["spanType"],
        startMs: Number(r.start_ns - t0) / 1e6,
        durationMs: Math.max(0, Number(r.end_ns - r.start_ns) / 1e6),
        statusCode: r.status as SpanSkeleton["statusCode"],
        model: r.model,
        totalTokens: r.total_tokens === null ? null : Number(r.total_tokens),
      })),
    };
  }

  getSpan(traceId: string, spanId: string): SpanRecord | null {
    const r = this.oneSpan.get(traceId, spanId) as SpanRow | undefined;
    return r ? fromRow(numberizeSpan(r)) : null;
  }

  /** Span ids whose name, type, model, inputs, outputs or attributes contain `text` (case-insensitive). */
  searchInTrace(traceId: string, text: string): string[] {
    return this.search.all(text.toLowerCase(), traceId) as string[];
  }

  counts(): { traces: number; spans: number } {
    return { traces: Number(this.countTraces.get()), spans: Number(this.countSpans.get()) };
  }

  /** Deletes traces and their spans in one transaction; returns how many traces existed. */
  deleteTraces(traceIds: readonly string[]): number {
    return this.db.transaction(() => {
      let n = 0;
      let spans = 0;
      for (const id of traceIds) {
        const count = this.traceSpanCount.get(id) as number | bigint | undefined;
        if (count === undefined) continue;
        this.delSpans.run(id);
        this.delAssessments.run(id);
        n += this.delTrace.run(id).changes;
        spans += Number(count);
      }
      if (n > 0) this.dropStats.run(spans, n);
      return n;
    })();
  }
}

/** A `traces` row read with safeIntegers(true) → TraceSummary. */
export function rowToSummary(r: TraceRow): TraceSummary {
  return toSummary(numberize(r));
}

/** With safeIntegers on, every INTEGER column is a BigInt: keep ns as BigInt, make counts numbers. */
function numberize(r: TraceRow): TraceRow {
  return {
    ...r,
    span_count: Number(r.span_count),
    error_count: Number(r.error_count),
    input_tokens: Number(r.input_tokens),
    output_tokens: Number(r.output_tokens),
    total_tokens: Number(r.total_tokens),
  };
}

function numberizeSpan(r: SpanRow): SpanRow {
  const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    ...r,
    kind: Number(r.kind),
    input_tokens: n(r.input_tokens),
    output_tokens: n(r.output_tokens),
    total_tokens: n(r.total_tokens),
  };
}
