/**
 * Takeover (issue 7): two real servers on one store. `scorelens serve` owns it and runs a
 * backfill; a language server (dist/server.js) is attached. The owner is killed with SIGKILL in the
 * middle of the job, with pages in flight and fresh traces for an active scorer; the attached
 * server takes the lease over and, without a restart, finishes the job from its cursor and scores
 * the new traces: every trace is scored exactly once, none is skipped.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import type { BackfillJob, RegisteredScorer } from "../../protocol/monitoring";
import { initOptions, startLspServer, type LspServer } from "./lspHarness";
import { api, assessed, jobRow, newIds, origins, pendingCount, sendTraces, unmonitoredCount, until } from "./monitoringHarness";
import { runCli, startServe, stopAllServers } from "./serveHarness";

const SCORERS = `import { scorer } from "scorelens";
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** 20 ms a trace: a backfill of 800 traces on 2 workers takes about 8 s, so it can be killed half way. */
export const bfLen = scorer("bf_len", async ({ outputs }) => {
  await pause(20);
  return String(outputs ?? "").length;
});
export const monLen = scorer("mon_len", async ({ outputs }) => {
  await pause(20);
  return String(outputs ?? "").length;
});
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-takeover-"));
const db = path.join(dir, "traces.db");
const file = path.join(dir, "scorers.ts");
fs.writeFileSync(file, SCORERS);
let standby: LspServer | null = null;
after(async () => {
  await stopAllServers();
  await standby?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the server that takes the store over resumes the backfill and the monitoring backlog", { timeout: 180_000 }, async () => {
  const owner = await startServe(db);
  for (const exportName of ["bfLen", "monLen"]) {
    const r = await runCli(["scorers", "register", file, "--export", exportName, "--db", db]);
    assert.equal(r.code, 0, r.stderr);
  }
  const old = newIds(800, "0dd");
  await sendTraces(owner.port, old); // no scorer is active: admitted, nothing to score

  const b = await startLspServer(initOptions(db));
  standby = b;
  const attached = await b.waitForStatus((s) => s.health === "attached");
  assert.equal(attached.ownerPid, owner.pid);

  const started = await api<BackfillJob>(owner.port, "POST", "/scorelens/v1/backfills", { scorers: [{ name: "bf_len", sampleRate: 1 }], fromMs: Date.now() - 3600_000 });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const jobId = started.body.jobId;
  assert.equal(started.body.total, old.length);
  // one page (200) stored, more in flight
  await until("the first page to be stored", () => jobRow(db, jobId).done >= 200, 60_000, 20);

  // an active scorer and fresh traces right before the kill: the new owner must score them
  const mon = await api<RegisteredScorer>(owner.port, "POST", "/scorelens/v1/scorers/mon_len/start", { sampleRate: 1 });
  assert.equal(mon.status, 200, JSON.stringify(mon.body));
  const fresh = newIds(100, "f2e54");
  await sendTraces(owner.port, fresh);
  await owner.kill9();

  const atKill = jobRow(db, jobId);
  assert.equal(atKill.status, "running");
  assert.equal(atKill.runner_pid, owner.pid);
  assert.ok(atKill.done >= 200 && atKill.done < old.length, `killed mid-job (${atKill.done} of ${old.length} done)`);
  assert.equal(atKill.done % 200, 0, "only whole pages are stored");
  assert.equal(assessed(db, "bf_len").size, atKill.done, "the pages in flight stored nothing");
  const left = pendingCount(db) + unmonitoredCount(db);
  assert.ok(left > 0, "the owner died with monitoring work left");

  // the attached server takes over (the dead pid frees the lease) and finishes both, with no restart
  const ready = await b.waitForStatus((s) => s.health === "ready", 30_000);
  assert.equal(ready.pid, b.proc.pid);
  assert.ok(ready.otlpPort !== null);
  let job = started.body;
  await until(
    "the new owner to finish the backfill",
    async () => {
      job = (await api<BackfillJob>(ready.otlpPort as number, "GET", `/scorelens/v1/backfills/${jobId}`)).body;
      return job.status !== "running" && job.status !== "queued";
    },
    90_000,
  );
  assert.equal(job.status, "completed", job.message ?? "");
  assert.deepEqual([job.done, job.scored, job.skipped, job.errors], [old.length, old.length, 0, 0], "counted once each");
  assert.equal(jobRow(db, jobId).runner_pid, b.proc.pid, "the new owner ran the rest");
  const bf = assessed(db, "bf_len");
  assert.deepEqual([...bf.keys()].sort(), [...old].sort(), "every trace in range scored, none outside it");
  assert.ok([...bf.values()].every((n) => n === 1), "no trace scored twice");
  assert.deepEqual([...origins(db, "bf_len")], [[`backfill:${jobId}`, old.length]]);

  await until("the new owner to drain the monitoring backlog", () => pendingCount(db) === 0 && unmonitoredCount(db) === 0 && assessed(db, "mon_len").size >= fresh.length, 60_000);
  const mon2 = assessed(db, "mon_len");
  assert.deepEqual([...mon2.keys()].sort(), [...fresh].sort(), "exactly the fresh traces, each once");
  assert.ok([...mon2.values()].every((n) => n === 1));
  await b.stop();
  standby = null;
});
