/**
 * The run-compare panel in real Chromium at 1400 px against a fake host (runCompareHarness.ts):
 * aggregate deltas coloured better/worse, the filter chips, hostile text rendered as text, the
 * open-trace / swap / threshold / pick-base requests, a 3,000-row comparison (virtualized), no
 * previous run, and different scorers. Screenshots go to test-output/webview/.
 *
 *   node scripts/build.mjs && node --import tsx --test test/webview-harness/runCompare.harness.test.ts
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { runCompareFixture, type RunCompareScenario } from "./runCompareFixtures";
import { launchChromium, shotPath, startRunCompareHarness, type Harness } from "./runCompareHarness";
import { HOSTILE } from "./tracesFixtures";

let harness: Harness;
let browser: Browser;

before(async () => {
  harness = await startRunCompareHarness();
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

async function open(scenario: RunCompareScenario = "default", height = 900): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height } });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${harness.url}/runCompare.html?scenario=${scenario}`);
  await page.locator("#app[aria-busy=false]").waitFor();
  return { page, dialogs, errors };
}

async function finish(o: Opened): Promise<void> {
  assert.deepEqual(await o.page.evaluate("window.__cspViolations"), [], "CSP violations");
  assert.deepEqual(o.errors, [], "page errors");
  assert.deepEqual(o.dialogs, [], "dialogs");
  await o.page.close();
}

const text = async (page: Page, sel: string): Promise<string> => (await page.locator(sel).first().textContent()) ?? "";

async function requests(page: Page, method: string): Promise<unknown[]> {
  const all = (await page.evaluate("window.__requests")) as Array<{ method?: string; params?: unknown }>;
  return all.filter((r) => r.method === method).map((r) => r.params);
}

/** The cells of one metric row of the deltas table: [metric, base, head, change]. */
async function metric(page: Page, assessment: string, name: string): Promise<{ cells: string[]; cls: string }> {
  const row = page.locator(`#deltas tr[data-assessment="${assessment}"][data-metric="${name}"]`);
  const cells = await row.locator("td").allTextContents();
  return { cells: cells.slice(0, 4), cls: (await row.locator("td.rc-delta").getAttribute("class")) ?? "" };
}

test("header and aggregate deltas: both runs, pass rates, aggregates and errors coloured better/worse", async () => {
  const o = await open();
  const { page } = o;
  const fx = runCompareFixture("default");
  const d = fx.snapshot.diff;
  assert.ok(d);
  assert.match(await text(page, "#card-base .rc-card-name"), /correctness, relevance, polite, tone/);
  assert.match(await text(page, "#card-base"), /run-mbase01-7a1c2e3f/);
  assert.match(await text(page, "#card-head"), /run-mhead02-0b9d4c11/);
  assert.match(await text(page, "#card-head"), /Completed.*last 100 traces/);
  assert.match(await text(page, "#notes"), /The code of correctness changed/);

  const correctness = d.assessments.find((a) => a.name === "correctness");
  assert.ok(correctness && correctness.passRateDelta !== null && correctness.passRateDelta < 0, "the fixture has a lower pass rate in head");
  const pr = await metric(page, "correctness", "pass rate");
  const pct = (s: { passCount: number; failCount: number }) => `${((s.passCount / (s.passCount + s.failCount)) * 100).toFixed(1).replace(/\.0$/, "")}% (${s.passCount}/${s.passCount + s.failCount})`;
  assert.deepEqual(pr.cells.slice(1, 3), [pct(correctness.base), pct(correctness.head)]);
  assert.equal(pr.cells[3], `−${(Math.round(-correctness.passRateDelta * 1000) / 10).toFixed(1).replace(/\.0$/, "")} pp`);
  assert.match(pr.cls, /v-worse/);
  const errors = await metric(page, "relevance", "errors");
  assert.deepEqual(errors.cells, ["errors", "1", "0", "−1"]);
  assert.match(errors.cls, /v-better/, "fewer errors is better");
  assert.match((await metric(page, "polite", "errors")).cls, /v-worse/);
  assert.match((await metric(page, "relevance", "variance")).cls, /v-changed/, "variance has no better direction");
  const mean = d.aggregates.find((a) => a.name === "relevance/mean");
  assert.equal((await metric(page, "relevance", "mean")).cells[3], `${(mean?.delta ?? 0) > 0 ? "+" : "−"}${Math.abs(mean?.delta ?? 0).toFixed(3).replace(/0+$/, "")}`);
  assert.match(await text(page, '#deltas tr[data-assessment="relevance"] .rc-changes'), /\d+ lower.*\d+ higher.*1 error fixed/);
  assert.equal(await text(page, "#stats"), `${d.rows.matched} matched · ${d.rows.changed} changed · 2 only in base · 5 only in head`);
  assert.equal(d.rows.matched, 56);
  await page.screenshot({ path: shotPath("runCompare") });
  await finish(o);
});

