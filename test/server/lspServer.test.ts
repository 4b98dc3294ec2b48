/** The real server process, driven over LSP (stdio) and OTLP/HTTP, with a real SQLite file. */
import assert from "node:assert/strict";
import net from "node:net";
import path from "node:path";
import { after, test } from "node:test";
import { initOptions, postJson, sampleOtlpJson, startLspServer, tmpDir, type LspServer } from "./lspHarness";

const started: LspServer[] = [];
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
});

async function start(dbPath: string, over = {}): Promise<LspServer> {
  const s = await startLspServer(initOptions(dbPath, over));
  started.push(s);
  return s;
}

test("server reports ready with a port; spans POSTed over OTLP are listed over LSP", async () => {
  const db = path.join(tmpDir(), "traces.db");
  const s = await start(db);
  const ready = await s.waitForStatus((st) => st.health === "ready");
  assert.ok(ready.otlpPort && ready.otlpPort > 0);
  assert.equal(ready.dbPath, db);
  assert.equal(ready.otlpEndpoint, `http://127.0.0.1:${ready.otlpPort}/v1/traces`);

  const traceId = "0123456789abcdef0123456789abcdef";
  const res = await postJson(ready.otlpPort!, sampleOtlpJson(traceId));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");

  const list = (await s.conn.sendRequest("scorelens/listTraces", { limit: 10 })) as {
    traces: Array<{ traceId: string; name: string; spanCount: number; totalTokens: number; state: string }>;
    total: number;
  };
  assert.equal(list.total, 1);
  assert.equal(list.traces[0]?.traceId, traceId);
  assert.equal(list.traces[0]?.name, "agent");
  assert.equal(list.traces[0]?.spanCount, 2);
  assert.equal(list.traces[0]?.totalTokens, 15);
  assert.equal(list.traces[0]?.state, "OK");

  const detail = (await s.conn.sendRequest("scorelens/getTrace", { traceId })) as { spans: Array<{ name: string; spanType: string }> };
  assert.deepEqual(
    detail.spans.map((x) => [x.name, x.spanType]),
    [["agent", "AGENT"], ["llm", "LLM"]],
  );
  const after = await s.waitForStatus((st) => st.traceCount === 1 && st.spanCount === 2);
  assert.equal(after.spansIngested, 2);
});

test("invalid request params get an InvalidParams error, and the server keeps serving", async () => {
  const s = await start(path.join(tmpDir(), "traces.db"));
  await s.waitForStatus((st) => st.health === "ready");
  await assert.rejects(s.conn.sendRequest("scorelens/listTraces", { limit: "many" }), /invalid params: limit/);
  const ok = (await s.conn.sendRequest("scorelens/getStatus", {})) as { health: string };
  assert.equal(ok.health, "ready");
});

test("a taken port is reported clearly and the next free port is used", async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const s = await start(path.join(tmpDir(), "traces.db"), { otlpPort: taken });
    const ready = await s.waitForStatus((st) => st.health === "ready");
    assert.notEqual(ready.otlpPort, taken);
    assert.ok(ready.otlpPort! > taken && ready.otlpPort! <= taken + 20);
    assert.match(ready.portNote ?? "", new RegExp(`port ${taken} is already in use`));
    const res = await fetch(`http://127.0.0.1:${ready.otlpPort}/health`);
    assert.equal(res.status, 200);
  } finally {
    blocker.close();
  }
});

test("two servers on one database: the second attaches, and takes over when the owner is killed", async () => {
  const db = path.join(tmpDir(), "traces.db");
  const a = await start(db);
  const readyA = await a.waitForStatus((st) => st.health === "ready");
  const b = await start(db);
  const attached = await b.waitForStatus((st) => st.health === "attached");
  assert.equal(attached.ownerPid, readyA.pid);
  assert.equal(attached.otlpPort, readyA.otlpPort);

  // both see the same store, and the attached server tells its client when the owner stored traces
  const changed = new Promise<unknown>((resolve) => b.conn.onNotification("scorelens/tracesChanged", resolve));
  await postJson(readyA.otlpPort!, sampleOtlpJson("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  const note = (await Promise.race([changed, new Promise((r) => setTimeout(() => r("timeout"), 10_000))])) as { traceCount?: number } | string;
  assert.notEqual(note, "timeout", "attached server sent scorelens/tracesChanged");
  assert.equal(typeof note === "object" ? note.traceCount : -1, 1);
  const list = (await b.conn.sendRequest("scorelens/listTraces", { limit: 5 })) as { traces: Array<{ traceId: string }> };
  assert.equal(list.traces[0]?.traceId, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

  a.proc.kill("SIGKILL");
  const took = await b.waitForStatus((st) => st.health === "ready", 20_000);
  assert.equal(took.pid, b.proc.pid);
  const res = await postJson(took.otlpPort!, sampleOtlpJson("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
  assert.equal(res.status, 200);
  const list2 = (await b.conn.sendRequest("scorelens/listTraces", { limit: 5 })) as { total: number };
  assert.equal(list2.total, 2, "nothing the killed owner acknowledged was lost");
});

test("the server exits and frees its port when the client goes away", async () => {
  const s = await start(path.join(tmpDir(), "traces.db"));
  const ready = await s.waitForStatus((st) => st.health === "ready");
  const exited = new Promise<number | null>((r) => s.proc.once("exit", (code) => r(code)));
  s.proc.stdin!.end(); // the client's end of the pipe closes, as when VS Code is killed
  const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 10_000))]);
  assert.notEqual(code, "timeout", "server exited after its client went away");
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(ready.otlpPort!, "127.0.0.1", () => resolve());
  });
  probe.close();
});
