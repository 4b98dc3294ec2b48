/**
 * An LLM judge run from the editor's path: the judge settings and the SecretStorage key reach the
 * server at start (initializationOptions), the scorer workers call a REAL scripted OpenAI-compatible
 * server on 127.0.0.1, and the key is sent as a header but never lands in the store or the logs.
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
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
  await llm.close();
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
