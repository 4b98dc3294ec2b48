/**
 * Filter AST → a SQL boolean expression over `traces AS t`, with every user-supplied value
 * (strings, numbers, keys, JSON paths, patterns) passed as a bound parameter. The SQL text
 * only ever contains fixed fragments chosen by the AST's shape.
 *
 * Semantics (documented for users in FILTERS.md):
 * - LIKE is case-sensitive (translated to GLOB, independent of PRAGMA case_sensitive_like);
 *   ILIKE is `lower(x) LIKE lower(?) ESCAPE '\'` (ASCII case folding, as SQLite's lower()).
 *   In both, `\%` / `\_` match a literal % / _.
 * - RLIKE uses the `regexp` function from installSearchFunctions (JavaScript regex, search).
 * - span.* conditions hold when ANY span of the trace matches (one EXISTS per comparison).
 * - *_ms fields compare like MLflow's integer milliseconds: `timestamp_ms = N` matches a start in
 *   [N, N+1), `> N` means ≥ N+1, and so on (range forms, so traces_start stays usable).
 * - feedback/expectation values and span attributes are JSON: see jsonCondition.
 */
import type { Comparison, Field, FilterAst, Operator, Scalar, TraceFieldName } from "./filterParser";
import { parseFilter } from "./filterParser";

export interface SqlFilter {
  /** A boolean SQL expression over `traces AS t` ("1" when the filter is empty). */
  where: string;
  params: unknown[];
}

/** Parses and compiles in one step; throws FilterSyntaxError. */
export function compileFilter(filter: string): SqlFilter {
  return filterToSql(parseFilter(filter));
}

export function filterToSql(ast: FilterAst): SqlFilter {
  if (ast.comparisons.length === 0) return { where: "1", params: [] };
  const b = new Builder();
  const parts = ast.comparisons.map((c) => `(${comparisonSql(b, c)})`);
  return { where: parts.join(" AND "), params: b.params };
}

/** Collects bound parameters in the order their `?` appear (template literals evaluate left to right). */
class Builder {
  readonly params: unknown[] = [];
  p(v: unknown): string {
    this.params.push(v);
    return "?";
  }
  list(values: readonly unknown[]): string {
    return values.map((v) => this.p(v)).join(", ");
  }
}

const TRACE_COLUMN: Readonly<Record<Exclude<TraceFieldName, "text">, string>> = {
  status: "t.state",
  timestamp_ms: "t.start_ms",
  execution_time_ms: "t.duration_ms",
  end_time_ms: "(t.end_ns / 1000000.0)",
  name: "t.name",
  trace_id: "t.trace_id",
  session_id: "t.session_id",
  user_id: "t.user_id",
  service_name: "t.service_name",
  request_preview: "t.request_preview",
  response_preview: "t.response_preview",
  total_tokens: "t.total_tokens",
  input_tokens: "t.input_tokens",
  output_tokens: "t.output_tokens",
  cost: "t.cost_usd",
  span_count: "t.span_count",
  error_count: "t.error_count",
};

const SPAN_COLUMN = { name: "s.name", type: "s.span_type", status: "s.status", model: "s.model", provider: "s.provider" } as const;

const MS_FIELDS: ReadonlySet<TraceFieldName> = new Set<TraceFieldName>(["timestamp_ms", "execution_time_ms", "end_time_ms"]);

