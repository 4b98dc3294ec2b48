/**
 * Language + trace server entry point (spawned by the extension over IPC). Wiring only: the
 * logic lives in core/, store/, ingest/ and the pure modules they use.
 */
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from "vscode-languageserver/node";
import {
  DeleteAssessmentRequest,
  DeleteTracesRequest,
  GetSpanRequest,
  GetStatusRequest,
  GetTraceRequest,
  GetTraceSkeletonRequest,
  ListTracesRequest,
  LogAssessmentRequest,
  SearchTraceRequest,
  StatusNotification,
  TracesChangedNotification,
} from "../protocol/lsp";
import { TraceHandlers } from "./handlers/traceHandlers";
import { CancelRunRequest, GetRunRequest, ListRunsRequest, RunLoggedNotification, RunProgressNotification, RunScorerRequest } from "../protocol/lsp";
import { registerRunCompareHandlers } from "./handlers/runCompareHandlers";
import { registerRunTableHandlers } from "./handlers/runTableHandlers";
import { registerMonitoringHandlers } from "./handlers/monitoringHandlers";
import { applyJudgeEnvironment } from "./scorers/judgeEnvironment";
import { LanguageModelBridge, lspLanguageModelHost } from "./ingest/languageModelBridge";
import { MonitoringService } from "./monitoring/service";
import { monitoringHttpApi } from "./monitoring/httpRoutes";
import { registerDatasetHandlers } from "./handlers/datasetHandlers";
import { judgeTracesToStore, RunManager } from "./scorers/runManager";
import { ScorerFeatures } from "./handlers/scorerFeatures";
import { formatZodError } from "../protocol/descriptors";
import { ServerInitOptions } from "../protocol/settings";
import { TraceServer } from "./core/traceServer";
import { handleRequest, sendNotification } from "./lspBinding";
import { log, setLogSink } from "./log";

const connection = createConnection(ProposedFeatures.all);
setLogSink((level, line) => {
  if (level === "error") connection.console.error(line);
  else if (level === "warn") connection.console.warn(line);
  else if (level === "info") connection.console.info(line);
  else connection.console.log(line);
});

let server: TraceServer | null = null;
let handlers: TraceHandlers | null = null;
let runs: RunManager | null = null;
let scorers: ScorerFeatures | null = null;
let options: ServerInitOptions | null = null;
let lmBridge: LanguageModelBridge | null = null;

process.on("uncaughtException", (e) => log.error("uncaught exception in the server:", e));
process.on("unhandledRejection", (e) => log.error("unhandled rejection in the server:", e));

connection.onInitialize(async (params) => {
  const parsed = ServerInitOptions.safeParse(params.initializationOptions);
  if (!parsed.success) {
    throw new Error(`invalid initializationOptions: ${formatZodError(parsed.error)}`);
  }
  options = parsed.data;
  const o = parsed.data;
  applyJudgeEnvironment(o);
  // Judges reach the editor's language models (vscode.lm) through this bridge; workers copy the
  // environment when they start, so it is set here, before anything can create a pool.
  try {
    lmBridge = await LanguageModelBridge.start(lspLanguageModelHost(connection));
    Object.assign(process.env, lmBridge.env());
  } catch (e) {
    log.warn("the VS Code language model bridge could not start; judges using VS Code's models will fail:", e);
  }
  scorers = new ScorerFeatures(connection, {
    workspaceFolders: o.workspaceFolders,
    trusted: o.trusted,
    lastN: o.scorerLastN,
    runs: () => runs?.store ?? null,
    registered: () => monitoring?.snapshot().scorers ?? null,
  });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['"', "'", "{", ",", " "] },
      codeActionProvider: { codeActionKinds: ["quickfix"] },
    },
    serverInfo: { name: "scorelens-server" },
  };
});

