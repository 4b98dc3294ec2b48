/**
 * Admission: the durable checkpoint of online monitoring. One transaction takes the oldest
 * completed traces monitoring has not looked at (`traces.monitored_ms IS NULL` and a root span,
 * from a small partial index), matches them against each active scorer's filter (one query per
 * distinct filter, bound to the batch's ids), samples densely, inserts the sampled
 * (trace, scorer, version) rows into monitor_pending, and marks the traces as looked at.
 * A crash before the commit leaves the traces unmarked (they are admitted again); after it, the
 * pending rows are there. So a trace is never admitted twice nor skipped.
 *
 * Traces made by ScoreLens itself are marked but never sampled: tags or metadata with
 * `scorelens.eval_run_id`, `scorelens.source`, or MLflow's `mlflow.sourceRun` (eval-run traces).
 */
import type { Db } from "../store/db";
import { compileFilter } from "../search/filterToSql";
import { installSearchFunctions } from "../search/searchFunctions";
import type { ActiveScorer } from "./registry";
import { sampleScorers } from "./sampler";

export const EXCLUDING_KEYS: readonly string[] = ["scorelens.eval_run_id", "scorelens.source", "mlflow.sourceRun"];

export interface AdmitResult {
  /** Traces marked. */
  admitted: number;
  /** Pending rows added. */
  enqueued: number;
  /** More traces may be waiting. */
  more: boolean;
  /** Filters that failed to run (stored filter no longer valid), by scorer. */
  filterErrors: Map<string, string>;
}

function excluded(json: string): boolean {
  try {
    const o = JSON.parse(json) as Record<string, unknown>;
    return EXCLUDING_KEYS.some((k) => o[k] !== undefined && o[k] !== null);
  } catch {
    return false;
  }
}

/** Scorers grouped by filter (null = every trace). */
export function groupByFilter(scorers: readonly ActiveScorer[]): Map<string | null, ActiveScorer[]> {
  const groups = new Map<string | null, ActiveScorer[]>();
  for (const s of scorers) {
    const key = s.filterString?.trim() ? s.filterString.trim() : null;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  return groups;
}

/** Ids (of those given) that match `filter`, in one query. Throws FilterSyntaxError. */
export function matchingIds(db: Db, ids: readonly string[], filter: string): Set<string> {
  const f = compileFilter(filter);
  installSearchFunctions(db);
  const sql = `SELECT t.trace_id FROM traces AS t WHERE t.trace_id IN (SELECT value FROM json_each(?)) AND (${f.where})`;
  return new Set(db.prepare(sql).pluck().all(JSON.stringify(ids), ...f.params) as string[]);
}

/** Which scorers sample each trace (filters matched, then dense sampling). */
export function planSamples(db: Db, ids: readonly string[], scorers: readonly ActiveScorer[], filterErrors: Map<string, string>): Map<string, ActiveScorer[]> {
  const matched = new Map<string, ActiveScorer[]>();
  for (const id of ids) matched.set(id, []);
  for (const [filter, group] of groupByFilter(scorers)) {
    let hits: Set<string> | null = null;
    if (filter !== null) {
      try {
        hits = matchingIds(db, ids, filter);
      } catch (e) {
        for (const s of group) filterErrors.set(s.name, `filter_string failed: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
    }
    for (const id of ids) if (hits === null || hits.has(id)) matched.get(id)?.push(...group);
  }
  const out = new Map<string, ActiveScorer[]>();
  for (const [id, list] of matched) if (list.length > 0) out.set(id, sampleScorers(id, list));
  return out;
}

export function admitBatch(db: Db, scorers: () => ActiveScorer[], limit = 500, now = Date.now()): AdmitResult {
  const filterErrors = new Map<string, string>();
  const run = db.transaction((): AdmitResult => {
    const rows = db
      .prepare(
        `SELECT trace_id, tags, metadata, updated_ms FROM traces WHERE monitored_ms IS NULL AND root_span_id IS NOT NULL
         ORDER BY updated_ms LIMIT ?`,
      )
      .all(limit) as Array<{ trace_id: string; tags: string; metadata: string; updated_ms: number }>;
    if (rows.length === 0) return { admitted: 0, enqueued: 0, more: false, filterErrors };
    const active = scorers();
    let enqueued = 0;
    if (active.length > 0) {
      const eligible = rows.filter((r) => !excluded(r.tags) && !excluded(r.metadata));
      const completed = new Map(eligible.map((r) => [r.trace_id, r.updated_ms]));
      const plan = planSamples(
        db,
        eligible.map((r) => r.trace_id),
        active,
        filterErrors,
      );
      const ins = db.prepare("INSERT OR IGNORE INTO monitor_pending (trace_id, scorer, version, attempts, next_ms, completed_ms) VALUES (?, ?, ?, 0, ?, ?)");
      for (const [id, chosen] of plan) for (const s of chosen) enqueued += ins.run(id, s.name, s.version, now, completed.get(id) ?? now).changes;
    }
    db.prepare("UPDATE traces SET monitored_ms = ? WHERE trace_id IN (SELECT value FROM json_each(?))").run(now, JSON.stringify(rows.map((r) => r.trace_id)));
    return { admitted: rows.length, enqueued, more: rows.length === limit, filterErrors };
  });
  return run.immediate();
}

/** Completed traces monitoring has not looked at yet. */
export function unadmittedCount(db: Db): number {
  return Number(db.prepare("SELECT count(*) FROM traces WHERE monitored_ms IS NULL AND root_span_id IS NOT NULL").pluck().get());
}