function comparisonSql(b: Builder, c: Comparison): string {
  const f: Field = c.field;
  switch (f.kind) {
    case "trace": {
      if (f.name === "text") return textSql(b, c.op, str(c.values[0]));
      const col = TRACE_COLUMN[f.name];
      if (MS_FIELDS.has(f.name)) return msSql(b, col, c.op, num(c.values[0]));
      return scalarSql(b, () => col, c.op, c.values);
    }
    case "tag":
    case "metadata": {
      const doc = f.kind === "tag" ? "t.tags" : "t.metadata";
      const path = jsonPath(f.key);
      return scalarSql(b, () => `json_extract(${doc}, ${b.p(path)})`, c.op, c.values);
    }
    case "span": {
      const col = SPAN_COLUMN[f.name];
      return `EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND ${scalarSql(b, () => col, c.op, c.values)})`;
    }
    case "spanAttribute": {
      // The path is bound once, as column k.p of a one-row subquery, and referenced from there.
      const j: JsonRef = { doc: "s.attributes", path: "k.p" };
      const from = `FROM spans s, (SELECT ${b.p(jsonPath(f.key))} AS p) k WHERE s.trace_id = t.trace_id`;
      if (c.op === "IS NULL") return `NOT EXISTS (SELECT 1 ${from} AND ${present(j)})`;
      return `EXISTS (SELECT 1 ${from} AND ${jsonCondition(b, j, c.op, c.values)})`;
    }
    case "assessment": {
      const j: JsonRef = { doc: "a.value", path: "'$'" };
      // Unary + keeps the planner on assessments_trace: probing by (name, kind) from every trace
      // row would read all assessments of that name per trace (quadratic).
      const from = `FROM assessments a WHERE a.trace_id = t.trace_id AND +a.kind = ${b.p(f.assessment)} AND +a.name = ${b.p(f.name)} AND json_valid(a.value)`;
      if (c.op === "IS NULL") return `NOT EXISTS (SELECT 1 ${from} AND ${present(j)})`;
      return `EXISTS (SELECT 1 ${from} AND ${jsonCondition(b, j, c.op, c.values)})`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Plain columns

/**
 * `x` is a function because each use of an expression that carries its own parameters
 * (json_extract(t.tags, ?)) must push them again, at the place it appears.
 */
function scalarSql(b: Builder, x: () => string, op: Operator, values: readonly Scalar[]): string {
  switch (op) {
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return `${x()} ${op} ${b.p(raw(values[0]))}`;
    case "IN":
    case "NOT IN":
      return `${x()} ${op} (${b.list(values.map(raw))})`;
    case "IS NULL":
    case "IS NOT NULL":
      return `${x()} ${op}`;
    case "LIKE":
    case "ILIKE":
    case "RLIKE":
      return matchSql(b, x(), op, str(values[0]));
  }
}

function matchSql(b: Builder, x: string, op: "LIKE" | "ILIKE" | "RLIKE", pattern: string): string {
  if (op === "LIKE") return `${x} GLOB ${b.p(likeToGlob(pattern))}`;
  if (op === "ILIKE") return `lower(${x}) LIKE lower(${b.p(likeToEscapedLike(pattern))}) ESCAPE '\\'`;
  return `${x} REGEXP ${b.p(pattern)}`;
}

/** Integer-millisecond semantics on fractional ms columns, as ranges the index can use. */
function msSql(b: Builder, col: string, op: Operator, n: number): string {
  if (!Number.isInteger(n)) return `${col} ${op} ${b.p(n)}`;
  switch (op) {
    case "=":
      return `${col} >= ${b.p(n)} AND ${col} < ${b.p(n + 1)}`;
    case "!=":
      return `(${col} < ${b.p(n)} OR ${col} >= ${b.p(n + 1)})`;
    case "<":
    case ">=":
      return `${col} ${op} ${b.p(n)}`;
    case "<=":
      return `${col} < ${b.p(n + 1)}`;
    case ">":
      return `${col} >= ${b.p(n + 1)}`;
    default:
      throw new Error(`unexpected operator ${op} on a time field`);
  }
}

/** trace.text: the trace's name and previews, or any span's name, inputs or outputs. */
function textSql(b: Builder, op: Operator, pattern: string): string {
  if (op !== "LIKE" && op !== "ILIKE") throw new Error(`unexpected operator ${op} on trace.text`);
  const m = (x: string): string => matchSql(b, x, op, pattern);
  return (
    `${m("t.name")} OR ${m("t.request_preview")} OR ${m("t.response_preview")} OR ` +
    `EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND (${m("s.name")} OR ${m("s.inputs")} OR ${m("s.outputs")}))`
  );
}

// ---------------------------------------------------------------------------------------------
// JSON values (span attributes, assessment values)

interface JsonRef {
  /** SQL for the JSON document column. */
  doc: string;
  /** SQL for the path: a literal or a column holding the bound path; never user text. */
  path: string;
}

const jt = (j: JsonRef): string => `json_type(${j.doc}, ${j.path})`;
const jx = (j: JsonRef): string => `json_extract(${j.doc}, ${j.path})`;

/** The value exists and is not JSON null. */
function present(j: JsonRef): string {
  return `coalesce(${jt(j)}, 'null') != 'null'`;
}

/**
 * Numeric view, as MLflow's aggregation casts values: numbers as is, true/false → 1/0,
 * "yes"/"true" → 1, "no"/"false" → 0, numeric strings ("0.8") → their number; else NULL.
 */
function numericView(j: JsonRef): string {
  const x = jx(j);
  return (
    `(CASE ${jt(j)} WHEN 'integer' THEN ${x} WHEN 'real' THEN ${x} WHEN 'true' THEN 1 WHEN 'false' THEN 0 ` +
    `WHEN 'text' THEN (CASE WHEN json_valid(${x}) AND json_type(${x}) IN ('integer', 'real') THEN json_extract(${x}, '$') ` +
    `WHEN lower(${x}) IN ('yes', 'true') THEN 1 WHEN lower(${x}) IN ('no', 'false') THEN 0 END) END)`
  );
}

/** Text view for LIKE/ILIKE/RLIKE: strings as is, numbers as written, true/false, arrays/objects as JSON. */
function textView(j: JsonRef): string {
  return `(CASE ${jt(j)} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(${jx(j)} AS TEXT) END)`;
}

/**
 * Equality on a JSON value:
 * - 'text': the JSON string equals it; or, if the text is a number, a JSON number equal to it;
 *   or, if it is 'true'/'false', that JSON boolean.
 * - number: the numeric view equals it (so `= 1` matches 1, 1.0, true, "yes", "1").
 * - TRUE/FALSE: that JSON boolean, or the string "true"/"yes" ("false"/"no"), any case.
 */
function jsonEquals(b: Builder, j: JsonRef, v: Scalar): string {
  if (v.type === "number") return `${numericView(j)} = ${b.p(v.value)}`;
  if (v.type === "boolean") {
    const words = v.value ? ["true", "yes"] : ["false", "no"];
    return `(${jt(j)} = ${b.p(v.value ? "true" : "false")} OR (${jt(j)} = 'text' AND lower(${jx(j)}) IN (${b.list(words)})))`;
  }
  const parts = [`(${jt(j)} = 'text' AND ${jx(j)} = ${b.p(v.value)})`];
  const asNumber = v.value.trim() === "" ? NaN : Number(v.value);
  if (Number.isFinite(asNumber)) parts.push(`(${jt(j)} IN ('integer', 'real') AND ${jx(j)} = ${b.p(asNumber)})`);
  const lower = v.value.toLowerCase();
  if (lower === "true" || lower === "false") parts.push(`${jt(j)} = ${b.p(lower)}`);
  return `(${parts.join(" OR ")})`;
}

function jsonCondition(b: Builder, j: JsonRef, op: Operator, values: readonly Scalar[]): string {
  switch (op) {
    case "=":
      return jsonEquals(b, j, first(values));
    case "!=":
      return `${present(j)} AND NOT coalesce(${jsonEquals(b, j, first(values))}, 0)`;
    case "IN":
      return `(${values.map((v) => jsonEquals(b, j, v)).join(" OR ")})`;
    case "NOT IN":
      return `${present(j)} AND NOT coalesce((${values.map((v) => jsonEquals(b, j, v)).join(" OR ")}), 0)`;
    case "<":
    case "<=":
    case ">":
    case ">=":
      return `${numericView(j)} ${op} ${b.p(num(values[0]))}`;
    case "LIKE":
    case "ILIKE":
    case "RLIKE":
      return matchSql(b, textView(j), op, str(values[0]));
    case "IS NOT NULL":
      return present(j);
    case "IS NULL":
      throw new Error("IS NULL on a JSON field is compiled as NOT EXISTS by the caller");
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** A JSON path selecting one object key, whatever its characters: `$."the key"` with JSON escaping. */
export function jsonPath(key: string): string {
  return `$.${JSON.stringify(key)}`;
}

/** MLflow LIKE pattern → GLOB pattern (case-sensitive). `%`→`*`, `_`→`?`, `\x` → literal x. */
export function likeToGlob(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) {
      c = pattern[++i] as string;
      out += globLiteral(c);
    } else if (c === "%") out += "*";
    else if (c === "_") out += "?";
    else out += globLiteral(c);
  }
  return out;
}

function globLiteral(c: string): string {
  return c === "*" || c === "?" || c === "[" ? `[${c}]` : c;
}

/** MLflow LIKE pattern → a LIKE pattern for `ESCAPE '\'`, with a trailing lone backslash made literal. */
export function likeToEscapedLike(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      if (i + 1 < pattern.length) {
        const next = pattern[++i] as string;
        out += next === "%" || next === "_" || next === "\\" ? `\\${next}` : next;
      } else out += "\\\\";
    } else out += c;
  }
  return out;
}

function first(values: readonly Scalar[]): Scalar {
  const v = values[0];
  if (!v) throw new Error("comparison without a value");
  return v;
}

function raw(v: Scalar | undefined): string | number {
  if (!v) throw new Error("comparison without a value");
  return v.type === "boolean" ? (v.value ? "true" : "false") : v.value;
}

function str(v: Scalar | undefined): string {
  if (!v || v.type !== "string") throw new Error("expected a string value");
  return v.value;
}

function num(v: Scalar | undefined): number {
  if (!v || v.type !== "number") throw new Error("expected a number value");
  return v.value;
}
