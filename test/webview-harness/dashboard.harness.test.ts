/**
 * The monitoring dashboard in real Chromium (UTC, 1400 px) against a fake host
 * (dashboardHarness.ts): series drawn as SVG paths broken at empty buckets, the hover tooltip,
 * drill-down with the bucket's range, the range picker and bucket requests, the header (states,
 * backfill progress and Cancel), empty states, hostile names as text, dark and light themes.
 * Screenshots go to test-output/webview/dashboard*.png.
 *
 *   node scripts/build.mjs && node --import tsx --test test/webview-harness/dashboard.harness.test.ts
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { dashboardFixture, GAP_BUCKETS, NULL_VALUE_BUCKET, type DashboardScenario } from "./dashboardFixtures";
import { launchChromium, shotPath, startDashboardHarness, type Harness } from "./dashboardHarness";
import { HOSTILE } from "./tracesFixtures";

let harness: Harness;
let browser: Browser;

before(async () => {
  harness = await startDashboardHarness();
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

async function open(scenario: DashboardScenario = "default", theme: "dark" | "light" = "dark", width = 1400): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width, height: 1000 }, timezoneId: "UTC" });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${harness.url}/dashboard.html?scenario=${scenario}&theme=${theme}`);
  await page.locator("#app[aria-busy=false]").waitFor();
  return { page, dialogs, errors };
}

async function finish(o: Opened): Promise<void> {
  assert.deepEqual(await o.page.evaluate("window.__cspViolations"), [], "CSP violations");
  assert.deepEqual(o.errors, [], "page errors");
  assert.deepEqual(o.dialogs, [], "dialogs");
  assert.equal(await o.page.locator("img, script:not([nonce])").count(), 0, "no element injected from data");
  await o.page.context().close();
}

async function requests(page: Page, method: string): Promise<unknown[]> {
  const all = (await page.evaluate("window.__requests")) as Array<{ method?: string; params?: unknown }>;
  return all.filter((r) => r.method === method).map((r) => r.params);
}

const card = (scorer: string) => `.dl-card[data-scorer="${scorer}"]`;

/** Point counts of each path / dot of one metric in one chart. */
async function pathPoints(page: Page, scorer: string, kind: string, metric: string): Promise<{ paths: number[]; dots: number; commands: number }> {
  const g = page.locator(`${card(scorer)} .dl-plot[data-kind="${kind}"] g[data-metric="${metric}"]`);
  const paths = await g.locator("path.dl-line").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-points"))));
  const commands = await g.locator("path.dl-line").evaluateAll((els) => els.reduce((n, e) => n + ((e.getAttribute("d") ?? "").match(/[ML]/g)?.length ?? 0), 0));
  return { paths, dots: await g.locator("circle.dl-dot").count(), commands };
}

/** Hovers the middle of slot `i` of a chart; returns the tooltip's lines. */
async function hoverSlot(page: Page, scorer: string, kind: string, i: number): Promise<string[]> {
  const svg = page.locator(`${card(scorer)} .dl-plot[data-kind="${kind}"] svg`);
  const box = await svg.boundingBox();
  assert.ok(box);
  const n = Number(await page.locator(card(scorer)).getAttribute("data-slots"));
  const left = 46;
  const plotW = box.width - 46 - 12;
  await page.mouse.move(box.x + left + ((i + 0.5) / n) * plotW, box.y + 60);
  await page.locator("#tip:not([hidden])").waitFor();
  return page.locator("#tip > div").allTextContents();
}

