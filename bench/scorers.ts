/**
 * Scorer runs over a big store, end to end through the server's RunManager
 * (server/scorers/runManager.ts): resolve the selection (`lastN` = every trace), bundle the scorer
 * file, run it in the worker pool (the pool reads each batch's traces on the main thread with
 * RunManager's loadTrace), store run_results + one assessment per trace, aggregate.
 *
 * Two scorers from one file in a temp folder:
 * - `answer_length`: `({ outputs }) => String(outputs).length` — the runtime's fixed cost per trace;
 * - `tool_audit`: `trace.searchSpans({ spanType: "TOOL" })` plus a walk over every span's attributes.
 *
 * Baseline, in the same run, on the main thread: what loadTrace does for each trace id —
 * `TraceQueries.getSummary` + `getSpans` + `AssessmentQueries.listForTrace` — with nothing else.
 * A scorer run cannot be cheaper than reading its traces once; the goal is to stay within 2× of it.
 * The baseline reads a store without assessments, and each run starts from that state (the
 * assessments of the previous run are deleted first). Ratios are printed for wall time and for
 * main-thread CPU time (process.threadCpuUsage): the main thread is where a run's reads happen, and
 * its CPU time is less disturbed than wall time by other work on a shared machine. Just before each
 * run the read cost is re-measured step by step on a 10k-trace subset (drift check + breakdown).
 *
 * Store: --traces realistic 10-span traces (bench/lib/genaiTraces.ts) written through the server's
 * SpanWriter, 20,000 spans per transaction. 2,000 distinct traces are generated, encoded as OTLP
 * protobuf and decoded + normalized as ingest does; the rest are copies of those with fresh random
 * ids and later start times (the protobuf round trip of 1M spans would dominate the wall time).
 * The build is timed separately; it is setup, not the measurement.
 *
 * Runs from source (tsx), so it uses the built worker and SDK: dist/scorerWorker.js and
 * dist/sdk/index.js (`node scripts/build.mjs`). RunManager makes its own pool with the default
 * worker path (beside the server bundle), so the benchmark hands it a pool built with
 * `workerScript: dist/scorerWorker.js` through its private `pool` field, and wraps its private
 * `loadTrace` and `store.saveResults` to time them (no server code is changed).
 *
 * Flags: --traces (100000) --workers (pool default: min(2, cores)) --batch-size (100) --deadline-s (120)
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import type { EvalRun, TraceScore } from "../protocol/scoring";
import { RunManager, type RunRequest } from "../server/scorers/runManager";
import { ScorerWorkerPool } from "../server/scorers/runtime/workerPool";
import type { ScorableTrace } from "../server/scorers/runtime/workerProtocol";
import { AssessmentQueries, toAssessment } from "../server/store/assessmentQueries";
import type { AssessmentRow } from "../server/store/mlflowAssessments";
import { openDatabase, type Db } from "../server/store/db";
import { SpanWriter } from "../server/store/spanWriter";
import { TraceQueries } from "../server/store/traceQueries";
import { aggregate } from "../sdk/scoring/aggregate";
import type { SpanRecord } from "../protocol/model";
import {
  REPO_ROOT,
  fmtBytes,
  fmtMs,
  fmtNum,
  fmtRatio,
  intFlag,
  loadNote,
  machineInfo,
  makeTmpDir,
  newestSourceMtime,
  rmTmpDir,
  type Benchmark,
  type BenchResult,
  type Table,
} from "./lib/common";
import { Rng, encodeRequest, generateTrace } from "./lib/genaiTraces";
import { decodeAndNormalize } from "./lib/rawBaseline";

const TRACES_PER_WRITE = 2_000; // 20,000 spans per SpanWriter flush (one transaction)
const SPANS_PER_BODY = 512;
const TEMPLATE_TRACES = 2_000;

const SCORER_FILE = `/**
 * Scorers for bench/scorers.ts (written to a temp folder; "scorelens" is the SDK ScoreLens bundles in).
 */
import { Feedback, scorer, type ScorerTrace } from "scorelens";

