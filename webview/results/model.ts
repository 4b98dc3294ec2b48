/**
 * The results table's model, built once per snapshot from the run's columnar table
 * (protocol/runTable): one column per assessment (feedback name) in scorer order, and
 * per-column stats (errors, pass/fail counts, numeric values) for the summary cards and charts.
 * Pure (no DOM), unit-tested; linear in rows × columns (100,000 rows × a few columns is a few
 * milliseconds), with no per-row objects.
 */
import { CELL_ERROR, CELL_MISSING, CELL_NULL, CELL_VALUE, EMPTY_RUN_TABLE, type RunTable, type RunTableColumn } from "../../protocol/runTable";
import type { AggregateMetric, EvalRun } from "../../protocol/scoring";
import { type PassCounts } from "./stats";
import { numberOf, passOf } from "./values";

/** How a column's values are summarized: a histogram, a pass rate, or neither. */
export type ColumnKind = "numeric" | "pass" | "text" | "empty";

export interface ColumnStats extends PassCounts {
  /** Rows with a feedback of this name. */
  present: number;
  errors: number;
  /** Values that are null (no value, no error). */
  nulls: number;
  /** Finite numeric values, in row order. */
  numbers: number[];
  /** Non-error values that are neither numbers nor pass/fail (strings, objects). */
  others: number;
  /** Every numeric value is an integer. */
  integers: boolean;
}

export interface CellError {
  type: string;
  message: string;
}

/** What the table knows of one cell (a FeedbackResult fits too). */
export interface Cell {
  value: unknown;
  error: CellError | null;
}

export interface Column {
  /** Unique key: the feedback name, or "scorer/name" when two scorers produce the same name. */
  key: string;
  /** The feedback (assessment) name. */
  name: string;
  /** Where a disambiguated column comes from (the scorer); null otherwise. */
  source: string | null;
  /** Scorers (source ids) that produced it, and their source types. */
  scorers: string[];
  sourceTypes: string[];
  kind: ColumnKind;
  /** Decimals shown in cells: 0 when every value is an integer, else 2. */
  decimals: 0 | 2;
  stats: ColumnStats;
  /** The run's aggregate metrics of this assessment. */
  aggregates: AggregateMetric[];
  /** The column's cells; null for an assessment that only has aggregates (no rows yet). */
  data: RunTableColumn | null;
  /** The error of each row that has one. */
  errors: Map<number, CellError>;
}

export interface ResultsModel {
  table: RunTable;
  columns: Column[];
  rowCount: number;
  /** Whether a row has at least one feedback with an error. */
  rowHasError: Uint8Array;
  errorRows: number;
  /** Feedbacks with an error, over all columns. */
  errorFeedbacks: number;
}

export const CODE_VALUE = CELL_VALUE.charCodeAt(0);
export const CODE_NULL = CELL_NULL.charCodeAt(0);
export const CODE_ERROR = CELL_ERROR.charCodeAt(0);
export const CODE_MISSING = CELL_MISSING.charCodeAt(0);

function emptyStats(): ColumnStats {
  return { present: 0, errors: 0, nulls: 0, numbers: [], pass: 0, fail: 0, others: 0, integers: true };
}

/** Decides how a column is summarized from its value counts. */
export function columnKind(s: ColumnStats): ColumnKind {
  const nums = s.numbers.length;
  const passes = s.pass + s.fail;
  if (nums === 0 && passes === 0) return s.others > 0 ? "text" : "empty";
  return nums >= passes ? "numeric" : "pass";
}

function columnStats(d: RunTableColumn, n: number): ColumnStats {
  const s = emptyStats();
  const cells = d.cells;
  for (let i = 0; i < n; i++) {
    const code = cells.charCodeAt(i);
    if (code === CODE_MISSING) continue;
    s.present++;
    if (code === CODE_ERROR) s.errors++;
    else if (code === CODE_NULL) s.nulls++;
    else {
      const v = d.values[i];
      const x = numberOf(v);
      if (x !== null) {
        s.numbers.push(x);
        if (s.integers && !Number.isInteger(x)) s.integers = false;
        continue;
      }
      const p = passOf(v);
      if (p === true) s.pass++;
      else if (p === false) s.fail++;
      else if (v === null || v === undefined) s.nulls++;
      else s.others++;
    }
  }
  return s;
}

