/**
 * Opening an evaluation run of 100,000 rows in the results panel, both halves, next to the old
 * path measured in the same run.
 *
 * Store: a real SQLite file (openDatabase: migrations, pragmas) with 100,000 traces (fillTraces)
 * and one run of two scorers over them, written by RunStore.saveResults: one run_results row per
 * (seq, scorer) with the feedbacks and logs as JSON, the table's compact cells and the trace's
 * name and state (schema v7), and the assessments. A copy of the run without the v7 columns (a
 * run saved before v7) is read too, to time the fallback. `answer_quality` (an LLM
 * judge) gives `relevance` yes/no and `groundedness` 0–1, each with a ~200-character rationale and
 * metadata, and prints a log line; `response_length` gives an integer, or (3%) a TypeError with a
 * stack trace. So 3 assessments per row.
 *
 * 1. Server + extension host, in this process: what happens between "the panel asks" and "the
 *    host posts the snapshot". New, as extension/webviews/resultsPanel.ts does it (loadRunTable):
 *    the first 1,000 rows (posted at once), then the rest 25,000 at a time, appended, each read
 *    RunTableReader.table (server/scorers/runTable.ts) → the LSP JSON text → JSON.parse +
 *    GetRunTableRequest's zod result schema (what ServerClient.request does); then the
 *    snapshot's JSON text (VS Code serializes webview messages). Old: RunStore.get +
 *    RunStore.rows for every row → JSON → parse + GetRunRequest's zod schema (every row, every
 *    feedback) → the snapshot's JSON. Also the JSON sizes, one full row on demand, and the text
 *    search over every full row.
 * 2. Webview, headless Chromium: the real panel bundle (dist/webview/results.js) on the results
 *    harness page (same CSP and fake host as the harness tests), given the two snapshots built
 *    from the store above (the first rows, then — once they are painted — every row): time from
 *    `webview/ready` to the first painted row (the frame after the first row is in the DOM), split
 *    into postMessage clone, validation + panel code, and paint, and to the panel showing every
 *    row. Old: the old
 *    panel no longer exists, so its two dominant costs are measured on the same page: the
 *    structured clone of the full rows (window.postMessage) and the old ResultsSnapshot schema
 *    (RunResultRow[] under jitless zod, as in the webview) on them — a lower bound of what the
 *    old panel took before it could paint.
 *
 * Flags: --rows (100000) --rounds (5: timed repetitions of each step; page opens per case)
 * Chromium: $CHROMIUM_PATH or /usr/bin/chromium. Without it, or without dist/webview/results.js
 * (run `node scripts/build.mjs`), the browser half is skipped with a note.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { buildSync } from "esbuild";
import type { Browser } from "playwright-core";
import { GetRunRequest } from "../protocol/lsp";
import { GetRunTableRequest, loadRunTable, RESULTS_CHUNK_ROWS, RESULTS_FIRST_ROWS, type RunTable, type RunTableRead } from "../protocol/runTable";
import type { EvalRun, FeedbackResult, RunResultRow, TraceScore } from "../protocol/scoring";
import { RunTableReader } from "../server/scorers/runTable";
import { RunStore } from "../server/scorers/runStore";
import { openDatabase, type Db } from "../server/store/db";
import { startResultsHarness } from "../test/webview-harness/resultsHarness";
import { REPO_ROOT, fmtBytes, fmtMs, fmtRatio, intFlag, loadNote, machineInfo, makeTmpDir, newestSourceMtime, quantile, rmTmpDir, type Benchmark, type BenchResult, type Table } from "./lib/common";
import { fillTraces } from "./lib/store";

// ─── the store ────────────────────────────────────────────────────────────────

const RATIONALES = [
  "The answer addresses the user's question directly and gives the exact menu path; it cites the retrieved billing document and does not invent a deadline.",
  "The response talks about invoices while the user asked how to rotate an API key. None of the retrieved passages about key rotation is used in the answer.",
  "Three of the four claims are supported by the retrieved documents; the claim about the 30-day refund window is not in any passage and may be a hallucination.",
  "The answer is correct but long: it repeats the question, lists every plan, and only then explains the SSO setting the user asked about in the first sentence.",
];
const STACK = `TypeError: Cannot read properties of undefined (reading 'length')
    at responseLength (/work/app/scorers/quality.ts:12:31)
    at runScorer (scorelens/runtime/scorerWorker.js:88:22)
    at async Promise.all (index 0)
    at async scoreTrace (scorelens/runtime/scorerWorker.js:141:7)`;

function rationale(i: number, salt: number): string {
  return `${RATIONALES[(i * 7 + salt) % RATIONALES.length] as string} (case ${i}, judge pass ${salt}.)`;
}

function judge(i: number): FeedbackResult[] {
  const src = { type: "LLM_JUDGE" as const, id: "answer_quality" };
  const meta = { judge_model: "gpt-4o-mini", prompt_version: "v3" };
  return [
    { name: "relevance", value: (i * 2654435761) % 100 < 72 ? "yes" : "no", rationale: rationale(i, 1), error: null, metadata: meta, source: src },
    { name: "groundedness", value: Math.round(((i * 40503) % 1000) / 1.0) / 1000, rationale: rationale(i, 2), error: null, metadata: meta, source: src },
  ];
}

function length(i: number): FeedbackResult[] {
  const src = { type: "CODE" as const, id: "response_length" };
  if (i % 33 === 5) {
    return [{ name: "response_length", value: null, rationale: null, error: { type: "TypeError", message: "Cannot read properties of undefined (reading 'length')", stack: STACK }, metadata: {}, source: src }];
  }
  return [{ name: "response_length", value: 120 + ((i * 7919) % 1400), rationale: null, error: null, metadata: {}, source: src }];
}

/** Writes `n` traces and one completed 2-scorer run over them (RunStore.saveResults); returns the run id and the saves' time. */
export function buildResultsStore(db: Db, n: number): { runId: string; saveMs: number } {
  fillTraces(db, n, Date.now());
  const ids = db.prepare("SELECT trace_id FROM traces ORDER BY start_ms DESC LIMIT ?").pluck().all(n) as string[];
  const runId = "run-bench-results-open";
  const run: EvalRun = {
    runId,
    scorers: [
      { name: "answer_quality", file: "/work/app/scorers/quality.ts", sourceHash: "a1b2c3" },
      { name: "response_length", file: "/work/app/scorers/quality.ts", sourceHash: "a1b2c3" },
    ],
    selection: { kind: "lastN", n },
    selectionLabel: `last ${n} traces`,
    status: "completed",
    startedMs: Date.now() - 600_000,
    durationMs: 412_000,
    traceCount: n,
    scoredCount: n,
    errorCount: ids.filter((_, i) => i % 33 === 5).length,
    aggregates: [
      { name: "groundedness/mean", assessment: "groundedness", aggregation: "mean", value: 0.5, count: n, note: null },
      { name: "response_length/mean", assessment: "response_length", aggregation: "mean", value: 820, count: n, note: null },
    ],
    message: null,
  };
  const store = new RunStore(db);
  store.save(run);
  const judged: TraceScore[] = ids.map((id, i) => ({
    traceId: id,
    feedbacks: judge(i),
    durationMs: 300 + (i % 900),
    logs: [`[answer_quality] judged trace ${id.slice(0, 8)} in ${300 + (i % 900)} ms`],
  }));
  const lengths: TraceScore[] = ids.map((id, i) => ({ traceId: id, feedbacks: length(i), durationMs: 0.2 + (i % 5) / 10, logs: [] }));
  const t0 = performance.now();
  store.saveResults(runId, "answer_quality", judged);
  store.saveResults(runId, "response_length", lengths);
  return { runId, saveMs: performance.now() - t0 };
}

