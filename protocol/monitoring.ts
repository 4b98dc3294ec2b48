/**
 * Registered scorers and continuous monitoring (MLflow 3's register / start / update / stop /
 * delete, and backfill_scorers), shared by the server, the extension, the CLI and the SDK.
 *
 * - Registering snapshots a scorer's bundled code as an immutable version; the name is unique
 *   per store and re-registering makes a new version. Monitoring runs the snapshot, never the file.
 * - State follows the sample rate, as in MLflow: registered (never started), active (rate > 0),
 *   stopped (rate = 0). Deleting removes the registration (its assessments stay).
 * - Sampling is dense and deterministic (see server/monitoring/sampler.ts).
 */
import { z } from "zod";
import { defineNotification, defineRequest } from "./descriptors";

export const ScorerState = z.enum(["registered", "active", "stopped"]);
export type ScorerState = z.infer<typeof ScorerState>;

export const SampleRate = z.number().min(0).max(1);

export const RegisteredScorer = z.object({
  name: z.string(),
  version: z.number().int().min(1),
  /** Where it was registered from (the snapshot is what runs). */
  file: z.string(),
  exportName: z.string(),
  /** sha256 of the bundled code of this version (compare with the file's current bundle to see drift). */
  sourceHash: z.string(),
  aggregations: z.array(z.string()).nullable(),
  sampleRate: SampleRate,
  filterString: z.string().nullable(),
  state: ScorerState,
  createdMs: z.number(),
  updatedMs: z.number(),
  /** Traces waiting to be scored by this scorer. */
  backlog: z.number().int(),
  /** Traces this version scored so far (monitoring and backfills). */
  scoredCount: z.number().int(),
  lastError: z.string().nullable(),
});
export type RegisteredScorer = z.infer<typeof RegisteredScorer>;

export const BackfillStatus = z.enum(["queued", "running", "completed", "cancelled", "failed"]);
export const BackfillJob = z.object({
  jobId: z.string(),
  scorers: z.array(z.object({ name: z.string(), version: z.number().int(), sampleRate: SampleRate })),
  fromMs: z.number(),
  toMs: z.number(),
  /** Score traces again that already have an assessment from the same scorer version. */
  rescore: z.boolean(),
  status: BackfillStatus,
  /** Traces in range considered / scored / skipped (already assessed, or not sampled) / with errors. */
  total: z.number().int(),
  done: z.number().int(),
  scored: z.number().int(),
  skipped: z.number().int(),
  errors: z.number().int(),
  createdMs: z.number(),
  finishedMs: z.number().nullable(),
  message: z.string().nullable(),
});
export type BackfillJob = z.infer<typeof BackfillJob>;

export const MonitoringSnapshot = z.object({
  scorers: z.array(RegisteredScorer),
  jobs: z.array(BackfillJob),
  /** Most scorers that may be active at once (setting; MLflow's default is 20). */
  maxActive: z.number().int(),
  /** Monitoring lag, trace completion → assessment, over the last minutes (ms), or null. */
  lagP50Ms: z.number().nullable(),
  lagP95Ms: z.number().nullable(),
});
export type MonitoringSnapshot = z.infer<typeof MonitoringSnapshot>;

const Name = z.string().min(1).max(200);
const Filter = z.string().max(10_000).nullable();

/** client → server: snapshot the scorer (file + export) as a new version under `name` (default: its scorer name). */
export const RegisterScorerRequest = defineRequest(
  "scorelens/registerScorer",
  "clientToServer",
  z.object({ file: z.string(), exportName: z.string(), name: Name.optional() }),
  RegisteredScorer,
);
export const StartScorerRequest = defineRequest(
  "scorelens/startScorer",
  "clientToServer",
  z.object({ name: Name, sampleRate: SampleRate.refine((r) => r > 0, "start with a sample rate above 0 (0 is stop)"), filterString: Filter.default(null) }),
  RegisteredScorer,
);
export const UpdateScorerRequest = defineRequest(
  "scorelens/updateScorer",
  "clientToServer",
  z.object({ name: Name, sampleRate: SampleRate.optional(), filterString: Filter.optional() }),
  RegisteredScorer,
);
export const StopScorerRequest = defineRequest("scorelens/stopScorer", "clientToServer", z.object({ name: Name }), RegisteredScorer);
export const DeleteScorerRequest = defineRequest("scorelens/deleteScorer", "clientToServer", z.object({ name: Name }), z.object({ deleted: z.boolean() }));
export const GetMonitoringRequest = defineRequest("scorelens/getMonitoring", "clientToServer", z.object({}), MonitoringSnapshot);

