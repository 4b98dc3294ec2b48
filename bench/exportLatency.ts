/**
 * Client-side cost of the ScoreLens SDK (sdk/index.ts) for one ~10 KB trace (an agent run of 6
 * spans: agent → retriever, 2 LLM calls, 2 tools, with realistic inputs/outputs), measured against
 * the bare call of the same functions in the same run, and the time from the end of a trace to
 * the real server acknowledging it (HTTP 200 = committed). Reference: MLflow documents ~1 ms of
 * tracing overhead per trace.
 *
 * - per-trace time: medians over interleaved blocks of bare and traced runs (trace()-wrapped
 *   functions, and the same with withSpan blocks); overhead = traced − bare;
 * - client CPU per trace: this process's CPU time (process.cpuUsage) over the traced blocks, each
 *   followed by flush(), minus the bare blocks, / N — includes the background export (JSON encoding
 *   + HTTP) that the medians mostly miss, and none of the server's work (another process);
 * - end → ack: `await flush()` right after a trace ends; and, with default batching, until the
 *   server's /health span count includes the trace (polled every 2 ms).
 *
 * Flags: --iterations (2000) --acks (30)
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import {
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
  sleep,
  type Benchmark,
  type BenchResult,
  type LatencyStats,
  type Table,
} from "./lib/common";
import { staleBuildWarning, startScoreLens } from "./lib/childServer";

import type * as SdkModule from "../sdk/index";
import type { SpanType } from "../sdk/index";

type Sdk = typeof SdkModule;
type Wrapper = <F extends (...args: never[]) => unknown>(fn: F, name: string, type: SpanType) => F;

interface Msg {
  role: string;
  content: string;
}

const DOCS = Array.from({ length: 3 }, (_, k) => ({
  id: `kb-${1000 + k}`,
  score: 0.91 - k * 0.06,
  content:
    `Document ${k}: API keys can be rotated at any time from Settings → API keys. Old keys stay valid until revoked, ` +
    "so the safe order is: create the new key, deploy it to every consumer, watch the key usage chart until traffic on the " +
    "old key drops to zero, then revoke it. Rotation does not change webhook signing secrets; those are rotated separately " +
    "under Settings → Webhooks, with a 24-hour overlap window during which both secrets validate.",
}));
const ANSWER =
  "Create a second key, deploy it to all consumers, verify traffic on the new key in the dashboard, then revoke the old key. " +
  "Both keys are valid during the overlap, so there is no downtime. Webhook secrets are separate: rotate them under Settings → Webhooks. ".repeat(2);
const SYSTEM = "You are the support agent of a SaaS company. Answer only from the retrieved documents and cite their ids.";

/** The app: plain async functions that return canned data (no I/O), so only tracing is measured. */
function makeApp(wrap: Wrapper) {
  const retrieve = wrap(async (query: string, k: number) => DOCS.slice(0, k).map((d) => ({ ...d, query })), "retrieve", "RETRIEVER");
  const chat = wrap(
    async (messages: Msg[], model: string) => ({
      model,
      choices: [{ index: 0, message: { role: "assistant", content: messages.length > 2 ? ANSWER : "call search_tickets, then get_account" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 850 + messages.length * 40, completion_tokens: 120, total_tokens: 970 + messages.length * 40 },
    }),
    "chat",
    "CHAT_MODEL",
  );
  const tool = wrap(async (name: string, args: Record<string, unknown>) => ({ name, ok: true, result: { count: 3, ids: [48213, 48217, 48302], args } }), "tool", "TOOL");
  const agent = wrap(
    async (question: string) => {
      const docs = await retrieve(question, 3);
      await chat([{ role: "system", content: SYSTEM }, { role: "user", content: question }], "gpt-4o-mini");
      const tickets = await tool("search_tickets", { query: question.slice(0, 40), status: "open", limit: 5 });
      const account = await tool("get_account", { account_id: "acct_7Q2M9", fields: ["plan", "region", "seats"] });
      const final = await chat(
        [
          { role: "system", content: SYSTEM },
          { role: "user", content: question },
          { role: "tool", content: JSON.stringify({ docs: docs.map((d) => d.content.slice(0, 400)), tickets, account }) },
        ],
        "gpt-4o-mini",
      );
      return final.choices[0]?.message.content ?? "";
    },
    "agent",
    "AGENT",
  );
  return agent;
}

const QUESTION = "How do I rotate the API key for the billing service without downtime, and does it affect webhooks?";

/** A throwaway OTLP receiver that records body sizes (to report the trace's wire size). */
async function captureSize(sdk: Sdk, run: () => Promise<unknown>): Promise<number> {
  let bytes = 0;
  const srv = http.createServer((req, res) => {
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  sdk.configure({ endpoint: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1/traces`, enabled: true });
  await run();
  await sdk.flush(5000);
  await new Promise<void>((r) => srv.close(() => r()));
  return bytes;
}

function getJson(port: number, p: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: p, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          try {
            resolve(JSON.parse(text) as Record<string, unknown>);
          } catch (e) {
            reject(e);
          }
        });
      })
      .on("error", reject);
  });
}

interface Interleaved {
  a: number[];
  b: number[];
  /** CPU time of this process (user + system), ms, over all blocks of a / of b (b includes `afterB`). */
  aCpuMs: number;
  bCpuMs: number;
}

/**
 * Runs `a` and `b` in alternating blocks; per-call wall times, plus this process's CPU time per side.
 * `afterB` (e.g. flush) runs after each b block inside b's CPU window, so background export work
 * is charged to b and the exporter queue never overflows.
 */
async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, n: number, afterB?: () => Promise<void>, block = 100): Promise<Interleaved> {
  const out: Interleaved = { a: [], b: [], aCpuMs: 0, bCpuMs: 0 };
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  for (let done = 0; done < n; done += block) {
    const k = Math.min(block, n - done);
    let c0 = process.cpuUsage();
    for (let i = 0; i < k; i++) {
      const s = performance.now();
      await a();
      out.a.push(performance.now() - s);
    }
    out.aCpuMs += cpuMs(process.cpuUsage(c0));
    c0 = process.cpuUsage();
    for (let i = 0; i < k; i++) {
      const s = performance.now();
      await b();
      out.b.push(performance.now() - s);
    }
    if (afterB) await afterB();
    out.bCpuMs += cpuMs(process.cpuUsage(c0));
  }
  return out;
}

function skipped(reason: string): BenchResult {
  return { name: "exportLatency", status: "skipped", summary: `skipped: ${reason}`, tables: [], notes: [], metrics: { skipped: reason } };
}

export const exportLatency: Benchmark = {
  name: "exportLatency",
  description: "SDK tracing overhead per ~10 KB trace vs the bare call, and span end → server ack",
  flags: { iterations: "2000", acks: "30" },
  async run(opts): Promise<BenchResult> {
    const n = intFlag(opts, "iterations", 2000, 100);
    const acks = intFlag(opts, "acks", 30, 3, 1000);
    let sdk: Sdk;
    try {
      sdk = await import("../sdk/index");
    } catch (e) {
      return skipped(`the SDK (sdk/index.ts) can't be loaded: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
    const missing = (["trace", "withSpan", "configure", "flush", "shutdown"] as const).filter((k) => typeof sdk[k] !== "function");
    if (missing.length > 0) return skipped(`the SDK does not export ${missing.join(", ")} yet`);
    const pipeline = await import("../sdk/tracing/pipeline").catch(() => null);

    const notes: string[] = [];
    const stale = staleBuildWarning();
    if (stale) notes.push(`WARNING: ${stale}`);
    notes.push(`machine: ${loadNote()} at start`);

    const bare = makeApp((fn) => fn);
    const viaTrace: Wrapper = (fn, name, type) => sdk.trace(fn, { name, spanType: type }) as unknown as typeof fn;
    const viaWithSpan: Wrapper = (fn, name, type) =>
      ((...args: never[]) => sdk.withSpan(name, () => fn(...args), { spanType: type, inputs: args })) as unknown as typeof fn;
    const traced = makeApp(viaTrace);
    const withSpans = makeApp(viaWithSpan);

    const traceBytes = await captureSize(sdk, () => traced(QUESTION));
    const dir = makeTmpDir("export");
    const server = await startScoreLens(path.join(dir, "scorelens.db"));
    try {
      sdk.configure({ endpoint: `http://127.0.0.1:${server.port}/v1/traces`, enabled: true, serviceName: "bench-export-latency" });
      // Warm-up (JIT, sockets, server).
      for (let i = 0; i < 200; i++) {
        await bare(QUESTION);
        await traced(QUESTION);
        await withSpans(QUESTION);
      }
      await sdk.flush();

      console.log(`  ${fmtNum(n)} bare vs traced runs (interleaved blocks)…`);
      const flush = () => sdk.flush();
      const t1 = await interleaved(() => bare(QUESTION), () => traced(QUESTION), n, flush);
      const t2 = await interleaved(() => bare(QUESTION), () => withSpans(QUESTION), n, flush);
      sdk.configure({ enabled: false });
      const t3 = await interleaved(() => bare(QUESTION), () => traced(QUESTION), n);
      sdk.configure({ enabled: true });

      console.log(`  end → ack latency (${acks} traces each)…`);
      const flushLat: number[] = [];
      for (let i = 0; i < acks; i++) {
        await traced(QUESTION);
        const s = performance.now();
        await sdk.flush();
        flushLat.push(performance.now() - s);
        await sleep(5);
      }
      const passiveLat: number[] = [];
      let timeouts = 0;
      const spansNow = async () => Number((await getJson(server.port, "/health")).spans ?? NaN);
      for (let i = 0; i < Math.min(acks, 15); i++) {
        const before = await spansNow();
        await traced(QUESTION);
        const s = performance.now();
        for (;;) {
          if ((await spansNow()) >= before + 6) break;
          if (performance.now() - s > 5000) {
            timeouts++;
            break;
          }
          await sleep(2);
        }
        passiveLat.push(performance.now() - s);
      }
      const dropped = pipeline ? pipeline.getExporter().droppedCount : NaN;
      await sdk.shutdown();
      const stored = await spansNow();

      const med = (xs: number[]) => latencyStats(xs);
      const amortized = (r: Interleaved) => (r.bCpuMs - r.aCpuMs) / r.b.length;
      const row = (label: string, r: Interleaved) => {
        const a = med(r.a);
        const b = med(r.b);
        return [label, fmtMs(a.medianMs), fmtMs(b.medianMs), fmtMs(b.p95Ms), fmtMs(b.medianMs - a.medianMs), fmtMs(amortized(r)), fmtRatio(b.medianMs / a.medianMs)];
      };
      const lat = (label: string, s: LatencyStats) => [label, fmtMs(s.medianMs), fmtMs(s.p95Ms), fmtMs(s.maxMs), String(s.runs)];
      const flushStats = med(flushLat);
      const passiveStats = med(passiveLat);
      const overheadTrace = med(t1.b).medianMs - med(t1.a).medianMs;
      const amortTrace = amortized(t1);
      const tables: Table[] = [
        {
          title: `Per-trace cost of tracing (${fmtNum(n)} runs each; one trace = 6 spans, ${fmtBytes(traceBytes)} of OTLP JSON)`,
          columns: ["variant", "bare p50", "traced p50", "traced p95", "overhead p50", "client CPU per trace incl. export", "ratio p50"],
          rows: [
            row("trace()-wrapped functions", t1),
            row("withSpan() blocks (inputs recorded)", t2),
            row("trace()-wrapped, tracing disabled", t3),
          ],
        },
        {
          title: "Trace end → server acknowledgement (HTTP 200 after commit), real `scorelens serve`",
          columns: ["path", "p50", "p95", "max", "runs"],
          rows: [lat("await flush() right after the trace", flushStats), lat("default batching (flushIntervalMs 200), seen in /health", passiveStats)],
        },
      ];
      notes.push(`exporter: OTLP/JSON, batch 512, flushIntervalMs 200 (defaults); spans dropped: ${dropped}; spans stored by the server: ${fmtNum(stored)}`);
      if (timeouts > 0) notes.push(`WARNING: ${timeouts} passive-latency probes timed out after 5 s`);
      notes.push("reference: MLflow documents ~1 ms of tracing overhead per trace");
      notes.push(`machine: ${loadNote()} at end`);
      return {
        name: "exportLatency",
        status: "ok",
        summary: `tracing overhead ${fmtMs(overheadTrace)} per 6-span ${fmtBytes(traceBytes)} trace (p50; ${fmtMs(amortTrace)} of client CPU incl. export; MLflow ref ~1 ms); end → ack ${fmtMs(flushStats.medianMs)} with flush(), ${fmtMs(passiveStats.medianMs)} with default batching`,
        tables,
        notes,
        metrics: {
          machine: machineInfo(),
          config: { iterations: n, acks, traceBytes, spansPerTrace: 6 },
          traceWrapped: { bare: med(t1.a), traced: med(t1.b), overheadMs: overheadTrace, cpuPerTraceMs: amortTrace },
          withSpan: { bare: med(t2.a), traced: med(t2.b), overheadMs: med(t2.b).medianMs - med(t2.a).medianMs, cpuPerTraceMs: amortized(t2) },
          disabled: { bare: med(t3.a), traced: med(t3.b), overheadMs: med(t3.b).medianMs - med(t3.a).medianMs, cpuPerTraceMs: amortized(t3) },
          endToAck: { flush: flushStats, passive: passiveStats },
          dropped,
          stored,
        },
      };
    } finally {
      await server.stop();
      rmTmpDir(dir);
    }
  },
};
