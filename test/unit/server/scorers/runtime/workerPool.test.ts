/**
 * The scorer worker pool with real worker threads and real esbuild bundles: normal scoring,
 * throws, hangs (sync and async), memory blow-ups, process.exit, console capture, the user's
 * own packages, load failures and cancellation.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import type { TraceScore } from "../../../../../protocol/scoring";
import { setLogSink } from "../../../../../server/log";
import { ScorerWorkerPool, type PoolBundle, type WorkerPoolOptions } from "../../../../../server/scorers/runtime/workerPool";
import { scorerWorkspace } from "./fixtureScorers";
import { bundleFor, buildWorkerScript, firstFeedback, makeWorkspace, traceIdOf, traces } from "./helpers";

let workerScript = "";
let bundle: PoolBundle;
const pools: ScorerWorkerPool[] = [];
/** What the pool wrote to the server log during the current test. */
let logged: string[] = [];
setLogSink((level, line) => logged.push(`${level} ${line}`));

beforeEach(() => {
  logged = [];
});

before(async () => {
  workerScript = await buildWorkerScript();
  const { root, file } = scorerWorkspace();
  bundle = await bundleFor(file, root);
});

after(async () => {
  await Promise.all(pools.map((p) => p.dispose()));
});

function pool(opts: WorkerPoolOptions = {}): ScorerWorkerPool {
  const p = new ScorerWorkerPool({ size: 2, timeoutMs: 500, batchSize: 4, workerScript, ...opts });
  pools.push(p);
  return p;
}

function errorOf(r: TraceScore | undefined): { type: string; message: string } | null {
  return firstFeedback(r).error;
}

const T = { timeout: 30_000 };

test("scores every trace, in order, with the scorer's Feedbacks", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(10, { 3: "nope" });
  const run = await p.run({ bundle, scorerName: "exact", traceIds: ids, loadTrace });
  assert.equal(run.cancelled, false);
  assert.equal(run.loadError, null);
  assert.deepEqual(
    run.results.map((r) => r.traceId),
    ids,
  );
  for (const [i, r] of run.results.entries()) {
    const f = firstFeedback(r);
    assert.equal(f.name, "exact");
    assert.equal(f.error, null);
    assert.equal(f.value, i !== 3);
    assert.equal(f.rationale, `length ${i === 3 ? 4 : `answer ${i}`.length}`);
    assert.deepEqual(f.source, { type: "CODE", id: "exact" });
    assert.ok(r.durationMs >= 0);
  }
});

test("an unnamed scorer takes its export name; scorers are found by export or scorer name", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(2);
  const byExport = await p.run({ bundle, scorerName: "trivial", traceIds: ids, loadTrace });
  assert.equal(firstFeedback(byExport.results[0]).name, "trivial");
  assert.equal(firstFeedback(byExport.results[0]).value, 1);
  const byName = await p.run({ bundle, scorerName: "uses_pkg", traceIds: ids, loadTrace });
  assert.equal(firstFeedback(byName.results[0]).name, "uses_pkg");
});

test("the user's own node_modules package resolves from the scorer file's folder", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(3);
  const run = await p.run({ bundle, scorerName: "usesPkg", traceIds: ids, loadTrace });
  assert.deepEqual(
    run.results.map((r) => firstFeedback(r).value),
    ids.map((_, i) => `answer ${i}`.length / 2),
  );
});

test("a scorer that throws gives an error Feedback for that trace; the others are scored", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(6, { 2: "BAD" });
  const run = await p.run({ bundle, scorerName: "throws", traceIds: ids, loadTrace });
  assert.equal(run.results.length, 6);
  const err = errorOf(run.results[2]);
  assert.equal(err?.type, "RangeError");
  assert.equal(err?.message, "bad output: BAD");
  // source maps are on in the worker: the stack points at the user's .ts file
  assert.match(firstFeedback(run.results[2]).error?.stack ?? "", /scorers\.ts:\d+:\d+/);
  for (const i of [0, 1, 3, 4, 5]) assert.equal(firstFeedback(run.results[i]).value, 1);
});

test("a sync infinite loop is stopped at the timeout; the rest of the batch is scored on a new worker", T, async () => {
  const p = pool({ size: 1 });
  const { ids, loadTrace } = traces(8, { 2: "LOOP" });
  const run = await p.run({ bundle, scorerName: "loops", traceIds: ids, loadTrace });
  assert.equal(run.results.length, 8);
  const err = errorOf(run.results[2]);
  assert.equal(err?.type, "TimeoutError");
  assert.equal(err?.message, `scorer "loops" took longer than 500 ms on trace tr-${traceIdOf(2)}; it was stopped`);
  for (const i of [0, 1, 3, 4, 5, 6, 7]) assert.equal(firstFeedback(run.results[i]).value, true, `trace ${i}`);
  assert.equal(p.stats().replaced, 1);
  assert.equal(p.stats().started, 2);
  // the pool still works
  const again = await p.run({ bundle, scorerName: "exact", traceIds: ids.slice(0, 2), loadTrace });
  assert.equal(firstFeedback(again.results[1]).value, true);
});

