/** `scorelens datasets …` through the real CLI (dist/cli.js) over a real SQLite file. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { DatasetInfo, DatasetRow } from "../../protocol/datasets";
import { tmpDir } from "./lspHarness";
import { runCli } from "./serveHarness";

const FIXTURES = path.resolve(__dirname, "../fixtures/datasets");
const fixture = (f: string) => path.join(FIXTURES, f);

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `scorelens ${args.join(" ")} → ${r.code}\n${r.stderr}`);
  return r.stdout;
}

async function show(db: string, name: string): Promise<{ info: DatasetInfo; rows: DatasetRow[] }> {
  return JSON.parse(await ok(["datasets", "show", name, "--db", db, "--json", "--limit", "1000"])) as { info: DatasetInfo; rows: DatasetRow[] };
}

test("import JSONL (MLflow records, Langfuse items), JSON and a spreadsheet CSV; list and show them", async () => {
  const db = path.join(tmpDir(), "t.db");
  const out = await ok(["datasets", "import", "mlflow", fixture("mlflow-records.jsonl"), "--db", db]);
  assert.match(out, /^dataset "mlflow": 3 row\(s\) imported from .*mlflow-records\.jsonl \(jsonl\)$/m);
  const m = await show(db, "mlflow");
  assert.deepEqual(m.rows[1], {
    inputs: { question: "Capital of France?", context: ["France is in Europe."] },
    outputs: "Paris",
    expectations: { expected_facts: ["Paris"] },
    trace_id: "tr-d5a0000000000000000000000000000a",
  });
  assert.deepEqual(m.rows[2]?.outputs, { answer: "yes", score: 0.9 });
  assert.equal(m.rows[2]?.inputs.question, "Ünïcödé & <markup>?");

  await ok(["datasets", "import", "langfuse", fixture("langfuse-items.jsonl"), "--db", db]);
  assert.deepEqual((await show(db, "langfuse")).rows, [
    { inputs: { question: "2+2?" }, expectations: { expected_response: "4" }, tags: { difficulty: "easy" } },
    { inputs: { input: "Translate 'hello' to French" }, expectations: { expected_response: { text: "bonjour" } } },
  ]);

  await ok(["datasets", "import", "qa", fixture("qa.json"), "--db", db, "--description", "hand-written"]);
  const qa = await show(db, "qa");
  assert.equal(qa.info.description, "hand-written");
  assert.deepEqual(qa.info.source, { kind: "file", path: fixture("qa.json"), format: "json" });

  const bytes = fs.readFileSync(fixture("spreadsheet.csv"));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the fixture keeps its BOM");
  assert.ok(bytes.includes("\r\n"), "the fixture keeps its CRLF line ends");
  await ok(["datasets", "import", "sheet", fixture("spreadsheet.csv"), "--db", db]);
  assert.deepEqual((await show(db, "sheet")).rows, [
    { inputs: { question: "What is the capital of France, in one word?", max_words: 1 }, expectations: { expected_response: "Paris" }, tags: { topic: "geo" } },
    { inputs: { question: 'Quote "this" back', max_words: 10 }, expectations: { expected_response: 'He said "this"' } },
    { inputs: { question: "Two\r\nlines", max_words: 5 }, expectations: { expected_response: "A\r\nB" }, tags: { topic: "misc" } },
  ]);

  const list = JSON.parse(await ok(["datasets", "list", "--db", db, "--json"])) as DatasetInfo[];
  assert.deepEqual(list.map((d) => [d.name, d.rowCount]), [["langfuse", 2], ["mlflow", 3], ["qa", 2], ["sheet", 3]]);
  const text = await ok(["datasets", "list", "--db", db]);
  assert.match(text, /^sheet\s+3 rows\s+\d{4}-\d\d-\d\dT.*csv file .*spreadsheet\.csv$/m);
  const page = await ok(["datasets", "show", "mlflow", "--db", db, "--limit", "1"]);
  assert.match(page, /^#0 {2}inputs=\{"question":"What is MLflow\?"\} {2}expectations=.*tags=\{"topic":"mlflow"\}$/m);
  assert.match(page, /^… 2 more \(--offset 1\)$/m);
});

test("a corrupt file exits 1 with the file, line and problem, and imports nothing", async () => {
  const db = path.join(tmpDir(), "t.db");
  await ok(["datasets", "import", "keep", fixture("qa.json"), "--db", db]);
  const cases: Array<[string, RegExp]> = [
    ["corrupt.jsonl", /^scorelens: datasets import: .*corrupt\.jsonl: line 3: missing "inputs" .*keys "question"; nothing was imported$/m],
    ["corrupt.csv", /^scorelens: datasets import: .*corrupt\.csv: line 3: a quoted field starts here and is never closed.*; nothing was imported$/m],
  ];
  for (const [file, message] of cases) {
    for (const name of ["new", "keep"]) {
      const r = await runCli(["datasets", "import", name, fixture(file), "--db", db, "--replace"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    }
  }
  const list = JSON.parse(await ok(["datasets", "list", "--db", db, "--json"])) as DatasetInfo[];
  assert.deepEqual(list.map((d) => [d.name, d.rowCount]), [["keep", 2]], "nothing imported, the existing dataset untouched");
  const exists = await runCli(["datasets", "import", "keep", fixture("qa.json"), "--db", db]);
  assert.equal(exists.code, 1);
  assert.match(exists.stderr, /a dataset named "keep" already exists \(2 rows\)/);
  const missing = await runCli(["datasets", "show", "nope", "--db", db]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /there is no dataset named "nope" \(datasets: keep\)/);
});

test("export round-trip: JSON, JSONL, CSV files and stdout re-import to the same rows", async () => {
  const dir = tmpDir();
  const db = path.join(dir, "t.db");
  await ok(["datasets", "import", "src", fixture("mlflow-records.jsonl"), "--db", db]);
  const rows = (await show(db, "src")).rows;
  for (const ext of ["json", "jsonl", "csv"]) {
    const file = path.join(dir, `out.${ext}`);
    assert.match(await ok(["datasets", "export", "src", file, "--db", db]), new RegExp(`3 row\\(s\\) written to .*out\\.${ext} \\(${ext}\\)`));
    await ok(["datasets", "import", `back-${ext}`, file, "--db", db]);
    assert.deepEqual((await show(db, `back-${ext}`)).rows, rows, ext);
  }
  const csv = await ok(["datasets", "export", "src", "-", "--format", "csv", "--db", db]);
  assert.match(csv, /^inputs\.question,inputs\.context,outputs,expectations\.expected_response,expectations\.expected_facts,trace_id,tags\.topic\r\n/);
  const stdoutFile = path.join(dir, "stdout.csv");
  fs.writeFileSync(stdoutFile, csv);
  await ok(["datasets", "import", "from-stdout", stdoutFile, "--db", db]);
  assert.deepEqual((await show(db, "from-stdout")).rows, rows);
  assert.match(await ok(["datasets", "delete", "from-stdout", "--db", db]), /dataset "from-stdout" deleted/);
  const again = await runCli(["datasets", "delete", "from-stdout", "--db", db]);
  assert.equal(again.code, 1);
});

test("create from stored traces carries root inputs/outputs and the traces' expectations", async () => {
  const db = path.join(tmpDir(), "t.db");
  await ok(["import", fixture("traces-with-expectations.jsonl"), "--db", db]);
  const created = JSON.parse(await ok(["datasets", "create", "golden", "--from-filter", "trace.name = 'qa'", "--db", db, "--json"])) as DatasetInfo;
  assert.deepEqual(created.source, { kind: "traces", traceCount: 3, filter: "trace.name = 'qa'" });
  const rows = (await show(db, "golden")).rows;
  const byTrace = new Map(rows.map((r) => [r.trace_id, r]));
  assert.deepEqual(byTrace.get("tr-d5a0000000000000000000000000000a"), {
    inputs: { question: "What is the capital of France?" },
    outputs: "Paris",
    expectations: { expected_response: "Paris", expected_facts: ["Paris is the capital of France"] },
    trace_id: "tr-d5a0000000000000000000000000000a",
  });
  assert.deepEqual(byTrace.get("tr-d5a0000000000000000000000000000b")?.expectations, { expected_response: "4" });
  const errored = byTrace.get("tr-d5a0000000000000000000000000000c");
  assert.deepEqual(errored, { inputs: { question: "Tell me a secret <script>alert(1)</script>" }, trace_id: "tr-d5a0000000000000000000000000000c" });

  const byIds = await ok(["datasets", "create", "picked", "--trace-ids", "tr-d5a0000000000000000000000000000d,d5a0000000000000000000000000000b", "--db", db]);
  assert.match(byIds, /dataset "picked": 2 row\(s\) from traces/);
  const picked = (await show(db, "picked")).rows;
  assert.deepEqual(picked.map((r) => [r.trace_id, r.inputs]), [
    ["tr-d5a0000000000000000000000000000d", { request: "hello there" }],
    ["tr-d5a0000000000000000000000000000b", { question: "2 + 2?" }],
  ]);

  const limited = JSON.parse(await ok(["datasets", "create", "newest", "--from-filter", "trace.status = 'OK'", "--limit", "1", "--db", db, "--json"])) as DatasetInfo;
  assert.equal(limited.rowCount, 1);

  const unknown = await runCli(["datasets", "create", "x", "--trace-ids", "ffffffffffffffffffffffffffffffff", "--db", db]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no trace with id tr-f{32}/);
  const none = await runCli(["datasets", "create", "x", "--from-filter", "trace.name = 'nothing'", "--db", db]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no trace matches the filter/);
  const bad = await runCli(["datasets", "create", "x", "--from-filter", "trace.name = ", "--db", db]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid filter/);
  const list = JSON.parse(await ok(["datasets", "list", "--db", db, "--json"])) as DatasetInfo[];
  assert.deepEqual(list.map((d) => d.name), ["golden", "newest", "picked"]);
});
