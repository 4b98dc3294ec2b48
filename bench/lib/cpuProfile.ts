/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and inclusive
 * time per function, so a benchmark can say where a server spends its time.
 *
 *   node --import tsx bench/lib/cpuProfile.ts FILE.cpuprofile [top]
 */
import fs from "node:fs";
import path from "node:path";
import { renderTable, type Table } from "./common";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  key: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  file: string;
  durationMs: number;
  /** Sampled time that was not idle / GC-free program time. */
  busyMs: number;
  idleMs: number;
  gcMs: number;
  functions: FunctionTime[];
}

function keyOf(cf: CallFrame): string {
  const name = cf.functionName === "" ? "(anonymous)" : cf.functionName;
  if (cf.url === "") return name;
  const file = cf.url.replace(/^file:\/\//, "");
  const short = file.includes("/node_modules/") ? file.slice(file.lastIndexOf("/node_modules/") + 14) : path.basename(file);
  return `${name} ${short}:${cf.lineNumber + 1}`;
}

export function summarizeProfile(file: string): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  let all = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dtMs = (prof.timeDeltas[i + 1] ?? prof.timeDeltas[i] ?? 0) / 1000;
    const id = prof.samples[i] as number;
    const node = byId.get(id);
    if (!node) continue;
    all += dtMs;
    const name = node.callFrame.functionName;
    if (name === "(idle)") {
      idle += dtMs;
      continue;
    }
    if (name === "(garbage collector)") gc += dtMs;
    const k = keyOf(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dtMs);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const kk = keyOf(n.callFrame);
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dtMs);
    }
  }
  const functions = [...self.keys(), ...[...total.keys()].filter((k) => !self.has(k))].map((key) => ({
    key,
    selfMs: self.get(key) ?? 0,
    totalMs: total.get(key) ?? 0,
  }));
  return { file, durationMs: all, busyMs: all - idle, idleMs: idle, gcMs: gc, functions };
}

export function profileTables(s: ProfileSummary, top = 20): Table[] {
  const pct = (ms: number) => `${((100 * ms) / Math.max(1, s.busyMs)).toFixed(1)}%`;
  const bySelf = [...s.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  const byTotal = [...s.functions]
    .filter((f) => !f.key.startsWith("(root)") && !f.key.startsWith("(program)"))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  return [
    {
      title: `CPU profile ${path.basename(s.file)}: busy ${s.busyMs.toFixed(0)} ms of ${s.durationMs.toFixed(0)} ms sampled (idle ${s.idleMs.toFixed(0)} ms, GC ${s.gcMs.toFixed(0)} ms) — top ${top} by self time`,
      columns: ["function", "self ms", "self % of busy"],
      rows: bySelf.map((f) => [f.key, f.selfMs.toFixed(0), pct(f.selfMs)]),
    },
    {
      title: `top ${top} by inclusive time`,
      columns: ["function", "incl. ms", "incl. % of busy"],
      rows: byTotal.map((f) => [f.key, f.totalMs.toFixed(0), pct(f.totalMs)]),
    },
  ];
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node --import tsx bench/lib/cpuProfile.ts FILE.cpuprofile [top]");
    process.exit(2);
  }
  for (const t of profileTables(summarizeProfile(file), Number(process.argv[3] ?? 25))) console.log(renderTable(t) + "\n");
}
