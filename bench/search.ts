/**
 * Trace search (server/search/traceSearch.ts `searchTraces`, MLflow filter_string → SQL) on a
 * 1M-trace store with realistic tags, metadata and assessments, each filter against:
 *
 * - the unfiltered newest page, `TraceQueries.listNewest(50)` (what the list shows with no filter);
 * - hand-written SQL for the same condition (several shapes: a newest-first scan probing
 *   assessments by trace, a set built once from the assessments_name index, a join driven from
 *   assessments), run without row mapping. The fastest shape is the baseline ratio; all are printed.
 *
 * The target: the newest 50 traces matching `tag.env = 'prod' AND feedback.correctness = 'no'`
 * in < 100 ms. Also: the same shape when matches are rare and when nothing matches (a typo in a
 * filter value is common and walks the whole table), status, duration, numeric feedback, span
 * conditions and the trace.text scan.
 *
 * Per query: median/p95 over N runs (fewer for slow ones, within a time budget), rows returned,
 * whether the hand SQL returned the same ids, how many traces a newest-first walk passes to fill
 * the page, and the EXPLAIN QUERY PLAN of the exact SQL searchTraces runs. No ANALYZE (the
 * server never runs it).
 *
 * Store (built in SQL, then checkpointed; setup, not the measurement):
 * - --traces rollup rows with the "varied" profile of bench/lib/store.ts: env prod/staging/dev
 *   70/20/10 %, app.version rolling 3.5 → 3.9 over time, feature/prompt_version/git.commit,
 *   2% ERROR, 10% slow outliers, 5% of requests about refunds;
 * - --span-traces realistic 10-span traces through SpanWriter (the newest ones; tagged afterwards
 *   like the rest), so span.* filters have spans to look at;
 * - feedback for 30% of traces (`correctness` "yes"/"no": 20% "no", 80% on ERROR traces) and 20%
 *   (`relevance`, a number in [0, 1], ~29% < 0.5), inserted by INSERT … SELECT in 200k-trace transactions.
 *
 * What-if (skip with --no-what-if): CREATE INDEX assessments(name, kind, value, trace_id) on the same
 * store, then time the SQL a fix could run for the feedback cases: count the matching feedback,
 * join from it when few match, else keep the newest-first scan. The product's SQL is unchanged.
 *
 * Bounded: after --deadline-s (100, from the start, build included) every remaining timing is a
 * single run, and the notes say how many.
 *
 * Flags: --traces (1000000) --span-traces (10000) --runs (30) --budget-ms (4000, per query)
 * --deadline-s (100) --no-what-if
 */
import fs from "node:fs";
import path from "node:path";
import type { Statement } from "better-sqlite3";
import { openDatabase } from "../server/store/db";
import { TraceQueries, traceColumns } from "../server/store/traceQueries";
import { buildSearchSql, searchTraces } from "../server/search/traceSearch";
import {
  boolFlag,
  fmtBytes,
  fmtMs,
  fmtNum,
  fmtRatio,
  intFlag,
  latencyStats,
  loadNote,
  machineInfo,
  makeTmpDir,
  rmTmpDir,
  type Benchmark,
  type BenchResult,
  type LatencyStats,
  type Table,
} from "./lib/common";
import { buildRequests } from "./lib/genaiTraces";
import { DEFAULT_ASSESSMENT_SHARES, explain, fillAssessments, fillTraces, oneLine, sqlHash, VARIED_SHARES, writeThroughSpanWriter } from "./lib/store";

const LIMIT = 50;
const COLS = traceColumns("t");
/** After this (performance.now() ms), roundRobin times each remaining function once: the benchmark's time bound. */
let deadline = Infinity;
/** Functions timed once because the deadline had passed. */
let pastDeadline = 0;
/** Calls slower than this count their warm-up as a sample; calls slower than VERY_SLOW_MS run twice in all (see roundRobin). */
const SLOW_MS = 200;
const VERY_SLOW_MS = 1500;
const ORDER = `ORDER BY t.start_ms DESC, t.trace_id DESC LIMIT ${LIMIT}`;

interface HandSql {
  /** Short name of the plan shape. */
  shape: string;
  sql: string;
}

interface SearchCase {
  label: string;
  filter: string;
  target?: string;
  /** Why this case is here, for the table. */
  note: string;
  hand: HandSql[];
  /** For the `tag.env = X AND feedback.correctness = Y` shape: X and Y (used by the what-if section). */
  feedback?: { env: string; value: string };
}

