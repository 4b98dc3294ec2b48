/**
 * Backfill vs evaluation over the same stored traces, in one process (bench/monitoring.ts):
 * - backfill: a MonitoringService on the store (as `scorelens backfill` runs it: isOwner false, its
 *   own worker pool), one registered scorer, a job over every trace at rate 1.0, timed from
 *   `startBackfill` to the end of the job (`backfills.idle()`);
 * - evaluation: RunManager.run of the same scorer file and export over `lastN` = every trace.
 * Assessments are deleted between the two, so both read a store without them. The time spent
 * the pool is busy (at least one ScorerWorkerPool.run call in flight: scoring, workers reading the
 * traces) is measured by wrapping the prototype's method for the backfill only; the rest of a
 * backfill's wall time is main-thread work the pool waits for (page query, sampling plan, skip
 * check, store transaction) that the 2 pages in flight did not hide.
 */
import { performance } from "node:perf_hooks";
import type { BackfillJob } from "../../protocol/monitoring";
import type { EvalRun } from "../../protocol/scoring";
import { MonitoringService } from "../../server/monitoring/service";
import { RunManager } from "../../server/scorers/runManager";
import { ScorerWorkerPool } from "../../server/scorers/runtime/workerPool";
import type { Db } from "../../server/store/db";
import { TraceQueries } from "../../server/store/traceQueries";

export interface Timed {
  traces: number;
  wallMs: number;
  /** All threads of this process (workers included). */
  cpuMs: number;
  /** Main thread only (NaN without process.threadCpuUsage). */
  mainCpuMs: number;
  assessments: number;
}

export interface BackfillMeasure extends Timed {
  job: BackfillJob;
  poolMs: number;
  poolCalls: number;
}

export interface EvalMeasure extends Timed {
  run: EvalRun;
}

function threadCpuMs(): number {
  if (typeof process.threadCpuUsage !== "function") return NaN;
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

async function timed<T>(db: Db, fn: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number; mainCpuMs: number; assessments: number }> {
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuMs();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const mainCpuMs = threadCpuMs() - main0;
  const assessments = Number(db.prepare("SELECT count(*) FROM assessments").pluck().get());
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs, assessments };
}

export interface Setup {
  db: Db;
  file: string;
  exportName: string;
  traces: number;
  sdkEntry: string;
  workerScript: string;
}

export async function measureBackfill(s: Setup): Promise<BackfillMeasure> {
  const svc = new MonitoringService({ db: s.db, isOwner: () => false, sdkEntry: s.sdkEntry, pool: { workerScript: s.workerScript } });
  const proto = ScorerWorkerPool.prototype;
  const original = proto.run;
  let poolMs = 0;
  let poolCalls = 0;
  try {
    const reg = await svc.register({ file: s.file, exportName: s.exportName });
    // pages overlap (2 in flight): count the time at least one call is running, not the sum
    let active = 0;
    let busySince = 0;
    proto.run = async function (this: ScorerWorkerPool, ...args: Parameters<ScorerWorkerPool["run"]>) {
      if (active++ === 0) busySince = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        if (--active === 0) poolMs += performance.now() - busySince;
        poolCalls++;
      }
    };
    const r = await timed(s.db, async () => {
      const job = svc.startBackfill({ scorers: [{ name: reg.name, sampleRate: 1 }], fromMs: 0, toMs: Date.now() + 60_000 });
      await svc.backfills.idle();
      return svc.backfills.get(job.jobId) ?? job;
    });
    if (r.value.status !== "completed") throw new Error(`backfill ${r.value.jobId} ended ${r.value.status}: ${r.value.message ?? ""}`);
    if (r.value.errors > 0) throw new Error(`backfill ${r.value.jobId}: ${r.value.errors} of ${r.value.done} traces got an error (see the log above)`);
    return { traces: r.value.done, wallMs: r.wallMs, cpuMs: r.cpuMs, mainCpuMs: r.mainCpuMs, assessments: r.assessments, job: r.value, poolMs, poolCalls };
  } finally {
    proto.run = original;
    await svc.dispose();
  }
}

export async function measureEval(s: Setup): Promise<EvalMeasure> {
  const manager = new RunManager({
    db: s.db,
    queries: new TraceQueries(s.db),
    sdkEntry: s.sdkEntry,
    timeoutMs: 30_000,
    pool: { workerScript: s.workerScript, batchSize: 100 },
    workersRead: true,
  });
  try {
    const r = await timed(s.db, () =>
      manager.run({ scorers: [{ file: s.file, scorerName: s.exportName, aggregations: null }], selection: { kind: "lastN", n: s.traces }, runId: `bench-monitoring-${Date.now().toString(36)}` }),
    );
    if (r.value.status !== "completed") throw new Error(`evaluation run ended ${r.value.status}: ${r.value.message ?? ""}`);
    if (r.value.errorCount > 0) throw new Error(`evaluation run: ${r.value.errorCount} of ${r.value.traceCount} traces got an error`);
    return { traces: r.value.traceCount, wallMs: r.wallMs, cpuMs: r.cpuMs, mainCpuMs: r.mainCpuMs, assessments: r.assessments, run: r.value };
  } finally {
    await manager.dispose();
  }
}
