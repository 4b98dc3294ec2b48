/**
 * CSV columns ↔ dataset rows. Pure.
 *
 * Columns (the header row):
 * - `inputs`, `expectations`, `tags`: a JSON object per cell;
 * - `inputs.<key>`, `expectations.<key>`, `outputs.<key>`, `tags.<key>`: one key of that object;
 * - `outputs`: the outputs; `trace_id`: the trace the row came from (kept as written);
 * - the aliases toDatasetRow reads (`input`, `output`, `expected_output`, `request`, `response`,
 *   `expected_response`, `metadata`, `source`, …) and MLflow/Langfuse bookkeeping columns.
 * A cell is read as JSON when it parses (`42`, `true`, `["a"]`, `"quoted"`), else kept as the
 * string it is (`Paris`, `007`); an integer too big to be exact stays a string. An empty cell is
 * absent. Rows whose cells are all empty (a spreadsheet's trailing rows) are skipped.
 */

import type { DatasetRow } from "../../protocol/datasets";

export type CellValue = { value: unknown } | null;

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const OBJECT_COLUMNS = new Set(["inputs", "expectations", "tags"]);
const FLAT_PREFIXES = ["inputs", "expectations", "outputs", "tags"] as const;
const PASS_THROUGH = new Set([
  "outputs", "trace_id", "input", "output", "request", "response", "expected_output", "expectedOutput", "expected_response",
  "metadata", "source", "traceId", "sourceTraceId",
  // bookkeeping, skipped by toDatasetRow
  "", "dataset_record_id", "dataset_id", "created_time", "last_update_time", "created_by", "last_updated_by", "source_type",
  "source_id", "id", "datasetId", "createdAt", "updatedAt", "status", "sourceObservationId", "Unnamed: 0",
]);

/** A cell as a value: JSON when it parses (big integers excepted), else the text; empty → absent. */
export function parseCell(text: string): CellValue {
  if (text === "") return null;
  const t = text.trim();
  // Decide without throwing where possible: a failed JSON.parse costs far more than these checks.
  if (t === "true") return { value: true };
  if (t === "false") return { value: false };
  if (t === "null") return { value: null };
  if (JSON_NUMBER.test(t)) return /^-?\d{16,}$/.test(t) ? { value: text } : { value: Number(t) }; // 16+ digits would lose precision
  const first = t[0];
  if (first !== "{" && first !== "[" && first !== '"') return { value: text };
  try {
    return { value: JSON.parse(t) as unknown };
  } catch {
    return { value: text };
  }
}

/** How one header column is read. */
export type ColumnRule =
  | { kind: "object"; name: string } // inputs / expectations / tags: a JSON object per cell
  | { kind: "flat"; prefix: string; key: string } // inputs.<key> …
  | { kind: "raw"; name: string } // trace_id: text as written
  | { kind: "value"; name: string }; // outputs and aliases: parseCell

export class ColumnError extends Error {}

/** Reads the header; throws ColumnError for a column that is not a dataset column, or a conflict. */
export function columnRules(header: readonly string[]): ColumnRule[] {
  const seen = new Set<string>();
  const rules = header.map((raw): ColumnRule => {
    const name = raw.trim();
    if (seen.has(name) && name !== "") throw new ColumnError(`column ${JSON.stringify(name)} appears twice in the header`);
    seen.add(name);
    if (OBJECT_COLUMNS.has(name)) return { kind: "object", name };
    if (name === "trace_id") return { kind: "raw", name };
    const dot = name.indexOf(".");
    const prefix = dot > 0 ? name.slice(0, dot) : "";
    if ((FLAT_PREFIXES as readonly string[]).includes(prefix)) return { kind: "flat", prefix, key: name.slice(dot + 1) };
    if (PASS_THROUGH.has(name)) return { kind: "value", name };
    const q = (prefix: string) => JSON.stringify(`${prefix}.${name}`);
    throw new ColumnError(
      `column ${JSON.stringify(name)} is not a dataset column: name it ${q("inputs")} (an input), ${q("expectations")} (ground truth), ` +
        `${q("outputs")} or ${q("tags")}; whole-object columns are inputs, outputs, expectations, tags and trace_id (see docs/datasets.md)`,
    );
  });
  for (const p of FLAT_PREFIXES) {
    if (seen.has(p) && rules.some((r) => r.kind === "flat" && r.prefix === p)) {
      throw new ColumnError(`the header has both a "${p}" column and "${p}.<key>" columns; use one or the other`);
    }
  }
  return rules;
}

