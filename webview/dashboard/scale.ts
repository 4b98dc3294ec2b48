/**
 * Pure chart math of the monitoring dashboard: the bucket grid (with gaps for empty buckets),
 * linear scales, "nice" value ticks, calendar-aligned time ticks (local time) and their labels,
 * line segments split at gaps, and the SVG path of a segment. No DOM.
 */
import { BUCKET_MS, type Bucket, type DashboardPoint } from "../../protocol/monitoring";

export { BUCKET_MS };
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** One bucket of the time axis: its start and its point (null = empty bucket, a gap). */
export interface Slot {
  t: number;
  point: DashboardPoint | null;
}

/**
 * Every bucket from `fromMs` to `toMs`, anchored on the points' own bucket starts (the server
 * decides the alignment) or, with no point, on multiples of the bucket size. A point off the
 * grid goes to its nearest slot. At most `maxSlots` slots (the newest ones).
 */
export function bucketGrid(points: readonly DashboardPoint[], fromMs: number, toMs: number, bucket: Bucket, maxSlots = 5000): Slot[] {
  const step = BUCKET_MS[bucket];
  const anchor = points[0]?.t ?? Math.floor(fromMs / step) * step;
  const first = anchor - Math.floor((anchor - fromMs) / step) * step;
  const start = first > fromMs ? first - step : first;
  let n = Math.max(1, Math.ceil((toMs - start) / step));
  let begin = start;
  if (n > maxSlots) {
    begin = start + (n - maxSlots) * step;
    n = maxSlots;
  }
  const slots: Slot[] = Array.from({ length: n }, (_, i) => ({ t: begin + i * step, point: null }));
  for (const p of points) {
    const i = Math.round((p.t - begin) / step);
    const slot = slots[i];
    if (slot) slot.point = p;
  }
  return slots;
}

export interface Scale {
  (v: number): number;
  invert(px: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

/** A linear map from [d0, d1] to [r0, r1] (a flat domain maps to the middle of the range). */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0;
  const f = ((v: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0))) as Scale;
  f.invert = (px: number) => (r1 === r0 ? d0 : d0 + ((px - r0) / (r1 - r0)) * span);
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/** A 1, 2 or 5 × 10^k step that gives about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** Round the step's floating-point noise off (0.30000000000000004 → 0.3). */
const clean = (v: number, step: number): number => {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(20, digits)));
};

/** A domain widened to whole steps, and its ticks. */
export function niceTicks(min: number, max: number, count = 4): { lo: number; hi: number; ticks: number[] } {
  let a = Math.min(min, max);
  let b = Math.max(min, max);
  if (a === b) {
    const pad = a === 0 ? 1 : Math.abs(a) * 0.1;
    a -= pad;
    b += pad;
  }
  const step = niceStep(b - a, count);
  const lo = clean(Math.floor(a / step + 1e-9) * step, step);
  const hi = clean(Math.ceil(b / step - 1e-9) * step, step);
  const ticks: number[] = [];
  for (let v = lo, i = 0; v <= hi + step / 2 && i < 100; i++, v = lo + i * step) ticks.push(clean(v, step));
  return { lo, hi, ticks };
}

/**
 * The value axis of a series: 0…1 when every value is in it (means of pass/fail, scores in
 * [0, 1]), else nice bounds around the values. Null when the series has no value at all.
 */
