/**
 * MLflow `filter_string` → an AST of AND-ed comparisons. The grammar (see FILTERS.md here):
 *
 *   filter     := ε | comparison (AND comparison)*          AND is case-insensitive; OR is refused
 *   comparison := key ( cmp value | [NOT] IN '(' value (',' value)* ')'
 *                     | LIKE string | ILIKE string | RLIKE string | IS [NOT] NULL )
 *   key        := word ('.' (word | `backticked` | "quoted"))*
 *   cmp        := = | != | <> | < | <= | > | >=
 *   value      := 'string' | "string" | number | TRUE | FALSE
 *
 * Fields are resolved (legacy spellings included) and values checked here, so a comparison that
 * parses always compiles; every error is a FilterSyntaxError pointing at a column.
 */
import { FilterSyntaxError } from "./filterErrors";
import { tokenize, type Token } from "./filterLexer";
import { compileRegex } from "./searchFunctions";
import { bareTraceId } from "../../protocol/format";

export type Operator =
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "LIKE"
  | "ILIKE"
  | "RLIKE"
  | "IN"
  | "NOT IN"
  | "IS NULL"
  | "IS NOT NULL";

/** Trace-level fields (the `traces` rollup row), under `trace.` / `attributes.` or bare. */
export type TraceFieldName =
  | "status"
  | "timestamp_ms"
  | "execution_time_ms"
  | "end_time_ms"
  | "name"
  | "trace_id"
  | "session_id"
  | "user_id"
  | "service_name"
  | "request_preview"
  | "response_preview"
  | "total_tokens"
  | "input_tokens"
  | "output_tokens"
  | "cost"
  | "span_count"
  | "error_count"
  | "text";

export type SpanFieldName = "name" | "type" | "status" | "model" | "provider";

export type Field =
  | { kind: "trace"; name: TraceFieldName }
  | { kind: "tag"; key: string }
  | { kind: "metadata"; key: string }
  | { kind: "span"; name: SpanFieldName }
  | { kind: "spanAttribute"; key: string }
  | { kind: "assessment"; assessment: "feedback" | "expectation"; name: string };

export type Scalar =
  | { type: "string"; value: string }
  | { type: "number"; value: number }
  | { type: "boolean"; value: boolean };

export interface Comparison {
  field: Field;
  op: Operator;
  /** One value for =, <, LIKE…; one or more for IN / NOT IN; none for IS [NOT] NULL. */
  values: Scalar[];
  /** 1-based column of the key. */
  column: number;
}

export interface FilterAst {
  /** All must hold (AND). Empty: every trace matches. */
  comparisons: Comparison[];
}

// ---------------------------------------------------------------------------------------------
// Field table

type ValueKind = "state" | "spanStatus" | "number" | "ms" | "string" | "traceId" | "json" | "pattern";

interface FieldSpec {
  ops: readonly Operator[];
  value: ValueKind;
}

const EQ: readonly Operator[] = ["=", "!="];
const SET: readonly Operator[] = ["IN", "NOT IN"];
const CMP: readonly Operator[] = ["=", "!=", "<", "<=", ">", ">="];
const MATCH: readonly Operator[] = ["LIKE", "ILIKE", "RLIKE"];
const NULLS: readonly Operator[] = ["IS NULL", "IS NOT NULL"];
const STR: readonly Operator[] = [...EQ, ...MATCH, ...SET];

const TRACE_FIELDS: Readonly<Record<TraceFieldName, FieldSpec>> = {
  status: { ops: [...EQ, ...SET], value: "state" },
  timestamp_ms: { ops: CMP, value: "ms" },
  execution_time_ms: { ops: CMP, value: "ms" },
  end_time_ms: { ops: CMP, value: "ms" },
  name: { ops: STR, value: "string" },
  trace_id: { ops: STR, value: "traceId" },
  session_id: { ops: [...STR, ...NULLS], value: "string" },
  user_id: { ops: [...STR, ...NULLS], value: "string" },
  service_name: { ops: [...STR, ...NULLS], value: "string" },
  request_preview: { ops: STR, value: "string" },
  response_preview: { ops: STR, value: "string" },
  total_tokens: { ops: CMP, value: "number" },
  input_tokens: { ops: CMP, value: "number" },
  output_tokens: { ops: CMP, value: "number" },
  cost: { ops: [...CMP, ...NULLS], value: "number" },
  span_count: { ops: CMP, value: "number" },
  error_count: { ops: CMP, value: "number" },
  text: { ops: ["LIKE", "ILIKE"], value: "pattern" },
};

