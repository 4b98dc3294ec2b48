/**
 * What the language server does for a scorer file after each edit, on a generated 2,000-line
 * file with ~150 scorer definitions of mixed shapes (bench/lib/scorerFile.ts):
 *
 * - `ScorerIndex.update(file, text)`: re-parse + discovery (ScorerFeatures.reindexDocument, 150 ms
 *   after the last keystroke);
 * - the `textDocument/codeLens` handler: `index.byFile(file)`, the last-run lookup
 *   (`RunStore.list(200)` + a match per definition, as ScorerFeatures.lastRuns does; re-implemented
 *   here because it is private) and `scorerLenses(...)` mapped to LSP objects;
 * - `scorerDiagnostics(...)` for the open document (ScorerFeatures.publish), which parses the text
 *   again because the server does not pass the analysis it already has (also timed with it passed).
 *
 * Warm: median / p95 over --runs edits (each run edits the text, so nothing is cached), after 10
 * untimed ones; goal < 50 ms for update + codeLens. Cold: the first call in a fresh Node process
 * (bench/lib/codelensCold.ts), median of --cold-runs processes, module loading timed apart.
 * Baseline: `ts.createSourceFile` alone on the same text (the parser's own cost; discovery cannot
 * be cheaper than one parse), interleaved with the measured calls.
 *
 * Flags: --lines (2000) --runs (50) --cold-runs (3)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import ts from "typescript";
import { runSummaryText, type EvalRun, type ScorerDef } from "../protocol/scoring";
import { scorerLenses, type LastRun, type LensState } from "../server/scorers/discovery/codeLens";
import { scorerDiagnostics } from "../server/scorers/discovery/diagnostics";
import { analyzeFile } from "../server/scorers/discovery/findScorers";
import { ScorerIndex } from "../server/scorers/discovery/workspaceIndex";
import { RunStore } from "../server/scorers/runStore";
import { openDatabase } from "../server/store/db";
import {
  REPO_ROOT,
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
import { generateScorerFile } from "./lib/scorerFile";

interface ColdParse {
  tsImportMs: number;
  parseMs: number;
}

interface ColdCodelens {
  tsImportMs: number;
  discoveryImportMs: number;
  updateMs: number;
  lensesMs: number;
  diagnosticsMs: number;
  defs: number;
  lenses: number;
  diagnostics: number;
}

function runCold<T>(mode: "parse" | "codelens", file: string): T {
  const script = path.join(REPO_ROOT, "bench/lib/codelensCold.ts");
  const out = execFileSync(process.execPath, ["--import", "tsx", script, mode, file], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
  const line = out.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as T;
}

function median(xs: number[]): number {
  return latencyStats(xs).medianMs;
}

/** 200 finished runs: a third of the file's scorers have some, as after a day of work. */
function seedRuns(store: RunStore, defs: readonly ScorerDef[]): number {
  const now = Date.now();
  let n = 0;
  for (let i = 0; i < 200; i++) {
    const def = defs[(i * 3) % Math.max(1, Math.ceil(defs.length / 3))];
    if (!def) break;
    const run: EvalRun = {
      runId: `run-bench-${i}`,
      scorers: [{ name: def.exportName ?? def.name, file: def.file, sourceHash: "" }],
      selection: { kind: "lastN", n: 100 },
      selectionLabel: "last 100 traces",
      status: "completed",
      startedMs: now - (200 - i) * 60_000,
      durationMs: 1200 + i,
      traceCount: 100,
      scoredCount: 100,
      errorCount: i % 7 === 0 ? 2 : 0,
      aggregates: [{ name: `${def.name}/mean`, assessment: def.name, aggregation: "mean", value: 0.5 + (i % 10) / 20, count: 100, note: null }],
      message: null,
    };
    store.save(run);
    n++;
  }
  return n;
}

/** ScorerFeatures.lastRuns (private there): the newest run of each definition, by scorer name. */
function lastRuns(store: RunStore, defs: readonly ScorerDef[]): Map<string, LastRun> {
  const out = new Map<string, LastRun>();
  if (defs.length === 0) return out;
  const runs = store.list(200);
  for (const d of defs) {
    const r = runs.find((x) => x.scorers.some((s) => s.file === d.file && (s.name === d.exportName || s.name === d.name)));
    if (r) out.set(d.name, { runId: r.runId, summary: runSummaryText(r) });
  }
  return out;
}

