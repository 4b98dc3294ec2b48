/**
 * The results table of an evaluation run, columnar: what the results panel's table, sort,
 * filters, summary cards and charts need for every row, as flat arrays (one entry per row) and
 * one column per (scorer, assessment name). Full rows (rationales, stacks, logs, metadata) are
 * requested one at a time for the detail pane; the text filter runs where the full rows are (the
 * server). Arrays of primitives are validated with tight loops (zod custom schemas), not per-row
 * object schemas, so 100,000 rows validate in milliseconds. A big run is read in chunks
 * (loadRunTable): its first rows, posted and painted at once, then the rest in chunks that
 * leave the server free to ingest in between, posted whole.
 */
import { z } from "zod";
import { defineRequest } from "./descriptors";
import { EvalRun, RunResultRow } from "./scoring";

// ─── cheap array schemas ──────────────────────────────────────────────────────

function arrayOf<T>(what: string, test: (v: unknown) => boolean): z.ZodType<T[]> {
  return z.custom<T[]>(
    (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (!test(v[i])) return false;
      return true;
    },
    { message: `expected an array of ${what}` },
  );
}

const isInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);
export const StringArray = arrayOf<string>("strings", (v) => typeof v === "string");
export const NumberArray = arrayOf<number>("numbers", (v) => typeof v === "number");
export const IntArray = arrayOf<number>("integers", isInt);
export const NullableIntArray = arrayOf<number | null>("integers or nulls", (v) => v === null || isInt(v));
/** JSON values: anything (cells carry whatever a scorer returned). */
export const JsonArray = z.custom<unknown[]>((v) => Array.isArray(v), { message: "expected an array" });

// ─── the table ────────────────────────────────────────────────────────────────

/** One character per row in a column's `cells`. */
export const CELL_VALUE = "v";
export const CELL_NULL = "n";
export const CELL_ERROR = "e";
export const CELL_MISSING = "-";

/** String values longer than this are cut in the table (the detail pane shows them whole). */
export const TABLE_VALUE_MAX = 1000;
/** Error messages longer than this are cut in the table. */
export const TABLE_ERROR_MAX = 500;

/** One assessment of one scorer, over every row. */
export const RunTableColumn = z
  .object({
    /** The feedback (assessment) name. */
    name: z.string(),
    /** The scorer that produced it (the feedback's source id). */
    scorer: z.string(),
    sourceTypes: z.array(z.string()),
    /** Per row: "v" a value, "n" a null value, "e" an error, "-" no feedback of this column. */
    cells: z.string().regex(/^[vne-]*$/),
    /** Per row: the value where `cells` says "v" (long strings cut), else null. */
    values: JsonArray,
    /** Rows with an error (ascending), with the error's type and (capped) message. */
    errorRows: IntArray,
    errorTypes: StringArray,
    errorMessages: StringArray,
  })
  .refine((c) => c.errorRows.length === c.errorTypes.length && c.errorRows.length === c.errorMessages.length, { message: "error lists differ in length" });
export type RunTableColumn = z.infer<typeof RunTableColumn>;

export const RunTable = z
  .object({
    rowCount: z.number().int().min(0),
    /** Per row: the trace scored ("row-<index>" for a dataset row without a trace). */
    traceIds: StringArray,
    traceNames: StringArray,
    /** OK, ERROR, IN_PROGRESS; DELETED (the trace is gone), NO_TRACE (a dataset row without a trace). */
    traceStates: StringArray,
    /** Per row: the scorers' time on it, summed. */
    durationsMs: NumberArray,
    datasetRows: NullableIntArray,
    /** Per row: its run_results seq (what GetRunRowRequest takes); null when every row's seq is its index. */
    seqs: IntArray.nullable(),
    /** In order of first appearance. */
    columns: z.array(RunTableColumn),
  })
  .refine(
    (t) =>
      [t.traceIds, t.traceNames, t.traceStates, t.durationsMs, t.datasetRows, t.seqs ?? t.traceIds].every((a) => a.length === t.rowCount) &&
      t.columns.every((c) => c.cells.length === t.rowCount && c.values.length === t.rowCount),
    { message: "every per-row list must have rowCount entries" },
  );
export type RunTable = z.infer<typeof RunTable>;

// ─── LSP requests ─────────────────────────────────────────────────────────────

