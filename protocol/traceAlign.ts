/**
 * Aligns the spans of two traces for the compare panel.
 *
 * Both span trees are walked in pre-order (children by start time), each span becomes a key
 * (depth, span type, name), and the two key sequences are aligned with an LCS diff
 * (protocol/textDiff), so a span that exists on one side only shows up as a gap on the other.
 * Every aligned row carries what changed: inputs, outputs, status, latency and tokens.
 *
 * Pure: no DOM, no Node built-ins; O(n) tree building, iterative walks (deep traces are fine).
 */
import type { SpanRecord, TraceSummary } from "./model";
import { alignSequences, DEFAULT_MAX_CELLS, hasContent, stableStringify, type AlignStep } from "./textDiff";

/** How a side's inputs or outputs compare. "none" = neither side has any. */
export type ValueChange = "same" | "changed" | "only-left" | "only-right" | "none";
export type StatusChange = "same" | "changed" | "only-left" | "only-right";

export interface SpanChanges {
  inputs: ValueChange;
  outputs: ValueChange;
  status: StatusChange;
  /** right − left, in ms; null unless both sides exist. */
  latencyDeltaMs: number | null;
  /** right ÷ left; null unless both sides exist and left took > 0 ms. */
  latencyRatio: number | null;
  /** right − left total tokens; null unless both sides report tokens. */
  tokensDelta: number | null;
}

export interface AlignedRow {
  left: SpanRecord | null;
  right: SpanRecord | null;
  /** Tree depth (0 = root) of the span(s) on this row. */
  depth: number;
  changes: SpanChanges;
}

export interface TraceAlignment {
  rows: AlignedRow[];
  /** "greedy" when the traces were too big for the exact LCS (see maxCells). */
  method: "lcs" | "greedy";
  stats: { matched: number; onlyLeft: number; onlyRight: number; changed: number };
}

export interface FlatSpan {
  span: SpanRecord;
  depth: number;
}

/** Compares two unsigned decimal strings (nanoseconds) numerically. */
export function compareNanos(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A span's duration in (fractional) milliseconds; 0 if the end precedes the start. */
export function spanDurationMs(span: Pick<SpanRecord, "startTimeUnixNano" | "endTimeUnixNano">): number {
  try {
    const d = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
    return d > 0n ? Number(d) / 1e6 : 0;
  } catch {
    return 0;
  }
}

function bySpanStart(a: SpanRecord, b: SpanRecord): number {
  return compareNanos(a.startTimeUnixNano, b.startTimeUnixNano) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The spans in pre-order with their depth. Roots are spans without a parent or whose parent
 * is missing (partial traces); siblings are ordered by start time, then name. Spans caught in a
 * parent cycle (malformed input) are appended as extra roots, so every span appears once.
 */
export function flattenPreorder(spans: readonly SpanRecord[]): FlatSpan[] {
  const ids = new Set<string>();
  for (const s of spans) ids.add(s.spanId);
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const s of spans) {
    const p = s.parentSpanId;
    if (p === null || p === s.spanId || !ids.has(p)) {
      roots.push(s);
      continue;
    }
    const list = children.get(p);
    if (list) list.push(s);
    else children.set(p, [s]);
  }
  for (const list of children.values()) list.sort(bySpanStart);
  roots.sort(bySpanStart);

  const out: FlatSpan[] = [];
  const seen = new Set<SpanRecord>();
  const walk = (root: SpanRecord): void => {
    const stack: FlatSpan[] = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const item = stack.pop() as FlatSpan;
      if (seen.has(item.span)) continue;
      seen.add(item.span);
      out.push(item);
      const kids = children.get(item.span.spanId);
      if (!kids) continue;
      for (let k = kids.length - 1; k >= 0; k--) stack.push({ span: kids[k] as SpanRecord, depth: item.depth + 1 });
    }
  };
  for (const r of roots) walk(r);
  if (out.length < spans.length) {
    // cycles: nothing reached these from a root
    const rest = spans.filter((s) => !seen.has(s)).sort(bySpanStart);
    for (const s of rest) walk(s);
  }
  return out;
}

/** The alignment key of a span: what must be equal for two spans to sit on one row. */
export function alignKey(f: FlatSpan): string {
  return `${f.depth}\u0001${f.span.spanType}\u0001${f.span.name}`;
}

function valueChange(left: unknown, right: unknown): ValueChange {
  const l = hasContent(left);
  const r = hasContent(right);
  if (!l && !r) return "none";
  if (l && !r) return "only-left";
  if (!l && r) return "only-right";
  return stableStringify(left) === stableStringify(right) ? "same" : "changed";
}

function oneSided(span: SpanRecord, side: "only-left" | "only-right"): SpanChanges {
  return {
    inputs: hasContent(span.inputs) ? side : "none",
    outputs: hasContent(span.outputs) ? side : "none",
    status: side,
    latencyDeltaMs: null,
    latencyRatio: null,
    tokensDelta: null,
  };
}

/** What changed between two spans that were aligned onto one row. */
export function spanChanges(left: SpanRecord, right: SpanRecord): SpanChanges {
  const dl = spanDurationMs(left);
  const dr = spanDurationMs(right);
  const tl = left.usage?.totalTokens ?? null;
  const tr = right.usage?.totalTokens ?? null;
  return {
    inputs: valueChange(left.inputs, right.inputs),
    outputs: valueChange(left.outputs, right.outputs),
    status: left.statusCode === right.statusCode ? "same" : "changed",
    latencyDeltaMs: dr - dl,
    latencyRatio: dl > 0 ? dr / dl : null,
    tokensDelta: tl !== null && tr !== null ? tr - tl : null,
  };
}

