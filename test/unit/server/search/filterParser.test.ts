import assert from "node:assert/strict";
import { test } from "node:test";
import { FilterSyntaxError, excerptOf } from "../../../../server/search/filterErrors";
import { tokenize } from "../../../../server/search/filterLexer";
import { parseFilter, type Comparison, type Field, type Operator, type Scalar } from "../../../../server/search/filterParser";

function one(filter: string): Comparison {
  const ast = parseFilter(filter);
  assert.equal(ast.comparisons.length, 1, `one comparison in ${filter}`);
  return ast.comparisons[0] as Comparison;
}

function fieldOf(filter: string): Field {
  return one(filter).field;
}

function syntaxError(filter: string): FilterSyntaxError {
  try {
    parseFilter(filter);
  } catch (e) {
    if (FilterSyntaxError.is(e)) return e;
    throw e;
  }
  assert.fail(`expected a FilterSyntaxError for: ${filter}`);
}

const s = (value: string): Scalar => ({ type: "string", value });
const n = (value: number): Scalar => ({ type: "number", value });

// ---------------------------------------------------------------------------------------------
// Lexer

test("lexer: words, dots, backticks, strings, numbers, operators, punctuation, with 1-based columns", () => {
  const toks = tokenize("tag.`a.b` != 'x' AND n >= -1.5e3 IN ('a',\"b\")");
  assert.deepEqual(
    toks.map((t) => [t.type, t.value, t.column]),
    [
      ["word", "tag", 1],
      ["dot", ".", 4],
      ["backtick", "a.b", 5],
      ["op", "!=", 11],
      ["string", "x", 14],
      ["word", "AND", 18],
      ["word", "n", 22],
      ["op", ">=", 24],
      ["number", "-1.5e3", 27],
      ["word", "IN", 34],
      ["lparen", "(", 37],
      ["string", "a", 38],
      ["comma", ",", 41],
      ["string", "b", 42],
      ["rparen", ")", 45],
      ["eof", "", 46],
    ],
  );
});

test("lexer: <> and == are read as != and =", () => {
  assert.deepEqual(
    tokenize("a <> 1 AND b == 2").filter((t) => t.type === "op").map((t) => t.value),
    ["!=", "="],
  );
});

test("lexer: string escapes — doubled quotes, backslash-quote, double backslash; other backslashes kept", () => {
  const vals = (src: string): string[] => tokenize(src).filter((t) => t.type === "string").map((t) => t.value);
  assert.deepEqual(vals(`'it''s'`), ["it's"]);
  assert.deepEqual(vals(`'it\\'s'`), ["it's"]);
  assert.deepEqual(vals(`"say ""hi"""`), ['say "hi"']);
  assert.deepEqual(vals(`"say \\"hi\\""`), ['say "hi"']);
  assert.deepEqual(vals(`'a\\\\b'`), ["a\\b"]);
  assert.deepEqual(vals(`'^\\d+\\.x$'`), ["^\\d+\\.x$"]);
  assert.deepEqual(vals(`'100\\%'`), ["100\\%"]);
  assert.deepEqual(vals(`"it's"`), ["it's"]);
  assert.deepEqual(vals(`'say "hi"'`), ['say "hi"']);
  assert.deepEqual(vals(`''`), [""]);
});

test("lexer: backtick keys allow any character, with `` for a literal backtick", () => {
  const t = tokenize("tag.`we``ird key.with 'quotes'`").find((x) => x.type === "backtick");
  assert.equal(t?.value, "we`ird key.with 'quotes'");
});

// ---------------------------------------------------------------------------------------------
// Fields and legacy spellings

test("empty and blank filters match everything", () => {
  assert.deepEqual(parseFilter(""), { comparisons: [] });
  assert.deepEqual(parseFilter("   \n\t "), { comparisons: [] });
});

