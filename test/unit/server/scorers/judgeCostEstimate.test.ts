/**
 * Judge cost estimates before a run, on a real SQLite store: which scorers are judges (and their
 * literal options) from the source, the stored traces' sizes (app traces only: a judge's own
 * traces are left out, as they are from "last N" and time-range selections), the numbers and the
 * lens text; runs keep their judge usage across a save and a schema-v8 store migrates.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import type { SpanRecord } from "../../../../protocol/model";
import { judgeEstimateText } from "../../../../protocol/judgeCost";
import type { EvalRun } from "../../../../protocol/scoring";
import { CHARS_PER_TOKEN } from "../../../../sdk/judges/cost";
import { JUDGE_COST_PROFILES } from "../../../../sdk/judges/judgeProfiles";
import { findScorers } from "../../../../server/scorers/discovery/findScorers";
import { defaultJudgeModelName, JudgeCostEstimator, judgeSourcesIn, lastNStats } from "../../../../server/scorers/judgeCostEstimate";
import { judgeTracesToStore } from "../../../../server/scorers/runManager";
import { RunStore } from "../../../../server/scorers/runStore";
import { resolveTargets } from "../../../../server/scorers/runTargets";
import { openDatabase, type Db } from "../../../../server/store/db";
import { MIGRATIONS, SCHEMA_VERSION } from "../../../../server/store/migrations";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { spanRecord } from "../../support/spanRecord";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-judgecost-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const hex = (n: number, len: number): string => n.toString(16).padStart(len, "0");
const ns = (ms: number): string => String(BigInt(ms) * 1_000_000n);
const T0 = 1_750_000_000_000;

/** App traces 1..5 (inputs {"q": 100 x}, outputs 300 y, trace 5 also a RETRIEVER child with 1 000 chars of documents), then 3 judge traces, newest. */
async function store(): Promise<Db> {
  const db = openDatabase(path.join(dir, `s-${Math.random().toString(36).slice(2)}.db`));
  const spans: SpanRecord[] = [];
  for (let i = 1; i <= 5; i++) {
    spans.push(spanRecord({ traceId: hex(i, 32), spanId: hex(i, 16), name: `app ${i}`, startTimeUnixNano: ns(T0 + i * 1000), endTimeUnixNano: ns(T0 + i * 1000 + 5), inputs: { q: "x".repeat(100) }, outputs: "y".repeat(300) }));
  }
  spans.push(spanRecord({ traceId: hex(5, 32), spanId: hex(50, 16), parentSpanId: hex(5, 16), name: "search", spanType: "RETRIEVER", startTimeUnixNano: ns(T0 + 5001), endTimeUnixNano: ns(T0 + 5002), outputs: "d".repeat(998) }));
  for (let i = 6; i <= 8; i++) {
    spans.push(
      spanRecord({
        traceId: hex(i, 32),
        spanId: hex(i, 16),
        name: "judge:politeness",
        spanType: "EVALUATOR",
        startTimeUnixNano: ns(T0 + i * 1000),
        endTimeUnixNano: ns(T0 + i * 1000 + 5),
        inputs: { judge: "politeness", model: "gpt-4o-mini" },
        outputs: { value: "yes" },
        tags: { "scorelens.source": "judge", "scorelens.judge.name": "politeness" },
      }),
    );
  }
  await new SpanWriter(db).write(spans);
  return db;
}

const SRC = [
  'import { Guidelines as G, Safety, makeJudge, scorer, configureJudges } from "scorelens";',
  'import * as sl from "scorelens";',
  "configureJudges({ defaultModel: localModel, maxConcurrency: 2 });",
  'export const polite = new G({ name: "politeness", guidelines: ["Be polite", "Be brief"], model: { baseUrl: "http://x/v1", model: "gpt-4o-mini" } });',
  "export const safe = new Safety();",
  'export const tone = makeJudge({ name: "tone", instructions: "Is {{ outputs }} friendly?", feedbackValueType: "yes/no", model: provider });',
  "export const grounded = new sl.RetrievalGroundedness();",
  "export const length = scorer(({ outputs }) => String(outputs).length);",
].join("\n");
const FILE = "/ws/judges.ts";

