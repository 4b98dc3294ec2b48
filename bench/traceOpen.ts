/**
 * Opening a big trace, both halves:
 *
 * 1. Server: `TraceQueries.getSkeleton` (what the trace panel loads to open a trace) on a
 *    50,000-span trace written through SpanWriter, against the raw SELECT of the same columns
 *    (same SQL, no BigInt reads, no row mapping) and that SELECT without its ORDER BY. Also the
 *    whole `trace/skeleton` answer (summary + skeleton + assessments, as server/handlers/
 *    traceHandlers.ts builds it) and its JSON size. Baseline in the same run: a 50-span trace.
 * 2. Webview: the real trace panel bundle (dist/webview/trace.js) in headless Chromium, served by
 *    the webview harness (test/webview-harness/traceHarness.ts: same page, CSP and fake host as the
 *    harness tests). For each trace: time from `webview/ready` (the host then posts the snapshot)
 *    to the first tree row in the DOM and to the first frame after it (a requestAnimationFrame
 *    once the row exists: the frame that paints it), row elements and DOM size, JS heap, and a
 *    scripted scroll (rAF timestamps → frame intervals; the panel's own rAF render callbacks timed
 *    by a wrapper; a forced layout after them). Traces: the harness's synthetic 50,000-span tree
 *    (6-ary, depth ~6), the real 50,000-span skeleton read from the store above (one root with
 *    5,000 agent steps), and, as the baseline, a 50-span trace on the same page.
 *
 * Chromium: $CHROMIUM_PATH or /usr/bin/chromium via playwright-core. Without it (or without
 * dist/webview/trace.js: run `node scripts/build.mjs`) the browser half is skipped with a note.
 *
 * Flags: --spans (50000) --small-spans (50) --rounds (5, page opens per trace) --runs (10, server
 * queries of the big trace; ×20 for the small one) --scroll-frames (120)
 */
import fs from "node:fs";
import path from "node:path";
import type { BrowserType } from "playwright-core";
import type { TraceSkeleton } from "../protocol/model";
import type { TraceSnapshot } from "../protocol/webview";
import { openDatabase } from "../server/store/db";
import { AssessmentQueries } from "../server/store/assessmentQueries";
import { TraceQueries } from "../server/store/traceQueries";
import { largeFixture, startHarnessServer, type Fixture, type HarnessServer } from "../test/webview-harness/traceHarness";
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
  newestSourceMtime,
  quantile,
  rmTmpDir,
  type Benchmark,
  type BenchResult,
  type LatencyStats,
  type Table,
} from "./lib/common";
import { buildBigTrace, buildRequests } from "./lib/genaiTraces";
import { capturePrepared, explain, writeThroughSpanWriter } from "./lib/store";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BUNDLE = path.join(REPO_ROOT, "dist/webview/trace.js");

// ─── server side ──────────────────────────────────────────────────────────────

interface ServerCase {
  label: string;
  spans: number;
  api: LatencyStats;
  raw: LatencyStats;
  rawNoOrder: LatencyStats;
  open: LatencyStats;
  jsonBytes: number;
  jsonMs: number;
}

function interleaved(fns: ReadonlyArray<() => unknown>, runs: number): number[][] {
  const out: number[][] = fns.map(() => []);
  for (const fn of fns) for (let i = 0; i < 2; i++) fn();
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      fn();
      (out[k] as number[]).push(performance.now() - t0);
    });
  }
  return out;
}

// ─── browser side ─────────────────────────────────────────────────────────────

/**
 * Injected before the page's scripts (not subject to the page CSP): marks the first tree row and
 * the frame after it, records long animation frames, and wraps requestAnimationFrame so the
 * panel's render callbacks can be timed during the scroll.
 */
