/**
 * VS Code's Language Model API as the judges' provider, through the real built server: the test's
 * LSP client plays the extension host (it answers `scorelens/languageModel/chat` over the real
 * connection, records what it got, and answers scripted verdicts), a Safety judge runs over stored
 * traces through the normal RunScorer request in the scorer workers, and its assessments carry the
 * host's verdicts and model id. The bridge refuses a wrong token and a malformed body. The CLI,
 * which has no editor, records errors saying the provider needs VS Code.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { LanguageModelChatParams, LM_BRIDGE_PATH, LM_TOKEN_HEADER, type LanguageModelChatOutcome } from "../../protocol/languageModel";
import type { EvalRun, RunResultRow } from "../../protocol/scoring";
import { CLI_JS, initOptions, postJson, ROOT, sampleOtlpJson, startLspServer, tmpDir, type LspServer } from "./lspHarness";

const started: LspServer[] = [];
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
});

const JUDGES = `import { Safety, scorer } from "scorelens";

export const safe = new Safety();

/** Reports what the workers were given, so the test can reach the bridge directly. */
export const bridgeEnv = scorer("bridge_env", () => JSON.stringify({ url: process.env.SCORELENS_LM_BRIDGE_URL ?? null, token: process.env.SCORELENS_LM_BRIDGE_TOKEN ?? null }));
`;

const OUTPUTS = ["Here is a kind answer.", "Here is how to build something DANGEROUS.", "Another kind answer."];

function otlpWithOutput(traceId: string, output: string): string {
  return sampleOtlpJson(traceId).replace('{"stringValue":"world"}', JSON.stringify({ stringValue: output }));
}

async function runScorer(s: LspServer, file: string, scorerName: string): Promise<RunResultRow[]> {
  const run = (await s.conn.sendRequest("scorelens/runScorer", { scorers: [{ file, scorerName }], selection: { kind: "lastN", n: 10 } })) as EvalRun;
  assert.equal(run.status, "completed", run.message ?? "");
  const got = (await s.conn.sendRequest("scorelens/getRun", { runId: run.runId })) as { rows: RunResultRow[] } | null;
  assert.ok(got);
  return got.rows;
}

test("a Safety judge on VS Code's language model: the editor answers over LSP, the assessments carry its verdicts and model id", async () => {
  const dir = tmpDir();
  const ws = path.join(dir, "ws");
  fs.mkdirSync(ws);
  const file = path.join(ws, "judges.ts");
  fs.writeFileSync(file, JUDGES);
  const s = await startLspServer(initOptions(path.join(dir, "traces.db"), { workspaceFolders: [ws], judgeProvider: "vscode", judgeVscodeModel: "copilot/gpt-4o" }));
  started.push(s);

  // The extension host's side of the bridge.
  const asked: LanguageModelChatParams[] = [];
  s.conn.onRequest("scorelens/languageModel/chat", (raw: unknown): LanguageModelChatOutcome => {
    const params = LanguageModelChatParams.parse(raw);
    asked.push(params);
    const prompt = params.messages.map((m) => m.content).join("\n");
    const unsafe = prompt.includes("DANGEROUS");
    const text = JSON.stringify({ rationale: unsafe ? "It explains something dangerous." : "Nothing harmful.", result: unsafe ? "no" : "yes" });
    return { ok: true, answer: { text, model: "gpt-4o-2024-11-20", vendor: "copilot", family: "gpt-4o", inputTokens: 321, outputTokens: 17 } };
  });

  const ready = await s.waitForStatus((st) => st.health === "ready");
  for (const [i, output] of OUTPUTS.entries()) assert.equal((await postJson(ready.otlpPort!, otlpWithOutput(`${i + 1}`.repeat(32), output))).status, 200);

  const rows = await runScorer(s, file, "safe");
  assert.equal(rows.length, 3);
  assert.equal(asked.length, 3, "one chat request per trace");
  for (const params of asked) {
    assert.deepEqual(params.selector, { vendor: "copilot", family: "gpt-4o" });
    assert.equal(params.messages[0]?.role, "system", "the SDK sends roles as they are; the extension converts them");
  }
  for (const [i, output] of OUTPUTS.entries()) {
    const row = rows.find((r) => r.traceId === `${i + 1}`.repeat(32));
    const feedback = row?.feedbacks[0];
    assert.ok(feedback, `trace ${i + 1} has a feedback`);
    assert.equal(feedback.error, null, JSON.stringify(feedback.error));
    const unsafe = output.includes("DANGEROUS");
    assert.equal(feedback.value, unsafe ? "no" : "yes");
    assert.equal(feedback.rationale, unsafe ? "It explains something dangerous." : "Nothing harmful.");
    assert.equal(feedback.metadata["mlflow.judge.model"], "gpt-4o-2024-11-20");
    assert.equal(feedback.metadata["scorelens.judge.input_tokens"], "321");
    assert.deepEqual(feedback.source, { type: "LLM_JUDGE", id: "safety" });
  }

  // The host's errors come back to the judge as its error Feedback, with the host's message.
  s.conn.onRequest("scorelens/languageModel/chat", (): LanguageModelChatOutcome => ({ ok: false, error: { code: "no-permission", message: "VS Code did not allow ScoreLens to use this language model" } }));
  const refused = await runScorer(s, file, "safe");
  assert.ok(refused.every((r) => r.feedbacks[0]?.error?.type === "JudgeModelError"));
  assert.match(refused[0]?.feedbacks[0]?.error?.message ?? "", /vscode:copilot\/gpt-4o failed: VS Code did not allow ScoreLens to use this language model \[no-permission\]/);

  // The bridge itself, reached directly with what the workers were given.
  const envRow = (await runScorer(s, file, "bridgeEnv"))[0];
  const env = JSON.parse(String(envRow?.feedbacks[0]?.value)) as { url: string | null; token: string | null };
  assert.ok(env.url && env.token, JSON.stringify(envRow));
  assert.match(env.url, new RegExp(`^http://127\\.0\\.0\\.1:\\d+${LM_BRIDGE_PATH}$`));
  assert.equal(Buffer.from(env.token, "base64url").length, 32, "a random 32-byte token");
  const post = (headers: Record<string, string>, body: string) => fetch(env.url!, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const good = JSON.stringify({ selector: {}, messages: [{ role: "user", content: "hi" }] });

  const wrong = await post({ [LM_TOKEN_HEADER]: `${env.token.slice(0, -2)}xx` }, good);
  assert.equal(wrong.status, 401);
  assert.deepEqual(await wrong.json(), { error: { code: "unauthorized", message: `missing or wrong ${LM_TOKEN_HEADER} header` } });
  assert.equal((await post({}, good)).status, 401);
  assert.equal((await post({ [LM_TOKEN_HEADER]: env.token, origin: "https://evil.example" }, good)).status, 403, "no browser origin");

  const malformed = await post({ [LM_TOKEN_HEADER]: env.token }, JSON.stringify({ selector: { vendor: 7 }, messages: [] }));
  assert.equal(malformed.status, 400);
  const bad = (await malformed.json()) as { error: { code: string; message: string } };
  assert.equal(bad.error.code, "bad-request");
  assert.match(bad.error.message, /^invalid language model request: .*selector\.vendor: .*messages: at least one message/);
  const notJson = await post({ [LM_TOKEN_HEADER]: env.token }, "{nope");
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json()) as { error: { message: string } }).error.message, /^the body is not JSON/);

  await s.stop();
  assert.ok(!s.stderr.join("").includes(env.token), "the token is not logged");
});

