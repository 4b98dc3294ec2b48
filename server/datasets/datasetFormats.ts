/**
 * Dataset files, parsed and written. Pure (text in, text out): see docs/datasets.md.
 * - JSON: an array of rows, or an object `{"rows": […]}` (or `{"records": […]}`);
 * - JSONL: one row per line (blank lines skipped);
 * - CSV: RFC 4180 with a header row; columns as csvColumns.ts reads them.
 * A UTF-8 BOM is skipped. Every row is normalized (rowShape.ts) and validated; the first bad row
 * fails the whole file with its line (JSONL, CSV) or row number (JSON).
 */
import { DATASET_FORMATS, type DatasetFormat, type DatasetRow } from "../../protocol/datasets";
import { CsvError, parseCsv, writeCsv } from "./csv";
import { ColumnError, columnRules, recordToObject, rowsToRecords } from "./csvColumns";
import { IgnoredKeys, toDatasetRow } from "./rowShape";

export const MAX_DATASET_FILE_BYTES = 200 * 1024 * 1024;
export const MAX_DATASET_ROWS = 1_000_000;

export interface ParsedDataset {
  rows: DatasetRow[];
  /** Things skipped that a person may want to know about (ignored keys or columns). */
  warnings: string[];
}

/** A file that can't be read as a dataset: `where` is "line 7" / "row 3" / "" (the whole file). */
export class DatasetFormatError extends Error {
  readonly reason = "dataset-format";
  constructor(
    readonly file: string,
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${file}: ${where ? `${where}: ` : ""}${detail}; nothing was imported`);
  }
  static is(e: unknown): e is DatasetFormatError {
    return e instanceof DatasetFormatError;
  }
}

/** The format a file name implies (.json, .jsonl / .ndjson, .csv / .tsv), or null. */
export function formatFromPath(file: string): DatasetFormat | null {
  const m = /\.([A-Za-z0-9]+)$/.exec(file);
  const ext = m?.[1]?.toLowerCase();
  if (ext === "json") return "json";
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  if (ext === "csv" || ext === "tsv") return "csv";
  return null;
}

export function isDatasetFormat(v: string): v is DatasetFormat {
  return (DATASET_FORMATS as readonly string[]).includes(v);
}

const tooMany = (max: number): string => `more than ${max.toLocaleString("en-US")} rows (the most one dataset holds); split the file`;

/** 1-based line and column of a character offset. */
function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** JSON.parse's message, with line and column instead of V8's character position. */
function jsonProblem(text: string, e: unknown): { where: string; detail: string } {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /at position (\d+)/.exec(msg);
  const detail = `not valid JSON: ${msg.replace(/\s*(in JSON )?at position \d+.*$/s, "")}`;
  if (!pos) return { where: "", detail };
  const { line, column } = lineCol(text, Number(pos[1]));
  return { where: `line ${line}, column ${column}`, detail };
}

function shape(list: readonly unknown[], file: string, maxRows: number, whereOf: (i: number) => string, ignored: IgnoredKeys): DatasetRow[] {
  if (list.length > maxRows) throw new DatasetFormatError(file, "", tooMany(maxRows));
  const rows: DatasetRow[] = [];
  for (const [i, v] of list.entries()) {
    const r = toDatasetRow(v);
    if ("error" in r) throw new DatasetFormatError(file, whereOf(i), r.error);
    ignored.add(r.ignored, whereOf(i));
    rows.push(r.row);
  }
  return rows;
}

function parseJsonFile(text: string, file: string, maxRows: number): ParsedDataset {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // A .json file that holds one object per line (pandas' lines=True) is read as JSONL.
    if (/^\s*\{/.test(text) && /\}\s*\r?\n\s*\{/.test(text)) return parseJsonl(text, file, maxRows);
    const p = jsonProblem(text, e);
    throw new DatasetFormatError(file, p.where, p.detail);
  }
  const holder = typeof doc === "object" && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  const list = Array.isArray(doc) ? doc : Array.isArray(holder?.rows) ? holder.rows : Array.isArray(holder?.records) ? holder.records : null;
  if (list === null) {
    const hint =
      holder && typeof holder.inputs === "object" && holder.inputs !== null && "0" in holder.inputs
        ? " (this looks like pandas' default to_json; write it with df.to_json(orient='records'))"
        : holder && "inputs" in holder
          ? " (a single row: put it in a list, [ … ])"
          : "";
    throw new DatasetFormatError(file, "", `expected a JSON array of rows or an object {"rows": […]}${hint}`);
  }
  const ignored = new IgnoredKeys();
  const rows = shape(list, file, maxRows, (i) => `row ${i + 1}`, ignored);
  return { rows, warnings: ignored.warnings("key") };
}

function parseJsonl(text: string, file: string, maxRows: number): ParsedDataset {
  const ignored = new IgnoredKeys();
  const rows: DatasetRow[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    const where = `line ${i + 1}`;
    if (rows.length >= maxRows) throw new DatasetFormatError(file, where, tooMany(maxRows));
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      const msg = e instanceof Error ? e.message.replace(/\s*(in JSON )?at position \d+.*$/s, "") : String(e);
      const hint = i === 0 && line.trim() === "[" ? " (this looks like a JSON array: import it as .json)" : "";
      throw new DatasetFormatError(file, where, `not valid JSON: ${msg}${hint}`);
    }
    const r = toDatasetRow(v);
    if ("error" in r) throw new DatasetFormatError(file, where, r.error);
    ignored.add(r.ignored, where);
    rows.push(r.row);
  }
  return { rows, warnings: ignored.warnings("key") };
}

function parseCsvFile(text: string, file: string, maxRows: number): ParsedDataset {
  let parsed;
  try {
    parsed = parseCsv(text, { maxRecords: maxRows + 1, tooMany: () => tooMany(maxRows) });
  } catch (e) {
    if (e instanceof CsvError) throw new DatasetFormatError(file, `line ${e.line}`, e.detail);
    throw e;
  }
  const [header, ...records] = parsed.records;
  if (header === undefined || header.every((h) => h.trim() === "")) throw new DatasetFormatError(file, "line 1", "no header row (the first line names the columns, e.g. inputs.question,expectations.expected_response)");
  let rules;
  try {
    rules = columnRules(header);
  } catch (e) {
    if (e instanceof ColumnError) throw new DatasetFormatError(file, "line 1 (header)", e.message);
    throw e;
  }
  const ignored = new IgnoredKeys();
  const rows: DatasetRow[] = [];
  for (const [i, cells] of records.entries()) {
    const where = `line ${parsed.lines[i + 1] ?? "?"} (row ${i + 1})`;
    const obj = recordToObject(rules, cells);
    if (obj === null) continue;
    if ("error" in obj) throw new DatasetFormatError(file, where, obj.error);
    const r = toDatasetRow(obj.record);
    if ("error" in r) throw new DatasetFormatError(file, where, r.error);
    ignored.add(r.ignored, where);
    rows.push(r.row);
  }
  return { rows, warnings: ignored.warnings("column") };
}

/**
 * A file's bytes as text: UTF-8 (with or without a BOM), or UTF-16 with a BOM (spreadsheets'
 * "Unicode text"). Other encodings are refused, so nothing is stored garbled.
 */
export function decodeDatasetBytes(bytes: Uint8Array, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    let bad = bytes.findIndex((b) => b >= 0x80);
    // Find the first byte that breaks UTF-8, for the line number.
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i] as number;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      const cont = len > 0 && [...bytes.subarray(i + 1, i + len)].every((c) => c >= 0x80 && c < 0xc0) && i + len <= bytes.length;
      if (!cont) {
        bad = i;
        break;
      }
      i += len;
    }
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    throw new DatasetFormatError(file, `line ${line}`, "the file is not UTF-8 text (save it as \"CSV UTF-8\" or UTF-8 JSON)");
  }
}

/** Parses a dataset file's text. `file` names it in errors. Throws DatasetFormatError. */
export function parseDataset(text: string, format: DatasetFormat, file: string, opts: { maxRows?: number } = {}): ParsedDataset {
  const maxRows = opts.maxRows ?? MAX_DATASET_ROWS;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw new DatasetFormatError(file, "", "the file is empty");
  switch (format) {
    case "json":
      return parseJsonFile(body, file, maxRows);
    case "jsonl":
      return parseJsonl(body, file, maxRows);
    case "csv":
      return parseCsvFile(body, file, maxRows);
  }
}

/** Rows → file text. JSON is a pretty-printed array; JSONL one row per line; CSV with flattened columns. */
export function serializeDataset(rows: readonly DatasetRow[], format: DatasetFormat): string {
  const ordered = rows.map((r) => ({
    inputs: r.inputs,
    ...(r.outputs !== undefined ? { outputs: r.outputs } : {}),
    ...(r.expectations !== undefined ? { expectations: r.expectations } : {}),
    ...(r.trace_id !== undefined ? { trace_id: r.trace_id } : {}),
    ...(r.tags !== undefined ? { tags: r.tags } : {}),
  }));
  switch (format) {
    case "json":
      return JSON.stringify(ordered, null, 2) + "\n";
    case "jsonl":
      return ordered.map((r) => JSON.stringify(r)).join("\n") + (ordered.length > 0 ? "\n" : "");
    case "csv":
      return writeCsv(rowsToRecords(rows));
  }
}