export const StartBackfillRequest = defineRequest(
  "scorelens/startBackfill",
  "clientToServer",
  z.object({
    /** Registered scorers; sampleRate defaults to the scorer's current rate (1.0 if it never started). */
    scorers: z.array(z.object({ name: Name, sampleRate: SampleRate.optional() })).min(1),
    /** Default: the last 7 days. */
    fromMs: z.number().optional(),
    toMs: z.number().optional(),
    rescore: z.boolean().default(false),
  }),
  BackfillJob,
);
export const CancelBackfillRequest = defineRequest("scorelens/cancelBackfill", "clientToServer", z.object({ jobId: z.string() }), BackfillJob);

/** server → client: registrations, backlogs or jobs changed (pushed at most every 500 ms). */
export const MonitoringChangedNotification = defineNotification("scorelens/monitoringChanged", "serverToClient", MonitoringSnapshot);

// ─── dashboard ────────────────────────────────────────────────────────────────

/** Bucket sizes of the dashboard's time axis (buckets start at multiples of the size, UTC epoch). */
export const Bucket = z.enum(["15s", "minute", "hour", "day"]);
export type Bucket = z.infer<typeof Bucket>;

export const BUCKET_MS: Readonly<Record<Bucket, number>> = { "15s": 15_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Most buckets one dashboard request returns (the newest ones when a range holds more). */
export const MAX_DASHBOARD_BUCKETS = 2000;

/** How many buckets of `bucket` cover [fromMs, toMs) (partial buckets at both ends count). */
export function bucketCount(fromMs: number, toMs: number, bucket: Bucket): number {
  const size = BUCKET_MS[bucket];
  return Math.max(0, Math.ceil(toMs / size) - Math.floor(fromMs / size));
}

export const DashboardPoint = z.object({
  /** Bucket start, epoch ms. */
  t: z.number(),
  /** Mean of the numeric / boolean / yes-no values in the bucket, or null. */
  value: z.number().nullable(),
  passRate: z.number().nullable(),
  errorRate: z.number().nullable(),
  /** Traces with an assessment from this scorer / traces that matched its filter in the bucket. */
  scored: z.number().int(),
  eligible: z.number().int(),
});
export type DashboardPoint = z.infer<typeof DashboardPoint>;

export const DashboardSeries = z.object({ scorer: z.string(), assessment: z.string(), points: z.array(DashboardPoint) });
export type DashboardSeries = z.infer<typeof DashboardSeries>;

export const GetDashboardRequest = defineRequest(
  "scorelens/getDashboard",
  "clientToServer",
  z.object({ fromMs: z.number(), toMs: z.number(), bucket: Bucket, scorers: z.array(z.string()).optional() }),
  z.object({ series: z.array(DashboardSeries), fromMs: z.number(), toMs: z.number(), bucket: Bucket }),
);

/** client → server: the traces behind one point of the chart (drill-down). */
export const DashboardTracesRequest = defineRequest(
  "scorelens/dashboardTraces",
  "clientToServer",
  z.object({ scorer: z.string(), assessment: z.string(), fromMs: z.number(), toMs: z.number(), limit: z.number().int().min(1).max(10_000).default(500) }),
  z.object({ traceIds: z.array(z.string()) }),
);

// ─── HTTP (the SDK's client: sdk/monitoring) ──────────────────────────────────────────────────

/**
 * Routes on the OTLP receiver (JSON in and out; errors are `{error, code}` with 400 invalid,
 * 404 not found, 409 over the active-scorer limit, 422 the file does not build):
 *   GET    /scorelens/v1/scorers                      → {scorers: RegisteredScorer[]}
 *   POST   /scorelens/v1/scorers                      {file, exportName, name?} → RegisteredScorer
 *   GET    /scorelens/v1/scorers/NAME                 → RegisteredScorer
 *   POST   /scorelens/v1/scorers/NAME/start           {sampleRate, filterString?} → RegisteredScorer
 *   POST   /scorelens/v1/scorers/NAME/update          {sampleRate?, filterString?} → RegisteredScorer
 *   POST   /scorelens/v1/scorers/NAME/stop            → RegisteredScorer
 *   DELETE /scorelens/v1/scorers/NAME                 → {deleted}
 *   GET    /scorelens/v1/monitoring                   → MonitoringSnapshot
 *   POST   /scorelens/v1/backfills                    StartBackfill params → BackfillJob
 *   GET    /scorelens/v1/backfills/ID                 → BackfillJob
 *   POST   /scorelens/v1/backfills/ID/cancel          → BackfillJob
 */
export const MONITORING_HTTP_PREFIXES = ["/scorelens/v1/scorers", "/scorelens/v1/backfills", "/scorelens/v1/monitoring"] as const;

export function isMonitoringPath(path: string): boolean {
  return MONITORING_HTTP_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

export const MonitoringHttpError = z.object({ error: z.string(), code: z.string() });
export const ScorerListReply = z.object({ scorers: z.array(RegisteredScorer) });