const looksPython = (t: string): boolean => /^[[{]/.test(t) && /'|\bTrue\b|\bFalse\b|\bNone\b/.test(t);

/** One CSV record → the object toDatasetRow reads, or an error naming the column. Null for an all-empty record. */
export function recordToObject(rules: readonly ColumnRule[], cells: readonly string[]): { record: Record<string, unknown> } | { error: string } | null {
  if (cells.every((c) => c.trim() === "")) return null;
  if (cells.length !== rules.length) {
    return { error: `has ${cells.length} field${cells.length === 1 ? "" : "s"}, the header has ${rules.length} (an unquoted delimiter or line break in a field?)` };
  }
  const out: Record<string, unknown> = {};
  for (const [i, rule] of rules.entries()) {
    const text = cells[i] as string;
    if (text === "") continue;
    if (rule.kind === "raw") out[rule.name] = text.trim();
    else if (rule.kind === "value") out[rule.name] = (parseCell(text) as { value: unknown }).value;
    else if (rule.kind === "object") {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        const hint = looksPython(text.trim()) ? " (it looks like a Python dict: write it with json.dumps, or export with df.to_json(orient='records', lines=True))" : "";
        return { error: `column "${rule.name}" is not valid JSON${hint}: ${JSON.stringify(text.length > 60 ? text.slice(0, 59) + "…" : text)}` };
      }
      if (typeof v !== "object" || v === null || Array.isArray(v)) return { error: `column "${rule.name}" must hold a JSON object such as {"question": "…"}` };
      out[rule.name] = v;
    } else {
      const obj = (out[rule.prefix] ??= {}) as Record<string, unknown>;
      obj[rule.key] = (parseCell(text) as { value: unknown }).value;
    }
  }
  return { record: out };
}

/** A value as a cell that parseCell reads back identically: plain text when that round-trips, else JSON. */
export function formatCell(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") {
    const back = parseCell(v);
    return back !== null && back.value === v ? v : JSON.stringify(v);
  }
  // An integer past 2^53 in digits would be read back as a string; the exponent form reads back as the same number.
  if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)) return v.toExponential();
  return JSON.stringify(v) ?? "";
}

function keysOf(objects: Iterable<Record<string, unknown> | undefined>): string[] {
  const keys = new Set<string>();
  for (const o of objects) if (o) for (const k of Object.keys(o)) keys.add(k);
  return [...keys];
}

/**
 * Rows → CSV records (header first): `inputs.<key>` columns, `outputs`, `expectations.<key>`,
 * `trace_id`, `tags.<key>`, each only when some row has it. A row with no inputs and nothing else
 * would be an empty line, so then inputs are written as one JSON `inputs` column.
 */
export function rowsToRecords(rows: readonly DatasetRow[]): string[][] {
  const inputKeys = keysOf(rows.map((r) => r.inputs));
  const expKeys = keysOf(rows.map((r) => r.expectations));
  const tagKeys = keysOf(rows.map((r) => r.tags));
  const hasOutputs = rows.some((r) => r.outputs !== undefined);
  const hasTrace = rows.some((r) => r.trace_id !== undefined);
  const wholeInputs = rows.some(
    (r) => Object.keys(r.inputs).length === 0 && r.outputs === undefined && r.trace_id === undefined && !r.expectations && !r.tags,
  );
  const header = [
    ...(wholeInputs ? ["inputs"] : inputKeys.map((k) => `inputs.${k}`)),
    ...(hasOutputs ? ["outputs"] : []),
    ...expKeys.map((k) => `expectations.${k}`),
    ...(hasTrace ? ["trace_id"] : []),
    ...tagKeys.map((k) => `tags.${k}`),
  ];
  const out: string[][] = [header];
  for (const r of rows) {
    const has = (o: Record<string, unknown> | undefined, k: string) => o !== undefined && Object.hasOwn(o, k);
    out.push([
      ...(wholeInputs ? [JSON.stringify(r.inputs)] : inputKeys.map((k) => (has(r.inputs, k) ? formatCell(r.inputs[k]) : ""))),
      ...(hasOutputs ? [formatCell(r.outputs)] : []),
      ...expKeys.map((k) => (has(r.expectations, k) ? formatCell(r.expectations?.[k]) : "")),
      ...(hasTrace ? [r.trace_id ?? ""] : []),
      ...tagKeys.map((k) => (has(r.tags, k) ? formatCell(r.tags?.[k]) : "")),
    ]);
  }
  return out;
}
