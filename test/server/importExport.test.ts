/** `scorelens import` / `export` through the real CLI: MLflow JSON round trip, filters, corrupt files. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { tmpDir } from "./lspHarness";
import { cliTraces, runCli } from "./serveHarness";

const FIXTURES = path.resolve(__dirname, "../fixtures/wire");

test("MLflow fixtures import once (re-import is harmless), export as MLflow JSON, and re-import elsewhere identically", async () => {
  const dir = tmpDir();
  const a = path.join(dir, "a.db");
  const files = ["mlflow-v3-proto.json", "mlflow-v4-dict.json", "mlflow-v2.json", "mlflow-traces.jsonl"].map((f) => path.join(FIXTURES, f));
  const first = await runCli(["import", ...files, "--db", a]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /mlflow-v3-proto\.json: 1 trace\(s\), \d+ span\(s\) stored/);
  const again = await runCli(["import", ...files, "--db", a]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /0 span\(s\) stored/);
  const listA = await cliTraces(a);
  assert.ok(listA.length >= 3);

  const exported = await runCli(["export", "--db", a, "--last", "1000"]);
  assert.equal(exported.code, 0, exported.stderr);
  const docs = JSON.parse(exported.stdout) as Array<{ info: { trace_id: string; state: string }; data: { spans: unknown[] } }>;
  assert.equal(docs.length, listA.length);
  for (const d of docs) assert.match(d.info.trace_id, /^tr-[0-9a-f]{32}$/);

  const out = path.join(dir, "export.json");
  fs.writeFileSync(out, exported.stdout);
  const b = path.join(dir, "b.db");
  const re = await runCli(["import", out, "--db", b]);
  assert.equal(re.code, 0, re.stderr);
  const listB = await cliTraces(b);
  const key = (t: { traceId: string; name: string; spanCount: number; state: string; totalTokens: number }) =>
    `${t.traceId} ${t.name} ${t.spanCount} ${t.state} ${t.totalTokens}`;
  assert.deepEqual(listB.map(key).sort(), listA.map(key).sort());
});

test("export --filter uses MLflow filter syntax; a bad filter points at the column", async () => {
  const dir = tmpDir();
  const db = path.join(dir, "t.db");
  await runCli(["import", path.join(FIXTURES, "mlflow-traces.jsonl"), path.join(FIXTURES, "mlflow-v3-proto.json"), "--db", db]);
  const all = await cliTraces(db);
  const errors = all.filter((t) => t.state === "ERROR").length;
  const r = await runCli(["export", "--db", db, "--filter", "trace.status = 'ERROR'", "--jsonl"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim() === "" ? 0 : r.stdout.trim().split("\n").length, errors);
  const bad = await runCli(["export", "--db", db, "--filter", "trace.status = 'OK' OR trace.name = 'x'"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid filter at column 21: OR is not supported/);
  assert.match(bad.stderr, /\n {20}\^/);
});

test("a corrupt file is refused with where it broke, and nothing already stored changes", async () => {
  const dir = tmpDir();
  const db = path.join(dir, "t.db");
  await runCli(["import", path.join(FIXTURES, "mlflow-v3-proto.json"), "--db", db]);
  const before = await cliTraces(db);
  const bad = path.join(dir, "bad.jsonl");
  fs.writeFileSync(bad, fs.readFileSync(path.join(FIXTURES, "mlflow-traces.jsonl"), "utf8") + '{"info": {"trace_id": "tr-x"}, "data": \n');
  const r = await runCli(["import", bad, "--db", db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.jsonl: not imported: .*line \d+/);
  assert.deepEqual(await cliTraces(db), before);
});