test("trace.status and its legacy spellings", () => {
  for (const f of ["trace.status", "attributes.status", "status", "trace.state", "TRACE.STATUS"]) {
    const c = one(`${f} = 'ERROR'`);
    assert.deepEqual(c.field, { kind: "trace", name: "status" }, f);
    assert.deepEqual(c.values, [s("ERROR")]);
  }
  assert.deepEqual(one("trace.status != 'IN_PROGRESS'").op, "!=");
  assert.deepEqual(one("trace.status = 'ok'").values, [s("OK")], "status values are case-insensitive");
  assert.deepEqual(one("trace.status IN ('OK', 'ERROR')").values, [s("OK"), s("ERROR")]);
  assert.deepEqual(one("trace.status NOT IN ('OK')").op, "NOT IN");
});

test("timestamps, durations and end time, with legacy spellings", () => {
  for (const f of ["trace.timestamp_ms", "attributes.timestamp_ms", "timestamp_ms", "timestamp", "trace.timestamp"]) {
    assert.deepEqual(fieldOf(`${f} > 1749006880539`), { kind: "trace", name: "timestamp_ms" }, f);
  }
  for (const f of ["trace.execution_time_ms", "attributes.execution_time_ms", "execution_time_ms", "trace.duration_ms"]) {
    assert.deepEqual(fieldOf(`${f} > 5000`), { kind: "trace", name: "execution_time_ms" }, f);
  }
  assert.deepEqual(fieldOf("trace.end_time_ms <= 10"), { kind: "trace", name: "end_time_ms" });
  for (const op of ["=", "!=", "<", "<=", ">", ">="] as const) {
    const c = one(`trace.timestamp_ms ${op} 100`);
    assert.equal(c.op, op);
    assert.deepEqual(c.values, [n(100)]);
  }
  assert.deepEqual(one("trace.execution_time_ms > '5000'").values, [n(5000)], "numeric strings are accepted");
});

test("trace name and its spellings, including tag.mlflow.traceName", () => {
  for (const f of ["trace.name", "attributes.name", "name", "tag.mlflow.traceName", "tags.`mlflow.traceName`", "tag.\"mlflow.traceName\""]) {
    assert.deepEqual(fieldOf(`${f} = 'x'`), { kind: "trace", name: "name" }, f);
  }
  for (const op of ["=", "!=", "LIKE", "ILIKE", "RLIKE"] as const) assert.equal(one(`trace.name ${op} 'x'`).op, op);
  assert.equal(one("trace.name like 'x%'").op, "LIKE", "operators are case-insensitive");
  assert.deepEqual(one("trace.name IN ('a', 'b')").values, [s("a"), s("b")]);
});

test("trace ids: request_id / trace_id, tr- prefix stripped", () => {
  assert.deepEqual(one("trace.request_id = 'tr-ABC123'"), {
    field: { kind: "trace", name: "trace_id" },
    op: "=",
    values: [s("abc123")],
    column: 1,
  });
  assert.deepEqual(fieldOf("trace.trace_id = 'abc'"), { kind: "trace", name: "trace_id" });
  assert.deepEqual(one("trace.trace_id IN ('tr-a', 'b')").values, [s("a"), s("b")]);
  assert.deepEqual(one("trace.request_id LIKE 'tr-ab%'").values, [s("ab%")]);
});

test("session and user: columns, and the MLflow metadata keys that mean them", () => {
  for (const f of ["trace.session_id", "metadata.mlflow.trace.session", "metadata.`mlflow.trace.session`", "request_metadata.`mlflow.trace.session`"]) {
    assert.deepEqual(fieldOf(`${f} = 's1'`), { kind: "trace", name: "session_id" }, f);
  }
  for (const f of ["trace.user_id", "metadata.mlflow.trace.user", "metadata.`mlflow.trace.user`"]) {
    assert.deepEqual(fieldOf(`${f} = 'u1'`), { kind: "trace", name: "user_id" }, f);
  }
  assert.equal(one("trace.session_id IS NULL").op, "IS NULL");
  assert.equal(one("trace.user_id is not null").op, "IS NOT NULL");
  assert.deepEqual(one("trace.user_id IS NULL").values, []);
});

