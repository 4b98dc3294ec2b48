/** Smoke tests of the `scorelens` CLI (dist/cli.js): help, usage errors, serve, traces, trace. */
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, test } from "node:test";
import { ROOT, sampleOtlpJson, tmpDir } from "./lspHarness";
import { cliTrace, cliTraces, rawRequest, runCli, startServe, stopAllServers } from "./serveHarness";

after(async () => {
  await stopAllServers();
});

test("--help (and -h, help) exits 0 and lists serve, traces and trace", async () => {
  for (const args of [["--help"], ["-h"], ["help"], [], ["traces", "--help"]]) {
    const r = await runCli(args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout, /^Usage:/m);
    for (const cmd of ["serve", "traces", "trace ID"]) assert.match(r.stdout, new RegExp(`scorelens ${cmd}\\b`));
    assert.match(r.stdout, /--max-body-bytes/);
    assert.equal(r.stderr, "");
  }
  const v = await runCli(["--version"]);
  assert.equal(v.code, 0);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
  assert.equal(v.stdout.trim(), pkg.version, "the build injects package.json's version");
});

test("usage errors exit 2 with a message on stderr", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["frobnicate"], /^scorelens: unknown command "frobnicate"; run scorelens --help$/m],
    [["serve", "--port", "http"], /--port must be an integer between 0 and 65535, got "http"/],
    [["serve", "--port", "70000"], /--port must be an integer between 0 and 65535, got "70000"/],
    [["serve", "--max-body-bytes", "10"], /--max-body-bytes must be an integer between 1024/],
    [["traces", "--bogus"], /bogus/],
    [["traces", "--last", "0"], /--last must be an integer between 1 and 100000/],
    [["trace"], /trace: missing trace ID/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")} → ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
});

test("serve on a taken port: listens on another port, and says so on stderr", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const db = path.join(tmpDir(), "traces.db");
    const s = await startServe(db, { port: taken });
    assert.notEqual(s.port, taken);
    assert.ok(s.port > taken && s.port <= taken + 20, `port ${s.port}`);
    assert.equal(s.listening.endpoint, `http://127.0.0.1:${s.port}/v1/traces`);
    assert.equal(s.listening.db, db);
    assert.equal(s.listening.pid, s.pid);
    // The warning follows the listening line; give stderr a moment.
    const deadline = Date.now() + 5000;
    while (!s.stderr().includes("already in use") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(s.stderr(), new RegExp(`WARN.*port ${taken} is already in use \\(EADDRINUSE\\); OTLP receiver is on ${s.port} instead`));
    assert.match(s.stderr(), new RegExp(`point your exporter at http://127\\.0\\.0\\.1:${s.port}/v1/traces`));
    const h = await rawRequest(s.port, { method: "GET", path: "/health" });
    assert.equal(h.status, 200);
    await s.stop();
  } finally {
    blocker.close();
  }
});

test("traces --json and trace ID --json read what serve ingested; text output too", async () => {
  const db = path.join(tmpDir(), "traces.db");
  const s = await startServe(db);
  const ids = ["c1100000000000000000000000000001", "c1100000000000000000000000000002", "c1100000000000000000000000000003"];
  for (const [i, id] of ids.entries()) {
    const r = await rawRequest(s.port, {
      headers: { "content-type": "application/json" },
      body: sampleOtlpJson(id, { rootName: `run-${i}`, error: i === 1 }),
    });
    assert.equal(r.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct start times
  }

  const all = await cliTraces(db);
  assert.deepEqual(
    all.map((t) => [t.traceId, t.name, t.state, t.spanCount, t.totalTokens]),
    [
      [ids[2], "run-2", "OK", 2, 15],
      [ids[1], "run-1", "ERROR", 2, 15],
      [ids[0], "run-0", "OK", 2, 15],
    ],
    "newest first",
  );
  assert.equal(all[0]?.requestId, `tr-${ids[2]}`);
  assert.equal(all[0]?.serviceName, "test-app");
  assert.equal((await cliTraces(db, 2)).length, 2, "--last");

  const t = await cliTrace(db, ids[1]!);
  assert.equal(t.summary.traceId, ids[1]);
  assert.equal(t.summary.errorCount, 2);
  assert.deepEqual(
    t.spans.map((x) => [x.spanId, x.parentSpanId, x.name, x.spanType, x.model]),
    [
      ["1111111111111111", null, "run-1", "AGENT", null],
      ["2222222222222222", "1111111111111111", "llm", "LLM", "gpt-test"],
    ],
  );
  assert.deepEqual(t.spans[1]?.usage, { inputTokens: 10, outputTokens: 5, totalTokens: 15 });
  // The MLflow-style id works too.
  assert.deepEqual((await cliTrace(db, `tr-${ids[1]!}`)).summary, t.summary);

  const text = await runCli(["traces", "--db", db]);
  assert.equal(text.code, 0);
  const lines = text.stdout.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, new RegExp(`^tr-${ids[2]}  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  OK +\\d+ms +2 spans  run-2$`));
  assert.match(lines[1]!, /ERROR/);
  const one = await runCli(["trace", ids[0]!, "--db", db]);
  assert.equal(one.code, 0);
  assert.match(one.stdout, new RegExp(`^tr-${ids[0]}  run-0  OK  5ms\\n`));
  assert.match(one.stdout, /^ {2}2222222222222222 1111111111111111 LLM +llm$/m);

  // SCORELENS_DB is the default --db.
  const viaEnv = await runCli(["traces", "--json"], { env: { SCORELENS_DB: db } });
  assert.equal(viaEnv.code, 0);
  assert.equal((JSON.parse(viaEnv.stdout) as unknown[]).length, 3);

  await s.stop();
});

test("trace of an unknown id exits 1", async () => {
  const db = path.join(tmpDir(), "traces.db");
  const s = await startServe(db);
  const r = await runCli(["trace", "ffffffffffffffffffffffffffffffff", "--db", db, "--json"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^scorelens: no trace with id ffffffffffffffffffffffffffffffff$/m);
  assert.equal(r.stdout, "");
  await s.stop();
});

test("a second serve on a database that is already served exits 1 and names the owner", async () => {
  const db = path.join(tmpDir(), "traces.db");
  const first = await startServe(db);
  await assert.rejects(startServe(db), (e: Error) => {
    assert.match(e.message, /exited \(code 1/);
    assert.match(e.message, new RegExp(`is already served by another ScoreLens server \\(pid ${first.pid}\\) on port ${first.port}`));
    return true;
  });
  await first.stop();
});

test("SIGTERM: serve flushes, checkpoints, exits 0; the data is there", async () => {
  const db = path.join(tmpDir(), "traces.db");
  const s = await startServe(db);
  const id = "d0d0000000000000000000000000000d";
  const r = await rawRequest(s.port, { headers: { "content-type": "application/json" }, body: sampleOtlpJson(id) });
  assert.equal(r.status, 200);
  s.proc.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([s.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 10_000)))]);
  clearTimeout(timer);
  assert.ok(exit, "exited within 10 s");
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.match(s.stderr(), /SIGTERM: flushing and closing the store/);
  const wal = `${db}-wal`;
  assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, "the WAL was checkpointed");
  assert.equal((await cliTrace(db, id)).summary.spanCount, 2);
});
