/**
 * Evaluation datasets in the store (tables `datasets` and `dataset_rows`, schema v5): create,
 * list, read (paged or all), delete, build from stored traces, import from and export to files.
 * Every write is one transaction: a dataset is written whole or not at all.
 */
import fs from "node:fs";
import path from "node:path";
import type { Statement } from "better-sqlite3";
import { DatasetInfo, DatasetName, DatasetSource, type DatasetFormat, type DatasetRow } from "../../protocol/datasets";
import type { Db } from "../store/db";
import { log } from "../log";
import { DatasetFormatError, decodeDatasetBytes, formatFromPath, MAX_DATASET_FILE_BYTES, MAX_DATASET_ROWS, parseDataset, serializeDataset } from "./datasetFormats";
import { TraceRowBuilder, UnknownTraceError, type TraceRowsSelection } from "./traceRows";

export type DatasetErrorReason = "exists" | "not-found" | "bad-name" | "no-traces" | "too-large" | "format" | "io";

export class DatasetError extends Error {
  constructor(
    readonly reason: DatasetErrorReason,
    message: string,
  ) {
    super(message);
  }
  static is(e: unknown): e is DatasetError {
    return e instanceof DatasetError;
  }
}

export interface CreateOptions {
  source: DatasetSource;
  description?: string | null;
  /** Replace a dataset of the same name (else that is an error). */
  replace?: boolean;
}

export interface ImportResult {
  info: DatasetInfo;
  format: DatasetFormat;
  warnings: string[];
}

interface DatasetTableRow {
  name: string;
  description: string | null;
  source: string;
  row_count: number;
  created_ms: number;
  updated_ms: number;
}

interface RowTableRow {
  inputs: string;
  outputs: string | null;
  expectations: string | null;
  trace_id: string | null;
  tags: string | null;
}

function toInfo(r: DatasetTableRow): DatasetInfo {
  let source: DatasetSource;
  const parsed = DatasetSource.safeParse(JSON.parse(r.source));
  if (parsed.success) source = parsed.data;
  else {
    log.warn(`dataset "${r.name}" has a source this version does not know: ${r.source}`);
    source = { kind: "sdk" };
  }
  return DatasetInfo.parse({
    name: r.name,
    description: r.description,
    source,
    rowCount: Number(r.row_count),
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  });
}

function toRow(r: RowTableRow): DatasetRow {
  const row: DatasetRow = { inputs: JSON.parse(r.inputs) as Record<string, unknown> };
  if (r.outputs !== null) row.outputs = JSON.parse(r.outputs) as unknown;
  if (r.expectations !== null) row.expectations = JSON.parse(r.expectations) as Record<string, unknown>;
  if (r.trace_id !== null) row.trace_id = r.trace_id;
  if (r.tags !== null) row.tags = JSON.parse(r.tags) as Record<string, string>;
  return row;
}

/**
 * Reads and validates a dataset file without storing it (`scorelens eval --data FILE`): size cap,
 * encoding, format from the extension unless given. Throws DatasetError / DatasetFormatError.
 */