export interface AlignOptions {
  /** LCS table budget in cells; above it a greedy alignment is used. Default 5,000 × 5,000. */
  maxCells?: number;
}

/** Aligns two traces' spans into rows (see the module comment). */
export function alignTraces(left: readonly SpanRecord[], right: readonly SpanRecord[], opts: AlignOptions = {}): TraceAlignment {
  const a = flattenPreorder(left);
  const b = flattenPreorder(right);
  const { steps, method } = alignSequences(a.map(alignKey), b.map(alignKey), opts.maxCells ?? DEFAULT_MAX_CELLS);
  const rows: AlignedRow[] = [];
  const stats = { matched: 0, onlyLeft: 0, onlyRight: 0, changed: 0 };
  for (const [i, j] of steps as AlignStep[]) {
    const l = i === null ? null : (a[i] as FlatSpan);
    const r = j === null ? null : (b[j] as FlatSpan);
    if (l && r) {
      const changes = spanChanges(l.span, r.span);
      stats.matched++;
      if (changes.inputs !== "same" && changes.inputs !== "none") stats.changed++;
      else if (changes.outputs !== "same" && changes.outputs !== "none") stats.changed++;
      else if (changes.status !== "same") stats.changed++;
      rows.push({ left: l.span, right: r.span, depth: l.depth, changes });
    } else if (l) {
      stats.onlyLeft++;
      rows.push({ left: l.span, right: null, depth: l.depth, changes: oneSided(l.span, "only-left") });
    } else if (r) {
      stats.onlyRight++;
      rows.push({ left: null, right: r.span, depth: r.depth, changes: oneSided(r.span, "only-right") });
    }
  }
  return { rows, method, stats };
}

/** Latency changes smaller than this ratio (either way) or this many ms are "about the same". */
export const LATENCY_NOISE = { ratio: 1.2, ms: 50 };

/** How notable a latency change is: "slower", "faster" or "same" (within LATENCY_NOISE). */
export function latencyVerdict(c: Pick<SpanChanges, "latencyDeltaMs" | "latencyRatio">): "slower" | "faster" | "same" {
  const d = c.latencyDeltaMs;
  if (d === null || Math.abs(d) < LATENCY_NOISE.ms) return "same";
  const r = c.latencyRatio;
  if (r !== null && r < LATENCY_NOISE.ratio && r > 1 / LATENCY_NOISE.ratio) return "same";
  return d > 0 ? "slower" : "faster";
}

/** True when a row is worth showing in "differences only" mode. */
export function rowHasDifference(row: AlignedRow): boolean {
  if (!row.left || !row.right) return true;
  const c = row.changes;
  return (
    c.inputs === "changed" ||
    c.inputs === "only-left" ||
    c.inputs === "only-right" ||
    c.outputs === "changed" ||
    c.outputs === "only-left" ||
    c.outputs === "only-right" ||
    c.status !== "same" ||
    (c.tokensDelta !== null && c.tokensDelta !== 0) ||
    latencyVerdict(c) !== "same"
  );
}

// ─── trace-level comparison ───────────────────────────────────────────────────

/** "changed" is for metrics that are neither better nor worse when they move (span count). */
export type Verdict = "better" | "worse" | "changed" | "same" | "unknown";

export interface MetricDelta {
  key: "duration" | "tokens" | "cost" | "spans" | "errors";
  left: number | null;
  right: number | null;
  /** right − left; null if either is missing. */
  delta: number | null;
  /** right ÷ left; null if either is missing or left is 0. */
  ratio: number | null;
  /** From the right trace's point of view: lower is better, except span count (neutral). */
  verdict: Verdict;
}

function metric(
  key: MetricDelta["key"],
  left: number | null,
  right: number | null,
  noise: { ratio: number; abs: number },
  neutral = false,
): MetricDelta {
  if (left === null || right === null) return { key, left, right, delta: null, ratio: null, verdict: "unknown" };
  const delta = right - left;
  const ratio = left !== 0 ? right / left : null;
  let verdict: Verdict = "same";
  if (delta !== 0 && Math.abs(delta) >= noise.abs && (ratio === null || Math.abs(ratio - 1) >= noise.ratio)) {
    verdict = neutral ? "changed" : delta < 0 ? "better" : "worse";
  }
  return { key, left, right, delta, ratio, verdict };
}

/**
 * Trace-level deltas for the compare header, right relative to left. Durations within 5% or
 * 5 ms count as "same", tokens and cost within 1%; counts compare exactly.
 */
export function summaryDeltas(left: TraceSummary, right: TraceSummary): MetricDelta[] {
  return [
    metric("duration", left.durationMs, right.durationMs, { ratio: 0.05, abs: 5 }),
    metric("tokens", left.totalTokens, right.totalTokens, { ratio: 0.01, abs: 0 }),
    metric("cost", left.costUsd, right.costUsd, { ratio: 0.01, abs: 0 }),
    metric("spans", left.spanCount, right.spanCount, { ratio: 0, abs: 0 }, true),
    metric("errors", left.errorCount, right.errorCount, { ratio: 0, abs: 0 }),
  ];
}