const INIT_SCRIPT = String.raw`
(() => {
  const b = (window.__bench = { firstRowAt: null, firstFrameAt: null, afterFrameAt: null, loaf: [], timing: false, work: [], layout: [] });
  const raf = window.requestAnimationFrame.bind(window);
  b.raf = raf;
  window.requestAnimationFrame = (cb) => raf((ts) => {
    if (!b.timing) return cb(ts);
    const t0 = performance.now();
    try { cb(ts); } finally {
      const t1 = performance.now();
      void document.body.offsetHeight; // style + layout of what the callback changed (the frame pays it anyway)
      b.work.push(t1 - t0);
      b.layout.push(performance.now() - t1);
    }
  });
  // When the snapshot message is dispatched, and once its data is deserialized (Chromium does that on first access).
  window.addEventListener("message", (e) => {
    if (b.msgAt !== undefined) return;
    const at = performance.now();
    const d = e.data;
    if (!d || d.type !== "trace/snapshot") return;
    b.msgAt = at;
    b.msgDataAt = performance.now();
  }, true);
  const mo = new MutationObserver(() => {
    if (b.firstRowAt !== null || !document.querySelector(".tl-row")) return;
    b.firstRowAt = performance.now();
    mo.disconnect();
    raf(() => {
      b.firstFrameAt = performance.now();
      setTimeout(() => { b.afterFrameAt = performance.now(); }, 0);
    });
  });
  mo.observe(document, { childList: true, subtree: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.loaf.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration });
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch (e) { b.loafError = String(e); }
})();
`;

interface OpenSample {
  navToReady: number;
  /** ready → the snapshot's message event is dispatched (queueing behind the page's first frame, etc.). */
  readyToMessage: number;
  /** deserializing the message data (structured clone of the snapshot). */
  deserialize: number;
  readyToRow: number;
  readyToFrame: number;
  readyToAfterFrame: number;
  rows: number;
  elements: number;
  heapBytes: number;
  countText: string;
  longestFrame: number;
}

interface ScrollSample {
  pattern: string;
  frames: number;
  intervals: number[];
  work: number[];
  layout: number[];
  rowsAfter: number;
  scrollHeight: number;
}

/** Runs in the page: scrolls the span tree one position per frame and measures each frame. */
const SCROLL_SCRIPT = (pattern: "wheel" | "jump", frames: number) => `(async () => {
  const b = window.__bench;
  const sc = document.querySelector(".tl-scroll");
  const max = Math.max(0, sc.scrollHeight - sc.clientHeight);
  const pos = [];
  if (${JSON.stringify(pattern)} === "wheel") {
    let y = sc.scrollTop, dir = 1;
    for (let i = 0; i < ${frames}; i++) {
      y += dir * 120;
      if (y > max) { y = max; dir = -1; } else if (y < 0) { y = 0; dir = 1; }
      pos.push(y);
    }
  } else {
    let x = 12345;
    for (let i = 0; i < ${frames}; i++) { x = (x * 1103515245 + 12345) % 2147483648; pos.push(Math.floor((x / 2147483648) * max)); }
  }
  const frame = () => new Promise((r) => b.raf((t) => r(t)));
  let prev = await frame();
  b.work = []; b.layout = []; b.timing = true;
  const intervals = [];
  for (const y of pos) {
    sc.scrollTop = y;
    const t = await frame();
    intervals.push(t - prev);
    prev = t;
  }
  await frame(); await frame();
  b.timing = false;
  return { pattern: ${JSON.stringify(pattern)}, frames: pos.length, intervals, work: b.work.slice(), layout: b.layout.slice(), rowsAfter: document.querySelectorAll(".tl-row").length, scrollHeight: sc.scrollHeight };
})()`;

interface PageFixture {
  name: string;
  label: string;
  spans: number;
}