test("series are SVG paths with one vertex per bucket that has a value, broken at gaps", async () => {
  const o = await open();
  const { page } = o;
  const fx = dashboardFixture("default");
  const sr = fx.snapshot.series[0];
  assert.ok(sr);
  assert.equal(await page.locator(".dl-card").count(), 3);
  assert.equal(await page.locator(card("correctness")).getAttribute("data-slots"), "24", "24 hourly buckets");
  const withValue = sr.points.filter((p) => p.value !== null).length;
  assert.equal(withValue, 24 - GAP_BUCKETS.length - 1);
  const value = await pathPoints(page, "correctness", "value", "value");
  // buckets 0–4, 8–11, 13–23: the gap (5–7) and the bucket without a value (12) split the line
  assert.deepEqual(value.paths, [5, 4, 11]);
  assert.equal(value.commands, withValue);
  assert.equal(value.dots, 0);
  const errors = await pathPoints(page, "correctness", "rates", "error");
  assert.deepEqual(errors.paths, [5, 16], "the error rate has a value in bucket 12, so only the missing buckets break it");
  const bars = await page.locator(`${card("correctness")} .dl-plot[data-kind="coverage"] rect.dl-bar.scored`).count();
  assert.equal(bars, sr.points.length);
  const numeric = await pathPoints(page, "politeness", "rates", "pass");
  assert.deepEqual(numeric.paths, [], "a numeric assessment has no pass rate");
  // axes: labelled ticks on both axes
  const yLabels = await page.locator(`${card("correctness")} .dl-plot[data-kind="rates"] .dl-axis-y text`).allTextContents();
  assert.deepEqual(yLabels, ["0%", "25%", "50%", "75%", "100%"]);
  const xLabels = await page.locator(`${card("correctness")} .dl-plot[data-kind="value"] .dl-axis-x text`).allTextContents();
  assert.ok(xLabels.includes("May 12") && xLabels.includes("12:00"), xLabels.join(","));
  const politeY = await page.locator(`${card("politeness")} .dl-plot[data-kind="value"] .dl-axis-y text`).allTextContents();
  assert.ok(politeY.length >= 3 && politeY.every((t) => /^\d(\.\d+)?$/.test(t)), politeY.join(","));
  await page.screenshot({ path: shotPath("dashboard"), fullPage: true });
  await finish(o);
});

test("hover shows the bucket's numbers; an empty bucket says so", async () => {
  const o = await open();
  const { page } = o;
  const sr = dashboardFixture("default").snapshot.series[0];
  assert.ok(sr);
  const slot9 = sr.points.find((p) => p.t === sr.points[0]!.t + 9 * 3_600_000);
  assert.ok(slot9 && slot9.value !== null);
  const lines = await hoverSlot(page, "correctness", "value", 9);
  const d = new Date(slot9.t);
  const hh = (x: number) => String(x).padStart(2, "0");
  assert.equal(lines[0], `Tue May 12 ${hh(d.getUTCHours())}:00–${hh(d.getUTCHours() + 1)}:00`);
  assert.equal(lines[1], `mean value ${Number(slot9.value.toFixed(3))}`);
  assert.match(lines[2] ?? "", /^pass rate \d+(\.\d)?% · error rate \d+(\.\d)?%$/);
  assert.equal(lines[3], `scored ${slot9.scored} of ${slot9.eligible} eligible (${Math.round((slot9.scored / slot9.eligible) * 100)}%)`);
  assert.equal(lines[4], "Click to list these traces");
  assert.equal(await page.locator(`${card("correctness")} .dl-guide[visibility="visible"]`).count(), 3, "one guide across the three charts");
  await page.screenshot({ path: shotPath("dashboard-tooltip"), clip: { x: 0, y: 200, width: 1400, height: 300 } });
  const gap = await hoverSlot(page, "correctness", "rates", GAP_BUCKETS[1] as number);
  assert.equal(gap[1], "no assessments in this bucket");
  const nul = await hoverSlot(page, "correctness", "value", NULL_VALUE_BUCKET);
  assert.equal(nul[1], "mean value —");
  await finish(o);
});

test("clicking a bucket asks for its traces with the bucket's range; Enter from the keyboard too", async () => {
  const o = await open();
  const { page } = o;
  const sr = dashboardFixture("default").snapshot.series[0];
  assert.ok(sr);
  const t0 = sr.points[0]!.t;
  await hoverSlot(page, "correctness", "rates", 9);
  await page.mouse.down();
  await page.mouse.up();
  await page.locator("#status").getByText(/41 traces in Tue May 12/).waitFor();
  assert.deepEqual(await requests(page, "dashboard/drill"), [{ scorer: "correctness", assessment: "correctness", fromMs: t0 + 9 * 3_600_000, toMs: t0 + 10 * 3_600_000 }]);
  // a gap does not drill
  await hoverSlot(page, "correctness", "value", GAP_BUCKETS[0] as number);
  await page.mouse.down();
  await page.mouse.up();
  await page.locator(`${card("politeness")} .dl-plot[data-kind="value"]`).focus();
  await page.keyboard.press("End");
  assert.match((await page.locator("#tip > div").first().textContent()) ?? "", /^Tue May 12 15:00–16:00$/);
  await page.keyboard.press("Enter");
  await page.waitForFunction("window.__requests.filter(r => r.method === 'dashboard/drill').length === 2");
  const drills = (await requests(page, "dashboard/drill")) as Array<{ scorer: string; fromMs: number }>;
  assert.equal(drills[1]?.scorer, "politeness");
  assert.equal(drills[1]?.fromMs, t0 + 23 * 3_600_000);
  await finish(o);
});

