/**
 * Online monitoring with several scorers through the real `scorelens serve` process (dist/cli.js):
 * three scorers of one file (two at 1.0, one at 0.5 with a filter) score exactly the sampled
 * (trace, scorer) pairs, each once, batched per trace; the scorer worker threads run at a lower OS
 * priority than the server's main thread; a kill -9 in the middle of multi-scorer batches, then a
 * restart, neither loses nor repeats a result.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import type { MonitoringSnapshot, RegisteredScorer } from "../../protocol/monitoring";
import { sampleScorers } from "../../server/monitoring/sampler";
import { nowNs, otlpJsonBody } from "./otlpBodies";
import { openReadonly, rawRequest, startServe, stopAllServers, type ServeProcess } from "./serveHarness";

after(stopAllServers);

const SCORERS = `import { scorer } from "scorelens";
export const len = scorer("len", ({ outputs }) => String(outputs ?? "").length);
export const hasAnswer = scorer("has_answer", ({ outputs }) => String(outputs ?? "").includes("answer"));
export const slow = scorer("slow", async ({ outputs }) => {
  await new Promise((r) => setTimeout(r, 30));
  return String(outputs ?? "").length;
});
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-monitor-online-"));
const file = path.join(dir, "scorers.ts");
fs.writeFileSync(file, SCORERS);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let seq = 0;
function newIds(n: number): string[] {
  return Array.from({ length: n }, () => (++seq).toString(16).padStart(8, "0") + "0a1b2c".padEnd(24, "0"));
}

/** Root-only traces, 50 per body; even ones are named "even". */
async function sendTraces(port: number, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 50) {
    const t = nowNs();
    const spans = ids.slice(i, i + 50).map((traceId, k) => ({
      traceId,
      spanId: (k + 1).toString(16).padStart(16, "0"),
      name: parseInt(traceId.slice(0, 8), 16) % 2 === 0 ? "even" : "odd",
      startNs: t,
      endNs: t + 1_000_000n,
      attributes: { "mlflow.spanOutputs": JSON.stringify(`answer ${traceId.slice(0, 8)}`) },
    }));
    const r = await rawRequest(port, { body: otlpJsonBody(spans), headers: { "content-type": "application/json" } });
    assert.equal(r.status, 200, r.body.toString());
  }
}

async function api<T>(port: number, method: string, p: string, body?: unknown): Promise<T> {
  const r = await rawRequest(port, { method, path: p, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  assert.equal(r.status, 200, `${method} ${p}: ${r.body.toString()}`);
  return JSON.parse(r.body.toString("utf8")) as T;
}

/** Assessment rows per (trace, scorer), read-only while the server writes. */
function assessed(db: string): Map<string, number> {
  const d = openReadonly(db);
  try {
    const rows = d.prepare("SELECT trace_id || ' ' || source_id AS k, count(*) AS n FROM assessments GROUP BY trace_id, source_id").all() as Array<{ k: string; n: number }>;
    return new Map(rows.map((r) => [r.k, r.n]));
  } finally {
    d.close();
  }
}

function pendingCount(db: string): number {
  const d = openReadonly(db);
  try {
    return Number(d.prepare("SELECT count(*) FROM monitor_pending").pluck().get());
  } finally {
    d.close();
  }
}

async function until(what: string, f: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function registerAll(port: number, rates: Record<string, { sampleRate: number; filterString?: string }>): Promise<void> {
  for (const exportName of ["len", "hasAnswer", "slow"]) {
    const reg = await api<RegisteredScorer>(port, "POST", "/scorelens/v1/scorers", { file, exportName });
    const rate = rates[reg.name];
    if (rate) await api<RegisteredScorer>(port, "POST", `/scorelens/v1/scorers/${reg.name}/start`, rate);
  }
}

/** Nice value of each thread of `pid` whose name starts with `prefix` (Linux). */
function threadNice(pid: number, prefix: string): number[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .filter((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").startsWith(prefix))
    .map((tid) => Number(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]));
}

test("three scorers of one file: exactly the sampled (trace, scorer) pairs, each once; workers at a lower priority", { timeout: 180_000 }, async () => {
  const db = path.join(dir, "online.db");
  const serve: ServeProcess = await startServe(db);
  await registerAll(serve.port, { len: { sampleRate: 1 }, has_answer: { sampleRate: 0.5, filterString: "trace.name = 'even'" } });
  const ids = newIds(300);
  await sendTraces(serve.port, ids);
  const expected = new Set<string>();
  for (const id of ids) {
    const matching = [{ name: "len", sampleRate: 1 }, ...(parseInt(id.slice(0, 8), 16) % 2 === 0 ? [{ name: "has_answer", sampleRate: 0.5 }] : [])];
    for (const s of sampleScorers(id, matching)) expected.add(`${id} ${s.name}`);
  }
  await until("every sample scored", () => pendingCount(db) === 0 && assessed(db).size >= expected.size);
  const got = assessed(db);
  assert.deepEqual([...got.keys()].sort(), [...expected].sort(), "exactly the sampled pairs");
  assert.ok([...got.values()].every((n) => n === 1), "one assessment per (trace, scorer)");
  const snap = await api<MonitoringSnapshot>(serve.port, "GET", "/scorelens/v1/monitoring");
  assert.equal(snap.scorers.find((s) => s.name === "len")?.scoredCount, 300);
  assert.ok(snap.lagP50Ms !== null && snap.lagP95Ms !== null && snap.lagP95Ms >= snap.lagP50Ms);
  if (process.platform === "linux") {
    const workers = threadNice(serve.pid, "scorelens-scor");
    assert.ok(workers.length >= 1, "scorer worker threads are running");
    assert.ok(workers.every((n) => n === 10), `scorer workers at nice 10, got ${workers.join(", ")}`);
    assert.deepEqual(threadNice(serve.pid, "MainThread").concat(threadNice(serve.pid, "node")).slice(0, 1), [0], "the main thread keeps its priority");
  }
  await serve.stop();
});

test("kill -9 in the middle of multi-scorer batches: after a restart every (trace, scorer) is scored exactly once", { timeout: 240_000 }, async () => {
  const db = path.join(dir, "kill.db");
  let serve: ServeProcess = await startServe(db);
  await registerAll(serve.port, { len: { sampleRate: 1 }, has_answer: { sampleRate: 1 }, slow: { sampleRate: 1 } });
  const ids = newIds(200);
  await sendTraces(serve.port, ids);
  await until("some results", () => assessed(db).size >= 30, 60_000);
  await serve.kill9();
  const before = assessed(db).size;
  assert.ok(before < ids.length * 3, `the backlog should not have drained (${before})`);
  assert.ok(pendingCount(db) > 0, "pending rows survive the kill");
  serve = await startServe(db);
  await until("the backlog to drain after the restart", () => pendingCount(db) === 0 && assessed(db).size === ids.length * 3, 120_000);
  const got = assessed(db);
  const expected = ids.flatMap((id) => ["len", "has_answer", "slow"].map((s) => `${id} ${s}`));
  assert.deepEqual([...got.keys()].sort(), expected.sort(), "every (trace, scorer) of the backlog, none more");
  assert.ok([...got.values()].every((n) => n === 1), "nothing scored twice");
  await serve.stop();
});
