/**
 * Reads an evaluation run's results straight from SQLite for the results panel:
 * - `table`: every row (or the first `maxRows`), columnar (protocol/runTable.ts), from the
 *   feedbacks only (logs are not read); the run row itself comes from RunStore;
 * - `row`: one full row by its seq (rationales, errors with stacks, logs, metadata);
 * - `search`: the table indexes of the rows that match a text filter, over full rows.
 *
 * run_results holds one row per (run, seq, scorer); the scorers of one run share seq for the same
 * trace or dataset row, so one table row is one seq (in seq order) with every scorer's feedbacks.
 * The table reads one SQL row per seq (GROUP BY seq, in primary-key order, so no sort): the
 * scorers' `cells` (schema v7: only what the table needs, written by RunStore.saveResults)
 * concatenated into one JSON array and parsed once, ~80 bytes per scorer instead of the ~450 of
 * the full feedbacks; rows written before v7 have no cells and give their full feedbacks instead
 * (same table). Names and states are the ones stored when the row was scored (no lookup in
 * traces; deleting a trace clears them, see migration 7), else looked up (NAME_SQL). Row details
 * and the text search read the full feedbacks. Statements are prepared once per reader.
 */
import type { Statement } from "better-sqlite3";
import { filterWords, jsonVerbatim, matchesWords, rowSearchText, RunTableBuilder, type RunTableRead, type TableCell } from "../../protocol/runTable";
import { NO_TRACE_STATE, type FeedbackResult, type RunResultRow } from "../../protocol/scoring";
import type { Db } from "../store/db";
import { RunStore } from "./runStore";

/** Name and state of a result row's trace: the stored trace, a dataset row without one, or a deleted trace. */
export function rowTrace(traceId: string, name: string | null, state: string | null, datasetRow: number | null): { name: string; state: string } {
  if (state !== null) return { name: name ?? "", state };
  const rowOnly = datasetRow !== null && traceId.startsWith("row-");
  return rowOnly ? { name: `dataset row ${datasetRow}`, state: NO_TRACE_STATE } : { name: "(deleted trace)", state: "DELETED" };
}

/**
 * A result row's trace name and state, from run_results row `g`: those stored when it was scored;
 * without them (written before v7, trace not stored then, or deleted since: a trigger clears
 * them) the trace's current ones, looked up only then (a NULL state: deleted or never stored).
 */
const NAME_SQL = "CASE WHEN g.trace_state IS NULL THEN (SELECT t.name FROM traces t WHERE t.trace_id = g.trace_id) ELSE g.trace_name END";
const STATE_SQL = "coalesce(g.trace_state, (SELECT t.state FROM traces t WHERE t.trace_id = g.trace_id))";

/** Columns of the table query, in order (raw mode: arrays, not objects). */
type TableRow = [seq: number, traceId: string, durationMs: number, datasetRow: number | null, name: string | null, state: string | null, parts: string];

/** Columns of the search query. */
type ScanRow = [seq: number, traceId: string, datasetRow: number | null, name: string | null, state: string | null, feedbacks: string];

interface FullRow {
  trace_id: string;
  feedbacks: string;
  duration_ms: number;
  logs: string;
  dataset_row: number | null;
  trace_name: string | null;
  trace_state: string | null;
}

/** One scorer's part of a row: stored cells (arrays) or, for rows written before v7, full feedbacks (objects). */
type Part = Array<TableCell | FeedbackResult>;

export class RunTableReader {
  private readonly runs: RunStore;
  private readonly tableRows: Statement;
  private readonly scan: Statement;
  private readonly rowsOfSeq: Statement;