test("a promise that never settles is stopped at the timeout", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(9, { 0: "HANG", 5: "HANG" });
  const run = await p.run({ bundle, scorerName: "hangs", traceIds: ids, loadTrace });
  assert.equal(run.results.length, 9);
  for (const i of [0, 5]) {
    assert.equal(errorOf(run.results[i])?.type, "TimeoutError");
    assert.match(errorOf(run.results[i])?.message ?? "", new RegExp(`tr-${traceIdOf(i)}`));
  }
  for (const i of [1, 2, 3, 4, 6, 7, 8]) assert.equal(firstFeedback(run.results[i]).value, true, `trace ${i}`);
  assert.equal(p.stats().replaced, 2);
});

test("a scorer that exceeds the memory limit gets a ResourceLimitError; the others are scored", T, async () => {
  const p = pool({ size: 1, maxOldGenerationSizeMb: 64, timeoutMs: 20_000 });
  const { ids, loadTrace } = traces(5, { 1: "HOG" });
  const run = await p.run({ bundle, scorerName: "hog", traceIds: ids, loadTrace });
  assert.equal(run.results.length, 5);
  const err = errorOf(run.results[1]);
  assert.equal(err?.type, "ResourceLimitError");
  assert.equal(err?.message, `scorer "hog" exceeded the 64 MB memory limit on trace tr-${traceIdOf(1)}; it was stopped`);
  for (const i of [0, 2, 3, 4]) assert.equal(firstFeedback(run.results[i]).value, true, `trace ${i}`);
});

test("process.exit() in a scorer is an error for that trace; the worker is replaced", T, async () => {
  const p = pool({ size: 1 });
  const { ids, loadTrace } = traces(6, { 4: "EXIT" });
  const run = await p.run({ bundle, scorerName: "exits", traceIds: ids, loadTrace });
  assert.equal(run.results.length, 6);
  const err = errorOf(run.results[4]);
  assert.equal(err?.type, "ProcessExitError");
  assert.equal(err?.message, `scorer "exits" called process.exit(3) on trace tr-${traceIdOf(4)}; its worker was replaced`);
  for (const i of [0, 1, 2, 3, 5]) assert.equal(firstFeedback(run.results[i]).value, true, `trace ${i}`);
  assert.equal(p.stats().replaced, 1);
});

test("console output during a call is captured per trace, tagged, and capped", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(3, { 2: "SPAM" });
  const run = await p.run({ bundle, scorerName: "chatty", traceIds: ids, loadTrace });
  const tag = `[chatty tr-${traceIdOf(0)}]`;
  assert.deepEqual(run.results[0]?.logs, [`${tag} log: scoring question 0`, `${tag} warn: warned 42`]);
  const spam = run.results[2]?.logs ?? [];
  assert.equal(spam.length, 201);
  assert.match(spam[200] ?? "", /… 802 more lines not kept \(limit 200\)$/);
  assert.equal(firstFeedback(run.results[2]).value, 4);
});

test("stray output and errors outside a call go to the server log; the worker survives", T, async () => {
  const p = pool({ size: 1 });
  const { ids, loadTrace } = traces(3);
  const run = await p.run({ bundle, scorerName: "stray", traceIds: ids, loadTrace });
  assert.ok(run.results.every((r) => firstFeedback(r).value === true));
  // let the stray timers fire and their log messages arrive
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(p.stats().replaced, 0);
  assert.equal(p.stats().workers, 1);
  const text = logged.join("\n");
  assert.match(text, /info \[scorer worker \d+\] raw stdout answer 0/);
  assert.match(text, /\[stray tr-0+2\] uncaught: Error: late boom answer 2/);
  assert.match(text, /unhandledRejection: Error: unhandled answer 1/);
});

test("a trace that is gone gets a TraceNotFoundError; loadTrace runs per batch", T, async () => {
  const p = pool({ size: 1, batchSize: 3 });
  const { ids, loadTrace } = traces(7);
  let live = 0;
  let maxLoadedBeforeResult = 0;
  let done = 0;
  const run = await p.run({
    bundle,
    scorerName: "exact",
    traceIds: [...ids, "ffff"],
    loadTrace: (id) => {
      live++;
      maxLoadedBeforeResult = Math.max(maxLoadedBeforeResult, live - done);
      return id === "ffff" ? null : loadTrace(id);
    },
    onProgress: (d) => {
      done = d;
    },
  });
  assert.equal(run.results.length, 8);
  assert.equal(errorOf(run.results[7])?.type, "TraceNotFoundError");
  assert.ok(maxLoadedBeforeResult <= 3, `at most one batch read ahead, got ${maxLoadedBeforeResult}`);
  assert.equal(done, 8);
});

