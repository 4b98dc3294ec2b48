import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { FilterSyntaxError } from "../../../../server/search/filterErrors";
import { parseFilter } from "../../../../server/search/filterParser";
import { compileFilter, filterToSql, jsonPath, likeToEscapedLike, likeToGlob } from "../../../../server/search/filterToSql";
import { compileRegex, installSearchFunctions } from "../../../../server/search/searchFunctions";
import { searchTraces } from "../../../../server/search/traceSearch";
import type { Db } from "../../../../server/store/db";
import { ID, T0, names, seededDb } from "./fixtures";

let db: Db;
before(async () => {
  db = await seededDb();
});
after(() => db.close());

/** Fixture names of the traces a filter returns, sorted (order is tested in traceSearch.test.ts). */
function find(filter: string): string[] {
  return names(searchTraces(db, { filter, limit: 100 }).map((t) => t.traceId)).sort();
}

function expectFind(cases: ReadonlyArray<readonly [string, readonly string[]]>): void {
  for (const [filter, want] of cases) assert.deepEqual(find(filter), [...want].sort(), filter);
}

test("the fixture rolls up as expected", () => {
  const all = searchTraces(db, { limit: 100 });
  assert.deepEqual(names(all.map((t) => t.traceId)), ["agent", "summarize", "partial", "retrieve", "chat"]);
  const byName = new Map(all.map((t) => [names([t.traceId])[0], t]));
  assert.equal(byName.get("partial")?.state, "IN_PROGRESS");
  assert.equal(byName.get("retrieve")?.state, "ERROR");
  assert.equal(byName.get("summarize")?.startTimeMs, T0 + 3000.5);
});

describe("compiled SQL shape", () => {
  test("every value is a bound parameter; the SQL text holds none of them", () => {
    const f = "trace.name = 'secret-name' AND tag.`secret.key` LIKE 'secret%' AND feedback.`secret judge` = 0.125";
    const { where, params } = compileFilter(f);
    assert.doesNotMatch(where, /secret|0\.125/);
    assert.deepEqual(params, ["secret-name", '$."secret.key"', "secret*", "feedback", "secret judge", 0.125]);
  });

  test("empty filter compiles to 1", () => {
    assert.deepEqual(filterToSql(parseFilter("")), { where: "1", params: [] });
  });

  test("span attribute paths are bound once and JSON-escaped", () => {
    const { where, params } = compileFilter("span.attributes.`a\"b\\c` = 'x'");
    assert.equal(params[0], '$."a\\"b\\\\c"');
    assert.equal(where.match(/\?/g)?.length, params.length);
    assert.match(where, /\(SELECT \? AS p\) k/);
  });

  test("placeholders and params always line up", () => {
    const filters = [
      "trace.text ILIKE '%x%'",
      "tag.a != 'b' AND metadata.c IN ('d', 'e') AND tag.f IS NULL",
      "feedback.x = true AND feedback.y != '1' AND feedback.z NOT IN ('true', 2, false)",
      "span.attributes.k > 3 AND span.attributes.j RLIKE 'a' AND span.attributes.l IS NULL",
      "trace.timestamp_ms = 5 AND trace.execution_time_ms != 7 AND trace.end_time_ms <= 9.5",
    ];
    for (const f of filters) {
      const { where, params } = compileFilter(f);
      assert.equal(where.match(/\?/g)?.length, params.length, f);
    }
  });
});

