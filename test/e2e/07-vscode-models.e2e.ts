/**
 * LLM judges on the models the user already has in VS Code (issue 8), in a real VS Code.
 * code-server has no Copilot, so the e2e scripts install a test-only chat extension
 * (test/fixtures/vscode-lm-extension): VS Code's Language Model Chat Provider API with one model,
 * scorelens-e2e/e2e-judge (id scorelens-e2e-judge-1), that computes a Safety verdict from the
 * prompt it receives. Nothing in ScoreLens knows it: it is reached through `vscode.lm` only. Like
 * Copilot's models it needs the user's consent, so VS Code asks before ScoreLens may use it.
 *
 * The model is picked with "ScoreLens: Choose LLM Judge Model…" (the workspace settings change and
 * the server restarts), a Safety judge runs from its lens, and each verdict travels judge (scorer
 * worker) → server bridge → extension host → VS Code → the test model and back. Refusing consent
 * gives errors that say how to allow it; once allowed, the results panel shows the model's verdicts
 * and rationales, and the assessments carry the model's id.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, afterEach, before, test } from "node:test";
import type { Frame, Page } from "playwright-core";
import { clearNotifications, close, launch, lens, openFile, openWorkbench, panelFrame, runCommand, sendAgentTraces, shot, waitForStatus, WS_DIR, type Session } from "./workbench";

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318);
const FILE = path.join(WS_DIR, "e2e-vscode-judge.ts");
const SETTINGS_DIR = path.join(WS_DIR, ".vscode");
const SETTINGS = path.join(SETTINGS_DIR, "settings.json");
// the test extension's model (test/fixtures/vscode-lm-extension/extension.js)
const MODEL_ID = "scorelens-e2e-judge-1";
const MODEL_NAME = "ScoreLens E2E Judge";
const MODEL_KEY = "scorelens-e2e/e2e-judge";
const JUDGE = "safety_vscode";
const SOURCE = `import { Safety } from "scorelens";

/** Harmful content in the answer, judged by the model chosen in VS Code (scorelens.judges.provider = "vscode"). */
export const safety = new Safety({ name: "${JUDGE}" });
`;
const UNSAFE_ANSWER = "Just smash the side window with a hammer, nobody will notice.";
const UNSAFE_TRACE = "e2e_vscode_unsafe_probe";

let session: Session;
let page: Page;
let settingsBefore: string | null = null;
let settingsDirExisted = false;

/** One trace whose answer the test model calls unsafe (it mentions a hammer). */
async function postUnsafeTrace(): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const span = {
    traceId: crypto.randomBytes(16).toString("hex"),
    spanId: crypto.randomBytes(8).toString("hex"),
    name: UNSAFE_TRACE,
    kind: 1,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 5_000_000n),
    attributes: [attr("openinference.span.kind", "CHAIN"), attr("input.value", "I locked my keys in the rental car in Lisbon, what now?"), attr("output.value", UNSAFE_ANSWER)],
    status: { code: 1 },
  };
  const body = { resourceSpans: [{ resource: { attributes: [attr("service.name", "travel-assistant")] }, scopeSpans: [{ scope: { name: "e2e" }, spans: [span] }] }] };
  const res = await fetch(`http://127.0.0.1:${OTLP_PORT}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
}

/**
 * The pid of this window's server, from "ScoreLens: Show Server Status" (not /health: in a full
 * run this window's server may be attached to an earlier window's, which owns the OTLP port).
 * With `not`, waits until the panel shows a ready server with another pid.
 */
async function windowServerPid(not?: number): Promise<number> {
  await runCommand(page, "ScoreLens: Show Server Status");
  const f = await panelFrame(page, "status", 30_000);
  const deadline = Date.now() + 90_000;
  let pid = NaN;
  while (Date.now() < deadline) {
    const health = (await f.locator("#health").textContent().catch(() => "")) ?? "";
    pid = Number(((await f.locator("#server-pid").textContent({ timeout: 1_000 }).catch(() => "")) ?? "").trim());
    if (/ready|attached/.test(health) && Number.isInteger(pid) && pid > 0 && pid !== not) return pid;
    await page.waitForTimeout(500);
  }
  throw new Error(`the status panel never showed a ready server${not === undefined ? "" : ` other than pid ${not}`} (last pid ${pid})`);
}

before(async () => {
  settingsDirExisted = fs.existsSync(SETTINGS_DIR);
  settingsBefore = fs.existsSync(SETTINGS) ? fs.readFileSync(SETTINGS, "utf8") : null;
  fs.writeFileSync(FILE, SOURCE);
  session = await launch();
  page = session.context.pages()[0] ?? (await session.context.newPage());
  await openWorkbench(page);
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
  sendAgentTraces(OTLP_PORT, 12);
  await postUnsafeTrace();
});

let step = 0;
afterEach(async () => {
  await shot(page, `7x-after-test-${++step}`).catch(() => undefined);
});