test("a file that throws at load time, or lacks the scorer, fails the run with loadError", T, async () => {
  const p = pool();
  const ws = makeWorkspace({
    "bad.ts": `import { scorer } from "scorelens";\nexport const a = scorer("a", () => 1);\nthrow new TypeError("no config");\n`,
  });
  const bad = await bundleFor(`${ws}/bad.ts`, ws);
  const { ids, loadTrace } = traces(3);
  const run = await p.run({ bundle: bad, scorerName: "a", traceIds: ids, loadTrace });
  assert.equal(run.loadError?.type, "TypeError");
  assert.equal(run.loadError?.message, "no config");
  assert.equal(run.loadError?.line, 3);
  assert.equal(run.results.length, 3);
  assert.equal(errorOf(run.results[0])?.message, "no config");

  const missing = await p.run({ bundle, scorerName: "nope", traceIds: ids, loadTrace });
  assert.equal(missing.loadError?.type, "ScorerNotFoundError");
  assert.match(missing.loadError?.message ?? "", /^scorers\.ts has no exported scorer named "nope" \(exported scorers: .*\bexact\b.*uses_pkg \(export usesPkg\)\)$/);
  assert.doesNotMatch(missing.loadError?.message ?? "", /notAScorer/);
});

test("a file whose top level never finishes is stopped at the load timeout", T, async () => {
  const p = pool({ loadTimeoutMs: 500 });
  const ws = makeWorkspace({ "spin.ts": `import { scorer } from "scorelens";\nwhile (true) {}\nexport const a = scorer("a", () => 1);\n` });
  const spin = await bundleFor(`${ws}/spin.ts`, ws);
  const { ids, loadTrace } = traces(2);
  const run = await p.run({ bundle: spin, scorerName: "a", traceIds: ids, loadTrace });
  assert.equal(run.loadError?.type, "TimeoutError");
  assert.match(run.loadError?.message ?? "", /loading spin\.ts took longer than 500 ms/);
});

test("cancellation stops the run and returns the results that finished", T, async () => {
  const p = pool({ batchSize: 5, timeoutMs: 5_000 });
  const { ids, loadTrace } = traces(200);
  const ac = new AbortController();
  const run = await p.run({
    bundle,
    scorerName: "slow",
    traceIds: ids,
    loadTrace,
    signal: ac.signal,
    onProgress: (done) => {
      if (done >= 6) ac.abort();
    },
  });
  assert.equal(run.cancelled, true);
  assert.ok(run.results.length >= 6 && run.results.length < 200, `got ${run.results.length}`);
  for (const r of run.results) assert.equal(firstFeedback(r).value, 1);
  // the pool keeps working after a cancel
  const again = await p.run({ bundle, scorerName: "exact", traceIds: ids.slice(0, 3), loadTrace });
  assert.equal(again.results.length, 3);
});

test("idle workers stop after idleTimeoutMs; the next run starts new ones", T, async () => {
  const p = pool({ idleTimeoutMs: 100 });
  const { ids, loadTrace } = traces(10);
  await p.run({ bundle, scorerName: "exact", traceIds: ids, loadTrace });
  // (one of the two may already have idled out if the other took > 100 ms longer on a busy machine)
  const first = p.stats().started;
  assert.ok(first >= 1 && first <= 2);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(p.stats().workers, 0);
  assert.equal(p.stats().replaced, 0);
  const again = await p.run({ bundle, scorerName: "exact", traceIds: ids, loadTrace });
  assert.equal(again.results.length, 10);
  assert.ok(p.stats().started > first, "new workers were started");
});

test("dispose() during a run ends it as cancelled; later runs return at once", T, async () => {
  const p = pool({ batchSize: 2 });
  const { ids, loadTrace } = traces(100);
  const running = p.run({ bundle, scorerName: "slow", traceIds: ids, loadTrace });
  await new Promise((r) => setTimeout(r, 150));
  await p.dispose();
  const run = await running;
  assert.equal(run.cancelled, true);
  assert.ok(run.results.length < 100);
  assert.equal(p.stats().workers, 0);
  const after = await p.run({ bundle, scorerName: "exact", traceIds: ids, loadTrace });
  assert.deepEqual(after, { results: [], cancelled: true, loadError: null });
});

test("throughput of a trivial scorer over 5,000 traces (information only)", { timeout: 120_000 }, async (t) => {
  const p = pool({ batchSize: 100, timeoutMs: 30_000 });
  const { ids, loadTrace } = traces(5_000);
  const started = performance.now();
  const run = await p.run({ bundle, scorerName: "trivial", traceIds: ids, loadTrace });
  const ms = performance.now() - started;
  assert.equal(run.results.length, 5_000);
  assert.ok(run.results.every((r) => firstFeedback(r).value === 1));
  t.diagnostic(`${ids.length} traces in ${ms.toFixed(0)} ms (${((ms * 1000) / ids.length).toFixed(1)} µs/trace, ${p.size} workers, incl. worker start + load)`);
});
