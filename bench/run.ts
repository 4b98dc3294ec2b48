/**
 * Benchmark runner. Benchmarks PRINT numbers (each against a baseline measured in the same run);
 * nothing here asserts on timings.
 *
 *   node --import tsx bench/run.ts                 # all benchmarks
 *   node --import tsx bench/run.ts queries --traces 200000
 *   node --import tsx bench/run.ts ingestHttp --spans 50000 --cpu-prof
 *   node --import tsx bench/run.ts --help
 *
 * Each run prints a table per benchmark and writes bench/results/<name>.json (gitignored).
 * Build the product first (`node scripts/build.mjs`): the ingest benchmarks start dist/cli.js.
 */
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT, machineInfo, renderTable, type Benchmark, type BenchResult } from "./lib/common";

interface Entry {
  name: string;
  description: string;
  load: () => Promise<Benchmark>;
}

const BENCHMARKS: Entry[] = [
  {
    name: "ingestHttp",
    description: "OTLP/HTTP ingest into `scorelens serve` vs raw better-sqlite3 inserts",
    load: async () => (await import("./ingestHttp")).ingestHttp,
  },
  {
    name: "ingestPromptfoo",
    description: "the same bodies into promptfoo's OTLP receiver (installed on demand outside the repo) vs ScoreLens",
    load: async () => (await import("./ingestPromptfoo")).ingestPromptfoo,
  },
  {
    name: "queries",
    description: "trace list / keyset page / 10k-span trace on a 1M-trace store vs raw SELECTs",
    load: async () => (await import("./queries")).queries,
  },
  {
    name: "search",
    description: "searchTraces (MLflow filters: tags, feedback, spans, text) on a 1M-trace store vs hand-written SQL",
    load: async () => (await import("./search")).search,
  },
  {
    name: "traceOpen",
    description: "open a 50,000-span trace: panel first paint, DOM rows, scroll frames in Chromium (vs 50 spans); getSkeleton vs raw SELECT",
    load: async () => (await import("./traceOpen")).traceOpen,
  },
  {
    name: "scorers",
    description: "RunManager.run over 100k stored traces: one scorer (workers read vs main thread reads) and 3 at once, vs reading the same traces",
    load: async () => (await import("./scorers")).scorers,
  },
  {
    name: "codelens",
    description: "per-edit CodeLens work on a 2,000-line scorer file (ScorerIndex.update + scorerLenses, diagnostics) vs ts.createSourceFile",
    load: async () => (await import("./codelens")).codelens,
  },
  {
    name: "resultsOpen",
    description: "open a 100,000-row evaluation run in the results panel: columnar table (server → host → webview first paint) vs all full rows",
    load: async () => (await import("./resultsOpen")).resultsOpen,
  },
  {
    name: "exportLatency",
    description: "SDK tracing overhead per ~10 KB trace vs the bare call, and span end → server ack",
    load: async () => (await import("./exportLatency")).exportLatency,
  },
  {
    name: "monitoring",
    description: "ingest into `scorelens serve` with 3 scorers at rate 1.0 vs none (ABBA), monitoring lag at a steady rate, backfill vs RunManager.run over 100k traces",
    load: async () => (await import("./monitoring")).monitoring,
  },
];

function parseArgv(argv: string[]): { names: string[]; flags: Map<string, string>; help: boolean } {
  const names: string[] = [];
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--help" || a === "-h") help = true;
    else if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith("--") && !BENCHMARKS.some((b) => b.name === next)) {
          flags.set(a.slice(2), next);
          i++;
        } else flags.set(a.slice(2), "true");
      }
    } else names.push(a);
  }
  return { names, flags, help };
}

async function main(): Promise<number> {
  const { names, flags, help } = parseArgv(process.argv.slice(2));
  if (help) {
    console.log("usage: node --import tsx bench/run.ts [name...] [--flag value...]\n\nbenchmarks:");
    for (const b of BENCHMARKS) {
      let flagText = "";
      try {
        const bench = await b.load();
        flagText = Object.entries(bench.flags)
          .map(([k, v]) => `--${k} (${v})`)
          .join(" ");
      } catch (e) {
        flagText = `(cannot load: ${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
      }
      console.log(`  ${b.name.padEnd(16)} ${b.description}\n  ${"".padEnd(16)} flags: ${flagText || "none"}`);
    }
    return 0;
  }
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
    return 2;
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
  const resultsDir = path.join(REPO_ROOT, "bench/results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const m = machineInfo();
  console.log(`ScoreLens benchmarks — ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, Node ${m.node}, ${m.platform}\n`);

  const summaries: Array<[string, string]> = [];
  let failed = 0;
  for (const entry of selected) {
    console.log(`━━ ${entry.name}: ${entry.description}`);
    const t0 = performance.now();
    let result: BenchResult;
    try {
      const bench = await entry.load();
      const known = new Set(Object.keys(bench.flags));
      const foreign = [...flags.keys()].filter((k) => !known.has(k));
      if (foreign.length > 0 && selected.length === 1) console.log(`  (ignoring flags not used by ${entry.name}: ${foreign.map((f) => `--${f}`).join(" ")})`);
      result = await bench.run({ flags });
    } catch (e) {
      failed++;
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.log(`  FAILED: ${msg}\n`);
      summaries.push([entry.name, `FAILED: ${msg.split("\n")[0] ?? ""}`]);
      continue;
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const t of result.tables) console.log("\n" + renderTable(t));
    if (result.notes.length > 0) console.log("\n" + result.notes.map((n) => `  • ${n}`).join("\n"));
    console.log(`\n  ⇒ ${result.summary}   [${seconds.toFixed(1)} s]\n`);
    summaries.push([entry.name, result.summary]);
    const file = path.join(resultsDir, `${result.name}.json`);
    const json = { ...result, finishedAt: new Date().toISOString(), wallSeconds: seconds, flags: Object.fromEntries(flags) };
    fs.writeFileSync(file, JSON.stringify(json, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
    console.log(`  results written to ${path.relative(REPO_ROOT, file)}\n`);
  }
  if (summaries.length > 1) {
    console.log("━━ summary");
    for (const [name, text] of summaries) console.log(`  ${name.padEnd(16)} ${text}`);
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
