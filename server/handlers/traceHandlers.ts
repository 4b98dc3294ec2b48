/**
 * Trace browsing requests: lists (filtered with MLflow filter_string), skeletons, spans, in-trace
 * search, deletes and assessments. Plain functions over the store; main.ts wires them to LSP.
 */
import type { z } from "zod";
import type {
  DeleteAssessmentRequest,
  DeleteTracesRequest,
  GetSpanRequest,
  GetTraceSkeletonRequest,
  ListTracesRequest,
  LogAssessmentRequest,
  SearchTraceRequest,
} from "../../protocol/lsp";
import type { TraceListRow, TraceSummary } from "../../protocol/model";
import type { TraceServer } from "../core/traceServer";
import { AssessmentQueries } from "../store/assessmentQueries";
import { FilterSyntaxError } from "../search/filterErrors";
import { searchTraces } from "../search/traceSearch";

type In<D extends { params: z.ZodType }> = z.output<D["params"]>;
type Out<D extends { result: z.ZodType }> = z.input<D["result"]>;

export class TraceHandlers {
  private readonly assessments: AssessmentQueries;

  constructor(private readonly server: TraceServer) {
    this.assessments = new AssessmentQueries(server.db);
  }

  private withBadges(rows: TraceSummary[]): TraceListRow[] {
    const badges = this.assessments.badgesFor(rows.map((r) => r.traceId));
    return rows.map((r) => ({ ...r, badges: badges.get(r.traceId) ?? [] }));
  }

  listTraces(p: In<typeof ListTracesRequest>): Out<typeof ListTracesRequest> {
    const total = this.server.getStatus().traceCount;
    const filter = p.filter?.trim() ?? "";
    let rows: TraceSummary[];
    if (filter === "") {
      rows = this.server.queries.listNewest(p.limit + 1, p.before);
    } else {
      try {
        rows = searchTraces(this.server.db, { filter, limit: p.limit + 1, ...(p.before ? { before: p.before } : {}) });
      } catch (e) {
        if (FilterSyntaxError.is(e)) {
          return { traces: [], total, hasMore: false, filterError: { message: e.message, column: e.column, excerpt: e.excerpt } };
        }
        throw e;
      }
    }
    const hasMore = rows.length > p.limit;
    return { traces: this.withBadges(rows.slice(0, p.limit)), total, hasMore, filterError: null };
  }

  skeleton(p: In<typeof GetTraceSkeletonRequest>): Out<typeof GetTraceSkeletonRequest> {
    const summary = this.server.queries.getSummary(p.traceId);
    if (!summary) return null;
    const sk = this.server.queries.getSkeleton(p.traceId);
    return { summary, spans: sk?.spans ?? [], assessments: this.assessments.listForTrace(p.traceId) };
  }

  span(p: In<typeof GetSpanRequest>): Out<typeof GetSpanRequest> {
    return this.server.queries.getSpan(p.traceId, p.spanId);
  }

  search(p: In<typeof SearchTraceRequest>): Out<typeof SearchTraceRequest> {
    return { spanIds: this.server.queries.searchInTrace(p.traceId, p.text) };
  }

  deleteTraces(p: In<typeof DeleteTracesRequest>): Out<typeof DeleteTracesRequest> {
    const deleted = this.server.deleteTraces(p.traceIds);
    return { deleted };
  }

  logAssessment(p: In<typeof LogAssessmentRequest>): Out<typeof LogAssessmentRequest> {
    return this.assessments.log({
      traceId: p.traceId,
      spanId: p.spanId,
      kind: p.kind,
      name: p.name,
      value: p.value,
      rationale: p.rationale,
      sourceType: p.sourceType,
      sourceId: p.sourceId,
    });
  }

  deleteAssessment(p: In<typeof DeleteAssessmentRequest>): Out<typeof DeleteAssessmentRequest> {
    return { deleted: this.assessments.delete(p.assessmentId) };
  }
}
