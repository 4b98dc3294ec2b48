/**
 * Page helpers for driving VS Code (code-server) with playwright-core and Debian's Chromium.
 * Environment: CS_URL (code-server base URL), WS_DIR (workspace folder), SHOTS_DIR, CHROMIUM.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Frame, type FrameLocator, type Locator, type Page } from "playwright-core";

export const CS_URL = process.env.CS_URL ?? "http://127.0.0.1:18080";
export const WS_DIR = process.env.WS_DIR ?? path.resolve("examples");
export const SHOTS = process.env.SHOTS_DIR ?? path.resolve("test-output/e2e");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export interface Session {
  context: BrowserContext;
  profileDir: string;
}

export async function launch(): Promise<Session> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-chromium-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return { context, profileDir };
}

export async function close(s: Session): Promise<void> {
  await s.context.close();
  fs.rmSync(s.profileDir, { recursive: true, force: true });
}

export async function openWorkbench(page: Page, folder = WS_DIR): Promise<void> {
  await page.goto(`${CS_URL}/?folder=${encodeURIComponent(folder)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
  // the folder is open once the explorer shows its root row
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 90_000 });
  await page.locator(".part.statusbar").waitFor({ timeout: 30_000 });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ timeout: 15_000 });
  await input.fill(">" + title);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter");
}

/** The ScoreLens status bar item. */
export function statusItem(page: Page): Locator {
  return page.locator(".statusbar-item", { hasText: "ScoreLens" }).first();
}

/** Waits until the status bar item's text matches `re`; returns the text. */
export async function waitForStatus(page: Page, re: RegExp, timeout = 90_000): Promise<string> {
  const item = statusItem(page);
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last = ((await item.textContent({ timeout: 5_000 }).catch(() => "")) ?? "").trim();
    if (re.test(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`status bar never matched ${re}; last text: "${last}"`);
}

/** The content frame of the (single) visible webview panel. */
export function webview(page: Page): FrameLocator {
  return page.frameLocator("iframe.webview.ready").last().frameLocator("#active-frame");
}

/**
 * The frame of a ScoreLens webview (panel or view) by its `data-panel` (status, traces, trace,
 * compare). Webviews nest two iframes; the inner one holds our document.
 */
export async function panelFrame(page: Page, panel: string, timeout = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      const kind = await f.evaluate("document.body ? document.body.dataset.panel ?? null : null").catch(() => null);
      if (kind === panel) return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no ${panel} webview frame within ${timeout} ms`);
}

/** Opens the ScoreLens container in the activity bar. */
export async function openScoreLensSidebar(page: Page): Promise<void> {
  await page.locator('.activitybar .action-item a[aria-label^="ScoreLens"], .activitybar [aria-label^="ScoreLens"]').first().click();
}

/** Opens a workspace file by name with Quick Open and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ timeout: 15_000 });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: 30_000 });
}

/** A clickable code lens (a link) by its text. */
export function lens(page: Page, text: string | RegExp): Locator {
  return page.locator(".codelens-decoration a", { hasText: text });
}

/** A line of code lenses that shows this text anywhere (status lenses without a command aren't links). */
export function lensLine(page: Page, text: string | RegExp): Locator {
  return page.locator(".codelens-decoration", { hasText: text });
}

/**
 * Shows the ScoreLens container in the side bar and leaves it open if it already is (clicking its
 * activity bar icon toggles it, and the icon's trace-count badge can take the click).
 */
export async function showScoreLensSidebar(page: Page): Promise<void> {
  await runCommandRetrying(page, "View: Show ScoreLens");
  await page.locator(".part.sidebar .composite.title", { hasText: /ScoreLens/i }).first().waitFor({ timeout: 15_000 });
}

/**
 * `runCommand` that survives a webview taking the focus while the palette opens (the palette
 * closes when it loses focus): each attempt gets a few seconds, then the palette is reopened.
 */
export async function runCommandRetrying(page: Page, title: string, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await page.keyboard.press("F1");
      const input = page.locator(".quick-input-widget input.input");
      await input.fill(">" + title, { timeout: 5_000 });
      await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor({ timeout: 5_000 });
      await input.press("Enter", { timeout: 5_000 });
      return;
    } catch (e) {
      if (i >= attempts) throw e;
      await page.keyboard.press("Escape").catch(() => undefined);
      await page.waitForTimeout(500);
    }
  }
}

/** Closes the notification toasts (they cover the bottom right of screenshots). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommandRetrying(page, "Notifications: Clear All Notifications");
}

/** Applies a filter in the Traces view and waits until the listed trace names satisfy `pred`. */
export async function filterTraces(page: Page, f: Frame, filter: string, pred: (names: string[]) => boolean): Promise<string[]> {
  const input = f.locator("#filter");
  await input.fill(filter);
  await input.press("Enter");
  const deadline = Date.now() + 30_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    names = await f.locator(".tv-row .tv-name").allTextContents();
    // the list is the filter's once the count says "N matching" (the unfiltered list may satisfy `pred` too)
    const count = (await f.locator("#count").textContent().catch(() => "")) ?? "";
    if (/matching/i.test(count) && pred(names)) return names;
    await page.waitForTimeout(300);
  }
  throw new Error(`the Traces view never matched for ${filter}; last rows: ${JSON.stringify(names)}`);
}

/** Clears the Traces view's filter and waits until it lists every trace again. */
export async function clearTraceFilter(f: Frame): Promise<void> {
  await f.locator("#filter").fill("");
  await f.locator("#filter").press("Escape");
  await f.locator("#count").filter({ hasNotText: /matching/i }).waitFor({ timeout: 30_000 });
}

/** Runs the example agent `runs` times; its traces go to the OTLP receiver on `otlpPort`. */
export function sendAgentTraces(otlpPort: number, runs: number): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/agent/runAgent.ts", "--runs", String(runs)], {
    cwd: path.resolve(__dirname, "../.."),
    env: { ...process.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${otlpPort}/v1/traces` },
    encoding: "utf8",
    timeout: 90_000,
  });
  if (r.status !== 0) throw new Error(`the example agent failed (${r.status ?? r.signal ?? "?"}): ${r.stderr}`);
}

/** A registered scorer as the server's HTTP API lists it (what the SDK client reads). */
export interface RegisteredScorerState {
  name: string;
  version: number;
  sampleRate: number;
  state: string;
  backlog: number;
  scoredCount: number;
}

/** The registered scorer `name` from `GET /scorelens/v1/scorers` on the e2e OTLP port, or null. */
export async function registeredScorer(otlpPort: number, name: string): Promise<RegisteredScorerState | null> {
  const body = (await (await fetch(`http://127.0.0.1:${otlpPort}/scorelens/v1/scorers`)).json()) as { scorers: RegisteredScorerState[] };
  return body.scorers.find((s) => s.name === name) ?? null;
}

/** Waits until scorer `name`'s backlog is empty and its scored count has settled; returns that count. */
export async function monitoringSettled(page: Page, otlpPort: number, name: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    const r = await registeredScorer(otlpPort, name);
    if (r && r.backlog === 0 && r.scoredCount === last) return r.scoredCount;
    last = r?.scoredCount ?? -1;
    await page.waitForTimeout(1500);
  }
  throw new Error("monitoring did not settle");
}