  constructor(db: Db) {
    this.runs = new RunStore(db);
    // group_concat takes the rows in scan order, which is the primary key's: (seq, scorer_name)
    this.tableRows = db
      .prepare(
        `SELECT g.seq, g.trace_id, g.duration_ms, g.dataset_row, ${NAME_SQL}, ${STATE_SQL}, g.parts
         FROM (SELECT r.seq, min(r.trace_id) AS trace_id, sum(r.duration_ms) AS duration_ms, min(r.dataset_row) AS dataset_row,
                 min(r.trace_name) AS trace_name, min(r.trace_state) AS trace_state,
                 '[' || group_concat(coalesce(r.cells, r.feedbacks), ',') || ']' AS parts
               FROM run_results r WHERE r.run_id = ? AND r.seq > ? GROUP BY r.seq ORDER BY r.seq LIMIT ?) g`,
      )
      .raw(true);
    this.scan = db
      .prepare(
        `SELECT g.seq, g.trace_id, g.dataset_row, ${NAME_SQL}, ${STATE_SQL}, g.feedbacks
         FROM run_results g
         WHERE g.run_id = ? ORDER BY g.seq, g.scorer_name`,
      )
      .raw(true);
    this.rowsOfSeq = db.prepare(
      `SELECT g.trace_id, g.feedbacks, g.duration_ms, g.logs, g.dataset_row, ${NAME_SQL} AS trace_name, ${STATE_SQL} AS trace_state
       FROM run_results g
       WHERE g.run_id = ? AND g.seq = ? ORDER BY g.scorer_name`,
    );
  }

  /**
   * The run and its table: the rows after seq `afterSeq` (every row when null), `maxRows` of them
   * at most (`complete`: none follow); null when the run is not stored.
   */
  table(runId: string, maxRows = Number.POSITIVE_INFINITY, afterSeq: number | null = null): RunTableRead | null {
    const run = this.runs.get(runId);
    if (!run) return null;
    const b = new RunTableBuilder();
    const limit = Number.isFinite(maxRows) ? maxRows + 1 : -1;
    const rows = this.tableRows.all(runId, afterSeq ?? -1, limit) as TableRow[];
    const complete = !(rows.length > maxRows);
    if (!complete) rows.length = maxRows;
    for (const [seq, traceId, durationMs, datasetRow, name, state, parts] of rows) {
      const t = rowTrace(traceId, name, state, datasetRow);
      const row = b.addRow(traceId, t.name, t.state, durationMs, datasetRow, seq);
      for (const part of JSON.parse(parts) as Part[]) {
        for (const f of part) {
          if (Array.isArray(f)) b.addCell(row, f);
          else b.addFeedback(row, f);
        }
      }
    }
    return { run, table: b.build(), complete };
  }

  /** The full row of `seq` (RunTable.seqs), every scorer's part merged; null when there is none. */
  row(runId: string, seq: number): RunResultRow | null {
    const parts = this.rowsOfSeq.all(runId, seq) as FullRow[];
    const first = parts[0];
    if (!first) return null;
    const t = rowTrace(first.trace_id, first.trace_name, first.trace_state, first.dataset_row);
    const out: RunResultRow = { traceId: first.trace_id, traceName: t.name, traceState: t.state, feedbacks: [], durationMs: 0, logs: [], datasetRow: first.dataset_row };
    for (const p of parts) {
      out.feedbacks.push(...(JSON.parse(p.feedbacks) as FeedbackResult[]));
      out.logs.push(...(JSON.parse(p.logs) as string[]));
      out.durationMs += p.duration_ms;
    }
    return out;
  }

  /**
   * Table indexes (ascending) of the rows whose trace name or id, values, rationales or error
   * type/message contain every word of `text` (case-insensitive); every row for an empty text.
   * A row's feedbacks are only parsed when their JSON texts hold every word its name and id lack.
   */
  search(runId: string, text: string): number[] {
    const words = filterWords(text);
    const prefilter = words.every(jsonVerbatim);
    const out: number[] = [];
    let lastSeq = -1;
    let row = -1;
    let head = "";
    let parts: string[] = [];
    const finish = (): void => {
      if (row < 0) return;
      if (matchesWords(head, words)) {
        out.push(row);
        return;
      }
      if (prefilter) {
        const lower = parts.map((p) => p.toLowerCase());
        if (!words.every((w) => head.includes(w) || lower.some((l) => l.includes(w)))) return;
      }
      let hay = head;
      for (const p of parts) hay += `\n${rowSearchText("", "", JSON.parse(p) as FeedbackResult[])}`;
      if (matchesWords(hay, words)) out.push(row);
    };
    for (const r of this.scan.iterate(runId) as IterableIterator<ScanRow>) {
      const [seq, traceId, datasetRow, name, state, feedbacks] = r;
      if (seq !== lastSeq || row < 0) {
        finish();
        row++;
        lastSeq = seq;
        head = rowSearchText(rowTrace(traceId, name, state, datasetRow).name, traceId, []);
        parts = [];
      }
      parts.push(feedbacks);
    }
    finish();
    return out;
  }
}
