/** Tables of bench/monitoring.ts's backfill-vs-evaluation part. */
import { fmtMs, fmtNum, type Table } from "./common";
import type { BackfillMeasure, EvalMeasure, Timed } from "./backfillVsEval";
import type { TraceStoreBuild } from "./traceStore";

const perSec = (n: number, ms: number) => (n / ms) * 1000;
const us = (ms: number, n: number) => `${((ms / Math.max(1, n)) * 1000).toFixed(0)} µs`;

export function backfillTables(
  bf: BackfillMeasure,
  ev: EvalMeasure,
  build: TraceStoreBuild,
  buildMs: number,
  exportName: string,
): { tables: Table[]; summary: string } {
  const row = (label: string, m: Timed) => [
    label,
    fmtNum(m.traces),
    fmtMs(m.wallMs),
    fmtNum(perSec(m.traces, m.wallMs)),
    `${(perSec(m.traces, m.wallMs) / perSec(ev.traces, ev.wallMs)).toFixed(2)}×`,
    (m.cpuMs / m.wallMs).toFixed(2),
    us(m.cpuMs, m.traces),
    us(m.mainCpuMs, m.traces),
    fmtNum(m.assessments),
  ];
  const main: Table = {
    title: `Backfill vs evaluation: ${exportName} over the same ${fmtNum(ev.traces)} stored traces, one process, pool of 2 workers (store build: ${fmtNum(build.traces)} traces / ${fmtNum(build.spans)} spans in ${fmtMs(buildMs)}, setup)`,
    columns: ["", "traces", "time", "traces/s", "rate ÷ evaluation's", "cores busy", "CPU / trace (all threads)", "main-thread CPU / trace", "assessments stored"],
    rows: [
      row("evaluation: RunManager.run (lastN = all; workers read; one saveResults at the end)", ev),
      row("backfill: a job at rate 1.0 (pages of 200: query, plan, skip check, pool, 1 txn per page)", bf),
    ],
  };
  const outside = bf.wallMs - bf.poolMs;
  const detail: Table = {
    title: "Where the backfill's time goes (2 pages in flight)",
    columns: ["step", "time", "% of wall", "per page"],
    rows: [
      [`pool busy: ≥ 1 ScorerWorkerPool.run in flight (${fmtNum(bf.poolCalls)} calls: workers read + score)`, fmtMs(bf.poolMs), `${((bf.poolMs / bf.wallMs) * 100).toFixed(0)}%`, fmtMs(bf.poolMs / Math.max(1, bf.poolCalls))],
      ["pool idle: page query, sampling plan, skip check, store transaction not hidden by the pipeline (main thread)", fmtMs(outside), `${((outside / bf.wallMs) * 100).toFixed(0)}%`, fmtMs(outside / Math.max(1, bf.poolCalls))],
      ["job counts: done / scored / skipped / errors", `${fmtNum(bf.job.done)} / ${fmtNum(bf.job.scored)} / ${fmtNum(bf.job.skipped)} / ${fmtNum(bf.job.errors)}`, "", ""],
    ],
  };
  const b = perSec(bf.traces, bf.wallMs);
  const e = perSec(ev.traces, ev.wallMs);
  return {
    tables: [main, detail],
    summary: `backfill ${fmtNum(b)} traces/s vs evaluation ${fmtNum(e)} traces/s (${(b / e).toFixed(2)}×) over ${fmtNum(ev.traces)} traces`,
  };
}
