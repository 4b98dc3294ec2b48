/**
 * One imported record (a JSON object, or a CSV row made into one) → a validated DatasetRow.
 *
 * The canonical keys are MLflow's: `inputs`, `outputs`, `expectations`, `trace_id`, `tags`.
 * Records exported by other tools are read too:
 * - MLflow `dataset.to_df()` rows: `source: {source_data: {trace_id}}` gives the trace id; the
 *   bookkeeping columns (dataset_record_id, created_time, …) are skipped.
 * - Langfuse dataset items / traces: `input` (an object, else `{input: value}`), `output`,
 *   `expectedOutput` (→ `expectations.expected_response`), `sourceTraceId` / `traceId`,
 *   `metadata` (→ tags), `tags: ["a", "b"]` (→ `{a: "true", b: "true"}`).
 * - MLflow's older request/response schema: `request`, `response`, `expected_response`.
 * Nulls mean "absent". Keys that mean nothing here are reported back, so a typo is seen.
 */
import { DatasetRow } from "../../protocol/datasets";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Keys read by toDatasetRow. */
const KNOWN = new Set([
  "inputs", "input", "request", "outputs", "output", "response", "expectations", "expectedOutput", "expected_output",
  "expected_response", "trace_id", "traceId", "sourceTraceId", "source", "tags", "metadata",
]);

/** Bookkeeping keys of MLflow and Langfuse exports (and pandas' index column), skipped silently. */
const SKIPPED = new Set([
  "", "dataset_record_id", "dataset_id", "created_time", "last_update_time", "created_by", "last_updated_by", "source_type",
  "source_id", "id", "datasetId", "createdAt", "updatedAt", "status", "sourceObservationId", "Unnamed: 0",
]);

export type ShapeResult = { row: DatasetRow; ignored: string[] } | { error: string };

/** A short description of a value for error messages: `a string ("hello…")`, `an array`, `null`. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 39) + "…" : v)})`;
  if (typeof v === "object") return "an object";
  return `a ${typeof v} (${String(v)})`;
}

function inputsOf(o: Obj): { inputs: unknown } | { error: string } {
  if (present(o.inputs)) return { inputs: o.inputs };
  if ("inputs" in o) return { error: '"inputs" is null; every row needs inputs, a JSON object such as {"question": "…"}' };
  if (present(o.input)) return { inputs: isObj(o.input) ? o.input : { input: o.input } };
  if (present(o.request)) return { inputs: isObj(o.request) ? o.request : { request: o.request } };
  const keys = Object.keys(o);
  return { error: `missing "inputs" (a JSON object such as {"question": "…"}); the row has ${keys.length ? `keys ${keys.map((k) => JSON.stringify(k)).join(", ")}` : "no keys"}` };
}

/** A problem with one field (a class, so it can't be mistaken for a user's object). */
class Bad {
  constructor(readonly error: string) {}
}

function expectationsOf(o: Obj): Obj | undefined | Bad {
  let out: Obj | undefined;
  if (present(o.expectations)) {
    if (!isObj(o.expectations)) return new Bad(`"expectations" must be a JSON object such as {"expected_response": "…"}, got ${describe(o.expectations)}`);
    out = { ...o.expectations };
  }
  for (const key of ["expectedOutput", "expected_output", "expected_response"]) {
    if (present(o[key]) && (out === undefined || !("expected_response" in out))) out = { ...out, expected_response: o[key] };
  }
  return out;
}

function traceIdOf(o: Obj): string | undefined | Bad {
  const source = isObj(o.source) && isObj(o.source.source_data) ? o.source.source_data.trace_id : undefined;
  for (const [key, v] of [["trace_id", o.trace_id], ["traceId", o.traceId], ["sourceTraceId", o.sourceTraceId], ["source.source_data.trace_id", source]] as const) {
    if (!present(v) || v === "") continue;
    if (typeof v !== "string") return new Bad(`"${key}" must be a string, got ${describe(v)}`);
    return v.trim();
  }
  return undefined;
}

function tagText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function tagsOf(o: Obj): Record<string, string> | undefined | Bad {
  let out: Record<string, string> | undefined;
  if (isObj(o.metadata)) for (const [k, v] of Object.entries(o.metadata)) if (present(v)) (out ??= {})[k] = tagText(v);
  const t = o.tags;
  if (Array.isArray(t)) {
    for (const tag of t) {
      if (typeof tag !== "string") return new Bad(`"tags" must be an object of strings or a list of strings, got a list holding ${describe(tag)}`);
      (out ??= {})[tag] = "true";
    }
  } else if (isObj(t)) {
    for (const [k, v] of Object.entries(t)) if (present(v)) (out ??= {})[k] = tagText(v);
  } else if (present(t)) {
    return new Bad(`"tags" must be an object such as {"topic": "billing"}, got ${describe(t)}`);
  }
  return out;
}

/** Normalizes and validates one record; `{error}` says what is wrong (without the row's position). */
export function toDatasetRow(value: unknown): ShapeResult {
  if (!isObj(value)) return { error: `expected a JSON object with "inputs", got ${describe(value)}` };
  const inputs = inputsOf(value);
  if ("error" in inputs) return inputs;
  if (!isObj(inputs.inputs)) return { error: `"inputs" must be a JSON object such as {"question": "…"}, got ${describe(inputs.inputs)}` };
  const expectations = expectationsOf(value);
  if (expectations instanceof Bad) return { error: expectations.error };
  const traceId = traceIdOf(value);
  if (traceId instanceof Bad) return { error: traceId.error };
  const tags = tagsOf(value);
  if (tags instanceof Bad) return { error: tags.error };
  const outputs = [value.outputs, value.output, value.response].find(present);
  const candidate: Obj = { inputs: inputs.inputs };
  if (outputs !== undefined) candidate.outputs = outputs;
  if (expectations !== undefined) candidate.expectations = expectations;
  if (traceId !== undefined) candidate.trace_id = traceId;
  if (tags !== undefined) candidate.tags = tags;
  const parsed = DatasetRow.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: issue ? `${issue.path.map(String).join(".") || "row"}: ${issue.message}` : "not a valid dataset row" };
  }
  const ignored = Object.keys(value).filter((k) => !KNOWN.has(k) && !SKIPPED.has(k));
  return { row: parsed.data, ignored };
}

/** Counts ignored keys across rows, for one warning line per key. */
export class IgnoredKeys {
  private readonly seen = new Map<string, { count: number; first: string }>();

  add(keys: readonly string[], where: string): void {
    for (const k of keys) {
      const s = this.seen.get(k);
      if (s) s.count++;
      else this.seen.set(k, { count: 1, first: where });
    }
  }

  warnings(noun: "key" | "column"): string[] {
    const hint: Record<string, string> = { expectation: "expectations", input: "inputs", output: "outputs", tag: "tags", traceid: "trace_id" };
    return [...this.seen].map(([k, s]) => {
      const mean = hint[k.toLowerCase()];
      return `ignored ${noun} ${JSON.stringify(k)} (${s.count} row${s.count === 1 ? "" : "s"}, first at ${s.first})${mean ? `; did you mean "${mean}"?` : ""}`;
    });
  }
}