export function valueDomain(values: ReadonlyArray<number | null>): { lo: number; hi: number; ticks: number[] } | null {
  const vs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (vs.length === 0) return null;
  const min = Math.min(...vs);
  const max = Math.max(...vs);
  if (min >= 0 && max <= 1) return { lo: 0, hi: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  return niceTicks(min >= 0 && min < max / 4 ? 0 : min, max, 4);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad2 = (n: number): string => String(n).padStart(2, "0");

/** "May 12" (local time). */
export function dayLabel(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getMonth()] ?? ""} ${d.getDate()}`;
}

/** "14:00" (local time). */
export function hourLabel(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** "14:05:15" (local time). */
export function secondLabel(ms: number): string {
  return `${hourLabel(ms)}:${pad2(new Date(ms).getSeconds())}`;
}

export interface TimeTick {
  t: number;
  label: string;
  /** A day boundary (drawn a little stronger). */
  major: boolean;
}

const SECOND_STEPS = [15, 30];
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30];
const HOUR_STEPS = [1, 2, 3, 6, 12];
const DAY_STEPS = [1, 2, 7, 14, 30];

/**
 * Ticks at local calendar boundaries in [fromMs, toMs]: every 15/30 seconds (spans up to 10
 * minutes, labelled hh:mm:ss), every 1/2/5/10/15/30 minutes (up to 6 hours), every 1/2/3/6/12
 * hours (midnights labelled with the date) or every 1/2/7/14/30 days, whichever first gives at
 * most `maxTicks` (at least 2).
 */
export function timeTicks(fromMs: number, toMs: number, maxTicks: number): TimeTick[] {
  const span = toMs - fromMs;
  if (!(span > 0)) return [];
  const limit = Math.max(2, maxTicks);
  const ticks: TimeTick[] = [];
  const seconds = span <= 10 * MINUTE_MS ? SECOND_STEPS.find((n) => span / (n * 1000) <= limit - 1) : undefined;
  if (seconds !== undefined) {
    const step = seconds * 1000;
    for (let t = Math.ceil(fromMs / step) * step; t <= toMs && ticks.length < 1000; t += step) ticks.push({ t, label: secondLabel(t), major: false });
    return ticks;
  }
  const minutes = span <= 6 * HOUR_MS ? MINUTE_STEPS.find((m) => span / (m * MINUTE_MS) <= limit - 1) : undefined;
  if (minutes !== undefined) {
    const d = new Date(fromMs);
    d.setSeconds(0, 0);
    while (d.getTime() < fromMs || d.getMinutes() % minutes !== 0) d.setMinutes(d.getMinutes() + 1);
    for (; d.getTime() <= toMs && ticks.length < 1000; d.setMinutes(d.getMinutes() + minutes)) {
      const major = d.getHours() === 0 && d.getMinutes() === 0;
      ticks.push({ t: d.getTime(), label: major ? dayLabel(d.getTime()) : hourLabel(d.getTime()), major });
    }
    return ticks;
  }
  const hours = HOUR_STEPS.find((h) => span / (h * HOUR_MS) <= limit - 1);
  if (hours !== undefined) {
    const d = new Date(fromMs);
    d.setMinutes(0, 0, 0);
    while (d.getTime() < fromMs || d.getHours() % hours !== 0) d.setHours(d.getHours() + 1);
    for (; d.getTime() <= toMs && ticks.length < 1000; d.setHours(d.getHours() + hours)) {
      const major = d.getHours() === 0;
      ticks.push({ t: d.getTime(), label: major ? dayLabel(d.getTime()) : hourLabel(d.getTime()), major });
    }
    return ticks;
  }
  const days = DAY_STEPS.find((n) => span / (n * DAY_MS) <= limit - 1) ?? Math.ceil(span / DAY_MS / (limit - 1));
  const d = new Date(fromMs);
  d.setHours(0, 0, 0, 0);
  if (d.getTime() < fromMs) d.setDate(d.getDate() + 1);
  if (days === 7) while (d.getDay() !== 1) d.setDate(d.getDate() + 1); // weeks start on Monday
  for (; d.getTime() <= toMs && ticks.length < 1000; d.setDate(d.getDate() + days)) ticks.push({ t: d.getTime(), label: dayLabel(d.getTime()), major: true });
  return ticks;
}

/**
 * "Tue May 12 14:05:15–14:05:30" for a 15-second bucket, "Tue May 12 14:05–14:06" for a minute,
 * "Tue May 12 14:00–15:00" for an hour, "Tue May 12" for a day.
 */
export function bucketLabel(t: number, bucket: Bucket): string {
  const d = new Date(t);
  const day = `${WEEKDAYS[d.getDay()] ?? ""} ${dayLabel(t)}`;
  if (bucket === "day") return day;
  const clock = bucket === "15s" ? secondLabel : hourLabel;
  return `${day} ${clock(t)}–${clock(t + BUCKET_MS[bucket])}`;
}

/** Runs of consecutive slots that have a value: [slot index, value] pairs (a gap ends a run). */
export function segments(slots: readonly Slot[], value: (p: DashboardPoint) => number | null): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  let cur: Array<[number, number]> | null = null;
  slots.forEach((s, i) => {
    const v = s.point ? value(s.point) : null;
    if (v === null || !Number.isFinite(v)) {
      cur = null;
      return;
    }
    if (!cur) out.push((cur = []));
    cur.push([i, v]);
  });
  return out;
}

/** The SVG path of one segment: "M x,y L x,y …" with coordinates rounded to 0.1 px. */
export function segmentPath(seg: ReadonlyArray<[number, number]>, x: (i: number) => number, y: (v: number) => number): string {
  const r = (n: number): string => String(Math.round(n * 10) / 10);
  return seg.map(([i, v], k) => `${k === 0 ? "M" : "L"}${r(x(i))},${r(y(v))}`).join(" ");
}

/** The slot under pixel `px` (slots are centred in equal bands). */
export function slotAt(px: number, left: number, width: number, n: number): number {
  if (n <= 0) return -1;
  return Math.max(0, Math.min(n - 1, Math.floor(((px - left) / width) * n)));
}

/** "82%", "12.5%", "0.4%", "—". */
export function pct(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return "—";
  const p = r * 100;
  const s = p === 0 || p >= 10 || Math.abs(p - Math.round(p)) < 0.05 ? p.toFixed(0) : p.toFixed(1);
  return `${s}%`;
}

/** A value for labels and tooltips: up to 3 significant decimals, grouped thousands. */
export function num(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return Number(v.toFixed(digits)).toLocaleString("en-US", { maximumFractionDigits: digits });
}