/** Every spelling of a trace field (after `trace.` / `attributes.`, or bare). */
const TRACE_ALIASES: Readonly<Record<string, TraceFieldName>> = {
  status: "status",
  state: "status",
  timestamp_ms: "timestamp_ms",
  timestamp: "timestamp_ms",
  execution_time_ms: "execution_time_ms",
  duration_ms: "execution_time_ms",
  end_time_ms: "end_time_ms",
  name: "name",
  trace_id: "trace_id",
  request_id: "trace_id",
  session_id: "session_id",
  user_id: "user_id",
  service_name: "service_name",
  request_preview: "request_preview",
  response_preview: "response_preview",
  tokens: "total_tokens",
  total_tokens: "total_tokens",
  input_tokens: "input_tokens",
  output_tokens: "output_tokens",
  cost: "cost",
  cost_usd: "cost",
  span_count: "span_count",
  error_count: "error_count",
  text: "text",
};

const SPAN_FIELDS: Readonly<Record<SpanFieldName, FieldSpec>> = {
  name: { ops: STR, value: "string" },
  type: { ops: STR, value: "string" },
  status: { ops: [...EQ, ...SET], value: "spanStatus" },
  model: { ops: STR, value: "string" },
  provider: { ops: STR, value: "string" },
};
const SPAN_ALIASES: Readonly<Record<string, SpanFieldName>> = {
  name: "name",
  type: "type",
  span_type: "type",
  status: "status",
  model: "model",
  provider: "provider",
};

const KV_SPEC: FieldSpec = { ops: [...STR, ...NULLS], value: "string" };
const JSON_SPEC: FieldSpec = { ops: [...CMP, ...MATCH, ...SET, ...NULLS], value: "json" };

const TRACE_STATES = ["OK", "ERROR", "IN_PROGRESS"] as const;
const SPAN_STATUSES = ["OK", "ERROR", "UNSET"] as const;

/** Metadata/tag keys that are really trace columns. */
const TAG_TO_TRACE: Readonly<Record<string, TraceFieldName>> = { "mlflow.traceName": "name" };
const METADATA_TO_TRACE: Readonly<Record<string, TraceFieldName>> = {
  "mlflow.trace.session": "session_id",
  "mlflow.trace.user": "user_id",
};
/** MLflow keeps a trace's run id in this metadata key. */
const RUN_ID_METADATA_KEY = "mlflow.sourceRun";

const VALID_PREFIXES =
  "trace., span., tag., metadata., feedback., expectation. (also attributes., tags., request_metadata., " +
  "and bare status, timestamp_ms, execution_time_ms, name)";

export function specOf(field: Field): FieldSpec {
  switch (field.kind) {
    case "trace":
      return TRACE_FIELDS[field.name];
    case "span":
      return SPAN_FIELDS[field.name];
    case "tag":
    case "metadata":
      return KV_SPEC;
    case "spanAttribute":
    case "assessment":
      return JSON_SPEC;
  }
}

function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(key) ? key : `\`${key.replace(/`/g, "``")}\``;
}