/**
 * client → server: a run and its results table, columnar: the rows after seq `afterSeq` (all
 * when absent), at most `maxRows` of them (`complete`: no rows follow); null when the run is
 * not stored.
 */
export const GetRunTableRequest = defineRequest(
  "scorelens/getRunTable",
  "clientToServer",
  z.object({ runId: z.string(), maxRows: z.number().int().min(1).optional(), afterSeq: z.number().int().optional() }),
  z.object({ run: EvalRun, table: RunTable, complete: z.boolean() }).nullable(),
);
export type RunTableRead = NonNullable<z.infer<typeof GetRunTableRequest.result>>;

/** client → server: one full result row (feedbacks with rationales, errors with stacks, logs) by its seq (RunTable.seqs). */
export const GetRunRowRequest = defineRequest(
  "scorelens/getRunRow",
  "clientToServer",
  z.object({ runId: z.string(), seq: z.number().int().min(0) }),
  RunResultRow.nullable(),
);

/**
 * client → server: the table indexes (ascending) of the rows whose trace name or id, values,
 * rationales or error type/message contain every word of `text` (case-insensitive).
 */
export const SearchRunRowsRequest = defineRequest(
  "scorelens/searchRunRows",
  "clientToServer",
  z.object({ runId: z.string(), text: z.string().max(1000) }),
  z.object({ rows: IntArray }),
);

// ─── pure helpers (server, tests, harness) ────────────────────────────────────

/** The part of a feedback the table needs. */
export interface TableFeedback {
  name: string;
  value?: unknown;
  error: { type: string; message: string } | null;
  source: { type: string; id: string };
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A feedback's value as the table holds it: long strings cut, undefined as null. */
function tableValue(v: unknown): unknown {
  return typeof v === "string" ? cut(v, TABLE_VALUE_MAX) : (v ?? null);
}

/**
 * The stored form of one feedback in the table (run_results.cells): [name, source type, source
 * id, value], or for an error [name, source type, source id, null, error type, error message];
 * values and messages cut as in the table. No rationale, stack, metadata or logs.
 */
export type TableCell = [name: string, sourceType: string, sourceId: string, value: unknown, errorType?: string, errorMessage?: string];

/** The JSON text of a scorer's feedbacks on one row as the table needs them (RunStore.saveResults stores it). */
export function tableCellsJson(feedbacks: readonly TableFeedback[]): string {
  const out: TableCell[] = [];
  for (const f of feedbacks) {
    out.push(f.error ? [f.name, f.source.type, f.source.id, null, f.error.type, cut(f.error.message, TABLE_ERROR_MAX)] : [f.name, f.source.type, f.source.id, tableValue(f.value)]);
  }
  return JSON.stringify(out);
}

class ColumnBuilder {
  readonly sourceTypes: string[] = [];
  readonly rows: number[] = [];
  readonly codes: number[] = [];
  readonly values: unknown[] = [];
  readonly errorRows: number[] = [];
  readonly errorTypes: string[] = [];
  readonly errorMessages: string[] = [];
  constructor(
    readonly name: string,
    readonly scorer: string,
  ) {}

  last(): number {
    return this.rows.length === 0 ? -1 : (this.rows[this.rows.length - 1] as number);
  }

  build(n: number): RunTableColumn {
    const codes = new Uint8Array(n).fill(CELL_MISSING.charCodeAt(0));
    const values = new Array<unknown>(n).fill(null);
    for (let k = 0; k < this.rows.length; k++) {
      const r = this.rows[k] as number;
      codes[r] = this.codes[k] as number;
      values[r] = this.values[k];
    }
    return {
      name: this.name,
      scorer: this.scorer,
      sourceTypes: this.sourceTypes,
      cells: new TextDecoder("latin1").decode(codes),
      values,
      errorRows: this.errorRows,
      errorTypes: this.errorTypes,
      errorMessages: this.errorMessages,
    };
  }
}

const V = CELL_VALUE.charCodeAt(0);
const N = CELL_NULL.charCodeAt(0);
const E = CELL_ERROR.charCodeAt(0);

/**
 * Builds a {@link RunTable} row by row: `addRow` for each row in order, then the row's
 * feedbacks (several scorers may add to the same row). The same (scorer, name) twice in one row
 * keeps the first, as the table shows one cell per column.
 */
export class RunTableBuilder {
  private readonly traceIds: string[] = [];
  private readonly traceNames: string[] = [];
  private readonly traceStates: string[] = [];
  private readonly durationsMs: number[] = [];
  private readonly datasetRows: Array<number | null> = [];
  private readonly seqs: number[] = [];
  private readonly columns = new Map<string, ColumnBuilder>();
  private readonly order: ColumnBuilder[] = [];

