/**
 * Monitoring dashboard snapshots for the harness: three registered scorers (one active at 50%
 * with a filter, one stopped with an error, one with a hostile name), a running and a finished
 * backfill, and series with gaps (missing buckets and a bucket with no value), generated with a
 * seeded PRNG over the real preset ranges (extension/monitoring/scorerText.presetRange).
 */
import { BUCKET_MS, type BackfillJob, type Bucket, type DashboardPoint, type DashboardSeries, type RegisteredScorer } from "../../protocol/monitoring";
import type { RangePreset } from "../../protocol/dashboardWebview";
import type { DashboardSnapshot } from "../../protocol/webview";
import { presetRange } from "../../extension/monitoring/scorerText";
import { HOSTILE } from "./tracesFixtures";

export type DashboardScenario = "default" | "week" | "empty" | "nodata";

export interface DashboardFixture {
  snapshot: DashboardSnapshot;
  /** Posted after dashboard/setRange, by preset. */
  byPreset: Record<string, DashboardSnapshot>;
  /** What dashboard/drill answers. */
  drillCount: number;
}

/** Tue 2026-05-12 15:20 UTC (the harness runs Chromium in UTC). */
export const NOW = Date.UTC(2026, 4, 12, 15, 20, 0);
const FILE = "/home/dev/support-bot/evals/scorers.ts";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scorer = (over: Partial<RegisteredScorer> & Pick<RegisteredScorer, "name">): RegisteredScorer => ({
  version: 1,
  file: FILE,
  exportName: over.name,
  sourceHash: "9f2c0d8e".repeat(8),
  aggregations: ["mean"],
  sampleRate: 0,
  filterString: null,
  state: "registered",
  createdMs: NOW - 9 * 86_400_000,
  updatedMs: NOW - 3_600_000,
  backlog: 0,
  scoredCount: 0,
  lastError: null,
  ...over,
});

export const SCORERS: RegisteredScorer[] = [
  scorer({ name: "correctness", version: 3, state: "active", sampleRate: 0.5, filterString: "trace.name = 'rag.answer_question'", backlog: 12, scoredCount: 4_812 }),
  scorer({ name: "politeness", version: 1, state: "stopped", sampleRate: 0, backlog: 0, scoredCount: 930, lastError: "TypeError: Cannot read properties of undefined (reading 'content')" }),
  scorer({ name: HOSTILE.name, version: 2, state: "active", sampleRate: 0.1, backlog: 0, scoredCount: 77 }),
];

const JOBS: BackfillJob[] = [
  {
    jobId: "bf-7c1a",
    scorers: [{ name: "correctness", version: 3, sampleRate: 0.5 }],
    fromMs: NOW - 7 * 86_400_000,
    toMs: NOW,
    rescore: false,
    status: "running",
    total: 5_000,
    done: 1_234,
    scored: 1_180,
    skipped: 50,
    errors: 4,
    createdMs: NOW - 120_000,
    finishedMs: null,
    message: null,
  },
  {
    jobId: "bf-55e0",
    scorers: [{ name: "politeness", version: 1, sampleRate: 1 }],
    fromMs: NOW - 86_400_000,
    toMs: NOW,
    rescore: true,
    status: "completed",
    total: 930,
    done: 930,
    scored: 930,
    skipped: 0,
    errors: 0,
    createdMs: NOW - 1_800_000,
    finishedMs: NOW - 1_500_000,
    message: null,
  },
];

/** Indexes of buckets the generator leaves out (gaps), and of the bucket present with no value. */
export const GAP_BUCKETS = [5, 6, 7];
export const NULL_VALUE_BUCKET = 12;

function series(scorerName: string, assessment: string, fromMs: number, toMs: number, bucket: Bucket, kind: "passfail" | "numeric", seed: number): DashboardSeries {
  const r = rng(seed);
  const step = BUCKET_MS[bucket];
  const perBucket: Record<Bucket, number> = { "15s": 8, minute: 20, hour: 60, day: 1400 };
  const points: DashboardPoint[] = [];
  for (let i = 0, t = fromMs; t < toMs; i++, t += step) {
    if (GAP_BUCKETS.includes(i)) continue;
    const eligible = Math.round(perBucket[bucket] * (0.6 + 0.8 * r()));
    const scored = Math.round(eligible * (0.45 + 0.1 * r()));
    const errors = r() < 0.2 ? Math.round(scored * 0.08 * r()) : 0;
    const drift = Math.sin(i / 6) * 0.08;
    if (i === NULL_VALUE_BUCKET) {
      points.push({ t, value: null, passRate: null, errorRate: scored ? 1 : 0, scored, eligible });
      continue;
    }
    const pass = Math.min(1, Math.max(0, 0.78 + drift + (r() - 0.5) * 0.1));
    const value = kind === "passfail" ? pass : 3.6 + drift * 8 + (r() - 0.5) * 0.6;
    points.push({ t, value, passRate: kind === "passfail" ? pass : null, errorRate: scored ? errors / scored : 0, scored, eligible });
  }
  return { scorer: scorerName, assessment, points };
}

function snapshot(preset: Exclude<RangePreset, "custom">, bucket: Bucket, over: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  const { fromMs, toMs } = presetRange(preset, bucket, NOW);
  return {
    type: "dashboard/snapshot",
    range: { preset, fromMs, toMs, bucket },
    series: [
      series("correctness", "correctness", fromMs, toMs, bucket, "passfail", 7),
      series("politeness", "politeness_score", fromMs, toMs, bucket, "numeric", 11),
      series(HOSTILE.name, HOSTILE.badge, fromMs, toMs, bucket, "passfail", 13),
    ],
    scorers: SCORERS,
    jobs: JOBS,
    lagP50Ms: 1_240,
    lagP95Ms: 4_870,
    message: null,
    focusScorer: null,
    nowMs: NOW,
    theme: "dark",
    ...over,
  };
}

export function dashboardFixture(scenario: DashboardScenario, theme: "dark" | "light" = "dark"): DashboardFixture {
  const th = { theme } as const;
  const byPreset = {
    "5m": snapshot("5m", "15s", th),
    "24h": snapshot("24h", "hour", th),
    "7d": snapshot("7d", "hour", th),
    "30d": snapshot("30d", "day", th),
  };
  switch (scenario) {
    case "week":
      return { snapshot: byPreset["7d"], byPreset, drillCount: 3 };
    case "empty":
      return { snapshot: snapshot("24h", "hour", { ...th, series: [], scorers: [], jobs: [], lagP50Ms: null, lagP95Ms: null }), byPreset, drillCount: 0 };
    case "nodata":
      return { snapshot: snapshot("24h", "hour", { ...th, series: [], jobs: [] }), byPreset, drillCount: 0 };
    default:
      return { snapshot: byPreset["24h"], byPreset, drillCount: 41 };
  }
}
