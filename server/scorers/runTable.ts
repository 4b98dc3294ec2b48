/**
 * Reads an evaluation run's results straight from SQLite for the results panel:
 * - `table`: every row (or the first `maxRows`), columnar (protocol/runTable.ts), from the
 *   feedbacks only (logs are not read); the run row itself comes from RunStore;
 * - `row`: one full row by its seq (rationales, errors with stacks, logs, metadata);
 * - `search`: the table indexes of the rows that match a text filter, over full rows.
 *
 * run_results holds one row per (run, seq, scorer); the scorers of one run share seq for the same
 * trace or dataset row, so one table row is one seq (in seq order) with every scorer's feedbacks.
 * Statements are prepared once per reader. The feedbacks JSON is parsed in JS: SQLite's JSON
 * functions were measured no faster on 100,000 rows (json_each ~2× slower, one json_extract with
 * every path per row about the same as JSON.parse).
 */
import type { Statement } from "better-sqlite3";
import { filterWords, jsonVerbatim, matchesWords, rowSearchText, RunTableBuilder, type RunTableRead } from "../../protocol/runTable";
import { NO_TRACE_STATE, type FeedbackResult, type RunResultRow } from "../../protocol/scoring";
import type { Db } from "../store/db";
import { RunStore } from "./runStore";

/** Name and state of a result row's trace: the stored trace, a dataset row without one, or a deleted trace. */
export function rowTrace(traceId: string, name: string | null, state: string | null, datasetRow: number | null): { name: string; state: string } {
  if (state !== null) return { name: name ?? "", state };
  const rowOnly = datasetRow !== null && traceId.startsWith("row-");
  return rowOnly ? { name: `dataset row ${datasetRow}`, state: NO_TRACE_STATE } : { name: "(deleted trace)", state: "DELETED" };
}

/** Columns of the table and search queries, in order (raw mode: arrays, not objects). */
type ScanRow = [seq: number, traceId: string, durationMs: number, datasetRow: number | null, name: string | null, state: string | null, feedbacks: string];

interface FullRow {
  trace_id: string;
  feedbacks: string;
  duration_ms: number;
  logs: string;
  dataset_row: number | null;
  trace_name: string | null;
  trace_state: string | null;
}

export class RunTableReader {
  private readonly runs: RunStore;
  private readonly scan: Statement;
  private readonly scanAfter: Statement;
  private readonly rowsOfSeq: Statement;

  constructor(db: Db) {
    this.runs = new RunStore(db);
    this.scan = db
      .prepare(
        `SELECT r.seq, r.trace_id, r.duration_ms, r.dataset_row, t.name, t.state, r.feedbacks
         FROM run_results r LEFT JOIN traces t ON t.trace_id = r.trace_id
         WHERE r.run_id = ? ORDER BY r.seq, r.scorer_name`,
      )
      .raw(true);
    this.scanAfter = db
      .prepare(
        `SELECT r.seq, r.trace_id, r.duration_ms, r.dataset_row, t.name, t.state, r.feedbacks
         FROM run_results r LEFT JOIN traces t ON t.trace_id = r.trace_id
         WHERE r.run_id = ? AND r.seq > ? ORDER BY r.seq, r.scorer_name`,
      )
      .raw(true);
    this.rowsOfSeq = db.prepare(
      `SELECT r.trace_id, r.feedbacks, r.duration_ms, r.logs, r.dataset_row, t.name AS trace_name, t.state AS trace_state
       FROM run_results r LEFT JOIN traces t ON t.trace_id = r.trace_id
       WHERE r.run_id = ? AND r.seq = ? ORDER BY r.scorer_name`,
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
    let lastSeq = -1;
    let row = -1;
    let complete = true;
    const rows = (afterSeq === null ? this.scan.iterate(runId) : this.scanAfter.iterate(runId, afterSeq)) as IterableIterator<ScanRow>;
    for (const r of rows) {
      const [seq, traceId, durationMs, datasetRow, name, state, feedbacks] = r;
      if (seq !== lastSeq || row < 0) {
        if (b.rowCount >= maxRows) {
          complete = false;
          break; // ends the statement
        }
        const t = rowTrace(traceId, name, state, datasetRow);
        row = b.addRow(traceId, t.name, t.state, durationMs, datasetRow, seq);
        lastSeq = seq;
      } else {
        b.addDuration(row, durationMs);
      }
      for (const f of JSON.parse(feedbacks) as FeedbackResult[]) b.addFeedback(row, f);
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
      const [seq, traceId, , datasetRow, name, state, feedbacks] = r;
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