test("numeric extras: tokens, cost, span and error counts", () => {
  const cases: Array<[string, string]> = [
    ["trace.tokens", "total_tokens"],
    ["trace.total_tokens", "total_tokens"],
    ["trace.input_tokens", "input_tokens"],
    ["trace.output_tokens", "output_tokens"],
    ["trace.cost", "cost"],
    ["trace.cost_usd", "cost"],
    ["trace.span_count", "span_count"],
    ["trace.error_count", "error_count"],
  ];
  for (const [f, name] of cases) assert.deepEqual(fieldOf(`${f} >= 1`), { kind: "trace", name }, f);
  assert.deepEqual(one("trace.cost < 0.01").values, [n(0.01)]);
  assert.equal(one("trace.cost IS NULL").op, "IS NULL");
});

test("other trace fields: service name, previews, text, run_id, trace.tag./trace.metadata.", () => {
  assert.deepEqual(fieldOf("trace.service_name = 'svc'"), { kind: "trace", name: "service_name" });
  assert.deepEqual(fieldOf("trace.request_preview LIKE '%a%'"), { kind: "trace", name: "request_preview" });
  assert.deepEqual(fieldOf("trace.response_preview ILIKE '%a%'"), { kind: "trace", name: "response_preview" });
  assert.deepEqual(one("trace.text ILIKE '%foo%'"), {
    field: { kind: "trace", name: "text" },
    op: "ILIKE",
    values: [s("%foo%")],
    column: 1,
  });
  assert.deepEqual(fieldOf("trace.run_id = 'r1'"), { kind: "metadata", key: "mlflow.sourceRun" });
  assert.deepEqual(fieldOf("trace.tag.env = 'x'"), { kind: "tag", key: "env" });
  assert.deepEqual(fieldOf("trace.metadata.`a.b` = 'x'"), { kind: "metadata", key: "a.b" });
});

test("tags and metadata: both spellings, backticked and dotted keys", () => {
  assert.deepEqual(fieldOf("tag.env = 'prod'"), { kind: "tag", key: "env" });
  assert.deepEqual(fieldOf("tags.environment = 'production'"), { kind: "tag", key: "environment" });
  assert.deepEqual(fieldOf("tags.`mlflow.user` = 'a'"), { kind: "tag", key: "mlflow.user" });
  assert.deepEqual(fieldOf("tag.a.b.c = 'x'"), { kind: "tag", key: "a.b.c" });
  assert.deepEqual(fieldOf("tag.`my-key with spaces` = 'x'"), { kind: "tag", key: "my-key with spaces" });
  assert.deepEqual(fieldOf("tag.v1.2 = 'x'"), { kind: "tag", key: "v1.2" });
  assert.deepEqual(fieldOf("metadata.`mlflow.user` = 'a'"), { kind: "metadata", key: "mlflow.user" });
  assert.deepEqual(fieldOf("request_metadata.`mlflow.source.name` = 'a'"), { kind: "metadata", key: "mlflow.source.name" });
  assert.deepEqual(fieldOf("metadata.\"double quoted\" = 'a'"), { kind: "metadata", key: "double quoted" });
  for (const op of ["=", "!=", "LIKE", "ILIKE", "RLIKE"] as const) assert.equal(one(`tag.env ${op} 'x'`).op, op);
  assert.equal(one("metadata.x IS NULL").op, "IS NULL");
  assert.equal(one("metadata.x IS NOT NULL").op, "IS NOT NULL");
  assert.deepEqual(one("tag.version = 2").values, [s("2")], "numbers compare as their text on string fields");
  assert.deepEqual(one("tag.env NOT IN ('a', 'b')").values, [s("a"), s("b")]);
});

