/**
 * Pure helpers of the run-compare panel: value and delta texts, verdict classes, the filter
 * chips' predicate and counts. No DOM; every output is plain text for textContent.
 */
import type { AssessmentChange, Direction, FlippedRow, SideValue, Verdict } from "../../protocol/runDiff";

export const FILTERS = ["regressions", "improvements", "changed", "all"] as const;
export type RowFilter = (typeof FILTERS)[number];

export const FILTER_LABEL: Record<RowFilter, string> = {
  regressions: "Regressions",
  improvements: "Improvements",
  changed: "Changed",
  all: "All changes",
};

export const FILTER_TITLE: Record<RowFilter, string> = {
  regressions: "Rows where an assessment got worse: pass→fail, a new error, a number down by more than the threshold",
  improvements: "Rows where an assessment got better: fail→pass, an error fixed, a number up by more than the threshold",
  changed: "Rows where a value changed with no better/worse direction (text, type, added or removed assessment)",
  all: "Every row with at least one change",
};

export function matchesFilter(row: FlippedRow, f: RowFilter): boolean {
  switch (f) {
    case "regressions":
      return row.regressions > 0;
    case "improvements":
      return row.improvements > 0;
    case "changed":
      return row.changes.some((c) => c.direction === "neutral");
    case "all":
      return true;
  }
}

export function filterCounts(rows: readonly FlippedRow[]): Record<RowFilter, number> {
  const out: Record<RowFilter, number> = { regressions: 0, improvements: 0, changed: 0, all: 0 };
  for (const r of rows) for (const f of FILTERS) if (matchesFilter(r, f)) out[f]++;
  return out;
}

/** A metric number: up to 3 decimals, grouping, tiny values with 2 significant digits. */
export function formatNum(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "—";
  if (n !== 0 && Math.abs(n) < 0.001) return n.toPrecision(2);
  if (Math.abs(n) >= 1e15) return n.toExponential(2);
  return n.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

/** A signed difference: "+0.12", "−3", "±0". */
export function formatSigned(d: number | null): string {
  if (d === null || !Number.isFinite(d)) return "—";
  if (d === 0) return "±0";
  return `${d > 0 ? "+" : "−"}${formatNum(Math.abs(d))}`;
}

/** A share as a percentage with one decimal: 0.625 → "62.5%". */
export function formatPct(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "—";
  return `${(share * 100).toFixed(1).replace(/\.0$/, "")}%`;
}

/** A pass-rate change in percentage points: −0.125 → "−12.5 pp". */
export function formatPp(d: number | null): string {
  if (d === null || !Number.isFinite(d)) return "—";
  const pp = Math.round(d * 1000) / 10;
  if (pp === 0) return "±0 pp";
  return `${pp > 0 ? "+" : "−"}${Math.abs(pp).toFixed(1).replace(/\.0$/, "")} pp`;
}

/** One side's value, short, for a row chip or a table cell. */
export function shortValue(v: SideValue | null, max = 24): string {
  if (!v) return "—";
  switch (v.kind) {
    case "pass":
      return "✓ pass";
    case "fail":
      return "✗ fail";
    case "error":
      return "error";
    case "number":
      return formatNum(v.number);
    default: {
      const t = v.text.replace(/\s+/g, " ").trim();
      return t.length > max ? `${t.slice(0, max - 1)}…` : t;
    }
  }
}

export const KIND_LABEL: Record<AssessmentChange["kind"], string> = {
  "pass→fail": "pass → fail",
  "fail→pass": "fail → pass",
  changed: "changed",
  error: "new error",
  fixed: "error fixed",
  added: "only in head",
  removed: "only in base",
  same: "same",
};

/** CSS class suffix of a change kind ("pass→fail" is not a class name). */
export function kindClass(k: AssessmentChange["kind"]): string {
  return k.replace("→", "-to-");
}

export function directionClass(d: Direction): string {
  return d === "regression" ? "worse" : d === "improvement" ? "better" : d === "neutral" ? "changed" : "same";
}

export function verdictClass(v: Verdict): string {
  return v === "unknown" ? "same" : v;
}

export const DIRECTION_GLYPH: Record<Direction, string> = { regression: "▼", improvement: "▲", neutral: "●", none: "" };

/** A change as one line: "✓ pass → ✗ fail", "0.9 → 0.2 (−0.7)". */
export function changeText(c: AssessmentChange): string {
  const arrow = `${shortValue(c.base)} → ${shortValue(c.head)}`;
  return c.delta !== null && c.kind === "changed" ? `${arrow} (${formatSigned(c.delta)})` : arrow;
}
