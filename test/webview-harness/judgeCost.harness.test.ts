/**
 * LLM judge cost and judge traces in the real panels (Chromium, fake hosts, the panels' CSP):
 * - results panel: the header totals the run's judge calls, tokens, cost and models; each row's
 *   judge assessment shows its call (model, tokens, cost) and an "Open judge trace" button that
 *   asks the host to open that trace (`judge/openTrace`), a failed-but-traced call too;
 * - trace panel: the Assessments tab does the same for a judge's assessment; a hostile model name
 *   and trace id stay text and give no button;
 * - Traces view: a judge's own traces carry a "judge" badge.
 * Screenshots go to test-output/webview-harness/judge-*.png.
 *
 *   node scripts/build.mjs && node --import tsx --test test/webview-harness/judgeCost.harness.test.ts
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { HOSTILE, judgeRows, judgeTraceId } from "./resultsFixtures";
import { startResultsHarness, type ResultsHarness } from "./resultsHarness";
import { FIXTURES, JUDGE_CALL, PAYLOADS, startHarnessServer, type HarnessServer } from "./traceHarness";
import { HOSTILE as TRACES_HOSTILE } from "./tracesFixtures";
import { launchChromium, shotPath, startHarness, type Harness } from "./tracesHarness";

let results: ResultsHarness;
let traces: Harness;
let tracePanel: HarnessServer;
let browser: Browser;

before(async () => {
  results = await startResultsHarness();
  traces = await startHarness();
  tracePanel = await startHarnessServer(FIXTURES);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await results?.close();
  await traces?.close();
  await tracePanel?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  dialogs: string[];
}

async function open(url: string, width = 1400, height = 900): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  return { page, errors, dialogs };
}

type Recorded = Array<{ type?: string; method?: string; params?: unknown }>;

/** Polls until the page recorded a `method` request; its params. */
async function requested(page: Page, method: string): Promise<unknown> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const all = (await page.evaluate("window.__requests")) as Recorded;
    const hit = all.filter((r) => r.method === method).pop();
    if (hit) return hit.params;
    if (Date.now() > deadline) throw new Error(`no ${method} request; got ${all.map((r) => r.method ?? r.type).join(", ")}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function finish(o: Opened): Promise<void> {
  const csp = ((await o.page.evaluate("window.__cspViolations")) as string[]).filter((v) => !/^script-src(-elem)? eval/.test(v));
  assert.deepEqual(csp, [], "CSP violations");
  assert.deepEqual(o.errors, [], "page errors");
  assert.deepEqual(o.dialogs, [], "dialogs");
  assert.equal(await o.page.locator("#app img, #app script, #app b").count(), 0, "no elements from hostile text");
  await o.page.close();
}

test("results panel: the header totals the judge calls; a row's judge assessment opens its judge trace", async () => {
  const o = await open(`${results.url}/results.html?scenario=judge`);
  const { page } = o;
  await page.locator("#app[aria-busy=false]").waitFor();
  // 4 calls with usage (one failed after 4 attempts: a call, no tokens), the models in order of use
  const rows = judgeRows();
  const input = [0, 1, 2, 4].reduce((n, i) => n + 800 + i * 10, 0);
  const output = [0, 1, 2, 4].reduce((n, i) => n + 90 + i, 0);
  const cost = [0, 1, 2, 4].reduce((n, i) => n + Number((((800 + i * 10) * 0.15 + (90 + i) * 0.6) / 1e6).toFixed(8)), 0);
  assert.equal(rows.length, 5);
  assert.equal(
    await page.locator("#judge-usage").textContent(),
    `Judge: 5 calls · ${input.toLocaleString("en-US")} in / ${output.toLocaleString("en-US")} out tokens · $${cost.toFixed(4)} · gpt-4o-mini, ${HOSTILE.traceName}`,
  );

  // the first row is selected: its judge call, and the button
  const button = page.locator("#detail button[data-judge-trace]");
  await button.waitFor();
  assert.equal(await button.textContent(), "Open judge trace");
  assert.equal(await button.getAttribute("data-judge-trace"), judgeTraceId(0));
  assert.match((await page.locator("#detail .judge-call").textContent()) ?? "", /gpt-4o-mini · 800 in \/ 90 out tokens · \$0\.000174/);
  await page.screenshot({ path: shotPath("judge-results") });
  await button.click();
  assert.deepEqual(await requested(page, "judge/openTrace"), { traceId: judgeTraceId(0) });

  // the failed call (row 3) was traced too: its trace can be opened, it has no tokens
  await page.locator(`.rs-row[data-index="3"]`).click();
  await page.locator(`#detail button[data-judge-trace="${judgeTraceId(3)}"]`).click();
  assert.deepEqual(await requested(page, "judge/openTrace"), { traceId: judgeTraceId(3) });
  assert.doesNotMatch((await page.locator("#detail .judge-call").textContent()) ?? "", /tokens/);
  // the hostile model name (row 4) is text
  await page.locator(`.rs-row[data-index="4"]`).click();
  await page.locator(`#detail button[data-judge-trace="${judgeTraceId(4)}"]`).waitFor();
  assert.match((await page.locator("#detail .judge-call").textContent()) ?? "", /<img src=x onerror=alert\(3\)>/);
  await finish(o);
});

