/**
 * Custom LSP messages between the extension (client) and the language + trace server.
 * Standard LSP (codeLens, executeCommand, …) is used for everything LSP already covers.
 */
import { z } from "zod";
import { defineNotification, defineRequest } from "./descriptors";
import { ServerStatus } from "./status";
import { EvalRun, RunResultRow, ScorerDef, ScorerRef, TraceSelection } from "./scoring";
import { DatasetFormat, DatasetInfo, DatasetName } from "./datasets";
import { Assessment, FilterError, SpanRecord, TraceDetail, TraceListRow, TraceSkeleton } from "./model";

// NOTIFICATIONS

/** server → client: health changed (starting, ready with port, attached, error). Always a full snapshot. */
export const StatusNotification = defineNotification("scorelens/status", "serverToClient", ServerStatus);

/** server → client: new spans were stored; carries the affected trace ids (capped) and totals. */
export const TracesChangedNotification = defineNotification(
  "scorelens/tracesChanged",
  "serverToClient",
  z.object({ traceIds: z.array(z.string()), traceCount: z.number().int(), spanCount: z.number().int() }),
);

// REQUESTS

/** client → server: current status snapshot. */
export const GetStatusRequest = defineRequest("scorelens/getStatus", "clientToServer", z.object({}), ServerStatus);

/** client → server: newest traces first, keyset-paged by start time, optionally filtered (MLflow filter_string). */
export const ListTracesRequest = defineRequest(
  "scorelens/listTraces",
  "clientToServer",
  z.object({
    limit: z.number().int().min(1).max(1000).default(50),
    /** Keyset cursor from a previous page. */
    before: z.object({ startTimeMs: z.number(), traceId: z.string() }).optional(),
    filter: z.string().optional(),
  }),
  z.object({
    traces: z.array(TraceListRow),
    /** All traces in the store (not only the filtered ones). */
    total: z.number().int(),
    hasMore: z.boolean(),
    /** Set when the filter did not parse; `traces` is then empty. */
    filterError: FilterError.nullable(),
  }),
);

/** client → server: the light tree of a trace (for huge traces) plus its assessments. */
export const GetTraceSkeletonRequest = defineRequest(
  "scorelens/getTraceSkeleton",
  "clientToServer",
  z.object({ traceId: z.string() }),
  TraceSkeleton.nullable(),
);

/** client → server: one full span (inputs, outputs, attributes, events). */
export const GetSpanRequest = defineRequest(
  "scorelens/getSpan",
  "clientToServer",
  z.object({ traceId: z.string(), spanId: z.string() }),
  SpanRecord.nullable(),
);

/** client → server: ids of the spans of a trace whose name, type, inputs, outputs or attributes contain `text` (case-insensitive). */
export const SearchTraceRequest = defineRequest(
  "scorelens/searchTrace",
  "clientToServer",
  z.object({ traceId: z.string(), text: z.string().min(1).max(500) }),
  z.object({ spanIds: z.array(z.string()) }),
);

/** client → server: delete traces with their spans and assessments. */
export const DeleteTracesRequest = defineRequest(
  "scorelens/deleteTraces",
  "clientToServer",
  z.object({ traceIds: z.array(z.string()).min(1).max(10_000) }),
  z.object({ deleted: z.number().int() }),
);

/** client → server: record human feedback or an expectation on a trace (or one of its spans). */
export const LogAssessmentRequest = defineRequest(
  "scorelens/logAssessment",
  "clientToServer",
  z.object({
    traceId: z.string(),
    spanId: z.string().nullable().default(null),
    kind: z.enum(["feedback", "expectation"]),
    name: z.string().min(1).max(250),
    value: z.unknown(),
    rationale: z.string().max(10_000).nullable().default(null),
    /** Who: defaults to HUMAN / "vscode". */
    sourceType: z.enum(["HUMAN", "LLM_JUDGE", "CODE"]).default("HUMAN"),
    sourceId: z.string().default("vscode"),
  }),
  Assessment,
);

/** client → server: delete one assessment. */
export const DeleteAssessmentRequest = defineRequest(
  "scorelens/deleteAssessment",
  "clientToServer",
  z.object({ assessmentId: z.string() }),
  z.object({ deleted: z.boolean() }),
);