describe("helpers", () => {
  test("LIKE → GLOB: wildcards translate, glob metacharacters and \\-escapes become literals", () => {
    assert.equal(likeToGlob("%a_b%"), "*a?b*");
    assert.equal(likeToGlob("a*b?c[d]"), "a[*]b[?]c[[]d]");
    assert.equal(likeToGlob("100\\%\\_"), "100%_");
    assert.equal(likeToGlob("x\\"), "x\\");
  });

  test("LIKE → escaped LIKE for ILIKE", () => {
    assert.equal(likeToEscapedLike("%a_b%"), "%a_b%");
    assert.equal(likeToEscapedLike("100\\%"), "100\\%");
    assert.equal(likeToEscapedLike("a\\b"), "ab");
    assert.equal(likeToEscapedLike("a\\\\b"), "a\\\\b");
    assert.equal(likeToEscapedLike("end\\"), "end\\\\");
  });

  test("jsonPath quotes any key", () => {
    assert.equal(jsonPath("a.b"), '$."a.b"');
    assert.equal(jsonPath('x") OR 1=1 --'), '$."x\\") OR 1=1 --"');
  });

  test("regexp(): search semantics, (?i), NULLs, numbers; compiled patterns are cached", () => {
    installSearchFunctions(db);
    installSearchFunctions(db); // idempotent
    const q = (v: unknown, p: string): unknown => db.prepare("SELECT ? REGEXP ? AS m").pluck().get(v, p);
    assert.equal(q("hello world", "o w"), 1);
    assert.equal(q("hello", "^ello"), 0);
    assert.equal(q("HELLO", "(?i)^hello$"), 1);
    assert.equal(q(null, "x"), null);
    assert.equal(q(12345, "^\\d+$"), 1);
    assert.equal(compileRegex("a+b"), compileRegex("a+b"));
    assert.throws(() => compileRegex("("), SyntaxError);
  });
});