test("range picker and bucket: requests, 168 hourly buckets over a week, custom dates", async () => {
  const o = await open();
  const { page } = o;
  await page.locator("#preset-7d").click();
  await page.locator(`${card("correctness")}[data-slots="168"]`).waitFor();
  assert.deepEqual(await requests(page, "dashboard/setRange"), [{ preset: "7d", bucket: "hour" }]);
  assert.equal(await page.locator("#preset-7d").getAttribute("aria-pressed"), "true");
  const value = await pathPoints(page, "correctness", "value", "value");
  assert.equal(value.commands, 168 - 4, "every bucket but the three missing ones and the one without a value");
  await page.mouse.move(0, 0);
  await page.screenshot({ path: shotPath("dashboard-week"), fullPage: true });
  await page.locator("#bucket").selectOption("day");
  await page.waitForFunction("window.__requests.filter(r => r.method === 'dashboard/setRange').length === 2");
  assert.deepEqual((await requests(page, "dashboard/setRange"))[1], { preset: "7d", bucket: "day" });
  await page.locator("#preset-custom").click();
  await page.locator("#range-from").fill("2026-05-01");
  await page.locator("#range-to").fill("2026-05-10");
  await page.locator("#range-apply").click();
  await page.waitForFunction("window.__requests.filter(r => r.method === 'dashboard/setRange').length === 3");
  assert.deepEqual((await requests(page, "dashboard/setRange"))[2], { preset: "custom", bucket: "day", fromMs: Date.UTC(2026, 4, 1), toMs: Date.UTC(2026, 4, 11) });
  await page.locator("#empty").getByText(/No assessments from registered scorers in Fri May 1 – Sun May 10/).waitFor();
  await finish(o);
});

test("the last 5 minutes in 15-second buckets: seconds in labels and tooltips, drill-down with the bucket's 15 s", async () => {
  const o = await open();
  const { page } = o;
  await page.locator("#preset-5m").click();
  await page.locator(`${card("correctness")}[data-slots="20"]`).waitFor();
  assert.deepEqual(await requests(page, "dashboard/setRange"), [{ preset: "5m", bucket: "15s" }]);
  assert.equal(await page.locator("#bucket").inputValue(), "15s");
  const sr = dashboardFixture("default").byPreset["5m"]?.series[0];
  assert.ok(sr);
  const t0 = sr.points[0]!.t;
  assert.equal(t0 % 15_000, 0, "15-second buckets start at :00, :15, :30, :45");
  // buckets 0–4, 8–11, 13–19 have a value: lines of 5, 4 and 7 points
  assert.deepEqual((await pathPoints(page, "correctness", "value", "value")).paths, [5, 4, 7]);
  const xLabels = await page.locator(`${card("correctness")} .dl-plot[data-kind="value"] .dl-axis-x text`).allTextContents();
  assert.ok(xLabels.length >= 2 && xLabels.every((l) => /^\d\d:\d\d(:\d\d)?$/.test(l)), xLabels.join(","));
  const lines = await hoverSlot(page, "correctness", "value", 9);
  const hms = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  assert.equal(lines[0], `Tue May 12 ${hms(t0 + 9 * 15_000)}–${hms(t0 + 10 * 15_000)}`);
  await page.mouse.down();
  await page.mouse.up();
  await page.locator("#status").getByText(/41 traces in Tue May 12 \d\d:\d\d:\d\d–/).waitFor();
  assert.deepEqual(await requests(page, "dashboard/drill"), [{ scorer: "correctness", assessment: "correctness", fromMs: t0 + 9 * 15_000, toMs: t0 + 10 * 15_000 }]);
  await page.screenshot({ path: shotPath("dashboard-5min"), fullPage: true });
  // over 30 days, 15-second and minute buckets would be too many: those sizes are disabled
  await page.locator("#preset-30d").click();
  await page.locator(`${card("correctness")}[data-slots="30"]`).waitFor();
  const disabled = await page.locator("#bucket option").evaluateAll((els) => els.map((e) => [e.getAttribute("value"), e.hasAttribute("disabled")]));
  assert.deepEqual(disabled, [
    ["15s", true],
    ["minute", true],
    ["hour", false],
    ["day", false],
  ]);
  await finish(o);
});

