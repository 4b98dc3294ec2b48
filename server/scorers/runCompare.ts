/**
 * Comparing two stored evaluation runs: reads both runs and their result rows from SQLite and
 * diffs them with protocol/runDiff; finds a run's previous run of the same scorers (the default
 * base of a comparison).
 */
import { diffRuns, sameScorerSet, type DiffOptions, type RunDiff } from "../../protocol/runDiff";
import { EvalRun, FeedbackResult, NO_TRACE_STATE, type RunResultRow } from "../../protocol/scoring";
import type { Db } from "../store/db";
import { log } from "../log";
import { RunStore } from "./runStore";

interface ResultRecord {
  seq: number;
  trace_id: string;
  feedbacks: string;
  duration_ms: number;
  dataset_row: number | null;
  trace_name: string | null;
  trace_state: string | null;
}

const Feedbacks = FeedbackResult.array();

function parseFeedbacks(text: string, runId: string, seq: number): FeedbackResult[] {
  try {
    const parsed = Feedbacks.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  log.warn(`run ${runId}: result row ${seq} has unreadable feedbacks; compared as empty`);
  return [];
}

export interface CompareResult {
  diff: RunDiff | null;
  message: string | null;
}

export class RunCompare {
  private readonly runs: RunStore;

  constructor(private readonly db: Db) {
    this.runs = new RunStore(db);
  }

  /** A run's result rows, one per trace (or dataset row); several scorers of one run merged. Logs are not read. */
  rowsOf(runId: string): RunResultRow[] {
    const raw = this.db
      .prepare(
        `SELECT r.seq, r.trace_id, r.feedbacks, r.duration_ms, r.dataset_row, t.name AS trace_name, t.state AS trace_state
         FROM run_results r LEFT JOIN traces t ON t.trace_id = r.trace_id
         WHERE r.run_id = ? ORDER BY r.seq, r.scorer_name`,
      )
      .all(runId) as ResultRecord[];
    const bySeq = new Map<number, RunResultRow>();
    for (const r of raw) {
      const feedbacks = parseFeedbacks(r.feedbacks, runId, r.seq);
      const row = bySeq.get(r.seq);
      if (row) {
        row.feedbacks.push(...feedbacks);
        row.durationMs += r.duration_ms;
        continue;
      }
      const noTrace = r.trace_state === null && r.dataset_row !== null && r.trace_id.startsWith("row-");
      bySeq.set(r.seq, {
        traceId: r.trace_id,
        traceName: r.trace_name ?? (noTrace ? `dataset row ${r.dataset_row}` : "(deleted trace)"),
        traceState: r.trace_state ?? (noTrace ? NO_TRACE_STATE : "DELETED"),
        feedbacks,
        durationMs: r.duration_ms,
        logs: [],
        datasetRow: r.dataset_row,
      });
    }
    return [...bySeq.values()];
  }

  /**
   * The newest run that started before `runId` with the same scorers (names and files),
   * completed or cancelled; null when there is none (or `runId` is unknown).
   */
  previousRunOf(runId: string): EvalRun | null {
    const head = this.runs.get(runId);
    if (!head) return null;
    const candidates = this.db
      .prepare(
        `SELECT run_id, scorers FROM eval_runs
         WHERE started_ms < ? AND run_id <> ? AND status IN ('completed', 'cancelled')
         ORDER BY started_ms DESC`,
      )
      .iterate(head.startedMs, runId) as IterableIterator<{ run_id: string; scorers: string }>;
    let found: string | null = null;
    for (const c of candidates) {
      const scorers = EvalRun.shape.scorers.safeParse(safeJson(c.scorers));
      if (scorers.success && sameScorerSet(scorers.data, head.scorers)) {
        found = c.run_id;
        break; // closes the iterator before the next query
      }
    }
    return found === null ? null : this.runs.get(found);
  }

  /** Diffs `base` (default: the previous run of `head`) against `head`. */
  compare(headRunId: string, baseRunId: string | undefined, opts: DiffOptions = {}): CompareResult {
    const head = this.runs.get(headRunId);
    if (!head) return { diff: null, message: `Run ${headRunId} is not in the store.` };
    let base: EvalRun | null;
    if (baseRunId === undefined) {
      base = this.previousRunOf(headRunId);
      if (!base) {
        const names = head.scorers.map((s) => s.name).join(", ") || "these scorers";
        return { diff: null, message: `There is no earlier completed run of ${names} to compare with. Pick a base run.` };
      }
    } else {
      base = this.runs.get(baseRunId);
      if (!base) return { diff: null, message: `Run ${baseRunId} is not in the store.` };
    }
    const diff = diffRuns({ run: base, rows: this.rowsOf(base.runId) }, { run: head, rows: this.rowsOf(head.runId) }, opts);
    return { diff, message: null };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
