/**
 * The Traces view in real Chromium, against a fake host (see tracesHarness.ts): filter errors
 * with a caret, selection + Compare, delete with confirm, keyboard, load-more with
 * virtualization, scroll anchoring on live updates, age refresh, empty states and hostile
 * content. Screenshots go to test-output/webview-harness/.
 *
 *   node scripts/build.mjs && node --import tsx --test test/webview-harness/traces.harness.test.ts
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { HOSTILE } from "./tracesFixtures";
import { launchChromium, shotPath, startHarness, type Harness } from "./tracesHarness";

let harness: Harness;
let browser: Browser;

before(async () => {
  harness = await startHarness();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

interface Opened {
  page: Page;
  dialogs: string[];
  errors: string[];
}

async function open(scenario = "default", width = 360, height = 720, opts: { clock?: boolean } = {}): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width, height } });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  if (opts.clock) await page.clock.install();
  await page.goto(`${harness.url}/traces.html?scenario=${scenario}`);
  await page.locator("#app[aria-busy=false]").waitFor();
  return { page, dialogs, errors };
}

async function requests(page: Page): Promise<Array<{ method: string; params: unknown }>> {
  return (await page.evaluate("window.__requests")) as Array<{ method: string; params: unknown }>;
}

async function lastRequest(page: Page, method: string): Promise<unknown> {
  const all = (await requests(page)).filter((r) => r.method === method);
  return all[all.length - 1]?.params;
}

async function finish(o: Opened): Promise<void> {
  assert.deepEqual(await o.page.evaluate("window.__cspViolations"), [], "CSP violations");
  assert.deepEqual(o.errors, [], "page errors");
  assert.deepEqual(o.dialogs, [], "dialogs");
  await o.page.close();
}

const rows = (page: Page) => page.locator(".tv-row");

/**
 * Polls a page expression until it is truthy. (page.waitForFunction with a string compiles it
 * with `new Function`, which the page's CSP refuses; page.evaluate goes through the debugger.)
 */