after(async () => {
  await close(session);
  fs.rmSync(FILE, { force: true });
  if (settingsBefore !== null) fs.writeFileSync(SETTINGS, settingsBefore);
  else fs.rmSync(SETTINGS, { force: true });
  if (!settingsDirExisted) fs.rmSync(SETTINGS_DIR, { recursive: true, force: true });
});

const quickInput = (title: string | RegExp) => page.locator(".quick-input-widget", { hasText: title });
const quickRow = (text: string | RegExp) => page.locator(".quick-input-list .monaco-list-row", { hasText: text }).first();
const toast = (text: string | RegExp) => page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();

/** The results panel showing a completed run of the judge. */
async function completedResults(): Promise<Frame> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const r = await panelFrame(page, "results", 60_000);
    const text = (await r.locator("body").textContent().catch(() => "")) ?? "";
    if (/completed/i.test(text) && text.includes(JUDGE)) return r;
    await page.waitForTimeout(500);
  }
  throw new Error(`no completed results panel for ${JUDGE}`);
}

/**
 * VS Code asks the user before ScoreLens may use another extension's models (its modal dialog,
 * as for Copilot's models). Answers `button` each time the dialog shows while `until` is pending
 * (the first time after a screenshot named `shotName`); returns how many times it showed.
 */
async function answerConsent(until: Promise<unknown>, button: "Allow" | "Cancel", shotName: string): Promise<number> {
  let done = false;
  void until.then(
    () => (done = true),
    () => (done = true),
  );
  const dialog = page.locator(".monaco-dialog-box", { hasText: /wants to access the language models/ }).first();
  let shown = 0;
  while (!done) {
    if (await dialog.isVisible().catch(() => false)) {
      shown++;
      if (shown === 1) {
        assert.match((await dialog.textContent()) ?? "", /'ScoreLens'.*ScoreLens E2E Language Model[\s\S]*ScoreLens runs your LLM judge on traces/);
        await page.waitForTimeout(300);
        await shot(page, shotName);
      }
      await dialog.locator(".monaco-button", { hasText: new RegExp(`^${button}$`) }).first().click();
      await dialog.waitFor({ state: "hidden", timeout: 10_000 }).catch(() => undefined);
    }
    await page.waitForTimeout(200);
  }
  return shown;
}

/** Opens the judge file and clicks its run lens; `results` resolves with the completed results panel. */
async function runJudgeFromLens(): Promise<{ results: Promise<Frame> }> {
  await runCommand(page, "View: Close All Editors");
  await openFile(page, "e2e-vscode-judge.ts");
  await clearNotifications(page);
  // the results panel gets the window's width
  if (await page.locator(".part.sidebar").isVisible()) await runCommand(page, "View: Close Primary Side Bar");
  await lens(page, /^▶ Run on last \d+ traces/).first().click();
  const results = completedResults();
  results.catch(() => undefined); // awaited by the caller
  return { results };
}

/** Selects the first row whose judge cell has class `cls` (and shows `text`), then waits for the model's rationale. */
async function openRow(r: Frame, cls: "v-pass" | "v-fail", rationale: RegExp, text?: string): Promise<void> {
  await r.locator(`.rs-row:has(.c-col.${cls})`, text === undefined ? {} : { hasText: text }).first().click();
  await r.locator(".rs-fb", { hasText: JUDGE }).locator(".rs-rationale-text", { hasText: rationale }).first().waitFor({ timeout: 15_000 });
}

/** The feedback's metadata in the detail pane, as shown (dt → dd). */
async function shownMetadata(r: Frame): Promise<Record<string, string>> {
  const list = r.locator(".rs-fb", { hasText: JUDGE }).locator(".rs-meta-list").first();
  const keys = await list.locator("dt").allTextContents();
  const values = await list.locator("dd").allTextContents();
  return Object.fromEntries(keys.map((k, i) => [k.trim(), (values[i] ?? "").trim()]));
}

test("Choose LLM Judge Model lists the test extension's model; picking it sets the workspace and restarts the server", async () => {
  const pidBefore = await windowServerPid();
  await runCommand(page, "View: Close All Editors");
  await runCommand(page, "ScoreLens: Choose LLM Judge Model…");
  await quickInput(/default model of LLM judges/).waitFor({ timeout: 30_000 });
  const row = quickRow(MODEL_NAME);
  await row.waitFor({ timeout: 30_000 });
  assert.match((await row.textContent()) ?? "", new RegExp(MODEL_KEY));
  await page.waitForTimeout(400);
  await shot(page, "70-choose-judge-model");
  await row.click();
  await toast(`ScoreLens judges now use VS Code's ${MODEL_KEY}`).waitFor({ timeout: 30_000 });

  const written = JSON.parse(fs.readFileSync(SETTINGS, "utf8")) as Record<string, unknown>;
  assert.equal(written["scorelens.judges.provider"], "vscode");
  assert.equal(written["scorelens.judges.vscodeModel"], MODEL_KEY);
  // a new server process for this window, ready
  await windowServerPid(pidBefore);
  await runCommand(page, "View: Close All Editors");
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
});

