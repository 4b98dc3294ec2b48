/**
 * Monitoring in a real VS Code (issue 7): register a scorer from its lens and start it at 50%;
 * the demo app sends traces and about half get assessments; the dashboard charts it; a backfill
 * over the earlier traces runs with a progress notification; stopping the scorer stops new
 * assessments. Counts are read from the server's own HTTP API (what the SDK client uses).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, afterEach, before, test } from "node:test";
import type { Page } from "playwright-core";
import { close, launch, lens, lensLine, openFile, openWorkbench, panelFrame, runCommand, shot, waitForStatus, WS_DIR, type Session } from "./workbench";

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318);
const API = `http://127.0.0.1:${OTLP_PORT}/scorelens/v1`;
const ROOT = path.resolve(__dirname, "../..");
const FILE = path.join(WS_DIR, "e2e-monitor-scorers.ts");
const NAME = "helpful_answer";
const SOURCE = `import { scorer } from "scorelens";

/** Stands in for a slow LLM judge (150 ms a trace), so a backfill shows progress. */
export const helpfulAnswer = scorer("${NAME}", async ({ outputs }: { outputs: unknown }) => {
  await new Promise((resolve) => setTimeout(resolve, 150));
  return String(outputs ?? "").length > 40 ? "yes" : "no";
});
`;
let session: Session;
let page: Page;

interface Registered {
  name: string;
  version: number;
  sampleRate: number;
  state: string;
  backlog: number;
  scoredCount: number;
}

function sendTraces(runs: number): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/agent/runAgent.ts", "--runs", String(runs)], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}/v1/traces` },
    encoding: "utf8",
    timeout: 90_000,
  });
  assert.equal(r.status, 0, r.stderr);
}

async function registered(): Promise<Registered | null> {
  const res = await fetch(`${API}/scorers`);
  const body = (await res.json()) as { scorers: Registered[] };
  return body.scorers.find((s) => s.name === NAME) ?? null;
}

/** Waits until the backlog is empty and the count has settled; returns the scored count. */
async function settled(timeoutMs = 90_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    const r = await registered();
    if (r && r.backlog === 0 && r.scoredCount === last) return r.scoredCount;
    last = r?.scoredCount ?? -1;
    await page.waitForTimeout(1500);
  }
  throw new Error("monitoring did not settle");
}

/** Waits for the newest backfill job to finish; returns its status. */
async function backfillDone(timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const snap = (await (await fetch(`${API}/monitoring`)).json()) as { jobs: Array<{ status: string; createdMs: number }> };
    const newest = [...snap.jobs].sort((a, b) => b.createdMs - a.createdMs)[0];
    if (newest && newest.status !== "queued" && newest.status !== "running") return newest.status;
    await page.waitForTimeout(1000);
  }
  throw new Error("the backfill did not finish");
}

before(async () => {
  fs.writeFileSync(FILE, SOURCE);
  session = await launch();
  page = session.context.pages()[0] ?? (await session.context.newPage());
  await openWorkbench(page);
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
  // earlier traffic, before the scorer exists: the backfill's job
  sendTraces(40);
});

let step = 0;
afterEach(async () => {
  await shot(page, `5x-after-test-${++step}`).catch(() => undefined);
});

after(async () => {
  await fetch(`${API}/scorers/${NAME}`, { method: "DELETE" }).catch(() => undefined);
  fs.rmSync(FILE, { force: true });
  await close(session);
});


const lensOf = (text: string | RegExp) => lens(page, text);
const quickInput = (title: string | RegExp) => page.locator(".quick-input-widget", { hasText: title });
const row = (text: string | RegExp) => page.locator(".quick-input-list .monaco-list-row", { hasText: text }).first();

