/**
 * Host ↔ webview messages, for every ScoreLens panel and view.
 *
 * - The webview sends `webview/ready` first; the host then pushes complete snapshots (never
 *   deltas). A hidden webview keeps only the newest snapshot.
 * - Webview → host requests carry an `id`, a `method` (one of the descriptors below) and
 *   `params`; the host answers exactly once with `host/response` carrying `result` or `error`.
 *   Both sides validate with the descriptor's zod schemas.
 */
import { z } from "zod";
import { defineRequest, type RequestDescriptor } from "./descriptors";
import { ServerStatus } from "./status";
import { Assessment, FilterError, SpanRecord, TraceDetail, TraceListRow, TraceSkeleton } from "./model";
import { EvalRun, RunResultRow } from "./scoring";
import { IntArray, RunTable } from "./runTable";
import { RunCompareOpenRun, RunCompareOpenTrace, RunComparePickBase, RunCompareSetThreshold, RunCompareSnapshotFields, RunCompareSwap } from "./runCompareWebview";
import { DashboardCancelBackfill, DashboardDrill, DashboardRefresh, DashboardSetRange, DashboardSnapshotFields } from "./dashboardWebview";

export const PanelKind = z.enum(["status", "traces", "trace", "compare", "results", "runCompare", "dashboard"]);
export type PanelKind = z.infer<typeof PanelKind>;

/** Theme kind, so panels can pick contrasting accents. Colours themselves come from CSS variables. */
export const ThemeKind = z.enum(["light", "dark", "highContrast", "highContrastLight"]);
export type ThemeKind = z.infer<typeof ThemeKind>;

// ─── envelopes ────────────────────────────────────────────────────────────────