test("header: scorer states, backlog, lag, backfill progress and Cancel", async () => {
  const o = await open();
  const { page } = o;
  const row = (name: string) => page.locator(`#scorers tr[data-scorer="${name}"] td`);
  assert.deepEqual((await row("correctness").allTextContents()).slice(0, 5), ["correctness v3", "active 50%", "12", "4,812", "trace.name = 'rag.answer_question'"]);
  assert.deepEqual((await row("politeness").allTextContents()).slice(1, 2), ["stopped"]);
  assert.match((await row("politeness").last().textContent()) ?? "", /TypeError: Cannot read/);
  assert.equal(await page.locator("#lag").textContent(), "lag p50 1.24 s · p95 4.87 s");
  const bar = page.locator('.dl-job[data-job="bf-7c1a"] [role=progressbar]');
  assert.equal(await bar.getAttribute("aria-valuenow"), "1234");
  assert.equal(await bar.getAttribute("aria-valuemax"), "5000");
  const fillWidth = (await page.evaluate(
    `(() => { const f = document.querySelector('.dl-job[data-job="bf-7c1a"] .dl-progress-fill'); return f.getBoundingClientRect().width / f.parentElement.getBoundingClientRect().width; })()`,
  )) as number;
  assert.ok(Math.abs(fillWidth - 1234 / 5000) < 0.01, String(fillWidth));
  assert.match((await page.locator('.dl-job[data-job="bf-7c1a"]').textContent()) ?? "", /1,234 \/ 5,000 · 4 errors/);
  assert.equal(await page.locator('.dl-job[data-job="bf-55e0"] .dl-cancel').count(), 0, "a finished job has no Cancel");
  // a snapshot with the same range and series (backlog/job updates) keeps the charts as they are
  await page.evaluate("window.__firstCard = document.querySelector('.dl-card')");
  await page.locator("#refresh").click();
  await page.waitForFunction("window.__requests.some(r => r.method === 'dashboard/refresh')");
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate("document.querySelector('.dl-card') === window.__firstCard"), true, "charts not redrawn");
  await page.locator('.dl-job[data-job="bf-7c1a"] .dl-cancel').click();
  await page.waitForFunction("window.__requests.some(r => r.method === 'dashboard/cancelBackfill')");
  assert.deepEqual(await requests(page, "dashboard/cancelBackfill"), [{ jobId: "bf-7c1a" }]);
  await finish(o);
});

test("hostile scorer and assessment names are rendered as text", async () => {
  const o = await open();
  const { page } = o;
  const hostile = page.locator(".dl-card").nth(2);
  assert.equal(await hostile.locator(".dl-card-scorer").textContent(), HOSTILE.name);
  assert.equal(await hostile.locator(".dl-card-assessment").textContent(), ` · ${HOSTILE.badge}`);
  assert.equal(await page.locator(`#scorers tr:nth-child(3) .dl-sc-name`).textContent(), `${HOSTILE.name} v2`);
  assert.equal(await page.locator(".dl-card b, .dl-header b").count(), 0);
  assert.match((await hostile.locator(".dl-plot[data-kind=value] svg").getAttribute("aria-label")) ?? "", /<img src=x/);
  await finish(o);
});

test("empty states: no registered scorers, and scorers without assessments in range", async () => {
  const a = await open("empty");
  assert.match((await a.page.locator("#empty").textContent()) ?? "", /No registered scorers yet/);
  assert.equal(await a.page.locator(".dl-card").count(), 0);
  assert.equal(await a.page.locator("#lag").textContent(), "lag no recent assessments");
  await a.page.screenshot({ path: shotPath("dashboard-empty") });
  await finish(a);
  const b = await open("nodata");
  assert.match((await b.page.locator("#empty").textContent()) ?? "", /No assessments from registered scorers in .*Start a scorer or run a backfill/);
  assert.equal(await b.page.locator("#scorers tbody tr").count(), 3);
  await finish(b);
});

test("light and dark themes use the theme's chart colours", async () => {
  const stroke = (p: Page) => p.evaluate(`getComputedStyle(document.querySelector('${card("correctness")} .dl-plot[data-kind="value"] path.dl-line')).stroke`);
  const dark = await open("default", "dark");
  assert.equal(await stroke(dark.page), "rgb(55, 148, 255)");
  await finish(dark);
  const light = await open("week", "light");
  assert.equal(await stroke(light.page), "rgb(26, 133, 255)");
  assert.equal(await light.page.evaluate("getComputedStyle(document.body).backgroundColor"), "rgb(255, 255, 255)");
  await hoverSlot(light.page, "correctness", "value", 80);
  await light.page.screenshot({ path: shotPath("dashboard-light"), fullPage: true });
  await finish(light);
  const narrow = await open("default", "dark", 760);
  assert.equal(await narrow.page.evaluate("document.documentElement.scrollWidth <= 760"), true, "no horizontal overflow at 760 px");
  await narrow.page.screenshot({ path: shotPath("dashboard-narrow"), fullPage: true });
  await finish(narrow);
});