/** client → server: one trace with all its spans. */
export const GetTraceRequest = defineRequest(
  "scorelens/getTrace",
  "clientToServer",
  z.object({ traceId: z.string() }),
  TraceDetail.nullable(),
);

// SCORERS AND RUNS

/** client → server: run one or more scorers (by file + name) over a trace selection; resolves when the run ends. */
export const RunScorerRequest = defineRequest(
  "scorelens/runScorer",
  "clientToServer",
  z.object({ scorers: z.array(ScorerRef).min(1).max(50), selection: TraceSelection, runId: z.string().optional() }),
  EvalRun,
);

/** server → client: progress of a running evaluation. */
export const RunProgressNotification = defineNotification(
  "scorelens/runProgress",
  "serverToClient",
  z.object({ runId: z.string(), scorerName: z.string(), done: z.number().int(), total: z.number().int(), errors: z.number().int() }),
);

/** server → client: a run arrived from outside the editor (the SDK's evaluate()); the editor offers to open it. */
export const RunLoggedNotification = defineNotification("scorelens/runLogged", "serverToClient", z.object({ run: EvalRun }));

/** client → server: cancel a running evaluation (what finished is kept; the run is marked cancelled). */
export const CancelRunRequest = defineRequest("scorelens/cancelRun", "clientToServer", z.object({ runId: z.string() }), z.object({ cancelled: z.boolean() }));

/** client → server: a run with its result rows (paged). */
export const GetRunRequest = defineRequest(
  "scorelens/getRun",
  "clientToServer",
  z.object({ runId: z.string(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(200_000).default(100_000) }),
  z.object({ run: EvalRun, rows: z.array(RunResultRow), totalRows: z.number().int() }).nullable(),
);

/** client → server: the newest runs (optionally of one scorer). */
export const ListRunsRequest = defineRequest(
  "scorelens/listRuns",
  "clientToServer",
  z.object({ scorerName: z.string().optional(), limit: z.number().int().min(1).max(1000).default(50) }),
  z.object({ runs: z.array(EvalRun) }),
);

/** client → server: the datasets in the store. */
export const ListDatasetsRequest = defineRequest("scorelens/listDatasets", "clientToServer", z.object({}), z.object({ datasets: z.array(DatasetInfo) }));

/** client → server: a dataset from stored traces (ids and/or a filter), carrying their expectations. */
export const CreateDatasetRequest = defineRequest(
  "scorelens/createDataset",
  "clientToServer",
  z.object({ name: DatasetName, traceIds: z.array(z.string()).max(100_000).default([]), filter: z.string().nullable().default(null), limit: z.number().int().min(1).max(1_000_000).default(1000), replace: z.boolean().default(false) }),
  DatasetInfo,
);

/** client → server: a dataset from a JSON / JSONL / CSV file (all rows or none). */
export const ImportDatasetRequest = defineRequest(
  "scorelens/importDataset",
  "clientToServer",
  z.object({ name: DatasetName, file: z.string(), replace: z.boolean().default(false) }),
  z.object({ info: DatasetInfo, warnings: z.array(z.string()) }),
);

/** client → server: write a dataset to a file (format from the extension unless given). */
export const ExportDatasetRequest = defineRequest(
  "scorelens/exportDataset",
  "clientToServer",
  z.object({ name: z.string(), file: z.string(), format: DatasetFormat.optional() }),
  z.object({ rows: z.number().int(), format: DatasetFormat }),
);

export const DeleteDatasetRequest = defineRequest("scorelens/deleteDataset", "clientToServer", z.object({ name: z.string() }), z.object({ deleted: z.boolean() }));

/** client → server: every scorer found in the workspace. */
export const ListScorersRequest = defineRequest("scorelens/listScorers", "clientToServer", z.object({}), z.object({ scorers: z.array(ScorerDef) }));

/** client → server: the scorers in watch mode (they re-run on save; their lenses say so). */
export const SetWatchesNotification = defineNotification("scorelens/setWatches", "clientToServer", z.object({ scorers: z.array(ScorerRef).max(500) }));

/** client → server: workspace trust changed (scorer code only runs in trusted workspaces). */
export const SetTrustNotification = defineNotification("scorelens/setTrust", "clientToServer", z.object({ trusted: z.boolean() }));
