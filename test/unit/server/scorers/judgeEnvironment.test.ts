/** The editor's judge settings → the environment judges read; the CLI's note about the vscode provider. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyJudgeEnvironment, judgeEnvironmentNote } from "../../../../server/scorers/judgeEnvironment";

const base = { judgeBaseUrl: null, judgeModel: null, judgeApiKey: null, judgeMaxConcurrency: 3 };

test("provider vscode and its model reach the environment; openai (or absent) leaves the environment's choice alone", () => {
  const env: NodeJS.ProcessEnv = {};
  applyJudgeEnvironment({ ...base, judgeProvider: "vscode", judgeVscodeModel: "copilot/gpt-4o" }, env);
  assert.deepEqual(env, { SCORELENS_JUDGE_MAX_CONCURRENCY: "3", SCORELENS_JUDGE_PROVIDER: "vscode", SCORELENS_JUDGE_VSCODE_MODEL: "copilot/gpt-4o" });
  const cli: NodeJS.ProcessEnv = { SCORELENS_JUDGE_PROVIDER: "vscode" };
  applyJudgeEnvironment({ ...base, judgeProvider: "openai", judgeVscodeModel: "" }, cli);
  assert.equal(cli.SCORELENS_JUDGE_PROVIDER, "vscode");
  assert.equal(cli.SCORELENS_JUDGE_VSCODE_MODEL, undefined);
  const none: NodeJS.ProcessEnv = {};
  applyJudgeEnvironment(base, none);
  assert.equal(none.SCORELENS_JUDGE_PROVIDER, undefined);
});

test("the CLI notes that the vscode provider needs VS Code, unless a bridge is there", () => {
  assert.equal(judgeEnvironmentNote({}), null);
  assert.equal(judgeEnvironmentNote({ SCORELENS_JUDGE_PROVIDER: "openai" }), null);
  assert.match(judgeEnvironmentNote({ SCORELENS_JUDGE_PROVIDER: " VSCode " }) ?? "", /^SCORELENS_JUDGE_PROVIDER=vscode: judges without their own model will fail here\. The VS Code Language Model provider needs VS Code/);
  assert.equal(judgeEnvironmentNote({ SCORELENS_JUDGE_PROVIDER: "vscode", SCORELENS_LM_BRIDGE_URL: "http://127.0.0.1:1/scorelens/v1/lm/chat" }), null);
});