connection.onInitialized(() => {
  const o = options;
  if (!o) return;
  void scorers?.start().catch((e: unknown) => log.error("indexing scorers failed:", e));
  TraceServer.start({
    dbPath: o.dbPath,
    otlpPort: o.otlpPort,
    maxBodyBytes: o.maxBodyBytes,
    allowedOrigins: o.allowedOrigins,
    retention: { maxAgeDays: o.retentionMaxAgeDays, maxDatabaseMB: o.retentionMaxDatabaseMB },
  })
    .then((s) => {
      server = s;
      // before any worker pool exists: workers copy the environment when they start
      judgeTracesToStore(s.db, process.env, Date.now(), "store");
      handlers = new TraceHandlers(s);
      runs = new RunManager({
        db: s.db,
        queries: s.queries,
        timeoutMs: o.scorerTimeoutMs,
        memoryLimitMB: o.scorerMemoryLimitMB,
        onProgress: (p) => sendNotification(connection, RunProgressNotification, p),
        onFinished: () => scorers?.refreshAll(),
      });
      monitoring = new MonitoringService({
        db: s.db,
        isOwner: () => s.isOwner,
        maxActive: o.maxActiveScorers,
        pool: { timeoutMs: o.scorerTimeoutMs, ...(o.scorerMemoryLimitMB ? { maxOldGenerationSizeMb: o.scorerMemoryLimitMB } : {}) },
      });
      monitoringHandlers.attach(monitoring);
      // Lenses show registrations (version, rate, state): refresh them when those change, not on
      // every backlog tick (a lens row re-rendering under the cursor loses clicks).
      let registrationKey = "";
      monitoring.onChange((snap) => {
        const key = JSON.stringify(snap.scorers.map((r) => [r.name, r.version, r.sampleRate, r.state, r.file, r.exportName, r.sourceHash]));
        if (key === registrationKey) return;
        registrationKey = key;
        scorers?.refreshAll();
      });
      s.setMonitoringApi(monitoringHttpApi(monitoring));
      s.onCommitted(() => monitoring?.notifyCommitted());
      s.onStatus((status) => sendNotification(connection, StatusNotification, status));
      s.onRunUploaded((run) => {
        scorers?.refreshAll();
        sendNotification(connection, RunLoggedNotification, { run });
      });
      let pendingIds = new Set<string>();
      let timer: NodeJS.Timeout | null = null;
      s.onCommitted((c) => {
        for (const id of c.traceIds) if (pendingIds.size < 200) pendingIds.add(id);
        // coalesce bursts: at most a few notifications per second
        timer ??= setTimeout(() => {
          timer = null;
          const st = s.getStatus();
          sendNotification(connection, TracesChangedNotification, {
            traceIds: [...pendingIds],
            traceCount: st.traceCount,
            spanCount: st.spanCount,
          });
          pendingIds = new Set();
          s.publishStatus();
        }, 250);
      });
      sendNotification(connection, StatusNotification, s.getStatus());
    })
    .catch((e: unknown) => {
      log.error("the trace server could not start:", e);
      sendNotification(connection, StatusNotification, {
        health: "error",
        message: `the trace server could not start: ${e instanceof Error ? e.message : String(e)}`,
        otlpPort: null,
        otlpEndpoint: null,
        portNote: null,
        dbPath: o.dbPath,
        pid: process.pid,
        ownerPid: null,
        version: "",
        nodeVersion: process.version,
        sqliteVersion: null,
        traceCount: 0,
        spanCount: 0,
        spansIngested: 0,
        startedAtMs: Date.now(),
      });
    });
});

function requireServer(): TraceServer {
  if (!server) throw new Error("the trace server is still starting");
  return server;
}

function requireHandlers(): TraceHandlers {
  if (!handlers) throw new Error("the trace server is still starting");
  return handlers;
}

handleRequest(connection, GetStatusRequest, () => requireServer().getStatus());
handleRequest(connection, ListTracesRequest, (p) => requireHandlers().listTraces(p));
handleRequest(connection, GetTraceSkeletonRequest, (p) => requireHandlers().skeleton(p));
handleRequest(connection, GetSpanRequest, (p) => requireHandlers().span(p));
handleRequest(connection, SearchTraceRequest, (p) => requireHandlers().search(p));
handleRequest(connection, DeleteTracesRequest, (p) => requireHandlers().deleteTraces(p));
handleRequest(connection, LogAssessmentRequest, (p) => requireHandlers().logAssessment(p));
handleRequest(connection, DeleteAssessmentRequest, (p) => requireHandlers().deleteAssessment(p));

function requireRuns(): RunManager {
  if (!runs) throw new Error("the trace server is still starting");
  return runs;
}
handleRequest(connection, RunScorerRequest, (p) =>
  requireRuns().run({
    scorers: p.scorers.map((s) => ({ file: s.file, scorerName: s.scorerName, aggregations: aggregationsOf(s.file, s.scorerName) })),
    selection: p.selection,
    ...(p.runId ? { runId: p.runId } : {}),
  }),
);
handleRequest(connection, CancelRunRequest, (p) => ({ cancelled: requireRuns().cancel(p.runId) }));
handleRequest(connection, GetRunRequest, (p) => {
  const r = requireRuns();
  const run = r.store.get(p.runId);
  if (!run) return null;
  const { rows, total } = r.store.rows(p.runId, p.offset, p.limit);
  return { run, rows, totalRows: total };
});
handleRequest(connection, ListRunsRequest, (p) => ({ runs: requireRuns().store.list(p.limit, p.scorerName) }));
registerRunCompareHandlers(connection, () => server?.db ?? null);
registerRunTableHandlers(connection, () => server?.db ?? null);
let monitoring: MonitoringService | null = null;
const monitoringHandlers = registerMonitoringHandlers(connection, { monitoring: () => monitoring });
registerDatasetHandlers(connection, () => server?.db ?? null);

/** Declared aggregations of a scorer, from the workspace index (null = MLflow's default, mean). */
function aggregationsOf(file: string, name: string): string[] | null {
  const def = scorers?.index.byFile(file).find((d) => d.exportName === name || d.name === name);
  return def?.aggregations?.filter((a) => a !== "custom") ?? null;
}
handleRequest(connection, GetTraceRequest, (p) => {
  const s = requireServer();
  const summary = s.queries.getSummary(p.traceId);
  return summary ? { summary, spans: s.queries.getSpans(p.traceId) } : null;
});

let shuttingDown = false;
async function shutdown(): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    await monitoring?.dispose();
    await runs?.dispose();
    await server?.close();
    await lmBridge?.close();
  } catch (e) {
    log.error("error while closing the store:", e);
  }
}

connection.onShutdown(shutdown);
connection.onExit(() => {
  void shutdown().finally(() => process.exit(0));
});
// The client went away without a clean shutdown (window closed, extension host killed):
// release the port and the database and exit.
process.on("disconnect", () => {
  void shutdown().finally(() => process.exit(0));
});

connection.listen();
