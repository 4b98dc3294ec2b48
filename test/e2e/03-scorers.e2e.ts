/**
 * Scorer authoring in a real VS Code: examples/scorers.ts shows "▶ Run on last 100 traces"
 * lenses; clicking one runs the scorer in worker threads over the stored traces and opens the
 * results; a bad parameter name gets a diagnostic.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { close, launch, lens, openFile, openWorkbench, panelFrame, runCommand, shot, waitForStatus, WS_DIR, type Session } from "./workbench";

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318);
const ROOT = path.resolve(__dirname, "../..");
const BAD_FILE = path.join(WS_DIR, "e2e-bad-scorer.ts");
let session: Session;
let page: Page;

before(async () => {
  // a scorer with a typo'd parameter, present before the workbench opens (the diagnostic test opens it)
  fs.writeFileSync(
    BAD_FILE,
    `import { scorer } from "scorelens";\n\nexport const typo = scorer("typo", ({ output }: { output: string }) => output.length > 0);\n`,
  );
  session = await launch();
  page = session.context.pages()[0] ?? (await session.context.newPage());
  await openWorkbench(page);
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/agent/runAgent.ts", "--runs", "10"], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}/v1/traces` },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
});

after(async () => {
  fs.rmSync(BAD_FILE, { force: true });
  await close(session);
});


test("examples/scorers.ts shows a run lens above every scorer", async () => {
  await runCommand(page, "View: Close All Editors");
  await openFile(page, "scorers.ts");
  const runLens = lens(page, "Run on last 100 traces");
  await runLens.first().waitFor({ timeout: 60_000 });
  assert.ok((await runLens.count()) >= 3, "several scorers have lenses in view");
  await page.waitForTimeout(500);
  await shot(page, "20-scorer-lenses");
});

test("clicking the lens runs the scorer on the stored traces and shows the results", async () => {
  await lens(page, "Run on last 100 traces").first().click();
  const r = await panelFrame(page, "results", 60_000);
  await r.locator("text=response_length").first().waitFor({ timeout: 60_000 });
  await r.locator("text=/completed/i").first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(800);
  await shot(page, "21-scorer-results");
  // the lens now carries the run summary
  await runCommand(page, "View: Close All Editors");
  await openFile(page, "scorers.ts");
  await lens(page, /mean \d/).first().waitFor({ timeout: 30_000 });
  await shot(page, "22-lens-with-last-run");
});

test("a destructured parameter that is not inputs/outputs/expectations/trace gets a diagnostic", async () => {
  await openFile(page, "e2e-bad-scorer.ts");
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: 60_000 });
  await runCommand(page, "View: Toggle Problems");
  // (TypeScript's checker flags it too, through the SDK's types; ours says what to write instead)
  const problem = page.locator(".markers-panel .monaco-list-row", { hasText: "is not a scorer parameter" }).first();
  await problem.waitFor({ timeout: 30_000 });
  assert.match((await problem.textContent()) ?? "", /did you mean "outputs"/);
  await page.waitForTimeout(500);
  await shot(page, "23-bad-param-diagnostic");
});
