/**
 * Online monitoring and backfill (issue 7), end to end. Prints numbers; asserts nothing on time.
 *
 * 1. Ingest with and without monitoring, in one run: each round is a fresh store and a fresh
 *    `node dist/cli.js serve` (real process, real HTTP); the same OTLP/HTTP protobuf bodies
 *    (bench/lib/genaiTraces.ts, bodies of 512 spans) go in as fast as 4 keep-alive exporters go.
 *    "off": no scorer registered (the baseline). "on": 3 scorers (trivial, trace-walking, keyword;
 *    bench/lib/monitoringScorers.ts) registered over the HTTP API and started at rate 1.0. Rounds
 *    run off, on, on, off, … (ABBA) so drift on the shared machine hits both sides alike; the drop
 *    is reported by wall throughput (medians, and per pair) and by the server's CPU time per span,
 *    split by thread from /proc (bench/lib/monitorThreads.ts). After an "on" round: how long
 *    monitoring takes to drain (nothing pending, every trace admitted), and its CPU by thread.
 * 2. Lag at steady rates: per rate (--steady-rates traces/s), a fresh server with the 3 scorers and
 *    bodies of 10 whole traces sent at a fixed pace for --steady-s seconds. Lag = assessment created_ms − traces.updated_ms (the commit
 *    monitoring records as completion), from SQLite, for traces committed after a 5 s warm-up; next
 *    to the server's own p50/p95 (GET /scorelens/v1/monitoring).
 * 3. Backfill vs evaluation (bench/lib/backfillVsEval.ts): --traces traces built through SpanWriter
 *    (bench/lib/traceStore.ts), one registered scorer backfilled over all of them at 1.0, and
 *    RunManager.run of the same file and export over the same traces, in this process.
 *
 * Flags: --spans (200000) --concurrency (4) --pairs (3) --drain-deadline-s (300) --steady-s (30)
 *        --steady-rates (10,50,100,200) --traces (100000) --scorer (toolAudit) --skip (none: ingest,steady,backfill)
 *        --dist (a copy of dist/; or a folder holding another build's cli.js, scorerWorker.js and sdk/index.js)
 */
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../server/store/db";
import { backfillTables } from "./lib/backfillReport";
import { measureBackfill, measureEval } from "./lib/backfillVsEval";
import { staleBuildWarning } from "./lib/childServer";
import { distAt, snapshotDist } from "./lib/distSnapshot";
import { fmtNum, intFlag, loadNote, machineInfo, makeTmpDir, rmTmpDir, type Benchmark, type BenchResult, type Table } from "./lib/common";
import { buildRequests } from "./lib/genaiTraces";
import { drainTracesPerSec, ingestTables, steadyTable } from "./lib/monitorReport";
import { ingestRound, steadyRound, type IngestRound, type SteadyRound } from "./lib/monitorIngest";
import { MONITOR_SCORER_FILE, MONITOR_SCORERS } from "./lib/monitoringScorers";
import { buildTraceStore } from "./lib/traceStore";

const STEADY_TRACES_PER_BODY = 10;
const WARMUP_MS = 5_000;

