/**
 * `scorelens eval` through the real CLI, next to a running `scorelens serve` on the same store:
 * the SDK's evaluate() runs the example agent over a dataset (traces + its run land in the
 * store), then `eval` runs the same scorer files over those traces and gets the same numbers;
 * thresholds set the exit code; the JSON report and JUnit XML are written and well-formed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import type { AggregateMetric } from "../../protocol/scoring";
import { EvalReport } from "../../server/eval/evalReport";
import { findAll, parseXml } from "../unit/server/eval/xmlWellFormed";
import { ROOT, tmpDir } from "./lspHarness";
import { openReadonly, runCli, startServe, stopAllServers } from "./serveHarness";

after(stopAllServers);

const SCORERS = "examples/scorers.ts";
const SHARED = ["expected_facts/mean", "expected_facts/min", "mentions_city/mean", "tool_call_efficiency/mean"];

test("evaluate() on the example app, then scorelens eval over its traces: same numbers; thresholds decide the exit code", async () => {
  const dir = tmpDir();
  const db = path.join(dir, "store.db");
  const s = await startServe(db);
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/agent/evaluate.ts"], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${s.port}/v1/traces` },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const runId = /^run (run-[\w-]+):/m.exec(r.stdout)?.[1];
  assert.ok(runId, r.stdout);
  assert.match(r.stdout, /logged to http:\/\/127\.0\.0\.1:\d+\/scorelens\/v1\/runs/);

  const ro = openReadonly(db);
  const uploaded = JSON.parse(ro.prepare("SELECT aggregates FROM eval_runs WHERE run_id = ?").pluck().get(runId) as string) as AggregateMetric[];
  const traced = ro.prepare("SELECT count(*) FROM traces WHERE json_extract(tags, '$.\"scorelens.eval_run_id\"') = ?").pluck().get(runId);
  ro.close();
  assert.equal(traced, 5, "one trace per dataset row, tagged with the run");

  const json = path.join(dir, "report.json");
  const junit = path.join(dir, "junit.xml");
  const filter = `tag.\`scorelens.eval_run_id\` = '${runId}'`;
  const pass = await runCli(["eval", "--db", db, "--scorers", SCORERS, "--filter", filter, "--json", json, "--junit", junit, "--fail-under", "expected_facts/mean=0.5"], { timeoutMs: 120_000 });
  assert.equal(pass.code, 0, `${pass.stdout}\n${pass.stderr}`);
  assert.match(pass.stdout, /PASS .*expected_facts\/mean/);
  const report = EvalReport.parse(JSON.parse(fs.readFileSync(json, "utf8")));
  assert.equal(report.run.traceCount, 5);
  const value = (list: AggregateMetric[], name: string) => list.find((a) => a.name === name)?.value;
  for (const name of SHARED) {
    assert.notEqual(value(uploaded, name), undefined, `evaluate() reported ${name}`);
    assert.equal(value(report.aggregates, name), value(uploaded, name), `${name}: eval over the stored traces = evaluate()`);
  }
  const suite = parseXml(fs.readFileSync(junit, "utf8"));
  assert.equal(findAll(suite, "failure").length, 0);
  assert.ok(findAll(suite, "testcase").some((t) => /expected_facts\/mean/.test(t.attrs.name ?? "")));

  const fail = await runCli(["eval", "--db", db, "--scorers", "examples/*.ts", "--filter", filter, "--junit", junit, "--fail-under", "expected_facts/mean=0.9", "--fail-over", "errors=0"], { timeoutMs: 120_000 });
  assert.equal(fail.code, 1, `${fail.stdout}\n${fail.stderr}`);
  assert.match(fail.stdout, /FAIL .*expected_facts\/mean/);
  assert.match(fail.stdout, /eval FAILED/);
  const failures = findAll(parseXml(fs.readFileSync(junit, "utf8")), "failure");
  assert.equal(failures.length, 2, "both thresholds fail (answer_is_json errors on every trace)");

  const none = await runCli(["eval", "--db", db, "--scorers", "examples/nothing-*.ts"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no files match/);
});
