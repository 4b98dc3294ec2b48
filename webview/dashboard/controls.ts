/**
 * The dashboard's toolbar: the range presets (last 5 / 15 minutes, hour, 24 h, 7 days, 30 days,
 * custom dates), the bucket size (15 seconds / minute / hour / day; sizes that would cut the range
 * into more than MAX_DASHBOARD_BUCKETS buckets are disabled) and Refresh. Changes go to the host
 * as one dashboard/setRange request.
 */
import { bucketCount, MAX_DASHBOARD_BUCKETS, type Bucket } from "../../protocol/monitoring";
import type { DashboardRange, RangePreset } from "../../protocol/dashboardWebview";
import { h } from "../lib/dom";
import { DAY_MS } from "./scale";

export interface RangeChange {
  preset: RangePreset;
  bucket: Bucket;
  fromMs?: number;
  toMs?: number;
}

const PRESETS: Array<[RangePreset, string]> = [
  ["5m", "Last 5 min"],
  ["15m", "Last 15 min"],
  ["1h", "Last hour"],
  ["24h", "Last 24 hours"],
  ["7d", "Last 7 days"],
  ["30d", "Last 30 days"],
  ["custom", "Custom…"],
];

/** The bucket a preset starts with (15 seconds up to 15 minutes, minutes for an hour, hours up to a week, days beyond). */
export const DEFAULT_BUCKET: Record<RangePreset, Bucket> = { "5m": "15s", "15m": "15s", "1h": "minute", "24h": "hour", "7d": "hour", "30d": "day", custom: "day" };

const BUCKETS: Array<[Bucket, string]> = [
  ["15s", "15 seconds"],
  ["minute", "By minute"],
  ["hour", "Hourly"],
  ["day", "Daily"],
];

const pad2 = (n: number): string => String(n).padStart(2, "0");
/** yyyy-mm-dd of a local date (the value format of <input type="date">). */
export function dateValue(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}
/** Local midnight of a yyyy-mm-dd value, or null. */
export function parseDateValue(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  return Number.isFinite(t) ? t : null;
}

export function renderControls(range: DashboardRange, change: (c: RangeChange) => void, refresh: () => void, say: (text: string, error: boolean) => void): HTMLElement {
  let customOpen = range.preset === "custom";
  const from = h("input", { type: "date", id: "range-from", value: dateValue(range.fromMs), "aria-label": "From (inclusive)" });
  const to = h("input", { type: "date", id: "range-to", value: dateValue(range.toMs - 1), "aria-label": "To (inclusive)" });
  const apply = h("button", { type: "button", id: "range-apply" }, "Apply");
  const custom = h("span", { class: "dl-custom", id: "custom-range" }, from, h("span", { class: "muted" }, "to"), to, apply);
  custom.hidden = !customOpen;
  const bucket = h(
    "select",
    { id: "bucket", "aria-label": "Bucket size" },
    ...BUCKETS.map(([b, label]) => h("option", { value: b, selected: range.bucket === b, disabled: bucketCount(range.fromMs, range.toMs, b) > MAX_DASHBOARD_BUCKETS }, label)),
  );
  const buttons = PRESETS.map(([p, label]) => {
    const b = h("button", { type: "button", class: `dl-preset${p === range.preset ? " active" : ""}`, id: `preset-${p}`, "aria-pressed": p === range.preset ? "true" : "false" }, label);
    b.addEventListener("click", () => {
      if (p === "custom") {
        customOpen = !customOpen || range.preset !== "custom";
        custom.hidden = !customOpen;
        if (customOpen) from.focus();
        return;
      }
      change({ preset: p, bucket: DEFAULT_BUCKET[p] });
    });
    return b;
  });
  apply.addEventListener("click", () => {
    const a = parseDateValue(from.value);
    const b = parseDateValue(to.value);
    if (a === null || b === null) return say("Pick both dates.", true);
    if (b < a) return say("The end date is before the start date.", true);
    change({ preset: "custom", bucket: b - a < 3 * DAY_MS ? "hour" : "day", fromMs: a, toMs: b + DAY_MS });
  });
  bucket.addEventListener("change", () => {
    const bk = BUCKETS.find(([b]) => b === bucket.value)?.[0] ?? "hour";
    change(range.preset === "custom" ? { preset: "custom", bucket: bk, fromMs: range.fromMs, toMs: range.toMs } : { preset: range.preset, bucket: bk });
  });
  const refreshBtn = h("button", { type: "button", class: "secondary", id: "refresh", title: "Fetch the series again" }, "Refresh");
  refreshBtn.addEventListener("click", refresh);
  return h(
    "div",
    { class: "dl-toolbar", role: "toolbar", "aria-label": "Time range" },
    h("span", { class: "dl-presets", role: "group", "aria-label": "Range" }, ...buttons),
    custom,
    h("label", { class: "dl-bucket" }, h("span", { class: "muted" }, "Buckets"), bucket),
    refreshBtn,
  );
}