/**
 * A run stored as before schema v7 (run_results without cells, trace name and state): the same
 * rows, the v7 columns cleared. The table then reads the full feedbacks and joins traces.
 */
export function copyAsLegacyRun(db: Db, runId: string, legacyId: string): void {
  const run = new RunStore(db).get(runId);
  if (!run) throw new Error(`run ${runId} is not stored`);
  new RunStore(db).save({ ...run, runId: legacyId });
  db.prepare(
    `INSERT INTO run_results (run_id, seq, trace_id, scorer_name, feedbacks, duration_ms, logs, dataset_row)
     SELECT ?, seq, trace_id, scorer_name, feedbacks, duration_ms, logs, dataset_row FROM run_results WHERE run_id = ?`,
  ).run(legacyId, runId);
}

// ─── server + extension host ──────────────────────────────────────────────────

interface HostSteps {
  read: number;
  lspJson: number;
  parseValidate: number;
  snapshotJson: number;
  total: number;
  lspBytes: number;
  snapshotBytes: number;
}

/** One open through the host: read → LSP JSON → parse + zod → the webview message's JSON. Returns the snapshot too. */
function hostOpen<S>(read: () => unknown, validate: (v: unknown) => unknown, snapshot: (r: unknown) => S): { steps: HostSteps; snap: S } {
  const t0 = performance.now();
  const result = read();
  const t1 = performance.now();
  const lsp = JSON.stringify({ jsonrpc: "2.0", id: 1, result });
  const t2 = performance.now();
  const parsed = validate((JSON.parse(lsp) as { result: unknown }).result);
  const t3 = performance.now();
  const snap = snapshot(parsed);
  const wire = JSON.stringify(snap);
  const t4 = performance.now();
  return {
    steps: { read: t1 - t0, lspJson: t2 - t1, parseValidate: t3 - t2, snapshotJson: t4 - t3, total: t4 - t0, lspBytes: Buffer.byteLength(lsp), snapshotBytes: Buffer.byteLength(wire) },
    snap,
  };
}