test("judges are found in the source with their literal options (aliases and namespaces too); code scorers are not judges", () => {
  const judges = judgeSourcesIn(SRC, FILE);
  const defs = findScorers(SRC, FILE);
  const byName = (n: string) => {
    const d = defs.find((x) => x.exportName === n);
    assert.ok(d, n);
    return judges.get(`${d.range.startLine}:${d.range.startCharacter}`) ?? null;
  };
  assert.deepEqual(byName("polite"), { kind: "Guidelines", literals: { modelGiven: true, model: "gpt-4o-mini", guidelines: ["Be polite", "Be brief"] }, configuresModel: true });
  assert.deepEqual(byName("safe")?.literals, { modelGiven: false, model: null });
  assert.deepEqual(byName("tone")?.literals, { modelGiven: true, model: null, instructions: "Is {{ outputs }} friendly?", feedbackValueType: "yes/no" });
  assert.equal(byName("grounded")?.kind, "RetrievalGroundedness");
  assert.equal(byName("length"), null);
  assert.equal(judgeSourcesIn('import { scorer } from "scorelens";\nexport const s = scorer(() => 1);', FILE).size, 0);
  assert.equal(judgeSourcesIn("class Safety {}\nexport const s = new Safety();", FILE).size, 0, "not the SDK's");
});

test("the stored traces' sizes: app traces only, root inputs/outputs, documents when asked", async () => {
  const db = await store();
  const s = lastNStats(db, 100, true);
  assert.equal(s.traces, 5, "the 3 judge traces are not counted");
  assert.equal(s.chars.inputs, JSON.stringify({ q: "x".repeat(100) }).length);
  assert.equal(s.chars.outputs, JSON.stringify("y".repeat(300)).length);
  assert.equal(s.chars.documents, 1000 / 5, "one trace of five has 1 000 chars of documents");
  assert.equal(lastNStats(db, 2, false).traces, 2);
  assert.equal(lastNStats(db, 2, false).chars.documents, 0);
  db.close();
});

test("'last N', time ranges and filters leave ScoreLens's own traces out; selected ids and filters naming the tag keep them", async () => {
  const db = await store();
  const app = [5, 4, 3, 2, 1].map((i) => hex(i, 32));
  assert.deepEqual(resolveTargets(db, { kind: "lastN", n: 4 }).ids, app.slice(0, 4));
  assert.deepEqual(resolveTargets(db, { kind: "timeRange", fromMs: T0, toMs: T0 + 10_000, limit: 100 }).ids, app);
  assert.deepEqual(resolveTargets(db, { kind: "filter", filter: "trace.status = 'OK'", limit: 100 }).ids, app);
  assert.equal(resolveTargets(db, { kind: "filter", filter: "tag.`scorelens.source` = 'judge'", limit: 100 }).ids.length, 3);
  assert.deepEqual(resolveTargets(db, { kind: "traceIds", traceIds: [hex(7, 32)] }).ids, [hex(7, 32)]);
  db.close();
});