/** The canonical spelling of a field, for messages. */
export function fieldLabel(field: Field): string {
  switch (field.kind) {
    case "trace":
      return `trace.${field.name}`;
    case "span":
      return `span.${field.name}`;
    case "tag":
      return `tag.${quoteKey(field.key)}`;
    case "metadata":
      return `metadata.${quoteKey(field.key)}`;
    case "spanAttribute":
      return `span.attributes.${quoteKey(field.key)}`;
    case "assessment":
      return `${field.assessment}.${quoteKey(field.name)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

/**
 * Keeps the compiled SQL within SQLite's limits: past ~60 correlated subqueries (span, text and
 * assessment comparisons each add one or two) SQLite's 64-bit cursor masks overflow and plans
 * degrade from milliseconds to seconds; long IN lists stay well under the bound-parameter limit.
 */
export const MAX_COMPARISONS = 30;
export const MAX_IN_VALUES = 500;

interface Segment {
  text: string;
  column: number;
  quoted: boolean;
}

export function parseFilter(input: string): FilterAst {
  return new Parser(input).parse();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  parse(): FilterAst {
    const comparisons: Comparison[] = [];
    if (this.peek().type === "eof") return { comparisons };
    for (;;) {
      if (comparisons.length === MAX_COMPARISONS) {
        this.fail(this.peek(), `too many comparisons (the limit is ${MAX_COMPARISONS})`);
      }
      comparisons.push(this.comparison(comparisons.length === 0 ? null : "AND"));
      const t = this.peek();
      if (t.type === "eof") break;
      if (isWord(t, "AND")) {
        this.pos++;
        continue;
      }
      if (isWord(t, "OR")) this.fail(t, "OR is not supported (MLflow filters are AND-only)");
      this.fail(t, `expected AND or end of input but found ${describe(t)}`);
    }
    return { comparisons };
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== "eof") this.pos++;
    return t;
  }

  private fail(at: { column: number } | number, detail: string): never {
    throw new FilterSyntaxError(this.input, typeof at === "number" ? at : at.column, detail);
  }

  private comparison(after: string | null): Comparison {
    const first = this.peek();
    if (first.type !== "word") {
      if (first.type === "lparen") {
        this.fail(first, "parentheses are not supported (MLflow filters are a flat list of comparisons joined by AND)");
      }
      const where = after ? ` after ${after}` : "";
      this.fail(first, `expected a field name${where} but found ${describe(first)}`);
    }
    if (isWord(first, "OR")) this.fail(first, "OR is not supported (MLflow filters are AND-only)");
    const segments = this.key();
    const last = this.tokens[this.pos - 1] as Token;
    const keyText = this.input.slice(first.column - 1, last.column - 1 + last.raw.length);
    const field = this.resolve(segments, keyText);
    const spec = specOf(field);
    const label = fieldLabel(field);
    const { op, opToken } = this.operator(label, spec);
    if (!spec.ops.includes(op)) {
      this.fail(opToken, `operator ${op} is not allowed for ${label}; use one of: ${spec.ops.join(", ")}`);
    }
    const values: Scalar[] = [];
    if (op === "IN" || op === "NOT IN") {
      const open = this.next();
      if (open.type !== "lparen") this.fail(open, `expected '(' after ${op} but found ${describe(open)}`);
      if (this.peek().type === "rparen") this.fail(this.peek(), `${op} needs at least one value`);
      for (;;) {
        if (values.length === MAX_IN_VALUES) this.fail(this.peek(), `too many values in the ${op} list (the limit is ${MAX_IN_VALUES})`);
        values.push(this.value(field, spec, op, this.tokens[this.pos - 1] as Token));
        const sep = this.next();
        if (sep.type === "rparen") break;
        if (sep.type !== "comma") this.fail(sep, `expected ',' or ')' in the ${op} list but found ${describe(sep)}`);
      }
    } else if (op !== "IS NULL" && op !== "IS NOT NULL") {
      values.push(this.value(field, spec, op, opToken));
    }
    return { field, op, values, column: first.column };
  }

  private key(): Segment[] {
    const head = this.next();
    const segments: Segment[] = [{ text: head.value, column: head.column, quoted: false }];
    while (this.peek().type === "dot") {
      const dot = this.next();
      const seg = this.next();
      if (seg.type === "word" || seg.type === "number") {
        segments.push({ text: seg.raw, column: seg.column, quoted: false });
      } else if (seg.type === "backtick" || (seg.type === "string" && seg.quote === '"')) {
        segments.push({ text: seg.value, column: seg.column, quoted: true });
      } else {
        const before = this.input.slice(head.column - 1, dot.column);
        this.fail(seg, `expected a key after '${before}' but found ${describe(seg)}`);
      }
    }
    return segments;
  }

  private resolve(segs: Segment[], keyText: string): Field {
    const head = segs[0] as Segment;
    const prefix = head.text.toLowerCase();
    const rest = segs.slice(1);
    // key() guarantees a segment after every dot, so past this `if` there is at least one in `rest`
    const restKey = rest.map((s) => s.text).join(".");

    if (segs.length === 1) {
      if (prefix === "prompt" || prefix === "prompts") this.unsupportedPrompt(head);
      const name = TRACE_ALIASES[prefix];
      if (name && name !== "text") return { kind: "trace", name };
      this.fail(head, `unknown field '${keyText}'; fields start with ${VALID_PREFIXES}`);
    }

    switch (prefix) {
      case "trace":
      case "attributes":
      case "attribute": {
        const sub = (rest[0] as Segment).text.toLowerCase();
        if (sub === "tag" || sub === "tags") {
          if (rest.length < 2) this.fail(head, `expected a tag key after '${keyText}.'`);
          return this.tagField(rest.slice(1).map((s) => s.text).join("."));
        }
        if (sub === "metadata" || sub === "request_metadata") {
          if (rest.length < 2) this.fail(head, `expected a metadata key after '${keyText}.'`);
          return this.metadataField(rest.slice(1).map((s) => s.text).join("."));
        }
        if (rest.length === 1) {
          if (sub === "run_id") return { kind: "metadata", key: RUN_ID_METADATA_KEY };
          if (sub === "client_request_id") {
            this.fail(head, `${keyText} is not supported: ScoreLens does not store client request ids`);
          }
          const name = TRACE_ALIASES[sub];
          if (name) return { kind: "trace", name };
        }
        return this.fail(
          head,
          `unknown trace field '${keyText}'; trace fields are ${Object.keys(TRACE_FIELDS)
            .map((f) => `trace.${f}`)
            .join(", ")}, trace.run_id, trace.tag.<key>, trace.metadata.<key>`,
        );
      }
      case "tag":
      case "tags":
        return this.tagField(restKey);
      case "metadata":
      case "request_metadata":
        return this.metadataField(restKey);
      case "span":
      case "spans": {
        const sub = (rest[0] as Segment).text.toLowerCase();
        if (sub === "attributes" || sub === "attribute") {
          if (rest.length < 2) this.fail(head, `expected an attribute key after '${keyText}.' (e.g. span.attributes.\`llm.model_name\`)`);
          return { kind: "spanAttribute", key: rest.slice(1).map((s) => s.text).join(".") };
        }
        const name = SPAN_ALIASES[sub];
        if (name && rest.length === 1) return { kind: "span", name };
        return this.fail(
          head,
          `unknown span field '${keyText}'; span fields are span.name, span.type, span.status, span.model, span.provider, span.attributes.<key>`,
        );
      }
      case "feedback":
      case "expectation":
        return { kind: "assessment", assessment: prefix, name: restKey };
      case "assessment":
      case "assessments":
        return this.fail(head, `use feedback.<name> or expectation.<name> to filter on assessments`);
      case "prompt":
      case "prompts":
        return this.unsupportedPrompt(head);
    }
    return this.fail(head, `unknown field '${keyText}'; fields start with ${VALID_PREFIXES}`);
  }

  private unsupportedPrompt(head: Segment): never {
    this.fail(head, "prompt filters are not supported: ScoreLens does not track prompt registry versions");
  }

  private tagField(key: string): Field {
    const name = TAG_TO_TRACE[key];
    return name ? { kind: "trace", name } : { kind: "tag", key };
  }

  private metadataField(key: string): Field {
    const name = METADATA_TO_TRACE[key];
    return name ? { kind: "trace", name } : { kind: "metadata", key };
  }

  private operator(label: string, spec: FieldSpec): { op: Operator; opToken: Token } {
    const t = this.next();
    if (t.type === "op") return { op: t.value as Operator, opToken: t };
    if (t.type === "word") {
      const w = t.value.toUpperCase();
      if (w === "LIKE" || w === "ILIKE" || w === "RLIKE" || w === "IN") return { op: w, opToken: t };
      if (w === "NOT") {
        const n = this.next();
        if (isWord(n, "IN")) return { op: "NOT IN", opToken: t };
        if (isWord(n, "LIKE") || isWord(n, "ILIKE") || isWord(n, "RLIKE")) {
          this.fail(t, `NOT ${n.value.toUpperCase()} is not supported; the only negated operator is NOT IN`);
        }
        this.fail(n, `expected IN after NOT but found ${describe(n)}`);
      }
      if (w === "IS") {
        const n = this.next();
        if (isWord(n, "NULL")) return { op: "IS NULL", opToken: t };
        if (isWord(n, "NOT")) {
          const m = this.next();
          if (isWord(m, "NULL")) return { op: "IS NOT NULL", opToken: t };
          this.fail(m, `expected NULL after IS NOT but found ${describe(m)}`);
        }
        this.fail(n, `expected NULL or NOT NULL after IS but found ${describe(n)}`);
      }
    }
    return this.fail(t, `expected an operator after ${label} (one of: ${spec.ops.join(", ")}) but found ${describe(t)}`);
  }

  private value(field: Field, spec: FieldSpec, op: Operator, after: Token): Scalar {
    const t = this.next();
    const label = fieldLabel(field);
    const afterText = after.type === "lparen" || after.type === "comma" ? `'${after.raw}' in the ${op} list` : `'${after.raw}'`;
    let v: Scalar;
    if (t.type === "string") v = { type: "string", value: t.value };
    else if (t.type === "number") v = { type: "number", value: Number(t.value) };
    else if (isWord(t, "TRUE") || isWord(t, "FALSE")) v = { type: "boolean", value: t.value.toUpperCase() === "TRUE" };
    else if (isWord(t, "NULL")) return this.fail(t, `use IS NULL or IS NOT NULL to compare ${label} with NULL`);
    else if (t.type === "word") {
      return this.fail(t, `expected a value after ${afterText} but found ${describe(t)} (quote text values: '${t.value}')`);
    } else return this.fail(t, `expected a value after ${afterText} but found ${describe(t)}`);

    if (op === "LIKE" || op === "ILIKE" || op === "RLIKE") {
      if (v.type !== "string") this.fail(t, `${op} needs a quoted pattern, e.g. ${label} ${op} '%text%'`);
      if (op === "RLIKE") {
        try {
          compileRegex(v.value);
        } catch (e) {
          const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "") : String(e);
          this.fail(t, `invalid regular expression for RLIKE: ${why}`);
        }
      }
      if (spec.value === "traceId") {
        const pattern = bareTraceId(v.value);
        return { type: "string", value: op === "RLIKE" ? pattern : pattern.toLowerCase() };
      }
      return v;
    }

    const numeric = op === "<" || op === "<=" || op === ">" || op === ">=";
    switch (spec.value) {
      case "state":
      case "spanStatus": {
        const allowed: readonly string[] = spec.value === "state" ? TRACE_STATES : SPAN_STATUSES;
        const s = v.type === "string" ? v.value.toUpperCase() : null;
        if (s === null || !allowed.includes(s)) {
          this.fail(t, `${label} must be one of ${allowed.map((a) => `'${a}'`).join(", ")} but found ${t.raw}`);
        }
        return { type: "string", value: s };
      }
      case "number":
      case "ms": {
        const n = v.type === "number" ? v.value : v.type === "string" && v.value.trim() !== "" ? Number(v.value) : NaN;
        if (!Number.isFinite(n)) this.fail(t, `${label} needs a number but found ${t.raw}`);
        return { type: "number", value: n };
      }
      case "string":
      case "traceId": {
        if (v.type === "boolean") this.fail(t, `${label} needs a quoted string but found ${t.raw}`);
        const s = v.type === "number" ? t.raw : v.value;
        return { type: "string", value: spec.value === "traceId" ? bareTraceId(s).toLowerCase() : s };
      }
      case "json":
        if (numeric) {
          const n = v.type === "number" ? v.value : v.type === "string" && v.value.trim() !== "" ? Number(v.value) : NaN;
          if (!Number.isFinite(n)) this.fail(t, `${op} on ${label} needs a number but found ${t.raw}`);
          return { type: "number", value: n };
        }
        return v;
      case "pattern":
        return this.fail(t, `${label} only supports ${spec.ops.join(", ")}`);
    }
  }
}


function isWord(t: Token, w: string): boolean {
  return t.type === "word" && t.value.toUpperCase() === w;
}

function describe(t: Token): string {
  if (t.type === "eof") return "end of input";
  return `'${t.raw.length > 40 ? t.raw.slice(0, 39) + "…" : t.raw}'`;
}