test("span fields and span attributes", () => {
  assert.deepEqual(fieldOf("span.name = 'x'"), { kind: "span", name: "name" });
  assert.deepEqual(fieldOf("span.type = 'LLM'"), { kind: "span", name: "type" });
  assert.deepEqual(fieldOf("span.span_type = 'LLM'"), { kind: "span", name: "type" });
  assert.deepEqual(fieldOf("span.model LIKE 'gpt%'"), { kind: "span", name: "model" });
  assert.deepEqual(fieldOf("span.provider = 'openai'"), { kind: "span", name: "provider" });
  assert.deepEqual(one("span.status = 'error'").values, [s("ERROR")]);
  assert.deepEqual(one("span.status != 'UNSET'").values, [s("UNSET")]);
  assert.deepEqual(fieldOf("span.attributes.`llm.model_name` LIKE '%gpt%'"), { kind: "spanAttribute", key: "llm.model_name" });
  assert.deepEqual(fieldOf("span.attributes.llm.model_name LIKE '%gpt%'"), { kind: "spanAttribute", key: "llm.model_name" });
  const ops: Operator[] = ["=", "!=", "LIKE", "ILIKE", "RLIKE"];
  for (const op of ops) assert.equal(one(`span.attributes.k ${op} 'x'`).op, op);
  assert.deepEqual(one("span.attributes.count > 3").values, [n(3)]);
  assert.deepEqual(one("span.attributes.flag = true").values, [{ type: "boolean", value: true }]);
  assert.equal(one("span.attributes.k IS NOT NULL").op, "IS NOT NULL");
});

test("feedback and expectation: names, values of every type", () => {
  assert.deepEqual(one("feedback.relevance = 'yes'"), {
    field: { kind: "assessment", assessment: "feedback", name: "relevance" },
    op: "=",
    values: [s("yes")],
    column: 1,
  });
  assert.deepEqual(fieldOf("expectation.expected_answer = 'x'"), { kind: "assessment", assessment: "expectation", name: "expected_answer" });
  assert.deepEqual(fieldOf("feedback.`my judge/v2` = 'x'"), { kind: "assessment", assessment: "feedback", name: "my judge/v2" });
  assert.deepEqual(one("feedback.score = 1").values, [n(1)]);
  assert.deepEqual(one("feedback.ok = TRUE").values, [{ type: "boolean", value: true }]);
  assert.deepEqual(one("feedback.ok = false").values, [{ type: "boolean", value: false }]);
  assert.deepEqual(one("feedback.score >= '0.5'").values, [n(0.5)]);
  assert.equal(one("feedback.score IS NULL").op, "IS NULL");
  assert.deepEqual(one("feedback.r IN ('yes', 1, true)").values, [s("yes"), n(1), { type: "boolean", value: true }]);
});

test("AND is case-insensitive and joins any number of comparisons; columns point at each key", () => {
  const ast = parseFilter("trace.status = 'OK' and tag.env = 'p' AnD span.type = 'LLM' AND feedback.x = 1");
  assert.deepEqual(
    ast.comparisons.map((c) => [c.field.kind, c.column]),
    [
      ["trace", 1],
      ["tag", 25],
      ["span", 43],
      ["assessment", 65],
    ],
  );
});

test("whitespace is free: newlines and no spaces around operators", () => {
  const ast = parseFilter("trace.status='OK'\nAND\ttrace.execution_time_ms>=10");
  assert.equal(ast.comparisons.length, 2);
  assert.deepEqual(ast.comparisons[1]?.values, [n(10)]);
});

// ---------------------------------------------------------------------------------------------
// Errors

test("error: missing value reports the column after the operator, with a caret excerpt", () => {
  const e = syntaxError("trace.status = 'OK' AND name =");
  assert.equal(e.column, 31);
  assert.equal(e.message, "invalid filter at column 31: expected a value after '=' but found end of input");
  assert.equal(e.detail, "expected a value after '=' but found end of input");
  assert.equal(e.reason, "invalid-filter");
  assert.equal(e.excerpt, "trace.status = 'OK' AND name =\n                              ^");
  assert.deepEqual(e.toFilterError(), { message: e.message, column: 31, excerpt: e.excerpt });
  assert.ok(e instanceof Error);
});

test("error: the example from the brief — column 17", () => {
  const e = syntaxError("span.attributes.x =");
  assert.equal(e.message, "invalid filter at column 20: expected a value after '=' but found end of input");
  const e2 = syntaxError("trace.status != ");
  assert.equal(e2.message, "invalid filter at column 17: expected a value after '!=' but found end of input");
  assert.equal(e2.excerpt, "trace.status != \n                ^");
});

