/** `scorelens` command-line entry point: runs the same server core headless, and reads the store. */
import path from "node:path";
import { TraceServer } from "./core/traceServer";
import { VERSION } from "./core/version";
import { HELP, parseCli, UsageError, type CliCommand } from "./cliArgs";
import { openDatabase } from "./store/db";
import { TraceQueries } from "./store/traceQueries";
import { log } from "./log";
import { judgeEnvironmentNote } from "./scorers/judgeEnvironment";
import { judgeTracesToStore } from "./scorers/runManager";
import { importFile } from "./core/traceImport";
import { assessmentsForTrace, toMlflowAssessment } from "./store/mlflowAssessments";
import { exportMlflowTraceJson } from "./wire/mlflowTraceJson";
import { WireFormatError } from "./wire/wireFormatError";
import { searchTraces } from "./search/traceSearch";
import { FilterSyntaxError } from "./search/filterErrors";
import type { TraceSummary } from "../protocol/model";
import { runDatasetsCommand } from "./datasets/datasetCli";
import { runEvalCommand } from "./eval/evalCommand";
import { MonitoringService } from "./monitoring/service";
import { monitoringHttpApi } from "./monitoring/httpRoutes";
import { runMonitoringCommand } from "./monitoring/cliCommands";

function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : text + "\n");
}

function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

async function serve(c: Extract<CliCommand, { cmd: "serve" }>): Promise<void> {
  const dbPath = path.resolve(c.db);
  const server = await TraceServer.start({
    dbPath,
    otlpPort: c.port,
    maxBodyBytes: c.maxBodyBytes,
    allowedOrigins: c.allowedOrigins,
    retention: { maxAgeDays: c.retentionDays, maxDatabaseMB: c.retentionMB },
  });
  const st = server.getStatus();
  if (st.health === "attached") {
    await server.close();
    throw new Error(`${dbPath} is already served by another ScoreLens server (pid ${st.ownerPid ?? "?"}) on port ${st.otlpPort ?? "?"}`);
  }
  judgeTracesToStore(server.db, process.env, Date.now(), "store"); // registered judges' own traces come back to this store, whatever its port
  const monitoring = new MonitoringService({ db: server.db, isOwner: () => server.isOwner, maxActive: c.maxActiveScorers });
  server.onCommitted(() => monitoring.notifyCommitted());
  server.setMonitoringApi(monitoringHttpApi(monitoring));
  // One machine-readable line on stdout, so scripts and tests can find the port.
  out(JSON.stringify({ event: "listening", port: st.otlpPort, endpoint: st.otlpEndpoint, db: dbPath, pid: process.pid }));
  if (st.portNote) log.warn(st.portNote);
  const judgeNote = judgeEnvironmentNote();
  if (judgeNote) log.warn(judgeNote);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${sig}: flushing and closing the store`);
    void monitoring
      .dispose()
      .catch((e: unknown) => log.error("stopping monitoring failed:", e))
      .then(() => server.close())
      .then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

function withQueries<T>(db: string, fn: (q: TraceQueries, d: ReturnType<typeof openDatabase>) => T): T {
  const d = openDatabase(path.resolve(db));
  try {
    return fn(new TraceQueries(d), d);
  } finally {
    d.close();
  }
}

async function importFiles(c: Extract<CliCommand, { cmd: "import" }>): Promise<number> {
  const d = openDatabase(path.resolve(c.db));
  let failed = 0;
  try {
    for (const file of c.files) {
      try {
        const s = await importFile(d, file);
        out(
          `${file}: ${s.traces} trace(s), ${s.spansInserted} span(s) stored, ${s.spansDuplicate} already present, ${s.spansRejected} rejected, ${s.assessments} assessment(s)`,
        );
        for (const w of s.warnings.slice(0, 20)) process.stderr.write(`  warning: ${w}\n`);
      } catch (e) {
        failed++;
        const why = WireFormatError.is(e) ? e.message : e instanceof Error ? e.message : String(e);
        process.stderr.write(`scorelens: ${file}: not imported: ${why}\n`);
      }
    }
  } finally {
    d.close();
  }
  return failed > 0 ? 1 : 0;
}

function exportTraces(c: Extract<CliCommand, { cmd: "export" }>): number {
  return withQueries(c.db, (q, d) => {
    let summaries: TraceSummary[];
    if (c.traceIds.length > 0) {
      summaries = [];
      for (const id of c.traceIds) {
        const s = q.getSummary(id);
        if (!s) {
          process.stderr.write(`scorelens: no trace with id ${id}\n`);
          return 1;
        }
        summaries.push(s);
      }
    } else if (c.filter !== null) {
      try {
        summaries = searchTraces(d, { filter: c.filter, limit: c.last });
      } catch (e) {
        if (!FilterSyntaxError.is(e)) throw e;
        process.stderr.write(`scorelens: ${e.message}\n${e.excerpt}\n`);
        return 2;
      }
    } else {
      summaries = q.listNewest(c.last);
    }
    const docs = summaries.map((summary) =>
      exportMlflowTraceJson({
        summary,
        spans: q.getSpans(summary.traceId),
        assessments: assessmentsForTrace(d, summary.traceId).map(toMlflowAssessment),
      }),
    );
    if (c.jsonl) for (const doc of docs) out(JSON.stringify(doc));
    else out(JSON.stringify(docs, null, 2));
    return 0;
  });
}

async function main(argv: string[]): Promise<number> {
  let c: CliCommand;
  try {
    c = parseCli(argv, process.env);
  } catch (e) {
    if (UsageError.is(e)) {
      process.stderr.write(`scorelens: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  switch (c.cmd) {
    case "help":
      out(HELP);
      return 0;
    case "version":
      out(VERSION);
      return 0;
    case "serve":
      await serve(c);
      return -1; // keep running
    case "traces": {
      const rows = withQueries(c.db, (q) => q.listNewest(c.last));
      if (c.json) out(JSON.stringify(rows, null, 2));
      else
        for (const t of rows)
          out(
            `${t.requestId}  ${new Date(t.startTimeMs).toISOString()}  ${t.state.padEnd(11)} ${fmtMs(t.durationMs).padStart(8)}  ${String(t.spanCount).padStart(5)} spans  ${t.name}`,
          );
      return 0;
    }
    case "import":
      return importFiles(c);
    case "export":
      return exportTraces(c);
    case "eval":
      return runEvalCommand(c, { out, err: (t) => void process.stderr.write(t.endsWith("\n") ? t : `${t}\n`), cwd: process.cwd() });
    case "datasets":
      return runDatasetsCommand(c.db, c.command);
    case "scorers":
    case "backfill":
      return runMonitoringCommand(c, { out, err: (t) => void process.stderr.write(t.endsWith("\n") ? t : `${t}\n`) });
    case "trace": {
      const detail = withQueries(c.db, (q) => {
        const summary = q.getSummary(c.id);
        return summary ? { summary, spans: q.getSpans(c.id) } : null;
      });
      if (!detail) {
        process.stderr.write(`scorelens: no trace with id ${c.id}\n`);
        return 1;
      }
      if (c.json) out(JSON.stringify(detail, null, 2));
      else {
        out(`${detail.summary.requestId}  ${detail.summary.name}  ${detail.summary.state}  ${fmtMs(detail.summary.durationMs)}`);
        for (const s of detail.spans) out(`  ${s.spanId} ${s.parentSpanId ?? "(root)          "} ${s.spanType.padEnd(10)} ${s.name}`);
      }
      return 0;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`scorelens: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
