/**
 * Scorer runs over a big store, end to end through the server's RunManager
 * (server/scorers/runManager.ts): resolve the selection (`lastN` = every trace), bundle the scorer
 * file, run each scorer as one job of the worker pool (all of a run's jobs at once), store
 * run_results + one assessment per trace and scorer, aggregate.
 *
 * Three scorers from one file in a temp folder:
 * - `answer_length`: `({ outputs }) => String(outputs).length` — the runtime's fixed cost per trace;
 * - `tool_audit`: `trace.searchSpans({ spanType: "TOOL" })` plus a walk over every span's attributes;
 * - `keyword_relevance`: the share of the question's keywords (inputs) that the answer (outputs) uses.
 *
 * Two read paths, each with its own RunManager on the same store (and its own pool):
 * - "workers read" (the default): the main thread sends trace ids; each worker reads its batches on a
 *   read-only connection of its own (traceLoader + openReadOnly);
 * - "main reads" (`workersRead: false`, the old path): the main thread reads each batch's traces
 *   (traceLoader on its connection) and posts them to a worker.
 *
 * Baselines, in the same run: what traceLoader does for each trace id — `getSummary` + `getSpans`
 * + `listForTrace` — with nothing else, (1) on the main thread (the goal: a one-scorer run ≤ 2× this
 * read time) and (2) split over as many worker threads as the pool has, each with its own read-only
 * connection (the best the workers-read path can do on this machine). The store has no assessments
 * when they are read, and each run starts from that state (the previous run's are deleted). Just
 * before each run the read cost is re-measured step by step on a 10k-trace subset (drift check).
 *
 * Measured per run (never asserted): wall time, traces/s and the ratio to the read time; the
 * selection (a wrapper on `manager.resolveSelection`), the pool phase (selection end → first
 * saveResults: bundle, workers read + score), each `RunStore.saveResults` (a wrapper on
 * `manager.store.saveResults`), what follows the saves (aggregates, error count, run row), and
 * `aggregate` re-timed on the same feedbacks; main-thread event-loop utilization and CPU
 * (process.threadCpuUsage), process CPU (so worker CPU = process − main), RSS. The TraceQueries
 * handed to each RunManager counts its getSummary/getSpans calls: 0 on the workers-read path (checked),
 * one per trace and scorer on the old path.
 *
 * Store: --traces realistic 10-span traces (bench/lib/genaiTraces.ts) written through the server's
 * SpanWriter, 20,000 spans per transaction. 2,000 distinct traces are generated, encoded as OTLP
 * protobuf and decoded + normalized as ingest does; the rest are copies of those with fresh random
 * ids and later start times (the protobuf round trip of 1M spans would dominate the wall time).
 * The build is timed separately; it is setup, not the measurement.
 *
 * Runs from source (tsx) with the built worker and SDK (`node scripts/build.mjs`):
 * RunManagerOptions.pool = { workerScript: dist/scorerWorker.js, batchSize, size }, sdkEntry =
 * dist/sdk/index.js. The parallel read baseline runs this file as a worker thread (tsx is inherited).
 *
 * Flags: --traces (100000) --workers (pool default: min(2, cores)) --batch-size (100)
 * --deadline-s (120 per scorer in a run; the 3-scorer run gets 3×)
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import type { EvalRun, TraceScore, TraceSelection } from "../protocol/scoring";
import { aggregate } from "../sdk/scoring/aggregate";
import { RunManager, type RunScorerSpec } from "../server/scorers/runManager";
import { openReadOnly, traceLoader } from "../server/scorers/runtime/traceLoader";
import { ScorerWorkerPool, type WorkerPoolOptions } from "../server/scorers/runtime/workerPool";
import type { ScorableTrace } from "../server/scorers/runtime/workerProtocol";
import { AssessmentQueries } from "../server/store/assessmentQueries";
import { openDatabase, type Db } from "../server/store/db";
import { TraceQueries } from "../server/store/traceQueries";
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
import { buildTraceStore } from "./lib/traceStore";

const TRACES_PER_WRITE = 2_000; // as bench/lib/traceStore.ts writes: 20,000 spans per SpanWriter flush (one transaction)
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

const STOP_WORDS = new Set(["what", "which", "when", "where", "does", "have", "with", "that", "this", "from", "your", "about", "there", "would", "could", "should"]);
const text = (v: unknown): string =>
  typeof v === "string" ? v : v && typeof v === "object" ? Object.values(v).filter((x) => typeof x === "string").join(" ") : "";
const words = (v: unknown): string[] => text(v).toLowerCase().match(/[a-z]{4,}/g) ?? [];

/** (c) Inputs + outputs: the share of the question's keywords that the answer uses. */
export const keywordRelevance = scorer(
  { name: "keyword_relevance", aggregations: ["mean", "p90"] },
  ({ inputs, outputs }: { inputs: unknown; outputs: unknown }) => {
    const asked = new Set(words(inputs).filter((w) => !STOP_WORDS.has(w)));
    if (asked.size === 0) return new Feedback({ value: 0, rationale: "no keywords in the inputs" });
    const said = new Set(words(outputs));
    const hits = [...asked].filter((w) => said.has(w));
    return new Feedback({ value: hits.length / asked.size, rationale: \`\${hits.length}/\${asked.size} keywords: \${hits.join(", ")}\` });
  },
);
`;

const SCORERS = {
  answerLength: { scorerName: "answerLength", aggregations: ["mean", "min", "max"] },
  toolAudit: { scorerName: "toolAudit", aggregations: null },
  keywordRelevance: { scorerName: "keywordRelevance", aggregations: ["mean", "p90"] },
} satisfies Record<string, Omit<RunScorerSpec, "file">>;

function threadCpuMs(): number {
  if (typeof process.threadCpuUsage !== "function") return NaN;
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

interface ReadBaseline {
  traces: number;
  ms: number;
  /** CPU time of the reading thread(s), summed. */
  cpuMs: number;
  spans: number;
}

/** traceLoader for every id (what each path reads per trace), with nothing else. */
function readIds(ids: readonly string[], load: (id: string) => ScorableTrace | null): ReadBaseline {
  let spans = 0;
  let found = 0;
  const c0 = threadCpuMs();
  const t0 = performance.now();
  for (const id of ids) {
    const detail = load(id);
    if (!detail) continue;
    spans += detail.spans.length;
    found++;
  }
  return { traces: found, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0, spans };
}

/** workerData of this file run as a read worker (the parallel baseline). */
interface ReadJob {
  benchReadJob: true;
  dbPath: string;
  ids: string[];
}

function isReadJob(v: unknown): v is ReadJob {
  return typeof v === "object" && v !== null && (v as { benchReadJob?: unknown }).benchReadJob === true;
}

/** In a worker: open the store read-only (as a scorer worker does), say "ready", read on "go". */
function readWorkerMain(job: ReadJob): void {
  const port = parentPort;
  if (!port) throw new Error("not a worker thread");
  const load = traceLoader(openReadOnly(job.dbPath));
  port.once("message", () => port.postMessage(readIds(job.ids, load)));
  port.postMessage("ready");
}

/**
 * The same reads split over `threads` worker threads, each with its own read-only connection; ids in
 * batches of `batchSize` dealt round robin, as the pool deals them. Timed from "go" to the last result.
 */
async function parallelRead(dbPath: string, ids: readonly string[], threads: number, batchSize: number): Promise<ReadBaseline & { threads: number }> {
  const shares: string[][] = Array.from({ length: threads }, () => []);
  for (let k = 0; k < ids.length; k++) shares[Math.floor(k / batchSize) % threads]?.push(ids[k] as string);
  const workers = shares.map((share) => new Worker(__filename, { workerData: { benchReadJob: true, dbPath, ids: share } satisfies ReadJob }));
  try {
    const message = (w: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        w.once("message", resolve);
        w.once("error", reject);
      });
    await Promise.all(workers.map(message));
    const t0 = performance.now();
    const done = workers.map(message);
    for (const w of workers) w.postMessage("go");
    const results = (await Promise.all(done)) as ReadBaseline[];
    const ms = performance.now() - t0;
    const sum = (f: (r: ReadBaseline) => number) => results.reduce((a, r) => a + f(r), 0);
    return { traces: sum((r) => r.traces), ms, cpuMs: sum((r) => r.cpuMs), spans: sum((r) => r.spans), threads };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

interface ReadSteps {
  traces: number;
  summaryMs: number;
  spansMs: number;
  assessmentsMs: number;
  /** v8.serialize of the loaded traces in batches of `batchSize`: the structured clone the old path's postMessage makes. */
  serializeMs: number;
  serializedBytes: number;
}

/** The same reads step by step (on a subset), plus the copy postMessage makes of each batch on the old path. */
function readSteps(ids: readonly string[], queries: TraceQueries, assessments: AssessmentQueries, batchSize: number): ReadSteps {
  const out: ReadSteps = { traces: 0, summaryMs: 0, spansMs: 0, assessmentsMs: 0, serializeMs: 0, serializedBytes: 0 };
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
    out.summaryMs += b - a;
    out.spansMs += c - b;
    out.assessmentsMs += performance.now() - c;
    out.traces++;
    batch.push({ traceId: id, detail: { summary, spans, assessments: list } });
    if (batch.length === batchSize) flush();
  }
  if (batch.length > 0) flush();
  return out;
}

type Mode = "workers" | "main";

interface SaveCall {
  scorer: string;
  start: number;
  ms: number;
  results: readonly TraceScore[];
}

/** A RunManager with its public methods wrapped to time the steps of a run. */
interface Probe {
  manager: RunManager;
  mode: Mode;
  t: { selectMs: number; selectEnd: number; saves: SaveCall[]; mainReads: number; mainReadMs: number };
}

function makeProbe(db: Db, sdkEntry: string, pool: WorkerPoolOptions, mode: Mode): Probe {
  const t: Probe["t"] = { selectMs: 0, selectEnd: 0, saves: [], mainReads: 0, mainReadMs: 0 };
  // The main thread's reads go through this TraceQueries (old path): count and time them.
  const queries = new TraceQueries(db);
  const getSummary = queries.getSummary.bind(queries);
  const getSpans = queries.getSpans.bind(queries);
  queries.getSummary = (id) => {
    const a = performance.now();
    t.mainReads++;
    const r = getSummary(id);
    t.mainReadMs += performance.now() - a;
    return r;
  };
  queries.getSpans = (id) => {
    const a = performance.now();
    const r = getSpans(id);
    t.mainReadMs += performance.now() - a;
    return r;
  };
  const manager = new RunManager({ db, queries, sdkEntry, timeoutMs: 30_000, pool, workersRead: mode === "workers" });
  const resolve = manager.resolveSelection.bind(manager);
  manager.resolveSelection = (s) => {
    const a = performance.now();
    const r = resolve(s);
    t.selectEnd = performance.now();
    t.selectMs = t.selectEnd - a;
    return r;
  };
  const store = manager.store;
  const save = store.saveResults.bind(store);
  store.saveResults = (runId, scorer, results, rows) => {
    const start = performance.now();
    save(runId, scorer, results, rows);
    t.saves.push({ scorer, start, ms: performance.now() - start, results });
  };
  return { manager, mode, t };
}

interface RunMeasure {
  label: string;
  mode: Mode;
  run: EvalRun;
  traces: number;
  wallMs: number;
  selectMs: number;
  /** Selection end → first saveResults: bundle, then the pool (workers read + score; old path: main thread reads too). */
  poolMs: number;
  saves: Array<{ scorer: string; ms: number; count: number }>;
  /** After the last saveResults until run() returns: aggregates, error count, run row. */
  tailMs: number;
  /** aggregate() re-timed on the same feedbacks, all scorers. */
  aggregateMs: number;
  /** Sum of TraceScore.durationMs over all scorers: the scorer calls inside the workers (reads excluded). */
  workerCallMs: number;
  mainReads: number;
  mainReadMs: number;
  mainElu: number;
  mainCpuMs: number;
  /** All threads of the process. */
  cpuMs: number;
  rssBefore: number;
  rssAfter: number;
  stored: number;
}

async function measureRun(p: Probe, db: Db, label: string, scorers: RunScorerSpec[], selection: TraceSelection, deadlineMs: number): Promise<RunMeasure> {
  const { manager, t } = p;
  Object.assign(t, { selectMs: 0, selectEnd: 0, saves: [], mainReads: 0, mainReadMs: 0 });
  const runId = `bench-${p.mode}-${scorers.map((s) => s.scorerName).join("+")}-${Date.now().toString(36)}`;
  const timer = setTimeout(() => manager.cancel(runId), deadlineMs);
  const rssBefore = process.memoryUsage().rss;
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuMs();
  const t0 = performance.now();
  const run = await manager.run({ scorers, selection, runId });
  const end = performance.now();
  const mainCpuMs = threadCpuMs() - main0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  clearTimeout(timer);
  if (run.status === "failed") throw new Error(`run ${label} failed: ${run.message ?? "?"}`);
  const saves = t.saves.slice();
  const last = saves[saves.length - 1];
  if (!last || saves.length !== scorers.length) throw new Error(`run ${label}: saveResults ran ${saves.length} times for ${scorers.length} scorers`);
  if (p.mode === "workers" && t.mainReads > 0) throw new Error(`run ${label}: the main thread read ${t.mainReads} traces although the workers read`);
  if (p.mode === "main" && t.mainReads < run.scoredCount) throw new Error(`run ${label}: the main thread read ${t.mainReads} traces for ${run.scoredCount} scored`);
  let aggregateMs = 0;
  let workerCallMs = 0;
  saves.forEach((s, i) => {
    for (const r of s.results) workerCallMs += r.durationMs;
    const a0 = performance.now();
    aggregate(
      s.results.flatMap((r) => r.feedbacks).map((f) => ({ name: f.name, value: f.value, error: f.error })),
      (scorers[i]?.aggregations ?? null) as Parameters<typeof aggregate>[1],
    );
    aggregateMs += performance.now() - a0;
  });
  return {
    label,
    mode: p.mode,
    run,
    traces: run.status === "cancelled" ? run.scoredCount : run.traceCount,
    wallMs: end - t0,
    selectMs: t.selectMs,
    poolMs: (saves[0]?.start ?? end) - t.selectEnd,
    saves: saves.map((s) => ({ scorer: s.scorer, ms: s.ms, count: s.results.length })),
    tailMs: end - (last.start + last.ms),
    aggregateMs,
    workerCallMs,
    mainReads: t.mainReads,
    mainReadMs: t.mainReadMs,
    mainElu: elu.utilization,
    mainCpuMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBefore,
    rssAfter: process.memoryUsage().rss,
    stored: db.prepare("SELECT count(*) FROM assessments WHERE run_id = ?").pluck().get(runId) as number,
  };
}

const perSec = (n: number, ms: number) => (n / ms) * 1000;
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;
const msPct = (ms: number, whole: number) => `${fmtMs(ms)} (${pct(ms, whole)})`;
const us = (ms: number, n: number) => `${((ms / Math.max(1, n)) * 1000).toFixed(1)} µs`;
const saveSum = (m: RunMeasure) => m.saves.reduce((a, s) => a + s.ms, 0);

function staleDistWarning(): string | null {
  const worker = path.join(REPO_ROOT, "dist/scorerWorker.js");
  const built = fs.statSync(worker).mtimeMs;
  const dirs = ["server/scorers/runtime", "server/store", "sdk", "protocol"];
  const newest = Math.max(...dirs.map((d) => newestSourceMtime(path.join(REPO_ROOT, d))));
  return newest > built ? `dist/scorerWorker.js is older than the sources in ${dirs.join(", ")}: run \`node scripts/build.mjs\` to measure the current code` : null;
}

interface Planned {
  probe: Probe;
  short: string;
  label: string;
  scorers: RunScorerSpec[];
}

export const scorers: Benchmark = {
  name: "scorers",
  description: "RunManager.run over 100k stored traces: one scorer (workers read vs main thread reads) and 3 at once, vs reading the same traces",
  flags: { traces: "100000", workers: "pool default = min(2, cores)", "batch-size": "100", "deadline-s": "120 per scorer in a run" },
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
    const probes: Probe[] = [];
    try {
      const file = path.join(dir, "store.db");
      const db = openDatabase(file);

      console.log(`  building ${fmtNum(nTraces)} traces through SpanWriter…`);
      const b0 = performance.now();
      const build = buildTraceStore(db, nTraces, Date.now() - 3_600_000 - nTraces * 50, TEMPLATE_TRACES);
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
      const spec = (k: keyof typeof SCORERS): RunScorerSpec => ({ file: scorerFile, ...SCORERS[k] });

      const poolOpts: WorkerPoolOptions = { workerScript, batchSize, ...(workers ? { size: workers } : {}) };
      const sizing = new ScorerWorkerPool(poolOpts); // never started: only its resolved size and batch size
      const poolSize = sizing.size;
      await sizing.dispose();
      const fast = makeProbe(db, sdkEntry, poolOpts, "workers");
      const old = makeProbe(db, sdkEntry, poolOpts, "main");
      probes.push(fast, old);
      const selection: TraceSelection = { kind: "lastN", n: nTraces };
      const ids = fast.manager.resolveSelection(selection).ids;
      const subset = ids.filter((_, k) => k % Math.max(1, Math.floor(ids.length / 10_000)) === 0).slice(0, 10_000);
      const queries = new TraceQueries(db);
      const assessmentQueries = new AssessmentQueries(db);
      const clearAssessments = () => db.prepare("DELETE FROM assessments").run();

      // Cold start, per path: bundle the file (esbuild), start the workers (open the store), compile the bundle in them.
      const cold: RunMeasure[] = [];
      for (const p of [fast, old]) {
        console.log(`  cold start (${p.mode === "workers" ? "workers read" : "main thread reads"}): answer_length on the last 1,000 traces…`);
        cold.push(await measureRun(p, db, `cold ${p.mode}`, [spec("answerLength")], { kind: "lastN", n: Math.min(1000, nTraces) }, deadlineMs));
      }
      clearAssessments(); // the baselines and every run read a store without assessments

      console.log(`  baseline: traceLoader's reads for ${fmtNum(ids.length)} traces on the main thread…`);
      const rssBefore = process.memoryUsage().rss;
      const base = readIds(ids, traceLoader(db, queries));
      const baseRate = perSec(base.traces, base.ms);
      console.log(`  baseline: the same reads on ${poolSize} worker threads (read-only connections)…`);
      const par = await parallelRead(file, ids, poolSize, batchSize);
      const parRate = perSec(par.traces, par.ms);

      const plan: Planned[] = [
        { probe: fast, short: "a, workers read", label: "(a) answer_length, workers read", scorers: [spec("answerLength")] },
        { probe: old, short: "a, main reads", label: "(a) answer_length, main thread reads (workersRead: false)", scorers: [spec("answerLength")] },
        { probe: fast, short: "b, workers read", label: "(b) tool_audit, workers read", scorers: [spec("toolAudit")] },
        { probe: old, short: "b, main reads", label: "(b) tool_audit, main thread reads (workersRead: false)", scorers: [spec("toolAudit")] },
        {
          probe: fast,
          short: "3 scorers, workers read",
          label: "(c) 3 scorers at once: answer_length + tool_audit + keyword_relevance, workers read",
          scorers: [spec("answerLength"), spec("toolAudit"), spec("keywordRelevance")],
        },
      ];
      const measured: Array<{ plan: Planned; steps: ReadSteps; m: RunMeasure }> = [];
      for (const item of plan) {
        clearAssessments();
        // The read cost again on a subset, step by step: shows drift since the baseline (shared machine).
        const steps = readSteps(subset, queries, assessmentQueries, batchSize);
        console.log(`  RunManager.run: ${item.label}, last ${fmtNum(nTraces)}…`);
        const m = await measureRun(item.probe, db, item.label, item.scorers, selection, deadlineMs * item.scorers.length);
        measured.push({ plan: item, steps, m });
      }
      const sample = (name: string) =>
        db.prepare("SELECT value, rationale FROM assessments WHERE name = ? LIMIT 1").get(name) as { value: string; rationale: string | null } | undefined;
      const samples = ["tool_audit", "keyword_relevance"].map((n) => ({ n, s: sample(n) }));
      for (const p of probes.splice(0)) await p.manager.dispose();
      db.close();

      const ratioOf = (m: RunMeasure) => baseRate / perSec(m.traces, m.wallMs);
      const cpuPerTrace = (cpuMs: number, traces: number) => us(cpuMs, traces);
      const main: Table = {
        title: `Scorer runs through RunManager, ${fmtNum(nTraces)} traces, pool of ${poolSize} worker${poolSize === 1 ? "" : "s"} (batch ${batchSize}) on ${machineInfo().cpus} cores`,
        columns: ["", "traces", "time", "traces/s", "ratio (time / read time)", "goal", "main-thread ELU", "main-thread CPU / trace", "all-threads CPU / trace (÷ read's)", "cores busy"],
        rows: [
          ["baseline: traceLoader (getSummary + getSpans + listForTrace) per trace, main thread", fmtNum(base.traces), fmtMs(base.ms), fmtNum(baseRate), "1.00×", "–", "–", cpuPerTrace(base.cpuMs, base.traces), `${cpuPerTrace(base.cpuMs, base.traces)} (1.00×)`, (base.cpuMs / base.ms).toFixed(2)],
          [
            `baseline: the same on ${par.threads} worker threads, each its own read-only connection`,
            fmtNum(par.traces),
            fmtMs(par.ms),
            fmtNum(parRate),
            fmtRatio(baseRate / parRate),
            "–",
            "–",
            "–",
            `${cpuPerTrace(par.cpuMs, par.traces)} (${fmtRatio(par.cpuMs / par.traces / (base.cpuMs / base.traces))})`,
            (par.cpuMs / par.ms).toFixed(2),
          ],
          ...measured.map(({ m, plan: p }) => [
            `${m.label}${m.run.status === "cancelled" ? ` (CANCELLED at the ${(deadlineMs * p.scorers.length) / 1000} s deadline)` : ""}`,
            fmtNum(m.traces),
            fmtMs(m.wallMs),
            fmtNum(perSec(m.traces, m.wallMs)),
            fmtRatio(ratioOf(m)),
            p.scorers.length === 1 ? "≤ 2×" : "–",
            pct(m.mainElu, 1),
            cpuPerTrace(m.mainCpuMs, m.traces),
            `${cpuPerTrace(m.cpuMs, m.traces)} (${fmtRatio(m.cpuMs / m.traces / (base.cpuMs / base.traces))})`,
            (m.cpuMs / m.wallMs).toFixed(2),
          ]),
          ...cold.map((m) => [
            `cold start (${m.mode === "workers" ? "workers read" : "main reads"}): answer_length on the last ${fmtNum(m.traces)} (bundle + worker starts + compile)`,
            fmtNum(m.traces),
            fmtMs(m.wallMs),
            fmtNum(perSec(m.traces, m.wallMs)),
            "–",
            "–",
            pct(m.mainElu, 1),
            "–",
            "–",
            (m.cpuMs / m.wallMs).toFixed(2),
          ]),
        ],
      };

      const three = measured[measured.length - 1]?.m;
      const issue6: Table | null = three
        ? {
            title: `3 code scorers over ${fmtNum(three.traces)} stored traces end to end (one RunManager.run: select, run, store assessments, aggregate), workers read`,
            columns: ["step", "time", "% of wall", "rate"],
            rows: [
              [`selection (resolveSelection: ${fmtNum(three.traces)} ids)`, fmtMs(three.selectMs), pct(three.selectMs, three.wallMs), "–"],
              [
                "run: bundle + 3 pool jobs at once (each worker reads its batch's traces, then scores; a trace is read once per scorer)",
                fmtMs(three.poolMs),
                pct(three.poolMs, three.wallMs),
                `${fmtNum(perSec(three.traces * three.saves.length, three.poolMs))} trace×scorer/s`,
              ],
              ...three.saves.map((s) => [`saveResults ${s.scorer} (run_results + assessments, 1 txn)`, fmtMs(s.ms), pct(s.ms, three.wallMs), `${fmtNum(perSec(s.count, s.ms))} rows/s`]),
              ["after the saves: aggregates + error count + run row", fmtMs(three.tailMs), pct(three.tailMs, three.wallMs), "–"],
              ["  aggregate() of the 3 scorers, re-timed on the same feedbacks", fmtMs(three.aggregateMs), pct(three.aggregateMs, three.wallMs), "–"],
              ["= RunManager.run wall", fmtMs(three.wallMs), "100%", `${fmtNum(perSec(three.traces, three.wallMs))} traces/s`],
              ["read baseline: the same traces once, main thread", fmtMs(base.ms), "–", `${fmtNum(baseRate)} traces/s`],
              [`read baseline: the same traces once, ${par.threads} worker threads`, fmtMs(par.ms), "–", `${fmtNum(parRate)} traces/s`],
              ["ratio: run wall / main-thread read time", fmtRatio(ratioOf(three)), "–", "–"],
              ["ratio: run wall / (3 × main-thread read time): the reads the run makes", fmtRatio(ratioOf(three) / 3), "–", "–"],
            ],
          }
        : null;

      const breakdown: Table = {
        title: "Where a run's time goes (main thread unless noted; the pool phase and the workers overlap)",
        columns: ["step", ...measured.map(({ plan: p }) => p.short)],
        rows: [],
      };
      const row = (label: string, f: (m: RunMeasure) => string) => breakdown.rows.push([label, ...measured.map(({ m }) => f(m))]);
      row("wall time of RunManager.run", (m) => fmtMs(m.wallMs));
      row("selection (resolveSelection)", (m) => msPct(m.selectMs, m.wallMs));
      row("pool phase: bundle, send, read (workers or main), score, collect", (m) => msPct(m.poolMs, m.wallMs));
      row("  main-thread trace reads inside it (getSummary + getSpans; old path)", (m) => (m.mainReads === 0 ? "0 (workers read)" : `${msPct(m.mainReadMs, m.wallMs)}, ${us(m.mainReadMs, m.mainReads)} each`));
      row("saveResults (run_results + assessments, 1 txn per scorer)", (m) => `${msPct(saveSum(m), m.wallMs)}${m.saves.length > 1 ? `: ${m.saves.map((s) => fmtMs(s.ms)).join(" + ")}` : ""}`);
      row("after the saves: aggregates + error count + run row", (m) => msPct(m.tailMs, m.wallMs));
      row("  aggregate() re-timed on the same feedbacks", (m) => fmtMs(m.aggregateMs));
      row("scorer calls in the workers, summed (TraceScore.durationMs; reads excluded)", (m) => fmtMs(m.workerCallMs));
      row("main-thread event-loop utilization", (m) => pct(m.mainElu, 1));
      row("main-thread CPU / wall", (m) => pct(m.mainCpuMs, m.wallMs));
      row("process CPU (all threads) / wall = cores busy", (m) => (m.cpuMs / m.wallMs).toFixed(2));
      row("worker threads' CPU per trace (process − main thread)", (m) => us(m.cpuMs - m.mainCpuMs, m.traces));
      row("process RSS before → after", (m) => `${fmtBytes(m.rssBefore)} → ${fmtBytes(m.rssAfter)}`);
      row("assessments stored by the run", (m) => fmtNum(m.stored));

      const stepTable: Table = {
        title: `The read cost step by step on a ${fmtNum(subset.length)}-trace subset, main thread, just before each run (per trace)`,
        columns: ["step", ...measured.map(({ plan: p }) => `before ${p.short}`)],
        rows: [
          ["getSummary", ...measured.map(({ steps }) => us(steps.summaryMs, steps.traces))],
          ["getSpans (10 spans: SELECT, sort, JSON.parse, fromRow)", ...measured.map(({ steps }) => us(steps.spansMs, steps.traces))],
          ["listForTrace", ...measured.map(({ steps }) => us(steps.assessmentsMs, steps.traces))],
          [`= read cost per trace (full baseline: ${us(base.ms, base.traces)})`, ...measured.map(({ steps }) => us(steps.summaryMs + steps.spansMs + steps.assessmentsMs, steps.traces))],
          [`v8.serialize of batches of ${batchSize} (the copy postMessage makes on the old path)`, ...measured.map(({ steps }) => us(steps.serializeMs, steps.traces))],
          ["serialized bytes per trace (old path)", ...measured.map(({ steps }) => fmtBytes(Math.round(steps.serializedBytes / Math.max(1, steps.traces))))],
        ],
      };

      notes.push(
        `pool: ${poolSize} workers (${workers ? "--workers" : "ScorerWorkerPool's default min(2, availableParallelism)"}), batch ${batchSize}, worker ${path.relative(REPO_ROOT, workerScript)}, SDK ${path.relative(REPO_ROOT, sdkEntry)}; two RunManagers on the same store, each with its own pool`,
      );
      notes.push(`process RSS before the baseline: ${fmtBytes(rssBefore)}; baseline main thread got ${pct(base.cpuMs, base.ms)} of a core`);
      notes.push("CPU per trace: all threads' CPU time (process.cpuUsage) per trace in the run / the main-thread baseline's: the work done, whichever thread did it");
      for (const { n, s } of samples) if (s) notes.push(`sample ${n} assessment: value ${s.value}, rationale "${s.rationale ?? ""}"`);
      for (const { m } of measured) {
        const agg = m.run.aggregates.map((a) => `${a.name}=${Number(a.value).toFixed(3)}`).join(", ");
        notes.push(`${m.label}: status ${m.run.status}, scored ${fmtNum(m.run.scoredCount)}, errors ${m.run.errorCount}; aggregates ${agg || "none"}`);
      }
      notes.push(`machine: ${loadNote()} at end`);

      const find = (short: string) => measured.find(({ plan: p }) => p.short === short)?.m;
      const rate = (m: RunMeasure | undefined) => (m ? `${fmtNum(perSec(m.traces, m.wallMs))} traces/s (${fmtRatio(ratioOf(m))})` : "n/a");
      return {
        name: "scorers",
        status: "ok",
        summary:
          `answer_length ${rate(find("a, workers read"))} workers read / ${rate(find("a, main reads"))} main reads; ` +
          `tool_audit ${rate(find("b, workers read"))} / ${rate(find("b, main reads"))}; 3 scorers ${rate(three)}; ` +
          `read baseline ${fmtNum(baseRate)} traces/s (${fmtNum(parRate)} on ${par.threads} threads); ${poolSize} workers, ${fmtNum(nTraces)} traces (goal ≤ 2×)`,
        tables: [buildTable, main, ...(issue6 ? [issue6] : []), breakdown, stepTable],
        notes,
        metrics: {
          machine: machineInfo(),
          config: { traces: nTraces, poolSize, batchSize, deadlineMs },
          build: { ...build, totalMs: buildMs, dbBytes: stored.bytes },
          baseline: { ...base, tracesPerSec: baseRate },
          parallelRead: { ...par, tracesPerSec: parRate },
          cold: cold.map((m) => ({ ...m, run: undefined, status: m.run.status })),
          runs: measured.map(({ plan: p, steps, m }) => ({
            label: p.label,
            mode: m.mode,
            scorers: p.scorers.map((s) => s.scorerName),
            steps,
            run: { ...m, tracesPerSec: perSec(m.traces, m.wallMs) },
            ratio: ratioOf(m),
          })),
        },
      };
    } finally {
      for (const p of probes) await p.manager.dispose().catch(() => undefined);
      rmTmpDir(dir);
    }
  },
};

// Run as a worker thread by parallelRead (this same file; the parent's `--import tsx` is inherited).
if (!isMainThread && isReadJob(workerData)) readWorkerMain(workerData);
