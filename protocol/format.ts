/**
 * Display formatting shared by the webviews (and anything else that shows trace numbers):
 * durations, token counts, costs, relative ages and assessment badge classes.
 *
 * Pure and locale-independent (fixed "en-US" grouping), so output is the same in every test
 * and every VS Code display language. No DOM, no Node built-ins.
 */
import type { AssessmentBadge } from "./model";

/** What every formatter shows for a missing or non-finite value. */
export const NONE = "—";

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const pad2 = (n: number): string => String(n).padStart(2, "0");

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/**
 * A duration for people: "0.42 ms", "850 ms", "1.24 s", "12.4 s", "2m 03s", "1h 02m", "3d 04h".
 * Negative durations (clock skew) keep their sign; NaN/Infinity/null give "—".
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return "0 ms";
  if (ms < 1) {
    const v = Number(ms.toPrecision(2));
    return v < 0.01 ? "<0.01 ms" : `${trimZeros(v.toFixed(2))} ms`;
  }
  if (ms < 10) {
    const v = Math.round(ms * 10) / 10;
    if (v < 10) return `${trimZeros(v.toFixed(1))} ms`;
  }
  if (Math.round(ms) < SEC) return `${Math.round(ms)} ms`;
  if (ms < MIN) {
    const s = ms / SEC;
    // three significant digits: 1.24 s, 12.4 s; rounding up to 60.0 s becomes "1m 00s"
    let text = s.toFixed(s < 10 ? 2 : 1);
    if (Number(text) >= 10 && s < 10) text = s.toFixed(1);
    if (Number(text) < 60) return `${text} s`;
  }
  if (ms < HOUR) {
    const total = Math.round(ms / SEC);
    if (total < 3600) return `${Math.floor(total / 60)}m ${pad2(total % 60)}s`;
  }
  if (ms < DAY) {
    const total = Math.round(ms / MIN);
    if (total < 24 * 60) return `${Math.floor(total / 60)}h ${pad2(total % 60)}m`;
  }
  const totalH = Math.round(ms / HOUR);
  return `${Math.floor(totalH / 24)}d ${pad2(totalH % 24)}h`;
}

/** A signed duration difference: "+120 ms", "-1.24 s", "±0 ms". */
export function formatDurationDelta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms === 0) return "±0 ms";
  return ms > 0 ? `+${formatDuration(ms)}` : `-${formatDuration(-ms)}`;
}

function compact(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? "-" : "";
  const units: Array<[number, string]> = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  if (abs < 1000) return `${sign}${Math.round(abs)}`;
  for (let u = 0; u < units.length; u++) {
    const [size, suffix] = units[u] as [number, string];
    if (abs < size) continue;
    const v = abs / size;
    const text = v < 10 ? trimZeros(v.toFixed(1)) : String(Math.round(v));
    // 999.6k rounds to "1000k": carry into the next unit up
    if (Number(text) >= 1000 && u > 0) {
      const [, up] = units[u - 1] as [number, string];
      return `${sign}1${up}`;
    }
    return `${sign}${text}${suffix}`;
  }
  return `${sign}${Math.round(abs)}`;
}

/** Token counts: "0", "850", "1.2k", "12k", "3.4M". null → "—". */
export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  return compact(n);
}

/** A signed token difference: "+35", "-1.2k", "±0". */
export function formatTokensDelta(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  if (n === 0) return "±0";
  return n > 0 ? `+${compact(n)}` : compact(n);
}

/**
 * USD cost: "$0", "<$0.0001", "$0.0031", "$0.042", "$0.42", "$1.24", "$1,234". null → "—".
 * Small amounts keep two significant digits, since LLM calls cost fractions of a cent.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return NONE;
  if (usd < 0) return `-${formatCost(-usd)}`;
  if (usd === 0) return "$0";
  if (usd < 0.0001) return "<$0.0001";
  if (usd < 1) {
    const v = Number(usd.toPrecision(2));
    if (v < 1) {
      const decimals = Math.max(2, 1 - Math.floor(Math.log10(v)));
      return `$${v.toFixed(decimals)}`;
    }
  }
  if (usd < 1000) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString("en-US")}`;
}

/** A signed cost difference: "+$0.0012", "-$1.20", "±$0". */
export function formatCostDelta(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return NONE;
  if (usd === 0) return "±$0";
  return usd > 0 ? `+${formatCost(usd)}` : `-${formatCost(-usd)}`;
}

