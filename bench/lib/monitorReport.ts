/** Tables of bench/monitoring.ts's ingest and steady-rate parts. */
import { fmtMs, fmtNum, quantile, type Table } from "./common";
import type { IngestRound, SteadyRound } from "./monitorIngest";
import { MONITOR_SCORERS } from "./monitoringScorers";

const SCORERS = MONITOR_SCORERS.length;

/** Traces fully scored per second while draining (assessments stored during the drain ÷ 3). */
export function drainTracesPerSec(r: IngestRound): number {
  if (r.drainMs === null || !r.afterDrain) return NaN;
  return (r.afterDrain.assessments - r.atEnd.assessments) / SCORERS / (r.drainMs / 1000);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const us = (ms: number, n: number) => `${((ms / Math.max(1, n)) * 1000).toFixed(0)} µs`;

/** Each "on" round against the "off" round next to it in the ABBA order (pairs 1–2, 3–4, …): the drop per pair. */
export function pairDrops(rounds: IngestRound[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < rounds.length; i += 2) {
    const a = rounds[i] as IngestRound;
    const b = rounds[i + 1] as IngestRound;
    const off = a.mode === "off" ? a : b;
    const on = a.mode === "on" ? a : b;
    if (off.mode === "off" && on.mode === "on") out.push(1 - on.spansPerSec / off.spansPerSec);
  }
  return out;
}

export function ingestTables(rounds: IngestRound[], traces: number, concurrency: number): { tables: Table[]; summary: string; metrics: Record<string, unknown> } {
  const off = rounds.filter((r) => r.mode === "off");
  const on = rounds.filter((r) => r.mode === "on");
  const median = (xs: number[]) => quantile(xs, 0.5);
  const offRate = median(off.map((r) => r.spansPerSec));
  const onRate = median(on.map((r) => r.spansPerSec));
  const drop = 1 - onRate / offRate;
  // CPU-time view: server CPU per ingested span, which other load on the machine moves far less than wall time
  const offCpu = median(off.map((r) => r.cpu.totalMs / r.spans));
  const onCpu = median(on.map((r) => r.cpu.totalMs / r.spans));
  const offMain = median(off.map((r) => r.cpu.mainMs / r.spans));
  const onMain = median(on.map((r) => r.cpu.mainMs / r.spans));
  const cpuDrop = 1 - offCpu / onCpu;
  const mainDrop = 1 - offMain / onMain;
  const pairs = pairDrops(rounds);
  const rows = rounds.map((r, i) => [
    `${i + 1}. ${r.mode === "on" ? "3 scorers at rate 1.0" : "no monitoring (baseline)"}`,
    r.loadAvg.toFixed(1),
    fmtMs(r.elapsedMs),
    fmtNum(r.spansPerSec),
    fmtMs(r.latencyP50Ms),
    `${(r.cpuMs / r.elapsedMs).toFixed(2)} + ${(r.clientCpuMs / r.elapsedMs).toFixed(2)}`,
    `${us(r.cpu.totalMs, r.spans)} = ${us(r.cpu.mainMs, r.spans)} + ${us(r.cpu.workersMs, r.spans)} + ${us(r.cpu.otherMs, r.spans)}`,
    r.mode === "on" ? `${fmtNum(r.atEnd.assessments)} (${pct(r.atEnd.assessments / (traces * SCORERS))})` : "–",
    r.mode === "on" ? fmtNum(r.atEnd.pending + r.atEnd.unadmitted * SCORERS) : "–",
  ]);
  rows.push([`median, no monitoring`, "", "", fmtNum(offRate), "", "", `${(offCpu * 1000).toFixed(0)} µs (main ${(offMain * 1000).toFixed(0)} µs)`, "", ""]);
  rows.push([`median, 3 scorers at 1.0`, "", "", fmtNum(onRate), "", "", `${(onCpu * 1000).toFixed(0)} µs (main ${(onMain * 1000).toFixed(0)} µs)`, "", ""]);
  rows.push([
    `drop (goal ≤ 20%): wall ${pct(drop)}; per pair ${pairs.map(pct).join(", ") || "–"}; by server CPU/span ${pct(cpuDrop)}, by main-thread CPU/span ${pct(mainDrop)}`,
    "", "", "", "", "", "", "", "",
  ]);
  const ingest: Table = {
    title: `Ingest with and without monitoring (${fmtNum(traces)} traces = ${fmtNum(traces * 10)} spans per round, ${concurrency} exporters, bodies of 512; a fresh store and server per round, rounds in ABBA order)`,
    columns: [
      "round",
      "load avg",
      "time",
      "spans/s",
      "request p50",
      "cores busy: server + exporters",
      "server CPU / span = main + scorer workers + other",
      "assessments stored by the last 200",
      "samples still to score",
    ],
    rows,
  };
  const drains = on.filter((r) => r.drainMs !== null || r.afterDrain);
  const drain: Table = {
    title: "After the last HTTP 200 of an \"on\" round: monitoring catching up (nothing pending, every trace admitted)",
    columns: ["round", "drain time", "traces scored / s while draining (× 3 scorers)", "server cores busy", "server CPU / trace × scorer = main + workers + other", "assessments", "lag p50 / p95 (server, whole round)"],
    rows: drains.map((r) => {
      const stored = Math.max(1, (r.afterDrain?.assessments ?? 0) - r.atEnd.assessments);
      const c = r.drainCpu;
      return [
        String(rounds.indexOf(r) + 1),
        r.drainMs === null ? `> deadline (${fmtNum(r.afterDrain?.pending ?? 0)} pending)` : fmtMs(r.drainMs),
        fmtNum(drainTracesPerSec(r)),
        r.drainMs && r.drainCpuMs !== null ? (r.drainCpuMs / r.drainMs).toFixed(2) : "–",
        c ? `${us(c.totalMs, stored)} = ${us(c.mainMs, stored)} + ${us(c.workersMs, stored)} + ${us(c.otherMs, stored)}` : "–",
        fmtNum(r.afterDrain?.assessments ?? 0),
        r.snapshot ? `${fmtMs(r.snapshot.lagP50Ms ?? NaN)} / ${fmtMs(r.snapshot.lagP95Ms ?? NaN)}` : "–",
      ];
    }),
  };
  const drainMs = drains.map((r) => r.drainMs).filter((x): x is number => x !== null);
  return {
    tables: [ingest, drain],
    summary:
      `ingest (medians of ${on.length} vs ${off.length} rounds) ${fmtNum(onRate)} spans/s with 3 scorers at 1.0 vs ${fmtNum(offRate)} without = ${pct(drop)} drop ` +
      `(per pair ${pairs.map(pct).join(", ")}; by server CPU/span ${pct(cpuDrop)}; goal ≤ 20%)${drainMs.length ? `; drain ${(mean(drainMs) / 1000).toFixed(0)} s after ${fmtNum(traces)} traces` : ""}`,
    metrics: { offSpansPerSec: offRate, onSpansPerSec: onRate, drop, pairDrops: pairs, offCpuUsPerSpan: offCpu * 1000, onCpuUsPerSpan: onCpu * 1000, cpuDrop, offMainUsPerSpan: offMain * 1000, onMainUsPerSpan: onMain * 1000, mainDrop },
  };
}

export function steadyTable(steady: SteadyRound[], warmupMs: number, drainRates: number[]): Table {
  return {
    title:
      `Monitoring lag at a steady ingest rate (3 scorers at 1.0; bodies of 10 whole traces at a fixed pace; lag = assessment created_ms − trace commit, ` +
      `traces committed after a ${warmupMs / 1000} s warm-up; drain rate in part 1: ${drainRates.map((r) => fmtNum(r)).join(", ") || "not measured"} traces/s)`,
    columns: ["ingest rate", "traces", "bodies late (> 100 ms)", "request p50 / p95", "lag p50 / p95 / max (SQLite)", "lag p50 / p95 (server snapshot)", "max samples pending", "server cores busy", "drained after ingest in"],
    rows: steady.map((s) => [
      `${fmtNum(s.tracesPerSec)} traces/s (${fmtNum(s.tracesPerSec * 10)} spans/s)`,
      fmtNum(s.paced.bodiesOk * 10),
      fmtNum(s.paced.late),
      `${fmtMs(quantile(s.paced.latenciesMs, 0.5))} / ${fmtMs(quantile(s.paced.latenciesMs, 0.95))}`,
      s.lags.length ? `${fmtMs(quantile(s.lags, 0.5))} / ${fmtMs(quantile(s.lags, 0.95))} / ${fmtMs(Math.max(...s.lags))} (${fmtNum(s.lags.length)} assessments)` : "none",
      `${fmtMs(s.snapshot.lagP50Ms ?? NaN)} / ${fmtMs(s.snapshot.lagP95Ms ?? NaN)}`,
      fmtNum(s.maxPendingSeen),
      (s.cpuMs / (s.paced.elapsedMs + (s.drainAfterMs ?? 0))).toFixed(2),
      s.drainAfterMs === null ? "> 120 s" : fmtMs(s.drainAfterMs),
    ]),
  };
}
