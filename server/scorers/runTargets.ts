/**
 * What a run scores, resolved from its selection: trace ids (newest first) or a dataset's rows.
 * A dataset row with a trace scores that trace with the row's expectations laid over the
 * trace's own; a row without one scores its own inputs/outputs/expectations ("row-<index>").
 *
 * "Last N" and time ranges take app traces only: traces ScoreLens made itself (a judge's own
 * calls, tagged `scorelens.source`; the other EXCLUDING_KEYS of monitoring) are left out, so a
 * second judge run does not judge the first one's calls. A filter leaves them out too unless it
 * names one of those keys; selected trace ids and datasets are taken as given.
 */
import type { TraceSelection } from "../../protocol/scoring";
import { DatasetStore } from "../datasets/datasetStore";
import { searchTraces } from "../search/traceSearch";
import type { Db } from "../store/db";
import type { ScoreItem } from "./runtime/workerProtocol";
import { bareTraceId } from "../../protocol/format";
import { EXCLUDING_KEYS } from "../monitoring/admission";

/** SQL: the `traces` row (under `alias`) is an app trace, not one of ScoreLens's own (see EXCLUDING_KEYS). */
export function appTraceSql(alias = "traces"): string {
  return EXCLUDING_KEYS.flatMap((k) => {
    const path = `'$."${k.replace(/["'\\]/g, "")}"'`;
    return [`json_extract(${alias}.tags, ${path}) IS NULL`, `json_extract(${alias}.metadata, ${path}) IS NULL`];
  }).join(" AND ");
}

/** Whether tags/metadata mark a trace as ScoreLens's own. */
export function isScoreLensTrace(t: { tags: Readonly<Record<string, string>>; metadata: Readonly<Record<string, string>> }): boolean {
  return EXCLUDING_KEYS.some((k) => (t.tags[k] ?? null) !== null || (t.metadata[k] ?? null) !== null);
}

/** Whether a filter_string names one of the keys that mark ScoreLens's own traces (then it may select them). */
function namesExcludingKey(filter: string): boolean {
  return EXCLUDING_KEYS.some((k) => filter.includes(k));
}

export interface RunTargets {
  /** One id per thing to score, in order (trace ids, or "row-<index>" for rows without a trace). */
  ids: string[];
  /** Dataset row index of each id (dataset selections), else null. */
  datasetRows: Array<number | null>;
  /** Items to send instead of a bare id (dataset rows); by position. */
  items: Map<number, ScoreItem> | null;
}

export class SelectionError extends Error {}

export function resolveTargets(db: Db, s: TraceSelection): RunTargets {
  const plain = (ids: string[]): RunTargets => ({ ids, datasetRows: ids.map(() => null), items: null });
  switch (s.kind) {
    case "lastN":
      return plain(db.prepare(`SELECT trace_id FROM traces WHERE ${appTraceSql()} ORDER BY start_ms DESC, trace_id DESC LIMIT ?`).pluck().all(s.n) as string[]);
    case "filter": {
      const all = namesExcludingKey(s.filter);
      return plain(searchTraces(db, { filter: s.filter, limit: s.limit }).filter((t) => all || !isScoreLensTrace(t)).map((t) => t.traceId));
    }
    case "traceIds":
      return plain(s.traceIds.map(bareTraceId));
    case "timeRange":
      return plain(
        db.prepare(`SELECT trace_id FROM traces WHERE start_ms >= ? AND start_ms <= ? AND ${appTraceSql()} ORDER BY start_ms DESC LIMIT ?`).pluck().all(s.fromMs, s.toMs, s.limit) as string[],
      );
    case "dataset":
      return datasetTargets(db, s.name);
  }
}

function datasetTargets(db: Db, name: string): RunTargets {
  const store = new DatasetStore(db);
  if (!store.info(name)) {
    const names = store.list().map((d) => d.name).slice(0, 20);
    throw new SelectionError(`there is no dataset named "${name}"${names.length ? ` (datasets: ${names.join(", ")})` : " (the store has no datasets)"}`);
  }
  const traceExists = db.prepare("SELECT 1 FROM traces WHERE trace_id = ?").pluck();
  const out: RunTargets = { ids: [], datasetRows: [], items: new Map() };
  store.allRows(name).forEach((r, idx) => {
    const traceId = r.trace_id ? bareTraceId(r.trace_id) : null;
    const pos = out.ids.length;
    out.datasetRows.push(idx);
    if (traceId !== null && (traceExists.get(traceId) !== undefined || r.outputs === undefined)) {
      // The trace is scored (read by the worker); a missing trace with no outputs to fall back on is reported as not found.
      out.ids.push(traceId);
      if (r.expectations) out.items?.set(pos, { traceId, expectations: r.expectations });
      return;
    }
    const id = `row-${idx}`;
    out.ids.push(id);
    out.items?.set(pos, {
      traceId: id,
      args: { inputs: r.inputs, ...(r.outputs !== undefined ? { outputs: r.outputs } : {}), ...(r.expectations ? { expectations: r.expectations } : {}) },
    });
  });
  return out;
}
