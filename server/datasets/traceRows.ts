/**
 * Dataset rows from stored traces, the way `mlflow.genai.evaluate` reads a trace: inputs and
 * outputs are the root span's, expectations the trace's expectation assessments (the newest per
 * name), trace_id the trace ("tr-…"). Root-span inputs that are not an object (a bare string…)
 * become `{"request": value}`, since a row's inputs are always an object.
 */
import type { DatasetRow } from "../../protocol/datasets";
import { scorerArgsFromTrace } from "../../sdk/scoring/scorerTrace";
import { searchTraces } from "../search/traceSearch";
import { AssessmentQueries } from "../store/assessmentQueries";
import type { Db } from "../store/db";
import { TraceQueries } from "../store/traceQueries";
import { bareTraceId } from "../../protocol/format";

export interface TraceRowsSelection {
  /** Trace ids ("tr-…" or bare), in the order given. */
  traceIds?: readonly string[];
  /** An MLflow filter_string; matching traces follow the ids, newest first, without repeats. */
  filter?: string;
  /** Most traces the filter contributes (default 1000). */
  limit?: number;
}

export const DEFAULT_TRACE_LIMIT = 1000;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Thrown for a trace id the store doesn't have. */
export class UnknownTraceError extends Error {}

export class TraceRowBuilder {
  private readonly traces: TraceQueries;
  private readonly assessments: AssessmentQueries;

  constructor(private readonly db: Db) {
    this.traces = new TraceQueries(db);
    this.assessments = new AssessmentQueries(db);
  }

  /** The row for one stored trace, or null when the store has no such trace. */
  rowFor(traceId: string): DatasetRow | null {
    const id = bareTraceId(traceId);
    const summary = this.traces.getSummary(id);
    if (!summary) return null;
    const args = scorerArgsFromTrace({ summary, spans: this.traces.getSpans(id), assessments: this.assessments.listForTrace(id) });
    const row: DatasetRow = {
      inputs: args.inputs === undefined ? {} : isObj(args.inputs) ? args.inputs : { request: args.inputs },
      trace_id: summary.requestId,
    };
    if (args.outputs !== undefined) row.outputs = args.outputs;
    if (args.expectations !== undefined) row.expectations = args.expectations;
    return row;
  }

  /** Rows for a selection; throws UnknownTraceError for an id that is not stored (and FilterSyntaxError). */
  build(sel: TraceRowsSelection): DatasetRow[] {
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const raw of sel.traceIds ?? []) {
      const id = bareTraceId(raw.trim());
      if (id === "" || seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
    }
    if (sel.filter !== undefined) {
      for (const t of searchTraces(this.db, { filter: sel.filter, limit: sel.limit ?? DEFAULT_TRACE_LIMIT })) {
        if (!seen.has(t.traceId)) {
          seen.add(t.traceId);
          ids.push(t.traceId);
        }
      }
    }
    return ids.map((id) => {
      const row = this.rowFor(id);
      if (!row) throw new UnknownTraceError(`there is no trace with id tr-${id} in this store`);
      return row;
    });
  }
}