test("the estimate: calls per selected trace, tokens from the profile and the sizes, cost for a priced model, the lens text", async () => {
  const db = await store();
  let defaultModel: string | null = null;
  const estimator = new JudgeCostEstimator(() => db, () => defaultModel);
  const defs = findScorers(SRC, FILE);
  const judgeOf = (n: string) => estimator.judgeOf(defs.find((d) => d.exportName === n)!, SRC)!;

  const polite = estimator.lastN(judgeOf("polite"), 100)!;
  const perCall = Math.ceil((JUDGE_COST_PROFILES.Guidelines.promptChars + "Be polite\nBe brief".length + 108 + 302) / CHARS_PER_TOKEN);
  assert.deepEqual(
    { ...polite, costUsd: null },
    { traces: 5, calls: 5, inputTokens: 5 * perCall, outputTokens: 5 * 150, totalTokens: 5 * perCall + 750, costUsd: null, model: "gpt-4o-mini", modelSet: true },
  );
  assert.ok(Math.abs((polite.costUsd ?? 0) - (5 * perCall * 0.15 + 750 * 0.6) / 1e6) < 1e-12);
  assert.match(judgeEstimateText(polite), /^≈5 judge calls · ~\d+(\.\d)?k tokens · ~\$0\.\d+$/);

  // Safety reads only the outputs; no model anywhere: the run would fail
  const safe = estimator.lastN(judgeOf("safe"), 3)!;
  assert.equal(safe.calls, 3);
  assert.equal(safe.inputTokens, 3 * Math.ceil((JUDGE_COST_PROFILES.Safety.promptChars + 302) / CHARS_PER_TOKEN));
  assert.equal(safe.modelSet, true, "the file sets a default model with configureJudges()");
  const noConfigure = SRC.replace("configureJudges({ defaultModel: localModel, maxConcurrency: 2 });", "configureJudges({ maxConcurrency: 2 });");
  const safeNoModel = estimator.lastN(estimator.judgeOf(findScorers(noConfigure, FILE).find((d) => d.exportName === "safe")!, noConfigure)!, 3)!;
  assert.equal(safeNoModel.modelSet, false);
  assert.match(judgeEstimateText(safeNoModel), /model not set$/);
  defaultModel = "llama3.1:8b";
  const local = estimator.lastN(judgeOf("safe"), 3)!;
  assert.equal(local.model, "llama3.1:8b");
  assert.equal(local.costUsd, null, "an unpriced model: no cost");
  assert.doesNotMatch(judgeEstimateText(local), /\$|model not set/);
  // VS Code's language models (scorelens.judges.provider = vscode): tokens, but no per-token price
  defaultModel = "vscode:copilot/gpt-4o";
  const viaEditor = estimator.lastN(judgeOf("safe"), 3)!;
  assert.equal(viaEditor.model, "vscode:copilot/gpt-4o");
  assert.ok(viaEditor.inputTokens > 0);
  assert.equal(viaEditor.costUsd, null, "gpt-4o is priced, but not when it comes with the editor");

  // RetrievalGroundedness adds the documents
  const grounded = estimator.lastN(judgeOf("grounded"), 100)!;
  assert.equal(grounded.inputTokens, 5 * Math.ceil((JUDGE_COST_PROFILES.RetrievalGroundedness.promptChars + 302 + 200) / CHARS_PER_TOKEN));
  // other selections: the selected traces, a dataset's rows sized like the recent traces
  assert.equal(estimator.selection(judgeOf("safe"), { kind: "traceIds", traceIds: [hex(1, 32), hex(2, 32)] })?.calls, 2);
  assert.equal(estimator.selection(judgeOf("safe"), { kind: "dataset", name: "nope" }), null);
  assert.equal(estimator.perTrace(judgeOf("safe"))?.calls, 1);
  db.close();
});

test("the sizes are cached until the store changes", async () => {
  const db = await store();
  const estimator = new JudgeCostEstimator(() => db, () => "gpt-4o-mini");
  const defs = findScorers(SRC, FILE);
  const safe = estimator.judgeOf(defs.find((d) => d.exportName === "safe")!, SRC)!;
  assert.equal(estimator.lastN(safe, 100)?.calls, 5);
  await new SpanWriter(db).write([spanRecord({ traceId: hex(9, 32), spanId: hex(9, 16), startTimeUnixNano: ns(T0 + 9000), endTimeUnixNano: ns(T0 + 9005), outputs: "z" })]);
  assert.equal(estimator.lastN(safe, 100)?.calls, 6, "a new trace: read again");
  db.close();
});