  get rowCount(): number {
    return this.traceIds.length;
  }

  /** Adds a row (`seq`: its run_results seq, default its index); returns its index. */
  addRow(traceId: string, traceName: string, traceState: string, durationMs: number, datasetRow: number | null, seq = this.traceIds.length): number {
    this.seqs.push(seq);
    this.traceIds.push(traceId);
    this.traceNames.push(traceName);
    this.traceStates.push(traceState);
    this.durationsMs.push(durationMs);
    this.datasetRows.push(datasetRow);
    return this.traceIds.length - 1;
  }

  /** Another scorer's time on row `row`. */
  addDuration(row: number, ms: number): void {
    this.durationsMs[row] = (this.durationsMs[row] as number) + ms;
  }

  addFeedback(row: number, f: TableFeedback): void {
    this.add(row, f.name, f.source.type, f.source.id, f.value, f.error ? f.error.type : null, f.error ? f.error.message : "");
  }

  /** A feedback in its stored form ({@link tableCellsJson}): the same cell as its full feedback gives. */
  addCell(row: number, cell: TableCell): void {
    const [name, sourceType, sourceId, value, errorType, errorMessage] = cell;
    this.add(row, name, sourceType, sourceId, value, errorType ?? null, errorMessage ?? "");
  }

  private add(row: number, name: string, sourceType: string, sourceId: string, value: unknown, errorType: string | null, errorMessage: string): void {
    const id = `${sourceId}\u0000${name}`;
    let c = this.columns.get(id);
    if (!c) {
      c = new ColumnBuilder(name, sourceId);
      this.columns.set(id, c);
      this.order.push(c);
    }
    if (c.last() === row) return;
    if (!c.sourceTypes.includes(sourceType)) c.sourceTypes.push(sourceType);
    c.rows.push(row);
    if (errorType !== null) {
      c.codes.push(E);
      c.values.push(null);
      c.errorRows.push(row);
      c.errorTypes.push(errorType);
      c.errorMessages.push(cut(errorMessage, TABLE_ERROR_MAX));
    } else if (value === null || value === undefined) {
      c.codes.push(N);
      c.values.push(null);
    } else {
      c.codes.push(V);
      c.values.push(tableValue(value));
    }
  }

