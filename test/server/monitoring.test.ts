/**
 * Monitoring through the real `scorelens serve` process (dist/cli.js): a scorer registered with
 * the CLI and started at 50% over HTTP scores about half of 200 OTLP traces, exactly the ones
 * the sampler picks; a kill -9 with a backlog, then a restart, loses and repeats nothing;
 * stopping stops new assessments; a backfill scores earlier traces and skips scored ones; a
 * backfill killed with pages in flight resumes after a restart from its last stored page.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import type { BackfillJob, MonitoringSnapshot, RegisteredScorer } from "../../protocol/monitoring";
import { sampleScorers } from "../../server/monitoring/sampler";
import { api, assessed as assessedIn, jobRow, newIds, pendingCount as pendingIn, sendTraces, until } from "./monitoringHarness";
import { openReadonly, runCli, startServe, stopAllServers, type ServeProcess } from "./serveHarness";

after(stopAllServers);

const SCORERS = `import { scorer } from "scorelens";
export const fastLen = scorer("fast_len", ({ outputs }) => String(outputs ?? "").length);
export const slowLen = scorer("slow_len", async ({ outputs }) => {
  await new Promise((r) => setTimeout(r, 100));
  return String(outputs ?? "").length;
});
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-monitoring-e2e-"));
const db = path.join(dir, "traces.db");
const file = path.join(dir, "scorers.ts");
fs.writeFileSync(file, SCORERS);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const assessed = (scorer: string): Map<string, number> => assessedIn(db, scorer);
const pendingCount = (): number => pendingIn(db);

test("sampling at 50%, kill -9 with a backlog, stop, backfill", { timeout: 240_000 }, async () => {
  let serve: ServeProcess = await startServe(db);
  const reg = await runCli(["scorers", "register", file, "--export", "fastLen", "--db", db, "--json"]);
  assert.equal(reg.code, 0, reg.stderr);
  assert.equal((JSON.parse(reg.stdout) as RegisteredScorer).version, 1);
  const bad = await api<{ error: string; code: string }>(serve.port, "POST", "/scorelens/v1/scorers/fast_len/start", { sampleRate: 0.5, filterString: "trace.status = " });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /invalid filter_string/);
  const started = await api<RegisteredScorer>(serve.port, "POST", "/scorelens/v1/scorers/fast_len/start", { sampleRate: 0.5 });
  assert.equal(started.status, 200);
  assert.equal(started.body.state, "active");

  // ── 1. 200 traces at 50% ──
  const first = newIds(200);
  await sendTraces(serve.port, first);
  const expected = first.filter((id) => sampleScorers(id, [{ name: "fast_len", sampleRate: 0.5 }]).length > 0);
  assert.ok(Math.abs(expected.length - 100) <= 5 * Math.sqrt(200 * 0.25), `sampler took ${expected.length} of 200`);
  await until("the backlog to drain", async () => {
    const snap = (await api<MonitoringSnapshot>(serve.port, "GET", "/scorelens/v1/monitoring")).body;
    return snap.scorers.find((s) => s.name === "fast_len")?.backlog === 0 && assessed("fast_len").size >= expected.length;
  });
  const got1 = assessed("fast_len");
  assert.deepEqual([...got1.keys()].sort(), [...expected].sort(), "exactly the sampled traces");
  assert.ok([...got1.values()].every((n) => n === 1));
  const snap1 = (await api<MonitoringSnapshot>(serve.port, "GET", "/scorelens/v1/monitoring")).body;
  assert.ok(snap1.lagP50Ms !== null && snap1.lagP95Ms !== null);

  // ── 2. kill -9 with a backlog (a slow scorer at 100%), restart: nothing twice, nothing skipped ──
  assert.equal((await runCli(["scorers", "stop", "fast_len", "--db", db])).code, 0);
  assert.equal((await runCli(["scorers", "register", file, "--export", "slowLen", "--db", db])).code, 0);
  assert.equal((await runCli(["scorers", "start", "slow_len", "--sample-rate", "1", "--db", db])).code, 0);
  const second = newIds(80);
  await sendTraces(serve.port, second);
  await until("some slow results", () => assessed("slow_len").size >= 10, 30_000);
  await serve.kill9();
  const beforeRestart = assessed("slow_len").size;
  assert.ok(beforeRestart < second.length, `the backlog should not have drained (${beforeRestart})`);
  assert.ok(pendingCount() > 0, "pending rows survive the kill");
  serve = await startServe(db);
  await until("the backlog to drain after the restart", () => pendingCount() === 0 && assessed("slow_len").size === second.length, 90_000);
  const got2 = assessed("slow_len");
  assert.deepEqual([...got2.keys()].sort(), [...second].sort(), "every trace of the backlog scored, none before it");
  assert.ok([...got2.values()].every((n) => n === 1), "no trace scored twice");

  // ── 3. stop: new traces get no assessments ──
  const stopped = await api<RegisteredScorer>(serve.port, "POST", "/scorelens/v1/scorers/slow_len/stop");
  assert.equal(stopped.body.state, "stopped");
  const third = newIds(30);
  await sendTraces(serve.port, third);
  await until("the new traces to be looked at", () => {
    const d = openReadonly(db);
    try {
      return d.prepare("SELECT count(*) FROM traces WHERE monitored_ms IS NULL").pluck().get() === 0;
    } finally {
      d.close();
    }
  });
  await new Promise((r) => setTimeout(r, 500));
  const after3 = assessed("slow_len");
  assert.ok(third.every((id) => !after3.has(id)), "a stopped scorer scores nothing new");

  // ── 4. backfill fast_len at 100% over everything: skips the ones monitoring scored ──
  const job = await api<BackfillJob>(serve.port, "POST", "/scorelens/v1/backfills", { scorers: [{ name: "fast_len", sampleRate: 1 }], fromMs: Date.now() - 3600_000 });
  assert.equal(job.status, 200, JSON.stringify(job.body));
  assert.equal(job.body.total, 310);
  let last: BackfillJob = job.body;
  await until("the backfill to complete", async () => {
    last = (await api<BackfillJob>(serve.port, "GET", `/scorelens/v1/backfills/${job.body.jobId}`)).body;
    return last.status === "completed";
  });
  assert.equal(last.done, 310);
  assert.equal(last.scored, 310 - expected.length);
  assert.equal(last.skipped, expected.length);
  const all = assessed("fast_len");
  assert.equal(all.size, 310);
  assert.ok([...all.values()].every((n) => n === 1), "one assessment set per (trace, scorer version)");
  await serve.stop();
});

test("a backfill killed with pages in flight resumes after the restart: nothing twice, nothing skipped", { timeout: 120_000 }, async () => {
  const db2 = path.join(dir, "restart.db");
  const slow = path.join(dir, "slow.ts");
  // 20 ms a trace: 800 traces on 2 workers take about 8 s
  fs.writeFileSync(slow, `import { scorer } from "scorelens";\nexport const slowBf = scorer("slow_bf", async ({ outputs }) => { await new Promise((r) => setTimeout(r, 20)); return String(outputs ?? "").length; });\n`);
  let serve = await startServe(db2);
  assert.equal((await runCli(["scorers", "register", slow, "--export", "slowBf", "--db", db2])).code, 0);
  const ids = newIds(800, "5e5");
  await sendTraces(serve.port, ids);
  const job = await api<BackfillJob>(serve.port, "POST", "/scorelens/v1/backfills", { scorers: [{ name: "slow_bf" }], fromMs: Date.now() - 3600_000 });
  assert.equal(job.status, 200, JSON.stringify(job.body));
  assert.equal(job.body.scorers[0]?.sampleRate, 1, "a scorer that never started backfills at 1.0");
  await until("the first page to be stored", () => jobRow(db2, job.body.jobId).done >= 200, 60_000, 20);
  await serve.kill9();
  const atKill = jobRow(db2, job.body.jobId);
  assert.ok(atKill.done >= 200 && atKill.done < ids.length && atKill.done % 200 === 0, `killed between pages (${atKill.done} done)`);
  assert.equal(assessedIn(db2, "slow_bf").size, atKill.done, "pages in flight stored nothing");

  serve = await startServe(db2);
  let last = job.body;
  await until("the resumed backfill to complete", async () => {
    last = (await api<BackfillJob>(serve.port, "GET", `/scorelens/v1/backfills/${job.body.jobId}`)).body;
    return last.status === "completed";
  });
  assert.deepEqual([last.done, last.scored, last.skipped, last.errors], [ids.length, ids.length, 0, 0]);
  const got = assessedIn(db2, "slow_bf");
  assert.deepEqual([...got.keys()].sort(), [...ids].sort());
  assert.ok([...got.values()].every((n) => n === 1), "no trace scored twice");
  await serve.stop();
});