test("filter chips: regressions, improvements, changed, all; regressions come first", async () => {
  const o = await open();
  const { page } = o;
  const d = runCompareFixture("default").snapshot.diff;
  assert.ok(d);
  const regressions = d.flipped.filter((r) => r.regressions > 0).length;
  const improvements = d.flipped.filter((r) => r.improvements > 0).length;
  assert.ok(regressions > 0 && improvements > 0);
  assert.equal(await text(page, "#filter-all .rc-filter-count"), String(d.flipped.length));
  assert.equal(await page.locator(".rc-row").count(), d.flipped.length);
  const dirs = await page.locator(".rc-row").evaluateAll((els) => els.map((e) => e.className.match(/d-(\w+)/)?.[1]));
  assert.deepEqual(dirs.slice(0, regressions), Array(regressions).fill("worse"), "regressions first");

  await page.locator("#filter-regressions").click();
  assert.equal(await page.locator("#filter-regressions").getAttribute("aria-pressed"), "true");
  assert.equal(await page.locator(".rc-row").count(), regressions);
  assert.equal(await page.locator(".rc-row:not(.d-worse)").count(), 0);
  assert.equal(await page.locator(".rc-row").first().locator(".rc-chip.d-worse").count() > 0, true);
  await page.screenshot({ path: shotPath("runCompare-regressions") });

  await page.locator("#filter-improvements").click();
  assert.equal(await page.locator(".rc-row").count(), improvements);
  for (const row of await page.locator(".rc-row").all()) assert.ok((await row.locator(".rc-chip.d-better").count()) > 0);
  assert.match(await text(page, ".rc-row .rc-chip.d-better"), /✗ fail → ✓ pass|error → |→ \d/);

  await page.locator("#filter-changed").click();
  for (const row of await page.locator(".rc-row").all()) assert.ok((await row.locator(".rc-chip.d-changed").count()) > 0);
  assert.match(await text(page, ".rc-row .rc-chip.d-changed"), /tone/);
  await page.locator("#filter-all").click();
  assert.equal(await page.locator(".rc-row").count(), d.flipped.length);
  await finish(o);
});

test("hostile trace names and rationales are rendered as text", async () => {
  const o = await open();
  const { page } = o;
  const row = page.locator(".rc-row", { hasText: HOSTILE.name });
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator(".rc-row-name").textContent(), HOSTILE.name);
  await row.click();
  assert.equal(await text(page, ".rc-detail-name"), HOSTILE.name);
  const head = page.locator('#sides .rc-side.head').first();
  assert.ok(((await head.textContent()) ?? "").includes(HOSTILE.preview), "the rationale's markup is shown verbatim");
  assert.equal(await page.locator("#app img, #app script, #app b").count(), 0);
  await finish(o);
});