test("error: trailing garbage", () => {
  const e = syntaxError("trace.status = 'OK' extra");
  assert.equal(e.column, 21);
  assert.match(e.message, /expected AND or end of input but found 'extra'/);
  assert.match(syntaxError("trace.status = 'OK' )").message, /column 21: expected AND or end of input but found '\)'/);
});

test("error: dangling AND", () => {
  const e = syntaxError("trace.status = 'OK' AND ");
  assert.equal(e.column, 25);
  assert.match(e.message, /expected a field name after AND but found end of input/);
});

test("error: unknown field lists the valid prefixes", () => {
  const e = syntaxError("trace.status = 'OK' AND foo.bar = 'x'");
  assert.equal(e.column, 25);
  assert.match(e.message, /unknown field 'foo.bar'; fields start with trace\., span\., tag\., metadata\., feedback\., expectation\./);
  assert.match(syntaxError("bogus = 1").message, /column 1: unknown field 'bogus'/);
  const t = syntaxError("trace.nope = 1");
  assert.match(t.message, /unknown trace field 'trace.nope'; trace fields are trace.status, trace.timestamp_ms/);
  assert.match(syntaxError("span.nope = 1").message, /unknown span field 'span.nope'; span fields are span.name, span.type/);
  assert.match(syntaxError("tag = 'x'").message, /unknown field 'tag'/);
  assert.match(syntaxError("tag. = 'x'").message, /column 6: expected a key after 'tag.' but found '='/);
  assert.match(syntaxError("assessment.x = 1").message, /use feedback.<name> or expectation.<name>/);
  assert.match(syntaxError("span.attributes = 'x'").message, /expected an attribute key after 'span.attributes.'/);
});

test("error: OR, || and parentheses", () => {
  const e = syntaxError("trace.status = 'OK' or trace.name = 'x'");
  assert.equal(e.column, 21);
  assert.equal(e.message, "invalid filter at column 21: OR is not supported (MLflow filters are AND-only)");
  assert.match(syntaxError("trace.status = 'OK' || trace.name = 'x'").message, /column 21: OR is not supported/);
  assert.match(syntaxError("(trace.status = 'OK')").message, /column 1: parentheses are not supported/);
});

test("error: an operator not allowed for the field lists the allowed ones", () => {
  const e = syntaxError("trace.status LIKE 'O%'");
  assert.equal(e.column, 14);
  assert.equal(e.message, "invalid filter at column 14: operator LIKE is not allowed for trace.status; use one of: =, !=, IN, NOT IN");
  assert.match(syntaxError("trace.timestamp_ms LIKE '1%'").message, /operator LIKE is not allowed for trace.timestamp_ms; use one of: =, !=, <, <=, >, >=/);
  assert.match(syntaxError("trace.name > 'a'").message, /operator > is not allowed for trace.name; use one of: =, !=, LIKE, ILIKE, RLIKE, IN, NOT IN/);
  assert.match(syntaxError("trace.text = 'a'").message, /operator = is not allowed for trace.text; use one of: LIKE, ILIKE/);
  assert.match(syntaxError("span.status LIKE 'a'").message, /operator LIKE is not allowed for span.status/);
  assert.match(syntaxError("trace.name IS NULL").message, /operator IS NULL is not allowed for trace.name/);
});

test("error: missing operator, NOT LIKE, IS without NULL", () => {
  assert.match(syntaxError("trace.status 'OK'").message, /column 14: expected an operator after trace.status \(one of: =, !=, IN, NOT IN\) but found ''OK''/);
  assert.match(syntaxError("trace.name").message, /column 11: expected an operator after trace.name .* but found end of input/);
  assert.match(syntaxError("trace.name NOT LIKE 'a'").message, /NOT LIKE is not supported/);
  assert.match(syntaxError("tag.a IS 'x'").message, /expected NULL or NOT NULL after IS but found ''x''/);
  assert.match(syntaxError("tag.a IS NOT 'x'").message, /expected NULL after IS NOT/);
  assert.match(syntaxError("tag.a = NULL").message, /use IS NULL or IS NOT NULL to compare tag.a with NULL/);
});

