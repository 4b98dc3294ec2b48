/**
 * LLM judges in a real VS Code (issue 8). A real OpenAI-compatible endpoint on 127.0.0.1 answers
 * from a script that reads the prompt (test/support/openaiScripted.ts). The workspace settings
 * point the judges at it, and the API key is typed into "ScoreLens: Set LLM Judge API Key…".
 *
 * A Guidelines judge runs from its lens. The results panel shows pass and fail, each with the
 * judge's rationale, and the judge's own trace opens with the prompt and the answer. Safety is
 * registered at 50% from its lens and monitors new traces. Every call carried the key typed in the UI.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, afterEach, before, test } from "node:test";
import type { Frame, Page } from "playwright-core";
import { hashUnit } from "../../server/monitoring/sampler";
import { ScriptedOpenAI, type RecordedChatRequest, type ScriptedReply } from "../support/openaiScripted";
import { clearNotifications, clearTraceFilter, close, filterTraces, launch, lens, lensLine, monitoringSettled, openFile, openWorkbench, panelFrame, registeredScorer, runCommandRetrying, sendAgentTraces, shot, showScoreLensSidebar, waitForStatus, WS_DIR, type Session } from "./workbench";

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318);
const API = `http://127.0.0.1:${OTLP_PORT}/scorelens/v1`;
const FILE = path.join(WS_DIR, "e2e-judges.ts");
const SETTINGS_DIR = path.join(WS_DIR, ".vscode");
const SETTINGS = path.join(SETTINGS_DIR, "settings.json");
const KEY = `sk-e2e-${crypto.randomBytes(6).toString("hex")}`;
const MODEL = "gpt-4o-mini";
const GUIDELINES = "polite_and_grounded";
const UNSAFE_MARK = "[e2e-unsafe]";
const SOURCE = `import { Guidelines, Safety } from "scorelens";

/** A complete, polite answer from the retrieved travel facts, about real places only. */
export const polite = new Guidelines({
  name: "${GUIDELINES}",
  guidelines: [
    "The answer is complete and helpful: more than a one-line summary.",
    "The answer is polite and only uses the retrieved travel facts.",
    "The answer never talks about places that do not exist, such as Atlantis.",
  ],
});

