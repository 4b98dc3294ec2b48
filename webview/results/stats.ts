/**
 * Statistics the results panel computes from rows: pass rates of boolean / yes-no assessments
 * and histogram bins of numeric ones. Pure (no DOM), unit-tested.
 */

export interface PassCounts {
  pass: number;
  fail: number;
}

/** The share of passes among pass/fail values (errors and other values excluded); null when none. */
export function passRate(c: PassCounts): number | null {
  const n = c.pass + c.fail;
  return n === 0 ? null : c.pass / n;
}

export interface Bin {
  /** Inclusive lower edge. */
  lo: number;
  /** Upper edge: exclusive, except for the last bin (inclusive). */
  hi: number;
  count: number;
}

export interface Histogram {
  bins: Bin[];
  /** Axis range: the first bin's lo and the last bin's hi. */
  lo: number;
  hi: number;
  /** Bin width (0 when every value is the same). */
  step: number;
  /** Values counted. */
  total: number;
  /** The largest bin count. */
  maxCount: number;
  /** Every value is an integer and bins are one integer wide: label bins "3", not "3–4". */
  perInteger: boolean;
  min: number;
  max: number;
}

export const MIN_BINS = 10;
export const MAX_BINS = 20;

/** Step multipliers of "nice" bin widths: 1, 2, 2.5, 5 × 10^k. */
const NICE = [1, 2, 2.5, 5];

function niceSteps(range: number, integer: boolean): number[] {
  // candidate widths from ~range/MAX_BINS to ~range/MIN_BINS, smallest first
  const out: number[] = [];
  const lo = range / (MAX_BINS + 1);
  const hi = range / (MIN_BINS - 1);
  let exp = Math.floor(Math.log10(lo)) - 1;
  for (let guard = 0; guard < 8; guard++, exp++) {
    const p = 10 ** exp;
    for (const m of NICE) {
      const s = m * p;
      if (s < lo || s > hi) continue;
      if (integer && !Number.isInteger(s)) continue;
      out.push(s);
    }
  }
  return out;
}

/** A float step's decimals, so edges are exact: round(2.5 * 3, 1) is 7.5, not 7.499999. */
function snap(x: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(x.toFixed(Math.min(decimals, 12)));
}

/**
 * Bins finite `values` for a histogram.
 * - Integers spanning at most MAX_BINS values get one bin per integer (a 1–5 rating shows 5 bars).
 * - Otherwise MIN_BINS..MAX_BINS bins of a "nice" width (1, 2, 2.5, 5 × 10^k) aligned to that
 *   width, so edges read well; when no nice width fits, equal bins over [min, max].
 * - All values equal: one bin. No values: null.
 */
export function histogram(values: readonly number[]): Histogram | null {
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  let integer = true;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    total++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integer && !Number.isInteger(v)) integer = false;
  }
  if (total === 0) return null;

  let lo: number;
  let step: number;
  let count: number;
  let perInteger = false;
  if (min === max) {
    const bins = [{ lo: min, hi: max, count: total }];
    return { bins, lo: min, hi: max, step: 0, total, maxCount: total, perInteger: integer, min, max };
  }
  const range = max - min;
  if (integer && range + 1 <= MAX_BINS) {
    lo = min;
    step = 1;
    count = range + 1;
    perInteger = true;
  } else {
    lo = min;
    step = range / Math.min(MAX_BINS, Math.max(MIN_BINS, Math.ceil(Math.sqrt(total))));
    count = Math.round(range / step);
    // the narrowest nice width that gives MIN_BINS..MAX_BINS aligned bins covering [min, max]
    for (const s of niceSteps(range, integer)) {
      const start = Math.floor(min / s + 1e-9) * s;
      const n = Math.max(1, Math.ceil((max - start) / s - 1e-9));
      if (n >= MIN_BINS && n <= MAX_BINS) {
        lo = snap(start, s);
        step = s;
        count = n;
        break;
      }
    }
  }

  const bins: Bin[] = [];
  for (let i = 0; i < count; i++) {
    bins.push({ lo: perInteger ? lo + i : snap(lo + i * step, step), hi: perInteger ? lo + i + 1 : snap(lo + (i + 1) * step, step), count: 0 });
  }
  const last = bins[bins.length - 1] as Bin;
  // equal (non-nice) bins: the last edge is max exactly, whatever the float error
  if (!perInteger && Math.abs(last.hi - max) < step * 1e-6) last.hi = max;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    let i = Math.floor((v - lo) / step);
    if (i >= count) i = count - 1;
    if (i < 0) i = 0;
    // float edges: make sure v lands in [lo, hi)
    while (i > 0 && v < (bins[i] as Bin).lo) i--;
    while (i < count - 1 && v >= (bins[i] as Bin).hi) i++;
    (bins[i] as Bin).count++;
  }
  let maxCount = 0;
  for (const b of bins) if (b.count > maxCount) maxCount = b.count;
  return { bins, lo: perInteger ? min : lo, hi: perInteger ? max : last.hi, step, total, maxCount, perInteger, min, max };
}

/** A bin's range for people: "3" (per-integer bins), "0.2 – 0.4", "= 7" (all values equal). */
export function binLabel(h: Histogram, i: number, fmt: (n: number) => string): string {
  const b = h.bins[i];
  if (!b) return "";
  if (h.step === 0) return `= ${fmt(b.lo)}`;
  if (h.perInteger) return fmt(b.lo);
  return `${fmt(b.lo)} – ${fmt(b.hi)}`;
}

/** Whether `v` falls in bin `i` ([lo, hi), the last bin closed). */
export function inBin(h: Histogram, i: number, v: number): boolean {
  const b = h.bins[i];
  if (!b || !Number.isFinite(v)) return false;
  if (h.step === 0) return v === b.lo;
  const last = i === h.bins.length - 1;
  const lo = i === 0 ? -Infinity : b.lo;
  return v >= lo && (last ? true : v < b.hi);
}