test("error: unterminated strings and backticks point at the opening quote", () => {
  const e = syntaxError("trace.name = 'abc AND x = 1");
  assert.equal(e.column, 14);
  assert.match(e.message, /unterminated string/);
  assert.equal(syntaxError('trace.name = "abc').column, 14);
  assert.equal(syntaxError("trace.name = 'it''s").column, 14);
  const b = syntaxError("tag.`abc = 'x'");
  assert.equal(b.column, 5);
  assert.match(b.message, /unterminated quoted key/);
});

test("error: invalid regex for RLIKE is caught at parse time, at the pattern", () => {
  const e = syntaxError("span.name RLIKE '(unclosed'");
  assert.equal(e.column, 17);
  assert.match(e.message, /^invalid filter at column 17: invalid regular expression for RLIKE: Unterminated group$/);
  assert.match(syntaxError("trace.name RLIKE '[a-'").message, /invalid regular expression/);
  // valid ones pass, including a leading (?i)
  assert.equal(one("trace.name RLIKE '(?i)^chat'").op, "RLIKE");
});

test("error: bad values — unquoted words, wrong types, unknown statuses, bad lists", () => {
  assert.match(syntaxError("trace.status = OK").message, /column 16: expected a value after '=' but found 'OK' \(quote text values: 'OK'\)/);
  assert.match(syntaxError("trace.status = 'DONE'").message, /trace.status must be one of 'OK', 'ERROR', 'IN_PROGRESS' but found 'DONE'/);
  assert.match(syntaxError("span.status = 'BAD'").message, /span.status must be one of 'OK', 'ERROR', 'UNSET'/);
  assert.match(syntaxError("trace.execution_time_ms > 'slow'").message, /trace.execution_time_ms needs a number but found 'slow'/);
  assert.match(syntaxError("trace.name = true").message, /trace.name needs a quoted string/);
  assert.match(syntaxError("trace.name LIKE 5").message, /LIKE needs a quoted pattern/);
  assert.match(syntaxError("feedback.score > 'high'").message, /> on feedback.score needs a number/);
  assert.match(syntaxError("trace.name IN ()").message, /IN needs at least one value/);
  assert.match(syntaxError("trace.name IN 'a'").message, /expected '\(' after IN/);
  assert.match(syntaxError("trace.name IN ('a' 'b')").message, /expected ',' or '\)' in the IN list but found ''b''/);
  assert.match(syntaxError("trace.name IN ('a',)").message, /expected a value after ',' in the IN list but found '\)'/);
  assert.match(syntaxError("trace.tokens > 12abc").message, /'12abc' is not a valid number/);
  assert.match(syntaxError("trace.name = 'a' & x").message, /unexpected character '&'/);
});

test("error: unsupported fields say so", () => {
  assert.match(syntaxError("prompt = 'qa/1'").message, /column 1: prompt filters are not supported/);
  assert.match(syntaxError("trace.client_request_id = 'x'").message, /not supported/);
});

test("error excerpts are windowed for long inputs and flatten newlines", () => {
  const long = `trace.name = '${"x".repeat(200)}' AND oops`;
  const e = syntaxError(long);
  const [line, caret] = e.excerpt.split("\n") as [string, string];
  assert.ok(line.length <= 82);
  assert.equal(line[caret.length - 1], "o", "the caret sits under the offending token");
  assert.equal(excerptOf("a\nb", 3), "a b\n  ^");
});

test("error: limits on comparisons and IN lists keep the SQL within SQLite's limits", () => {
  const many = Array.from({ length: 31 }, (_, i) => `tag.k${i} = 'v'`).join(" AND ");
  const e = syntaxError(many);
  assert.match(e.message, /too many comparisons \(the limit is 30\)/);
  assert.equal(e.column, many.lastIndexOf("tag.k30") + 1);
  assert.equal(parseFilter(Array.from({ length: 30 }, () => "trace.name = 'x'").join(" AND ")).comparisons.length, 30);
  const list = Array.from({ length: 501 }, (_, i) => `'v${i}'`).join(", ");
  assert.match(syntaxError(`trace.name IN (${list})`).message, /too many values in the IN list \(the limit is 500\)/);
});