/**
 * Builds the model. Columns are ordered by the run's scorer order, then by first appearance;
 * assessments that only have aggregates (no rows yet) still get a column.
 */
export function buildModel(table: RunTable | null, run: Pick<EvalRun, "scorers" | "aggregates"> | null): ResultsModel {
  const t = table ?? EMPTY_RUN_TABLE;
  const n = t.rowCount;
  const scorerOrder = new Map((run?.scorers ?? []).map((s, i) => [s.name, i]));
  const rank = (scorer: string): number => scorerOrder.get(scorer) ?? scorerOrder.size;
  const perName = new Map<string, number>();
  for (const d of t.columns) perName.set(d.name, (perName.get(d.name) ?? 0) + 1);

  const columns: Array<Column & { rank: number; seen: number }> = [];
  const add = (key: string, name: string, source: string | null, scorer: string, d: RunTableColumn | null): void => {
    const errors = new Map<number, CellError>();
    if (d) d.errorRows.forEach((r, k) => errors.set(r, { type: d.errorTypes[k] ?? "", message: d.errorMessages[k] ?? "" }));
    const stats = d ? columnStats(d, n) : emptyStats();
    columns.push({
      key,
      name,
      source,
      scorers: d ? [d.scorer] : [],
      sourceTypes: d ? [...d.sourceTypes] : [],
      kind: columnKind(stats),
      decimals: stats.integers ? 0 : 2,
      stats,
      aggregates: (run?.aggregates ?? []).filter((a) => a.assessment === name),
      data: d,
      errors,
      rank: rank(scorer),
      seen: columns.length,
    });
  };
  for (const d of t.columns) {
    const split = (perName.get(d.name) ?? 0) > 1;
    add(split ? `${d.scorer}/${d.name}` : d.name, d.name, split ? d.scorer : null, d.scorer, d);
  }
  const added = new Set<string>();
  for (const a of run?.aggregates ?? []) {
    if (perName.has(a.assessment) || added.has(a.assessment)) continue;
    added.add(a.assessment);
    add(a.assessment, a.assessment, null, a.assessment, null);
  }
  columns.sort((a, b) => a.rank - b.rank || a.seen - b.seen);

  const rowHasError = new Uint8Array(n);
  let errorFeedbacks = 0;
  for (const c of columns) {
    for (const r of c.data?.errorRows ?? []) rowHasError[r] = 1;
    errorFeedbacks += c.stats.errors;
  }
  let errorRows = 0;
  for (let i = 0; i < n; i++) errorRows += rowHasError[i] as number;
  return {
    table: t,
    columns: columns.map(({ rank: _r, seen: _s, ...c }) => c),
    rowCount: n,
    rowHasError,
    errorRows,
    errorFeedbacks,
  };
}

/** The cell code of row `row` in column `c` (CODE_VALUE, CODE_NULL, CODE_ERROR or CODE_MISSING). */
export function cellCode(c: Column, row: number): number {
  return c.data ? c.data.cells.charCodeAt(row) : CODE_MISSING;
}

/** Row `row`'s cell in column `col`, or undefined when the row has no feedback of it. */
export function cellOf(m: ResultsModel, row: number, col: number): Cell | undefined {
  const c = m.columns[col];
  if (!c?.data) return undefined;
  const code = c.data.cells.charCodeAt(row);
  if (code === CODE_VALUE) return { value: c.data.values[row], error: null };
  if (code === CODE_NULL) return { value: null, error: null };
  if (code === CODE_ERROR) return { value: null, error: c.errors.get(row) ?? { type: "Error", message: "" } };
  return undefined;
}

/** Notes about a column's values for its summary card ("3 non-numeric values excluded"). */
export function columnNotes(c: Column): string[] {
  const s = c.stats;
  const notes: string[] = [];
  const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
  if (c.kind === "numeric") {
    const excluded = s.pass + s.fail + s.others;
    if (excluded > 0) notes.push(`${plural(excluded, "non-numeric value")} excluded from the chart`);
  } else if (c.kind === "pass") {
    const excluded = s.numbers.length + s.others;
    if (excluded > 0) notes.push(`${plural(excluded, "value")} that ${excluded === 1 ? "is" : "are"} not yes/no or true/false excluded from the pass rate`);
  }
  if (s.nulls > 0) notes.push(`${plural(s.nulls, "null value")}`);
  return notes;
}