  build(): RunTable {
    const n = this.rowCount;
    return {
      rowCount: n,
      traceIds: this.traceIds,
      traceNames: this.traceNames,
      traceStates: this.traceStates,
      durationsMs: this.durationsMs,
      datasetRows: this.datasetRows,
      seqs: this.seqs.every((q, i) => q === i) ? null : this.seqs,
      columns: this.order.map((c) => c.build(n)),
    };
  }
}

/** The table of full rows (tests, the webview harness; the server reads SQLite straight into a builder). */
export function encodeRunTable(rows: ReadonlyArray<Pick<RunResultRow, "traceId" | "traceName" | "traceState" | "durationMs" | "datasetRow"> & { feedbacks: readonly TableFeedback[] }>): RunTable {
  const b = new RunTableBuilder();
  for (const r of rows) {
    const i = b.addRow(r.traceId, r.traceName, r.traceState, r.durationMs, r.datasetRow);
    for (const f of r.feedbacks) b.addFeedback(i, f);
  }
  return b.build();
}

export const EMPTY_RUN_TABLE: RunTable = { rowCount: 0, traceIds: [], traceNames: [], traceStates: [], durationsMs: [], datasetRows: [], seqs: null, columns: [] };

/** `b`'s rows after `a`'s (a later chunk of the same run); columns are matched by scorer and name. */
export function appendRunTable(a: RunTable, b: RunTable): RunTable {
  if (b.rowCount === 0) return a;
  if (a.rowCount === 0) return b;
  const n = a.rowCount + b.rowCount;
  const seqs = [...(a.seqs ?? a.traceIds.map((_, i) => i)), ...(b.seqs ?? b.traceIds.map((_, i) => i))];
  const key = (c: RunTableColumn): string => `${c.scorer}\u0000${c.name}`;
  const inB = new Map(b.columns.map((c) => [key(c), c]));
  const merged = [...a.columns, ...b.columns.filter((c) => !a.columns.some((x) => key(x) === key(c)))];
  return {
    rowCount: n,
    traceIds: a.traceIds.concat(b.traceIds),
    traceNames: a.traceNames.concat(b.traceNames),
    traceStates: a.traceStates.concat(b.traceStates),
    durationsMs: a.durationsMs.concat(b.durationsMs),
    datasetRows: a.datasetRows.concat(b.datasetRows),
    seqs: seqs.every((q, i) => q === i) ? null : seqs,
    columns: merged.map((c) => {
      const x = a.columns.find((y) => key(y) === key(c));
      const y = inB.get(key(c));
      return {
        name: c.name,
        scorer: c.scorer,
        sourceTypes: [...new Set([...(x?.sourceTypes ?? []), ...(y?.sourceTypes ?? [])])],
        cells: (x?.cells ?? CELL_MISSING.repeat(a.rowCount)) + (y?.cells ?? CELL_MISSING.repeat(b.rowCount)),
        values: (x?.values ?? new Array<unknown>(a.rowCount).fill(null)).concat(y?.values ?? new Array<unknown>(b.rowCount).fill(null)),
        errorRows: (x?.errorRows ?? []).concat((y?.errorRows ?? []).map((r) => r + a.rowCount)),
        errorTypes: (x?.errorTypes ?? []).concat(y?.errorTypes ?? []),
        errorMessages: (x?.errorMessages ?? []).concat(y?.errorMessages ?? []),
      };
    }),
  };
}

/** What the results panel reads first (posted at once, so a big run paints right away)… */
export const RESULTS_FIRST_ROWS = 1000;
/** …and then per read (the server ingests between two). */
export const RESULTS_CHUNK_ROWS = 25_000;

/**
 * Reads a run's table the way the results panel does: the first `firstRows` rows (handed to
 * `onFirst` when more follow, so they can be shown at once), then the rest `chunkRows` at a time,
 * appended. `read` sends GetRunTableRequest. Null when the run is not stored.
 */
export async function loadRunTable(
  read: (params: { runId: string; maxRows: number; afterSeq?: number }) => Promise<RunTableRead | null>,
  runId: string,
  opts: { firstRows: number; chunkRows: number; onFirst?: (first: RunTableRead) => void },
): Promise<RunTableRead | null> {
  let r = await read({ runId, maxRows: opts.firstRows });
  if (r && !r.complete) opts.onFirst?.(r);
  while (r && !r.complete) {
    const last = seqOfRow(r.table, r.table.rowCount - 1);
    if (last === null) break;
    const next = await read({ runId, maxRows: opts.chunkRows, afterSeq: last });
    if (!next) return null;
    r = { run: next.run, table: appendRunTable(r.table, next.table), complete: next.complete };
  }
  return r;
}

/** The seq of table row `index` (for GetRunRowRequest); null past the end. */
export function seqOfRow(t: RunTable, index: number): number | null {
  if (index < 0 || index >= t.rowCount) return null;
  return t.seqs ? (t.seqs[index] ?? null) : index;
}

// ─── text search (the server runs it over full rows) ──────────────────────────

/** The words of a filter text (whitespace-separated, lower-cased); every word must match. */
export function filterWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter((w) => w !== "");
}

function valueText(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Lower-cased text a row matches against: trace name and id, values, rationales, error types and messages. */
export function rowSearchText(
  traceName: string,
  traceId: string,
  feedbacks: ReadonlyArray<{ value?: unknown; rationale?: string | null; error: { type: string; message: string } | null }>,
): string {
  const parts: string[] = [traceName, traceId];
  for (const f of feedbacks) {
    const v = f.value;
    if (v !== null && v !== undefined) parts.push(valueText(v));
    if (f.rationale) parts.push(f.rationale);
    if (f.error) parts.push(f.error.type, f.error.message);
  }
  return parts.join("\n").toLowerCase();
}

/**
 * Whether `word` can only be in a value's text if it is in that value's JSON text (lower-cased):
 * true unless it has a character JSON escapes (quote, backslash, control characters).
 */
export function jsonVerbatim(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

export function matchesWords(haystack: string, words: readonly string[]): boolean {
  for (const w of words) if (!haystack.includes(w)) return false;
  return true;
}