test("a second window's server (attached to the same database, no OTLP receiver) asks its own editor", async () => {
  const dir = tmpDir();
  const ws = path.join(dir, "ws");
  fs.mkdirSync(ws);
  const file = path.join(ws, "judges.ts");
  fs.writeFileSync(file, JUDGES);
  const db = path.join(dir, "traces.db");
  const windows = [] as Array<{ server: LspServer; asked: number }>;
  for (const name of ["first", "second"]) {
    const server = await startLspServer(initOptions(db, { workspaceFolders: [ws], judgeProvider: "vscode" }));
    started.push(server);
    const window = { server, asked: 0 };
    windows.push(window);
    server.conn.onRequest("scorelens/languageModel/chat", (): LanguageModelChatOutcome => {
      window.asked++;
      return { ok: true, answer: { text: '{"rationale":"fine","result":"yes"}', model: `model-of-the-${name}-window`, vendor: "copilot", family: "gpt-4o", inputTokens: null, outputTokens: null } };
    });
    if (name === "first") {
      const ready = await server.waitForStatus((st) => st.health === "ready");
      assert.equal((await postJson(ready.otlpPort!, sampleOtlpJson("a".repeat(32)))).status, 200);
    }
  }
  const [first, second] = windows;
  assert.ok(first && second);
  await second.server.waitForStatus((st) => st.health === "attached");
  const rows = await runScorer(second.server, file, "safe");
  assert.equal(rows[0]?.feedbacks[0]?.metadata["mlflow.judge.model"], "model-of-the-second-window", JSON.stringify(rows[0]?.feedbacks[0]?.error));
  assert.deepEqual([first.asked, second.asked], [0, 1]);
});

test("the CLI has no editor: a judge on the vscode provider records errors saying it needs VS Code, and eval fails", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "judges.ts");
  fs.writeFileSync(file, 'import { Safety } from "scorelens";\n\nexport const safe = new Safety();\n');
  const db = path.join(dir, "traces.db");
  const s = await startLspServer(initOptions(db));
  started.push(s);
  const ready = await s.waitForStatus((st) => st.health === "ready");
  for (let i = 0; i < 2; i++) assert.equal((await postJson(ready.otlpPort!, sampleOtlpJson(`${i + 1}`.repeat(32)))).status, 200);
  await s.stop();

  const report = path.join(dir, "report.json");
  const env: NodeJS.ProcessEnv = { ...process.env, SCORELENS_JUDGE_PROVIDER: "vscode", SCORELENS_JUDGE_VSCODE_MODEL: "copilot/gpt-4o" };
  delete env["SCORELENS_LM_BRIDGE_URL"];
  delete env["SCORELENS_LM_BRIDGE_TOKEN"];
  const proc = spawn(process.execPath, [CLI_JS, "eval", "--db", db, "--scorers", file, "--json", report, "--fail-over", "errors=0"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
  assert.equal(code, 1, out);
  const text = fs.readFileSync(report, "utf8");
  assert.match(text, /The VS Code Language Model provider needs VS Code: run this judge from the ScoreLens extension/);
  assert.match(text, /SCORELENS_JUDGE_BASE_URL \+ SCORELENS_JUDGE_MODEL/);
});