/** `EXISTS` on an assessment, probed per trace through assessments_trace. */
const probeAssessment = (name: string, cond: string) =>
  `EXISTS (SELECT 1 FROM assessments a INDEXED BY assessments_trace WHERE a.trace_id = t.trace_id AND a.name = '${name}' AND a.kind = 'feedback' AND ${cond})`;
/** The matching trace ids as a set, read once from the assessments_name index. */
const setAssessment = (name: string, cond: string) =>
  `t.trace_id IN (SELECT a.trace_id FROM assessments a INDEXED BY assessments_name WHERE a.name = '${name}' AND a.kind = 'feedback' AND ${cond})`;
const ENV = `json_extract(t.tags, '$.env')`;

/**
 * `which` hand shapes to run: all three, or (to keep the run short) only the probe (the set and join
 * shapes cost the same whatever the env value) or all but the probe (where it would only repeat
 * searchTraces' full scan).
 */
function feedbackCase(label: string, env: string, value: string, target: string | undefined, note: string, which: "all" | "probe" | "no-probe" = "all"): SearchCase {
  const cond = `a.value = '"${value}"'`;
  const shapes: HandSql[] = [
    { shape: "newest-first scan + probe assessments_trace", sql: `SELECT ${COLS} FROM traces t WHERE ${ENV} = '${env}' AND ${probeAssessment("correctness", cond)} ${ORDER}` },
    { shape: "newest-first scan + IN (set from assessments_name)", sql: `SELECT ${COLS} FROM traces t WHERE ${ENV} = '${env}' AND ${setAssessment("correctness", cond)} ${ORDER}` },
    {
      shape: "join driven from assessments_name, then sort",
      sql: `SELECT ${COLS} FROM assessments a INDEXED BY assessments_name JOIN traces t ON t.trace_id = a.trace_id
            WHERE a.name = 'correctness' AND a.kind = 'feedback' AND ${cond} AND ${ENV} = '${env}' ${ORDER}`,
    },
  ];
  return {
    label,
    filter: `tag.env = '${env}' AND feedback.correctness = '${value}'`,
    ...(target ? { target } : {}),
    note,
    feedback: { env, value },
    hand: which === "all" ? shapes : which === "probe" ? shapes.slice(0, 1) : shapes.slice(1),
  };
}

function cases(): SearchCase[] {
  const textHand = (word: string): HandSql[] => [
    {
      shape: "newest-first scan, instr() instead of GLOB",
      sql: `SELECT ${COLS} FROM traces t WHERE instr(t.name, '${word}') OR instr(t.request_preview, '${word}') OR instr(t.response_preview, '${word}')
            OR EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND (instr(s.name, '${word}') OR instr(s.inputs, '${word}') OR instr(s.outputs, '${word}'))) ${ORDER}`,
    },
  ];
  return [
    feedbackCase("target: prod + correctness = no", "prod", "no", "< 100 ms", "the issue's query; ~4.5% of traces match"),
    feedbackCase("rare: dev + correctness = no", "dev", "no", undefined, "same shape, ~0.7% match", "probe"),
    {
      label: "trace.status = 'ERROR'",
      filter: "trace.status = 'ERROR'",
      note: "2% of the rollups, ~1% of the span traces",
      hand: [{ shape: "newest-first scan", sql: `SELECT ${COLS} FROM traces t WHERE t.state = 'ERROR' ${ORDER}` }],
    },
    {
      label: "prod + execution_time_ms > 2000",
      filter: "tag.env = 'prod' AND trace.execution_time_ms > 2000",
      note: "~27% of the rollups; every span trace's root is > 2 s",
      hand: [{ shape: "newest-first scan", sql: `SELECT ${COLS} FROM traces t WHERE ${ENV} = 'prod' AND t.duration_ms >= 2001 ${ORDER}` }],
    },
    {
      label: "feedback.relevance < 0.5",
      filter: "feedback.relevance < 0.5",
      note: "~6% of traces (numeric feedback)",
      hand: [
        { shape: "newest-first scan + probe assessments_trace", sql: `SELECT ${COLS} FROM traces t WHERE ${probeAssessment("relevance", "CAST(a.value AS REAL) < 0.5")} ${ORDER}` },
        { shape: "newest-first scan + IN (set from assessments_name)", sql: `SELECT ${COLS} FROM traces t WHERE ${setAssessment("relevance", "CAST(a.value AS REAL) < 0.5")} ${ORDER}` },
      ],
    },
    {
      label: "span.type = 'TOOL' AND status = 'ERROR'",
      filter: "span.type = 'TOOL' AND trace.status = 'ERROR'",
      note: "only the span traces have spans",
      hand: [
        {
          shape: "newest-first scan + probe spans_trace_span",
          sql: `SELECT ${COLS} FROM traces t WHERE t.state = 'ERROR' AND EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND s.span_type = 'TOOL') ${ORDER}`,
        },
        {
          shape: "newest-first scan + IN (set from a spans scan)",
          sql: `SELECT ${COLS} FROM traces t WHERE t.state = 'ERROR' AND t.trace_id IN (SELECT s.trace_id FROM spans s WHERE s.span_type = 'TOOL') ${ORDER}`,
        },
      ],
    },
    { label: "trace.text LIKE '%refund%'", filter: "trace.text LIKE '%refund%'", note: "5% of the rollups' requests, 1 in 6 span traces", hand: textHand("refund") },
    feedbackCase("none: prod + correctness = 'unsure'", "prod", "unsure", undefined, "same shape, no trace matches (e.g. a typo)", "no-probe"),
    {
      label: "none: tag.env = 'qa'",
      filter: "tag.env = 'qa'",
      note: "no trace has this tag value: json_extract on every row",
      hand: [{ shape: "newest-first scan", sql: `SELECT ${COLS} FROM traces t WHERE ${ENV} = 'qa' ${ORDER}` }],
    },
    { label: "trace.text LIKE '%chargeback%'", filter: "trace.text LIKE '%chargeback%'", note: "no trace matches: the whole scan", hand: textHand("chargeback") },
  ];
}

