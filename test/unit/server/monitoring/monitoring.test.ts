/**
 * MonitoringService in-process against real SQLite files and real worker threads: registry
 * lifecycle, filter errors, the active-scorer limit, filter matching + exclusion of ScoreLens's
 * own traces during admission, results stored as versioned assessments, and dashboard buckets.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { sampleScorers } from "../../../../server/monitoring/sampler";
import { MonitoringError } from "../../../../server/monitoring/registry";
import { MonitoringService } from "../../../../server/monitoring/service";
import { openDatabase, type Db } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { spanRecord } from "../../support/spanRecord";
import { buildWorkerScript, SDK_ENTRY } from "../scorers/runtime/helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-monitoring-"));
const services: MonitoringService[] = [];
after(async () => {
  for (const s of services) await s.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SCORERS = `import { scorer } from "scorelens";
export const answerLength = scorer({ name: "answer_length", aggregations: ["mean"] }, ({ outputs }) => String(outputs ?? "").length);
export const isGood = scorer("is_good", ({ outputs }) => String(outputs).includes("good"));
export const thrower = scorer("thrower", () => { throw new Error("nope"); });
`;

const HOUR = 3600_000;
const BASE = Date.UTC(2026, 0, 1, 10); // 10:00 UTC

function traceId(i: number): string {
  return i.toString(16).padStart(32, "0");
}

async function setup(max?: number): Promise<{ db: Db; svc: MonitoringService; file: string; writer: SpanWriter }> {
  const db = openDatabase(path.join(dir, `m-${Math.random().toString(36).slice(2)}.db`));
  const file = path.join(dir, `scorers-${Math.random().toString(36).slice(2)}.ts`);
  fs.writeFileSync(file, SCORERS);
  const svc = new MonitoringService({
    db,
    sdkEntry: SDK_ENTRY,
    ...(max ? { maxActive: max } : {}),
    pool: { workerScript: await buildWorkerScript(), size: 2 },
    monitor: { pollMs: 50, backoffMs: 20, maxAttempts: 2 },
  });
  services.push(svc);
  return { db, svc, file, writer: new SpanWriter(db) };
}

/** Trace i: root span at BASE + i/2 hours (two hours of traces per 4 ids), output "good"/"bad". */
function spans(from: number, to: number, tags: Record<string, string> = {}) {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const start = BASE + Math.floor(i / 2) * HOUR;
    return spanRecord({
      traceId: traceId(i),
      spanId: (i + 1).toString(16).padStart(16, "0"),
      name: i % 2 === 0 ? "even" : "odd",
      startTimeUnixNano: String(BigInt(start) * 1_000_000n),
      endTimeUnixNano: String(BigInt(start + 5) * 1_000_000n),
      outputs: i % 3 === 0 ? "good answer" : "bad",
      tags,
    });
  });
}

