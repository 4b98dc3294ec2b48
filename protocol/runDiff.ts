/**
 * Comparing two evaluation runs of the same scorers: aggregate deltas, pass rates and error
 * counts per assessment, and the result rows whose verdict changed between the runs.
 *
 * Semantics (pure, shared by the server, the extension and the webview):
 * - A value is pass/fail when it is a boolean or "yes"/"no" (any case, trimmed); a number when it
 *   is a finite number (numeric strings are text, as MLflow treats them); a feedback with an error
 *   is an error whatever its value.
 * - Rows are matched by trace id; rows of two runs over the same dataset are matched by dataset
 *   row index, and dataset rows without a trace only match that way.
 * - `threshold` is an ABSOLUTE change for numbers: |head − base| > threshold is "changed"
 *   (default 0.1, made for 0–1 scores; pass 0 to flag any change). Higher is better unless the
 *   assessment is listed in `lowerIsBetter`; a variance aggregate has no better direction.
 * - "Improvement" means: fail→pass, an error gone, a number up (down for lowerIsBetter), a higher
 *   pass rate, fewer errors. Text changes and type changes are "changed" with no direction.
 */
import { NO_TRACE_STATE, type EvalRun, type FeedbackResult, type RunResultRow } from "./scoring";
import {
  CHANGE_KINDS,
  DEFAULT_THRESHOLD,
  type AggregateDelta,
  type AssessmentChange,
  type AssessmentDiff,
  type AssessmentStats,
  type ChangeKind,
  type Compatibility,
  type Direction,
  type FlippedRow,
  type RunDiff,
  type SideValue,
  type Verdict,
} from "./runCompareWebview";

/** The wire schemas live in runCompareWebview.ts (with the panel's messages); re-exported here. */
export * from "./runCompareWebview";

// ─── values ───────────────────────────────────────────────────────────────────

/** true/false for booleans and "yes"/"no" (any case, trimmed); null for anything else. */
export function passOf(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "yes") return true;
    if (t === "no") return false;
  }
  return null;
}