/** Harmful content in the answer. */
export const safety = new Safety();
`;

// ─── the scripted judge model ────────────────────────────────────────────────

const llm = new ScriptedOpenAI();

function promptOf(r: RecordedChatRequest): string {
  return (r.body.messages ?? []).map((m) => m.content).join("\n");
}

const isGuidelines = (r: RecordedChatRequest): boolean => promptOf(r).includes("<guidelines>");
const isSafety = (r: RecordedChatRequest): boolean => promptOf(r).includes("Decide whether the response below is safe");

/** The `<response>` section of the prompt: the answer being judged. */
function responseOf(r: RecordedChatRequest): string {
  return /<response>\n([\s\S]*?)\n<\/response>/.exec(promptOf(r))?.[1] ?? "";
}

const preview = (text: string): string => (text.length > 48 ? `${text.slice(0, 45)}…` : text);

/** Guidelines: short answers and answers about Atlantis fail; the rationale says why. */
function guidelinesVerdict(response: string): { rationale: string; result: "yes" | "no" } {
  if (/atlantis/i.test(response)) return { rationale: `Guideline 3 is violated: the answer talks about Atlantis, which does not exist.`, result: "no" };
  if (response.length < 80) {
    return { rationale: `Guideline 1 is violated: the answer is only ${response.length} characters ("${preview(response)}"), a one-line summary rather than a complete answer.`, result: "no" };
  }
  return { rationale: `All three guidelines hold: the answer is ${response.length} characters long, courteous, and sticks to the retrieved travel facts.`, result: "yes" };
}

/** Safety: only the marked answer is unsafe. */
function safetyVerdict(response: string): { rationale: string; result: "yes" | "no" } {
  if (response.includes(UNSAFE_MARK)) return { rationale: "Not safe: the response tells the user to break into a car with a hammer, which encourages property damage.", result: "no" };
  return { rationale: "Safe: a factual travel answer with no harmful, hateful or personal content.", result: "yes" };
}

function answer(r: RecordedChatRequest): ScriptedReply {
  if (r.headers.authorization !== `Bearer ${KEY}`) return { status: 401, body: JSON.stringify({ error: { message: "invalid API key" } }) };
  const usage = { prompt_tokens: Math.ceil(promptOf(r).length / 4), completion_tokens: 42 };
  if (isGuidelines(r)) return ScriptedOpenAI.json(guidelinesVerdict(responseOf(r)), usage);
  if (isSafety(r)) return ScriptedOpenAI.json(safetyVerdict(responseOf(r)), usage);
  return { status: 400, body: JSON.stringify({ error: { message: "the scripted judge knows Guidelines and Safety prompts only" } }) };
}

const chatCalls = (): RecordedChatRequest[] => llm.requests.filter((r) => r.path === "/v1/chat/completions");

// ─── workspace, traces, registry ─────────────────────────────────────────────

let session: Session;
let page: Page;
let settingsBefore: string | null = null;
let settingsDirExisted = false;


/** A trace id the dense sampler gives to "safety" at 50% (MLflow's sha256 sampling: the same on every call). */
function sampledTraceId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString("hex");
    if (hashUnit(id, "safety") < 0.5 && hashUnit(`tr-${id}`, "safety") < 0.5) return id;
  }
}

/** One trace whose answer the scripted Safety judge calls unsafe. */
async function postUnsafeTrace(traceId: string): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const span = {
    traceId,
    spanId: "00000000000000e2",
    name: "unsafe_answer_probe",
    kind: 1,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 5_000_000n),
    attributes: [
      attr("openinference.span.kind", "CHAIN"),
      attr("input.value", "I locked my keys in the rental car in Lisbon, what now?"),
      attr("output.value", `${UNSAFE_MARK} Just smash the side window with a hammer, nobody will notice.`),
    ],
    status: { code: 1 },
  };
  const body = { resourceSpans: [{ resource: { attributes: [attr("service.name", "travel-assistant")] }, scopeSpans: [{ scope: { name: "e2e" }, spans: [span] }] }] };
  const res = await fetch(`http://127.0.0.1:${OTLP_PORT}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
}

const registered = () => registeredScorer(OTLP_PORT, "safety");
/** Waits until the backlog is empty and the count has settled; returns the scored count. */
const settled = (timeoutMs = 60_000) => monitoringSettled(page, OTLP_PORT, "safety", timeoutMs);

before(async () => {
  await llm.start();
  llm.fallback = answer;
  // the endpoint and model as a user sets them: workspace settings (restored in `after`)
  settingsDirExisted = fs.existsSync(SETTINGS_DIR);
  settingsBefore = fs.existsSync(SETTINGS) ? fs.readFileSync(SETTINGS, "utf8") : null;
  const current = settingsBefore === null ? {} : (JSON.parse(settingsBefore) as Record<string, unknown>);
  fs.mkdirSync(SETTINGS_DIR, { recursive: true });
  fs.writeFileSync(SETTINGS, JSON.stringify({ ...current, "scorelens.judges.baseUrl": llm.baseUrl, "scorelens.judges.model": MODEL }, null, 2) + "\n");
  fs.writeFileSync(FILE, SOURCE);
  session = await launch();
  page = session.context.pages()[0] ?? (await session.context.newPage());
  await openWorkbench(page);
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
  sendAgentTraces(OTLP_PORT, 20);
});

let step = 0;
afterEach(async () => {
  await shot(page, `6x-after-test-${++step}`).catch(() => undefined);
});

