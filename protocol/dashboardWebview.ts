/**
 * The monitoring dashboard panel on the wire (host ↔ webview): the snapshot's fields and the
 * webview → host requests (registered in protocol/webview.ts). The series come from the
 * server's scorelens/getDashboard (protocol/monitoring.ts). Schemas only; no logic.
 */
import { z } from "zod";
import { defineRequest } from "./descriptors";
import { BackfillJob, Bucket, DashboardSeries, RegisteredScorer } from "./monitoring";

export const RangePreset = z.enum(["5m", "15m", "1h", "24h", "7d", "30d", "custom"]);
export type RangePreset = z.infer<typeof RangePreset>;

/** The time range the dashboard shows: a preset (relative to now) or a custom [fromMs, toMs). */
export const DashboardRange = z.object({ preset: RangePreset, fromMs: z.number(), toMs: z.number(), bucket: Bucket });
export type DashboardRange = z.infer<typeof DashboardRange>;

/** The fields of the panel's snapshot; protocol/webview.ts adds `type` and `theme`. */
export const DashboardSnapshotFields = {
  range: DashboardRange,
  /** One series per scorer and assessment name, points sorted by time (empty buckets may be missing). */
  series: z.array(DashboardSeries),
  scorers: z.array(RegisteredScorer),
  jobs: z.array(BackfillJob),
  lagP50Ms: z.number().nullable(),
  lagP95Ms: z.number().nullable(),
  /** Why there is nothing to show (server down, request failed), or null. */
  message: z.string().nullable(),
  /** The scorer to scroll to (opened from its item in the Scorers view), or null. */
  focusScorer: z.string().nullable(),
  /** When the host built the snapshot (epoch ms). */
  nowMs: z.number(),
};

const Ok = z.object({ ok: z.literal(true) });

/** Show another range / bucket; the host answers with a new snapshot. */
export const DashboardSetRange = defineRequest(
  "dashboard/setRange",
  "webviewToHost",
  z.object({ preset: RangePreset, fromMs: z.number().optional(), toMs: z.number().optional(), bucket: Bucket }),
  Ok,
);
/** Drill down into one bucket of one series: the host lists its traces (a quick pick that opens one). */
export const DashboardDrill = defineRequest(
  "dashboard/drill",
  "webviewToHost",
  z.object({ scorer: z.string(), assessment: z.string(), fromMs: z.number(), toMs: z.number() }),
  z.object({ count: z.number().int() }),
);
/** Re-fetch the series now. */
export const DashboardRefresh = defineRequest("dashboard/refresh", "webviewToHost", z.object({}), Ok);
/** Cancel a running backfill job. */
export const DashboardCancelBackfill = defineRequest("dashboard/cancelBackfill", "webviewToHost", z.object({ jobId: z.string().min(1) }), Ok);
