/** runScorerOnTraces end to end: bundle → pool → results, and each way the scorer can fail to run. */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { setLogSink } from "../../../../../server/log";
import { runScorerOnTraces, type RunScorerOnTracesOptions } from "../../../../../server/scorers/runtime/runScorerOnTraces";
import { ScorerWorkerPool } from "../../../../../server/scorers/runtime/workerPool";
import { scorerWorkspace } from "./fixtureScorers";
import { buildWorkerScript, firstFeedback, makeWorkspace, REPO, SDK_ENTRY, traces } from "./helpers";

let pool: ScorerWorkerPool;
let ws: { root: string; file: string };
setLogSink(() => {});

before(async () => {
  pool = new ScorerWorkerPool({ size: 2, timeoutMs: 2_000, batchSize: 10, workerScript: await buildWorkerScript() });
  ws = scorerWorkspace();
});

after(async () => {
  await pool.dispose();
});

function opts(over: Partial<RunScorerOnTracesOptions> & Pick<RunScorerOnTracesOptions, "scorerName" | "traceIds" | "loadTrace">): RunScorerOnTracesOptions {
  return { file: ws.file, pool, sdkEntry: SDK_ENTRY, workspaceRoot: ws.root, ...over };
}

const T = { timeout: 30_000 };

test("scores the traces, counts errors, reports progress", T, async () => {
  const { ids, loadTrace } = traces(25, { 3: "BAD", 17: "BAD" });
  const progress: number[] = [];
  const r = await runScorerOnTraces(opts({ scorerName: "throws", traceIds: ids, loadTrace, onProgress: (p) => progress.push(p.done) }));
  assert.equal(r.bundleError, undefined);
  assert.equal(r.cancelled, false);
  assert.equal(r.results.length, 25);
  assert.equal(r.errors, 2);
  assert.equal(firstFeedback(r.results[17]).error?.type, "RangeError");
  assert.ok(r.durationMs > 0);
  assert.equal(progress.at(-1), 25);
  assert.deepEqual(
    progress,
    [...progress].sort((a, b) => a - b),
  );
});

test("a syntax error is a build bundleError with its location; nothing runs", T, async () => {
  const bad = makeWorkspace({ "s.ts": `import { scorer } from "scorelens";\nexport const a = scorer("a", () => 1;\n` });
  const { ids, loadTrace } = traces(3);
  let loads = 0;
  const r = await runScorerOnTraces({
    file: path.join(bad, "s.ts"),
    scorerName: "a",
    traceIds: ids,
    loadTrace: (id) => (loads++, loadTrace(id)),
    pool,
    sdkEntry: SDK_ENTRY,
  });
  assert.deepEqual(r.results, []);
  assert.equal(loads, 0);
  assert.equal(r.bundleError?.phase, "build");
  assert.equal(r.bundleError?.file, path.join(bad, "s.ts"));
  assert.equal(r.bundleError?.line, 2);
  assert.equal(typeof r.bundleError?.column, "number");
});

test("a package that is not installed is a load bundleError", T, async () => {
  const bad = makeWorkspace({ "s.ts": `import { scorer } from "scorelens";\nimport { x } from "not-installed-pkg";\nexport const a = scorer("a", () => x);\n` });
  const { ids, loadTrace } = traces(2);
  const r = await runScorerOnTraces({ file: path.join(bad, "s.ts"), scorerName: "a", traceIds: ids, loadTrace, pool, sdkEntry: SDK_ENTRY });
  assert.deepEqual(r.results, []);
  assert.equal(r.bundleError?.phase, "load");
  assert.match(r.bundleError?.message ?? "", /Cannot find module 'not-installed-pkg'/);
});

test("an unknown scorer name is a missing bundleError", T, async () => {
  const { ids, loadTrace } = traces(2);
  const r = await runScorerOnTraces(opts({ scorerName: "nope", traceIds: ids, loadTrace }));
  assert.equal(r.bundleError?.phase, "missing");
  assert.equal(r.bundleError?.type, "ScorerNotFoundError");
});

test("a scorer file that imports the SDK by a relative path runs", T, async () => {
  const { ids, loadTrace } = traces(2);
  const r = await runScorerOnTraces({
    file: path.join(REPO, "test/fixtures/scorer-workspaces/repo-relative/scorers.ts"),
    scorerName: "outputLength",
    traceIds: ids,
    loadTrace,
    pool,
    sdkEntry: SDK_ENTRY,
    workspaceRoot: REPO,
  });
  assert.equal(r.bundleError, undefined);
  assert.equal(firstFeedback(r.results[1]).name, "output_length");
  assert.equal(firstFeedback(r.results[1]).value, "answer 1".length);
});

test("an aborted signal cancels: partial (here: no) results", T, async () => {
  const { ids, loadTrace } = traces(5);
  const ac = new AbortController();
  ac.abort();
  const r = await runScorerOnTraces(opts({ scorerName: "exact", traceIds: ids, loadTrace, signal: ac.signal }));
  assert.equal(r.cancelled, true);
  assert.deepEqual(r.results, []);
});