after(async () => {
  await fetch(`${API}/scorers/safety`, { method: "DELETE" }).catch(() => undefined);
  await close(session);
  fs.rmSync(FILE, { force: true });
  if (settingsBefore !== null) fs.writeFileSync(SETTINGS, settingsBefore);
  else fs.rmSync(SETTINGS, { force: true });
  if (!settingsDirExisted) fs.rmSync(SETTINGS_DIR, { recursive: true, force: true });
  await llm.close();
});

const quickInput = (title: string | RegExp) => page.locator(".quick-input-widget", { hasText: title });
const quickRow = (text: string | RegExp) => page.locator(".quick-input-list .monaco-list-row", { hasText: text }).first();
const toast = (text: string | RegExp) => page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();

/** The results panel showing a completed run of the Guidelines judge. */
async function completedResults(): Promise<Frame> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const r = await panelFrame(page, "results", 60_000);
    const text = (await r.locator("body").textContent().catch(() => "")) ?? "";
    if (/completed/i.test(text) && text.includes(GUIDELINES)) return r;
    await page.waitForTimeout(500);
  }
  throw new Error("no completed results panel for the Guidelines judge");
}

/** Selects the first row whose judge cell has class `cls` and waits for its rationale. */
async function openRow(r: Frame, cls: "v-pass" | "v-fail", rationale: RegExp): Promise<void> {
  await r.locator(`.rs-row:has(.c-col.${cls})`).first().click();
  await r.locator(".rs-fb", { hasText: GUIDELINES }).locator(".rs-rationale-text", { hasText: rationale }).first().waitFor({ timeout: 15_000 });
}

// ─── tests ───────────────────────────────────────────────────────────────────

test("the judge key is set from the command palette and the server restarts with it", async () => {
  await runCommandRetrying(page, "ScoreLens: Set LLM Judge API Key…");
  await quickInput(/LLM judge API key/).waitFor({ timeout: 15_000 });
  await page.keyboard.type(KEY);
  await page.waitForTimeout(300);
  await shot(page, "60-judge-key-input");
  await page.keyboard.press("Enter");
  await toast(/judge API key saved/).waitFor({ timeout: 60_000 });
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
});

test("a Guidelines judge runs from its lens: pass and fail, each with the judge's rationale", async () => {
  const callsBefore = chatCalls().length;
  await runCommandRetrying(page, "View: Close All Editors");
  await openFile(page, "e2e-judges.ts");
  await clearNotifications(page);
  // the results panel gets the window's width
  await runCommandRetrying(page, "View: Close Primary Side Bar");
  await lens(page, /^▶ Run on last \d+ traces/).first().click();
  const r = await completedResults();
  assert.ok((await r.locator(".rs-row .c-col.v-pass").count()) > 0, "some answers pass");
  assert.ok((await r.locator(".rs-row .c-col.v-fail").count()) > 0, "some answers fail");
  const calls = chatCalls().slice(callsBefore);
  assert.ok(calls.length >= 10 && calls.every(isGuidelines), `${calls.length} Guidelines calls`);
  assert.ok(calls.every((c) => c.body.model === MODEL), "the model from the settings");
  assert.match(promptOf(calls[0] as RecordedChatRequest), /more than a one-line summary/);

  await openRow(r, "v-pass", /All three guidelines hold/);
  const source = (await r.locator(".rs-fb", { hasText: GUIDELINES }).locator(".rs-fb-source").first().textContent()) ?? "";
  assert.match(source, new RegExp(`LLM judge · ${GUIDELINES}`));
  await page.waitForTimeout(500);
  await shot(page, "61-guidelines-pass-rationale");
  await openRow(r, "v-fail", /Guideline \d is violated/);
  await page.waitForTimeout(500);
  await shot(page, "62-guidelines-fail-rationale");
});

test("a result opens the judge's own trace: its chat-model span shows the prompt and the answer", async () => {
  const r = await completedResults();
  await openRow(r, "v-fail", /Guideline \d is violated/);
  const button = r.locator("button[data-judge-trace]", { hasText: /^Open judge trace$/ }).first();
  await button.waitFor({ timeout: 15_000 });
  await button.click();
  await showJudgeChat(/Guideline \d is violated/);
  await shot(page, "63-judge-trace-prompt-and-answer");
});

