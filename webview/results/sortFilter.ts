/**
 * Sorting and filtering of the results table, over row indexes (the rows themselves never
 * move). Sorts are type-aware (numbers numerically, booleans/yes-no as fail < pass, text
 * with a natural collation), stable (ties keep run order) and put rows without a value
 * (missing, null, error) after the rest in both directions. Pure (no DOM), unit-tested.
 */
import type { FeedbackResult, RunResultRow } from "../../protocol/scoring";
import { cellOf, type ResultsModel } from "./model";
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

const STATE_ORDER: Record<string, number> = { ERROR: 0, IN_PROGRESS: 1, OK: 2, DELETED: 3 };

/**
 * Row indexes in display order for `sort` (run order when null). Keys go into typed arrays
 * once per row, so sorting 100,000 rows is one pass plus a sort over numbers.
 */
export function sortRows(rows: readonly RunResultRow[], model: ResultsModel, sort: SortSpec | null): number[] {
  const n = rows.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  if (!sort) return idx;
  const rank = new Uint8Array(n);
  const num = new Float64Array(n);
  let str: string[] | null = null;
  const by = sort.by;
  if (by.kind === "column") {
    const col = model.columns.findIndex((c) => c.key === by.key);
    if (col < 0) return idx;
    const kind = (model.columns[col] as ResultsModel["columns"][number]).kind;
    const main = kind === "pass" ? T_PASS : kind === "text" ? T_TEXT : T_NUMBER;
    // the main type ranks 0, the other value types 1..3 in their usual order
    const typeRank = (t: number): number => (t === main ? 0 : 1 + t);
    for (let i = 0; i < n; i++) {
      const f: FeedbackResult | undefined = cellOf(model, i, col);
      if (!f) rank[i] = RANK_MISSING;
      else if (f.error) rank[i] = RANK_ERROR;
      else {
        const v = f.value;
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
  } else if (by.kind === "trace") {
    str = rows.map((r) => r.traceName);
  } else if (by.kind === "state") {
    for (let i = 0; i < n; i++) num[i] = STATE_ORDER[(rows[i] as RunResultRow).traceState] ?? 9;
  } else {
    for (let i = 0; i < n; i++) {
      const d = (rows[i] as RunResultRow).durationMs;
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

/** Lower-cased text a row matches against: trace name and id, values, rationales, errors. */
export function rowHaystack(r: RunResultRow): string {
  const parts: string[] = [r.traceName, r.traceId];
  for (const f of r.feedbacks) {
    const v = f.value;
    if (v !== null && v !== undefined) parts.push(typeof v === "string" ? v : jsonText(v));
    if (f.rationale) parts.push(f.rationale);
    if (f.error) parts.push(f.error.type, f.error.message);
  }
  return parts.join("\n").toLowerCase();
}

/** The words of a filter text (whitespace-separated, lower-cased); every word must match. */
export function filterWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter((w) => w !== "");
}

export function matchesWords(haystack: string, words: readonly string[]): boolean {
  for (const w of words) if (!haystack.includes(w)) return false;
  return true;
}

export interface RowFilter {
  text: string;
  errorsOnly: boolean;
  /** A chart selection: keep rows whose cell in column `col` passes `test`. */
  cell: { col: number; test: (f: FeedbackResult) => boolean } | null;
}

/**
 * Applies `filter` to `order` (display order). `haystacks` is filled lazily, the first time
 * a text filter needs a row's text, and reused for later filters of the same rows.
 */
export function filterRows(
  order: readonly number[],
  rows: readonly RunResultRow[],
  model: ResultsModel,
  filter: RowFilter,
  haystacks: Array<string | undefined>,
): number[] {
  const words = filterWords(filter.text);
  const cell = filter.cell;
  if (words.length === 0 && !filter.errorsOnly && !cell) return order as number[];
  const out: number[] = [];
  for (const i of order) {
    if (filter.errorsOnly && !model.rowHasError[i]) continue;
    if (cell) {
      const f = cellOf(model, i, cell.col);
      if (!f || !cell.test(f)) continue;
    }
    if (words.length > 0) {
      let hay = haystacks[i];
      if (hay === undefined) {
        hay = rowHaystack(rows[i] as RunResultRow);
        haystacks[i] = hay;
      }
      if (!matchesWords(hay, words)) continue;
    }
    out.push(i);
  }
  return out;
}