test("results panel: a run without judge calls has no judge line", async () => {
  const o = await open(`${results.url}/results.html?scenario=default`);
  await o.page.locator("#app[aria-busy=false]").waitFor();
  await o.page.locator("#scored").waitFor();
  assert.equal(await o.page.locator("#judge-usage").count(), 0);
  assert.equal(await o.page.locator("button[data-judge-trace]").count(), 0);
  await finish(o);
});

test("trace panel: the Assessments tab shows a judge assessment's call and opens its trace; hostile metadata stays text", async () => {
  const o = await open(tracePanel.url("judged"), 1440, 900);
  const { page } = o;
  await page.locator(".tl-row").nth(11).waitFor();
  await page.locator(".tl-row").first().click();
  await page.locator(".tabs [role=tab]", { hasText: /Assessments/ }).click();
  const card = page.locator(".assessment", { hasText: "correctness" });
  const button = card.locator("button[data-judge-trace]");
  await button.waitFor();
  assert.equal(await button.textContent(), "Open judge trace");
  assert.equal(await button.evaluate((b) => b.tagName), "BUTTON");
  assert.match((await card.locator(".judge-call").textContent()) ?? "", /gpt-4o-mini · 1,812 in \/ 96 out tokens · \$0\.000329/);
  await page.screenshot({ path: shotPath("judge-trace-assessments") });
  await button.click();
  assert.deepEqual(await requested(page, "judge/openTrace"), { traceId: JUDGE_CALL.traceId });

  // a hostile model name and a trace id that is not one: text, and no button
  const hostile = page.locator(".assessment", { hasText: "relevance" });
  assert.equal(await hostile.locator("button[data-judge-trace]").count(), 0);
  assert.ok(((await hostile.locator(".judge-call").textContent()) ?? "").includes(PAYLOADS.XSS_IMG));
  await finish(o);
});

test("Traces view: a judge's own traces carry a 'judge' badge; app traces don't", async () => {
  const o = await open(`${traces.url}/traces.html?scenario=judge`, 360, 720);
  const { page } = o;
  await page.locator("#app[aria-busy=false]").waitFor();
  await page.locator(".tv-row").nth(7).waitFor();
  const sourceOf = async (i: number): Promise<string | null> => {
    const badge = page.locator(".tv-row").nth(i).locator(".tv-source");
    return (await badge.count()) > 0 ? await badge.textContent() : null;
  };
  assert.equal(await sourceOf(0), "judge");
  assert.equal(await sourceOf(1), "judge", "beside its assessment badges");
  assert.equal(await page.locator(".tv-row").nth(1).locator(".assess-name", { hasText: "correctness" }).count(), 1);
  assert.equal(await sourceOf(2), null);
  assert.equal(await sourceOf(3), TRACES_HOSTILE.badge, "a hostile source value is text");
  await page.screenshot({ path: shotPath("judge-traces-badge") });
  await finish(o);
});