test("judge traces are listed apart in the Traces view (tag scorelens.source = 'judge')", async () => {
  await runCommandRetrying(page, "View: Close All Editors");
  await showScoreLensSidebar(page);
  const f = await panelFrame(page, "traces");
  const names = await filterTraces(page, f, `tag.\`scorelens.source\` = 'judge' AND tag.\`scorelens.judge.name\` = '${GUIDELINES}'`, (n) => n.length > 0 && n.every((x) => x === `judge:${GUIDELINES}`));
  assert.ok(names.length > 0);
  // one judge trace per judge call of the run (the list itself is virtual: count from its header)
  const guidelinesCalls = chatCalls().filter(isGuidelines).length;
  const countText = (await f.locator("#count").textContent()) ?? "";
  const m = /(\d+)(\+?)\s+matching/i.exec(countText);
  assert.ok(m, `the Traces view's count: "${countText}"`);
  // "50+ matching" when there are more than a page of them
  if (m[2] === "+") assert.ok(guidelinesCalls >= Number(m[1]), `${countText}: ${guidelinesCalls} Guidelines calls`);
  else assert.equal(Number(m[1]), guidelinesCalls, "a judge trace per Guidelines call");
  await f.locator(".tv-row", { hasText: `judge:${GUIDELINES}` }).first().click();
  await showJudgeChat(/All three guidelines hold|Guideline \d is violated/);
  await shot(page, "64-judge-trace-from-traces-view");
  await clearTraceFilter(f);
});

/** In the trace panel: the judge's root span, then its CHAT_MODEL span's chat with the prompt and the answer. */
async function showJudgeChat(answerText: RegExp): Promise<void> {
  const t = await panelFrame(page, "trace", 30_000);
  await t.locator(".tl-row", { hasText: `judge:${GUIDELINES}` }).first().waitFor({ timeout: 30_000 });
  await t.locator(".tl-row", { hasText: MODEL }).first().click();
  await t.locator('[data-tab="chat"]').first().click();
  const chat = t.locator(".chat");
  await chat.locator(".msg-user", { hasText: "Decide whether the response to the request follows every one of the guidelines" }).first().waitFor({ timeout: 15_000 });
  const answer = chat.locator(".msg-assistant", { hasText: answerText }).first();
  await answer.waitFor({ timeout: 15_000 });
  assert.match((await answer.textContent()) ?? "", /"result":\s*"(yes|no)"/);
  // the end of the prompt (the response judged) and the answer, in view together
  await answer.scrollIntoViewIfNeeded();
  await page.waitForTimeout(800);
}

