/** Dataset files: JSON / JSONL / CSV parsing, validation errors, other tools' shapes, round trips. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DatasetRow } from "../../../../protocol/datasets";
import {
  DatasetFormatError,
  decodeDatasetBytes,
  formatFromPath,
  MAX_DATASET_ROWS,
  parseDataset,
  serializeDataset,
} from "../../../../server/datasets/datasetFormats";

function fails(fn: () => unknown, where: string, detail: RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(DatasetFormatError.is(e), String(e));
    assert.equal(e.where, where, e.message);
    assert.match(e.detail, detail);
    assert.match(e.message, /nothing was imported$/);
    return true;
  });
}

test("JSON: an array of rows or {rows: […]}; a BOM is skipped; nulls mean absent", () => {
  const rows = [{ inputs: { q: "a" }, outputs: "x", expectations: { expected_response: "A" }, trace_id: "tr-1", tags: { t: "1" } }];
  assert.deepEqual(parseDataset(JSON.stringify(rows), "json", "f.json").rows, rows);
  assert.deepEqual(parseDataset("\uFEFF" + JSON.stringify({ rows }), "json", "f.json").rows, rows);
  const r = parseDataset('[{"inputs":{"q":1},"outputs":null,"expectations":null,"tags":null,"trace_id":null}]', "json", "f.json");
  assert.deepEqual(r.rows, [{ inputs: { q: 1 } }]);
});

test("JSON syntax errors give line and column; a non-list says what it expected", () => {
  fails(() => parseDataset('[\n  {"inputs": {"q": 1}},\n  {"inputs": {"q": 2},}\n]', "json", "f.json"), "line 3, column 23", /not valid JSON/);
  fails(() => parseDataset('{"inputs": {"q": 1}}', "json", "f.json"), "", /expected a JSON array of rows.*a single row: put it in a list/);
  fails(() => parseDataset('{"inputs": {"0": {"q": 1}}}', "json", "f.json"), "", /pandas' default to_json.*orient='records'/);
  fails(() => parseDataset("   \n", "json", "f.json"), "", /the file is empty/);
});

test("a .json file holding one object per line is read as JSONL", () => {
  const r = parseDataset('{"inputs":{"q":1}}\n{"inputs":{"q":2}}\n', "json", "f.json");
  assert.deepEqual(r.rows, [{ inputs: { q: 1 } }, { inputs: { q: 2 } }]);
});

test("JSONL: blank lines and CRLF are fine; a bad line is named by its line number", () => {
  const text = '{"inputs":{"q":1}}\r\n\r\n{"inputs":{"q":2},"outputs":[1,2]}\r\n';
  assert.deepEqual(parseDataset(text, "jsonl", "f.jsonl").rows, [{ inputs: { q: 1 } }, { inputs: { q: 2 }, outputs: [1, 2] }]);
  fails(() => parseDataset('{"inputs":{"q":1}}\n\n{"inputs":{"q":2}\n', "jsonl", "d.jsonl"), "line 3", /not valid JSON/);
  fails(() => parseDataset('[\n{"inputs":{}}\n]', "jsonl", "d.jsonl"), "line 1", /looks like a JSON array: import it as \.json/);
});

test("every row is validated: the first bad row names its place and the problem", () => {
  const jsonl = (...lines: string[]) => lines.join("\n");
  fails(() => parseDataset(jsonl('{"inputs":{}}', '{"question":"q"}'), "jsonl", "f"), "line 2", /missing "inputs".*keys "question"/);
  fails(() => parseDataset(jsonl('{"inputs":"hello"}'), "jsonl", "f"), "line 1", /"inputs" must be a JSON object.*got a string \("hello"\)/);
  fails(() => parseDataset(jsonl('{"inputs":null}'), "jsonl", "f"), "line 1", /"inputs" is null/);
  fails(() => parseDataset(jsonl('{"inputs":{},"expectations":[1]}'), "jsonl", "f"), "line 1", /"expectations" must be a JSON object.*got an array/);
  fails(() => parseDataset(jsonl('{"inputs":{},"trace_id":5}'), "jsonl", "f"), "line 1", /"trace_id" must be a string, got a number \(5\)/);
  fails(() => parseDataset(jsonl('{"inputs":{},"tags":"x"}'), "jsonl", "f"), "line 1", /"tags" must be an object/);
  fails(() => parseDataset(jsonl("[1,2]"), "jsonl", "f"), "line 1", /expected a JSON object with "inputs", got an array/);
  fails(() => parseDataset('[{"inputs":{}}, 7]', "json", "f"), "row 2", /got a number \(7\)/);
});

test("Langfuse dataset items and MLflow to_df() rows are read; unknown keys are reported, bookkeeping skipped", () => {
  const langfuse = [
    '{"id":"item-1","datasetId":"ds","input":{"question":"2+2?"},"expectedOutput":"4","metadata":{"difficulty":1},"sourceTraceId":"abc","status":"ACTIVE","createdAt":"2025-01-01"}',
    '{"id":"item-2","input":"plain text question","expectedOutput":{"answer":"x"},"tags":["smoke","v2"]}',
  ].join("\n");
  const l = parseDataset(langfuse, "jsonl", "lf.jsonl");
  assert.deepEqual(l.rows, [
    { inputs: { question: "2+2?" }, expectations: { expected_response: "4" }, trace_id: "abc", tags: { difficulty: "1" } },
    { inputs: { input: "plain text question" }, expectations: { expected_response: { answer: "x" } }, tags: { smoke: "true", v2: "true" } },
  ]);
  assert.deepEqual(l.warnings, []);
  const mlflow = JSON.stringify({
    dataset_record_id: "dr-1",
    inputs: { question: "q" },
    outputs: null,
    expectations: { expected_facts: ["a"] },
    tags: {},
    source: { source_type: "TRACE", source_data: { trace_id: "tr-0123" } },
    source_type: "TRACE",
    created_time: 1,
    expectation: { typo: true },
  });
  const m = parseDataset(mlflow, "jsonl", "m.jsonl");
  assert.deepEqual(m.rows, [{ inputs: { question: "q" }, expectations: { expected_facts: ["a"] }, trace_id: "tr-0123" }], "empty tags are absent");
  assert.deepEqual(m.warnings, ['ignored key "expectation" (1 row, first at line 1); did you mean "expectations"?']);
});

test("CSV: flattened and JSON columns, values read as JSON when they parse, empty cells absent, blank rows skipped", () => {
  const csv = [
    "inputs.question,inputs.n,outputs,expectations,trace_id,tags.topic",
    '"What, is ""X""?",42,"{""a"":1}","{""expected_response"":""x""}",tr-1,geo',
    "Paris,007,plain text,,,",
    ",,,,,",
    'q3,12345678901234567890,"""42""",,,"""7"""',
  ].join("\r\n");
  const r = parseDataset(csv, "csv", "f.csv");
  assert.deepEqual(r.rows, [
    { inputs: { question: 'What, is "X"?', n: 42 }, outputs: { a: 1 }, expectations: { expected_response: "x" }, trace_id: "tr-1", tags: { topic: "geo" } },
    { inputs: { question: "Paris", n: "007" }, outputs: "plain text" },
    { inputs: { question: "q3", n: "12345678901234567890" }, outputs: "42", tags: { topic: "7" } },
  ]);
});

test("CSV errors name the line and the column", () => {
  fails(() => parseDataset("question,answer\nq,a\n", "csv", "s.csv"), "line 1 (header)", /column "question" is not a dataset column: name it "inputs\.question"/);
  fails(() => parseDataset("inputs,inputs.q\n{},1\n", "csv", "s.csv"), "line 1 (header)", /both a "inputs" column and "inputs\.<key>" columns/);
  fails(() => parseDataset("inputs.q,inputs.q\n1,2\n", "csv", "s.csv"), "line 1 (header)", /appears twice/);
  fails(() => parseDataset('inputs.q,outputs\n1,2\n"a\nb",3,4\n', "csv", "s.csv"), "line 3 (row 2)", /has 3 fields, the header has 2/);
  fails(() => parseDataset("inputs\n{'q': 'x'}\n", "csv", "s.csv"), "line 2 (row 1)", /column "inputs" is not valid JSON \(it looks like a Python dict/);
  fails(() => parseDataset('inputs\n"[1]"\n', "csv", "s.csv"), "line 2 (row 1)", /must hold a JSON object/);
  fails(() => parseDataset('inputs.q\n"unclosed\n', "csv", "s.csv"), "line 2", /never closed/);
});

test("CSV from a spreadsheet: BOM, semicolons, pandas' index column and MLflow bookkeeping columns", () => {
  const r = parseDataset('\uFEFF;inputs.q;expectations.expected_response;dataset_record_id\r\n0;Hi;Hello;dr-1\r\n', "csv", "x.csv");
  assert.deepEqual(r.rows, [{ inputs: { q: "Hi" }, expectations: { expected_response: "Hello" } }]);
});

test("decoding: UTF-8 (BOM or not), UTF-16 with a BOM; other encodings are refused with the line", () => {
  assert.equal(decodeDatasetBytes(Buffer.from("\uFEFFinputs.q\nx", "utf8"), "f"), "inputs.q\nx");
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("inputs.q\tcafé\n", "utf16le")]);
  assert.equal(decodeDatasetBytes(utf16, "f"), "inputs.q\tcafé\n");
  const latin1 = Buffer.from("inputs.q\nok\ncaf\xe9\n", "latin1");
  fails(() => decodeDatasetBytes(latin1, "f.csv"), "line 3", /not UTF-8 text/);
});

test("row caps: a file with more rows than the cap is refused in every format", () => {
  assert.equal(MAX_DATASET_ROWS, 1_000_000);
  const many = Array.from({ length: 4 }, (_, i) => ({ inputs: { i } }));
  const cap = { maxRows: 3 };
  fails(() => parseDataset(JSON.stringify(many), "json", "f", cap), "", /more than 3 rows/);
  fails(() => parseDataset(many.map((r) => JSON.stringify(r)).join("\n"), "jsonl", "f", cap), "line 4", /more than 3 rows/);
  fails(() => parseDataset("inputs.i\n1\n2\n3\n4\n", "csv", "f", cap), "line 5", /more than 3 rows/);
  for (const f of ["json", "jsonl", "csv"] as const) assert.equal(parseDataset(serializeDataset(many.slice(0, 3), f), f, "f", { maxRows: 3 }).rows.length, 3);
});

test("serialize → parse round-trips in every format, tricky values included", () => {
  const rows: DatasetRow[] = [
    { inputs: { q: "42", empty: "", t: "true", n: 3.5, nul: null, obj: { a: [1, "x"] }, text: 'multi\nline, "quoted"' }, outputs: "Paris" },
    { inputs: { q: "second", big: 2 ** 60, emoji: "🙂", sp: "  " }, outputs: { answer: 1 }, expectations: { expected_response: "x", facts: ["a"] } },
    { inputs: {}, trace_id: "tr-abc", tags: { topic: "7", k: "" } },
    { inputs: {} },
    { inputs: { q: "x" }, outputs: "" },
  ];
  for (const f of ["json", "jsonl", "csv"] as const) {
    const text = serializeDataset(rows, f);
    assert.deepEqual(parseDataset(text, f, `x.${f}`).rows, rows, `${f}:\n${text}`);
  }
});

test("formatFromPath", () => {
  assert.equal(formatFromPath("a/b.JSON"), "json");
  assert.equal(formatFromPath("x.ndjson"), "jsonl");
  assert.equal(formatFromPath("x.jsonl"), "jsonl");
  assert.equal(formatFromPath("x.tsv"), "csv");
  assert.equal(formatFromPath("x.txt"), null);
});
