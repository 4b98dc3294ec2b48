/**
 * The ingest halves of bench/monitoring.ts, each on a fresh store and a fresh `node dist/cli.js
 * serve` (real process, real HTTP):
 * - `ingestRound`: the same OTLP/HTTP bodies as fast as N keep-alive exporters go (bench/lib/httpLoad.ts),
 *   with no scorer registered ("off") or 3 scorers started at rate 1.0 ("on"); for "on", then how long
 *   monitoring takes to drain (nothing pending, every trace admitted) and the server's CPU meanwhile.
 * - `steadyRound`: 3 scorers at 1.0 and a paced ingest rate; the lag from trace commit to assessment.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MonitoringSnapshot } from "../../protocol/monitoring";
import { makeTmpDir, rmTmpDir, sleep } from "./common";
import { startSnapshotServer, type DistSnapshot } from "./distSnapshot";
import type { EncodedRequest } from "./genaiTraces";
import { runLoad } from "./httpLoad";
import { MONITOR_SCORER_FILE, MONITOR_SCORERS, monitoringSnapshot, registerAndStart } from "./monitoringScorers";
import { StoreProbe, procCpuMs, runPaced, waitDrained, type MonitorState, type PacedResult } from "./monitorProbe";
import { cpuDelta, threadCpu, type ThreadCpu } from "./monitorThreads";

export interface IngestRound {
  mode: "off" | "on";
  spans: number;
  elapsedMs: number;
  spansPerSec: number;
  /** Server CPU (all threads) during the load, ms. */
  cpuMs: number;
  /** The same, by thread: main (ingest + monitoring's own work), scorer workers, other. */
  cpu: ThreadCpu;
  /** This process's CPU during the load (the 4 exporters), ms: it shares the cores with the server. */
  clientCpuMs: number;
  /** 1-minute load average when the round started. */
  loadAvg: number;
  retries: number;
  latencyP50Ms: number;
  /** Monitoring state when the last body was acknowledged. */
  atEnd: MonitorState;
  /** After the load: until nothing is pending (null: not measured or deadline). */
  drainMs: number | null;
  drainCpuMs: number | null;
  drainCpu: ThreadCpu | null;
  afterDrain: MonitorState | null;
  snapshot: MonitoringSnapshot | null;
  exitCode: number | null;
}

function writeScorerFile(dir: string): string {
  const ws = path.join(dir, "ws");
  fs.mkdirSync(ws, { recursive: true });
  const file = path.join(ws, "scorers.ts");
  fs.writeFileSync(file, MONITOR_SCORER_FILE);
  return file;
}

export async function ingestRound(
  snap: DistSnapshot,
  mode: "off" | "on",
  requests: readonly EncodedRequest[],
  concurrency: number,
  drainDeadlineMs: number,
): Promise<IngestRound> {
  const dir = makeTmpDir(`monitor-${mode}`);
  const dbPath = path.join(dir, "scorelens.db");
  const server = await startSnapshotServer(snap, dbPath);
  let probe: StoreProbe | null = null;
  try {
    if (mode === "on") await registerAndStart(server.port, writeScorerFile(dir), 1.0);
    await sleep(500); // let the registration settle (and the idle server's first poll pass)
    const loadAvg = os.loadavg()[0] ?? NaN;
    const cpu0 = threadCpu(server.pid);
    const client0 = process.cpuUsage();
    const load = await runLoad({ port: server.port, concurrency, requests, deadlineMs: 110_000 });
    const client = process.cpuUsage(client0);
    const cpu = cpuDelta(cpu0, threadCpu(server.pid));
    probe = new StoreProbe(dbPath);
    const atEnd = probe.state();
    let drainMs: number | null = null;
    let drainCpuMs: number | null = null;
    let drainCpu: ThreadCpu | null = null;
    let afterDrain: MonitorState | null = null;
    let snapshot: MonitoringSnapshot | null = null;
    if (mode === "on" && drainDeadlineMs > 0) {
      const c0 = threadCpu(server.pid);
      const d = await waitDrained(probe, drainDeadlineMs);
      drainMs = d.ms;
      drainCpu = cpuDelta(c0, threadCpu(server.pid));
      drainCpuMs = drainCpu.totalMs;
      afterDrain = d.state;
      snapshot = await monitoringSnapshot(server.port);
    }
    const sorted = [...load.latenciesMs].sort((a, b) => a - b);
    return {
      mode,
      spans: load.spansOk,
      elapsedMs: load.elapsedMs,
      spansPerSec: (load.spansOk / load.elapsedMs) * 1000,
      cpuMs: cpu.totalMs,
      cpu,
      clientCpuMs: (client.user + client.system) / 1000,
      loadAvg,
      retries: load.retries,
      latencyP50Ms: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      atEnd,
      drainMs,
      drainCpuMs,
      drainCpu,
      afterDrain,
      snapshot,
      exitCode: await server.stop(),
    };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\nserver stderr:\n${server.stderrTail()}`);
  } finally {
    probe?.close();
    await server.stop();
    rmTmpDir(dir);
  }
}

export interface SteadyRound {
  tracesPerSec: number;
  paced: PacedResult;
  cpuMs: number;
  /** Lag of each assessment of traces committed after the warm-up (SQLite: created_ms − traces.updated_ms). */
  lags: number[];
  negativeLags: number;
  /** Server's own p50/p95 (its last 10 minutes: the whole round, warm-up included). */
  snapshot: MonitoringSnapshot;
  drainAfterMs: number | null;
  maxPendingSeen: number;
  bundleBytes: number[];
}

/** Paced ingest with 3 scorers at 1.0; lag of traces committed after `warmupMs`. */
export async function steadyRound(snap: DistSnapshot, requests: readonly EncodedRequest[], tracesPerBody: number, tracesPerSec: number, warmupMs: number): Promise<SteadyRound> {
  const dir = makeTmpDir("monitor-steady");
  const dbPath = path.join(dir, "scorelens.db");
  const server = await startSnapshotServer(snap, dbPath);
  let probe: StoreProbe | null = null;
  try {
    await registerAndStart(server.port, writeScorerFile(dir), 1.0);
    await sleep(500);
    probe = new StoreProbe(dbPath);
    let maxPending = 0;
    const p = probe;
    const watcher = setInterval(() => {
      maxPending = Math.max(maxPending, p.state().pending);
    }, 500);
    const cpu0 = procCpuMs(server.pid);
    let paced: PacedResult;
    try {
      paced = await runPaced(server.port, requests, tracesPerSec / tracesPerBody);
    } finally {
      clearInterval(watcher);
    }
    const drained = await waitDrained(probe, 120_000);
    const cpuMs = procCpuMs(server.pid) - cpu0;
    const { lags, negative } = probe.lags(paced.firstSendMs + warmupMs, paced.lastAckMs);
    const snapshot = await monitoringSnapshot(server.port);
    const expected = MONITOR_SCORERS.length;
    if (drained.ms !== null && drained.state.assessments !== drained.state.traces * expected) {
      throw new Error(`steady round: ${drained.state.assessments} assessments for ${drained.state.traces} traces × ${expected} scorers`);
    }
    return { tracesPerSec, paced, cpuMs, lags, negativeLags: negative, snapshot, drainAfterMs: drained.ms, maxPendingSeen: maxPending, bundleBytes: probe.bundleBytes() };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\nserver stderr:\n${server.stderrTail()}`);
  } finally {
    probe?.close();
    await server.stop();
    rmTmpDir(dir);
  }
}