test("Safety registered from its lens at 50% monitors new traces with LLM-judge assessments", async () => {
  // Monitoring runs in the server that owns the store. When this window's server is attached to
  // another window's ("(shared)"), that server was started with its own window's judge key.
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}$`), 60_000).catch((e: unknown) => {
    throw new Error(
      `this window's server is still attached to another window's server, which monitors without the key set here ` +
        `(in code-server a closed window's extension host lives on for --reconnection-grace-time): ${String(e)}`,
    );
  });
  await runCommandRetrying(page, "View: Close All Editors");
  await openFile(page, "e2e-judges.ts");
  await lens(page, /^Register$/).nth(1).click();
  await quickInput(/Register safety for monitoring/).waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter"); // the default name
  await quickInput(/Start monitoring safety at/).waitFor({ timeout: 15_000 });
  await quickRow("50%").click();
  await lensLine(page, /Registered v1 · active 50%/).first().waitFor({ timeout: 30_000 });
  const reg = await registered();
  assert.deepEqual([reg?.version, reg?.sampleRate, reg?.state], [1, 0.5, "active"]);
  await page.waitForTimeout(500);
  await shot(page, "65-safety-registered-lens");

  const before = await settled();
  assert.equal(before, 0, "traces from before the registration are not monitored");
  const safetyBefore = chatCalls().filter(isSafety).length;
  sendAgentTraces(OTLP_PORT, 30);
  const unsafeId = sampledTraceId();
  await postUnsafeTrace(unsafeId);
  const scored = (await settled()) - before;
  // 31 new app traces at 50% (the judges' own traces are never sampled): binomial sd ≈ 2.8
  assert.ok(scored >= 6 && scored <= 25, `${scored} of 31 new traces assessed at 50%`);
  const safetyCalls = chatCalls().filter(isSafety).slice(safetyBefore);
  // one call per assessed trace with an answer (the agent's failed Atlantis runs have none: no call)
  assert.ok(safetyCalls.length >= 1 && safetyCalls.length <= scored, `${safetyCalls.length} Safety calls for ${scored} assessments`);
  assert.ok(safetyCalls.some((c) => responseOf(c).includes(UNSAFE_MARK)), "the sampled unsafe answer was judged");

  // the unsafe answer's trace carries the judge's "no" with its rationale
  await runCommandRetrying(page, "View: Close All Editors");
  await showScoreLensSidebar(page);
  const f = await panelFrame(page, "traces");
  // only the unsafe answer was judged unsafe
  await filterTraces(page, f, "feedback.safety = 'no'", (n) => n.length === 1 && n[0] === "unsafe_answer_probe");
  await f.locator(".tv-row", { hasText: "unsafe_answer_probe" }).first().click();
  const t = await panelFrame(page, "trace", 30_000);
  await t.locator('[data-tab="assess"]').first().click();
  const assessment = t.locator(".as-rationale", { hasText: /break into a car with a hammer/ }).first();
  await assessment.waitFor({ timeout: 30_000 });
  assert.match((await t.locator(".as-source", { hasText: /llm judge/ }).first().textContent()) ?? "", /llm judge · safety/);
  await page.waitForTimeout(800);
  await shot(page, "66-safety-unsafe-trace");
  await clearTraceFilter(f);
});

test("the Scorers view and the dashboard show Safety monitoring; stopping it stops new assessments", async () => {
  await runCommandRetrying(page, "View: Close All Editors");
  await showScoreLensSidebar(page);
  await page.locator(".monaco-list-row", { hasText: /safety/ }).first().waitFor({ timeout: 30_000 });
  await runCommandRetrying(page, "ScoreLens: Open Monitoring Dashboard");
  const d = await panelFrame(page, "dashboard", 30_000);
  await d.locator("svg circle, svg path").first().waitFor({ timeout: 30_000 });
  assert.match((await d.locator("body").textContent()) ?? "", /safety/);
  await page.waitForTimeout(1000);
  await shot(page, "67-scorers-view-and-dashboard");

  await runCommandRetrying(page, "View: Close All Editors");
  await openFile(page, "e2e-judges.ts");
  await runCommandRetrying(page, "ScoreLens: Stop Monitoring");
  await quickInput(/Stop/).waitFor({ timeout: 15_000 });
  await quickRow("safety").click();
  await lensLine(page, /Registered v1 · stopped/).first().waitFor({ timeout: 30_000 });
  assert.equal((await registered())?.state, "stopped");
  const count = await settled();
  const calls = chatCalls().length;
  sendAgentTraces(OTLP_PORT, 10);
  await page.waitForTimeout(4000);
  assert.equal(await settled(), count, "no assessments after stop");
  assert.equal(chatCalls().length, calls, "no judge calls after stop");
});

test("every judge call carried the key typed into the command palette, and only that", async () => {
  const calls = chatCalls();
  assert.ok(calls.length > 0);
  const wrong = calls.filter((c) => c.headers.authorization !== `Bearer ${KEY}`).map((c) => String(c.headers.authorization));
  assert.deepEqual(wrong, [], "requests without the key");
});
