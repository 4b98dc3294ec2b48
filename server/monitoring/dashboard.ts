/**
 * The monitoring dashboard's queries: per registered scorer and assessment name, 15-second,
 * minute, hour or day buckets (starting at multiples of the size since the epoch, by trace start
 * time; at most MAX_DASHBOARD_BUCKETS, the newest) with the mean of numeric / boolean / yes-no values, the pass
 * rate (share of true / "yes" among boolean and yes-no values), the error rate, and coverage:
 * traces scored by the scorer / traces in the bucket that match its filter (eligible).
 */
import { BUCKET_MS, MAX_DASHBOARD_BUCKETS, type Bucket, type DashboardPoint, type DashboardSeries } from "../../protocol/monitoring";
import { compileFilter } from "../search/filterToSql";
import { installSearchFunctions } from "../search/searchFunctions";
import type { Db } from "../store/db";
import { EXCLUDING_KEYS } from "./admission";


const NOT_EXCLUDED = EXCLUDING_KEYS.map((k) => `json_extract(t.tags, '$."${k}"') IS NULL AND json_extract(t.metadata, '$."${k}"') IS NULL`).join(" AND ");

/** A value as MLflow aggregates it: numbers and booleans as numbers, "yes"/"no" as 1/0, else NULL. */
const NUMERIC = `CASE json_type(a.value) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0
  WHEN 'integer' THEN json_extract(a.value, '$') WHEN 'real' THEN json_extract(a.value, '$')
  WHEN 'text' THEN CASE lower(json_extract(a.value, '$')) WHEN 'yes' THEN 1.0 WHEN 'no' THEN 0.0 END END`;
const PASS = `CASE WHEN json_type(a.value) = 'true' THEN 1.0 WHEN json_type(a.value) = 'false' THEN 0.0
  WHEN json_type(a.value) = 'text' THEN CASE lower(json_extract(a.value, '$')) WHEN 'yes' THEN 1.0 WHEN 'no' THEN 0.0 END END`;

export interface DashboardQuery {
  fromMs: number;
  toMs: number;
  bucket: Bucket;
  /** Scorer names with their filters (the registered ones). */
  scorers: ReadonlyArray<{ name: string; filterString: string | null }>;
}

/** The starts of the buckets that cover [fromMs, toMs): the newest MAX_DASHBOARD_BUCKETS of them. */
export function bucketStarts(fromMs: number, toMs: number, size: number): number[] {
  const first = Math.floor(fromMs / size) * size;
  const n = Math.ceil((toMs - first) / size);
  const skip = Math.max(0, n - MAX_DASHBOARD_BUCKETS);
  const out: number[] = [];
  for (let i = skip; i < n; i++) out.push(first + i * size);
  return out;
}

/** Eligible traces per bucket start for one filter. */
function eligibleCounts(db: Db, q: DashboardQuery, size: number, filter: string | null): Map<number, number> {
  const f = filter ? compileFilter(filter) : { where: "1", params: [] as unknown[] };
  installSearchFunctions(db);
  const rows = db
    .prepare(
      `SELECT CAST(t.start_ms / ? AS INTEGER) * ? AS b, count(*) AS n FROM traces t
       WHERE t.start_ms >= ? AND t.start_ms < ? AND t.root_span_id IS NOT NULL AND ${NOT_EXCLUDED} AND (${f.where}) GROUP BY b`,
    )
    .all(size, size, q.fromMs, q.toMs, ...f.params) as Array<{ b: number; n: number }>;
  return new Map(rows.map((r) => [Number(r.b), Number(r.n)]));
}

export function dashboardSeries(db: Db, query: DashboardQuery): DashboardSeries[] {
  const size = BUCKET_MS[query.bucket];
  const starts = bucketStarts(query.fromMs, query.toMs, size);
  // buckets left out (beyond the newest MAX_DASHBOARD_BUCKETS) are not queried
  const q = { ...query, fromMs: Math.max(query.fromMs, starts[0] ?? query.fromMs) };
  const series: DashboardSeries[] = [];
  for (const s of q.scorers) {
    const eligible = eligibleCounts(db, q, size, s.filterString);
    const scored = new Map(
      (
        db
          .prepare(
            `SELECT CAST(t.start_ms / ? AS INTEGER) * ? AS b, count(DISTINCT a.trace_id) AS n FROM assessments a JOIN traces t ON t.trace_id = a.trace_id
             WHERE a.source_id = ? AND a.kind = 'feedback' AND t.start_ms >= ? AND t.start_ms < ? GROUP BY b`,
          )
          .all(size, size, s.name, q.fromMs, q.toMs) as Array<{ b: number; n: number }>
      ).map((r) => [Number(r.b), Number(r.n)]),
    );
    const rows = db
      .prepare(
        `SELECT a.name AS name, CAST(t.start_ms / ? AS INTEGER) * ? AS b, avg(${NUMERIC}) AS value, avg(${PASS}) AS pass,
           avg(CASE WHEN a.error IS NOT NULL THEN 1.0 ELSE 0.0 END) AS err
         FROM assessments a JOIN traces t ON t.trace_id = a.trace_id
         WHERE a.source_id = ? AND a.kind = 'feedback' AND t.start_ms >= ? AND t.start_ms < ? GROUP BY a.name, b ORDER BY a.name`,
      )
      .all(size, size, s.name, q.fromMs, q.toMs) as Array<{ name: string; b: number; value: number | null; pass: number | null; err: number }>;
    const byName = new Map<string, Map<number, (typeof rows)[number]>>();
    for (const r of rows) {
      const m = byName.get(r.name) ?? new Map<number, (typeof rows)[number]>();
      m.set(Number(r.b), r);
      byName.set(r.name, m);
    }
    for (const [assessment, m] of byName) {
      const points: DashboardPoint[] = starts.map((t) => {
        const r = m.get(t);
        return { t, value: r?.value ?? null, passRate: r?.pass ?? null, errorRate: r ? r.err : null, scored: scored.get(t) ?? 0, eligible: eligible.get(t) ?? 0 };
      });
      series.push({ scorer: s.name, assessment, points });
    }
  }
  return series;
}

/** Traces behind one point: those with this assessment from this scorer, newest first. */
export function dashboardTraces(db: Db, q: { scorer: string; assessment: string; fromMs: number; toMs: number; limit: number }): string[] {
  return db
    .prepare(
      `SELECT DISTINCT t.trace_id FROM assessments a JOIN traces t ON t.trace_id = a.trace_id
       WHERE a.source_id = ? AND a.name = ? AND a.kind = 'feedback' AND t.start_ms >= ? AND t.start_ms < ? ORDER BY t.start_ms DESC LIMIT ?`,
    )
    .pluck()
    .all(q.scorer, q.assessment, q.fromMs, q.toMs, q.limit) as string[];
}