export const codelens: Benchmark = {
  name: "codelens",
  description: "per-edit scorer discovery + CodeLens + diagnostics on a 2,000-line file vs ts.createSourceFile",
  flags: { lines: "2000", runs: "50", "cold-runs": "3" },
  async run(opts): Promise<BenchResult> {
    const lines = intFlag(opts, "lines", 2000, 50, 200_000);
    const runs = intFlag(opts, "runs", 50, 5, 10_000);
    const coldRuns = intFlag(opts, "cold-runs", 3, 0, 20);
    const notes: string[] = [`machine: ${loadNote()} at start`];
    const dir = makeTmpDir("codelens");
    try {
      const gen = generateScorerFile(lines);
      const file = path.join(dir, "ws", "scorers.ts");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, gen.text);
      const middle = gen.text.indexOf("\n", Math.floor(gen.text.length / 2)) + 1;
      // An edit near the middle of the file: a new comment line (ranges below it move, as when typing).
      const edited = (i: number) => `${gen.text.slice(0, middle)}// edit ${i}\n${gen.text.slice(middle)}`;

      const db = openDatabase(path.join(dir, "runs.db"));
      const store = new RunStore(db);
      const index = new ScorerIndex();
      const defs0 = index.update(file, gen.text);
      const seeded = seedRuns(store, defs0);
      const lensState = (defs: readonly ScorerDef[]): LensState => ({
        trusted: true,
        lastN: 100,
        lastRuns: lastRuns(store, defs),
        registrations: new Map(),
        registrationEnabled: false,
      });

      // Cold: fresh processes.
      const coldParse: ColdParse[] = [];
      const coldLens: ColdCodelens[] = [];
      if (coldRuns > 0) console.log(`  cold: ${coldRuns} × 2 fresh Node processes…`);
      for (let i = 0; i < coldRuns; i++) {
        coldParse.push(runCold<ColdParse>("parse", file));
        coldLens.push(runCold<ColdCodelens>("codelens", file));
      }

      // Warm, in this process. Each step sees a new text; the order alternates so GC and cache
      // effects of one step do not always land on the same next step.
      console.log(`  warm: ${runs} edits (+10 untimed)…`);
      const samples = { parse: [] as number[], update: [] as number[], lastRuns: [] as number[], lenses: [] as number[], codelens: [] as number[], diagnostics: [] as number[], diagnosticsShared: [] as number[], total: [] as number[] };
      let lensCount = 0;
      let diagCount = 0;
      let defCount = 0;
      for (let i = -10; i < runs; i++) {
        const text = edited(i + 10);
        const parse = () => {
          const t = performance.now();
          ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
          return performance.now() - t;
        };
        const server = () => {
          const t0 = performance.now();
          const defs = index.update(file, text);
          const t1 = performance.now();
          const state = lensState(index.byFile(file));
          const t2 = performance.now();
          const lenses = scorerLenses(index.byFile(file), state).map((l) => ({ range: l.range, command: { title: l.title, command: l.command, arguments: l.arguments } }));
          const t3 = performance.now();
          const diags = scorerDiagnostics(index.byFile(file), text, file, index);
          const t4 = performance.now();
          defCount = defs.length;
          lensCount = lenses.length;
          diagCount = diags.length;
          return { update: t1 - t0, lastRuns: t2 - t1, lenses: t3 - t2, diagnostics: t4 - t3 };
        };
        let p: number;
        let s: ReturnType<typeof server>;
        if (i % 2 === 0) {
          p = parse();
          s = server();
        } else {
          s = server();
          p = parse();
        }
        // The same diagnostics with the analysis passed in (one parse fewer); the analysis is made untimed.
        const analysis = analyzeFile(text, file);
        const d0 = performance.now();
        scorerDiagnostics(index.byFile(file), text, file, index, analysis);
        const shared = performance.now() - d0;
        if (i < 0) continue;
        samples.parse.push(p);
        samples.update.push(s.update);
        samples.lastRuns.push(s.lastRuns);
        samples.lenses.push(s.lenses);
        samples.codelens.push(s.update + s.lastRuns + s.lenses);
        samples.diagnostics.push(s.diagnostics);
        samples.diagnosticsShared.push(shared);
        samples.total.push(s.update + s.lastRuns + s.lenses + s.diagnostics);
      }
      db.close();

      const st = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, latencyStats(v)])) as Record<keyof typeof samples, LatencyStats>;
      const base = st.parse.medianMs;
      const cold = coldLens.length > 0
        ? {
            tsImportMs: median(coldLens.map((c) => c.tsImportMs)),
            discoveryImportMs: median(coldLens.map((c) => c.discoveryImportMs)),
            updateMs: median(coldLens.map((c) => c.updateMs)),
            lensesMs: median(coldLens.map((c) => c.lensesMs)),
            codelensMs: median(coldLens.map((c) => c.updateMs + c.lensesMs)),
            diagnosticsMs: median(coldLens.map((c) => c.diagnosticsMs)),
            parseMs: median(coldParse.map((c) => c.parseMs)),
          }
        : null;
      const coldCell = (v: number | undefined) => (cold && v !== undefined ? fmtMs(v) : "–");
      const row = (label: string, s: LatencyStats, coldMs: number | undefined, target: string) => [label, fmtMs(s.medianMs), fmtMs(s.p95Ms), fmtRatio(s.medianMs / base), coldCell(coldMs), target];
      const table: Table = {
        title: `Per-edit work on a ${fmtNum(gen.lines)}-line scorer file (${fmtNum(gen.text.length)} chars, ${defCount} scorers → ${lensCount} lenses, ${diagCount} diagnostics); warm = ${runs} edits, cold = first call in a fresh process (median of ${coldLens.length})`,
        columns: ["step", "warm p50", "warm p95", "p50 / parse", "cold", "goal"],
        rows: [
          row("baseline: ts.createSourceFile alone", st.parse, cold?.parseMs, "–"),
          row("ScorerIndex.update (parse + discovery)", st.update, cold?.updateMs, "–"),
          row(`last-run lookup (RunStore.list(200) + match; ${seeded} runs stored)`, st.lastRuns, undefined, "–"),
          row("scorerLenses → LSP CodeLens objects", st.lenses, cold?.lensesMs, "–"),
          row("= codeLens after an edit: update + lookup + lenses", st.codelens, cold?.codelensMs, "< 50 ms"),
          row("scorerDiagnostics (re-parses the text, as the server calls it)", st.diagnostics, cold?.diagnosticsMs, "–"),
          row("scorerDiagnostics with the analysis passed in (no second parse)", st.diagnosticsShared, undefined, "–"),
          row("= all per-edit work: update + lookup + lenses + diagnostics", st.total, cold ? cold.codelensMs + cold.diagnosticsMs : undefined, "–"),
        ],
      };
      if (cold) {
        notes.push(
          `cold module loading (not in the cold column; the server loads these at startup): typescript ${fmtMs(cold.tsImportMs)}, discovery modules under tsx ${fmtMs(cold.discoveryImportMs)} (cold lenses here: no last-run lookup)`,
        );
      }
      notes.push(`file: ${gen.definitions} scorer definitions (${gen.withMistakes} with a deliberate mistake), aliases and an export list; edit = one comment line inserted mid-file`);
      notes.push(`machine: ${loadNote()} at end`);
      const cl = st.codelens;
      return {
        name: "codelens",
        status: "ok",
        summary: `codeLens after an edit (update + lenses) p50 ${fmtMs(cl.medianMs)} / p95 ${fmtMs(cl.p95Ms)} (goal < 50 ms, ${fmtRatio(cl.medianMs / base)} a bare parse of ${fmtMs(base)}), cold ${cold ? fmtMs(cold.codelensMs) : "–"}; diagnostics p50 ${fmtMs(st.diagnostics.medianMs)}; ${fmtNum(gen.lines)} lines, ${defCount} scorers`,
        tables: [table],
        notes,
        metrics: {
          machine: machineInfo(),
          config: { lines: gen.lines, chars: gen.text.length, definitions: defCount, lenses: lensCount, diagnostics: diagCount, runs, coldRuns, seededRuns: seeded },
          warm: st,
          cold,
          coldRaw: { parse: coldParse, codelens: coldLens },
        },
      };
    } finally {
      rmTmpDir(dir);
    }
  },
};
