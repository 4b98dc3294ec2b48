/** DatasetStore on a real SQLite file: create/list/read/delete, all-or-nothing imports, exports, rows from traces. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { DatasetError, DatasetStore } from "../../../../server/datasets/datasetStore";
import { DatasetFormatError } from "../../../../server/datasets/datasetFormats";
import { FilterSyntaxError } from "../../../../server/search/filterErrors";
import { AssessmentQueries } from "../../../../server/store/assessmentQueries";
import { openDatabase, type Db } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { spanRecord } from "../../support/spanRecord";

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-ds-"));
}

function isDatasetError(reason: string, message: RegExp) {
  return (e: unknown) => DatasetError.is(e) && e.reason === reason && message.test(e.message);
}

test("create, list, info, paged rows, replace, delete", () => {
  const db = openDatabase(path.join(tmp(), "t.db"));
  const store = new DatasetStore(db);
  const rows = Array.from({ length: 25 }, (_, i) => ({ inputs: { i }, ...(i % 2 ? { outputs: `o${i}` } : {}) }));
  const info = store.create("golden set", rows, { source: { kind: "sdk" }, description: "first" });
  assert.equal(info.rowCount, 25);
  assert.equal(info.description, "first");
  assert.deepEqual(store.rows("golden set", 20, 10), rows.slice(20));
  assert.deepEqual(store.rows("golden set", 0, 2), [{ inputs: { i: 0 } }, { inputs: { i: 1 }, outputs: "o1" }]);
  assert.deepEqual(store.allRows("golden set"), rows);
  assert.throws(() => store.create("golden set", rows, { source: { kind: "sdk" } }), isDatasetError("exists", /already exists \(25 rows\)/));
  const replaced = store.create("golden set", rows.slice(0, 3), { source: { kind: "sdk" }, replace: true });
  assert.equal(replaced.rowCount, 3);
  assert.equal(replaced.description, "first", "replacing keeps the description unless a new one is given");
  assert.equal(replaced.createdMs, info.createdMs);
  assert.equal(db.prepare("SELECT count(*) FROM dataset_rows WHERE dataset_name = ?").pluck().get("golden set"), 3, "old rows are gone");
  store.create("b", [], { source: { kind: "sdk" } });
  assert.deepEqual(store.list().map((d) => d.name), ["b", "golden set"]);
  assert.equal(store.delete("golden set"), true);
  assert.equal(store.delete("golden set"), false);
  assert.equal(db.prepare("SELECT count(*) FROM dataset_rows").pluck().get(), 0);
  assert.throws(() => store.rows("golden set", 0, 1), isDatasetError("not-found", /no dataset named "golden set" \(datasets: b\)/));
  assert.throws(() => store.create("../x", [], { source: { kind: "sdk" } }), isDatasetError("bad-name", /invalid dataset name/));
  db.close();
});

test("a failed import stores nothing and leaves an existing dataset as it was", () => {
  const dir = tmp();
  const db = openDatabase(path.join(dir, "t.db"));
  const store = new DatasetStore(db);
  const good = path.join(dir, "good.jsonl");
  fs.writeFileSync(good, '{"inputs":{"q":1}}\n{"inputs":{"q":2}}\n');
  assert.equal(store.importFile("ds", good).info.rowCount, 2);
  const bad = path.join(dir, "bad.jsonl");
  fs.writeFileSync(bad, '{"inputs":{"q":1}}\n{"inputs":{"q":2}}\n{"input":\n');
  assert.throws(() => store.importFile("ds", bad, { replace: true }), (e) => DatasetFormatError.is(e) && e.where === "line 3");
  assert.throws(() => store.importFile("other", bad), DatasetFormatError.is);
  assert.deepEqual(store.allRows("ds"), [{ inputs: { q: 1 } }, { inputs: { q: 2 } }]);
  assert.equal(store.info("other"), null);
  assert.throws(() => store.importFile("x", path.join(dir, "missing.csv")), isDatasetError("not-found", /no such file/));
  assert.throws(() => store.importFile("x", path.join(dir, "data.txt")), isDatasetError("format", /can't tell the format/));
  db.close();
});

test("a file over the size cap is refused before it is read", () => {
  const dir = tmp();
  const db = openDatabase(path.join(dir, "t.db"));
  const big = path.join(dir, "big.jsonl");
  fs.writeFileSync(big, "");
  fs.truncateSync(big, 201 * 1024 * 1024); // sparse: no disk used
  assert.throws(() => new DatasetStore(db).importFile("big", big), isDatasetError("too-large", /201 MB is larger than a dataset file may be \(200 MB\)/));
  db.close();
});

test("export writes each format (from the extension or given) and re-imports identically", () => {
  const dir = tmp();
  const db = openDatabase(path.join(dir, "t.db"));
  const store = new DatasetStore(db);
  const rows = [
    { inputs: { q: "a, b", n: 1 }, outputs: "x", expectations: { expected_response: "X" }, trace_id: "tr-1", tags: { k: "v" } },
    { inputs: { q: "c" } },
  ];
  store.create("src", rows, { source: { kind: "sdk" } });
  for (const f of ["out.json", "out.jsonl", "out.csv"]) {
    const file = path.join(dir, f);
    store.exportFile("src", file);
    const back = store.importFile(`copy ${f}`, file);
    assert.deepEqual(store.allRows(back.info.name), rows, f);
    assert.deepEqual(back.info.source, { kind: "file", path: file, format: back.format });
  }
  const explicit = path.join(dir, "rows.txt");
  assert.deepEqual(store.exportFile("src", explicit, "jsonl"), { rows: 2, format: "jsonl" });
  assert.equal(fs.readFileSync(explicit, "utf8").trim().split("\n").length, 2);
  assert.throws(() => store.exportFile("src", path.join(dir, "no/such/dir/x.csv")), isDatasetError("io", /cannot write it \(no such directory\)/));
  assert.throws(() => store.exportFile("nope", path.join(dir, "x.csv")), isDatasetError("not-found", /no dataset named "nope"/));
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temp files left");
  db.close();
});

async function seedTraces(db: Db): Promise<{ a: string; b: string; c: string }> {
  const a = "a".repeat(32);
  const b = "b".repeat(32);
  const c = "c".repeat(32);
  const root = (traceId: string, startS: number, over: Parameters<typeof spanRecord>[0]) =>
    spanRecord({ traceId, spanId: traceId.slice(0, 16), startTimeUnixNano: `${startS}000000000`, endTimeUnixNano: `${startS + 1}000000000`, ...over });
  await new SpanWriter(db).write([
    root(a, 1_700_000_000, { name: "qa", inputs: { question: "capital of France?" }, outputs: "Paris" }),
    spanRecord({ traceId: a, spanId: "2".repeat(16), parentSpanId: a.slice(0, 16), name: "llm", inputs: { prompt: "…" }, outputs: "…" }),
    root(b, 1_700_000_100, { name: "qa", inputs: "bare string input", outputs: { answer: 4 }, statusCode: "ERROR" }),
    root(c, 1_700_000_200, { name: "other", inputs: null, outputs: null }),
  ]);
  const aq = new AssessmentQueries(db);
  const exp = (traceId: string, name: string, value: unknown) =>
    aq.log({ traceId, spanId: null, kind: "expectation", name, value, rationale: null, sourceType: "HUMAN", sourceId: "me" });
  exp(a, "expected_response", "Paris, first");
  exp(a, "expected_response", "Paris"); // replaces the first
  exp(a, "expected_facts", ["capital", "France"]);
  aq.log({ traceId: a, spanId: null, kind: "feedback", name: "relevance", value: true, rationale: null, sourceType: "CODE", sourceId: "s" });
  return { a, b, c };
}

test("fromTraces: root inputs/outputs, expectation assessments as expectations, trace ids; ids then filter, no repeats", async () => {
  const db = openDatabase(path.join(tmp(), "t.db"));
  const { a, b, c } = await seedTraces(db);
  const store = new DatasetStore(db);
  const info = store.fromTraces("from-traces", { traceIds: [`tr-${c}`, a], filter: "trace.name = 'qa'" }, { description: "d" });
  assert.deepEqual(info.source, { kind: "traces", traceCount: 3, filter: "trace.name = 'qa'" });
  assert.deepEqual(store.allRows("from-traces"), [
    { inputs: {}, trace_id: `tr-${c}` },
    { inputs: { question: "capital of France?" }, outputs: "Paris", expectations: { expected_response: "Paris", expected_facts: ["capital", "France"] }, trace_id: `tr-${a}` },
    { inputs: { request: "bare string input" }, outputs: { answer: 4 }, trace_id: `tr-${b}` },
  ]);
  const errs = store.fromTraces("errors", { filter: "trace.status = 'ERROR'", limit: 10 });
  assert.equal(errs.rowCount, 1);
  assert.throws(() => store.fromTraces("none", { filter: "trace.name = 'nope'" }), isDatasetError("no-traces", /no trace matches the filter/));
  assert.throws(() => store.fromTraces("missing", { traceIds: ["f".repeat(32)] }), isDatasetError("not-found", /no trace with id tr-f{32}/));
  assert.throws(() => store.fromTraces("bad", { filter: "trace.name = " }), FilterSyntaxError.is);
  assert.equal(store.info("missing"), null);
  db.close();
});
