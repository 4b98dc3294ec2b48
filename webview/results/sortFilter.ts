/**
 * Sorting and filtering of the results table, over row indexes (the rows themselves never
 * move). Sorts are type-aware (numbers numerically, booleans/yes-no as fail < pass, text
 * with a natural collation), stable (ties keep run order) and put rows without a value
 * (missing, null, error) after the rest in both directions. The text filter runs on the host
 * (over full rows, rationales included); here it is a set of matching rows. Pure (no DOM),
 * unit-tested.
 */
import { CODE_ERROR, CODE_MISSING, CODE_NULL, cellOf, type Cell, type Column, type ResultsModel } from "./model";
import { jsonText, numberOf, passOf } from "./values";

/** What the table is sorted by: a fixed column or an assessment column (by key). */
export type SortBy = { kind: "trace" } | { kind: "state" } | { kind: "duration" } | { kind: "column"; key: string };
export interface SortSpec {
  by: SortBy;
  dir: "asc" | "desc";
}

export function sortId(by: SortBy): string {
  return by.kind === "column" ? `col:${by.key}` : by.kind;
}

/** The next sort after clicking a header: ascending, then descending, then run order. */
export function nextSort(cur: SortSpec | null, by: SortBy): SortSpec | null {
  if (!cur || sortId(cur.by) !== sortId(by)) return { by, dir: by.kind === "duration" ? "desc" : "asc" };
  const firstDir = by.kind === "duration" ? "desc" : "asc";
  if (cur.dir === firstDir) return { by, dir: firstDir === "asc" ? "desc" : "asc" };
  return null;
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Value types in a column; the column's main type sorts first, the others after it. */
const T_NUMBER = 0;
const T_PASS = 1;
const T_TEXT = 2;
/** Ranks from here on sort last whatever the direction: null, error, no feedback. */
const RANK_NULL = 4;
const RANK_ERROR = 5;
const RANK_MISSING = 6;

const STATE_ORDER: Record<string, number> = { ERROR: 0, IN_PROGRESS: 1, OK: 2, NO_TRACE: 3, DELETED: 4 };

/** Fills rank/num/str sort keys of an assessment column. */
function columnKeys(c: Column, n: number, rank: Uint8Array, num: Float64Array): string[] | null {
  const main = c.kind === "pass" ? T_PASS : c.kind === "text" ? T_TEXT : T_NUMBER;
  // the main type ranks 0, the other value types 1..3 in their usual order
  const typeRank = (t: number): number => (t === main ? 0 : 1 + t);
  let str: string[] | null = null;
  const d = c.data;
  for (let i = 0; i < n; i++) {
    const code = d ? d.cells.charCodeAt(i) : CODE_MISSING;
    if (code === CODE_MISSING) rank[i] = RANK_MISSING;
    else if (code === CODE_ERROR) rank[i] = RANK_ERROR;
    else if (code === CODE_NULL) rank[i] = RANK_NULL;
    else {
      const v = d?.values[i];
      const x = numberOf(v);
      if (x !== null) {
        rank[i] = typeRank(T_NUMBER);
        num[i] = x;
        continue;
      }
      const p = passOf(v);
      if (p !== null) {
        rank[i] = typeRank(T_PASS);
        num[i] = p ? 1 : 0;
        continue;
      }
      if (v === null || v === undefined) {
        rank[i] = RANK_NULL;
        continue;
      }
      rank[i] = typeRank(T_TEXT);
      str ??= new Array<string>(n).fill("");
      str[i] = typeof v === "string" ? v : jsonText(v);
    }
  }
  return str;
}

/**
 * Row indexes in display order for `sort` (run order when null). Keys go into typed arrays
 * once per row, so sorting 100,000 rows is one pass plus a sort over numbers.
 */
export function sortRows(model: ResultsModel, sort: SortSpec | null): number[] {
  const t = model.table;
  const n = model.rowCount;
  const idx = Array.from({ length: n }, (_, i) => i);
  if (!sort) return idx;
  const rank = new Uint8Array(n);
  const num = new Float64Array(n);
  let str: string[] | null = null;
  const by = sort.by;
  if (by.kind === "column") {
    const col = model.columns.find((c) => c.key === by.key);
    if (!col) return idx;
    str = columnKeys(col, n, rank, num);
  } else if (by.kind === "trace") {
    str = t.traceNames;
  } else if (by.kind === "state") {
    for (let i = 0; i < n; i++) num[i] = STATE_ORDER[t.traceStates[i] as string] ?? 9;
  } else {
    for (let i = 0; i < n; i++) {
      const d = t.durationsMs[i] as number;
      if (Number.isFinite(d)) num[i] = d;
      else rank[i] = RANK_MISSING;
    }
  }
  const sign = sort.dir === "asc" ? 1 : -1;
  const s = str;
  idx.sort((a, b) => {
    const ra = rank[a] as number;
    const rb = rank[b] as number;
    // value types and missing values keep their order in both directions
    if (ra !== rb) return ra - rb;
    const na = num[a] as number;
    const nb = num[b] as number;
    let d = na === nb ? 0 : na < nb ? -1 : 1;
    if (d === 0 && s) {
      const sa = s[a] as string;
      const sb = s[b] as string;
      if (sa !== sb) d = collator.compare(sa, sb);
    }
    return d !== 0 ? d * sign : a - b;
  });
  return idx;
}

export interface RowFilter {
  /** Rows matching the text filter (1 = match), from the host; null when there is no text filter. */
  matches: Uint8Array | null;
  errorsOnly: boolean;
  /** A chart selection: keep rows whose cell in column `col` passes `test`. */
  cell: { col: number; test: (c: Cell) => boolean } | null;
}

/** Applies `filter` to `order` (display order). */
export function filterRows(order: readonly number[], model: ResultsModel, filter: RowFilter): number[] {
  const { matches, cell } = filter;
  if (!matches && !filter.errorsOnly && !cell) return order as number[];
  const out: number[] = [];
  for (const i of order) {
    if (filter.errorsOnly && !model.rowHasError[i]) continue;
    if (matches && !matches[i]) continue;
    if (cell) {
      const c = cellOf(model, i, cell.col);
      if (!c || !cell.test(c)) continue;
    }
    out.push(i);
  }
  return out;
}

/** The match set of a host search answer, for `rowCount` rows. */
export function matchSet(rows: readonly number[], rowCount: number): Uint8Array {
  const m = new Uint8Array(rowCount);
  for (const r of rows) if (r >= 0 && r < rowCount) m[r] = 1;
  return m;
}
