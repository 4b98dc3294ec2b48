/**
 * `scorelens eval`: the same scorers, store and runtime as the editor, headless, for CI. Finds the
 * scorers (files/globs), runs them all in one run over the selection (last N, a filter, a stored
 * dataset, or a dataset file, which is stored as dataset "file:<name>" so its rows can be
 * shown), prints the aggregates, writes the JSON report / JUnit XML, and returns the exit code:
 * 0 passed, 1 a threshold failed or the run failed, 2 nothing to run.
 * The store may be served by a running ScoreLens at the same time (SQLite WAL).
 */
import fs from "node:fs";
import path from "node:path";
import type { TraceSelection } from "../../protocol/scoring";
import type { EvalCliOptions } from "../cliArgs";
import { VERSION } from "../core/version";
import { DatasetStore, readDatasetFile } from "../datasets/datasetStore";
import { judgeEnvironmentNote } from "../scorers/judgeEnvironment";
import { RunManager } from "../scorers/runManager";
import { openDatabase } from "../store/db";
import { TraceQueries } from "../store/traceQueries";
import { buildEvalReport, reportSummaryText } from "./evalReport";
import { junitXml } from "./junit";
import { expandScorerArgs, scorersIn } from "./scorerFiles";

export interface EvalIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

function writeOutput(file: string, text: string, io: EvalIo): void {
  if (file === "-") {
    io.out(text);
    return;
  }
  const abs = path.resolve(io.cwd, file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text.endsWith("\n") ? text : `${text}\n`);
  io.err(`wrote ${abs}`);
}

export async function runEvalCommand(c: EvalCliOptions, io: EvalIo): Promise<number> {
  let files: string[];
  try {
    files = expandScorerArgs(c.scorers, io.cwd);
  } catch (e) {
    io.err(`scorelens eval: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const { defs, notes } = scorersIn(files);
  for (const n of notes) io.err(`note: ${n}`);
  if (defs.length === 0) {
    io.err(`scorelens eval: no exported scorer() definitions in ${files.length} file(s): ${files.map((f) => path.relative(io.cwd, f)).join(", ")}`);
    return 2;
  }
  const db = openDatabase(path.resolve(io.cwd, c.db));
  const manager = new RunManager({
    db,
    queries: new TraceQueries(db),
    ...(c.timeoutSeconds !== null ? { timeoutMs: c.timeoutSeconds * 1000 } : {}),
    onProgress: progressPrinter(io),
  });
  try {
    let selection: TraceSelection;
    if (c.selection.kind === "data") {
      const file = path.resolve(io.cwd, c.selection.file);
      const { rows, format, warnings } = readDatasetFile(file);
      for (const w of warnings) io.err(`warning: ${w}`);
      const name = `file:${path.basename(file)}`.replace(/[^A-Za-z0-9._ -]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
      new DatasetStore(db).create(name, rows, { source: { kind: "file", path: file, format }, replace: true });
      selection = { kind: "dataset", name };
    } else {
      selection = c.selection;
    }
    const judgeNote = judgeEnvironmentNote();
    if (judgeNote) io.err(`note: ${judgeNote}`);
    io.err(`running ${defs.map((d) => d.name).join(", ")} …`);
    const run = await manager.run({ scorers: defs.map((d) => ({ file: d.file, scorerName: d.exportName ?? d.name, aggregations: d.aggregations })), selection });
    const { rows } = manager.store.rows(run.runId, 0, Number.MAX_SAFE_INTEGER);
    const report = buildEvalReport({ run, rows, thresholds: c.thresholds, version: VERSION });
    io.out(reportSummaryText(report));
    if (c.json) writeOutput(c.json, JSON.stringify(report, null, 2), io);
    if (c.junit) writeOutput(c.junit, junitXml([report]), io);
    return report.passed ? 0 : 1;
  } finally {
    await manager.dispose();
    db.close();
  }
}

/** "12/300 (4%)" lines on stderr, at most every 10% of the work. */
function progressPrinter(io: EvalIo): (p: { done: number; total: number }) => void {
  let lastTenth = -1;
  return (p) => {
    const tenth = Math.floor((p.done / Math.max(1, p.total)) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    io.err(`  ${p.done}/${p.total} (${tenth * 10}%)`);
  };
}