describe("trace columns", () => {
  test("status and legacy spellings", () => {
    expectFind([
      ["trace.status = 'OK'", ["chat", "summarize", "agent"]],
      ["attributes.status = 'ERROR'", ["retrieve"]],
      ["status = 'IN_PROGRESS'", ["partial"]],
      ["trace.status != 'OK'", ["retrieve", "partial"]],
      ["trace.status IN ('ERROR', 'IN_PROGRESS')", ["retrieve", "partial"]],
      ["trace.status NOT IN ('OK', 'ERROR')", ["partial"]],
    ]);
  });

  test("timestamp_ms has integer-ms semantics on fractional starts", () => {
    expectFind([
      [`trace.timestamp_ms = ${T0 + 3000}`, ["summarize"]],
      [`trace.timestamp_ms != ${T0 + 3000}`, ["chat", "retrieve", "partial", "agent"]],
      [`trace.timestamp_ms > ${T0 + 3000}`, ["agent"]],
      [`trace.timestamp_ms >= ${T0 + 3000}`, ["summarize", "agent"]],
      [`attributes.timestamp_ms < ${T0 + 1000}`, ["chat"]],
      [`timestamp_ms <= ${T0 + 1000}`, ["chat", "retrieve"]],
      [`timestamp > ${T0 + 3000.25}`, ["summarize", "agent"]],
      [`trace.timestamp_ms >= ${T0 + 1000} AND trace.timestamp_ms < ${T0 + 3000}`, ["retrieve", "partial"]],
    ]);
  });

  test("execution_time_ms and end_time_ms", () => {
    expectFind([
      ["trace.execution_time_ms > 5000", ["retrieve"]],
      ["attributes.execution_time_ms = 6000", ["retrieve"]],
      ["execution_time_ms < 100", ["partial", "agent"]],
      ["trace.execution_time_ms >= 200 AND trace.execution_time_ms <= 1500", ["chat", "summarize"]],
      [`trace.end_time_ms <= ${T0 + 1500}`, ["chat"]],
      [`trace.end_time_ms > ${T0 + 4000}`, ["retrieve", "agent"]],
      [`trace.end_time_ms > ${T0 + 4000} AND trace.end_time_ms < ${T0 + 5000}`, ["agent"]],
    ]);
  });

  test("name: =, !=, IN, LIKE (case-sensitive), ILIKE, RLIKE, and tag.mlflow.traceName", () => {
    expectFind([
      ["trace.name = 'chat_request'", ["chat", "partial"]],
      ["name != 'chat_request'", ["retrieve", "summarize", "agent"]],
      ["attributes.name IN ('summarize', 'agent_loop')", ["summarize", "agent"]],
      ["trace.name LIKE 'chat%'", ["chat", "partial"]],
      ["trace.name LIKE 'Chat%'", []],
      ["trace.name LIKE 'chat\\_request'", ["chat", "partial"]],
      ["trace.name LIKE 'chat?request'", []],
      ["trace.name LIKE '_etrieve'", ["retrieve"]],
      ["trace.name ILIKE 'CHAT%'", ["chat", "partial"]],
      ["trace.name ILIKE 'r_TRIEVE'", ["retrieve"]],
      ["trace.name RLIKE '^(summ|agent)'", ["summarize", "agent"]],
      ["trace.name RLIKE 'RETRIEVE'", []],
      ["trace.name RLIKE '(?i)^retrieve$'", ["retrieve"]],
      ["tag.mlflow.traceName = 'summarize'", ["summarize"]],
      ["tags.`mlflow.traceName` LIKE 'agent%'", ["agent"]],
    ]);
  });

  test("LIKE stays case-sensitive even with PRAGMA case_sensitive_like off or on", () => {
    for (const on of [false, true]) {
      db.pragma(`case_sensitive_like = ${on ? "ON" : "OFF"}`);
      assert.deepEqual(find("trace.name LIKE 'Chat%'"), [], `pragma ${on}`);
      assert.deepEqual(find("trace.name ILIKE 'Chat%'"), ["chat", "partial"], `pragma ${on}`);
    }
    db.pragma("case_sensitive_like = OFF");
  });

  test("request ids, with or without tr-, any case", () => {
    expectFind([
      [`trace.request_id = 'tr-${ID.chat}'`, ["chat"]],
      [`trace.trace_id = '${ID.retrieve.toUpperCase()}'`, ["retrieve"]],
      [`trace.request_id IN ('tr-${ID.agent}', '${ID.partial}')`, ["agent", "partial"]],
      [`trace.trace_id != '${ID.chat}'`, ["retrieve", "partial", "summarize", "agent"]],
      ["trace.request_id LIKE 'tr-dd%'", ["summarize"]],
      ["trace.request_id LIKE 'tr-DD%'", ["summarize"]],
    ]);
  });

  test("session and user ids, and their MLflow metadata keys", () => {
    expectFind([
      ["trace.session_id = 's1'", ["chat"]],
      ["metadata.mlflow.trace.session = 's2'", ["retrieve"]],
      ["metadata.`mlflow.trace.session` IN ('s1', 's2')", ["chat", "retrieve"]],
      ["trace.session_id IS NULL", ["partial", "summarize", "agent"]],
      ["trace.session_id IS NOT NULL", ["chat", "retrieve"]],
      ["metadata.`mlflow.trace.user` = 'u1'", ["chat", "summarize"]],
      ["trace.user_id LIKE 'u%' AND trace.session_id IS NULL", ["summarize"]],
    ]);
  });

  test("numeric extras: tokens, cost, span and error counts", () => {
    expectFind([
      ["trace.tokens > 1000", ["summarize"]],
      ["trace.total_tokens = 150", ["chat"]],
      ["trace.input_tokens >= 100", ["chat", "summarize"]],
      ["trace.output_tokens < 1", ["retrieve", "partial", "agent"]],
      ["trace.cost > 0", ["chat"]],
      ["trace.cost IS NULL", ["retrieve", "partial", "summarize", "agent"]],
      ["trace.cost IS NOT NULL", ["chat"]],
      ["trace.span_count = 2", ["chat", "retrieve", "agent"]],
      ["trace.error_count >= 1", ["retrieve"]],
      ["trace.error_count = 0 AND trace.span_count = 1", ["partial", "summarize"]],
    ]);
  });

  test("service name and previews", () => {
    expectFind([
      ["trace.service_name = 'agent-svc'", ["agent"]],
      ["trace.service_name != 'agent-svc'", ["chat", "retrieve", "partial", "summarize"]],
      ["trace.request_preview LIKE '%SQLite%'", ["retrieve"]],
      ["trace.response_preview ILIKE '%OPEN SOURCE%'", ["chat"]],
    ]);
  });
});

