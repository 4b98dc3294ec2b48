/**
 * (Runs first: e2e files share one code-server, whose extension hosts outlive their browser
 * windows for a while, so the first window's server owns the store and later files attach.)
 *
 * Walking skeleton in a real VS Code: the extension activates, the server comes up with an OTLP
 * port, the status panel renders, a killed server is restarted by the client, and a second
 * window on the same workspace attaches to the first window's server instead of fighting it.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { close, launch, openWorkbench, runCommand, shot, statusItem, waitForStatus, webview, type Session } from "./workbench";

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318);
let session: Session;
let page: Page;

before(async () => {
  session = await launch();
  page = session.context.pages()[0] ?? (await session.context.newPage());
});

after(async () => {
  await close(session);
});

test("the extension activates and the status bar shows the server ready with its OTLP port", async () => {
  await openWorkbench(page);
  const text = await waitForStatus(page, /ScoreLens :\d+/);
  assert.match(text, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
  await statusItem(page).hover();
  await page.waitForTimeout(800);
  await shot(page, "01-status-bar-ready");
});

test("the OTLP receiver answers on the reported port", async () => {
  const res = await fetch(`http://127.0.0.1:${OTLP_PORT}/health`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { service: string };
  assert.equal(body.service, "scorelens");
});

test("'ScoreLens: Show Server Status' renders the status snapshot", async () => {
  await runCommand(page, "ScoreLens: Show Server Status");
  const wv = webview(page);
  await wv.locator("#health").waitFor({ timeout: 30_000 });
  assert.equal((await wv.locator("#health").textContent())?.trim(), "ready");
  assert.equal((await wv.locator("#port").textContent())?.trim(), String(OTLP_PORT));
  assert.match((await wv.locator("#db-path").textContent()) ?? "", /traces\.db$/);
  assert.equal((await wv.locator("#restarts").textContent())?.trim(), "0");
  await shot(page, "02-status-panel");
});

test("killing the server process makes the client restart it", async () => {
  const wv = webview(page);
  const pid = Number((await wv.locator("#server-pid").textContent())?.trim());
  assert.ok(pid > 0, "status panel shows the server pid");
  process.kill(pid, "SIGKILL");
  // the panel follows the client: restarts=1 and a new pid, ready again on the same port
  await wv.locator("#restarts", { hasText: "1" }).waitFor({ timeout: 60_000 });
  await wv.locator("#health", { hasText: "ready" }).waitFor({ timeout: 60_000 });
  const newPid = Number((await wv.locator("#server-pid").textContent())?.trim());
  assert.notEqual(newPid, pid);
  assert.throws(() => process.kill(pid, 0), "the old server process is gone");
  await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}\\b`));
  await page.waitForTimeout(500);
  await shot(page, "03-restarted-after-kill");
});

test("a second window on the same workspace attaches to the first window's server", async () => {
  const second = await session.context.newPage();
  try {
    await openWorkbench(second);
    const text = await waitForStatus(second, /ScoreLens :\d+ \(shared\)/);
    assert.match(text, new RegExp(`:${OTLP_PORT} \\(shared\\)`));
    await runCommand(second, "ScoreLens: Show Server Status");
    const wv = webview(second);
    await wv.locator("#health", { hasText: "attached" }).waitFor({ timeout: 30_000 });
    const owner = Number((await wv.locator("#owner-pid").textContent())?.trim());
    const firstPid = Number((await webview(page).locator("#server-pid").textContent())?.trim());
    assert.equal(owner, firstPid, "the second window names the first window's server as owner");
    await shot(second, "04-second-window-attached");
    // The first window still owns the port.
    await waitForStatus(page, new RegExp(`ScoreLens :${OTLP_PORT}$`));
  } finally {
    await second.close();
  }
});