interface NewOpen {
  /** Up to the first rows' snapshot (posted at once). */
  head: HostSteps;
  /** Every read, appended, and the whole table's snapshot; `total` is the wall time from the start. */
  all: HostSteps & { reads: number; maxReadMs: number };
  headSnap: Snapshot;
  snap: Snapshot;
}

type Snapshot = { type: "results/snapshot"; run: EvalRun; table: RunTable; partial: boolean; progress: null; previous: null; message: null; theme: "dark" };

/** The new open, as the extension does it (loadRunTable), each read through LSP JSON, parse and zod. */
async function newOpen(reader: RunTableReader, runId: string): Promise<NewOpen> {
  const acc = { read: 0, lspJson: 0, parseValidate: 0, lspBytes: 0, reads: 0, maxReadMs: 0 };
  const snapshot = (r: RunTableRead): Snapshot => ({ type: "results/snapshot", run: r.run, table: r.table, partial: !r.complete, progress: null, previous: null, message: null, theme: "dark" });
  const t0 = performance.now();
  let head: { steps: HostSteps; snap: Snapshot } | null = null;
  const r = await loadRunTable(
    (p) => {
      const a = performance.now();
      const result = reader.table(p.runId, p.maxRows, p.afterSeq ?? null);
      const b = performance.now();
      const lsp = JSON.stringify({ jsonrpc: "2.0", id: 1, result });
      const c = performance.now();
      const parsed = GetRunTableRequest.result.parse((JSON.parse(lsp) as { result: unknown }).result);
      const d = performance.now();
      acc.read += b - a;
      acc.maxReadMs = Math.max(acc.maxReadMs, b - a);
      acc.lspJson += c - b;
      acc.parseValidate += d - c;
      acc.lspBytes += Buffer.byteLength(lsp);
      acc.reads++;
      return Promise.resolve(parsed);
    },
    runId,
    {
      firstRows: RESULTS_FIRST_ROWS,
      chunkRows: RESULTS_CHUNK_ROWS,
      onFirst: (first) => {
        const a = performance.now();
        const snap = snapshot(first);
        const wire = JSON.stringify(snap);
        const now = performance.now();
        head = { snap, steps: { read: acc.read, lspJson: acc.lspJson, parseValidate: acc.parseValidate, snapshotJson: now - a, total: now - t0, lspBytes: acc.lspBytes, snapshotBytes: Buffer.byteLength(wire) } };
      },
    },
  );
  if (!r || !head) throw new Error("the run was not read in chunks");
  const a = performance.now();
  const snap = snapshot(r);
  const wire = JSON.stringify(snap);
  const now = performance.now();
  const h = head as { steps: HostSteps; snap: Snapshot };
  return {
    head: h.steps,
    headSnap: h.snap,
    all: { read: acc.read, lspJson: acc.lspJson, parseValidate: acc.parseValidate, snapshotJson: now - a, total: now - t0, lspBytes: acc.lspBytes, snapshotBytes: Buffer.byteLength(wire), reads: acc.reads, maxReadMs: acc.maxReadMs },
    snap,
  };
}