describe("tags and metadata", () => {
  test("tags: every operator, both spellings, backticked keys", () => {
    expectFind([
      ["tag.env = 'production'", ["chat", "summarize"]],
      ["tags.env != 'production'", ["retrieve", "agent"]],
      ["tag.env LIKE 'prod%'", ["chat", "summarize"]],
      ["tag.env LIKE 'Prod%'", []],
      ["tag.env ILIKE 'PROD%'", ["chat", "summarize"]],
      ["tag.env RLIKE '^(dev|staging)$'", ["retrieve", "agent"]],
      ["tag.env IN ('dev', 'staging')", ["retrieve", "agent"]],
      ["tag.env NOT IN ('dev')", ["chat", "retrieve", "summarize"]],
      ["tag.env IS NULL", ["partial"]],
      ["tag.env IS NOT NULL", ["chat", "retrieve", "summarize", "agent"]],
      ["tags.`mlflow.user` = 'alice'", ["chat"]],
      ["tag.mlflow.user = 'alice'", ["chat"]],
      ["tag.version = 2", ["summarize"]],
      ["tag.version = '2'", ["summarize"]],
      ["trace.tag.env = 'dev'", ["agent"]],
    ]);
  });

  test("keys with quotes and backslashes are found exactly", () => {
    expectFind([
      ["tag.`we\"ird\\key` = 'quoted'", ["chat"]],
      ["tag.`we\"ird\\key` IS NOT NULL", ["chat"]],
      ["tag.`we\"ird` IS NOT NULL", []],
    ]);
  });

  test("LIKE patterns treat glob metacharacters as literals and honour \\% / \\_", () => {
    expectFind([
      ["tag.`Mixed.Case` LIKE 'Value\\%\\_*?[%'", ["chat"]],
      ["tag.`Mixed.Case` LIKE 'Value\\%\\_*?[x]'", ["chat"]],
      ["tag.`Mixed.Case` LIKE 'Value\\%\\_*?[y]'", []],
      ["tag.`Mixed.Case` LIKE 'Value_%'", ["chat"]],
      ["tag.`Mixed.Case` ILIKE 'VALUE\\%\\_*?[X]'", ["chat"]],
      ["tag.`Mixed.Case` ILIKE 'VALUE\\_%'", []],
    ]);
  });

  test("metadata: both spellings, run_id, IS [NOT] NULL", () => {
    expectFind([
      ["metadata.`mlflow.user` = 'alice'", ["chat"]],
      ["request_metadata.`mlflow.source.name` LIKE '%.py'", ["chat"]],
      ["metadata.`mlflow.user` IS NOT NULL", ["chat", "retrieve"]],
      ["metadata.`mlflow.user` IN ('bob')", ["retrieve"]],
      ["trace.run_id = 'run-1'", ["chat"]],
      ["metadata.`Mixed.Case` = 'Value'", ["partial"]],
      ["metadata.`Mixed.Case` = 'value'", []],
      ["trace.metadata.`mlflow.user` != 'alice'", ["retrieve"]],
    ]);
  });
});

describe("spans", () => {
  test("span name, type, status, model, provider: a trace matches when any span does", () => {
    expectFind([
      ["span.type = 'TOOL'", ["retrieve", "agent"]],
      ["span.type != 'CHAIN'", ["chat", "retrieve", "partial", "summarize", "agent"]],
      ["span.type IN ('AGENT', 'RETRIEVER')", ["retrieve", "agent"]],
      ["span.name = 'ChatOpenAI'", ["chat"]],
      ["span.name LIKE 'search%'", ["retrieve"]],
      ["span.name LIKE 'chatopenai'", []],
      ["span.name ILIKE 'chatopenai'", ["chat"]],
      ["span.name RLIKE '^calc'", ["agent"]],
      ["span.status = 'ERROR'", ["retrieve"]],
      ["span.status = 'UNSET'", ["partial"]],
      ["span.status != 'OK'", ["retrieve", "partial"]],
      ["span.status IN ('UNSET', 'ERROR')", ["retrieve", "partial"]],
      ["span.model LIKE 'gpt%'", ["chat"]],
      ["span.model IN ('llama3', 'claude-3-5-sonnet')", ["partial", "summarize"]],
      ["span.provider = 'anthropic'", ["summarize"]],
    ]);
  });

  test("span conditions combine with AND (each on any span) and with trace conditions", () => {
    expectFind([
      ["span.type = 'TOOL' AND span.status = 'ERROR'", ["retrieve"]],
      ["span.type = 'TOOL' AND trace.status = 'OK'", ["agent"]],
      ["span.type = 'CHAIN' AND span.model = 'gpt-4o'", ["chat"]],
      ["tag.env = 'production' AND span.model LIKE 'claude%'", ["summarize"]],
    ]);
  });

  test("span attributes: strings, numbers, booleans, arrays, dotted and odd keys", () => {
    expectFind([
      ["span.attributes.`llm.model_name` = 'gpt-4o'", ["chat"]],
      ["span.attributes.llm.model_name LIKE 'claude%'", ["summarize"]],
      ["span.attributes.`llm.model_name` ILIKE '%GPT%'", ["chat"]],
      ["span.attributes.`llm.model_name` RLIKE '^gpt-\\d'", ["chat"]],
      ["span.attributes.`http.status_code` = '500'", ["retrieve"]],
      ["span.attributes.`http.status_code` = '200'", ["chat"]],
      ["span.attributes.`http.status_code` = 500", ["retrieve"]],
      ["span.attributes.`http.status_code` = 200", ["chat"]],
      ["span.attributes.`http.status_code` > 299", ["retrieve"]],
      ["span.attributes.`http.status_code` LIKE '5%'", ["retrieve"]],
      ["span.attributes.streaming = true", ["chat"]],
      ["span.attributes.streaming = false", ["retrieve"]],
      ["span.attributes.streaming = 'true'", ["chat"]],
      ["span.attributes.streaming LIKE 'fal%'", ["retrieve"]],
      ["span.attributes.temperature = 0.7", ["chat"]],
      ["span.attributes.temperature = '0.7'", ["chat"]],
      ["span.attributes.temperature < 1", ["chat"]],
      ["span.attributes.`llm.token_count.total` >= 100", ["chat"]],
      ["span.attributes.tags LIKE '%\"b\"%'", ["chat"]],
      ["span.attributes.`odd \"key\"` = 'found-it'", ["agent"]],
      ["span.attributes.note LIKE '100\\% sure'", ["summarize"]],
      ["span.attributes.note LIKE '100\\%'", []],
      ["span.attributes.`tool.name` IS NOT NULL", ["retrieve", "agent"]],
      ["span.attributes.`tool.name` IS NULL", ["chat", "partial", "summarize"]],
      ["span.attributes.`tool.name` != 'web'", ["agent"]],
      ["span.attributes.`tool.name` IN ('web', 'calc')", ["retrieve", "agent"]],
      ["span.attributes.`tool.name` NOT IN ('web')", ["agent"]],
      ["span.attributes.missing = 'x'", []],
    ]);
  });
});

