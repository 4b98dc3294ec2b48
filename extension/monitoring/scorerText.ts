/**
 * Pure texts and parsing of the Scorers view, its commands and the dashboard host (no vscode
 * import, unit-tested): sample rates as percentages, a registered scorer's description and
 * tooltip, a backfill job's progress, and the time ranges of the pickers.
 */
import { formatCount } from "../../protocol/format";
import { Bucket, BUCKET_MS, bucketCount, MAX_DASHBOARD_BUCKETS, type BackfillJob, type RegisteredScorer } from "../../protocol/monitoring";
import type { RangePreset } from "../../protocol/dashboardWebview";

/** 0.5 → "50%", 0.125 → "12.5%", 0.001 → "0.1%", 0.00005 → "0.005%". */
export function formatRate(rate: number): string {
  const p = rate * 100;
  const text = Number.isInteger(p) ? String(p) : String(Number(p.toPrecision(3)));
  return `${text}%`;
}

export type RateParse = { ok: true; rate: number } | { ok: false; error: string };

/**
 * A sample rate typed as a percentage: "50%", "50", " 12.5 % ", "100". Plain numbers are percents
 * too ("0.5" is 0.5%). Zero is only allowed with `allowZero` (a started scorer needs a rate > 0).
 */
export function parseRate(text: string, opts: { allowZero?: boolean } = {}): RateParse {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*$/.exec(text);
  if (!m) return { ok: false, error: "Type a percentage from 0 to 100, e.g. 50%." };
  const p = Number(m[1]);
  if (!Number.isFinite(p) || p > 100) return { ok: false, error: "The rate is at most 100%." };
  if (p === 0 && !opts.allowZero) return { ok: false, error: "Start with a rate above 0% (0% is Stop)." };
  return { ok: true, rate: Math.round(p * 1e4) / 1e6 };
}

/** "active 50%", "stopped", "registered". */
export function stateText(sc: Pick<RegisteredScorer, "state" | "sampleRate">): string {
  return sc.state === "active" ? `active ${formatRate(sc.sampleRate)}` : sc.state;
}

/** The tree item's description: "v3 · active 50% · backlog 12" (the backlog when there is one or the scorer runs). */
export function scorerDescription(sc: Pick<RegisteredScorer, "version" | "state" | "sampleRate" | "backlog" | "lastError">): string {
  const parts = [`v${sc.version}`, stateText(sc)];
  if (sc.state === "active" || sc.backlog > 0) parts.push(`backlog ${formatCount(sc.backlog)}`);
  if (sc.lastError) parts.push("error");
  return parts.join(" · ");
}

/** The tree item's tooltip (plain text lines). */
export function scorerTooltip(sc: RegisteredScorer): string {
  return [
    `${sc.name} (version ${sc.version}) — ${stateText(sc)}`,
    `Filter: ${sc.filterString ?? "every trace"}`,
    `Registered from: ${sc.file} (${sc.exportName})`,
    `Scored: ${formatCount(sc.scoredCount)} traces · backlog ${formatCount(sc.backlog)}`,
    `Updated: ${new Date(sc.updatedMs).toLocaleString()}`,
    `Last error: ${sc.lastError ?? "none"}`,
  ].join("\n");
}

export function isJobActive(job: Pick<BackfillJob, "status">): boolean {
  return job.status === "queued" || job.status === "running";
}

/** "backfill 1,234 / 5,000". */
export function backfillLabel(job: Pick<BackfillJob, "done" | "total">): string {
  return `backfill ${formatCount(job.done)} / ${formatCount(job.total)}`;
}

/** "correctness, tone · running · 12 errors". */
export function backfillDescription(job: BackfillJob): string {
  const parts = [job.scorers.map((s) => s.name).join(", "), job.status];
  if (job.errors) parts.push(`${formatCount(job.errors)} error${job.errors === 1 ? "" : "s"}`);
  if (job.rescore) parts.push("re-score");
  return parts.join(" · ");
}

/** The progress notification's message: "1,234 / 5,000 traces · 980 scored · 3 errors". */
export function backfillProgressText(job: BackfillJob): string {
  return `${formatCount(job.done)} / ${formatCount(job.total)} traces · ${formatCount(job.scored)} scored${job.errors ? ` · ${formatCount(job.errors)} errors` : ""}`;
}

export const PRESET_MS: Record<Exclude<RangePreset, "custom">, number> = {
  "5m": 5 * 60_000,
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** A preset's range ending at the end of the bucket that holds `nowMs` (so the last bucket is whole). */
export function presetRange(preset: Exclude<RangePreset, "custom">, bucket: Bucket, nowMs: number): { fromMs: number; toMs: number } {
  const step = BUCKET_MS[bucket];
  const toMs = Math.floor(nowMs / step) * step + step;
  return { fromMs: toMs - Math.max(step, Math.ceil(PRESET_MS[preset] / step) * step), toMs };
}

/** `bucket`, or the first coarser one that covers [fromMs, toMs) in at most MAX_DASHBOARD_BUCKETS buckets. */
export function fitBucket(bucket: Bucket, fromMs: number, toMs: number): Bucket {
  const sizes = Bucket.options;
  for (const b of sizes.slice(sizes.indexOf(bucket))) if (bucketCount(fromMs, toMs, b) <= MAX_DASHBOARD_BUCKETS) return b;
  return "day";
}

/**
 * A date or date-time typed by the user, in local time: "2026-05-01", "2026-05-01 13:00",
 * "2026-05-01T13:00". Null when it does not parse.
 */
export function parseDateTime(text: string): number | null {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?\s*$/.exec(text);
  if (!m) return null;
  const [y, mo, d, hh, mm] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59) return null;
  const date = new Date(y, mo - 1, d, hh, mm);
  if (date.getMonth() !== mo - 1 || date.getDate() !== d) return null; // 2026-02-31
  return date.getTime();
}