function medianSteps(xs: HostSteps[]): HostSteps {
  const m = (f: (s: HostSteps) => number): number => quantile(xs.map(f), 0.5);
  return {
    read: m((s) => s.read),
    lspJson: m((s) => s.lspJson),
    parseValidate: m((s) => s.parseValidate),
    snapshotJson: m((s) => s.snapshotJson),
    total: m((s) => s.total),
    lspBytes: m((s) => s.lspBytes),
    snapshotBytes: m((s) => s.snapshotBytes),
  };
}

// ─── webview ──────────────────────────────────────────────────────────────────

interface PanelOpen {
  firstRow: number;
  /** ready → the panel took the whole table (first frame after). */
  full: number;
  clone: number;
  handle: number;
  paint: number;
}

async function until(fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Opens the real panel (harness page, fake host posting `table`) `rounds` times (+1 warm-up). */
async function panelOpens(browser: Browser, run: EvalRun, head: RunTable, table: RunTable, rounds: number): Promise<PanelOpen[]> {
  const harness = await startResultsHarness({
    bench: () => ({ panel: "results", run, rows: [], head, table, firstRows: head.rowCount, progress: null, message: null, pending: [], replicateTo: null }),
  });
  const out: PanelOpen[] = [];
  try {
    for (let i = 0; i <= rounds; i++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${harness.url}/results.html?scenario=bench`);
      await until(async () => (await page.evaluate("window.__fullMs !== null")) as boolean, 60_000);
      const r = (await page.evaluate("({ ms: window.__firstRowMs, full: window.__fullMs, p: window.__firstRowPhases, count: document.querySelector('#row-count').textContent })")) as {
        ms: number;
        full: number;
        p: { clone: number; handle: number; paint: number };
        count: string;
      };
      await page.close();
      if (errors.length > 0) throw new Error(`panel page errors: ${errors.join(" | ")}`);
      if (!r.count.startsWith(table.rowCount.toLocaleString("en-US"))) throw new Error(`the panel shows "${r.count}", not ${table.rowCount} rows`);
      if (i > 0) out.push({ firstRow: r.ms, full: r.full, clone: r.p.clone, handle: r.p.handle, paint: r.p.paint });
    }
  } finally {
    await harness.close();
  }
  return out;
}

/**
 * The old snapshot's two webview costs, on a page with the webview's CSP: window.postMessage of
 * the full rows (structured clone, read on first access of the data) and the old ResultsSnapshot
 * schema (RunResultRow[]) under jitless zod. The new snapshot is measured the same way next to it.
 */
const MESSAGE_COST_ENTRY = `
import "./webview/lib/zodConfig";
import { z } from "zod";
import { EvalRun, RunResultRow } from "./protocol/scoring";
import { ResultsSnapshot } from "./protocol/webview";
const Old = z.object({ type: z.literal("results/snapshot"), run: EvalRun.nullable(), rows: z.array(RunResultRow),
  progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(), message: z.string().nullable(), theme: z.string() });
const snaps = {};
window.__load = async (name) => { snaps[name] = await (await fetch("/" + name + ".json")).json(); return true; };
window.__measure = (name) => new Promise((resolve) => {
  const schema = name === "old" ? Old : ResultsSnapshot;
  let posted = 0;
  const t0 = performance.now();
  window.addEventListener("message", (e) => {
    const t1 = performance.now();
    const d = e.data;
    const t2 = performance.now();
    const ok = schema.safeParse(d).success;
    const t3 = performance.now();
    resolve({ post: posted - t0, wait: t1 - posted, read: t2 - t1, validate: t3 - t2, total: t3 - t0, ok });
  }, { once: true });
  window.postMessage(snaps[name], "*");
  posted = performance.now();
});
`;

interface MessageCost {
  post: number;
  wait: number;
  read: number;
  validate: number;
  total: number;
  ok: boolean;
}

async function messageCosts(browser: Browser, files: Record<string, string>, rounds: number): Promise<Record<string, MessageCost[]>> {
  const script = buildSync({ stdin: { contents: MESSAGE_COST_ENTRY, resolveDir: REPO_ROOT, loader: "ts" }, bundle: true, format: "iife", platform: "browser", write: false, logLevel: "warning" }).outputFiles[0]?.text ?? "";
  const nonce = "bench";
  const html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; connect-src 'self'"></head><body><script nonce="${nonce}">${script.replace(/<\/script/gi, "<\\/script")}</script></body></html>`;
  const server = http.createServer((req, res) => {
    const name = (req.url ?? "/").slice(1);
    if (name === "" || name === "index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html);
      return;
    }
    const body = files[name.replace(/\.json$/, "")];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const out: Record<string, MessageCost[]> = Object.fromEntries(Object.keys(files).map((k) => [k, []]));
  try {
    for (const name of Object.keys(files)) {
      // a fresh page per case, so one snapshot's garbage does not land in the other's timing
      for (let i = 0; i <= rounds; i++) {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.evaluate(`window.__load(${JSON.stringify(name)})`);
        const m = (await page.evaluate(`window.__measure(${JSON.stringify(name)})`)) as MessageCost;
        await page.close();
        if (!m.ok) throw new Error(`the ${name} snapshot did not validate in the page`);
        if (i > 0) out[name]?.push(m);
      }
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return out;
}

// ─── the benchmark ────────────────────────────────────────────────────────────

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BUNDLE = path.join(REPO_ROOT, "dist/webview/results.js");

export const resultsOpen: Benchmark = {
  name: "resultsOpen",
  description: "open a 100,000-row evaluation run in the results panel: columnar table (server read → LSP → host → webview first paint) vs all full rows",
  flags: { rows: "100000", rounds: "5" },
  async run(opts): Promise<BenchResult> {
    const n = intFlag(opts, "rows", 100_000, 10);
    const rounds = intFlag(opts, "rounds", 5, 1);
    const notes: string[] = [`machine: ${loadNote()} at start`];
    const tables: Table[] = [];
    const dir = makeTmpDir("resultsOpen");
    try {
      console.log(`  writing ${n.toLocaleString("en-US")} traces and a 2-scorer run over them…`);
      const db = openDatabase(path.join(dir, "store.db"));
      const b0 = performance.now();
      const { runId, saveMs } = buildResultsStore(db, n);
      const legacyId = `${runId}-pre-v7`;
      copyAsLegacyRun(db, runId, legacyId);
      db.pragma("wal_checkpoint(TRUNCATE)");
      const buildMs = performance.now() - b0;
      const reader = new RunTableReader(db);
      const store = new RunStore(db);

      console.log(`  host path: new vs old, ${rounds} rounds each (interleaved, after one warm-up each)…`);
      const snapOld = (r: unknown) => {
        const v = r as { run: EvalRun; rows: RunResultRow[] };
        return { type: "results/snapshot", run: v.run, rows: v.rows, progress: null, message: null, theme: "dark" };
      };
      const openOld = () =>
        hostOpen(
          () => {
            const run = store.get(runId);
            const { rows, total } = store.rows(runId, 0, 200_000);
            return run ? { run, rows, totalRows: total } : null;
          },
          (v) => GetRunRequest.result.parse(v),
          snapOld,
        );
      await newOpen(reader, runId);
      await newOpen(reader, legacyId);
      openOld();
      const headSteps: HostSteps[] = [];
      const newSteps: Array<NewOpen["all"]> = [];
      const legacySteps: Array<NewOpen["all"]> = [];
      const oldSteps: HostSteps[] = [];
      for (let i = 0; i < rounds; i++) {
        const o = await newOpen(reader, runId);
        headSteps.push(o.head);
        newSteps.push(o.all);
        legacySteps.push((await newOpen(reader, legacyId)).all);
        oldSteps.push(openOld().steps);
      }
      const lS = medianSteps(legacySteps);
      const hS = medianSteps(headSteps);
      const nS = medianSteps(newSteps);
      const nReads = newSteps[0]?.reads ?? 0;
      const nMaxRead = quantile(newSteps.map((x) => x.maxReadMs), 0.5);
      const oS = medianSteps(oldSteps);
      const rowTimes: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        reader.row(runId, Math.floor((i * n) / 20)); // seq = index in this run
        rowTimes.push(performance.now() - t0);
      }
      const searchTimes: number[] = [];
      for (const text of ["hallucination", "typeerror 4242", "zzz-no-match"]) {
        const t0 = performance.now();
        reader.search(runId, text);
        searchTimes.push(performance.now() - t0);
      }
      const hostRow = (label: string, s: HostSteps): Table["rows"][number] => [
        label,
        fmtMs(s.read),
        fmtMs(s.lspJson),
        fmtMs(s.parseValidate),
        fmtMs(s.snapshotJson),
        fmtMs(s.total),
        fmtBytes(s.lspBytes),
        fmtBytes(s.snapshotBytes),
      ];
      tables.push({
        title: `Server + extension host: open a ${n.toLocaleString("en-US")}-row run (median of ${rounds}; 3 assessments per row, ~200-character rationales, 3% errors with stacks)`,
        columns: ["path", "server read", "LSP JSON (stringify)", "host parse + zod", "snapshot JSON for the webview", "total", "LSP message", "webview message"],
        rows: [
          hostRow(`new: the first ${RESULTS_FIRST_ROWS.toLocaleString("en-US")} rows (1st read), posted at once`, hS),
          hostRow(`new: every row, columnar (${nReads} reads: the first, then ≤ ${RESULTS_CHUNK_ROWS.toLocaleString("en-US")} rows each, appended; sums)`, nS),
          hostRow("new, a run saved before schema v7 (no cells: full feedbacks parsed, traces joined; every row)", lS),
          hostRow("old: RunStore.rows, every full row (baseline)", oS),
          ["new (every row) / old", fmtRatio(nS.read / oS.read), fmtRatio(nS.lspJson / oS.lspJson), fmtRatio(nS.parseValidate / oS.parseValidate), fmtRatio(nS.snapshotJson / oS.snapshotJson), fmtRatio(nS.total / oS.total), fmtRatio(nS.lspBytes / oS.lspBytes), ""],
        ],
      });
      notes.push(
        `saving the run: RunStore.saveResults ×2 (run_results with cells, trace name and state, + 3 assessments a row) ${fmtMs(saveMs)} for ${n.toLocaleString("en-US")} rows (once, not repeated)`,
      );
      notes.push(`new path: the longest single read blocks the server for ${fmtMs(nMaxRead)} (the old path: ${fmtMs(oS.read + oS.lspJson)} in one go, read + JSON)`);
      notes.push(
        `on demand: one full row (GetRunRowRequest) p50 ${fmtMs(quantile(rowTimes, 0.5))} / max ${fmtMs(Math.max(...rowTimes))} (20 rows across the run); ` +
          `text search over every full row ${searchTimes.map(fmtMs).join(" / ")} ("hallucination", "typeerror 4242", no match)`,
      );

      // ── webview ────────────────────────────────────────────────────────────
      const { headSnap, snap: newSnap } = await newOpen(reader, runId);
      const oldSnap = openOld().snap;
      db.close();
      let summary = `host path: first rows ${fmtMs(hS.total)}, every row ${fmtMs(nS.total)} vs ${fmtMs(oS.total)} (old)`;
      let browserMetrics: Record<string, unknown> = { skipped: null };
      const playwright = await import("playwright-core").catch(() => null);
      const skip = !fs.existsSync(CHROMIUM)
        ? `Chromium not installed at ${CHROMIUM} (set CHROMIUM_PATH)`
        : !playwright
          ? "playwright-core is not installed"
          : !fs.existsSync(BUNDLE)
            ? `${path.relative(REPO_ROOT, BUNDLE)} missing (run node scripts/build.mjs)`
            : null;
      if (skip || !playwright) {
        notes.push(`SKIPPED (browser half): ${skip ?? "no playwright"}`);
        browserMetrics = { skipped: skip };
      } else {
        const sources = Math.max(...["webview/results", "webview/lib", "protocol"].map((d) => newestSourceMtime(path.join(REPO_ROOT, d))), fs.statSync(path.join(REPO_ROOT, "webview/results.ts")).mtimeMs);
        if (fs.statSync(BUNDLE).mtimeMs < sources) notes.push("WARNING: dist/webview/results.js is older than the panel's sources: rebuild (node scripts/build.mjs)");
        const browser = await playwright.chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
        try {
          console.log(`  webview: the panel opens the run ${rounds} times (+1 warm-up)…`);
          const opens = await panelOpens(browser, newSnap.run, headSnap.table, newSnap.table, rounds);
          console.log(`  webview: message clone + validation, new vs old snapshot, ${rounds} times each…`);
          const costs = await messageCosts(browser, { new: JSON.stringify(newSnap), old: JSON.stringify(oldSnap) }, rounds);
          const med = (xs: number[]): number => quantile(xs, 0.5);
          const o = {
            firstRow: med(opens.map((x) => x.firstRow)),
            full: med(opens.map((x) => x.full)),
            fullOnly: med(opens.map((x) => x.full - x.firstRow)),
            clone: med(opens.map((x) => x.clone)),
            handle: med(opens.map((x) => x.handle)),
            paint: med(opens.map((x) => x.paint)),
          };
          tables.push({
            title: `Webview: the results panel (dist/webview/results.js, harness page) opens the ${n.toLocaleString("en-US")}-row run: the first ${RESULTS_FIRST_ROWS.toLocaleString("en-US")} rows, then (once painted) every row (median of ${rounds} opens)`,
            columns: ["", "ready → first painted row", "p95", "(postMessage clone", "validation + panel code", "layout + paint)", "then: every row taken (clone, validation, model, render)"],
            rows: [["new panel", fmtMs(o.firstRow), fmtMs(quantile(opens.map((x) => x.firstRow), 0.95)), fmtMs(o.clone), fmtMs(o.handle), fmtMs(o.paint), fmtMs(o.fullOnly)]],
          });
          const costRow = (label: string, xs: MessageCost[]): Table["rows"][number] => [
            label,
            fmtMs(med(xs.map((x) => x.post))),
            fmtMs(med(xs.map((x) => x.wait + x.read))),
            fmtMs(med(xs.map((x) => x.validate))),
            fmtMs(med(xs.map((x) => x.total))),
          ];
          const cNew = costs.new ?? [];
          const cOld = costs.old ?? [];
          tables.push({
            title: "Webview: the snapshot message alone, on a page with the webview CSP (window.postMessage → message event → data read → zod, jitless)",
            columns: ["snapshot", "postMessage (serialize)", "dispatch + deserialize", "zod validation", "total"],
            rows: [costRow("new: columnar table", cNew), costRow("old: every full row (baseline, before any panel code)", cOld)],
          });
          const endToEnd = hS.total + o.firstRow;
          const endToEndFull = nS.total + o.fullOnly;
          const oldFloor = oS.total + med(cOld.map((x) => x.total));
          tables.push({
            title: "End to end (host path + webview), medians",
            columns: ["path", "host", "webview", "total"],
            rows: [
              ["new: request → first painted row", fmtMs(hS.total), fmtMs(o.firstRow), fmtMs(endToEnd)],
              ["new: request → every row in the panel (summary complete)", fmtMs(nS.total), fmtMs(o.fullOnly), fmtMs(endToEndFull)],
              ["old, lower bound: host + message clone + validation (no panel code, no paint)", fmtMs(oS.total), fmtMs(med(cOld.map((x) => x.total))), fmtMs(oldFloor)],
            ],
          });
          notes.push(`Chromium ${browser.version()}, headless, --disable-gpu; viewport 1440×900; the harness's fake host posts the snapshot on webview/ready`);
          summary = `open ${n.toLocaleString("en-US")} rows: first painted row ${fmtMs(endToEnd)}, every row ${fmtMs(endToEndFull)} end to end; old path ≥ ${fmtMs(oldFloor)}`;
          browserMetrics = { chromiumVersion: browser.version(), opens, messageCosts: costs };
        } finally {
          await browser.close();
        }
      }
      notes.push(`store built in ${fmtMs(buildMs)} (setup, not measured)`);
      notes.push(`machine: ${loadNote()} at end`);
      return {
        name: "resultsOpen",
        status: "ok",
        summary,
        tables,
        notes,
        metrics: { machine: machineInfo(), config: { rows: n, rounds, firstRows: RESULTS_FIRST_ROWS, chunkRows: RESULTS_CHUNK_ROWS }, buildMs, saveMs, host: { head: headSteps, new: newSteps, legacy: legacySteps, old: oldSteps }, rowTimes, searchTimes, browser: browserMetrics },
      };
    } finally {
      rmTmpDir(dir);
    }
  },
};
