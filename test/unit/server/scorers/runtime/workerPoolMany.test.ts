/**
 * `ScorerWorkerPool.runMany` with real worker threads and real bundles: several scorers per trace
 * in one pass (each trace read once), per-trace subsets, a hang or crash in one scorer of a trace,
 * a file that fails to load next to ones that load, more files than a worker keeps loaded, scorers
 * that change their arguments, and background runs lowering the worker threads' priority.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, test } from "node:test";
import type { TraceScore } from "../../../../../protocol/scoring";
import { setLogSink } from "../../../../../server/log";
import { BACKGROUND_NICE, ScorerWorkerPool, type PoolBundle, type WorkerPoolOptions } from "../../../../../server/scorers/runtime/workerPool";
import { MAX_LOADED_BUNDLES } from "../../../../../server/scorers/runtime/workerProtocol";
import { scorerWorkspace } from "./fixtureScorers";
import { bundleFor, buildWorkerScript, firstFeedback, makeWorkspace, traceIdOf, traces } from "./helpers";

let workerScript = "";
let bundle: PoolBundle;
const pools: ScorerWorkerPool[] = [];
setLogSink(() => {});

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

const T = { timeout: 60_000 };
const value = (r: TraceScore | null | undefined): unknown => (r ? firstFeedback(r).value : undefined);

test("several scorers per trace: each trace is read once, results come back per (trace, scorer)", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(10, { 3: "nope" });
  const reads = new Map<string, number>();
  const run = await p.runMany({
    scorers: [
      { bundle, scorerName: "exact" },
      { bundle, scorerName: "trivial" },
      { bundle, scorerName: "uses_pkg" },
    ],
    traceIds: ids,
    loadTrace: (id) => {
      reads.set(id, (reads.get(id) ?? 0) + 1);
      return loadTrace(id);
    },
  });
  assert.equal(run.cancelled, false);
  assert.deepEqual(run.loadErrors, [null, null, null]);
  assert.deepEqual([...reads.values()], ids.map(() => 1), "one read per trace for the three scorers");
  run.results.forEach((row, i) => {
    assert.equal(row.length, 3);
    assert.ok(row.every((r) => r?.traceId === ids[i]));
    assert.equal(value(row[0]), i !== 3);
    assert.equal(firstFeedback(row[0] as TraceScore).name, "exact");
    assert.equal(value(row[1]), 1);
    assert.equal(value(row[2]), (i === 3 ? 4 : `answer ${i}`.length) / 2);
  });
});

test("each trace runs only the scorers it asks for, in any order", T, async () => {
  const p = pool();
  const { ids, loadTrace } = traces(6);
  const wanted = [[0], [1], [1, 0], [], null, [0, 1]];
  const run = await p.runMany({ scorers: [{ bundle, scorerName: "exact" }, { bundle, scorerName: "trivial" }], traceIds: ids, wanted, loadTrace });
  assert.deepEqual(
    run.results.map((row) => row.map(value)),
    [
      [true, undefined],
      [undefined, 1],
      [true, 1],
      [undefined, undefined],
      [true, 1],
      [true, 1],
    ],
  );
});

test("a scorer that hangs on a trace: that call times out, the trace's other scorers and the rest of the batch are scored", T, async () => {
  const p = pool({ size: 1 });
  const { ids, loadTrace } = traces(6, { 2: "LOOP" });
  const run = await p.runMany({ scorers: [{ bundle, scorerName: "trivial" }, { bundle, scorerName: "loops" }, { bundle, scorerName: "exact" }], traceIds: ids, loadTrace });
  const hung = run.results[2] ?? [];
  assert.equal(firstFeedback(hung[1] as TraceScore).error?.type, "TimeoutError");
  assert.match(firstFeedback(hung[1] as TraceScore).error?.message ?? "", new RegExp(`scorer "loops" took longer than 500 ms on trace tr-${traceIdOf(2)}`));
  assert.equal(value(hung[0]), 1, "the call before the hang");
  assert.equal(value(hung[2]), false, "the call after the hang (its output is LOOP), on the new worker");
  for (const i of [0, 1, 3, 4, 5]) assert.deepEqual(run.results[i]?.map(value), [1, true, true], `trace ${i}`);
  assert.equal(p.stats().replaced, 1);
});

test("process.exit() in one scorer is that call's error; the other scorers of the trace are scored", T, async () => {
  const p = pool({ size: 1 });
  const { ids, loadTrace } = traces(4, { 1: "EXIT" });
  const run = await p.runMany({ scorers: [{ bundle, scorerName: "exits" }, { bundle, scorerName: "trivial" }], traceIds: ids, loadTrace });
  assert.equal(firstFeedback(run.results[1]?.[0] as TraceScore).error?.type, "ProcessExitError");
  assert.equal(value(run.results[1]?.[1]), 1);
  for (const i of [0, 2, 3]) assert.deepEqual(run.results[i]?.map(value), [true, 1]);
});

test("a file that fails to load fails only its own scorers; a missing export fails only that scorer", T, async () => {
  const p = pool();
  const ws = makeWorkspace({ "bad.ts": `import { scorer } from "scorelens";\nexport const a = scorer("a", () => 1);\nthrow new TypeError("no config");\n` });
  const bad = await bundleFor(`${ws}/bad.ts`, ws);
  const { ids, loadTrace } = traces(5);
  const run = await p.runMany({
    scorers: [
      { bundle, scorerName: "trivial" },
      { bundle: bad, scorerName: "a" },
      { bundle, scorerName: "nope" },
    ],
    traceIds: ids,
    loadTrace,
  });
  assert.equal(run.loadErrors[0], null);
  assert.equal(run.loadErrors[1]?.type, "TypeError");
  assert.equal(run.loadErrors[2]?.type, "ScorerNotFoundError");
  for (const row of run.results) {
    assert.equal(value(row[0]), 1);
    assert.equal(firstFeedback(row[1] as TraceScore).error?.message, "no config");
    assert.match(firstFeedback(row[2] as TraceScore).error?.message ?? "", /no exported scorer named "nope"/);
  }
});

test("scorers from more files than a worker keeps loaded run in passes; every result is right", T, async () => {
  const p = pool({ size: 1 });
  const n = MAX_LOADED_BUNDLES + 2;
  const files = Array.from({ length: n }, (_, k) => `f${k}.ts`);
  const ws = makeWorkspace(Object.fromEntries(files.map((f, k) => [f, `import { scorer } from "scorelens";\nexport const s = scorer("s${k}", ({ outputs }) => "${k}:" + outputs);\n`])));
  const bundles = await Promise.all(files.map((f) => bundleFor(`${ws}/${f}`, ws)));
  const { ids, loadTrace } = traces(5);
  const run = await p.runMany({ scorers: bundles.map((b) => ({ bundle: b, scorerName: "s" })), traceIds: ids, loadTrace });
  run.results.forEach((row, i) => assert.deepEqual(row.map(value), bundles.map((_, k) => `${k}:answer ${i}`)));
});

test("a scorer that changes its arguments does not change what the next scorer of the trace sees", T, async () => {
  const p = pool({ size: 1 });
  const ws = makeWorkspace({
    "m.ts": `import { scorer } from "scorelens";
export const mutate = scorer("mutate", ({ inputs, trace }) => { inputs.question = "changed"; trace.data.spans[0].inputs.question = "changed"; return 1; });
export const read = scorer("read", ({ inputs, trace }) => inputs.question + "|" + trace.data.spans[0].inputs.question);
`,
  });
  const b = await bundleFor(`${ws}/m.ts`, ws);
  const { ids, loadTrace } = traces(3);
  const run = await p.runMany({ scorers: [{ bundle: b, scorerName: "mutate" }, { bundle: b, scorerName: "read" }], traceIds: ids, loadTrace });
  run.results.forEach((row, i) => assert.equal(value(row[1]), `question ${i}|question ${i}`));
});

test("background runs lower the worker threads' priority (Linux)", { ...T, skip: process.platform !== "linux" }, async () => {
  const p = pool({ size: 1 });
  const { ids, loadTrace } = traces(3);
  const run = await p.runMany({ scorers: [{ bundle, scorerName: "trivial" }], traceIds: ids, loadTrace, background: true });
  assert.deepEqual(run.results.map((row) => value(row[0])), [1, 1, 1]);
  const nice = (tid: string) => Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]);
  const workers = fs.readdirSync("/proc/self/task").filter((tid) => fs.readFileSync(`/proc/self/task/${tid}/comm`, "utf8").startsWith("scorelens-scor"));
  const niced = workers.filter((tid) => nice(tid) === BACKGROUND_NICE);
  assert.ok(niced.length >= 1, `a worker thread at nice ${BACKGROUND_NICE} (found ${workers.map(nice).join(", ")})`);
  assert.equal(nice(String(process.pid)), 0, "the main thread keeps its priority");
});