test("register from the lens and start monitoring at 50%", async () => {
  await runCommand(page, "View: Close All Editors");
  await openFile(page, "e2e-monitor-scorers.ts");
  await lensOf(/^Register$/).first().click();
  await quickInput(/Register helpfulAnswer for monitoring/).waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter"); // the default name
  await quickInput(/Start monitoring helpful_answer at/).waitFor({ timeout: 15_000 });
  await row("50%").click();
  await lensLine(page, /Registered v1 · active 50%/).first().waitFor({ timeout: 30_000 });
  const r = await registered();
  assert.deepEqual([r?.version, r?.sampleRate, r?.state], [1, 0.5, "active"]);
  await page.waitForTimeout(500);
  await shot(page, "50-registered-lens");
});

test("the demo app sends traces: about half of them are assessed", async () => {
  const before = await settled();
  assert.equal(before, 0, "traces from before the registration are not monitored (the backfill's job)");
  sendTraces(40);
  const scored = (await settled()) - before;
  // 40 traces at 50%: binomial sd ≈ 3.2; 8..32 is far outside any flake
  assert.ok(scored >= 8 && scored <= 32, `${scored} of 40 new traces assessed at 50%`);
  await page.locator('.activitybar [aria-label^="ScoreLens"]').first().click();
  await page.locator(".monaco-list-row", { hasText: NAME }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(800);
  await shot(page, "51-scorers-view");
});

test("the dashboard charts the scorer over time", async () => {
  await runCommand(page, "View: Close All Editors");
  await runCommand(page, "ScoreLens: Open Monitoring Dashboard");
  const d = await panelFrame(page, "dashboard", 30_000);
  // the last hour by minute: each minute with traffic is a point on the line
  await d.locator("svg circle, svg path").first().waitFor({ timeout: 30_000 });
  assert.match((await d.locator("body").textContent()) ?? "", new RegExp(NAME));
  await page.waitForTimeout(1000);
  await shot(page, "52-dashboard");
});

test("a backfill over the earlier traces runs with a progress notification", async () => {
  const before = await settled();
  await runCommand(page, "ScoreLens: Backfill Registered Scorers");
  await quickInput(/Backfill which scorers/).waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter"); // every registered scorer is preselected
  await quickInput(/which traces/).waitFor({ timeout: 15_000 });
  await row("Last 7 days").click();
  await quickInput(/sample rate/).waitFor({ timeout: 15_000 });
  await row("Current rates").click();
  await quickInput(/already have an assessment/).waitFor({ timeout: 15_000 });
  await row("Skip traces already assessed").click();
  await page.locator(".notifications-toasts", { hasText: /backfill/i }).first().waitFor({ timeout: 30_000 });
  await shot(page, "53-backfill-progress");
  assert.equal(await backfillDone(), "completed");
  const added = (await settled()) - before;
  // the traces from before the registration (these 40, and in a full e2e run the earlier files'
  // traces in this shared store) at the scorer's 50%; traces already assessed are skipped
  const health = (await (await fetch(`http://127.0.0.1:${OTLP_PORT}/health`)).json()) as { traces: number };
  const unassessed = health.traces - before;
  assert.ok(added >= 8 && added <= unassessed, `the backfill assessed ${added} of ${unassessed} unassessed traces`);
});

test("stopping the scorer stops new assessments", async () => {
  await runCommand(page, "View: Close All Editors");
  await openFile(page, "e2e-monitor-scorers.ts");
  await runCommand(page, "ScoreLens: Stop Monitoring");
  await quickInput(/Stop/).waitFor({ timeout: 15_000 });
  await row(NAME).click();
  await lensLine(page, /Registered v1 · stopped/).first().waitFor({ timeout: 30_000 });
  const before = await settled();
  sendTraces(20);
  await page.waitForTimeout(4000);
  assert.equal(await settled(), before, "no assessments after stop");
  assert.equal((await registered())?.state, "stopped");
  await shot(page, "54-stopped");
  // the dashboard over the whole session: monitored, backfilled, then stopped (eligible but not scored)
  await runCommand(page, "ScoreLens: Open Monitoring Dashboard");
  const d = await panelFrame(page, "dashboard", 30_000);
  await d.locator("svg circle, svg path").first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1000);
  await shot(page, "55-dashboard-after-stop");
});