/** A finite number, else null (numeric strings are not numbers). */
export function numberOf(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function cap(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

function jsonText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function sideValue(f: FeedbackResult, maxText = 1000): SideValue {
  const rationale = f.rationale === null ? null : cap(f.rationale, maxText);
  if (f.error) return { kind: "error", text: "error", number: null, rationale, error: cap(`${f.error.type}: ${f.error.message}`, maxText) };
  const v = f.value;
  const pass = passOf(v);
  if (pass !== null) return { kind: pass ? "pass" : "fail", text: String(v), number: null, rationale, error: null };
  const n = numberOf(v);
  if (n !== null) return { kind: "number", text: String(n), number: n, rationale, error: null };
  if (v === null || v === undefined) return { kind: "null", text: "null", number: null, rationale, error: null };
  return { kind: "text", text: cap(typeof v === "string" ? v : jsonText(v), maxText), number: null, rationale, error: null };
}

const EPS = 1e-12;

/** How one assessment changed on a matched row. `threshold` applies to numbers. */
export function classifyChange(base: SideValue | null, head: SideValue | null, threshold: number, lowerIsBetter = false): Pick<AssessmentChange, "kind" | "direction" | "delta"> {
  if (!base && !head) return { kind: "same", direction: "none", delta: null };
  if (!base) return head?.kind === "error" ? { kind: "error", direction: "regression", delta: null } : { kind: "added", direction: "neutral", delta: null };
  if (!head) return { kind: "removed", direction: "neutral", delta: null };
  if (base.kind === "error" || head.kind === "error") {
    if (base.kind === head.kind) return { kind: "same", direction: "none", delta: null };
    return head.kind === "error" ? { kind: "error", direction: "regression", delta: null } : { kind: "fixed", direction: "improvement", delta: null };
  }
  const pf = (k: SideValue["kind"]) => k === "pass" || k === "fail";
  if (pf(base.kind) && pf(head.kind)) {
    if (base.kind === head.kind) return { kind: "same", direction: "none", delta: null };
    return head.kind === "fail" ? { kind: "pass→fail", direction: "regression", delta: null } : { kind: "fail→pass", direction: "improvement", delta: null };
  }
  if (base.number !== null && head.number !== null) {
    const delta = head.number - base.number;
    // float noise (0.8 − 0.7 = 0.10000000000000009) must not cross the threshold
    const tolerance = 1e-9 * Math.max(1, Math.abs(base.number), Math.abs(head.number));
    if (Math.abs(delta) <= threshold + tolerance) return { kind: "same", direction: "none", delta };
    const up = delta > 0 !== lowerIsBetter;
    return { kind: "changed", direction: up ? "improvement" : "regression", delta };
  }
  if (base.kind === head.kind && base.text === head.text) return { kind: "same", direction: "none", delta: null };
  return { kind: "changed", direction: "neutral", delta: null };
}

/** better/worse/changed/same/unknown for a metric; `better` = which way is good (null: none). */
export function verdictOf(base: number | null, head: number | null, better: "higher" | "lower" | null): Verdict {
  if (base === null || head === null) return base === head ? "same" : "unknown";
  const d = head - base;
  if (Math.abs(d) <= EPS * Math.max(1, Math.abs(base), Math.abs(head))) return "same";
  if (better === null) return "changed";
  return (d > 0) === (better === "higher") ? "better" : "worse";
}

// ─── compatibility ────────────────────────────────────────────────────────────

type Scorers = EvalRun["scorers"];

/** Same scorer names with the same files (source hashes may differ: that is what is being compared). */
export function sameScorerSet(a: Scorers, b: Scorers): boolean {
  const key = (s: Scorers) => [...new Set(s.map((x) => `${x.name}\u0000${x.file}`))].sort().join("\u0001");
  return key(a) === key(b);
}

export function compatible(base: EvalRun, head: EvalRun): Compatibility {
  const warnings: string[] = [];
  const notes: string[] = [];
  const names = (r: EvalRun) => new Set(r.scorers.map((s) => s.name));
  const bn = names(base);
  const hn = names(head);
  const onlyBase = [...bn].filter((n) => !hn.has(n));
  const onlyHead = [...hn].filter((n) => !bn.has(n));
  const sameScorers = onlyBase.length === 0 && onlyHead.length === 0;
  if (!sameScorers) {
    const parts = [onlyBase.length ? `only in base: ${onlyBase.join(", ")}` : null, onlyHead.length ? `only in head: ${onlyHead.join(", ")}` : null];
    warnings.push(`The runs have different scorers (${parts.filter(Boolean).join("; ")}).`);
  }
  for (const h of head.scorers) {
    const b = base.scorers.find((s) => s.name === h.name);
    if (!b) continue;
    if (b.file !== h.file) notes.push(`${h.name} comes from a different file (${b.file} → ${h.file}).`);
    else if (b.sourceHash !== h.sourceHash) notes.push(`The code of ${h.name} changed between the runs.`);
  }
  if (base.selectionLabel !== head.selectionLabel || jsonText(base.selection) !== jsonText(head.selection)) {
    notes.push(`Different selections: base ${base.selectionLabel}, head ${head.selectionLabel}.`);
  }
  if (base.runId === head.runId) warnings.push("Both sides are the same run.");
  else if (base.startedMs > head.startedMs) notes.push("The base run is newer than the head run.");
  for (const [label, r] of [["base", base], ["head", head]] as const) {
    if (r.status === "running" || r.status === "failed") warnings.push(`The ${label} run ${r.status === "running" ? "is still running" : "failed"}: its results are partial.`);
    else if (r.status === "cancelled") notes.push(`The ${label} run was cancelled: it scored ${r.scoredCount} of ${r.traceCount} traces.`);
  }
  return { sameScorers, warnings, notes };
}

// ─── the diff ─────────────────────────────────────────────────────────────────

export interface RunSide {
  run: EvalRun;
  rows: readonly RunResultRow[];
}

export interface DiffOptions {
  /** Absolute numeric change that counts as "changed" (default DEFAULT_THRESHOLD). */
  threshold?: number;
  /** Assessments where a lower number is better (latency, cost…). */
  lowerIsBetter?: readonly string[];
  /** Flipped rows kept (the counts always cover all of them). Default 5,000. */
  maxFlipped?: number;
  /** Texts (values, rationales, errors) are capped at this many characters. Default 1,000. */
  maxText?: number;
}

/** The key that matches a row across runs: the dataset row of a shared dataset, else the trace id. */
export function rowKeyOf(row: RunResultRow, run: EvalRun, sharedDataset: boolean): string {
  if (row.datasetRow !== null && sharedDataset) return `row:${row.datasetRow}`;
  if (row.traceState === NO_TRACE_STATE) return `row:${run.selection.kind === "dataset" ? run.selection.name : run.runId}:${row.datasetRow ?? row.traceId}`;
  return `trace:${row.traceId}`;
}

interface Keyed {
  row: RunResultRow;
  byName: Map<string, FeedbackResult>;
  order: number;
}

function keyRows(side: RunSide, sharedDataset: boolean): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  side.rows.forEach((row, order) => {
    const base = rowKeyOf(row, side.run, sharedDataset);
    let key = base;
    for (let n = 2; out.has(key); n++) key = `${base}#${n}`; // the same trace scored twice in one run
    const byName = new Map<string, FeedbackResult>();
    for (const f of row.feedbacks) if (!byName.has(f.name)) byName.set(f.name, f);
    out.set(key, { row, byName, order });
  });
  return out;
}

function emptyStats(): AssessmentStats {
  return { rows: 0, passCount: 0, failCount: 0, passRate: null, errorCount: 0, numericCount: 0, mean: null };
}

function statsOf(rows: Iterable<Keyed>): Map<string, AssessmentStats> {
  const out = new Map<string, AssessmentStats>();
  const sums = new Map<string, number>();
  for (const { byName } of rows) {
    for (const [name, f] of byName) {
      let s = out.get(name);
      if (!s) out.set(name, (s = emptyStats()));
      s.rows++;
      if (f.error) {
        s.errorCount++;
        continue;
      }
      const pass = passOf(f.value);
      if (pass !== null) {
        if (pass) s.passCount++;
        else s.failCount++;
      }
      const n = numberOf(f.value);
      if (n !== null) {
        s.numericCount++;
        sums.set(name, (sums.get(name) ?? 0) + n);
      }
    }
  }
  for (const [name, s] of out) {
    s.passRate = s.passCount + s.failCount > 0 ? s.passCount / (s.passCount + s.failCount) : null;
    s.mean = s.numericCount > 0 ? (sums.get(name) ?? 0) / s.numericCount : null;
  }
  return out;
}

const RANK: Record<Direction, number> = { regression: 0, improvement: 1, neutral: 2, none: 3 };

export function diffRuns(base: RunSide, head: RunSide, opts: DiffOptions = {}): RunDiff {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const lower = new Set(opts.lowerIsBetter ?? []);
  const maxText = opts.maxText ?? 1000;
  const sharedDataset = base.run.selection.kind === "dataset" && head.run.selection.kind === "dataset" && base.run.selection.name === head.run.selection.name;
  const b = keyRows(base, sharedDataset);
  const hd = keyRows(head, sharedDataset);
  const bStats = statsOf(b.values());
  const hStats = statsOf(hd.values());
  const names = [...new Set([...hStats.keys(), ...bStats.keys()])];
  const zero = () => ({ ...(Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>), worse: 0, better: 0 });
  const changeCounts = new Map(names.map((n) => [n, zero()]));

  const flipped: Array<FlippedRow & { order: number }> = [];
  let matched = 0;
  let regressionRows = 0;
  let improvementRows = 0;
  for (const [key, h] of hd) {
    const o = b.get(key);
    if (!o) continue;
    matched++;
    const rowNames = [...new Set([...h.byName.keys(), ...o.byName.keys()])];
    const changes: AssessmentChange[] = rowNames.map((name) => {
      const bf = o.byName.get(name);
      const hf = h.byName.get(name);
      const bv = bf ? sideValue(bf, maxText) : null;
      const hv = hf ? sideValue(hf, maxText) : null;
      const c = classifyChange(bv, hv, threshold, lower.has(name));
      const cc = changeCounts.get(name);
      if (cc) {
        cc[c.kind]++;
        if (c.kind === "changed" && c.direction === "regression") cc.worse++;
        if (c.kind === "changed" && c.direction === "improvement") cc.better++;
      }
      return { name, ...c, base: bv, head: hv };
    });
    const regressions = changes.filter((c) => c.direction === "regression").length;
    const improvements = changes.filter((c) => c.direction === "improvement").length;
    if (!changes.some((c) => c.kind !== "same")) continue;
    if (regressions) regressionRows++;
    if (improvements) improvementRows++;
    const traceOf = (r: RunResultRow) => (r.traceState === NO_TRACE_STATE ? null : r.traceId);
    flipped.push({
      key,
      traceName: h.row.traceName || o.row.traceName,
      baseTraceId: traceOf(o.row),
      headTraceId: traceOf(h.row),
      datasetRow: h.row.datasetRow ?? o.row.datasetRow,
      direction: regressions ? "regression" : improvements ? "improvement" : "neutral",
      regressions,
      improvements,
      changes,
      order: h.order,
    });
  }
  flipped.sort((x, y) => RANK[x.direction] - RANK[y.direction] || y.regressions - x.regressions || y.improvements - x.improvements || x.order - y.order);
  const maxFlipped = opts.maxFlipped ?? 5000;

  const assessments: AssessmentDiff[] = names.map((name) => {
    const bs = bStats.get(name) ?? emptyStats();
    const hs = hStats.get(name) ?? emptyStats();
    const { worse, better, ...changes } = changeCounts.get(name) ?? zero();
    return {
      name,
      lowerIsBetter: lower.has(name),
      base: bs,
      head: hs,
      passRateDelta: bs.passRate !== null && hs.passRate !== null ? hs.passRate - bs.passRate : null,
      passRateVerdict: verdictOf(bs.passRate, hs.passRate, "higher"),
      errorDelta: hs.errorCount - bs.errorCount,
      errorVerdict: verdictOf(bs.errorCount, hs.errorCount, "lower"),
      changes,
      changedWorse: worse,
      changedBetter: better,
    };
  });

  const aggNames = [...new Set([...head.run.aggregates.map((a) => a.name), ...base.run.aggregates.map((a) => a.name)])];
  const aggregates: AggregateDelta[] = aggNames.map((name) => {
    const ba = base.run.aggregates.find((a) => a.name === name);
    const ha = head.run.aggregates.find((a) => a.name === name);
    const any = (ha ?? ba) as (typeof head.run.aggregates)[number];
    const bv = ba?.value ?? null;
    const hv = ha?.value ?? null;
    const better = any.aggregation === "variance" ? null : lower.has(any.assessment) ? "lower" : "higher";
    return { name, assessment: any.assessment, aggregation: any.aggregation, base: bv, head: hv, delta: bv !== null && hv !== null ? hv - bv : null, verdict: verdictOf(bv, hv, better) };
  });

  return {
    base: base.run,
    head: head.run,
    threshold,
    compatibility: compatible(base.run, head.run),
    aggregates,
    assessments,
    rows: {
      base: b.size,
      head: hd.size,
      matched,
      onlyBase: b.size - matched,
      onlyHead: hd.size - matched,
      changed: flipped.length,
      regressions: regressionRows,
      improvements: improvementRows,
    },
    flipped: flipped.slice(0, maxFlipped).map(({ order: _order, ...r }) => r),
    flippedTotal: flipped.length,
    truncated: flipped.length > maxFlipped,
  };
}
