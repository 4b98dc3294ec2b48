/**
 * `scorelens datasets list|show|create|import|export|delete`: runs one subcommand on a store file
 * and prints plain text (or JSON with --json). Returns the exit code: 0 ok, 1 failed (the message
 * on stderr), 2 a bad filter.
 */
import path from "node:path";
import type { DatasetInfo, DatasetRow } from "../../protocol/datasets";
import type { DatasetsCommand } from "../cliArgs";
import { FilterSyntaxError } from "../search/filterErrors";
import { openDatabase } from "../store/db";
import { DatasetFormatError, serializeDataset } from "./datasetFormats";
import { DatasetError, DatasetStore } from "./datasetStore";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
};

/** Free text for a terminal: control characters (escape sequences…) shown as \uXXXX, not sent. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => (c === "\n" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

function sourceText(info: DatasetInfo): string {
  const s = info.source;
  if (s.kind === "traces") return `traces${s.filter ? ` (filter: ${printable(s.filter)})` : ""}`;
  if (s.kind === "file") return `${s.format} file ${printable(s.path)}`;
  return "sdk";
}

function infoLine(info: DatasetInfo): string {
  return `${info.name}  ${String(info.rowCount).padStart(7)} rows  ${new Date(info.updatedMs).toISOString()}  ${sourceText(info)}`;
}

function cap(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ");
  return one.length > max ? one.slice(0, max - 1) + "…" : one;
}

function rowText(r: DatasetRow, idx: number): string {
  const parts = [`#${idx}`, `inputs=${cap(JSON.stringify(r.inputs), 80)}`];
  if (r.outputs !== undefined) parts.push(`outputs=${cap(JSON.stringify(r.outputs), 60)}`);
  if (r.expectations) parts.push(`expectations=${cap(JSON.stringify(r.expectations), 60)}`);
  if (r.trace_id) parts.push(`trace=${r.trace_id}`);
  if (r.tags) parts.push(`tags=${cap(JSON.stringify(r.tags), 40)}`);
  return parts.join("  ");
}

function run(store: DatasetStore, c: DatasetsCommand, io: CliIo): number {
  const json = (v: unknown) => io.out(JSON.stringify(v, null, 2));
  switch (c.sub) {
    case "list": {
      const all = store.list();
      if (c.json) json(all);
      else if (all.length === 0) io.out("no datasets (create one with: scorelens datasets import NAME FILE)");
      else for (const d of all) io.out(infoLine(d));
      return 0;
    }
    case "show": {
      const info = store.require(c.name);
      const rows = store.rows(c.name, c.offset, c.limit);
      if (c.json) json({ info, offset: c.offset, rows });
      else {
        io.out(infoLine(info) + (info.description ? `\n${printable(info.description)}` : ""));
        rows.forEach((r, i) => io.out(rowText(r, c.offset + i)));
        const shown = c.offset + rows.length;
        if (shown < info.rowCount) io.out(`… ${info.rowCount - shown} more (--offset ${shown})`);
      }
      return 0;
    }
    case "create": {
      const info = store.fromTraces(
        c.name,
        { traceIds: c.traceIds, ...(c.filter !== null ? { filter: c.filter } : {}), limit: c.limit },
        { description: c.description, replace: c.replace },
      );
      if (c.json) json(info);
      else io.out(`dataset "${info.name}": ${info.rowCount} row(s) from traces`);
      return 0;
    }
    case "import": {
      const r = store.importFile(c.name, c.file, { description: c.description, replace: c.replace, ...(c.format ? { format: c.format } : {}) });
      for (const w of r.warnings.slice(0, 20)) io.err(`warning: ${c.file}: ${w}`);
      if (c.json) json({ ...r.info, warnings: r.warnings });
      else io.out(`dataset "${r.info.name}": ${r.info.rowCount} row(s) imported from ${c.file} (${r.format})`);
      return 0;
    }
    case "export": {
      if (c.file === "-") {
        io.out(serializeDataset(store.allRows(c.name), c.format ?? "jsonl"));
        return 0;
      }
      const r = store.exportFile(c.name, c.file, c.format ?? undefined);
      io.out(`dataset "${c.name}": ${r.rows} row(s) written to ${c.file} (${r.format})`);
      return 0;
    }
    case "delete": {
      const gone = store.delete(c.name);
      if (!gone) store.require(c.name); // throws "no dataset named …", listing the names
      if (c.json) json({ deleted: c.name });
      else io.out(`dataset "${c.name}" deleted`);
      return 0;
    }
  }
}

/** Runs a datasets subcommand against the store at `db`. */
export function runDatasetsCommand(db: string, c: DatasetsCommand, io: CliIo = processIo): number {
  const d = openDatabase(path.resolve(db));
  try {
    return run(new DatasetStore(d), c, io);
  } catch (e) {
    if (FilterSyntaxError.is(e)) {
      io.err(`scorelens: ${e.message}\n${e.excerpt}`);
      return 2;
    }
    if (DatasetError.is(e) || DatasetFormatError.is(e)) {
      io.err(`scorelens: datasets ${c.sub}: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    d.close();
  }
}
