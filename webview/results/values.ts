/**
 * Feedback values of an evaluation run, classified and rendered as text for the results table
 * and the detail pane. Values come from user code and LLM output: everything here produces
 * plain strings; the DOM side puts them in textContent. Pure (no DOM), unit-tested.
 */

/** What kind of value a feedback carries. `yesno` is MLflow's categorical "yes"/"no". */
export type ValueKind = "boolean" | "yesno" | "number" | "string" | "json" | "null";

const YES = "yes";
const NO = "no";

export function valueKind(v: unknown): ValueKind {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isFinite(v) ? "number" : "string";
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    return t === YES || t === NO ? "yesno" : "string";
  }
  return "json";
}

/** true/false for booleans and "yes"/"no" (any case); null for anything else. */
export function passOf(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === YES) return true;
    if (t === NO) return false;
  }
  return null;
}

/** A finite number, else null (numeric strings are not numbers: MLflow excludes them too). */
export function numberOf(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** A number with `decimals` fixed decimals and en-US grouping: 1234.5 → "1,234.50". */
export function formatNumber(n: number, decimals: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e15) return n.toExponential(2);
  return n.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A metric value (aggregate, axis label): up to 2 decimals, trailing zeros dropped. */
export function formatMetric(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "—";
  if (n !== 0 && Math.abs(n) < 0.01) return n.toPrecision(2);
  if (Math.abs(n) >= 1e15) return n.toExponential(2);
  return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** A percentage: 0.8333 → "83.3%", 1 → "100%", 0 → "0%". */
export function formatPercent(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "—";
  const p = share * 100;
  if (p === 0 || p === 100) return `${p}%`;
  // never show 100% or 0% for a share that is not exactly all or nothing
  const text = p >= 99.95 ? "99.9" : p < 0.05 ? "<0.1" : p.toFixed(1).replace(/\.0$/, "");
  return `${text}%`;
}

/** Cuts `s` to at most `max` characters (whole code points), with "…" where it was cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  // code points, from a prefix long enough to hold max of them (at most 2 UTF-16 units each)
  const cps = Array.from(s.slice(0, 2 * max + 2));
  return cps.length <= max && s.length <= 2 * max + 2 ? s : `${cps.slice(0, max - 1).join("")}…`;
}

/** One line: newlines and tabs become spaces (for table cells and tooltips). */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** A compact JSON text of any value (never throws: cycles cannot come from JSON, but be safe). */
export function jsonText(v: unknown, indent?: number): string {
  try {
    const s = JSON.stringify(v, null, indent);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

/** The full value for the detail pane: strings as they are, other values as (pretty) JSON. */
export function fullValueText(v: unknown): string {
  if (v === undefined || v === null) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return jsonText(v, 2);
}

export type CellClass = "v-pass" | "v-fail" | "v-num" | "v-str" | "v-null" | "v-error" | "v-missing";

export interface CellText {
  text: string;
  cls: CellClass;
  /** Tooltip: the value (capped), or the error. */
  title: string;
}

const CELL_MAX = 48;
const TITLE_MAX = 600;

/**
 * How a feedback shows in a table cell: ✓/✗ for booleans and yes/no, numbers with `decimals`
 * decimals, strings and JSON on one line, truncated; errors as "error"; no feedback as "".
 */
export function cellText(f: { value?: unknown; error: { type: string; message: string } | null } | undefined, decimals: number): CellText {
  if (!f) return { text: "", cls: "v-missing", title: "No result for this trace" };
  if (f.error) {
    const msg = oneLine(`${f.error.type}: ${f.error.message}`);
    return { text: "error", cls: "v-error", title: truncate(msg, TITLE_MAX) };
  }
  const v = f.value;
  const pass = passOf(v);
  if (pass !== null) {
    const raw = typeof v === "string" ? v : String(v);
    return { text: pass ? "✓" : "✗", cls: pass ? "v-pass" : "v-fail", title: raw };
  }
  const n = numberOf(v);
  if (n !== null) return { text: formatNumber(n, decimals), cls: "v-num", title: String(n) };
  if (v === null || v === undefined) return { text: "null", cls: "v-null", title: "null" };
  const s = oneLine(typeof v === "string" ? v : jsonText(v));
  return { text: truncate(s, CELL_MAX), cls: "v-str", title: truncate(s, TITLE_MAX) };
}

/** Short trace id for the table: the first 8 hex digits (after an optional "tr-" prefix). */
export function shortId(traceId: string): string {
  const id = traceId.startsWith("tr-") ? traceId.slice(3) : traceId;
  return id.length > 8 ? id.slice(0, 8) : id;
}