export const monitoring: Benchmark = {
  name: "monitoring",
  description: "ingest into `scorelens serve` with 3 scorers at rate 1.0 vs none (ABBA), lag at a steady rate, backfill vs RunManager.run",
  flags: {
    spans: "200000",
    concurrency: "4",
    pairs: "3",
    "drain-deadline-s": "300",
    "steady-s": "30",
    "steady-rates": "10,50,100,200 (traces/s)",
    traces: "100000",
    scorer: "toolAudit",
    skip: "none (ingest,steady,backfill)",
    dist: "a copy of dist/ (or a folder with cli.js, scorerWorker.js, sdk/index.js: another build to measure)",
  },
  async run(opts): Promise<BenchResult> {
    const totalSpans = intFlag(opts, "spans", 200_000, 512);
    const concurrency = intFlag(opts, "concurrency", 4, 1, 64);
    const pairs = intFlag(opts, "pairs", 3, 1, 10);
    const drainDeadlineMs = intFlag(opts, "drain-deadline-s", 300, 0) * 1000;
    const steadyS = intFlag(opts, "steady-s", 30, 10);
    const rates = (opts.flags.get("steady-rates") ?? "10,50,100,200").split(",").map((r) => {
      const n = Number(r);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--steady-rates takes integers (traces/s) separated by commas, got "${r}"`);
      return n;
    });
    const nTraces = intFlag(opts, "traces", 100_000, 100);
    const exportName = opts.flags.get("scorer") ?? "toolAudit";
    if (!MONITOR_SCORERS.some((s) => s.exportName === exportName)) throw new Error(`--scorer must be one of ${MONITOR_SCORERS.map((s) => s.exportName).join(", ")}`);
    const skip = new Set((opts.flags.get("skip") ?? "").split(",").filter(Boolean));
    const notes: string[] = [`machine: ${loadNote()} at start`];
    const stale = staleBuildWarning();
    if (stale) notes.push(`WARNING: ${stale}`);
    // other people rebuild dist/ meanwhile: run a private copy of it
    const distFlag = opts.flags.get("dist");
    const snap = distFlag ? distAt(distFlag) : await snapshotDist();
    notes.push(`product: ${distFlag ? snap.dir : "a copy of dist/"} built ${new Date(snap.builtMs).toISOString()} (server, scorer worker and SDK)`);
    const { workerScript, sdkEntry } = snap;
    const tables: Table[] = [];
    const metrics: Record<string, unknown> = { machine: machineInfo() };
    const summary: string[] = [];
    try {
      // 1. ingest, ABBA
      const rounds: IngestRound[] = [];
      if (!skip.has("ingest")) {
        const set = buildRequests({ totalSpans, spansPerRequest: 512 });
        const order: Array<"off" | "on"> = [];
        for (let p = 0; p < pairs; p++) order.push(...(p % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)));
        for (const [i, mode] of order.entries()) {
          console.log(`  ingest round ${i + 1}/${order.length} (${mode === "on" ? "3 scorers at 1.0" : "no monitoring"}): ${fmtNum(set.totalSpans)} spans, ${concurrency} exporters… (${loadNote()})`);
          const r = await ingestRound(snap, mode, set.requests, concurrency, drainDeadlineMs);
          if (r.exitCode !== 0) notes.push(`WARNING: round ${i + 1}: the server exited with code ${r.exitCode}`);
          if (r.atEnd.traces !== set.totalTraces) notes.push(`WARNING: round ${i + 1}: ${r.atEnd.traces} traces stored of ${set.totalTraces}`);
          if (r.afterDrain && r.afterDrain.assessments !== r.afterDrain.traces * MONITOR_SCORERS.length) {
            notes.push(`WARNING: round ${i + 1}: ${r.afterDrain.assessments} assessments after the drain for ${r.afterDrain.traces} traces × 3 scorers`);
          }
          console.log(`    ${fmtNum(r.spansPerSec)} spans/s${r.drainMs !== null ? `, drained in ${(r.drainMs / 1000).toFixed(1)} s` : ""}`);
          rounds.push(r);
        }
        const t = ingestTables(rounds, set.totalTraces, concurrency);
        tables.push(...t.tables);
        summary.push(t.summary);
        metrics.ingest = { config: { totalSpans: set.totalSpans, traces: set.totalTraces, concurrency, pairs }, rounds, ...t.metrics };
      }

      // 2. lag at steady rates
      if (!skip.has("steady")) {
        const drainRate = rounds.flatMap((r) => (r.drainMs !== null && r.afterDrain ? [drainTracesPerSec(r)] : []));
        const steady: SteadyRound[] = [];
        for (const rate of rates) {
          const set = buildRequests({ totalSpans: rate * steadyS * 10, spansPerRequest: STEADY_TRACES_PER_BODY * 10, seed: 7 });
          console.log(`  steady ingest: ${rate} traces/s for ${steadyS} s (bodies of ${STEADY_TRACES_PER_BODY} traces), 3 scorers at 1.0… (${loadNote()})`);
          const s = await steadyRound(snap, set.requests, STEADY_TRACES_PER_BODY, rate, WARMUP_MS);
          console.log(`    lag p50 ${s.snapshot.lagP50Ms ?? "–"} ms, p95 ${s.snapshot.lagP95Ms ?? "–"} ms (server), max pending ${s.maxPendingSeen}`);
          steady.push(s);
        }
        tables.push(steadyTable(steady, WARMUP_MS, drainRate));
        metrics.steady = steady.map((s) => ({ ...s, lags: undefined, lagCount: s.lags.length, paced: { ...s.paced, latenciesMs: undefined } }));
        const kept = steady.filter((s) => s.maxPendingSeen < 1000 && s.paced.late === 0);
        const top = kept[kept.length - 1];
        if (top) summary.push(`lag at ${top.tracesPerSec} traces/s (the highest rate kept up with): p50 ${top.snapshot.lagP50Ms} ms / p95 ${top.snapshot.lagP95Ms} ms`);
        const bundle = steady[0]?.bundleBytes ?? [];
        if (bundle.length > 0) notes.push(`registered bundle sizes (what a worker loads once per scorer file): ${bundle.map((b) => `${(b / 1024).toFixed(0)} KiB`).join(", ")}`);
      }

      // 3. backfill vs evaluation
      if (!skip.has("backfill")) {
        const dir = makeTmpDir("monitor-backfill");
        try {
          const db = openDatabase(path.join(dir, "store.db"));
          console.log(`  building ${fmtNum(nTraces)} traces through SpanWriter…`);
          const b0 = performance.now();
          const build = buildTraceStore(db, nTraces, Date.now() - 3_600_000 - nTraces * 50);
          const buildMs = performance.now() - b0;
          const ws = path.join(dir, "ws");
          fs.mkdirSync(ws);
          const file = path.join(ws, "scorers.ts");
          fs.writeFileSync(file, MONITOR_SCORER_FILE);
          const setup = { db, file, exportName, traces: nTraces, sdkEntry, workerScript };
          console.log(`  backfill: ${exportName} over ${fmtNum(nTraces)} traces at 1.0… (${loadNote()})`);
          const bf = await measureBackfill(setup);
          db.prepare("DELETE FROM assessments").run();
          console.log(`  evaluation: RunManager.run of ${exportName} over the same ${fmtNum(nTraces)}… (${loadNote()})`);
          const ev = await measureEval(setup);
          db.close();
          const t = backfillTables(bf, ev, build, buildMs, exportName);
          tables.push(...t.tables);
          summary.push(t.summary);
          metrics.backfill = { build: { ...build, totalMs: buildMs }, backfill: bf, evaluation: { ...ev, run: { ...ev.run, aggregates: ev.run.aggregates } } };
        } finally {
          rmTmpDir(dir);
        }
      }
      notes.push(`machine: ${loadNote()} at end`);
    } finally {
      snap.dispose();
    }
    return { name: "monitoring", status: "ok", summary: summary.join("; "), tables, notes, metrics };
  },
};