/** A relative change as a percentage: 1.35 → "+35%", 0.5 → "-50%", 1 → "±0%". */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NONE;
  const pct = (ratio - 1) * 100;
  const r = Math.abs(pct) < 10 ? Math.round(pct * 10) / 10 : Math.round(pct);
  if (r === 0) return "±0%";
  if (ratio >= 10) return `×${trimZeros(ratio.toFixed(ratio < 100 ? 1 : 0))}`;
  return `${r > 0 ? "+" : ""}${r}%`;
}

/** A count with thousands separators: 1234 → "1,234". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : NONE;
}

/**
 * How long ago: "just now" (under 5 s, or in the future from clock skew), "42s ago", "3m ago",
 * "5h ago", "2d ago", "3w ago", "4mo ago", "2y ago".
 */
export function formatAge(nowMs: number, thenMs: number): string {
  if (!Number.isFinite(nowMs) || !Number.isFinite(thenMs)) return NONE;
  const d = nowMs - thenMs;
  if (d < 5 * SEC) return "just now";
  if (d < MIN) return `${Math.floor(d / SEC)}s ago`;
  if (d < HOUR) return `${Math.floor(d / MIN)}m ago`;
  if (d < DAY) return `${Math.floor(d / HOUR)}h ago`;
  if (d < 14 * DAY) return `${Math.floor(d / DAY)}d ago`;
  if (d < 60 * DAY) return `${Math.floor(d / (7 * DAY))}w ago`;
  if (d < 365 * DAY) return `${Math.floor(d / (30 * DAY))}mo ago`;
  return `${Math.floor(d / (365 * DAY))}y ago`;
}

/** A timestamp for tooltips: "2026-03-04 14:07:41" in local time. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return NONE;
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

export type BadgeClass = "assess-pass" | "assess-fail" | "assess-neutral" | "assess-error";

/**
 * The CSS class of an assessment badge: error wins, then pass/fail, else neutral.
 * (Not `badge-*`: panel.css already styles `.badge-error` as a status pill.)
 */
export function badgeClass(badge: Pick<AssessmentBadge, "pass" | "error">): BadgeClass {
  if (badge.error) return "assess-error";
  if (badge.pass === true) return "assess-pass";
  if (badge.pass === false) return "assess-fail";
  return "assess-neutral";
}

/** The short glyph shown inside a compact badge. */
export function badgeGlyph(badge: Pick<AssessmentBadge, "pass" | "error" | "text">): string {
  if (badge.error) return "!";
  if (badge.pass === true) return "✓";
  if (badge.pass === false) return "✗";
  const t = badge.text.trim();
  return t.length > 6 ? `${t.slice(0, 5)}…` : t || "?";
}

/**
 * Where to draw the caret under a filter error's excerpt: the index into `excerpt` of the
 * error's column. `column` is 1-based in `filter`; `excerpt` is the filter text around it
 * (the whole filter, or a slice of it, possibly with "…" markers). Clamped to the excerpt.
 */
export function filterErrorCaret(filter: string, error: { column: number; excerpt: string }): number {
  const col0 = Math.max(0, error.column - 1);
  const ex = error.excerpt;
  let at = filter.indexOf(ex);
  if (at < 0) {
    // an excerpt with ellipsis markers: locate its core
    const core = ex.replace(/^…/, "").replace(/…$/, "");
    const coreAt = core ? filter.indexOf(core) : -1;
    at = coreAt < 0 ? -1 : coreAt - (ex.startsWith("…") ? 1 : 0);
  }
  const pos = at < 0 ? col0 : col0 - at;
  return Math.min(Math.max(pos, 0), ex.length);
}

/**
 * A window of `text` of at most `width` characters that contains `caret`, with "…" where it
 * was cut; returns the window and the caret's index inside it. For narrow sidebars.
 */
export function windowAround(text: string, caret: number, width: number): { text: string; caret: number } {
  if (text.length <= width || width < 8) return { text, caret };
  let start = Math.max(0, Math.min(caret - Math.floor(width / 2), text.length - width));
  let end = start + width;
  let prefix = "";
  let suffix = "";
  if (start > 0) {
    prefix = "…";
    start += 1;
  }
  if (end < text.length) {
    suffix = "…";
    end -= 1;
  }
  return { text: prefix + text.slice(start, end) + suffix, caret: caret - start + prefix.length };
}

/** A trace id without MLflow's "tr-" request-id prefix (stored ids are bare hex). */
export function bareTraceId(id: string): string {
  return id.startsWith("tr-") ? id.slice(3) : id;
}