test("refused consent: VS Code asks, the user cancels, and the results say ScoreLens may not use the model and how to allow it", async () => {
  const { results } = await runJudgeFromLens();
  const shown = await answerConsent(results, "Cancel", "71-model-access-consent");
  const r = await results;
  // one question for the whole run: the other judge calls wait for it and then fail at once
  assert.equal(shown, 1, "VS Code asked once, although every trace needed the model");
  assert.equal(await r.locator(".rs-row .c-col.v-pass, .rs-row .c-col.v-fail").count(), 0, "no verdicts without consent");
  await r.locator(".rs-row", { hasText: UNSAFE_TRACE }).first().click();
  const error = r.locator(".rs-fb", { hasText: JUDGE }).locator(".rs-err-msg").first();
  await error.waitFor({ timeout: 15_000 });
  const message = (await error.textContent()) ?? "";
  assert.match(message, /VS Code did not allow ScoreLens to use this language model/);
  assert.match(message, /Manage Language Model Access/);
  assert.match(message, /\[no-permission\]/);
  await page.waitForTimeout(500);
  await shot(page, "72-consent-refused-results");
});

test("a Safety judge runs from its lens on the editor's model once allowed: its verdicts and rationales, its model id", async () => {
  const { results } = await runJudgeFromLens();
  const shown = await answerConsent(results, "Allow", "73-model-access-allow");
  const r = await results;
  assert.equal(shown, 1, "VS Code asked once, for the whole run");
  // (in a full run the last traces include 06's unsafe probe too: it mentions a hammer as well)
  assert.equal(await r.locator(".rs-row", { hasText: UNSAFE_TRACE }).locator(".c-col.v-fail").count(), 1, "the hammer answer is unsafe");
  assert.ok((await r.locator(".rs-row .c-col.v-pass").count()) >= 5, "the agent's answers are safe");

  // the unsafe answer: the test model's rationale quotes it
  await openRow(r, "v-fail", new RegExp(`^\\[${MODEL_ID}\\] Not safe: .*"hammer"`), UNSAFE_TRACE);
  const failText = (await r.locator(".rs-fb", { hasText: JUDGE }).locator(".rs-rationale-text").first().textContent()) ?? "";
  assert.ok(failText.includes(UNSAFE_ANSWER.slice(0, 40)), `the rationale quotes the response: ${failText}`);
  const meta = await shownMetadata(r);
  assert.equal(meta["mlflow.judge.model"], MODEL_ID, JSON.stringify(meta));
  assert.ok(Number(meta["scorelens.judge.input_tokens"]) > 50, "input tokens counted by the model");
  assert.ok(Number(meta["scorelens.judge.output_tokens"]) > 10, "output tokens counted by the model");
  const source = (await r.locator(".rs-fb", { hasText: JUDGE }).locator(".rs-fb-source").first().textContent()) ?? "";
  assert.match(source, new RegExp(`LLM judge · ${JUDGE}`));
  assert.match((await r.locator("#judge-usage").textContent()) ?? "", new RegExp(MODEL_ID));
  await page.waitForTimeout(500);
  await shot(page, "74-vscode-model-unsafe-verdict");

  await openRow(r, "v-pass", new RegExp(`^\\[${MODEL_ID}\\] Safe: the \\d+-character response`));
  assert.equal((await shownMetadata(r))["mlflow.judge.model"], MODEL_ID);
  await page.waitForTimeout(500);
  await shot(page, "75-vscode-model-safe-verdict");
});

test("the judge's own trace shows the call to the editor's model: its id, the prompt and the answer", async () => {
  const r = await completedResults();
  await openRow(r, "v-fail", /Not safe/, UNSAFE_TRACE);
  await r.locator("button[data-judge-trace]", { hasText: /^Open judge trace$/ }).first().click();
  const t = await panelFrame(page, "trace", 30_000);
  await t.locator(".tl-row", { hasText: `judge:${JUDGE}` }).first().waitFor({ timeout: 30_000 });
  await t.locator(".tl-row", { hasText: MODEL_ID }).first().click();
  await t.locator('[data-tab="chat"]').first().click();
  const chat = t.locator(".chat");
  await chat.locator(".msg-user", { hasText: "Decide whether the response below is safe" }).first().waitFor({ timeout: 15_000 });
  const answer = chat.locator(".msg-assistant", { hasText: `[${MODEL_ID}] Not safe` }).first();
  await answer.waitFor({ timeout: 15_000 });
  assert.match((await answer.textContent()) ?? "", /"result":\s*"no"/);
  await answer.scrollIntoViewIfNeeded();
  await page.waitForTimeout(800);
  await shot(page, "76-judge-trace-on-vscode-model");
});
