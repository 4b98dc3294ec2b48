/**
 * A judge in the ScoreLens worker runtime (what the editor's runs use): a scorer file exporting a
 * Guidelines judge is bundled and run by a real ScorerWorkerPool over stored-shape traces. The
 * judge's model comes from SCORELENS_JUDGE_* in the environment the worker threads inherit, its
 * calls go to the scripted OpenAI-compatible server, and its own traces are exported (tagged
 * scorelens.source=judge) to a real OTLP receiver.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { setLogSink } from "../../../server/log";
import { runScorerOnTraces } from "../../../server/scorers/runtime/runScorerOnTraces";
import { ScorerWorkerPool } from "../../../server/scorers/runtime/workerPool";
import { ScriptedOpenAI } from "../../support/openaiScripted";
import { buildWorkerScript, makeWorkspace, SDK_ENTRY, traces } from "../server/scorers/runtime/helpers";
import { CaptureServer, sleep } from "./helpers";

const llm = new ScriptedOpenAI();
const otlp = new CaptureServer();
let pool: ScorerWorkerPool;
const SECRET = "sk-worker-secret-42";
const saved: Record<string, string | undefined> = {};
setLogSink(() => {});

function setEnv(key: string, value: string): void {
  if (!(key in saved)) saved[key] = process.env[key];
  process.env[key] = value;
}

before(async () => {
  await llm.start();
  await otlp.start();
  // Worker threads copy process.env when they start, so set it before the pool spawns them.
  setEnv("SCORELENS_JUDGE_BASE_URL", llm.baseUrl);
  setEnv("SCORELENS_JUDGE_MODEL", "gpt-4o-mini");
  setEnv("SCORELENS_JUDGE_API_KEY", SECRET);
  setEnv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", otlp.url);
  pool = new ScorerWorkerPool({ size: 2, timeoutMs: 20_000, batchSize: 5, workerScript: await buildWorkerScript() });
});

after(async () => {
  await pool.dispose();
  await llm.close();
  await otlp.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

test("a Guidelines judge exported from a scorer file runs in the worker pool against the configured endpoint", { timeout: 60_000 }, async () => {
  const ws = makeWorkspace({
    "judges.ts": `import { Guidelines } from "scorelens";\nexport const polite = new Guidelines({ name: "polite", guidelines: "The answer must not contain the word BAD." });\n`,
  });
  llm.fallback = (request) => {
    const prompt = (request.body.messages ?? []).map((m) => m.content).join("\n");
    const bad = /<response>\nBAD\n<\/response>/.test(prompt);
    return ScriptedOpenAI.json({ rationale: bad ? "contains BAD" : "clean", result: bad ? "no" : "yes" });
  };
  const { ids, loadTrace } = traces(6, { 2: "BAD" });
  const run = await runScorerOnTraces({ file: path.join(ws, "judges.ts"), scorerName: "polite", traceIds: ids, loadTrace, pool, sdkEntry: SDK_ENTRY, workspaceRoot: ws });
  assert.equal(run.bundleError, undefined, JSON.stringify(run.bundleError));
  assert.equal(run.results.length, 6);
  assert.equal(run.errors, 0, JSON.stringify(run.results.map((r) => r.feedbacks)));
  const feedbacks = run.results.map((r) => r.feedbacks[0]);
  assert.deepEqual(
    feedbacks.map((f) => f?.value),
    ["yes", "yes", "no", "yes", "yes", "yes"],
  );
  const bad = feedbacks[2];
  assert.deepEqual(bad?.source, { type: "LLM_JUDGE", id: "polite" });
  assert.equal(bad?.rationale, "contains BAD");
  assert.equal(bad?.metadata["mlflow.judge.model"], "gpt-4o-mini");
  assert.equal(llm.requests.length, 6);
  assert.match(llm.prompt(0), /The answer must not contain the word BAD\.[\s\S]*"question": "question \d"/);
  assert.ok(llm.requests.every((r) => r.headers["authorization"] === `Bearer ${SECRET}`));
  assert.ok(!JSON.stringify(run.results).includes(SECRET));

  // The worker's SDK exports each judge call's trace (batched every 200 ms).
  const judgeTraceIds = new Set(feedbacks.map((f) => f?.metadata["scorelens.judge.trace_id"]));
  assert.equal(judgeTraceIds.size, 6);
  const deadline = Date.now() + 10_000;
  const exportedRoots = () => otlp.spans().filter((s) => s.name === "judge:polite" && judgeTraceIds.has(s.traceId));
  while (exportedRoots().length < 6 && Date.now() < deadline) await sleep(100);
  assert.equal(exportedRoots().length, 6);
  assert.ok(exportedRoots().every((s) => s.attributes["mlflow.traceTag.scorelens.source"] === "judge"));
  assert.ok(otlp.requests.every((r) => !r.rawText.includes(SECRET)));
});
