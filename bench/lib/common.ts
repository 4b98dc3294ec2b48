/**
 * Shared plumbing for the benchmarks: result shape, statistics, table printing, temp folders,
 * machine facts. Benchmarks print numbers; they never assert on timings.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export type Cell = string | number | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

export interface BenchResult {
  name: string;
  /** One-line verdict, e.g. "ScoreLens 61.2k spans/s = 0.71 × raw SQLite". */
  summary: string;
  status: "ok" | "skipped";
  tables: Table[];
  /** Machine-readable numbers for bench/results/<name>.json. */
  metrics: Record<string, unknown>;
  notes: string[];
}

export interface BenchOptions {
  /** `--key value` flags from the command line (`--flag` alone is "true"). */
  flags: ReadonlyMap<string, string>;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Flags this benchmark reads, with their defaults, for `--help`. */
  flags: Record<string, string>;
  run(opts: BenchOptions): Promise<BenchResult>;
}

export function intFlag(opts: BenchOptions, name: string, dflt: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = opts.flags.get(name);
  if (raw === undefined) return dflt;
  const n = Number(raw.replace(/_/g, "").replace(/k$/i, "000").replace(/m$/i, "000000"));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

export function boolFlag(opts: BenchOptions, name: string): boolean {
  const raw = opts.flags.get(name);
  return raw !== undefined && raw !== "false" && raw !== "0";
}

export function nowMs(): number {
  return performance.now();
}

/** The q-quantile (0..1) of a sample, by linear interpolation. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export interface LatencyStats {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

export function latencyStats(samples: readonly number[]): LatencyStats {
  return {
    runs: samples.length,
    medianMs: quantile(samples, 0.5),
    p95Ms: quantile(samples, 0.95),
    minMs: Math.min(...samples),
    maxMs: Math.max(...samples),
  };
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed; returns the per-run milliseconds. */
export function timeRuns(fn: () => unknown, runs: number, warmup = Math.min(20, runs)): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = new Array(runs);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out[i] = performance.now() - t0;
  }
  return out;
}

export function fmtNum(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(0)} ms`;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/a";
}

export function fmtBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  if (b < 1024 * 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MiB`;
  return `${(b / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function renderTable(t: Table): string {
  const cells = t.rows.map((r) => r.map((c) => (c === null ? "–" : String(c))));
  const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const isNumeric = t.columns.map((_, i) => cells.every((r) => /^[<>~≈-]?\d/.test(r[i] ?? "") || r[i] === "–"));
  const line = (r: string[]) =>
    "│ " + r.map((c, i) => (isNumeric[i] && i > 0 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(" │ ") + " │";
  const sep = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  return [t.title, sep("┌", "┬", "┐"), line(t.columns), sep("├", "┼", "┤"), ...cells.map(line), sep("└", "┴", "┘")].join("\n");
}

/** A fresh temp folder; removed by {@link rmTmpDir} unless BENCH_KEEP_TMP is set. */
export function makeTmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `scorelens-bench-${prefix}-`));
}

export function rmTmpDir(dir: string): void {
  if (process.env.BENCH_KEEP_TMP) {
    console.log(`  (kept ${dir})`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemGiB: number;
  loadAvg: number[];
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    totalMemGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAvg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function loadNote(): string {
  const [one, five] = os.loadavg();
  return `load average ${(one ?? 0).toFixed(2)} (1 min) / ${(five ?? 0).toFixed(2)} (5 min) on ${os.cpus().length} cores`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Newest mtime (ms) of the .ts files under `dir`, recursively. */
export function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}