async function measureBrowser(
  chromium: BrowserType,
  fixtures: Record<string, () => Fixture>,
  list: PageFixture[],
  rounds: number,
  scrollFrames: number,
): Promise<{ opens: Map<string, OpenSample[]>; scrolls: Map<string, ScrollSample[]>; chromiumVersion: string }> {
  const server: HarnessServer = await startHarnessServer(fixtures);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  const opens = new Map<string, OpenSample[]>(list.map((f) => [f.name, []]));
  const scrolls = new Map<string, ScrollSample[]>(list.map((f) => [f.name, []]));
  const pageErrors: string[] = [];
  try {
    const openOnce = async (fx: PageFixture, scroll: boolean) => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.on("pageerror", (e) => pageErrors.push(`${fx.name}: ${String(e)}`));
      try {
        await page.addInitScript(INIT_SCRIPT);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send("Performance.enable");
        await page.goto(server.url(fx.name, { delay: 5 }));
        await page.waitForFunction("window.__bench && window.__bench.afterFrameAt !== null", undefined, { timeout: 60_000 });
        // Long-animation-frame entries reach the observer a little after the frame: wait for the one
        // that covers the snapshot (there is none when every frame stayed under 50 ms).
        await page
          .waitForFunction("window.__bench.loaf.some((l) => l.start + l.duration >= window.__bench.msgAt)", undefined, { timeout: 500, polling: 50 })
          .catch(() => undefined);
        const t = await page.evaluate<{
          readyAt: number;
          msgAt: number;
          msgDataAt: number;
          firstRowAt: number;
          firstFrameAt: number;
          afterFrameAt: number;
          rows: number;
          elements: number;
          countText: string;
          loaf: Array<{ start: number; duration: number }>;
        }>(`(() => {
          const b = window.__bench;
          return { readyAt: window.__readyAt, msgAt: b.msgAt, msgDataAt: b.msgDataAt, firstRowAt: b.firstRowAt, firstFrameAt: b.firstFrameAt, afterFrameAt: b.afterFrameAt,
            rows: document.querySelectorAll(".tl-row").length, elements: document.getElementsByTagName("*").length,
            countText: (document.querySelector(".tl-count") || {}).textContent || "", loaf: b.loaf };
        })()`);
        const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: Array<{ name: string; value: number }> };
        const heap = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? NaN;
        const sample: OpenSample = {
          navToReady: t.readyAt,
          readyToMessage: t.msgAt - t.readyAt,
          deserialize: t.msgDataAt - t.msgAt,
          readyToRow: t.firstRowAt - t.readyAt,
          readyToFrame: t.firstFrameAt - t.readyAt,
          readyToAfterFrame: t.afterFrameAt - t.readyAt,
          rows: t.rows,
          elements: t.elements,
          heapBytes: heap,
          countText: t.countText,
          longestFrame: Math.max(0, ...t.loaf.filter((l) => l.start + l.duration >= t.msgAt).map((l) => l.duration)),
        };
        if (scroll) {
          for (const pattern of ["wheel", "jump"] as const) {
            scrolls.get(fx.name)?.push(await page.evaluate<ScrollSample>(SCROLL_SCRIPT(pattern, scrollFrames)));
          }
        }
        return sample;
      } finally {
        await page.close();
      }
    };
    // warm-up: the first page of a fresh browser pays for process and compile caches
    const first = list[list.length - 1];
    if (first) await openOnce(first, false);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? list : [...list].reverse();
      for (const fx of order) {
        process.stdout.write(".");
        opens.get(fx.name)?.push(await openOnce(fx, r === rounds - 1));
      }
    }
    process.stdout.write("\n");
    if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.slice(0, 3).join(" | ")}`);
    return { opens, scrolls, chromiumVersion: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}

// ─── the benchmark ────────────────────────────────────────────────────────────

export const traceOpen: Benchmark = {
  name: "traceOpen",
  description: "open a 50,000-span trace: getSkeleton vs raw SELECT; panel first paint, DOM rows and scroll frames in Chromium vs a 50-span trace",
  flags: { spans: "50000", "small-spans": "50", rounds: "5", runs: "10", "scroll-frames": "120" },
  async run(opts): Promise<BenchResult> {
    const bigSpans = intFlag(opts, "spans", 50_000, 100);
    const smallSpans = intFlag(opts, "small-spans", 50, 10);
    const rounds = intFlag(opts, "rounds", 5, 1);
    const runs = intFlag(opts, "runs", 10, 3);
    const scrollFrames = intFlag(opts, "scroll-frames", 120, 10);
    const notes: string[] = [`machine: ${loadNote()} at start`];
    const tables: Table[] = [];
    const dir = makeTmpDir("traceOpen");
    try {
      // ── server: store with the big trace, the small one and 2,000 ordinary traces ──────────
      console.log(`  writing a ${fmtNum(bigSpans)}-span trace (and a ${smallSpans}-span one) through SpanWriter…`);
      const file = path.join(dir, "store.db");
      const db = openDatabase(file);
      const now = Date.now();
      const b0 = performance.now();
      const others = buildRequests({ totalSpans: 20_000, spansPerRequest: 512, startMs: now - 3_000_000, seed: 5 });
      writeThroughSpanWriter(db, others.requests);
      const big = buildBigTrace(bigSpans, 512, now - 600_000, 7);
      const bigWritten = writeThroughSpanWriter(db, big.requests);
      const small = buildBigTrace(smallSpans, 512, now - 60_000, 8);
      const smallWritten = writeThroughSpanWriter(db, small.requests);
      db.pragma("wal_checkpoint(TRUNCATE)");
      const buildMs = performance.now() - b0;

      const q = new TraceQueries(db);
      const assessments = new AssessmentQueries(db);
      // getSkeleton prepares its SQL on each call: capture it to run the same text raw.
      const { sql: skSql } = capturePrepared(db, () => q.getSkeleton(small.traceId));
      const skeletonSql = skSql.find((s) => /FROM spans/i.test(s)) ?? "";
      if (!skeletonSql) throw new Error("could not capture getSkeleton's SQL");
      const rawOrdered = db.prepare(skeletonSql);
      const rawUnordered = db.prepare(skeletonSql.replace(/\s+ORDER BY[\s\S]*$/i, ""));
      const openTrace = (id: string): TraceSkeleton | null => {
        const summary = q.getSummary(id);
        if (!summary) return null;
        const sk = q.getSkeleton(id);
        return { summary, spans: sk?.spans ?? [], assessments: assessments.listForTrace(id) };
      };

      console.log(`  server: getSkeleton vs raw SELECT (${runs} runs each)…`);
      const serverCases: ServerCase[] = [];
      const snapshots = new Map<string, TraceSkeleton>();
      for (const [label, id, n] of [
        [`${fmtNum(smallWritten)}-span trace`, small.traceId, smallWritten],
        [`${fmtNum(bigWritten)}-span trace`, big.traceId, bigWritten],
      ] as Array<[string, string, number]>) {
        const r = n > 1000 ? runs : runs * 20;
        const [api, raw, rawNoOrder, open] = interleaved([() => q.getSkeleton(id), () => rawOrdered.all(id), () => rawUnordered.all(id), () => openTrace(id)], r) as [
          number[],
          number[],
          number[],
          number[],
        ];
        const payload = openTrace(id);
        if (!payload) throw new Error(`trace ${id} not found`);
        snapshots.set(id, payload);
        const j0 = performance.now();
        const json = JSON.stringify({ type: "trace/snapshot", trace: payload, message: null, theme: "dark" });
        const jsonMs = performance.now() - j0;
        serverCases.push({
          label,
          spans: payload.spans.length,
          api: latencyStats(api),
          raw: latencyStats(raw),
          rawNoOrder: latencyStats(rawNoOrder),
          open: latencyStats(open),
          jsonBytes: Buffer.byteLength(json),
          jsonMs,
        });
      }
      const plan = explain(db, skeletonSql, [big.traceId]);

      // What-if (not the product): a covering index in getSkeleton's order, so the skeleton is read
      // from narrow index pages instead of the ~2 KB span rows, and without the sort.
      console.log("  what-if: covering index for the skeleton…");
      const i0 = performance.now();
      db.exec(
        "CREATE INDEX bench_spans_skeleton ON spans(trace_id, start_ns, span_id, parent_span_id, name, span_type, end_ns, status, model, total_tokens)",
      );
      const indexMs = performance.now() - i0;
      const rawCovered = db.prepare(skeletonSql);
      const [wApi, wRaw] = interleaved([() => q.getSkeleton(big.traceId), () => rawCovered.all(big.traceId)], runs) as [number[], number[]];
      const whatIf = { indexMs, api: latencyStats(wApi), raw: latencyStats(wRaw), plan: explain(db, skeletonSql, [big.traceId]) };
      db.close();
      const sBig = serverCases[1] as ServerCase;
      const sSmall = serverCases[0] as ServerCase;
      tables.push({
        title: `Server: open a trace (median / p95; raw = getSkeleton's own SQL via better-sqlite3, no BigInt reads, no mapping) — store built in ${fmtMs(buildMs)}`,
        columns: ["trace", "runs", "spans", "getSkeleton p50", "p95", "raw SELECT p50", "p95", "API/raw", "raw w/o ORDER BY p50", "trace/skeleton answer p50", "JSON", "JSON.stringify"],
        rows: serverCases.map((c) => [
          c.label,
          c.api.runs,
          fmtNum(c.spans),
          fmtMs(c.api.medianMs),
          fmtMs(c.api.p95Ms),
          fmtMs(c.raw.medianMs),
          fmtMs(c.raw.p95Ms),
          fmtRatio(c.api.medianMs / c.raw.medianMs),
          fmtMs(c.rawNoOrder.medianMs),
          fmtMs(c.open.medianMs),
          fmtBytes(c.jsonBytes),
          fmtMs(c.jsonMs),
        ]),
      });
      tables.push({
        title: `What-if (not the product): CREATE INDEX spans(trace_id, start_ns, span_id, parent_span_id, name, span_type, end_ns, status, model, total_tokens) [built in ${fmtMs(whatIf.indexMs)}]`,
        columns: ["trace", "getSkeleton p50", "p95", "raw SELECT p50", "vs getSkeleton today", "plan"],
        rows: [
          [
            `${fmtNum(sBig.spans)}-span trace`,
            fmtMs(whatIf.api.medianMs),
            fmtMs(whatIf.api.p95Ms),
            fmtMs(whatIf.raw.medianMs),
            fmtRatio(whatIf.api.medianMs / sBig.api.medianMs),
            whatIf.plan,
          ],
        ],
      });
      notes.push(`getSkeleton SQL: ${skeletonSql.replace(/\s+/g, " ").trim()}`);
      notes.push(`plan: ${plan}`);
      notes.push(
        `server scaling ${fmtNum(sSmall.spans)} → ${fmtNum(sBig.spans)} spans (×${fmtNum(sBig.spans / sSmall.spans)}): getSkeleton ×${fmtNum(sBig.api.medianMs / sSmall.api.medianMs)}, ` +
          `per span ${((sBig.api.medianMs / sBig.spans) * 1000).toFixed(2)} µs (raw SELECT ${((sBig.raw.medianMs / sBig.spans) * 1000).toFixed(2)} µs)`,
      );

      // ── browser ───────────────────────────────────────────────────────────────────────────
      let browserSummary = "";
      let browserMetrics: Record<string, unknown> = { skipped: null };
      const playwright = await import("playwright-core").catch(() => null);
      const skip = !fs.existsSync(CHROMIUM)
        ? `Chromium not installed at ${CHROMIUM} (set CHROMIUM_PATH): browser half skipped`
        : !playwright
          ? "playwright-core is not installed: browser half skipped"
          : !fs.existsSync(BUNDLE)
            ? `${path.relative(REPO_ROOT, BUNDLE)} missing (run node scripts/build.mjs): browser half skipped`
            : null;
      if (skip || !playwright) {
        const why = skip ?? "playwright-core is not installed";
        console.log(`  SKIPPED: ${why}`);
        notes.push(`SKIPPED: ${why}`);
        browserMetrics = { skipped: why };
        browserSummary = `browser: SKIPPED (${why.split(":")[0]})`;
      } else {
        const panelSources = Math.max(
          fs.statSync(path.join(REPO_ROOT, "webview/trace.ts")).mtimeMs,
          ...["webview/trace", "webview/lib", "protocol"].map((d) => newestSourceMtime(path.join(REPO_ROOT, d))),
        );
        if (fs.statSync(BUNDLE).mtimeMs < panelSources) {
          notes.push("WARNING: dist/webview/trace.js is older than the trace panel's sources: rebuild (node scripts/build.mjs) to measure the current panel");
        }
        const storeSkeleton = snapshots.get(big.traceId) as TraceSkeleton;
        const storeFixture = (): Fixture => ({ snapshot: { type: "trace/snapshot", trace: storeSkeleton, message: null, theme: "dark" } satisfies TraceSnapshot, spans: null });
        const list: PageFixture[] = [
          { name: "small", label: `${fmtNum(smallSpans)} spans (harness tree) — baseline`, spans: smallSpans },
          { name: "large", label: `${fmtNum(bigSpans)} spans (harness tree, 6-ary)`, spans: bigSpans },
          { name: "store", label: `${fmtNum(storeSkeleton.spans.length)} spans (store skeleton, 1 root × ${fmtNum(Math.ceil(bigSpans / 10))} steps)`, spans: storeSkeleton.spans.length },
        ];
        console.log(`  browser: ${rounds} opens per trace (+1 warm-up), scroll ${scrollFrames} frames × 2 patterns on the last…`);
        const { opens, scrolls, chromiumVersion } = await measureBrowser(
          playwright.chromium,
          { small: () => largeFixture(smallSpans), large: () => largeFixture(bigSpans), store: storeFixture },
          list,
          rounds,
          scrollFrames,
        );
        notes.push(`Chromium ${chromiumVersion}, headless, --disable-gpu; viewport 1440×900; harness fake host answers after 5 ms`);
        const med = (xs: number[]) => quantile(xs, 0.5);
        const openStats = list.map((fx) => {
          const s = opens.get(fx.name) ?? [];
          return {
            fx,
            navToReady: med(s.map((x) => x.navToReady)),
            toMessage: med(s.map((x) => x.readyToMessage)),
            deserialize: med(s.map((x) => x.deserialize)),
            panel: med(s.map((x) => x.readyToRow - x.readyToMessage - x.deserialize)),
            row: latencyStats(s.map((x) => x.readyToRow)),
            frame: latencyStats(s.map((x) => x.readyToFrame)),
            after: med(s.map((x) => x.readyToAfterFrame)),
            rows: med(s.map((x) => x.rows)),
            elements: med(s.map((x) => x.elements)),
            heap: med(s.map((x) => x.heapBytes)),
            longest: med(s.map((x) => x.longestFrame)),
            countText: s[0]?.countText ?? "",
          };
        });
        const base = openStats[0];
        tables.push({
          title: `Webview: open the trace panel (median of ${rounds} opens; ready = the panel's webview/ready, after which the host posts the snapshot)`,
          columns: [
            "trace",
            "nav → ready",
            "ready → first row in DOM",
            "(message wait",
            "deserialize",
            "panel code)",
            "ready → first frame (rAF)",
            "p95",
            "ready → after that frame",
            "vs baseline",
            "longest frame (LoAF)",
            "row elements",
            "DOM elements",
            "JS heap",
            "count label",
          ],
          rows: openStats.map((o) => [
            o.fx.label,
            fmtMs(o.navToReady),
            fmtMs(o.row.medianMs),
            fmtMs(o.toMessage),
            fmtMs(o.deserialize),
            fmtMs(o.panel),
            fmtMs(o.frame.medianMs),
            fmtMs(o.frame.p95Ms),
            fmtMs(o.after),
            base ? fmtRatio(o.frame.medianMs / base.frame.medianMs) : "–",
            o.longest > 0 ? fmtMs(o.longest) : "< 50 ms",
            fmtNum(o.rows),
            fmtNum(o.elements),
            fmtBytes(Math.round(o.heap)),
            o.countText,
          ]),
        });
        const scrollRows: Table["rows"] = [];
        const scrollStats: Array<Record<string, unknown>> = [];
        const baseWork = new Map<string, number>();
        for (const fx of list) {
          for (const s of scrolls.get(fx.name) ?? []) {
            const iv = latencyStats(s.intervals);
            const work = latencyStats(s.work.length > 0 ? s.work : [0]);
            const layout = latencyStats(s.layout.length > 0 ? s.layout : [0]);
            const vsync = med(s.intervals);
            const long = s.intervals.filter((x) => x > 1.5 * Math.min(vsync, 16.7)).length;
            if (fx.name === "small") baseWork.set(s.pattern, work.medianMs);
            const bw = baseWork.get(s.pattern);
            scrollStats.push({ trace: fx.name, pattern: s.pattern, frames: s.frames, interval: iv, work, layout, longFrames: long, rowsAfter: s.rowsAfter, scrollHeight: s.scrollHeight });
            scrollRows.push([
              fx.label,
              s.pattern === "wheel" ? "wheel: 120 px / frame" : "jump: random position / frame",
              s.frames,
              fmtMs(iv.medianMs),
              fmtMs(iv.p95Ms),
              fmtMs(iv.maxMs),
              long,
              fmtMs(work.medianMs),
              fmtMs(work.p95Ms),
              fmtMs(layout.medianMs),
              fmtMs(layout.p95Ms),
              bw ? fmtRatio(work.medianMs / bw) : "–",
              s.rowsAfter,
            ]);
          }
        }
        tables.push({
          title: "Webview: scripted scroll, one scroll position per frame (frame interval from rAF timestamps; render = the panel's rAF callbacks; layout = forced right after them)",
          columns: ["trace", "pattern", "frames", "frame p50", "p95", "max", "frames > 1.5 vsync", "render p50", "p95", "layout p50", "p95", "render vs baseline", "rows after"],
          rows: scrollRows,
        });
        const large = openStats[1];
        const store = openStats[2];
        browserSummary =
          `panel ${fmtNum(bigSpans)} spans: ready → first frame p50 ${fmtMs(large?.frame.medianMs ?? NaN)} (store skeleton ${fmtMs(store?.frame.medianMs ?? NaN)}) vs ${fmtMs(base?.frame.medianMs ?? NaN)} for ${smallSpans}; ` +
          `${fmtNum(large?.rows ?? NaN)} row elements`;
        browserMetrics = { chromiumVersion, opens: Object.fromEntries(opens), openStats: openStats.map((o) => ({ ...o, fx: o.fx.name })), scroll: scrollStats };
      }
      notes.push(`machine: ${loadNote()} at end`);
      return {
        name: "traceOpen",
        status: "ok",
        summary: `getSkeleton(${fmtNum(sBig.spans)}) p50 ${fmtMs(sBig.api.medianMs)} (${fmtRatio(sBig.api.medianMs / sBig.raw.medianMs)} raw SELECT); ${browserSummary}`,
        tables,
        notes,
        metrics: {
          machine: machineInfo(),
          config: { bigSpans: bigWritten, smallSpans: smallWritten, rounds, runs, scrollFrames },
          buildMs,
          server: serverCases,
          serverWhatIf: whatIf,
          browser: browserMetrics,
        },
      };
    } finally {
      rmTmpDir(dir);
    }
  },
};
