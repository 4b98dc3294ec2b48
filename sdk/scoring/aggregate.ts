/**
 * Aggregate metrics over a scorer's Feedbacks, as MLflow computes them
 * (`mlflow/genai/scorers/aggregation.py`).
 *
 * - Metrics are named `"{assessment}/{aggregation}"`, e.g. `"correct/mean"`. A custom function
 *   uses its `name` (or `"custom"`). The default is `["mean"]`.
 * - Value cast: booleans and `"yes"`/`"no"` (case-insensitive, as MLflow's `CategoricalRating`)
 *   count as 1/0 and finite numbers as themselves.
 * - Excluded: other strings and non-numeric values (objects, null…). Feedbacks with an error are
 *   excluded too and counted separately. `count` is the number of values used, and `note` says
 *   what was left out and why.
 * - `median` and `p90` interpolate linearly between the closest ranks, as numpy's
 *   `np.median`/`np.percentile` do by default.
 * - `variance` is the **population** variance (divide by n, i.e. numpy's `np.var` with `ddof=0`,
 *   which MLflow uses), not the sample variance (n − 1).
 * - When no value is left, or a custom function throws or returns a non-finite number, the
 *   metric's value is `null` and `note` says why.
 *
 * Pure and synchronous. Never throws.
 */
import type { AggregateMetric, AggregationName } from "../../protocol/scoring";

/** A custom aggregation: receives the numeric values (never empty) and returns one number. */
export type AggregationFn = (values: number[]) => number;
export type Aggregation = AggregationName | AggregationFn;

// A record keyed by AggregationName: the compiler rejects a missing or extra name, so this list stays in
// sync with `AGGREGATIONS` in protocol/scoring.ts without importing zod at runtime.
const BUILTIN: Record<AggregationName, true> = { mean: true, min: true, max: true, median: true, variance: true, p90: true };
/** The built-in aggregations, in MLflow's order. */
export const AGGREGATION_NAMES: readonly AggregationName[] = Object.freeze(Object.keys(BUILTIN) as AggregationName[]);

export const DEFAULT_AGGREGATIONS: readonly AggregationName[] = ["mean"];

const NAME_SET: ReadonlySet<string> = new Set(AGGREGATION_NAMES);

/** The minimal shape `aggregate` reads: a `FeedbackResult` fits. */
export interface AggregatableResult {
  name: string;
  value: unknown;
  error?: unknown;
}

export function isAggregationName(value: unknown): value is AggregationName {
  return typeof value === "string" && NAME_SET.has(value);
}

/** The metric suffix for an aggregation: its name, or a custom function's name (else `"custom"`). */
export function aggregationLabel(aggregation: Aggregation): string {
  if (typeof aggregation === "string") return aggregation;
  return typeof aggregation.name === "string" && aggregation.name !== "" ? aggregation.name : "custom";
}

/**
 * Checks a scorer's `aggregations` option: null/undefined (use the default), or a list of built-in
 * names and functions. Returns the list to keep, or throws a TypeError that lists the allowed names.
 */
export function validateAggregations(aggregations: unknown, where: string): Aggregation[] | null {
  if (aggregations === undefined || aggregations === null) return null;
  if (!Array.isArray(aggregations)) throw new TypeError(`${where}: aggregations must be an array of ${AGGREGATION_NAMES.join(", ")} or functions`);
  for (const item of aggregations as unknown[]) {
    if (typeof item === "function") continue;
    if (!isAggregationName(item)) {
      throw new TypeError(`${where}: unknown aggregation ${JSON.stringify(item) ?? String(item)}; use ${AGGREGATION_NAMES.join(", ")} or a function (values: number[]) => number`);
    }
  }
  return [...(aggregations as Aggregation[])];
}

/** The numeric value MLflow would aggregate, or null when the value is excluded. */
export function numericValue(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") {
    const lowered = value.trim().toLowerCase();
    if (lowered === "yes") return 1;
    if (lowered === "no") return 0;
  }
  return null;
}