interface CaseResult {
  label: string;
  filter: string;
  note: string;
  target: string | null;
  rows: number;
  walked: number;
  api: LatencyStats;
  compileMs: number;
  hand: Array<{ shape: string; stats: LatencyStats; rows: number; sameIds: boolean; plan: string }>;
  best: string;
  plan: string;
  sql: string;
}

/**
 * Times each function, interleaved round robin so drift hits all alike. Each gets its own run
 * count: as many as fit in its share of `budgetMs` (at least `minRuns`, at most `runs`), measured
 * from one untimed warm-up call. A function slower than SLOW_MS counts its warm-up as a sample
 * (full-table scans don't warm anything the store build hasn't); one slower than VERY_SLOW_MS
 * (a full scan of 1M traces) runs twice in all, to keep the benchmark within its time bound.
 */
function roundRobin(fns: ReadonlyArray<() => unknown>, runs: number, budgetMs: number, minRuns = 3): number[][] {
  const out: number[][] = fns.map(() => []);
  const share = budgetMs / Math.max(1, fns.length);
  const late = () => performance.now() > deadline;
  const want = fns.map((fn, k) => {
    const t0 = performance.now();
    fn();
    const warm = performance.now() - t0;
    if (warm > SLOW_MS || late()) (out[k] as number[]).push(warm);
    if (late()) {
      pastDeadline++;
      return 1;
    }
    if (warm > VERY_SLOW_MS) return 2;
    return Math.max(minRuns, Math.min(runs, Math.floor(share / Math.max(warm, 0.001))));
  });
  for (let r = 0; r < Math.max(...want); r++) {
    fns.forEach((fn, k) => {
      const samples = out[k] as number[];
      if (samples.length >= (want[k] as number) || (late() && samples.length > 0)) return;
      const t0 = performance.now();
      fn();
      samples.push(performance.now() - t0);
    });
  }
  return out;
}

function ids(rows: readonly unknown[]): string {
  return rows.map((r) => (r as { trace_id?: string; traceId?: string }).traceId ?? (r as { trace_id?: string }).trace_id).join(",");
}