describe("assessments", () => {
  test("booleans: = true / = 'true' / = 1 / = false", () => {
    expectFind([
      ["feedback.relevance = true", ["chat"]],
      ["feedback.relevance = 'true'", ["chat"]],
      ["feedback.relevance = false", ["retrieve"]],
      ["feedback.relevance = 1", ["chat", "summarize"]],
      ["feedback.relevance = 0", ["retrieve"]],
      ["feedback.relevance != true", ["retrieve", "summarize"]],
    ]);
  });

  test("yes/no ratings: exact text, ILIKE, and as booleans / numbers", () => {
    expectFind([
      ["feedback.rating = 'yes'", ["chat"]],
      ["feedback.rating ILIKE 'yes'", ["chat", "summarize"]],
      ["feedback.rating = true", ["chat", "summarize"]],
      ["feedback.rating = 1", ["chat", "summarize"]],
      ["feedback.rating = 0", ["retrieve"]],
      ["feedback.rating != 'yes'", ["retrieve", "summarize"]],
      ["feedback.rating IN ('no', 'Yes')", ["retrieve", "summarize"]],
      ["feedback.rating NOT IN ('yes')", ["retrieve", "summarize"]],
      ["feedback.rating RLIKE '^[Yy]'", ["chat", "summarize"]],
    ]);
  });

  test("numeric scores, including numbers stored as strings", () => {
    expectFind([
      ["feedback.score > 0.5", ["chat", "summarize", "agent"]],
      ["feedback.score >= '0.75'", ["chat", "summarize", "agent"]],
      ["feedback.score < 0.5", ["retrieve"]],
      ["feedback.score = 0.9", ["chat"]],
      ["feedback.score = '0.75'", ["summarize"]],
      ["feedback.score = 0.75", ["summarize"]],
      ["feedback.score = '1'", ["agent"]],
      ["feedback.score = 1", ["agent"]],
      ["feedback.score != 1", ["chat", "retrieve", "summarize"]],
      ["feedback.score > 0.5 AND feedback.relevance = true", ["chat"]],
    ]);
  });

  test("expectations, JSON values, and kind separation", () => {
    expectFind([
      ["expectation.expected_answer LIKE 'MLflow%'", ["chat"]],
      ["expectation.expected_answer LIKE '%\"steps\":2%'", ["agent"]],
      ["expectation.expected_answer IS NOT NULL", ["chat", "agent"]],
      ["feedback.expected_answer IS NOT NULL", []],
      ["expectation.score IS NOT NULL", []],
      ["feedback.tags_given LIKE '%helpful%'", ["chat"]],
    ]);
  });

  test("IS NULL means no assessment with a value; errored feedback has none", () => {
    expectFind([
      ["feedback.score IS NULL", ["partial"]],
      ["feedback.score IS NOT NULL", ["chat", "retrieve", "summarize", "agent"]],
      ["feedback.errored IS NOT NULL", []],
      ["feedback.errored IS NULL", ["chat", "retrieve", "partial", "summarize", "agent"]],
      ["feedback.missing = 'x'", []],
      ["feedback.`missing judge` IS NULL AND trace.status = 'ERROR'", ["retrieve"]],
    ]);
  });
});