async function until(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("lifecycle: register → start → update → stop → delete, versions, filter errors, limit", async () => {
  const { svc, file } = await setup(2);
  const r1 = await svc.register({ file, exportName: "answerLength" });
  assert.equal(r1.name, "answer_length");
  assert.equal(r1.version, 1);
  assert.equal(r1.state, "registered");
  assert.deepEqual(r1.aggregations, ["mean"]);
  assert.match(r1.sourceHash, /^[0-9a-f]{64}$/);
  await assert.rejects(svc.register({ file, exportName: "nope" }), /no exported scorer "nope".*answerLength/);
  const r2 = await svc.register({ file, exportName: "answerLength" });
  assert.equal(r2.version, 2);
  assert.equal(r1.version, 1, "records are values, not live views");

  assert.throws(() => svc.registry.start("answer_length", 0.5, "trace.status = "), (e: unknown) => MonitoringError.is(e) && e.code === "invalid" && /invalid filter_string/.test(e.message));
  assert.throws(() => svc.registry.start("missing", 0.5), (e: unknown) => MonitoringError.is(e) && e.code === "not-found");
  assert.throws(() => svc.registry.start("answer_length", 1.5), /between 0 and 1/);
  const a = svc.registry.start("answer_length", 0.5, "trace.name = 'even'");
  assert.equal(a.state, "active");
  assert.equal(a.filterString, "trace.name = 'even'");
  const u = svc.registry.update("answer_length", { sampleRate: 0.25 });
  assert.equal(u.sampleRate, 0.25);
  assert.equal(u.filterString, "trace.name = 'even'", "update keeps what it is not given");

  await svc.register({ file, exportName: "isGood" });
  await svc.register({ file, exportName: "thrower" });
  svc.registry.start("is_good", 1);
  assert.throws(
    () => svc.registry.start("thrower", 0.1),
    (e: unknown) => MonitoringError.is(e) && e.code === "limit" && /at most 2 scorers/.test(e.message) && /answer_length, is_good/.test(e.message),
  );
  // updating an active one is not "starting" another
  svc.registry.update("is_good", { sampleRate: 0.9 });
  const stopped = svc.registry.stop("answer_length");
  assert.equal(stopped.state, "stopped");
  assert.equal(stopped.sampleRate, 0);
  assert.equal(svc.registry.start("thrower", 0.1).state, "active");
  assert.equal(svc.registry.delete("thrower"), true);
  assert.equal(svc.registry.get("thrower"), null);
  assert.equal(svc.registry.delete("thrower"), false);
  assert.equal((await svc.register({ file, exportName: "thrower" })).version, 2, "a deleted name's versions are not reused");
});

test("admission: filter matching, dense sampling, own traces excluded; results are versioned assessments", async () => {
  const { db, svc, file, writer } = await setup();
  await svc.register({ file, exportName: "answerLength" });
  await svc.register({ file, exportName: "isGood" });
  svc.registry.start("answer_length", 0.5, "trace.name = 'even'");
  svc.registry.start("is_good", 1);
  await writer.write(spans(0, 120));
  await writer.write(spans(1000, 1010, { "scorelens.eval_run_id": "run-x" }));
  svc.notifyCommitted();
  const expected = new Map<string, Set<string>>([["answer_length", new Set()], ["is_good", new Set()]]);
  for (let i = 0; i < 120; i++) {
    const matching = [{ name: "is_good", sampleRate: 1 }, ...(i % 2 === 0 ? [{ name: "answer_length", sampleRate: 0.5 }] : [])];
    for (const s of sampleScorers(traceId(i), matching)) expected.get(s.name)?.add(traceId(i));
  }
  const scored = (name: string) => new Set(db.prepare("SELECT DISTINCT trace_id FROM assessments WHERE source_id = ?").pluck().all(name) as string[]);
  await until("assessments", () => scored("is_good").size === 120 && scored("answer_length").size === (expected.get("answer_length")?.size ?? -1));
  await svc.monitor.whenIdle();
  assert.deepEqual([...scored("answer_length")].sort(), [...(expected.get("answer_length") ?? [])].sort());
  for (const id of scored("answer_length")) assert.equal(Number.parseInt(id, 16) % 2, 0, "only traces matching the filter");
  assert.equal(db.prepare("SELECT count(*) FROM assessments WHERE trace_id >= ?").pluck().get(traceId(1000)), 0, "eval-run traces are never monitored");
  const meta = JSON.parse(db.prepare("SELECT metadata FROM assessments WHERE source_id = 'is_good' LIMIT 1").pluck().get() as string) as Record<string, string>;
  assert.equal(meta["scorelens.scorer.version"], "1");
  assert.equal(db.prepare("SELECT count(*) FROM monitor_pending").pluck().get(), 0);
  const snap = svc.snapshot();
  assert.equal(snap.scorers.find((s) => s.name === "is_good")?.scoredCount, 120);
  assert.ok(snap.lagP50Ms !== null && snap.lagP95Ms !== null && snap.lagP95Ms >= snap.lagP50Ms);

  // dashboard: 2 traces per hour → 60 hourly buckets; eligible counts the filter
  const series = svc.dashboard({ fromMs: BASE, toMs: BASE + 60 * HOUR, bucket: "hour" });
  const good = series.find((s) => s.scorer === "is_good");
  assert.ok(good);
  assert.equal(good.points.length, 60);
  const p0 = good.points[0];
  assert.ok(p0);
  assert.equal(p0.t, BASE);
  assert.equal(p0.scored, 2);
  assert.equal(p0.eligible, 2);
  assert.equal(p0.passRate, 0.5, "trace 0 good, trace 1 bad");
  assert.equal(p0.value, 0.5);
  assert.equal(p0.errorRate, 0);
  const len = series.find((s) => s.scorer === "answer_length");
  assert.ok(len);
  assert.ok(len.points.every((p) => p.eligible === 1 && p.scored <= 1 && p.passRate === null));
  const day = svc.dashboard({ fromMs: BASE, toMs: BASE + 60 * HOUR, bucket: "day" });
  const dayGood = day.find((s) => s.scorer === "is_good");
  assert.equal(dayGood?.points.reduce((n, p) => n + p.scored, 0), 120);
  assert.equal(svc.dashboardTraces({ scorer: "is_good", assessment: "is_good", fromMs: BASE, toMs: BASE + HOUR, limit: 10 }).length, 2);

  // errors: retried up to maxAttempts, then stored as an error assessment
  await svc.register({ file, exportName: "thrower" });
  svc.registry.start("thrower", 1, "trace.name = 'odd'");
  await writer.write(spans(2000, 2004));
  svc.notifyCommitted();
  await until("error assessments", () => scored("thrower").size === 2);
  const err = db.prepare("SELECT error FROM assessments WHERE source_id = 'thrower' LIMIT 1").pluck().get() as string;
  assert.match(err, /nope/);
  assert.match(svc.registry.get("thrower")?.lastError ?? "", /nope/);
});
