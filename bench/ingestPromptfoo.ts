/**
 * The same OTLP protobuf bodies as bench/ingestHttp.ts into promptfoo's OTLP/HTTP trace receiver
 * (a local SQLite-backed receiver like ours; anchors.md §A7), then into ScoreLens, in one run.
 *
 * promptfoo is NOT a dependency: a pinned version is installed on first use into
 * $SCORELENS_CACHE/bench-peers (see lib/peers.ts), and only its receiver runs
 * (bench/peers/promptfooReceiver.ts), with its store in a temp folder. promptfoo keeps a span only
 * when its trace row exists; a trace row is created from the `evaluation.id` / `test.case.id`
 * attributes, which every generated span carries, so both receivers store every span.
 * If promptfoo can't be installed or started, the benchmark reports "skipped: <reason>".
 *
 * Flags: --spans (50000) --concurrency (4) --batch (512) --seconds (60: time budget per receiver)
 */
import path from "node:path";
import Database from "better-sqlite3";
import {
  REPO_ROOT,
  fmtBytes,
  fmtMs,
  fmtNum,
  fmtRatio,
  intFlag,
  latencyStats,
  loadNote,
  machineInfo,
  makeTmpDir,
  rmTmpDir,
  type Benchmark,
  type BenchResult,
} from "./lib/common";
import { RssSampler, staleBuildWarning, startChildServer, startScoreLens, type ChildServer, type RssStats } from "./lib/childServer";
import { EVAL_ID, buildRequests, type EncodedRequest } from "./lib/genaiTraces";
import { runLoad, type LoadResult } from "./lib/httpLoad";
import { ensurePeer } from "./lib/peers";

export const PROMPTFOO_VERSION = "0.123.1";

interface ReceiverRun {
  load: LoadResult;
  rss: RssStats;
  startMs: number;
  stored: number;
}