/** Neumaier-compensated sum: stable for long lists of mixed magnitudes. */
function sum(values: readonly number[]): number {
  let total = 0;
  let compensation = 0;
  for (const value of values) {
    const next = total + value;
    compensation += Math.abs(total) >= Math.abs(value) ? total - next + value : value - next + total;
    total = next;
  }
  return total + compensation;
}

function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

/** Population variance (numpy `np.var`, ddof=0), two-pass for accuracy. */
function variance(values: readonly number[]): number {
  const m = mean(values);
  return sum(values.map((value) => (value - m) * (value - m))) / values.length;
}

/** The q-th quantile (0..1) of sorted values, linear interpolation (numpy's default "linear" method). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (rank - lower);
}

function builtin(name: AggregationName, values: readonly number[]): number {
  switch (name) {
    case "mean":
      return mean(values);
    case "min":
      return values.reduce((a, b) => (b < a ? b : a));
    case "max":
      return values.reduce((a, b) => (b > a ? b : a));
    case "median":
      return quantileSorted([...values].sort((a, b) => a - b), 0.5);
    case "variance":
      return variance(values);
    case "p90":
      return quantileSorted([...values].sort((a, b) => a - b), 0.9);
  }
}

function plural(count: number, singular: string, pluralForm: string): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

interface Group {
  values: number[];
  errors: number;
  nonNumeric: number;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return "<unprintable>";
  }
}

/**
 * One `AggregateMetric` per (assessment name, aggregation), with assessments in order of first
 * appearance and aggregations in the order given. See the module doc for how values are cast and excluded.
 */
export function aggregate(results: readonly AggregatableResult[], aggregations?: readonly Aggregation[] | null): AggregateMetric[] {
  const list = aggregations === undefined || aggregations === null ? DEFAULT_AGGREGATIONS : aggregations;
  const groups = new Map<string, Group>();
  for (const result of results) {
    let group = groups.get(result.name);
    if (group === undefined) {
      group = { values: [], errors: 0, nonNumeric: 0 };
      groups.set(result.name, group);
    }
    if (result.error !== undefined && result.error !== null) {
      group.errors++;
      continue;
    }
    const numeric = numericValue(result.value);
    if (numeric === null) group.nonNumeric++;
    else group.values.push(numeric);
  }

  const metrics: AggregateMetric[] = [];
  for (const [assessment, group] of groups) {
    const exclusions: string[] = [];
    if (group.errors > 0) exclusions.push(`${plural(group.errors, "error", "errors")} excluded`);
    if (group.nonNumeric > 0) {
      exclusions.push(`${plural(group.nonNumeric, "non-numeric value", "non-numeric values")} excluded; return bool, number or yes/no`);
    }
    for (const aggregation of list) {
      const label = aggregationLabel(aggregation);
      const notes = [...exclusions];
      let value: number | null = null;
      if (group.values.length === 0) {
        notes.push("no numeric values to aggregate");
      } else if (typeof aggregation === "function") {
        try {
          const computed: unknown = aggregation([...group.values]);
          if (typeof computed === "number" && Number.isFinite(computed)) value = computed;
          else notes.push(`custom aggregation "${label}" returned ${typeof computed === "number" ? String(computed) : typeof computed}, not a finite number`);
        } catch (error) {
          notes.push(`custom aggregation "${label}" failed: ${errorMessage(error)}`);
        }
      } else if (isAggregationName(aggregation)) {
        value = builtin(aggregation, group.values);
      } else {
        notes.push(`unknown aggregation ${JSON.stringify(aggregation)}`);
      }
      metrics.push({
        name: `${assessment}/${label}`,
        assessment,
        aggregation: label,
        value,
        count: group.values.length,
        note: notes.length === 0 ? null : notes.join("; "),
      });
    }
  }
  return metrics;
}