test("a run's judge usage survives the store; a schema-v8 store gains the column", () => {
  const file = path.join(dir, "v8.db");
  const old = new Database(file);
  for (const m of MIGRATIONS.filter((x) => x.version <= 8)) old.exec(m.sql);
  old.pragma("user_version = 8");
  old
    .prepare("INSERT INTO eval_runs (run_id, scorers, selection, selection_label, status, started_ms, trace_count, scored_count, error_count, aggregates) VALUES ('old', '[]', '{\"kind\":\"lastN\",\"n\":1}', 'last 1 traces', 'completed', 1, 1, 1, 0, '[]')")
    .run();
  old.close();
  const db = openDatabase(file);
  assert.ok(SCHEMA_VERSION >= 9);
  assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
  const runs = new RunStore(db);
  assert.equal(runs.get("old")?.judgeUsage, undefined, "runs from before v9 have none");
  const run: EvalRun = {
    runId: "r1",
    scorers: [{ name: "polite", file: FILE, sourceHash: "h" }],
    selection: { kind: "lastN", n: 3 },
    selectionLabel: "last 3 traces",
    status: "completed",
    startedMs: 2,
    durationMs: 10,
    traceCount: 3,
    scoredCount: 3,
    errorCount: 0,
    aggregates: [],
    message: null,
    judgeUsage: { calls: 3, inputTokens: 360, outputTokens: 90, costUsd: 0.000108, models: ["gpt-4o-mini"] },
  };
  runs.save(run);
  assert.deepEqual(runs.get("r1"), run);
  runs.save({ ...run, runId: "r2", judgeUsage: undefined });
  assert.equal("judgeUsage" in (runs.get("r2") ?? {}), false);
  db.close();
});

test("scorer workers send judge traces to the server that owns the store (eval: unless an endpoint is configured)", async () => {
  const db = await store();
  const now = 1_800_000_000_000;
  db.prepare("INSERT INTO server_lease (id, pid, hostname, otlp_port, heartbeat_ms) VALUES (1, 1, 'h', 43187, ?)").run(now - 1000);
  const env: NodeJS.ProcessEnv = {};
  judgeTracesToStore(db, env, now);
  assert.equal(env.SCORELENS_OTLP_ENDPOINT, "http://127.0.0.1:43187");
  const configured: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
  judgeTracesToStore(db, configured, now);
  assert.equal(configured.SCORELENS_OTLP_ENDPOINT, undefined, "the user's endpoint wins");
  const stale: NodeJS.ProcessEnv = {};
  judgeTracesToStore(db, stale, now + 60_000);
  assert.equal(stale.SCORELENS_OTLP_ENDPOINT, undefined, "no live server: the SDK's default");
  assert.equal(env.OTEL_SERVICE_NAME, "scorelens-scorers");
  // the editor's server / serve: the store wins over OTLP variables inherited from the shell, and
  // the user's collector headers are not sent to ScoreLens
  const inherited: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer secret", OTEL_SERVICE_NAME: "my-app" };
  judgeTracesToStore(db, inherited, now, "store");
  assert.deepEqual(inherited, { SCORELENS_OTLP_ENDPOINT: "http://127.0.0.1:43187", OTEL_SERVICE_NAME: "scorelens-scorers" });
  db.close();
});

test("the default model name follows the provider setting", () => {
  const saved = { p: process.env.SCORELENS_JUDGE_PROVIDER, v: process.env.SCORELENS_JUDGE_VSCODE_MODEL, m: process.env.SCORELENS_JUDGE_MODEL, b: process.env.SCORELENS_JUDGE_BASE_URL };
  try {
    process.env.SCORELENS_JUDGE_BASE_URL = "http://127.0.0.1:9/v1";
    process.env.SCORELENS_JUDGE_MODEL = "gpt-4o-mini";
    delete process.env.SCORELENS_JUDGE_PROVIDER;
    assert.equal(defaultJudgeModelName(), "gpt-4o-mini");
    process.env.SCORELENS_JUDGE_PROVIDER = "vscode";
    process.env.SCORELENS_JUDGE_VSCODE_MODEL = "copilot/gpt-4o";
    assert.equal(defaultJudgeModelName(), "vscode:copilot/gpt-4o");
  } finally {
    for (const [k, v] of [["SCORELENS_JUDGE_PROVIDER", saved.p], ["SCORELENS_JUDGE_VSCODE_MODEL", saved.v], ["SCORELENS_JUDGE_MODEL", saved.m], ["SCORELENS_JUDGE_BASE_URL", saved.b]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
