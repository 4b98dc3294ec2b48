/**
 * An LLM judge run from the editor's path: the judge settings and the SecretStorage key reach the
 * server at start (initializationOptions), the scorer workers call a REAL scripted OpenAI-compatible
 * server on 127.0.0.1, and the key is sent as a header but never lands in the store or the logs.
 * Cost: the lens estimates a judge run before it runs, the saved run totals the scripted usage,
 * every call's own trace lands in the store (linked from its assessment), and those judge traces
 * are not app traces: the next "last N" run does not judge them.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { ScriptedOpenAI } from "../support/openaiScripted";
import { initOptions, postJson, sampleOtlpJson, startLspServer, tmpDir, type LspServer } from "./lspHarness";

const KEY = "sk-canary-7f3a9c";
const started: LspServer[] = [];
const llm = new ScriptedOpenAI();
const priced = new ScriptedOpenAI();
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
  await llm.close();
  await priced.close();
});

test("a Guidelines judge runs through the server with the editor's judge settings; the key stays out of the store and logs", async () => {
  await llm.start();
  llm.fallback = () => ScriptedOpenAI.json({ rationale: "The answer is courteous.", result: "yes" });
  const dir = tmpDir();
  const ws = path.join(dir, "ws");
  fs.mkdirSync(ws);
  const file = path.join(ws, "judges.ts");
  fs.writeFileSync(file, 'import { Guidelines } from "scorelens";\n\nexport const polite = new Guidelines({ name: "politeness", guidelines: ["Answer politely"] });\n');
  const db = path.join(dir, "traces.db");
  const s = await startLspServer({
    ...initOptions(db, { workspaceFolders: [ws] }),
    judgeBaseUrl: llm.baseUrl,
    judgeModel: "gpt-4o-mini",
    judgeApiKey: KEY,
    judgeMaxConcurrency: 2,
  });
  started.push(s);
  const ready = await s.waitForStatus((st) => st.health === "ready");
  for (let i = 0; i < 3; i++) assert.equal((await postJson(ready.otlpPort!, sampleOtlpJson(`${i + 1}`.repeat(32)))).status, 200);

  const run = (await s.conn.sendRequest("scorelens/runScorer", { scorers: [{ file, scorerName: "polite" }], selection: { kind: "lastN", n: 10 } })) as {
    status: string;
    message: string | null;
    scoredCount: number;
    aggregates: Array<{ name: string; value: number | null }>;
  };
  assert.equal(run.status, "completed", run.message ?? "");
  assert.equal(run.scoredCount, 3);
  assert.equal(run.aggregates.find((a) => a.name === "politeness/mean")?.value, 1);
  const calls = llm.requests.filter((r) => r.path === "/v1/chat/completions");
  assert.ok(calls.length >= 3, `${calls.length} judge calls`);
  assert.ok(calls.every((r) => r.headers.authorization === `Bearer ${KEY}` && r.body.model === "gpt-4o-mini"));
  assert.match(calls[0]?.rawText ?? "", /Answer politely/);

  const lenses = (await s.conn.sendRequest("textDocument/codeLens", { textDocument: { uri: `file://${file}` } })) as Array<{ command: { title: string } }>;
  assert.ok(lenses.some((l) => l.command.title.startsWith("▶ Run on last")), "the judge has run lenses");

  await s.stop();
  for (const f of [db, `${db}-wal`, `${db}-shm`]) {
    if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f).includes(KEY), `${path.basename(f)} has no key`);
  }
  assert.ok(!s.stderr.join("").includes(KEY), "the logs have no key");
});

interface RunReply {
  runId: string;
  status: string;
  message: string | null;
  traceCount: number;
  scoredCount: number;
  judgeUsage?: { calls: number; inputTokens: number; outputTokens: number; costUsd: number | null; models: string[] };
}

test("judge cost: the lens estimates the run, the run totals the scripted usage, judge traces are linked and are not app traces", async () => {
  await priced.start();
  // one usage per call, whatever order the concurrent calls arrive in: the totals are fixed
  const usages = [
    { prompt_tokens: 811, completion_tokens: 95 },
    { prompt_tokens: 799, completion_tokens: 101 },
    { prompt_tokens: 826, completion_tokens: 94 },
  ];
  let call = 0;
  priced.fallback = () => ScriptedOpenAI.json({ rationale: "Polite.", result: "yes" }, usages[call++ % usages.length]);
  const dir = tmpDir();
  const ws = path.join(dir, "ws");
  fs.mkdirSync(ws);
  const file = path.join(ws, "judges.ts");
  const text = 'import { Guidelines } from "scorelens";\n\nexport const polite = new Guidelines({ name: "politeness", guidelines: ["Answer politely"] });\n';
  fs.writeFileSync(file, text);
  const s = await startLspServer({ ...initOptions(path.join(dir, "traces.db"), { workspaceFolders: [ws] }), judgeBaseUrl: priced.baseUrl, judgeModel: "gpt-4o-mini", judgeMaxConcurrency: 2 });
  started.push(s);
  const ready = await s.waitForStatus((st) => st.health === "ready");
  for (let i = 0; i < 3; i++) assert.equal((await postJson(ready.otlpPort!, sampleOtlpJson(`${i + 4}`.repeat(32)))).status, 200);

  // the lens, before any run: calls, tokens and the cost on gpt-4o-mini
  const uri = `file://${file}`;
  await s.conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text } });
  const runLens = async (): Promise<string> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lenses = (await s.conn.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as Array<{ command: { title: string; command: string } }>;
      const title = lenses.find((l) => l.command.command === "scorelens.runScorer")?.command.title;
      if (title?.includes("judge call") || Date.now() > deadline) return title ?? "(no run lens)";
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const before = await runLens();
  assert.match(before, /^▶ Run on last 100 traces · ≈3 judge calls · ~\d+(\.\d)?k? tokens · ~\$0\.\d+$/);

  const first = (await s.conn.sendRequest("scorelens/runScorer", { scorers: [{ file, scorerName: "polite" }], selection: { kind: "lastN", n: 100 } })) as RunReply;
  assert.equal(first.status, "completed", first.message ?? "");
  assert.equal(first.scoredCount, 3);
  const cost = (u: { prompt_tokens: number; completion_tokens: number }) => Number(((u.prompt_tokens * 0.15 + u.completion_tokens * 0.6) / 1e6).toFixed(8));
  const expected = { calls: 3, inputTokens: 811 + 799 + 826, outputTokens: 95 + 101 + 94, models: ["gpt-4o-mini"] };
  const usage = first.judgeUsage;
  assert.ok(usage, "the run has judge usage");
  assert.deepEqual({ ...usage, costUsd: null }, { ...expected, costUsd: null });
  assert.ok(Math.abs((usage.costUsd ?? -1) - usages.reduce((sum, u) => sum + cost(u), 0)) < 1e-9, `cost ${usage.costUsd}`);
  const stored = (await s.conn.sendRequest("scorelens/getRun", { runId: first.runId, limit: 1 })) as { run: RunReply } | null;
  assert.deepEqual(stored?.run.judgeUsage, usage, "kept in the store");

  // every assessment links its call's own trace, which lands in the store and shows the prompt and the answer
  const judgeTraces = async (): Promise<number> =>
    ((await s.conn.sendRequest("scorelens/listTraces", { limit: 50, filter: "tag.`scorelens.source` = 'judge'" })) as { traces: unknown[] }).traces.length;
  const deadline = Date.now() + 15_000;
  while ((await judgeTraces()) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await judgeTraces(), 3, "the 3 judge calls' traces are in the store");
  const app = (await s.conn.sendRequest("scorelens/getTraceSkeleton", { traceId: "4".repeat(32) })) as { assessments: Array<{ name: string; metadata: Record<string, string> }> };
  const linked = app.assessments.find((a) => a.name === "politeness")?.metadata["scorelens.judge.trace_id"];
  assert.match(linked ?? "", /^[0-9a-f]{32}$/);
  const judgeTrace = (await s.conn.sendRequest("scorelens/getTrace", { traceId: linked })) as { summary: { tags: Record<string, string> }; spans: Array<{ spanType: string; inputs: unknown; outputs: unknown }> } | null;
  assert.equal(judgeTrace?.summary.tags["scorelens.source"], "judge");
  const chat = judgeTrace?.spans.find((sp) => sp.spanType === "CHAT_MODEL");
  assert.match(JSON.stringify(chat?.inputs), /Answer politely/, "what the judge was asked");
  assert.match(JSON.stringify(chat?.outputs), /Polite\./, "what it answered");

  // the next run's "last 100" scores the 3 app traces, not the judge's own 3 traces; so does the lens
  const second = (await s.conn.sendRequest("scorelens/runScorer", { scorers: [{ file, scorerName: "polite" }], selection: { kind: "lastN", n: 100 } })) as RunReply;
  assert.equal(second.status, "completed", second.message ?? "");
  assert.equal(second.traceCount, 3);
  assert.equal(second.judgeUsage?.calls, 3);
  assert.match(await runLens(), /· ≈3 judge calls ·/);
});
