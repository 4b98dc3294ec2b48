/**
 * End-to-end OTLP/HTTP ingest of the real server (`node dist/cli.js serve` as a child process):
 * N keep-alive exporters POST protobuf bodies of 512 realistic GenAI spans until every body got
 * its HTTP 200 (which the server sends only after the spans are committed). Reports spans/s,
 * the server's RSS over the run (sampled from /proc every 250 ms), and the ratio to raw
 * better-sqlite3 inserts of the same rows measured in the same run.
 *
 * Flags: --spans (200000) --concurrency (4) --batch (512) --cpu-prof (write + summarize a server CPU profile)
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {
  boolFlag,
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
  type Table,
} from "./lib/common";
import { RssSampler, staleBuildWarning, startScoreLens } from "./lib/childServer";
import { profileTables, summarizeProfile } from "./lib/cpuProfile";
import { buildRequests } from "./lib/genaiTraces";
import { runLoad } from "./lib/httpLoad";
import { runRawBaseline } from "./lib/rawBaseline";

export const ingestHttp: Benchmark = {
  name: "ingestHttp",
  description: "OTLP/HTTP protobuf ingest into the real server vs raw better-sqlite3 inserts of the same rows",
  flags: { spans: "200000", concurrency: "4", batch: "512", "cpu-prof": "off" },
  async run(opts): Promise<BenchResult> {
    const totalSpans = intFlag(opts, "spans", 200_000, 512);
    const concurrency = intFlag(opts, "concurrency", 4, 1, 64);
    const batch = intFlag(opts, "batch", 512, 1, 100_000);
    const cpuProf = boolFlag(opts, "cpu-prof");
    const notes: string[] = [];
    const stale = staleBuildWarning();
    if (stale) notes.push(`WARNING: ${stale}`);
    notes.push(`machine: ${loadNote()} at start`);

    console.log(`  encoding ${fmtNum(totalSpans)} spans as OTLP protobuf bodies of ${batch} spans…`);
    const set = buildRequests({ totalSpans, spansPerRequest: batch });
    notes.push(
      `payload: ${fmtNum(set.totalTraces)} traces × 10 spans in ${set.requests.length} bodies, ${fmtBytes(set.totalBytes)} total, ` +
        `${set.bytesPerSpan.toFixed(0)} B/span on the wire, ~${set.attrBytesPerSpan.toFixed(0)} B of attribute keys+values per span (encoded in ${fmtMs(set.encodeMs)})`,
    );

    const dir = makeTmpDir("ingest");
    try {
      // Baseline: raw better-sqlite3 in this process.
      console.log("  baseline: raw better-sqlite3 inserts of the same rows…");
      const raw = runRawBaseline(set.requests, dir);
      const rawSpansPerSec = (raw.spans / (raw.paramsMs + raw.insertMs)) * 1000;
      const sqliteOnlyPerSec = (raw.spans / raw.insertMs) * 1000;

      // The real server.
      console.log(`  ScoreLens: ${concurrency} exporters → node dist/cli.js serve…`);
      const dbPath = path.join(dir, "scorelens.db");
      const profDir = path.join(dir, "cpuprof");
      const server = await startScoreLens(dbPath, cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []);
      const rss = new RssSampler(server.pid, 250).start();
      let load;
      try {
        load = await runLoad({ port: server.port, concurrency, requests: set.requests, deadlineMs: 110_000 });
      } catch (e) {
        rss.stop();
        await server.stop();
        throw new Error(`${e instanceof Error ? e.message : String(e)}\nserver stderr:\n${server.stderrTail()}`);
      }
      const rssStats = rss.stop();
      const exitCode = await server.stop();
      if (exitCode !== 0) notes.push(`WARNING: the server exited with code ${exitCode}`);

      // What actually landed in the store.
      const check = new Database(dbPath, { readonly: true });
      const stored = check.prepare("SELECT count(*) FROM spans").pluck().get() as number;
      const traces = check.prepare("SELECT count(*) FROM traces").pluck().get() as number;
      const rollupSpans = check.prepare("SELECT coalesce(sum(span_count),0) FROM traces").pluck().get() as number;
      const colBytes = check
        .prepare(
          `SELECT avg(length(CAST(attributes AS BLOB))) AS attributes, avg(length(CAST(detail AS BLOB))) AS detail,
             avg(coalesce(length(CAST(inputs AS BLOB)), 0)) AS inputs, avg(coalesce(length(CAST(outputs AS BLOB)), 0)) AS outputs,
             avg(length(CAST(events AS BLOB))) AS events FROM (SELECT * FROM spans LIMIT 20000)`,
        )
        .get() as Record<string, number>;
      check.close();
      const dbBytes = fs.statSync(dbPath).size;
      if (stored !== load.spansOk) notes.push(`WARNING: ${load.spansOk} spans acknowledged but ${stored} stored`);
      if (load.stoppedByDeadline) notes.push(`WARNING: stopped at the 110 s deadline after ${fmtNum(load.spansOk)} spans; lower --spans`);

      const serverPerSec = (load.spansOk / load.elapsedMs) * 1000;
      const ratio = serverPerSec / rawSpansPerSec;
      const lat = latencyStats(load.latenciesMs);

      const tables: Table[] = [
        {
          title: `Ingest throughput (${fmtNum(set.totalSpans)} spans, bodies of ${batch}, ${concurrency} concurrent keep-alive exporters)`,
          columns: ["variant", "spans", "time", "spans/s", "ratio to baseline"],
          rows: [
            ["baseline: raw better-sqlite3 (toRowParams + INSERT, 1 txn / body)", fmtNum(raw.spans), fmtMs(raw.paramsMs + raw.insertMs), fmtNum(rawSpansPerSec), "1.00×"],
            ["  of which SQLite INSERT only (params prebuilt)", fmtNum(raw.spans), fmtMs(raw.insertMs), fmtNum(sqliteOnlyPerSec), fmtRatio(sqliteOnlyPerSec / rawSpansPerSec)],
            [
              "  reference: SQLite INSERT only, wal_autocheckpoint=0",
              fmtNum(raw.spans),
              fmtMs(raw.insertNoCheckpointMs),
              fmtNum((raw.spans / raw.insertNoCheckpointMs) * 1000),
              fmtRatio(raw.insertMs / raw.insertNoCheckpointMs),
            ],
            ["  reference: decode protobuf (in-process, no HTTP)", fmtNum(raw.spans), fmtMs(raw.decodeMs), fmtNum((raw.spans / raw.decodeMs) * 1000), "–"],
            ["  reference: normalizeSpan (in-process)", fmtNum(raw.spans), fmtMs(raw.normalizeMs), fmtNum((raw.spans / raw.normalizeMs) * 1000), "–"],
            ["ScoreLens server, end to end (all HTTP 200s)", fmtNum(load.spansOk), fmtMs(load.elapsedMs), fmtNum(serverPerSec), fmtRatio(ratio)],
          ],
        },
        {
          title: "ScoreLens server during ingest",
          columns: ["measure", "value"],
          rows: [
            ["RSS min / max / last (VmRSS every 250 ms)", `${fmtBytes(rssStats.minBytes)} / ${fmtBytes(rssStats.maxBytes)} / ${fmtBytes(rssStats.lastBytes)} (${rssStats.samples} samples)`],
            ["RSS at 10%, 20%, … 100% of the run (MiB)", rssStats.decilesBytes.map((b) => (b / 1024 / 1024).toFixed(0)).join(" ")],
            ["request latency median / p95 / max", `${fmtMs(lat.medianMs)} / ${fmtMs(lat.p95Ms)} / ${fmtMs(lat.maxMs)}`],
            ["503 retries (queue full)", String(load.retries)],
            ["spans stored / traces stored / rollup span_count sum", `${fmtNum(stored)} / ${fmtNum(traces)} / ${fmtNum(rollupSpans)}`],
            ["database size after close (raw baseline db)", `${fmtBytes(dbBytes)} (${fmtBytes(raw.dbBytes)}) = ${(dbBytes / stored).toFixed(0)} B/span vs ${set.bytesPerSpan.toFixed(0)} B/span on the wire`],
            [
              "avg stored JSON bytes/span: attributes / detail / inputs / outputs / events",
              ["attributes", "detail", "inputs", "outputs", "events"].map((c) => (colBytes[c] ?? 0).toFixed(0)).join(" / "),
            ],
          ],
        },
      ];
      let profile: ReturnType<typeof summarizeProfile> | null = null;
      if (cpuProf) {
        const files = fs.existsSync(profDir) ? fs.readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile")) : [];
        if (files[0]) {
          const keep = path.join(path.dirname(dir), `scorelens-ingest-${Date.now()}.cpuprofile`);
          fs.copyFileSync(path.join(profDir, files[0]), keep);
          profile = summarizeProfile(keep);
          tables.push(...profileTables(profile, 20));
          notes.push(`server CPU profile kept at ${keep} (open in Chrome DevTools or VS Code)`);
        } else notes.push("WARNING: --cpu-prof given but no .cpuprofile was written");
      }
      notes.push(`machine: ${loadNote()} at end`);
      return {
        name: "ingestHttp",
        status: "ok",
        summary: `ScoreLens ${fmtNum(serverPerSec)} spans/s end to end = ${fmtRatio(ratio)} raw better-sqlite3 (${fmtNum(rawSpansPerSec)} spans/s); target ≥ 0.5×; server RSS max ${fmtBytes(rssStats.maxBytes)}`,
        tables,
        notes,
        metrics: {
          machine: machineInfo(),
          config: { totalSpans: set.totalSpans, batch, concurrency, bytesPerSpan: set.bytesPerSpan, attrBytesPerSpan: set.attrBytesPerSpan },
          baseline: { ...raw, spansPerSec: rawSpansPerSec, sqliteOnlySpansPerSec: sqliteOnlyPerSec },
          scorelens: {
            spans: load.spansOk,
            elapsedMs: load.elapsedMs,
            spansPerSec: serverPerSec,
            ratioToBaseline: ratio,
            retries: load.retries,
            requestLatency: lat,
            rss: rssStats,
            stored,
            traces,
            dbBytes,
            storedJsonBytesPerSpan: colBytes,
          },
          profile: profile ? { busyMs: profile.busyMs, gcMs: profile.gcMs, top: [...profile.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, 30) } : null,
        },
      };
    } finally {
      rmTmpDir(dir);
    }
  },
};