export const WebviewReady = z.object({ type: z.literal("webview/ready"), panel: PanelKind });
export const WebviewRequestEnvelope = z.object({
  type: z.literal("webview/request"),
  id: z.number().int(),
  method: z.string(),
  params: z.unknown(),
});
export const WebviewToHost = z.discriminatedUnion("type", [WebviewReady, WebviewRequestEnvelope]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;

export const HostResponse = z.object({
  type: z.literal("host/response"),
  id: z.number().int(),
  result: z.unknown(),
  error: z.string().nullable(),
});

// ─── snapshots (host → webview) ───────────────────────────────────────────────

export const StatusSnapshot = z.object({
  type: z.literal("status/snapshot"),
  status: ServerStatus.nullable(),
  /** Client-side facts: restarts seen by the client, the extension version. */
  client: z.object({ restarts: z.number().int(), extensionVersion: z.string(), lastRestartReason: z.string().nullable() }),
  theme: ThemeKind,
});
export type StatusSnapshot = z.infer<typeof StatusSnapshot>;

/** The Traces view: newest traces first (optionally filtered), live unless paused. */
export const TracesSnapshot = z.object({
  type: z.literal("traces/snapshot"),
  rows: z.array(TraceListRow),
  /** Traces in the store. */
  total: z.number().int(),
  hasMore: z.boolean(),
  filter: z.string(),
  filterError: FilterError.nullable(),
  paused: z.boolean(),
  /** Set while the server is not reachable (starting, restarting). */
  serverMessage: z.string().nullable(),
  theme: ThemeKind,
});
export type TracesSnapshot = z.infer<typeof TracesSnapshot>;

/** The trace panel: one trace's light span tree and its assessments. Full spans are requested on selection. */
export const TraceSnapshot = z.object({
  type: z.literal("trace/snapshot"),
  trace: TraceSkeleton.nullable(),
  /** Why `trace` is null (deleted, not found, server down). */
  message: z.string().nullable(),
  theme: ThemeKind,
});
export type TraceSnapshot = z.infer<typeof TraceSnapshot>;

/** Two traces side by side. Alignment is computed in the webview (protocol/traceAlign). */
export const CompareSnapshot = z.object({
  type: z.literal("compare/snapshot"),
  left: TraceDetail.nullable(),
  right: TraceDetail.nullable(),
  message: z.string().nullable(),
  theme: ThemeKind,
});
export type CompareSnapshot = z.infer<typeof CompareSnapshot>;

/**
 * An evaluation run's results: aggregates and the columnar table of every row (protocol/runTable;
 * the panel virtualizes). Full rows are requested for the detail pane (ResultsRow); the text
 * filter runs on the host's side (ResultsSearch). `table` is null when there is no run.
 */
export const ResultsSnapshot = z.object({
  type: z.literal("results/snapshot"),
  run: EvalRun.nullable(),
  table: RunTable.nullable(),
  /** True while `table` holds only the run's first rows (the rest follow in the next snapshot). */
  partial: z.boolean(),
  /** Live progress while the run is going. */
  progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
  /** The run before this one with the same scorers (and the change from it, e.g. "Δ mean −0.12 · errors +1"), once finished. */
  previous: z.object({ runId: z.string(), startedMs: z.number(), delta: z.string().nullable() }).nullable(),
  message: z.string().nullable(),
  theme: ThemeKind,
});
export type ResultsSnapshot = z.infer<typeof ResultsSnapshot>;

/** Two evaluation runs compared: aggregate deltas and the rows that flipped (protocol/runDiff). */
export const RunCompareSnapshot = z.object({ type: z.literal("runCompare/snapshot"), ...RunCompareSnapshotFields, theme: ThemeKind });
export type RunCompareSnapshot = z.infer<typeof RunCompareSnapshot>;

/** The monitoring dashboard: registered scorers' series over time, their state and backfills (protocol/dashboardWebview). */
export const DashboardSnapshot = z.object({ type: z.literal("dashboard/snapshot"), ...DashboardSnapshotFields, theme: ThemeKind });
export type DashboardSnapshot = z.infer<typeof DashboardSnapshot>;

export const HostToWebview = z.discriminatedUnion("type", [HostResponse, StatusSnapshot, TracesSnapshot, TraceSnapshot, CompareSnapshot, ResultsSnapshot, RunCompareSnapshot, DashboardSnapshot]);
export type HostToWebview = z.infer<typeof HostToWebview>;

// ─── requests (webview → host) ────────────────────────────────────────────────

const Empty = z.object({});
const Ok = z.object({ ok: z.literal(true) });

/** status panel */
export const StatusRefresh = defineRequest("status/refresh", "webviewToHost", Empty, Ok);
export const ShowLog = defineRequest("log/show", "webviewToHost", Empty, Ok);
export const RestartServer = defineRequest("server/restart", "webviewToHost", Empty, Ok);

/** traces view */
export const TracesSetFilter = defineRequest("traces/filter", "webviewToHost", z.object({ filter: z.string().max(10_000) }), Ok);
export const TracesLoadMore = defineRequest("traces/loadMore", "webviewToHost", Empty, Ok);
export const TracesSetPaused = defineRequest("traces/pause", "webviewToHost", z.object({ paused: z.boolean() }), Ok);
export const TracesOpen = defineRequest("traces/open", "webviewToHost", z.object({ traceId: z.string() }), Ok);
export const TracesDelete = defineRequest(
  "traces/delete",
  "webviewToHost",
  z.object({ traceIds: z.array(z.string()).min(1) }),
  z.object({ deleted: z.number().int() }),
);
/** The view's selection changed (scorers can then run "on the selected traces"). */
export const TracesSelect = defineRequest("traces/select", "webviewToHost", z.object({ traceIds: z.array(z.string()).max(10_000) }), Ok);
export const TracesCompare = defineRequest("traces/compare", "webviewToHost", z.object({ left: z.string(), right: z.string() }), Ok);

/** trace panel */
export const SpanGet = defineRequest("span/get", "webviewToHost", z.object({ spanId: z.string() }), SpanRecord.nullable());
export const TraceSearch = defineRequest(
  "trace/search",
  "webviewToHost",
  z.object({ text: z.string().min(1).max(500) }),
  z.object({ spanIds: z.array(z.string()) }),
);
export const SourceReveal = defineRequest(
  "source/reveal",
  "webviewToHost",
  z.object({ spanId: z.string() }),
  z.object({ ok: z.boolean(), message: z.string().nullable() }),
);
export const FeedbackLog = defineRequest(
  "feedback/log",
  "webviewToHost",
  z.object({
    spanId: z.string().nullable(),
    /** Thumbs up = true, down = false. */
    value: z.boolean(),
    comment: z.string().max(10_000).nullable(),
    name: z.string().min(1).max(250).default("user_feedback"),
  }),
  Assessment,
);
export const ExpectationSet = defineRequest(
  "expectation/set",
  "webviewToHost",
  z.object({ name: z.string().min(1).max(250), value: z.unknown() }),
  Assessment,
);
export const AssessmentDelete = defineRequest("assessment/delete", "webviewToHost", z.object({ assessmentId: z.string() }), Ok);
export const TraceDelete = defineRequest("trace/delete", "webviewToHost", Empty, Ok);
export const TraceCompareWith = defineRequest("trace/compareWith", "webviewToHost", Empty, Ok);
export const TraceCopyId = defineRequest("trace/copyId", "webviewToHost", Empty, Ok);

/** results panel */
export const ResultsOpenTrace = defineRequest("results/openTrace", "webviewToHost", z.object({ traceId: z.string() }), Ok);
export const ResultsCancel = defineRequest("results/cancel", "webviewToHost", Empty, Ok);
export const ResultsRerun = defineRequest("results/rerun", "webviewToHost", Empty, Ok);
/** Opens the run comparison of this run with the previous one. */
export const ResultsCompare = defineRequest("results/compare", "webviewToHost", Empty, Ok);
/** One full row of the table (rationales, errors with stacks, logs) by its index; null when it is gone. */
export const ResultsRow = defineRequest("results/row", "webviewToHost", z.object({ index: z.number().int().min(0) }), RunResultRow.nullable());
/** The table indexes of the rows matching a text filter (trace, values, rationales, errors; every word). */
export const ResultsSearch = defineRequest("results/search", "webviewToHost", z.object({ text: z.string().max(1000) }), z.object({ rows: IntArray }));

/** results and trace panels: open the trace of an LLM judge's call (an assessment's `scorelens.judge.trace_id`) in the trace panel. */
export const JudgeTraceOpen = defineRequest("judge/openTrace", "webviewToHost", z.object({ traceId: z.string().regex(/^[0-9a-f]{32}$/) }), Ok);

/** compare panel */
export const CompareOpenTrace = defineRequest("compare/openTrace", "webviewToHost", z.object({ traceId: z.string() }), Ok);

export type WebviewRequestDescriptor = RequestDescriptor<string, z.ZodType, z.ZodType>;

/** Every request a webview may send, by method. */
export const WEBVIEW_REQUESTS = {
  [StatusRefresh.method]: StatusRefresh,
  [ShowLog.method]: ShowLog,
  [RestartServer.method]: RestartServer,
  [TracesSetFilter.method]: TracesSetFilter,
  [TracesLoadMore.method]: TracesLoadMore,
  [TracesSetPaused.method]: TracesSetPaused,
  [TracesOpen.method]: TracesOpen,
  [TracesDelete.method]: TracesDelete,
  [TracesCompare.method]: TracesCompare,
  [TracesSelect.method]: TracesSelect,
  [SpanGet.method]: SpanGet,
  [TraceSearch.method]: TraceSearch,
  [SourceReveal.method]: SourceReveal,
  [FeedbackLog.method]: FeedbackLog,
  [ExpectationSet.method]: ExpectationSet,
  [AssessmentDelete.method]: AssessmentDelete,
  [TraceDelete.method]: TraceDelete,
  [TraceCompareWith.method]: TraceCompareWith,
  [TraceCopyId.method]: TraceCopyId,
  [CompareOpenTrace.method]: CompareOpenTrace,
  [JudgeTraceOpen.method]: JudgeTraceOpen,
  [ResultsOpenTrace.method]: ResultsOpenTrace,
  [ResultsCancel.method]: ResultsCancel,
  [ResultsRerun.method]: ResultsRerun,
  [ResultsCompare.method]: ResultsCompare,
  [ResultsRow.method]: ResultsRow,
  [ResultsSearch.method]: ResultsSearch,
  [RunCompareOpenTrace.method]: RunCompareOpenTrace,
  [RunCompareOpenRun.method]: RunCompareOpenRun,
  [RunCompareSwap.method]: RunCompareSwap,
  [RunComparePickBase.method]: RunComparePickBase,
  [RunCompareSetThreshold.method]: RunCompareSetThreshold,
  [DashboardSetRange.method]: DashboardSetRange,
  [DashboardDrill.method]: DashboardDrill,
  [DashboardRefresh.method]: DashboardRefresh,
  [DashboardCancelBackfill.method]: DashboardCancelBackfill,
} as const;