export const search: Benchmark = {
  name: "search",
  description: "searchTraces (MLflow filter_string) on a 1M-trace store with tags + assessments vs hand-written SQL",
  flags: { traces: "1000000", "span-traces": "10000", runs: "30", "budget-ms": "4000", "deadline-s": "100", "no-what-if": "false" },
  async run(opts): Promise<BenchResult> {
    const nTraces = intFlag(opts, "traces", 1_000_000, 1000);
    const spanTraces = intFlag(opts, "span-traces", 10_000, 0);
    const runs = intFlag(opts, "runs", 30, 3);
    const budgetMs = intFlag(opts, "budget-ms", 4000, 10);
    const deadlineS = intFlag(opts, "deadline-s", 100, 1);
    deadline = performance.now() + deadlineS * 1000;
    pastDeadline = 0;
    const notes: string[] = [`machine: ${loadNote()} at start`];
    const dir = makeTmpDir("search");
    try {
      const file = path.join(dir, "store.db");
      const db = openDatabase(file);
      const now = Date.now();

      // ── build ──────────────────────────────────────────────────────────────────────────────
      console.log(`  building ${fmtNum(nTraces)} traces with tags and assessments…`);
      // A bigger page cache while building (random trace_id keys make index inserts cache-bound);
      // the server's own cache_size is restored before anything is measured.
      const serverCacheSize = db.pragma("cache_size", { simple: true }) as number;
      db.pragma("cache_size = -262144");
      const b0 = performance.now();
      const synth = Math.max(0, nTraces - spanTraces);
      fillTraces(db, synth, now - 3_600_000, { profile: "varied" });
      const b1 = performance.now();
      const small = spanTraces > 0 ? buildRequests({ totalSpans: spanTraces * 10, spansPerRequest: 512, startMs: now - 3_000_000, seed: 11 }) : null;
      const spansWritten = small ? writeThroughSpanWriter(db, small.requests) : 0;
      // SpanWriter traces carry the app's own tags ({support, prod} labels): add env/app.version/feature like the rest.
      const h = (salt: number, mod: number) => sqlHash("rowid", salt, mod);
      const tagged = db
        .prepare(
          `UPDATE traces SET tags = json_set(tags,
             '$.env', CASE WHEN ${h(6, 100)} < 70 THEN 'prod' WHEN ${h(6, 100)} < 90 THEN 'staging' ELSE 'dev' END,
             '$."app.version"', '3.9.' || ${h(7, 4)}, '$.feature', 'support')
           WHERE json_extract(tags, '$.env') IS NULL`,
        )
        .run().changes;
      const b2 = performance.now();
      const inserted = fillAssessments(db, DEFAULT_ASSESSMENT_SHARES);
      const b3 = performance.now();
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.pragma(`cache_size = ${serverCacheSize}`);
      const b4 = performance.now();
      const count = (sql: string) => db.prepare(sql).pluck().get() as number;
      const facts = {
        traces: count("SELECT count(*) FROM traces"),
        spans: count("SELECT count(*) FROM spans"),
        assessments: count("SELECT count(*) FROM assessments"),
        prod: count(`SELECT count(*) FROM traces WHERE json_extract(tags, '$.env') = 'prod'`),
        errors: count(`SELECT count(*) FROM traces WHERE state = 'ERROR'`),
        no: count(`SELECT count(*) FROM assessments WHERE name = 'correctness' AND value = '"no"'`),
      };
      const dbBytes = fs.statSync(file).size;
      const build: Table = {
        title: "Store build (setup, not the measurement)",
        columns: ["step", "rows", "time"],
        rows: [
          ["trace rollups, varied profile (SQL INSERT … SELECT, 100k rows / txn)", fmtNum(synth), fmtMs(b1 - b0)],
          ["10-span traces through SpanWriter, then tagged", `${fmtNum(spanTraces)} traces / ${fmtNum(spansWritten)} spans / ${fmtNum(tagged)} tagged`, fmtMs(b2 - b1)],
          ["feedback: correctness / relevance (SQL, 200k traces / txn)", `${fmtNum(inserted.correctness)} / ${fmtNum(inserted.relevance)}`, fmtMs(b3 - b2)],
          ["WAL checkpoint", "–", fmtMs(b4 - b3)],
          ["total: traces / spans / assessments / file", `${fmtNum(facts.traces)} / ${fmtNum(facts.spans)} / ${fmtNum(facts.assessments)}`, `${fmtMs(b4 - b0)}, ${fmtBytes(dbBytes)}`],
        ],
      };
      notes.push(
        `store shares: env=prod ${((100 * facts.prod) / facts.traces).toFixed(1)}% (profile ${VARIED_SHARES.env.prod * 100}%), ERROR ${((100 * facts.errors) / facts.traces).toFixed(1)}%, ` +
          `correctness=no on ${((100 * facts.no) / facts.traces).toFixed(1)}% of traces`,
      );

      // ── measure ────────────────────────────────────────────────────────────────────────────
      const q = new TraceQueries(db);
      const rawNewest = db.prepare(`SELECT ${COLS} FROM traces t ${ORDER}`);
      console.log(`  measuring (up to ${runs} runs per query, ${budgetMs} ms budget each)…`);
      const [apiNewest, rawNewestMs] = roundRobin([() => q.listNewest(LIMIT), () => rawNewest.all()], Math.max(runs, 100), budgetMs) as [number[], number[]];
      const newest = { api: latencyStats(apiNewest), raw: latencyStats(rawNewestMs) };

      const walkedStmt = db.prepare("SELECT count(*) FROM traces WHERE (start_ms, trace_id) >= (?, ?)").pluck();
      const results: CaseResult[] = [];
      const skippedHands: string[] = [];
      const apiIdsByLabel = new Map<string, string>();
      for (const c of cases()) {
        process.stdout.write(`    ${c.label}…`);
        const { sql, params } = buildSearchSql({ filter: c.filter, limit: LIMIT });
        const apiRows = searchTraces(db, { filter: c.filter, limit: LIMIT });
        // Past the deadline, the hand-written baselines are left out (searchTraces is still timed once).
        const skipHands = performance.now() > deadline;
        if (skipHands) skippedHands.push(c.label);
        const hands = (skipHands ? [] : c.hand).map((hs) => ({ ...hs, stmt: db.prepare(hs.sql) as Statement }));
        const handRows = hands.map((hs) => hs.stmt.all() as unknown[]);
        const samples = roundRobin([() => searchTraces(db, { filter: c.filter, limit: LIMIT }), ...hands.map((hs) => () => hs.stmt.all())], runs, budgetMs);
        const compile = latencyStats(
          Array.from({ length: 200 }, () => {
            const t0 = performance.now();
            buildSearchSql({ filter: c.filter, limit: LIMIT });
            return performance.now() - t0;
          }),
        );
        const last = apiRows[apiRows.length - 1];
        const walked = apiRows.length < LIMIT || !last ? facts.traces : (walkedStmt.get(last.startTimeMs, last.traceId) as number);
        const apiIds = ids(apiRows);
        apiIdsByLabel.set(c.label, apiIds);
        const hand = hands.map((hs, k) => ({
          shape: hs.shape,
          stats: latencyStats(samples[k + 1] as number[]),
          rows: (handRows[k] as unknown[]).length,
          sameIds: ids(handRows[k] as unknown[]) === apiIds,
          plan: explain(db, hs.sql, []),
        }));
        const best = hand.reduce<(typeof hand)[number] | null>((a, b) => (a === null || b.stats.medianMs < a.stats.medianMs ? b : a), null);
        const api = latencyStats(samples[0] as number[]);
        results.push({
          label: c.label,
          filter: c.filter,
          note: c.note,
          target: c.target ?? null,
          rows: apiRows.length,
          walked,
          api,
          compileMs: compile.medianMs,
          hand,
          best: best?.shape ?? "",
          plan: explain(db, sql, params),
          sql: oneLine(sql),
        });
        console.log(` p50 ${fmtMs(api.medianMs)} (${api.runs} runs)`);
      }

      // ── what-if: an index that lets a feedback filter start from the assessments ───────────
      // searchTraces is unchanged; this measures the SQL a fix would run, on the same store.
      let whatIf: Table | null = null;
      const whatIfRows: Array<Record<string, unknown>> = [];
      if (!boolFlag(opts, "no-what-if")) {
        console.log(`  what-if: CREATE INDEX … assessments(name, kind, value, trace_id)…`);
        const i0 = performance.now();
        db.exec("CREATE INDEX bench_assessments_value ON assessments(name, kind, value, trace_id)");
        const indexMs = performance.now() - i0;
        // Join from the feedback when count² < LIMIT × traces: a newest-first scan walks ~LIMIT × traces / count rows
        // to fill the page, the join reads `count` rows (and sorts them). Counting stops at the threshold.
        const threshold = Math.ceil(Math.sqrt(LIMIT * facts.traces));
        const countSql = "SELECT count(*) FROM (SELECT 1 FROM assessments WHERE name = ? AND kind = 'feedback' AND value = ? LIMIT ?)";
        const boundedCount = db.prepare(countSql).pluck();
        const countUpTo = (name: string, value: string) => boundedCount.get(name, value, threshold + 1) as number;
        const fullCount = db.prepare("SELECT count(*) FROM assessments WHERE name = ? AND kind = 'feedback' AND value = ?").pluck();
        const joinSql = `SELECT ${COLS} FROM assessments a INDEXED BY bench_assessments_value JOIN traces t ON t.trace_id = a.trace_id
          WHERE a.name = ? AND a.kind = 'feedback' AND a.value = ? AND ${ENV} = ? ${ORDER}`;
        const scanSql = `SELECT ${COLS} FROM traces t WHERE ${ENV} = ? AND EXISTS (SELECT 1 FROM assessments a INDEXED BY assessments_trace
          WHERE a.trace_id = t.trace_id AND a.name = ? AND a.kind = 'feedback' AND a.value = ?) ${ORDER}`;
        const joinStmt = db.prepare(joinSql);
        const scanStmt = db.prepare(scanSql);
        const adaptive = (name: string, value: string, env: string) => {
          const n = countUpTo(name, value);
          return n <= threshold ? joinStmt.all(name, value, env) : scanStmt.all(env, name, value);
        };
        const rowsOut: Table["rows"] = [];
        for (const c of cases()) {
          if (!c.feedback) continue;
          const { env, value } = c.feedback;
          const json = JSON.stringify(value);
          const apiIds = apiIdsByLabel.get(c.label) ?? ids(searchTraces(db, { filter: c.filter, limit: LIMIT }));
          // searchTraces itself: the numbers measured above (the extra index doesn't change its plan; see the note)
          const apiStats = results.find((r) => r.label === c.label)?.api;
          const [adaS, joinS] = roundRobin([() => adaptive("correctness", json, env), () => joinStmt.all("correctness", json, env)], runs, budgetMs) as [number[], number[]];
          const n = fullCount.get("correctness", json) as number;
          const same = ids(adaptive("correctness", json, env) as unknown[]) === apiIds && ids(joinStmt.all("correctness", json, env)) === apiIds;
          const row = {
            label: c.label,
            matchingAssessments: n,
            chosen: n <= threshold ? "join" : "scan",
            searchTraces: apiStats ?? latencyStats([NaN]),
            adaptive: latencyStats(adaS),
            join: latencyStats(joinS),
            sameIds: same,
          };
          whatIfRows.push(row);
          rowsOut.push([
            c.label,
            fmtNum(n),
            fmtMs(row.searchTraces.medianMs),
            `${fmtMs(row.adaptive.medianMs)} (${row.chosen})`,
            fmtMs(row.adaptive.p95Ms),
            fmtMs(row.join.medianMs),
            fmtRatio(row.searchTraces.medianMs / row.adaptive.medianMs),
            same ? "✔" : "✘",
          ]);
        }
        whatIf = {
          title:
            `What-if (not the product): with CREATE INDEX assessments(name, kind, value, trace_id) [built in ${fmtMs(indexMs)}], ` +
            `count the matching feedback first, then join from it when at most √(${LIMIT} × traces) = ${fmtNum(threshold)} match, else scan newest-first`,
          columns: ["filter", "matching feedback", "searchTraces p50 (from above)", "count + chosen plan p50", "p95", "always join p50", "speed-up", "same ids"],
          rows: rowsOut,
        };
        notes.push(`what-if plans: join = ${explain(db, joinSql, ["correctness", '"no"', "prod"])}; count = ${explain(db, countSql, ["correctness", '"no"', threshold + 1])}`);
        notes.push(`what-if: searchTraces' own plan with the extra index: ${results[0] ? explain(db, buildSearchSql({ filter: results[0].filter, limit: LIMIT }).sql, buildSearchSql({ filter: results[0].filter, limit: LIMIT }).params) : "?"}`);
      }
      if (skippedHands.length > 0) notes.push(`DEADLINE: no hand-written baseline for ${skippedHands.join("; ")}`);
      if (pastDeadline > 0) notes.push(`DEADLINE: ${pastDeadline} timings after the ${deadlineS} s deadline (build included) are single runs`);
      notes.push(`machine: ${loadNote()} at end`);
      db.close();

      // ── report ─────────────────────────────────────────────────────────────────────────────
      const bestOf = (r: CaseResult) => r.hand.find((x) => x.shape === r.best) ?? r.hand[0];
      const table: Table = {
        title: `searchTraces(filter, limit ${LIMIT}) on ${fmtNum(facts.traces)} traces / ${fmtNum(facts.assessments)} assessments (median / p95; hand = fastest hand-written SQL, no row mapping)`,
        columns: ["filter", "runs", "rows", "walked", "searchTraces p50", "p95", "best hand p50", "vs hand", "vs listNewest", "same ids", "target", "matches"],
        rows: [
          ["(none) listNewest(50) — baseline", newest.api.runs, LIMIT, LIMIT, fmtMs(newest.api.medianMs), fmtMs(newest.api.p95Ms), fmtMs(newest.raw.medianMs), fmtRatio(newest.api.medianMs / newest.raw.medianMs), "1.00×", "–", "–", "all"],
          ...results.map((r) => {
            const b = bestOf(r);
            const ok = r.target ? (r.api.medianMs < 100 ? " ✔" : " ✘") : "";
            return [
              r.filter,
              r.api.runs,
              r.rows,
              fmtNum(r.walked),
              fmtMs(r.api.medianMs),
              fmtMs(r.api.p95Ms),
              b ? fmtMs(b.stats.medianMs) : "–",
              b ? fmtRatio(r.api.medianMs / b.stats.medianMs) : "–",
              fmtRatio(r.api.medianMs / newest.api.medianMs),
              r.hand.length === 0 ? "–" : r.hand.every((x) => x.sameIds) ? "✔" : r.hand.map((x) => (x.sameIds ? "✔" : "✘")).join(""),
              r.target ? `${r.target}${ok}` : "–",
              r.note,
            ];
          }),
        ],
      };
      const handTable: Table = {
        title: "Hand-written SQL shapes for the same conditions (median / p95; rows; same ids as searchTraces)",
        columns: ["filter", "shape", "p50", "p95", "rows", "same ids"],
        rows: results.flatMap((r) => r.hand.map((x) => [r.label, x.shape + (x.shape === r.best ? " ◀ best" : ""), fmtMs(x.stats.medianMs), fmtMs(x.stats.p95Ms), x.rows, x.sameIds ? "✔" : "✘"])),
      };
      const plans: Table = {
        title: "EXPLAIN QUERY PLAN of the SQL searchTraces runs (and of the fastest hand shape)",
        columns: ["filter", "searchTraces plan", "best hand plan"],
        rows: results.map((r) => [r.label, r.plan, bestOf(r)?.plan ?? "–"]),
      };
      notes.push("walked = traces a newest-first walk of traces_start passes before the page is full (all of them when fewer than 50 match): the work of a scan-and-filter plan");
      notes.push(`parse + compile of a filter (buildSearchSql): p50 ${fmtMs(Math.max(...results.map((r) => r.compileMs)))} at most`);
      const target = results[0];
      notes.push(`target SQL: ${target?.sql ?? "?"}`);
      const none = results.find((r) => r.label.startsWith("none"));
      const summary =
        `target (${target?.filter}) p50 ${fmtMs(target?.api.medianMs ?? NaN)} / p95 ${fmtMs(target?.api.p95Ms ?? NaN)} (< 100 ms ${target && target.api.medianMs < 100 ? "✔" : "✘"}, ` +
        `${fmtRatio((target?.api.medianMs ?? NaN) / (target ? (bestOf(target)?.stats.medianMs ?? NaN) : NaN))} best hand SQL); ` +
        `no-match variant p50 ${fmtMs(none?.api.medianMs ?? NaN)}; listNewest(50) p50 ${fmtMs(newest.api.medianMs)}`;
      return {
        name: "search",
        status: "ok",
        summary,
        tables: [build, table, handTable, plans, ...(whatIf ? [whatIf] : [])],
        notes,
        metrics: {
          machine: machineInfo(),
          config: { traces: facts.traces, spans: facts.spans, assessments: facts.assessments, spanTraces, runs, budgetMs, limit: LIMIT },
          facts,
          buildMs: { traces: b1 - b0, spanTraces: b2 - b1, assessments: b3 - b2, total: b4 - b0 },
          dbBytes,
          newest,
          results,
          whatIf: whatIfRows,
        },
      };
    } finally {
      rmTmpDir(dir);
    }
  },
};
