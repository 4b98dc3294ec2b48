/**
 * Evaluation in a real VS Code (issue 6): two scorers run together from their lens; the results
 * panel shows aggregates, rows, an error row with its stack, and the chart; watch mode re-runs a
 * scorer on save and its lens shows the change; two runs are compared and the flipped rows show;
 * a row opens its trace, which carries the new assessments.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, afterEach, before, test } from "node:test";
import type { Frame, Page } from "playwright-core";
import { close, launch, lens, openFile, openWorkbench, panelFrame, runCommand, shot, waitForStatus, WS_DIR, type Session } from "./workbench";

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318);
const ROOT = path.resolve(__dirname, "../..");
const FILE = path.join(WS_DIR, "e2e-eval-scorers.ts");
const SOURCE = `import { scorer } from "scorelens";

const LIMIT = 100;

/** Pass when the answer is short. */
export const isConcise = scorer("is_concise", ({ outputs }: { outputs: unknown }) => String(outputs ?? "").length < LIMIT);

/** Words in the answer; throws on answers it "can't parse" (every third length). */
export const answerWords = scorer({ name: "answer_words", aggregations: ["mean", "max"] }, ({ outputs }: { outputs: unknown }) => {
  const text = String(outputs ?? "");
  if (text.length % 3 === 0) throw new SyntaxError(\`cannot parse an answer of \${text.length} characters\`);
  return text.split(/\\s+/).filter(Boolean).length;
});
`;
let session: Session;
let page: Page;

before(async () => {
  fs.writeFileSync(FILE, SOURCE);
  session = await launch();
  page = session.context.pages()[0] ?? (await session.context.newPage());
  await openWorkbench(page);
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/agent/runAgent.ts", "--runs", "20"], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}/v1/traces` },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
});

let step = 0;
afterEach(async () => {
  // what the window showed when each test ended (for failures above all)
  await shot(page, `4x-after-test-${++step}`).catch(() => undefined);
});

after(async () => {
  fs.rmSync(FILE, { force: true });
  await close(session);
});


const lensOf = (text: string | RegExp) => lens(page, text);

/** The results panel showing a completed run of these scorers. */
async function completedResults(): Promise<Frame> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const r = await panelFrame(page, "results", 60_000);
    const text = (await r.locator("body").textContent().catch(() => "")) ?? "";
    if (/completed/i.test(text) && /is_concise/.test(text)) return r;
    await page.waitForTimeout(500);
  }
  throw new Error("no completed results panel");
}

test("one lens runs both scorers of the file; the panel shows aggregates, rows, the chart, and an error row with its stack", async () => {
  await runCommand(page, "View: Close All Editors");
  await openFile(page, "e2e-eval-scorers.ts");
  await lensOf(/Run all 2 scorers on last 100 traces/).first().click();
  const r = await completedResults();
  const body = (await r.locator("body").textContent()) ?? "";
  assert.match(body, /answer_words/);
  assert.match(body, /answer_words\/mean|mean/);
  assert.ok((await r.locator(".rs-hist-plot, .rs-hbar-track").count()) > 0, "a chart is drawn");
  await page.waitForTimeout(800);
  await shot(page, "40-eval-results");
  // errors first-class: filter to the rows with errors, open one, see the stack
  await r.locator("text=/\\d+ errors?/").first().click();
  await r.locator(".rs-row, [role=row]").nth(1).click();
  await r.locator(".rs-err-msg", { hasText: /cannot parse an answer/ }).first().waitFor({ timeout: 15_000 });
  assert.match((await r.locator(".rs-detail").textContent()) ?? "", /SyntaxError[\s\S]*at /);
  await page.waitForTimeout(500);
  await shot(page, "41-eval-error-row");
});

test("watch mode: saving the scorer re-runs it and the lens shows the change from the previous run", async () => {
  await runCommand(page, "View: Close All Editors");
  await openFile(page, "e2e-eval-scorers.ts");
  await lensOf(/Watch$/).first().click();
  // the watch run's results open beside the editor, which keeps the focus
  await completedResults();
  await lensOf(/Watching/).first().waitFor({ timeout: 30_000 });
  await page.locator(".monaco-editor .view-lines").first().click();
  // LIMIT 100 → 80: answers of 80–99 characters flip from pass to fail
  await page.keyboard.press("Control+G");
  await page.keyboard.type("3");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Home");
  await page.keyboard.press("Shift+End");
  await page.keyboard.type("const LIMIT = 80;");
  await page.keyboard.press("Control+S");
  await page.keyboard.press("Control+Home");
  await lensOf(/Δ mean −/).first().waitFor({ timeout: 90_000 });
  const r = await panelFrame(page, "results", 30_000);
  await r.locator("#delta", { hasText: /Δ mean −/ }).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(800);
  await shot(page, "42-watch-delta-lens-and-panel");
});

test("compare with the previous run from the results panel: the flipped rows show", async () => {
  // the watch run's panel (beside the editor) shows the run after the edit
  const r = await panelFrame(page, "results", 30_000);
  await r.locator("#compare-previous").click();
  const c = await panelFrame(page, "runCompare", 30_000);
  await c.locator("text=/pass → .*fail/").first().waitFor({ timeout: 30_000 });
  assert.match((await c.locator("body").textContent()) ?? "", /Regressions\s*[1-9]/);
  await page.waitForTimeout(800);
  await shot(page, "43-compare-runs");
});

test("a results row opens its trace, which shows the run's assessments", async () => {
  // the watched scorer's results tab (beside the editor; the comparison may have opened over it) shows the newest run
  await page.locator(".tabs-container .tab", { hasText: /isConcise · last 100 traces/ }).first().click();
  const r = await completedResults();
  await r.locator(".rs-row, [role=row]").nth(1).dblclick();
  const t = await panelFrame(page, "trace", 30_000);
  await t.locator("text=is_concise").first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(800);
  await shot(page, "44-trace-with-assessments");
});