test("open trace: the button and Enter ask the host to open the selected row's trace", async () => {
  const o = await open();
  const { page } = o;
  const d = runCompareFixture("default").snapshot.diff;
  const second = d?.flipped[1];
  assert.ok(second?.headTraceId);
  await page.locator(".rc-row").nth(1).click();
  assert.match(await text(page, ".rc-detail-ids"), new RegExp(second.headTraceId));
  assert.match(await text(page, "#sides"), /BASE.*HEAD/);
  await page.locator("#open-trace").click();
  await page.locator("#rows").focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForTimeout(60);
  assert.deepEqual(await requests(page, "runCompare/openTrace"), [{ traceId: second.headTraceId }, { traceId: d?.flipped[2]?.headTraceId }]);
  await page.locator("#open-run-base").click();
  await page.waitForTimeout(40);
  assert.deepEqual(await requests(page, "runCompare/openRun"), [{ runId: d?.base.runId }]);
  await finish(o);
});

test("threshold and swap recompute through the host", async () => {
  const o = await open();
  const { page } = o;
  const fx = runCompareFixture("default");
  await page.locator("#threshold").fill("0.5");
  await page.locator("#threshold").press("Enter");
  await page.locator("#filter-all .rc-filter-count", { hasText: new RegExp(`^${fx.byThreshold["0.5"]?.diff?.flipped.length}$`) }).waitFor();
  assert.deepEqual(await requests(page, "runCompare/setThreshold"), [{ threshold: 0.5 }]);
  assert.ok((fx.byThreshold["0.5"]?.diff?.flipped.length ?? 99) < (fx.snapshot.diff?.flipped.length ?? 0), "fewer rows with a larger threshold");
  await page.locator("#swap").click();
  await page.locator("#card-base", { hasText: "run-mhead02" }).waitFor();
  assert.match(await text(page, "#card-head"), /run-mbase01/);
  assert.match(await text(page, "#stats"), /2 only in head/);
  await finish(o);
});

test("no previous run: the host's message and a button to pick a base run", async () => {
  const o = await open("none", 420);
  const { page } = o;
  assert.match(await text(page, "#message"), /no earlier completed run of correctness/);
  assert.ok(await page.locator("#deltas").count() === 0 && (await page.locator("#rows").isHidden()));
  assert.ok(await page.locator("#swap").isDisabled());
  assert.match(await text(page, "#card-head"), /Not available.*run-mhead02-0b9d4c11/);
  assert.match(await text(page, "#card-base"), /Not chosen/);
  await page.locator("#pick-base-msg").click();
  await page.waitForTimeout(40);
  assert.equal((await requests(page, "runCompare/pickBase")).length, 1);
  await page.screenshot({ path: shotPath("runCompare-none") });
  await finish(o);
});

test("different scorers: a warning, and the extra assessment shows as only in head", async () => {
  const o = await open("mismatch", 500);
  const { page } = o;
  assert.match(await text(page, ".rc-banner.warn"), /different scorers \(only in head: groundedness\)/);
  await finish(o);
});

test("3,000 rows: only the rows in view are in the DOM; End selects the last one", async () => {
  const o = await open("big");
  const { page } = o;
  const d = runCompareFixture("big").snapshot.diff;
  assert.ok(d && d.flipped.length > 500, `${d?.flipped.length} flipped rows`);
  const rendered = await page.locator(".rc-row").count();
  assert.ok(rendered < 120, `${rendered} rows in the DOM`);
  const polite = d.assessments.find((a) => a.name === "polite");
  assert.ok(polite && polite.passRateDelta !== null && polite.passRateDelta !== 0 && Math.abs(polite.passRateDelta) < 0.0005);
  assert.deepEqual(await metric(page, "polite", "pass rate").then((m) => [m.cells[3], /v-same/.test(m.cls)]), ["±0 pp", true], "a change that rounds to zero is not coloured");
  await page.locator("#rows").focus();
  await page.keyboard.press("End");
  await page.waitForTimeout(80);
  const last = d.flipped[d.flipped.length - 1];
  assert.equal(await page.locator(".rc-row.selected").getAttribute("data-key"), last?.key);
  assert.equal(await page.locator(".rc-row.selected").isVisible(), true);
  await page.screenshot({ path: shotPath("runCompare-big") });
  await finish(o);
});
