/**
 * What a run scores, resolved from its selection: trace ids (newest first) or a dataset's rows.
 * A dataset row with a trace scores that trace with the row's expectations laid over the
 * trace's own; a row without one scores its own inputs/outputs/expectations ("row-<index>").
 */
import { DatasetSource, type DatasetInfo } from "../../protocol/datasets";
import type { TraceSelection } from "../../protocol/scoring";
import { searchTraces } from "../search/traceSearch";
import type { Db } from "../store/db";
import type { ScoreItem } from "./runtime/workerProtocol";

export interface RunTargets {
  /** One id per thing to score, in order (trace ids, or "row-<index>" for rows without a trace). */
  ids: string[];
  /** Dataset row index of each id (dataset selections), else null. */
  datasetRows: Array<number | null>;
  /** Items to send instead of a bare id (dataset rows); by position. */
  items: Map<number, ScoreItem> | null;
}

export class SelectionError extends Error {}

interface DatasetRowRecord {
  idx: number;
  inputs: string;
  outputs: string | null;
  expectations: string | null;
  trace_id: string | null;
}

export function bareTraceId(id: string): string {
  return id.startsWith("tr-") ? id.slice(3) : id;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function resolveTargets(db: Db, s: TraceSelection): RunTargets {
  const plain = (ids: string[]): RunTargets => ({ ids, datasetRows: ids.map(() => null), items: null });
  switch (s.kind) {
    case "lastN":
      return plain(db.prepare("SELECT trace_id FROM traces ORDER BY start_ms DESC, trace_id DESC LIMIT ?").pluck().all(s.n) as string[]);
    case "filter":
      return plain(searchTraces(db, { filter: s.filter, limit: s.limit }).map((t) => t.traceId));
    case "traceIds":
      return plain(s.traceIds.map(bareTraceId));
    case "timeRange":
      return plain(
        db.prepare("SELECT trace_id FROM traces WHERE start_ms >= ? AND start_ms <= ? ORDER BY start_ms DESC LIMIT ?").pluck().all(s.fromMs, s.toMs, s.limit) as string[],
      );
    case "dataset":
      return datasetTargets(db, s.name);
  }
}

function datasetTargets(db: Db, name: string): RunTargets {
  const exists = db.prepare("SELECT 1 FROM datasets WHERE name = ?").pluck().get(name);
  if (exists === undefined) {
    const names = db.prepare("SELECT name FROM datasets ORDER BY name LIMIT 20").pluck().all() as string[];
    throw new SelectionError(`there is no dataset named "${name}"${names.length ? ` (datasets: ${names.join(", ")})` : " (the store has no datasets)"}`);
  }
  const rows = db
    .prepare("SELECT idx, inputs, outputs, expectations, trace_id FROM dataset_rows WHERE dataset_name = ? ORDER BY idx")
    .all(name) as DatasetRowRecord[];
  const traceExists = db.prepare("SELECT 1 FROM traces WHERE trace_id = ?").pluck();
  const out: RunTargets = { ids: [], datasetRows: [], items: new Map() };
  for (const r of rows) {
    const expectations = record(parseJson(r.expectations));
    const traceId = r.trace_id ? bareTraceId(r.trace_id) : null;
    const pos = out.ids.length;
    out.datasetRows.push(r.idx);
    if (traceId !== null && (traceExists.get(traceId) !== undefined || r.outputs === null)) {
      // The trace is scored (read by the worker); a missing trace with no outputs to fall back on is reported as not found.
      out.ids.push(traceId);
      if (expectations) out.items?.set(pos, { traceId, expectations });
      continue;
    }
    const id = `row-${r.idx}`;
    out.ids.push(id);
    const inputs = parseJson(r.inputs);
    const outputs = parseJson(r.outputs);
    out.items?.set(pos, {
      traceId: id,
      args: { inputs, ...(outputs !== undefined ? { outputs } : {}), ...(expectations ? { expectations } : {}) },
    });
  }
  return out;
}

/** The datasets a selection can name, newest first. */
export function listDatasets(db: Db): DatasetInfo[] {
  const rows = db.prepare("SELECT name, description, source, row_count, created_ms, updated_ms FROM datasets ORDER BY updated_ms DESC").all() as Array<{
    name: string;
    description: string | null;
    source: string;
    row_count: number;
    created_ms: number;
    updated_ms: number;
  }>;
  return rows.map((r) => {
    const source = DatasetSource.safeParse(parseJson(r.source));
    return {
      name: r.name,
      description: r.description,
      source: source.success ? source.data : { kind: "sdk" },
      rowCount: Number(r.row_count),
      createdMs: r.created_ms,
      updatedMs: r.updated_ms,
    };
  });
}