/** (a) Trivial: the answer's length. Measures the runtime's fixed cost per trace. */
export const answerLength = scorer({ name: "answer_length", aggregations: ["mean", "min", "max"] }, ({ outputs }: { outputs: unknown }) => String(outputs).length);

/** (b) Walks the trace: the TOOL spans, and every attribute of every span. */
export const toolAudit = scorer("tool_audit", ({ trace }: { trace: ScorerTrace }) => {
  const tools = trace.searchSpans({ spanType: "TOOL" });
  const failed = tools.filter((span) => span.status.code === "ERROR").length;
  let attributes = 0;
  let chars = 0;
  for (const span of trace.data.spans) {
    for (const [key, value] of Object.entries(span.attributes)) {
      attributes++;
      chars += key.length + (typeof value === "string" ? value.length : String(value).length);
    }
  }
  return new Feedback({
    value: tools.length === 0 ? 1 : (tools.length - failed) / tools.length,
    rationale: \`\${tools.length} tool calls, \${failed} failed; \${attributes} attributes, \${chars} chars in \${trace.data.spans.length} spans\`,
  });
});
`;

interface BuildStats {
  traces: number;
  spans: number;
  /** Distinct traces generated; the rest are copies of them with fresh ids and later times. */
  templates: number;
  generateMs: number;
  copyMs: number;
  writeMs: number;
  checkpointMs: number;
}

const addNs = (ns: string, deltaNs: bigint): string => (BigInt(ns) + deltaNs).toString();

/** A copy of a template trace's records with fresh trace/span ids, `shiftNs` later. */
function copyTrace(template: readonly SpanRecord[], rng: Rng, shiftNs: bigint): SpanRecord[] {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  const traceId = hex(rng.bytes(16));
  const ids = new Map<string, string>();
  for (const r of template) ids.set(r.spanId, hex(rng.bytes(8)));
  return template.map((r) => ({
    ...r,
    traceId,
    spanId: ids.get(r.spanId) as string,
    parentSpanId: r.parentSpanId === null ? null : (ids.get(r.parentSpanId) ?? r.parentSpanId),
    startTimeUnixNano: addNs(r.startTimeUnixNano, shiftNs),
    endTimeUnixNano: addNs(r.endTimeUnixNano, shiftNs),
    events: r.events.map((e) => ({ ...e, timeUnixNano: addNs(e.timeUnixNano, shiftNs) })),
  }));
}

/**
 * Writes `count` 10-span traces through SpanWriter, 2,000 traces (20k spans) per transaction.
 * The first `templates` traces are generated, encoded as OTLP protobuf and decoded + normalized as
 * ingest does; the others are copies of them (new random ids, later start times), which skips the
 * protobuf round trip but not SpanWriter. Setup-only pragmas (no auto-checkpoint, synchronous=OFF,
 * a bigger page cache) are restored to openDatabase's values before returning.
 */
function buildStore(db: Db, count: number, startMs: number, templatesWanted: number): BuildStats {
  const rng = new Rng(20251123);
  const out: BuildStats = { traces: 0, spans: 0, templates: 0, generateMs: 0, copyMs: 0, writeMs: 0, checkpointMs: 0 };
  const g0 = performance.now();
  const templates: SpanRecord[][] = [];
  const nTemplates = Math.min(count, templatesWanted);
  let pending: ReturnType<typeof generateTrace> = [];
  const decodeInto = (spans: ReturnType<typeof generateTrace>) => {
    for (const r of decodeAndNormalize(encodeRequest(spans)).records) {
      const last = templates[templates.length - 1];
      if (last && last[0]?.traceId === r.traceId) last.push(r);
      else templates.push([r]);
    }
  };
  for (let n = 0; n < nTemplates; n++) {
    pending.push(...generateTrace(rng, n, startMs + n * 50));
    if (pending.length >= SPANS_PER_BODY) {
      decodeInto(pending);
      pending = [];
    }
  }
  if (pending.length > 0) decodeInto(pending);
  out.templates = templates.length;
  out.generateMs = performance.now() - g0;

  db.pragma("wal_autocheckpoint = 0");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  const writer = new SpanWriter(db, 10_000_000);
  let lastLog = performance.now();
  for (let first = 0; first < count; first += TRACES_PER_WRITE) {
    const t0 = performance.now();
    const records: SpanRecord[] = [];
    for (let n = first; n < Math.min(count, first + TRACES_PER_WRITE); n++) {
      const k = n % templates.length;
      const template = templates[k] as SpanRecord[];
      const trace = n < templates.length ? template : copyTrace(template, rng, BigInt(n - k) * 50_000_000n);
      for (const r of trace) records.push(r);
      out.traces++;
    }
    const t1 = performance.now();
    void writer.write(records);
    writer.flush();
    const t2 = performance.now();
    out.copyMs += t1 - t0;
    out.writeMs += t2 - t1;
    out.spans += records.length;
    if (t2 - lastLog > 10_000) {
      console.log(`    … ${fmtNum(out.traces)} traces written`);
      lastLog = t2;
    }
  }
  writer.close();
  const c0 = performance.now();
  db.pragma("wal_checkpoint(TRUNCATE)");
  out.checkpointMs = performance.now() - c0;
  db.pragma("wal_autocheckpoint = 8000");
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -32000");
  return out;
}

/** CPU time of the calling thread in ms (process.threadCpuUsage, Node ≥ 23.9), NaN when unavailable. */
function threadCpuMs(): number {
  if (typeof process.threadCpuUsage !== "function") return NaN;
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

interface ReadBaseline {
  traces: number;
  ms: number;
  /** Main-thread CPU time: less sensitive than wall time to other work on a shared machine. */
  cpuMs: number;
  spans: number;
  assessments: number;
}

/** Exactly RunManager.loadTrace, for every id, on the main thread. */
function readAll(ids: readonly string[], queries: TraceQueries, assessments: AssessmentQueries): ReadBaseline {
  let spans = 0;
  let found = 0;
  let assessmentCount = 0;
  const c0 = threadCpuMs();
  const t0 = performance.now();
  for (const id of ids) {
    const summary = queries.getSummary(id);
    if (!summary) continue;
    const detail: ScorableTrace = { summary, spans: queries.getSpans(id), assessments: assessments.listForTrace(id) };
    spans += detail.spans.length;
    assessmentCount += detail.assessments?.length ?? 0;
    found++;
  }
  const ms = performance.now() - t0;
  return { traces: found, ms, cpuMs: threadCpuMs() - c0, spans, assessments: assessmentCount };
}

interface ReadSteps {
  traces: number;
  summaryMs: number;
  spansMs: number;
  assessmentsMs: number;
  /** The same SELECT as listForTrace with a statement prepared once (listForTrace prepares per call). */
  assessmentsCachedMs: number;
  /** v8.serialize of the loaded traces in batches of `batchSize`: the structured clone postMessage does. */
  serializeMs: number;
  serializedBytes: number;
}

/** The same reads step by step (on a subset), plus the copy postMessage makes of each batch. */
function readSteps(db: Db, ids: readonly string[], queries: TraceQueries, assessments: AssessmentQueries, batchSize: number): ReadSteps {
  const out: ReadSteps = { traces: 0, summaryMs: 0, spansMs: 0, assessmentsMs: 0, assessmentsCachedMs: 0, serializeMs: 0, serializedBytes: 0 };
  const cached = db.prepare("SELECT * FROM assessments WHERE trace_id = ? ORDER BY created_ms");
  let batch: Array<{ traceId: string; detail: ScorableTrace }> = [];
  const flush = () => {
    const t = performance.now();
    out.serializedBytes += v8.serialize(batch).length;
    out.serializeMs += performance.now() - t;
    batch = [];
  };
  for (const id of ids) {
    const a = performance.now();
    const summary = queries.getSummary(id);
    const b = performance.now();
    if (!summary) continue;
    const spans = queries.getSpans(id);
    const c = performance.now();
    const list = assessments.listForTrace(id);
    const d = performance.now();
    (cached.all(id) as AssessmentRow[]).map(toAssessment);
    out.assessmentsCachedMs += performance.now() - d;
    out.summaryMs += b - a;
    out.spansMs += c - b;
    out.assessmentsMs += d - c;
    out.traces++;
    batch.push({ traceId: id, detail: { summary, spans, assessments: list } });
    if (batch.length === batchSize) flush();
  }
  if (batch.length > 0) flush();
  return out;
}

interface RunMeasure {
  scorer: string;
  run: EvalRun;
  wallMs: number;
  traces: number;
  /** RunManager.resolveSelection timed on its own just before the run (the run does it again inside). */
  resolveMs: number;
  loadMs: number;
  loads: number;
  saveMs: number;
  aggregateMs: number;
  /** Sum of TraceScore.durationMs: scorer calls (incl. building ScorerTrace) inside the workers. */
  workerCallMs: number;
  mainElu: number;
  /** Main-thread CPU time during the run. */
  mainCpuMs: number;
  cpuMs: number;
  rssBytes: number;
  poolStarted: number;
  cancelled: boolean;
}

interface Instrumented {
  manager: RunManager;
  pool: ScorerWorkerPool;
  counters: { loadMs: number; loads: number; saveMs: number; saved: TraceScore[] | null };
}

function instrument(db: Db, queries: TraceQueries, pool: ScorerWorkerPool, sdkEntry: string): Instrumented {
  const manager = new RunManager({ db, queries, sdkEntry, timeoutMs: 30_000 });
  const internals = manager as unknown as { pool: ScorerWorkerPool | null; loadTrace: (id: string) => ScorableTrace | null };
  if (!("pool" in internals) || !("loadTrace" in internals) || typeof internals.loadTrace !== "function") {
    throw new Error("RunManager no longer has the private `pool`/`loadTrace` fields this benchmark injects into; update bench/scorers.ts");
  }
  internals.pool = pool;
  const counters: Instrumented["counters"] = { loadMs: 0, loads: 0, saveMs: 0, saved: null };
  const load = internals.loadTrace;
  internals.loadTrace = (id: string) => {
    const t = performance.now();
    try {
      return load(id);
    } finally {
      counters.loadMs += performance.now() - t;
      counters.loads++;
    }
  };
  const store = manager.store;
  const save = store.saveResults.bind(store);
  store.saveResults = (runId, scorerName, results) => {
    const t = performance.now();
    try {
      save(runId, scorerName, results);
    } finally {
      counters.saveMs += performance.now() - t;
      counters.saved = [...results];
    }
  };
  return { manager, pool, counters };
}

async function measureRun(ins: Instrumented, req: RunRequest, deadlineMs: number): Promise<RunMeasure> {
  const { manager, counters } = ins;
  const r0 = performance.now();
  const expected = manager.resolveSelection(req.selection).length;
  const resolveMs = performance.now() - r0;
  counters.loadMs = 0;
  counters.loads = 0;
  counters.saveMs = 0;
  counters.saved = null;
  const runId = req.runId ?? `bench-${req.scorerName}-${Date.now().toString(36)}`;
  const timer = setTimeout(() => manager.cancel(runId), deadlineMs);
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuMs();
  const t0 = performance.now();
  const run = await manager.run({ ...req, runId });
  const wallMs = performance.now() - t0;
  const mainCpuMs = threadCpuMs() - main0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  clearTimeout(timer);
  if (run.status === "failed") throw new Error(`run of ${req.scorerName} failed: ${run.message ?? "?"}`);
  // (set by the saveResults wrapper during the await; TS narrowed it to null above)
  const results: TraceScore[] = (counters.saved as TraceScore[] | null) ?? [];
  let workerCallMs = 0;
  for (const r of results) workerCallMs += r.durationMs;
  const a0 = performance.now();
  aggregate(
    results.flatMap((r) => r.feedbacks).map((f) => ({ name: f.name, value: f.value, error: f.error })),
    (req.aggregations ?? null) as Parameters<typeof aggregate>[1],
  );
  const aggregateMs = performance.now() - a0;
  if (counters.loads < run.scoredCount) {
    throw new Error(`loadTrace ran ${counters.loads} times for ${run.scoredCount} scored traces: the injected instrumentation is not in use`);
  }
  return {
    scorer: req.scorerName,
    run,
    wallMs,
    traces: run.status === "cancelled" ? run.scoredCount : expected,
    resolveMs,
    loadMs: counters.loadMs,
    loads: counters.loads,
    saveMs: counters.saveMs,
    aggregateMs,
    workerCallMs,
    mainElu: elu.utilization,
    mainCpuMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBytes: process.memoryUsage().rss,
    poolStarted: ins.pool.stats().started,
    cancelled: run.status === "cancelled",
  };
}

const perSec = (n: number, ms: number) => (n / ms) * 1000;
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;

function staleDistWarning(): string | null {
  const worker = path.join(REPO_ROOT, "dist/scorerWorker.js");
  const built = fs.statSync(worker).mtimeMs;
  const newest = Math.max(...["server/scorers/runtime", "sdk", "protocol"].map((d) => newestSourceMtime(path.join(REPO_ROOT, d))));
  return newest > built ? "dist/scorerWorker.js is older than server/scorers/runtime, sdk/ or protocol/ sources: run `node scripts/build.mjs` to measure the current code" : null;
}

export const scorers: Benchmark = {
  name: "scorers",
  description: "RunManager.run over 100k stored traces (trivial and trace-walking scorer) vs reading the same traces",
  flags: { traces: "100000", workers: "pool default = min(2, cores)", "batch-size": "100", "deadline-s": "120" },
  async run(opts): Promise<BenchResult> {
    const nTraces = intFlag(opts, "traces", 100_000, 100);
    const workers = opts.flags.has("workers") ? intFlag(opts, "workers", 2, 1, 64) : undefined;
    const batchSize = intFlag(opts, "batch-size", 100, 1);
    const deadlineMs = intFlag(opts, "deadline-s", 120, 5) * 1000;
    const workerScript = path.join(REPO_ROOT, "dist/scorerWorker.js");
    const sdkEntry = path.join(REPO_ROOT, "dist/sdk/index.js");
    for (const f of [workerScript, sdkEntry]) {
      if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO_ROOT, f)} is missing: run \`node scripts/build.mjs\` first`);
    }
    const notes: string[] = [`machine: ${loadNote()} at start`];
    const stale = staleDistWarning();
    if (stale) notes.push(`WARNING: ${stale}`);
    const dir = makeTmpDir("scorers");
    let pool: ScorerWorkerPool | null = null;
    let manager: RunManager | null = null;
    try {
      const file = path.join(dir, "store.db");
      const db = openDatabase(file);

      console.log(`  building ${fmtNum(nTraces)} traces through SpanWriter…`);
      const b0 = performance.now();
      const build = buildStore(db, nTraces, Date.now() - 3_600_000 - nTraces * 50, TEMPLATE_TRACES);
      const buildMs = performance.now() - b0;
      const stored = {
        traces: db.prepare("SELECT count(*) FROM traces").pluck().get() as number,
        spans: db.prepare("SELECT count(*) FROM spans").pluck().get() as number,
        bytes: fs.statSync(file).size,
      };
      const buildTable: Table = {
        title: "Store build (setup, not the measurement)",
        columns: ["step", "time", "rate"],
        rows: [
          [`generate ${fmtNum(build.templates)} distinct traces, encode OTLP protobuf, decode + normalize (as ingest does)`, fmtMs(build.generateMs), `${fmtNum(perSec(build.templates, build.generateMs))} traces/s`],
          [`copy them to ${fmtNum(build.traces)} traces (fresh random ids, later start times)`, fmtMs(build.copyMs), `${fmtNum(perSec(build.traces, build.copyMs))} traces/s`],
          [`SpanWriter: ${fmtNum(TRACES_PER_WRITE * 10)} spans per transaction (build only: synchronous=OFF, no auto-checkpoint)`, fmtMs(build.writeMs), `${fmtNum(perSec(build.spans, build.writeMs))} spans/s`],
          ["WAL checkpoint", fmtMs(build.checkpointMs), "–"],
          [`total: ${fmtNum(stored.traces)} traces / ${fmtNum(stored.spans)} spans, ${fmtBytes(stored.bytes)}`, fmtMs(buildMs), `${fmtNum(perSec(stored.traces, buildMs))} traces/s`],
        ],
      };

      const scorerDir = path.join(dir, "ws");
      fs.mkdirSync(scorerDir);
      const scorerFile = path.join(scorerDir, "scorers.ts");
      fs.writeFileSync(scorerFile, SCORER_FILE);

      const queries = new TraceQueries(db);
      const assessmentQueries = new AssessmentQueries(db);
      pool = new ScorerWorkerPool({ workerScript, batchSize, timeoutMs: 30_000, ...(workers ? { size: workers } : {}) });
      const ins = instrument(db, queries, pool, sdkEntry);
      manager = ins.manager;
      const selection = { kind: "lastN" as const, n: nTraces };
      const ids = manager.resolveSelection(selection);
      const subset = ids.filter((_, k) => k % Math.max(1, Math.floor(ids.length / 10_000)) === 0).slice(0, 10_000);

      // Cold start: bundle the file (esbuild), start the workers, compile the bundle in them.
      console.log(`  cold start: answer_length on the last 1,000 traces…`);
      const cold = await measureRun(ins, { file: scorerFile, scorerName: "answerLength", selection: { kind: "lastN", n: Math.min(1000, nTraces) }, aggregations: ["mean", "min", "max"] }, deadlineMs);
      // Reset: the 1,000 assessments of the cold run would make the first baseline and run differ.
      db.prepare("DELETE FROM assessments").run();

      const reqs: Array<{ req: RunRequest; label: string }> = [
        { label: "(a) answer_length: String(outputs).length", req: { file: scorerFile, scorerName: "answerLength", selection, aggregations: ["mean", "min", "max"] } },
        { label: "(b) tool_audit: searchSpans(TOOL) + walk all attributes", req: { file: scorerFile, scorerName: "toolAudit", selection, aggregations: null } },
      ];
      console.log(`  baseline: loadTrace's reads for ${fmtNum(ids.length)} traces on the main thread…`);
      const rssBefore = process.memoryUsage().rss;
      const base = readAll(ids, queries, assessmentQueries);
      const baseRate = perSec(base.traces, base.ms);
      const measured: Array<{ label: string; steps: ReadSteps; run: RunMeasure; stored: number; rssBefore: number }> = [];
      for (const [k, { req, label }] of reqs.entries()) {
        // Every run sees the store the baseline read: no assessments (the run's loads read them too).
        if (k > 0) db.prepare("DELETE FROM assessments").run();
        // The read cost again on a subset, step by step: shows drift since the baseline (shared machine).
        const steps = readSteps(db, subset, queries, assessmentQueries, pool.batchSize);
        console.log(`  RunManager.run(${req.scorerName}, last ${fmtNum(nTraces)})…`);
        const before = process.memoryUsage().rss;
        const run = await measureRun(ins, req, deadlineMs);
        const stored = db.prepare("SELECT count(*) FROM assessments WHERE run_id = ?").pluck().get(run.run.runId) as number;
        measured.push({ label, steps, run, stored, rssBefore: before });
      }
      const sample = db.prepare("SELECT name, value, rationale FROM assessments WHERE name = 'tool_audit' LIMIT 1").get() as
        | { name: string; value: string; rationale: string }
        | undefined;
      await manager.dispose();
      manager = null;
      pool = null;
      db.close();

      const poolSize = ins.pool.size;
      const ratioOf = (m: RunMeasure) => baseRate / perSec(m.traces, m.wallMs);
      const main: Table = {
        title: `Scorer runs through RunManager, ${fmtNum(nTraces)} traces, pool of ${poolSize} worker${poolSize === 1 ? "" : "s"} (batch ${ins.pool.batchSize}) on ${machineInfo().cpus} cores`,
        columns: ["", "traces", "time", "traces/s", "ratio (time / read time)", "goal", "main-thread CPU", "CPU ratio"],
        rows: [
          ["baseline: getSummary + getSpans + listForTrace per trace, main thread (= loadTrace)", fmtNum(base.traces), fmtMs(base.ms), fmtNum(baseRate), "1.00×", "–", fmtMs(base.cpuMs), "1.00×"],
          ...measured.map((m) => [
            `${m.label}${m.run.cancelled ? ` (CANCELLED at the ${deadlineMs / 1000} s deadline)` : ""}`,
            fmtNum(m.run.traces),
            fmtMs(m.run.wallMs),
            fmtNum(perSec(m.run.traces, m.run.wallMs)),
            fmtRatio(ratioOf(m.run)),
            "≤ 2×",
            fmtMs(m.run.mainCpuMs),
            fmtRatio(m.run.mainCpuMs / m.run.traces / (base.cpuMs / base.traces)),
          ]),
          [`cold start: answer_length on the last ${fmtNum(cold.traces)} (bundle + ${cold.poolStarted} worker starts + compile)`, fmtNum(cold.traces), fmtMs(cold.wallMs), fmtNum(perSec(cold.traces, cold.wallMs)), "–", "–", fmtMs(cold.mainCpuMs), "–"],
        ],
      };

      const breakdown: Table = {
        title: "Where a run's time goes (main thread unless noted; the main thread's loads and the workers' calls overlap)",
        columns: ["step", ...measured.map((m) => m.run.scorer), ...measured.map((m) => `% of ${m.run.scorer} wall`)],
        rows: [],
      };
      const row = (label: string, f: (m: RunMeasure) => number) =>
        breakdown.rows.push([label, ...measured.map((m) => fmtMs(f(m.run))), ...measured.map((m) => pct(f(m.run), m.run.wallMs))]);
      const info = (label: string, f: (m: (typeof measured)[number]) => string) => breakdown.rows.push([label, ...measured.map(f), ...measured.map(() => "–")]);
      row("wall time of RunManager.run", (m) => m.wallMs);
      row(`resolve selection (SELECT ${fmtNum(nTraces)} ids; timed separately)`, (m) => m.resolveMs);
      row("loadTrace on the main thread (getSummary + getSpans + listForTrace)", (m) => m.loadMs);
      row("RunStore.saveResults (run_results + assessments, 1 txn)", (m) => m.saveMs);
      row("aggregate (re-timed on the same feedbacks)", (m) => m.aggregateMs);
      row("rest of main thread + idle (postMessage copies, results, scheduling, waiting)", (m) => m.wallMs - m.resolveMs - m.loadMs - m.saveMs - m.aggregateMs);
      row("scorer calls in the workers, summed (TraceScore.durationMs)", (m) => m.workerCallMs);
      row(`  … per worker (÷ ${poolSize})`, (m) => m.workerCallMs / poolSize);
      info("loadTrace per trace inside the run vs in the baseline", (m) => `${((m.run.loadMs / Math.max(1, m.run.loads)) * 1000).toFixed(0)} vs ${((base.ms / base.traces) * 1000).toFixed(0)} µs`);
      info("main thread event-loop utilization (busy share of wall)", (m) => `${(m.run.mainElu * 100).toFixed(0)}%`);
      info("main-thread CPU / wall (< ELU: the thread waited for a core)", (m) => `${((m.run.mainCpuMs / m.run.wallMs) * 100).toFixed(0)}%`);
      info("process CPU (all threads) / wall = cores busy", (m) => (m.run.cpuMs / m.run.wallMs).toFixed(2));
      info("process RSS before → after (workers' heaps included)", (m) => `${fmtBytes(m.rssBefore)} → ${fmtBytes(m.run.rssBytes)}`);
      info("assessments stored by the run", (m) => fmtNum(m.stored));

      const us = (ms: number, n: number) => `${((ms / Math.max(1, n)) * 1000).toFixed(1)} µs`;
      const stepTable: Table = {
        title: `The read cost step by step on a ${fmtNum(subset.length)}-trace subset, just before each run (per trace), and the copy to the workers`,
        columns: ["step", ...measured.map((m) => `before ${m.run.scorer}`)],
        rows: [
          ["getSummary", ...measured.map((m) => us(m.steps.summaryMs, m.steps.traces))],
          ["getSpans (10 spans: SELECT, sort, JSON.parse, fromRow)", ...measured.map((m) => us(m.steps.spansMs, m.steps.traces))],
          ["listForTrace (prepare + SELECT assessments)", ...measured.map((m) => us(m.steps.assessmentsMs, m.steps.traces))],
          ["  (for comparison: the same SELECT + mapping with a statement prepared once)", ...measured.map((m) => us(m.steps.assessmentsCachedMs, m.steps.traces))],
          ["= read cost per trace (full baseline: " + us(base.ms, base.traces) + ")", ...measured.map((m) => us(m.steps.summaryMs + m.steps.spansMs + m.steps.assessmentsMs, m.steps.traces))],
          [`v8.serialize of batches of ${ins.pool.batchSize} (the structured clone postMessage makes)`, ...measured.map((m) => us(m.steps.serializeMs, m.steps.traces))],
          ["serialized bytes per trace", ...measured.map((m) => fmtBytes(Math.round(m.steps.serializedBytes / Math.max(1, m.steps.traces))))],
        ],
      };

      notes.push(
        `pool: ${poolSize} workers (${workers ? "--workers" : "ScorerWorkerPool's default min(2, availableParallelism)"}), batch ${ins.pool.batchSize}, worker ${path.relative(REPO_ROOT, workerScript)}, SDK ${path.relative(REPO_ROOT, sdkEntry)}`,
      );
      notes.push(`process RSS before the baseline: ${fmtBytes(rssBefore)}`);
      notes.push(
        `CPU ratio = main-thread CPU per trace in the run / in the baseline (process.threadCpuUsage): the main thread is the run's bottleneck, and CPU time is less disturbed than wall time by other work on a shared machine; baseline main thread got ${((base.cpuMs / base.ms) * 100).toFixed(0)}% of a core`,
      );
      if (sample) notes.push(`sample tool_audit assessment: value ${sample.value}, rationale "${sample.rationale}"`);
      for (const m of measured) {
        const agg = m.run.run.aggregates.map((a) => `${a.name}=${Number(a.value).toFixed(3)}`).join(", ");
        notes.push(`${m.run.scorer}: status ${m.run.run.status}, scored ${fmtNum(m.run.run.scoredCount)}, errors ${m.run.run.errorCount}; aggregates ${agg || "none"}`);
      }
      notes.push(`machine: ${loadNote()} at end`);

      const [a, b] = measured;
      const rate = (m: (typeof measured)[number] | undefined) => (m ? `${fmtNum(perSec(m.run.traces, m.run.wallMs))} traces/s (${fmtRatio(ratioOf(m.run))} the read time)` : "n/a");
      return {
        name: "scorers",
        status: "ok",
        summary: `answer_length ${rate(a)}, tool_audit ${rate(b)}; read baseline ${fmtNum(baseRate)} traces/s; ${poolSize} workers, ${fmtNum(nTraces)} traces (goal ≤ 2×)`,
        tables: [buildTable, main, breakdown, stepTable],
        notes,
        metrics: {
          machine: machineInfo(),
          config: { traces: nTraces, poolSize, batchSize: ins.pool.batchSize, deadlineMs },
          build: { ...build, totalMs: buildMs, dbBytes: stored.bytes },
          baseline: { ...base, tracesPerSec: baseRate },
          cold: { ...cold, run: undefined, status: cold.run.status },
          runs: measured.map((m) => ({
            label: m.label,
            steps: m.steps,
            assessmentsStored: m.stored,
            rssBefore: m.rssBefore,
            run: { ...m.run, tracesPerSec: perSec(m.run.traces, m.run.wallMs) },
            ratio: ratioOf(m.run),
          })),
        },
      };
    } finally {
      if (manager) await manager.dispose().catch(() => undefined);
      else if (pool) await pool.dispose().catch(() => undefined);
      rmTmpDir(dir);
    }
  },
};
