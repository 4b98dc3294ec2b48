/**
 * Where online monitoring's CPU goes, per trace × scorer: a store of N realistic 10-span traces
 * (bench/lib/traceStore.ts, through SpanWriter), the 3 scorers of the monitoring benchmark
 * registered and started at 1.0 in an in-process MonitoringService (as `scorelens serve` wires
 * it, with dist/scorerWorker.js and dist/sdk), then the time and CPU until every trace is admitted
 * and nothing is pending, split by thread (main / scorer workers / other) from /proc. With
 * --cpu-prof DIR, the main thread and each worker write a V8 CPU profile there (summarized at the
 * end with bench/lib/cpuProfile.ts). No ingest runs meanwhile: this isolates monitoring's cost.
 *
 *   node scripts/build.mjs
 *   node --import tsx bench/lib/monitorDrainProfile.ts [--traces 5000] [--rounds 1] [--cpu-prof DIR] [--top 25]
 */
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";
import { parseArgs } from "node:util";
import { unadmittedCount } from "../../server/monitoring/admission";
import { MonitoringService } from "../../server/monitoring/service";
import { openDatabase } from "../../server/store/db";
import { REPO_ROOT, fmtNum, loadNote, makeTmpDir, renderTable, rmTmpDir, sleep } from "./common";
import { profileTables, summarizeProfile } from "./cpuProfile";
import { MONITOR_SCORER_FILE, MONITOR_SCORERS } from "./monitoringScorers";
import { cpuDelta, threadCpu, type ThreadCpu } from "./monitorThreads";
import { buildTraceStore } from "./traceStore";

export interface DrainProfile {
  traces: number;
  assessments: number;
  wallMs: number;
  cpu: ThreadCpu;
  /** µs per trace × scorer. */
  perTraceScorerUs: { total: number; main: number; workers: number; other: number };
}

async function startMainProfile(): Promise<inspector.Session> {
  const s = new inspector.Session();
  s.connect();
  await new Promise<void>((res, rej) => s.post("Profiler.enable", (e) => (e ? rej(e) : res())));
  await new Promise<void>((res, rej) => s.post("Profiler.start", (e) => (e ? rej(e) : res())));
  return s;
}

async function stopMainProfile(s: inspector.Session, file: string): Promise<void> {
  const profile = await new Promise<unknown>((res, rej) => s.post("Profiler.stop", (e, r) => (e ? rej(e) : res(r.profile))));
  fs.writeFileSync(file, JSON.stringify(profile));
  s.disconnect();
}

/** One drain over a fresh store of `traces` traces. */
export async function profileDrain(opts: { traces: number; profileDir?: string | undefined }): Promise<DrainProfile> {
  const dir = makeTmpDir("monitor-drain");
  const db = openDatabase(path.join(dir, "store.db"));
  const dist = path.join(REPO_ROOT, "dist");
  try {
    buildTraceStore(db, opts.traces, Date.now() - 3_600_000 - opts.traces * 50);
    const file = path.join(dir, "scorers.ts");
    fs.writeFileSync(file, MONITOR_SCORER_FILE);
    const profileArgs = opts.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.profileDir}`] : [];
    const svc = new MonitoringService({
      db,
      sdkEntry: path.join(dist, "sdk/index.js"),
      pool: { workerScript: path.join(dist, "scorerWorker.js"), execArgv: profileArgs },
    });
    try {
      // registering admits every trace with nothing active (marked, not sampled): they are unmarked
      // again below, together with the starts, so all of them are admitted after the clock starts
      for (const s of MONITOR_SCORERS) await svc.register({ file, exportName: s.exportName });
      const count = (sql: string) => Number(db.prepare(sql).pluck().get());
      await sleep(200);
      const session = opts.profileDir ? await startMainProfile() : null;
      const c0 = threadCpu();
      const t0 = performance.now();
      for (const s of MONITOR_SCORERS) svc.registry.start(s.name, 1);
      db.prepare("UPDATE traces SET monitored_ms = NULL").run();
      svc.notifyCommitted();
      for (;;) {
        await sleep(50);
        if (count("SELECT count(*) FROM monitor_pending") === 0 && unadmittedCount(db) === 0) break;
      }
      await svc.monitor.whenIdle();
      const wallMs = performance.now() - t0;
      const cpu = cpuDelta(c0, threadCpu());
      if (session && opts.profileDir) await stopMainProfile(session, path.join(opts.profileDir, "main.cpuprofile"));
      const assessments = count("SELECT count(*) FROM assessments");
      const n = Math.max(1, assessments) / 1000;
      return {
        traces: opts.traces,
        assessments,
        wallMs,
        cpu,
        perTraceScorerUs: { total: cpu.totalMs / n, main: cpu.mainMs / n, workers: cpu.workersMs / n, other: cpu.otherMs / n },
      };
    } finally {
      await svc.dispose(); // workers exit here, so their profiles are written
    }
  } finally {
    db.close();
    rmTmpDir(dir);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { traces: { type: "string", default: "5000" }, rounds: { type: "string", default: "1" }, "cpu-prof": { type: "string" }, top: { type: "string", default: "25" } } });
  const traces = Number(values.traces);
  const profileDir = values["cpu-prof"] ? path.resolve(values["cpu-prof"]) : undefined;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const rows: string[][] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    process.stdout.write(`round ${r + 1}: ${fmtNum(traces)} traces × ${MONITOR_SCORERS.length} scorers (${loadNote()})\n`);
    const p = await profileDrain({ traces, profileDir: r === 0 ? profileDir : undefined });
    const u = p.perTraceScorerUs;
    rows.push([
      String(r + 1),
      fmtNum(p.assessments),
      `${(p.wallMs / 1000).toFixed(2)} s`,
      fmtNum((p.assessments / MONITOR_SCORERS.length / p.wallMs) * 1000),
      `${u.total.toFixed(0)} µs`,
      `${u.main.toFixed(0)} µs`,
      `${u.workers.toFixed(0)} µs`,
      `${u.other.toFixed(0)} µs`,
      (p.cpu.totalMs / p.wallMs).toFixed(2),
    ]);
  }
  process.stdout.write(
    renderTable({
      title: "Monitoring drain (no ingest): CPU per trace × scorer by thread",
      columns: ["round", "assessments", "drain", "traces/s", "CPU total", "main thread", "scorer workers", "other threads", "cores busy"],
      rows,
    }) + "\n",
  );
  if (profileDir) {
    for (const f of fs.readdirSync(profileDir).filter((x) => x.endsWith(".cpuprofile"))) {
      for (const t of profileTables(summarizeProfile(path.join(profileDir, f)), Number(values.top))) process.stdout.write(renderTable(t) + "\n\n");
    }
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