async function until(page: Page, expr: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expr)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The trace ids of the first `n` rows in list order. */
async function rowIds(page: Page, n: number): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('.tv-row')].slice(0, ${n}).map((e) => e.dataset.id)`)) as string[];
}

test("list: header count, rows, hostile content as text", async () => {
  const o = await open();
  const { page } = o;
  assert.equal(await page.locator("#count").textContent(), "1,234 traces");
  assert.equal(await rows(page).count(), 150);
  assert.equal(await page.locator("#live").getAttribute("aria-pressed"), "true");
  // hostile name shows as text, creates no elements
  assert.equal(await rows(page).nth(2).locator(".tv-name").textContent(), HOSTILE.name);
  assert.equal(await page.locator("#app img, #app script, #app b").count(), 0);
  const title = (await rows(page).nth(2).getAttribute("title")) ?? "";
  assert.ok(title.includes(HOSTILE.preview), "preview in the tooltip, as text");
  assert.equal(await rows(page).first().locator(".tv-age").textContent(), "just now");
  assert.match((await page.locator("#list-footer").textContent()) ?? "", /Showing 150 of 1,234/);
  await page.screenshot({ path: shotPath("traces-list") });
  await finish(o);
});

test("filter: OR gives an error with a caret under its column; Escape clears", async () => {
  const o = await open();
  const { page } = o;
  const filter = "trace.status = 'ERROR' OR span.type = 'TOOL'";
  await page.locator("#filter").fill(filter);
  assert.equal(await page.locator("#filter-hint").textContent(), "Press Enter to apply");
  await page.locator("#filter").press("Enter");
  await page.locator("#filter-error").waitFor();
  assert.deepEqual(await lastRequest(page, "traces/filter"), { filter });
  assert.match((await page.locator(".tv-error-msg").textContent()) ?? "", /OR is not supported.*column 24/);
  const pre = (await page.locator(".tv-excerpt").textContent()) ?? "";
  const [excerptLine, caretLine] = pre.split("\n") as [string, string];
  assert.equal(excerptLine.slice(caretLine.indexOf("^"), caretLine.indexOf("^") + 2), "OR");
  assert.ok(await page.locator(".tv-input-wrap.invalid").isVisible());
  assert.equal(await page.locator("#filter").getAttribute("aria-invalid"), "true");
  assert.equal(await rows(page).count(), 0);
  await page.screenshot({ path: shotPath("traces-filter-error") });

  await page.locator("#filter").press("Escape");
  await page.locator("#filter-error").waitFor({ state: "detached" });
  assert.equal(await page.locator("#filter").inputValue(), "");
  assert.deepEqual(await lastRequest(page, "traces/filter"), { filter: "" });
  assert.equal(await rows(page).count(), 150);
  await finish(o);
});

test("filter: a long filter's excerpt is windowed around the caret in a narrow view", async () => {
  const o = await open("default", 300);
  const { page } = o;
  const filter = "span.type = 'TOOL' AND trace.execution_time_ms > 500 AND trace.name LIKE '%agent%' AND trace.bogus = 1";
  await page.locator("#filter").fill(filter);
  await page.locator("#filter").press("Enter");
  await page.locator("#filter-error").waitFor();
  const pre = (await page.locator(".tv-excerpt").textContent()) ?? "";
  const [excerptLine, caretLine] = pre.split("\n") as [string, string];
  assert.ok(excerptLine.startsWith("…"), excerptLine);
  assert.equal(excerptLine.slice(caretLine.indexOf("^")).startsWith("trace.bogus"), true, pre);
  const fits = await page.evaluate("(() => { const el = document.querySelector('.tv-excerpt'); return el.scrollWidth <= el.clientWidth + 1; })()");
  assert.equal(fits, true, "the excerpt fits the box");
  await page.screenshot({ path: shotPath("traces-filter-error-narrow") });
  await finish(o);
});

test("filter: a valid filter narrows the list and the header says 'matching of'", async () => {
  const o = await open();
  const { page } = o;
  await page.locator("#help-toggle").click();
  await page.locator("#filter-help").waitFor();
  await page.screenshot({ path: shotPath("traces-help") });
  await page.locator(".tv-example", { hasText: "trace.status = 'ERROR'" }).click();
  await page.locator("#filter-help").waitFor({ state: "detached" });
  await until(page, "document.querySelector('#count').textContent.includes('matching')");
  const count = (await page.locator("#count").textContent()) ?? "";
  assert.match(count, /^\d+ matching of 1,234$/);
  const n = await rows(page).count();
  assert.ok(n > 0 && n < 150);
  assert.equal(await page.locator(".tv-row:not(.state-error)").count(), 0);
  await page.locator("#filter").fill("trace.name LIKE '%nomatch%'");
  await page.locator("#filter").press("Enter");
  await page.locator("#empty-clear-filter").waitFor();
  assert.match((await page.locator("#empty").textContent()) ?? "", /No traces match this filter/);
  await page.screenshot({ path: shotPath("traces-no-match") });
  await page.locator("#empty-clear-filter").click();
  await until(page, "document.querySelectorAll('.tv-row').length === 150");
  await finish(o);
});

test("selection: click opens, Ctrl-click adds, two selected shows Compare (older trace on the left)", async () => {
  const o = await open();
  const { page } = o;
  const ids = await rowIds(page, 6);
  await rows(page).nth(1).click();
  assert.deepEqual(await lastRequest(page, "traces/open"), { traceId: ids[1] });
  assert.equal(await page.locator("#selected-count").textContent(), "1 selected");
  assert.equal(await page.locator("#compare").count(), 0);
  await rows(page).nth(4).click({ modifiers: ["Control"] });
  assert.equal(await page.locator("#selected-count").textContent(), "2 selected");
  assert.equal((await requests(page)).filter((r) => r.method === "traces/open").length, 1, "ctrl-click does not open");
  await page.locator("#compare").waitFor();
  await page.screenshot({ path: shotPath("traces-selection") });
  await page.locator("#compare").click();
  await until(page, "window.__requests.some((r) => r.method === 'traces/compare')");
  // rows are newest first, so row 4 is older: it goes on the left
  assert.deepEqual(await lastRequest(page, "traces/compare"), { left: ids[4], right: ids[1] });
  // shift-click selects a range
  await rows(page).nth(2).click({ modifiers: ["Shift"] });
  assert.equal(await page.locator("#selected-count").textContent(), "3 selected");
  assert.equal(await page.locator("#compare").count(), 0);
  // the host hears about the selection (so a scorer can "Run on… the selected traces")
  await until(page, "window.__requests.some((r) => r.method === 'traces/select' && r.params.traceIds.length === 3)");
  const sel = (await lastRequest(page, "traces/select")) as { traceIds: string[] };
  assert.deepEqual([...sel.traceIds].sort(), [ids[2], ids[3], ids[4]].sort(), "the shift-click range 2..4");
  await finish(o);
});

test("delete: inline confirm, then the rows go away", async () => {
  const o = await open();
  const { page } = o;
  const ids = await rowIds(page, 3);
  await rows(page).nth(1).click();
  await rows(page).nth(2).click({ modifiers: ["Control"] });
  await page.locator("#delete").click();
  await page.locator("#confirm-delete").waitFor();
  assert.match((await page.locator("#actions").textContent()) ?? "", /Delete 2 traces\? This can't be undone\./);
  await page.screenshot({ path: shotPath("traces-delete-confirm") });
  await page.locator("#cancel-delete").click();
  assert.equal(await page.locator("#confirm-delete").count(), 0);
  await page.locator("#delete").click();
  await page.locator("#confirm-delete").click();
  await until(page, "document.querySelector('#count').textContent === '1,232 traces'");
  assert.deepEqual(await lastRequest(page, "traces/delete"), { traceIds: [ids[1], ids[2]] });
  assert.match((await page.locator("#actions").textContent()) ?? "", /Deleted 2 traces/);
  const now = await rowIds(page, 2);
  assert.equal(now[0], ids[0]);
  assert.ok(!now.includes(ids[1] as string) && !now.includes(ids[2] as string));
  await finish(o);
});

test("keyboard: Down/Up move, Shift extends, Enter opens, Escape clears", async () => {
  const o = await open();
  const { page } = o;
  const ids = await rowIds(page, 4);
  await page.locator("#filter").focus();
  await page.keyboard.press("ArrowDown"); // from the filter box into the list
  assert.equal(await page.locator(".tv-row.selected").getAttribute("data-id"), ids[0]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  assert.deepEqual(await lastRequest(page, "traces/open"), { traceId: ids[2] });
  await page.keyboard.press("Shift+ArrowUp");
  assert.equal(await page.locator(".tv-row.selected").count(), 2);
  assert.equal(await page.locator("#list").getAttribute("aria-activedescendant"), `trace-${ids[1]}`);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".tv-row.selected").count(), 0);
  assert.ok(await page.locator("#actions").isHidden());
  await finish(o);
});

test("load more grows the list; beyond 200 rows only the rows in view are in the DOM", async () => {
  const o = await open();
  const { page } = o;
  await page.evaluate("document.querySelector('#list').scrollTop = 1e9");
  await page.locator("#load-more").click();
  await until(page, "document.querySelector('#list-footer').textContent.includes('Showing 300')");
  const rendered = await rows(page).count();
  assert.ok(rendered < 80, `virtualized: ${rendered} rows in the DOM`);
  // scrolling renders the rows that come into view
  await page.evaluate("document.querySelector('#list').scrollTop = 1e9");
  await until(page, "[...document.querySelectorAll('.tv-row')].some((r) => r.dataset.index === '299')");
  await page.screenshot({ path: shotPath("traces-load-more") });
  await finish(o);
});

test("live updates keep the scroll position and the selection", async () => {
  const o = await open();
  const { page } = o;
  await rows(page).filter({ hasText: "summarize_ticket" }).first().click({ modifiers: ["Control"] });
  const selectedId = await page.locator(".tv-row.selected").getAttribute("data-id");
  await page.evaluate("document.querySelector('#list').scrollTop = 400");
  await page.waitForTimeout(50);
  const firstVisible = await page.evaluate(`(() => {
    const list = document.querySelector('#list');
    const top = list.getBoundingClientRect().top;
    const r = [...document.querySelectorAll('.tv-row')].find((e) => e.getBoundingClientRect().bottom > top + 1);
    return { id: r.dataset.id, y: r.getBoundingClientRect().top };
  })()`);
  await page.evaluate("window.__harness.pushNew(3)");
  await until(page, "document.querySelector('#count').textContent === '1,237 traces'");
  const after = await page.evaluate(`(() => {
    const r = document.querySelector('.tv-row[data-id="${(firstVisible as { id: string }).id}"]');
    return { y: r.getBoundingClientRect().top };
  })()`);
  assert.equal((after as { y: number }).y, (firstVisible as { y: number }).y, "first visible row stays put");
  assert.equal(await page.locator(".tv-row.selected").getAttribute("data-id"), selectedId);
  // at the top, new traces simply appear
  await page.evaluate("document.querySelector('#list').scrollTop = 0");
  await page.evaluate("window.__harness.pushNew(1)");
  await until(page, "document.querySelector('.tv-row .tv-name').textContent === 'incoming_3'");
  await finish(o);
});

test("Live/Paused toggle", async () => {
  const o = await open();
  const { page } = o;
  await page.locator("#live").click();
  await until(page, "document.querySelector('#live').textContent.includes('Paused')");
  assert.deepEqual(await lastRequest(page, "traces/pause"), { paused: true });
  assert.equal(await page.locator("#live").getAttribute("aria-pressed"), "false");
  await page.screenshot({ path: shotPath("traces-paused"), clip: { x: 0, y: 0, width: 360, height: 120 } });
  await page.locator("#live").click();
  await until(page, "document.querySelector('#live').textContent.includes('Live')");
  assert.deepEqual(await lastRequest(page, "traces/pause"), { paused: false });
  await finish(o);
});

test("ages refresh every 30 s without a new snapshot", async () => {
  const o = await open("few", 360, 400, { clock: true });
  const { page } = o;
  const age = page.locator(".tv-row .tv-age").first();
  assert.equal(await age.textContent(), "just now");
  await page.clock.fastForward(61_000);
  assert.equal(await age.textContent(), "1m ago");
  await finish(o);
});

test("empty states: no traces yet, server restarting, banner over rows", async () => {
  const empty = await open("empty");
  assert.match((await empty.page.locator("#empty").textContent()) ?? "", /No traces yet/);
  assert.match((await empty.page.locator("#otlp-env").textContent()) ?? "", /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http:\/\/127\.0\.0\.1:<port>\/v1\/traces/);
  assert.match((await empty.page.locator("#empty").textContent()) ?? "", /status bar/);
  await empty.page.screenshot({ path: shotPath("traces-empty") });
  await finish(empty);

  const server = await open("server");
  assert.match((await server.page.locator("#empty").textContent()) ?? "", /restarting/);
  await server.page.screenshot({ path: shotPath("traces-server") });
  await finish(server);

  const banner = await open("server-rows");
  assert.ok(await banner.page.locator("#server-message").isVisible());
  assert.equal(await banner.page.locator(".tv-row").count(), 30);
  await banner.page.screenshot({ path: shotPath("traces-server-banner"), clip: { x: 0, y: 0, width: 360, height: 200 } });
  await finish(banner);
});

test("wide view: one 22 px line per trace", async () => {
  const o = await open("default", 900, 500);
  const { page } = o;
  const h = await page.evaluate("document.querySelector('.tv-row').getBoundingClientRect().height");
  assert.equal(h, 22);
  const step = await page.evaluate("document.querySelectorAll('.tv-row')[1].offsetTop - document.querySelectorAll('.tv-row')[0].offsetTop");
  assert.equal(step, 22);
  await page.screenshot({ path: shotPath("traces-wide") });
  await finish(o);
});

test("UI state survives a reload (selection, filter draft)", async () => {
  const o = await open();
  const { page } = o;
  const id = await rows(page).nth(3).getAttribute("data-id");
  await rows(page).nth(3).click();
  await page.locator("#filter").fill("trace.status = 'OK'");
  await page.waitForTimeout(300); // state saves are debounced
  await page.reload();
  await page.locator("#app[aria-busy=false]").waitFor();
  assert.equal(await page.locator(".tv-row.selected").getAttribute("data-id"), id);
  assert.equal(await page.locator("#filter").inputValue(), "trace.status = 'OK'");
  assert.equal(await page.locator("#filter-hint").textContent(), "Press Enter to apply");
  await finish(o);
});

test("without the CSP, hostile content still cannot run script", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 500 } });
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${harness.url}/traces.html?csp=0`);
  await page.locator("#app[aria-busy=false]").waitFor();
  await rows(page).nth(5).hover();
  await page.locator(".tv-row .assess").first().hover();
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator("#app img").count(), 0);
  await page.close();
});
