/**
 * Measuring a running `scorelens serve` from outside for bench/monitoring.ts: its CPU time from
 * /proc (all threads, so the scorer workers too), the monitoring state read from its store file on
 * a read-only connection (pending samples, traces not yet admitted, assessments, lag per
 * assessment), and a paced OTLP/HTTP sender (a steady ingest rate instead of "as fast as it goes").
 */
import fs from "node:fs";
import http from "node:http";
import Database from "better-sqlite3";
import type { EncodedRequest } from "./genaiTraces";
import { sleep } from "./common";

/** User + system CPU time of process `pid` (every thread), ms; NaN when /proc is not there. */
export function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15, in clock ticks (100 Hz on Linux x64)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export interface MonitorState {
  pending: number;
  unadmitted: number;
  traces: number;
  assessments: number;
}

export class StoreProbe {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
  }

  state(): MonitorState {
    const n = (sql: string) => Number(this.db.prepare(sql).pluck().get());
    return {
      pending: n("SELECT count(*) FROM monitor_pending"),
      unadmitted: n("SELECT count(*) FROM traces WHERE monitored_ms IS NULL AND root_span_id IS NOT NULL"),
      traces: n("SELECT count(*) FROM traces"),
      assessments: n("SELECT count(*) FROM assessments WHERE source_type = 'CODE'"),
    };
  }

  /**
   * Lag of each monitoring assessment (created_ms) from its trace's last commit (traces.updated_ms,
   * what monitoring records as the completion time), for traces last written in [fromMs, toMs].
   * Negative values (a span of the trace arrived after it was admitted) are returned apart.
   */
  lags(fromMs: number, toMs: number): { lags: number[]; negative: number } {
    const rows = this.db
      .prepare(
        `SELECT a.created_ms - t.updated_ms FROM assessments a JOIN traces t ON t.trace_id = a.trace_id
         WHERE a.source_type = 'CODE' AND t.updated_ms BETWEEN ? AND ?`,
      )
      .pluck()
      .all(fromMs, toMs) as number[];
    const lags = rows.filter((l) => l >= 0);
    return { lags, negative: rows.length - lags.length };
  }

  /** Bytes of the bundled code of each registered scorer version (what monitoring runs). */
  bundleBytes(): number[] {
    return this.db.prepare("SELECT length(code) FROM scorer_versions").pluck().all() as number[];
  }

  close(): void {
    this.db.close();
  }
}

/** Polls until nothing is pending or waiting for admission; ms waited, or null at the deadline. */
export async function waitDrained(probe: StoreProbe, deadlineMs: number, everyMs = 100): Promise<{ ms: number | null; state: MonitorState }> {
  const t0 = performance.now();
  for (;;) {
    const state = probe.state();
    if (state.pending === 0 && state.unadmitted === 0) return { ms: performance.now() - t0, state };
    if (performance.now() - t0 > deadlineMs) return { ms: null, state };
    await sleep(everyMs);
  }
}

export interface PacedResult {
  elapsedMs: number;
  spansOk: number;
  bodiesOk: number;
  /** Wall-clock ms (Date.now) of the first send and the last answer. */
  firstSendMs: number;
  lastAckMs: number;
  latenciesMs: number[];
  /** Bodies sent more than 100 ms after their slot (the server could not keep up). */
  late: number;
}

function post(agent: http.Agent, port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/v1/traces", method: "POST", agent, headers: { "content-type": "application/x-protobuf", "content-length": body.length } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error("request timed out after 60 s")));
    req.on("error", reject);
    req.end(body);
  });
}

/** Sends body i at t0 + i / bodiesPerSec, at most `maxInFlight` at once; any non-200 fails the run. */
export async function runPaced(port: number, requests: readonly EncodedRequest[], bodiesPerSec: number, maxInFlight = 4): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const out: PacedResult = { elapsedMs: 0, spansOk: 0, bodiesOk: 0, firstSendMs: Date.now(), lastAckMs: 0, latenciesMs: [], late: 0 };
  const inflight = new Set<Promise<void>>();
  const t0 = performance.now();
  try {
    for (let i = 0; i < requests.length; i++) {
      const req = requests[i] as EncodedRequest;
      const slot = t0 + (i * 1000) / bodiesPerSec;
      const wait = slot - performance.now();
      if (wait > 0) await sleep(wait);
      while (inflight.size >= maxInFlight) await Promise.race(inflight);
      if (performance.now() - slot > 100) out.late++;
      const s0 = performance.now();
      const p = post(agent, port, req.body).then((status) => {
        if (status !== 200) throw new Error(`paced body ${i}: HTTP ${status}`);
        out.latenciesMs.push(performance.now() - s0);
        out.spansOk += req.spanCount;
        out.bodiesOk++;
        out.lastAckMs = Date.now();
      });
      const tracked: Promise<void> = p.finally(() => inflight.delete(tracked));
      tracked.catch(() => undefined); // handled by the race / Promise.all below; no unhandled rejection meanwhile
      inflight.add(tracked);
    }
    await Promise.all(inflight);
  } finally {
    agent.destroy();
  }
  out.elapsedMs = performance.now() - t0;
  return out;
}