export function readDatasetFile(file: string, format?: DatasetFormat): { rows: DatasetRow[]; format: DatasetFormat; warnings: string[] } {
  const f = format ?? formatFromPath(file);
  if (!f) throw new DatasetError("format", `${file}: can't tell the format from the file name; name it .json, .jsonl or .csv, or give the format`);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (e) {
    throw new DatasetError("not-found", `${file}: ${e instanceof Error && "code" in e && e.code === "ENOENT" ? "no such file" : String(e)}`);
  }
  if (size > MAX_DATASET_FILE_BYTES) {
    throw new DatasetError("too-large", `${file}: ${(size / 1024 / 1024).toFixed(0)} MB is larger than a dataset file may be (${MAX_DATASET_FILE_BYTES / 1024 / 1024} MB); split it`);
  }
  const parsed = parseDataset(decodeDatasetBytes(fs.readFileSync(file), file), f, file);
  return { rows: parsed.rows, format: f, warnings: parsed.warnings };
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export class DatasetStore {
  private readonly listStmt: Statement;
  private readonly infoStmt: Statement;
  private readonly namesStmt: Statement;
  private readonly insDataset: Statement;
  private readonly insRow: Statement;
  private readonly delDataset: Statement;
  private readonly delRows: Statement;
  private readonly pageStmt: Statement;
  private readonly allStmt: Statement;
  private readonly traceRows: TraceRowBuilder;

  constructor(private readonly db: Db) {
    this.listStmt = db.prepare("SELECT * FROM datasets ORDER BY name");
    this.infoStmt = db.prepare("SELECT * FROM datasets WHERE name = ?");
    this.namesStmt = db.prepare("SELECT name FROM datasets ORDER BY name LIMIT 20").pluck();
    this.insDataset = db.prepare(
      "INSERT INTO datasets (name, description, source, row_count, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.insRow = db.prepare(
      "INSERT INTO dataset_rows (dataset_name, idx, inputs, outputs, expectations, trace_id, tags) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.delDataset = db.prepare("DELETE FROM datasets WHERE name = ?");
    this.delRows = db.prepare("DELETE FROM dataset_rows WHERE dataset_name = ?");
    this.pageStmt = db.prepare(
      "SELECT inputs, outputs, expectations, trace_id, tags FROM dataset_rows WHERE dataset_name = ? AND idx >= ? ORDER BY idx LIMIT ?",
    );
    this.allStmt = db.prepare("SELECT inputs, outputs, expectations, trace_id, tags FROM dataset_rows WHERE dataset_name = ? ORDER BY idx");
    this.traceRows = new TraceRowBuilder(db);
  }

  list(): DatasetInfo[] {
    return (this.listStmt.all() as DatasetTableRow[]).map(toInfo);
  }

  info(name: string): DatasetInfo | null {
    const r = this.infoStmt.get(name) as DatasetTableRow | undefined;
    return r ? toInfo(r) : null;
  }

  /** The dataset's info; throws DatasetError("not-found") naming the datasets there are. */
  require(name: string): DatasetInfo {
    const info = this.info(name);
    if (info) return info;
    const names = this.namesStmt.all() as string[];
    throw new DatasetError("not-found", `there is no dataset named "${name}"${names.length ? ` (datasets: ${names.join(", ")})` : " (the store has no datasets)"}`);
  }

  /** Rows [offset, offset + limit) in order. */
  rows(name: string, offset: number, limit: number): DatasetRow[] {
    this.require(name);
    return (this.pageStmt.all(name, offset, limit) as RowTableRow[]).map(toRow);
  }

  allRows(name: string): DatasetRow[] {
    this.require(name);
    return (this.allStmt.all(name) as RowTableRow[]).map(toRow);
  }

  /** Stores a dataset (rows indexed from 0) in one transaction. */
  create(name: string, rows: readonly DatasetRow[], opts: CreateOptions): DatasetInfo {
    const valid = DatasetName.safeParse(name);
    if (!valid.success) throw new DatasetError("bad-name", `invalid dataset name ${JSON.stringify(name)}: ${valid.error.issues[0]?.message ?? "not a name"}`);
    if (rows.length > MAX_DATASET_ROWS) throw new DatasetError("too-large", `${rows.length} rows is more than a dataset holds (${MAX_DATASET_ROWS})`);
    const now = Date.now();
    this.db.transaction(() => {
      const old = this.infoStmt.get(name) as DatasetTableRow | undefined;
      if (old && !opts.replace) throw new DatasetError("exists", `a dataset named "${name}" already exists (${old.row_count} rows); delete it first or replace it`);
      this.delRows.run(name);
      this.delDataset.run(name);
      this.insDataset.run(name, opts.description ?? old?.description ?? null, JSON.stringify(opts.source), rows.length, old?.created_ms ?? now, now);
      for (const [i, r] of rows.entries()) {
        this.insRow.run(name, i, JSON.stringify(r.inputs), json(r.outputs), json(r.expectations), r.trace_id ?? null, json(r.tags));
      }
    }).immediate();
    return this.require(name);
  }

  /** Deletes a dataset and its rows; false when there was none. */
  delete(name: string): boolean {
    return this.db.transaction(() => {
      this.delRows.run(name);
      return this.delDataset.run(name).changes > 0;
    }).immediate();
  }

  /**
   * A dataset from stored traces: inputs/outputs are the root span's, expectations the trace's
   * expectation assessments (newest per name), trace_id the trace. Throws FilterSyntaxError for a
   * bad filter, DatasetError("not-found") for an unknown trace id, ("no-traces") when nothing matched.
   */
  fromTraces(name: string, sel: TraceRowsSelection, opts: Omit<CreateOptions, "source"> = {}): DatasetInfo {
    let rows: DatasetRow[];
    try {
      rows = this.traceRows.build(sel);
    } catch (e) {
      if (e instanceof UnknownTraceError) throw new DatasetError("not-found", e.message);
      throw e;
    }
    if (rows.length === 0) throw new DatasetError("no-traces", sel.filter ? `no trace matches the filter ${JSON.stringify(sel.filter)}` : "no traces were selected");
    return this.create(name, rows, { ...opts, source: { kind: "traces", traceCount: rows.length, filter: sel.filter ?? null } });
  }

  /** Imports a JSON / JSONL / CSV file (format from the extension unless given). All or nothing. */
  importFile(name: string, file: string, opts: Omit<CreateOptions, "source"> & { format?: DatasetFormat } = {}): ImportResult {
    const { rows, format, warnings } = readDatasetFile(file, opts.format);
    const info = this.create(name, rows, { ...opts, source: { kind: "file", path: path.resolve(file), format } });
    return { info, format, warnings };
  }

  /** Writes a dataset to a file (format from the extension unless given), atomically. Returns the row count. */
  exportFile(name: string, file: string, format?: DatasetFormat): { rows: number; format: DatasetFormat } {
    const f = format ?? formatFromPath(file);
    if (!f) throw new DatasetError("format", `${file}: can't tell the format from the file name; name it .json, .jsonl or .csv, or give the format`);
    const rows = this.allRows(name);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, serializeDataset(rows, f));
      fs.renameSync(tmp, file);
    } catch (e) {
      const code = e instanceof Error && "code" in e ? String(e.code) : "";
      throw new DatasetError("io", `${file}: cannot write it (${code === "ENOENT" ? "no such directory" : code || String(e)})`);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return { rows: rows.length, format: f };
  }
}

export { DatasetFormatError };