describe("trace.text", () => {
  test("matches the trace name, previews, and any span's name, inputs or outputs", () => {
    expectFind([
      ["trace.text LIKE '%SQLite%'", ["retrieve"]],
      ["trace.text LIKE '%sqlite%'", []],
      ["trace.text ILIKE '%sqlite%'", ["retrieve"]],
      ["trace.text LIKE '%2+2%'", ["agent"]],
      ["trace.text ILIKE '%CALCULATOR%'", ["agent"]],
      ["trace.text LIKE '%open source%'", ["chat"]],
      ["trace.text LIKE '%agent_loop%'", ["agent"]],
      ["trace.text LIKE '%ünïcödé%'", ["summarize"]],
      ["trace.text ILIKE '%THIS TEXT%'", ["summarize"]],
      ["trace.text LIKE '%nowhere-to-be-found%'", []],
      ["trace.text ILIKE '%mlflow%' AND span.type = 'CHAT_MODEL'", ["chat"]],
    ]);
  });
});

describe("SQL injection", () => {
  const attempts = [
    "tag.`x') OR 1=1 --` = 'y'",
    "tag.`x\") OR 1=1 --` = 'y'",
    "tag.`'; DROP TABLE traces; --` = 'y'",
    "metadata.`$.a` = 'x'",
    "metadata.`]` = 'x'",
    "trace.name = 'x'' OR ''1''=''1'",
    "trace.name = 'x\\' OR 1=1 --'",
    "trace.name = \"x\"\" OR 1=1 --\"",
    "trace.name LIKE '%'' OR 1=1 --'",
    "trace.name ILIKE '%'' OR 1=1 --'",
    "trace.name RLIKE '^x'' OR 1=1 --'",
    "trace.name RLIKE '.*\\'\\) OR 1=1 --'",
    "trace.name IN ('a'') OR (''1''=''1', 'b')",
    "span.attributes.`x') OR 1=1 --` = 'y'",
    "span.name = '''; DELETE FROM spans; --'",
    "feedback.`x' OR '1'='1` = 1",
    "feedback.score = '1 OR 1=1'",
    "expectation.`a\") OR (\"1\"=\"1` LIKE '%'",
    "trace.text LIKE '%'')) OR 1=1 --'",
    "trace.request_id = 'tr-'' OR 1=1 --'",
    "tag.`ключ 🔑` = 'x'",
    "tag.`line\nbreak` = 'x'",
  ];

  test("values and keys are data: nothing matches and no SQL error is raised", () => {
    for (const f of attempts) {
      let got: string[] = [];
      assert.doesNotThrow(() => {
        got = find(f);
      }, f);
      assert.deepEqual(got, [], f);
    }
    // the store is intact
    assert.equal(searchTraces(db, { limit: 100 }).length, 5);
    assert.equal(db.prepare("SELECT count(*) FROM spans").pluck().get(), 8);
  });

  test("an odd key that really exists is still found, proving it is treated as data", () => {
    assert.deepEqual(find("span.attributes.`x') OR 1=1 --` = 'nope'"), ["agent"]);
  });

  test("bad filters raise FilterSyntaxError, not SQL errors", () => {
    for (const f of ["trace.name = 'x' OR 1=1", "trace.name = 'x'; DROP TABLE traces", "1=1", "trace.name = 'x' --"]) {
      assert.throws(() => searchTraces(db, { filter: f, limit: 10 }), FilterSyntaxError, f);
    }
  });
});