async function drive(server: ChildServer, requests: readonly EncodedRequest[], concurrency: number, seconds: number): Promise<{ load: LoadResult; rss: RssStats }> {
  const rss = new RssSampler(server.pid, 250).start();
  try {
    const load = await runLoad({ port: server.port, concurrency, requests, deadlineMs: seconds * 1000 });
    return { load, rss: rss.stop() };
  } catch (e) {
    rss.stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\nreceiver stderr:\n${server.stderrTail()}`);
  } finally {
    await server.stop();
  }
}

function countRows(file: string, sql: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

function skipped(reason: string, notes: string[]): BenchResult {
  return { name: "ingestPromptfoo", status: "skipped", summary: `skipped: ${reason}`, tables: [], notes, metrics: { skipped: reason } };
}

export const ingestPromptfoo: Benchmark = {
  name: "ingestPromptfoo",
  description: "the same OTLP bodies into promptfoo's OTLP receiver vs ScoreLens",
  flags: { spans: "50000", concurrency: "4", batch: "512", seconds: "60" },
  async run(opts): Promise<BenchResult> {
    const totalSpans = intFlag(opts, "spans", 50_000, 512);
    const concurrency = intFlag(opts, "concurrency", 4, 1, 64);
    const batch = intFlag(opts, "batch", 512, 1, 100_000);
    const seconds = intFlag(opts, "seconds", 60, 1, 600);
    const notes: string[] = [];
    const stale = staleBuildWarning();
    if (stale) notes.push(`WARNING: ${stale}`);

    let pf;
    try {
      pf = ensurePeer("promptfoo", PROMPTFOO_VERSION);
    } catch (e) {
      return skipped(e instanceof Error ? e.message : String(e), notes);
    }
    if (pf.installed) notes.push(`installed promptfoo@${pf.version} in ${fmtMs(pf.installMs)} (not counted)`);
    notes.push(`peer: promptfoo@${pf.version} from ${pf.dir}`);
    notes.push(`machine: ${loadNote()} at start`);

    const set = buildRequests({ totalSpans, spansPerRequest: batch });
    notes.push(`payload: ${set.requests.length} bodies of ${batch} spans, ${set.bytesPerSpan.toFixed(0)} B/span (identical bodies for both receivers)`);
    const dir = makeTmpDir("promptfoo");
    try {
      // promptfoo's receiver.
      console.log(`  starting promptfoo@${pf.version}'s OTLP receiver…`);
      const configDir = path.join(dir, "promptfoo-config");
      const t0 = performance.now();
      let pfServer: ChildServer;
      try {
        pfServer = await startChildServer({
          command: process.execPath,
          args: ["--import", "tsx", path.join(REPO_ROOT, "bench/peers/promptfooReceiver.ts"), pf.dir, EVAL_ID],
          env: {
            ...process.env,
            PROMPTFOO_CONFIG_DIR: configDir,
            PROMPTFOO_DISABLE_TELEMETRY: "1",
            PROMPTFOO_DISABLE_UPDATE: "1",
            LOG_LEVEL: "warn",
          },
          timeoutMs: 90_000,
          label: "promptfoo OTLP receiver",
        });
      } catch (e) {
        return skipped(`promptfoo's OTLP receiver did not start headless: ${e instanceof Error ? e.message.split("\n").slice(0, 4).join(" | ") : String(e)}`, notes);
      }
      const pfStartMs = performance.now() - t0;
      console.log(`  promptfoo: ${concurrency} exporters, up to ${seconds} s…`);
      const pfDrive = await drive(pfServer, set.requests, concurrency, seconds);
      const pfDb = path.join(configDir, "promptfoo.db");
      const pfRun: ReceiverRun = {
        ...pfDrive,
        startMs: pfStartMs,
        stored: countRows(pfDb, "SELECT count(*) FROM spans"),
      };
      if (pfRun.stored !== pfRun.load.spansOk) notes.push(`WARNING: promptfoo acknowledged ${fmtNum(pfRun.load.spansOk)} spans but stored ${fmtNum(pfRun.stored)}`);
      if (pfRun.load.stoppedByDeadline) notes.push(`promptfoo reached the ${seconds} s budget after ${fmtNum(pfRun.load.spansOk)} spans; ScoreLens gets the same ${pfRun.load.requestsOk} bodies`);

      // ScoreLens on the same bodies (the ones promptfoo got through, in the same order).
      const same = set.requests.slice(0, pfRun.load.requestsOk);
      console.log(`  ScoreLens: the same ${same.length} bodies…`);
      const dbPath = path.join(dir, "scorelens.db");
      const s0 = performance.now();
      const slServer = await startScoreLens(dbPath);
      const slStartMs = performance.now() - s0;
      const slDrive = await drive(slServer, same, concurrency, seconds);
      const slRun: ReceiverRun = { ...slDrive, startMs: slStartMs, stored: countRows(dbPath, "SELECT count(*) FROM spans") };
      if (slRun.stored !== slRun.load.spansOk) notes.push(`WARNING: ScoreLens acknowledged ${fmtNum(slRun.load.spansOk)} spans but stored ${fmtNum(slRun.stored)}`);

      const rate = (r: ReceiverRun) => (r.load.spansOk / r.load.elapsedMs) * 1000;
      const pfRate = rate(pfRun);
      const slRate = rate(slRun);
      const row = (label: string, r: ReceiverRun, ratio: string) => {
        const lat = latencyStats(r.load.latenciesMs);
        return [
          label,
          fmtNum(r.load.spansOk),
          fmtNum(r.stored),
          fmtMs(r.load.elapsedMs),
          fmtNum(rate(r)),
          `${fmtMs(lat.medianMs)} / ${fmtMs(lat.p95Ms)}`,
          `${fmtBytes(r.rss.minBytes)} / ${fmtBytes(r.rss.maxBytes)}`,
          fmtMs(r.startMs),
          ratio,
        ];
      };
      notes.push(`machine: ${loadNote()} at end`);
      return {
        name: "ingestPromptfoo",
        status: "ok",
        summary: `ScoreLens ${fmtNum(slRate)} spans/s vs promptfoo@${pf.version} ${fmtNum(pfRate)} spans/s on the same bodies: ScoreLens/promptfoo = ${fmtRatio(slRate / pfRate)}`,
        tables: [
          {
            title: `OTLP/HTTP protobuf ingest, same bodies (${batch} spans each), ${concurrency} keep-alive exporters, until all HTTP 200s`,
            columns: ["receiver", "spans acked", "spans stored", "time", "spans/s", "req latency p50 / p95", "RSS min / max", "startup", "ratio"],
            rows: [row(`baseline: promptfoo@${pf.version} receiver`, pfRun, "1.00×"), row("ScoreLens server", slRun, fmtRatio(slRate / pfRate))],
          },
        ],
        notes,
        metrics: {
          machine: machineInfo(),
          config: { totalSpans: set.totalSpans, batch, concurrency, seconds, promptfooVersion: pf.version },
          promptfoo: { ...pfRun, spansPerSec: pfRate, requestLatency: latencyStats(pfRun.load.latenciesMs), load: { ...pfRun.load, latenciesMs: undefined } },
          scorelens: { ...slRun, spansPerSec: slRate, requestLatency: latencyStats(slRun.load.latenciesMs), load: { ...slRun.load, latenciesMs: undefined } },
          ratioScoreLensToPromptfoo: slRate / pfRate,
        },
      };
    } finally {
      rmTmpDir(dir);
    }
  },
};
