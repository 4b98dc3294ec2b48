/**
 * Trace browsing in a real VS Code: traces from the example agent (and one hostile trace) arrive
 * live in the Traces view; MLflow filters work and bad ones point at the column; a trace opens in
 * the trace panel with its span tree; hostile content renders as text; two traces compare.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Frame, Page } from "playwright-core";
import { close, launch, openScoreLensSidebar, openWorkbench, panelFrame, runCommand, shot, waitForStatus, type Session } from "./workbench";

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318);
const ROOT = path.resolve(__dirname, "../..");
const HOSTILE_TRACE = "feedfacefeedfacefeedfacefeedface";
let session: Session;
let page: Page;
const dialogs: string[] = [];

function runAgent(runs: number): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/agent/runAgent.ts", "--runs", String(runs)], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}/v1/traces` },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
}

async function postHostileTrace(): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attr("service.name", "hostile-app")] },
        scopeSpans: [
          {
            scope: { name: "e2e" },
            spans: [
              {
                traceId: HOSTILE_TRACE,
                spanId: "0000000000000001",
                name: "<img src=x onerror=alert('name')>",
                kind: 1,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 3_000_000n),
                attributes: [
                  attr("openinference.span.kind", "CHAIN"),
                  attr("input.value", "<script>alert('input')</script>"),
                  attr("output.value", "<img src=x onerror=alert('output')><b>bold?</b>"),
                ],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
  const res = await fetch(`http://127.0.0.1:${OTLP_PORT}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
}

/** "light" or "dark", from the class VS Code puts on a webview's body. */
async function themeOf(f: Frame): Promise<string> {
  const cls = (await f.evaluate("document.body.className")) as string;
  return /vscode-light|vscode-high-contrast-light/.test(cls) ? "light" : "dark";
}

async function rowNames(f: Frame): Promise<string[]> {
  return f.locator(".tv-row .tv-name").allTextContents();
}

async function waitForRows(f: Frame, pred: (names: string[]) => boolean, timeout = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let names: string[] = [];
  while (Date.now() < deadline) {
    names = await rowNames(f);
    if (pred(names)) return names;
    await page.waitForTimeout(300);
  }
  throw new Error(`rows never matched; last: ${JSON.stringify(names)}`);
}

before(async () => {
  session = await launch();
  page = session.context.pages()[0] ?? (await session.context.newPage());
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openWorkbench(page);
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
});

after(async () => {
  await close(session);
});

test("traces from the example agent appear live in the Traces view", async () => {
  await openScoreLensSidebar(page);
  const f = await panelFrame(page, "traces");
  runAgent(12);
  await postHostileTrace();
  const names = await waitForRows(f, (n) => n.filter((x) => x === "travelAgent").length >= 12 && n.some((x) => x.includes("<img")));
  assert.ok(names.includes("<img src=x onerror=alert('name')>"), "hostile name is shown as text");
  assert.match((await f.locator("#count").textContent()) ?? "", /\d+ traces?/i);
  await page.waitForTimeout(500);
  await shot(page, "10-traces-view-live");
});

test("an MLflow filter narrows the list; a bad filter points at the column", async () => {
  const f = await panelFrame(page, "traces");
  const input = f.locator("#filter");
  await input.fill("trace.status = 'ERROR' AND span.type = 'TOOL'");
  await input.press("Enter");
  const names = await waitForRows(f, (n) => n.length > 0 && n.every((x) => x === "travelAgent"));
  assert.ok(names.length >= 1 && names.length < 12, `error traces with a tool span: ${names.length}`);
  await shot(page, "11-traces-filtered");
  await input.fill("trace.status = 'ERROR' OR trace.name = 'x'");
  await input.press("Enter");
  const err = f.locator("#filter-error");
  await err.waitFor({ timeout: 15_000 });
  assert.match((await err.textContent()) ?? "", /column 24.*OR is not supported/s);
  await shot(page, "12-traces-filter-error");
  await input.press("Escape");
  await waitForRows(f, (n) => n.length >= 13);
});

test("hostile trace content renders as text and never runs", async () => {
  const f = await panelFrame(page, "traces");
  await f.locator(".tv-row", { hasText: "<img src=x" }).first().click();
  const t = await panelFrame(page, "trace");
  await t.locator("text=<script>alert('input')</script>").first().waitFor({ timeout: 30_000 });
  const imgs = await t.locator("img").evaluateAll((els) => els.map((e) => e.outerHTML));
  assert.deepEqual(imgs, [], "no <img> element was created from trace content");
  const scripts = await t.locator("script").evaluateAll((els) => els.map((e) => e.textContent ?? ""));
  assert.ok(!scripts.some((x) => x.includes("alert(")), "no script element carries trace content");
  await page.waitForTimeout(500);
  await shot(page, "13-hostile-trace-as-text");
  assert.deepEqual(dialogs, [], "no alert() ran");
});

test("two selected traces open side by side in the compare panel", async () => {
  const f = await panelFrame(page, "traces");
  const rows = f.locator(".tv-row", { hasText: "travelAgent" });
  await rows.nth(0).click();
  await rows.nth(1).click({ modifiers: ["Control"] });
  await f.locator("#compare").click();
  const c = await panelFrame(page, "compare");
  await c.locator("text=travelAgent").first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(800);
  await shot(page, "14-compare-two-traces");
});

test("an agent trace shows its tree, waterfall and chat view; thumbs up shows a badge in the list", async () => {
  await runCommand(page, "View: Close All Editors");
  await page.waitForTimeout(1000);
  const f = await panelFrame(page, "traces");
  await f.locator(".tv-row", { hasText: "travelAgent" }).first().click();
  const t = await panelFrame(page, "trace");
  await t.locator(".tl-row", { hasText: "travelAgent" }).first().waitFor({ timeout: 30_000 });
  await t.locator(".tl-row", { hasText: "chat.completions" }).first().click();
  await t.locator('[data-tab="chat"]').first().click();
  await t.locator("text=You are a concise travel assistant").first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  await shot(page, `15-trace-tree-waterfall-chat-${await themeOf(t)}`);

  await t.locator('button[aria-label="Thumbs up"]').click();
  await t.locator(".fb-comment").fill("Concise and correct.");
  await t.locator(".fb-form button", { hasText: "Send feedback" }).click();
  const badge = f.locator(".tv-row", { hasText: "travelAgent" }).first().locator(".assess");
  await badge.first().waitFor({ timeout: 15_000 });
  assert.match((await badge.first().getAttribute("title")) ?? (await badge.first().textContent()) ?? "", /user_feedback/);
  await page.waitForTimeout(500);
  await shot(page, "16-feedback-badge");
});

test("the panels follow the other (light/dark) theme", async () => {
  const before = await (await panelFrame(page, "trace")).evaluate("getComputedStyle(document.body).backgroundColor");
  await runCommand(page, "Preferences: Toggle between Light/Dark Themes");
  await page.waitForTimeout(1500);
  const t = await panelFrame(page, "trace");
  const after = await t.evaluate("getComputedStyle(document.body).backgroundColor");
  assert.notEqual(after, before, "the webview picked up the theme's colours");
  await shot(page, `17-trace-and-traces-${await themeOf(t)}`);
  await runCommand(page, "Preferences: Toggle between Light/Dark Themes");
});
