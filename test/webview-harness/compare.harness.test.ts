/**
 * The compare panel in real Chromium at 1400 px, against a fake host (tracesHarness.ts):
 * trace header with deltas, aligned rows with gaps, the selected row's input/output diff,
 * keyboard navigation between differences, a 2,500-span pair (virtualized), a missing trace,
 * and hostile content. Screenshots go to test-output/webview-harness/.
 *
 *   node scripts/build.mjs && node --import tsx --test test/webview-harness/compare.harness.test.ts
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { compareFixture } from "./compareFixtures";
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

async function open(scenario = "default", height = 900): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height } });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${harness.url}/compare.html?scenario=${scenario}`);
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

/** [left name, right name] per rendered row, "" for a gap. */
async function pairs(page: Page): Promise<Array<[string, string]>> {
  return (await page.evaluate(
    `[...document.querySelectorAll('.cmp-row')].map((r) => [r.querySelector('.cmp-a .cmp-span-name')?.textContent ?? '', r.querySelector('.cmp-b .cmp-span-name')?.textContent ?? ''])`,
  )) as Array<[string, string]>;
}

test("header: both traces with deltas coloured better/worse", async () => {
  const o = await open();
  const { page } = o;
  assert.match(await text(page, ".card-a .cmp-card-name"), /support_agent\.run/);
  assert.equal(await text(page, "#metrics .m-duration td:nth-child(2)"), "4.21 s");
  assert.equal(await text(page, "#metrics .m-duration td:nth-child(3)"), "6.88 s");
  assert.equal(await text(page, "#metrics .m-duration td:nth-child(4)"), "+2.67 s (+63%)");
  assert.equal(await page.locator("#metrics .m-duration td.v-worse").count(), 1);
  assert.equal(await page.locator("#metrics .m-errors td.v-worse").count(), 1);
  assert.equal(await page.locator("#metrics .m-cost td.v-worse").count(), 1);
  assert.match(await text(page, "#stats"), /11 aligned.*4 with changed I\/O or status.*1 only in A.*3 only in B/);
  await finish(o);
});

test("rows: spans aligned in tree order, gaps where a span exists on one side only", async () => {
  const o = await open();
  const { page } = o;
  const p = await pairs(page);
  assert.deepEqual(p.slice(0, 6), [
    ["support_agent.run", "support_agent.run"],
    ["classify_intent", "classify_intent"],
    ["retrieve_docs", "retrieve_docs"],
    ["embed_query", "embed_query"],
    ["rerank", ""],
    ["plan", "plan"],
  ]);
  assert.ok(p.some(([l, r]) => l === "" && r === HOSTILE.name), "hostile span name shown as text, only in B");
  assert.equal(await page.locator("#app img").count(), 0);
  // the first difference (the root: output and latency changed) is selected at start
  assert.equal(await page.locator(".cmp-row.selected .cmp-a .cmp-span-name").textContent(), "support_agent.run");
  assert.equal(await page.locator("#diff-outputs .chip-changed").count(), 1);
  assert.equal(await page.locator("#diff-inputs .chip-same").count(), 1);
  await page.screenshot({ path: shotPath("compare-default") });
  await finish(o);
});

test("selecting a row shows both spans' inputs/outputs with changed lines marked", async () => {
  const o = await open();
  const { page } = o;
  await page.locator(".cmp-row", { hasText: "OK→ERROR" }).click();
  assert.match(await text(page, ".cmp-detail"), /lookup_account timed out after 3000 ms/);
  assert.equal(await page.locator("#diff-outputs .chip-only-left").count(), 1);
  assert.ok((await page.locator("#diff-outputs .tx.b.empty").count()) > 0, "B has no outputs: hatched");
  // the final answer: one changed line and one added line
  await page.locator(".cmp-row", { hasText: "ChatOpenAI" }).last().click();
  assert.equal(await page.locator("#diff-outputs .tx.a.changed").count(), 1);
  assert.equal(await page.locator("#diff-outputs .tx.b.added").count(), 1);
  assert.match(await text(page, "#diff-outputs .tx.b.changed"), /6-digit code/);
  await page.screenshot({ path: shotPath("compare-row-selected") });
  // the hostile span: its inputs are text
  await page.locator(".cmp-row", { hasText: "onerror" }).click();
  assert.ok((await text(page, "#diff-inputs")).includes(HOSTILE.preview.slice(0, 20)));
  assert.equal(await page.locator("#app img, #app script").count(), 0);
  await finish(o);
});

test("keyboard: n / F7 jump between differences, arrows move; 'differences only' filters rows", async () => {
  const o = await open();
  const { page } = o;
  await page.locator("#rows").focus();
  const sel = () => page.locator(".cmp-row.selected .cmp-a .cmp-span-name, .cmp-row.selected .cmp-b .cmp-span-name").first().textContent();
  assert.equal(await sel(), "support_agent.run");
  await page.keyboard.press("ArrowDown");
  assert.equal(await sel(), "classify_intent");
  await page.keyboard.press("n");
  assert.equal(await sel(), "retrieve_docs");
  await page.keyboard.press("F7");
  assert.equal(await sel(), "rerank");
  await page.keyboard.press("Shift+F7");
  assert.equal(await sel(), "retrieve_docs");
  const all = await page.locator(".cmp-row").count();
  await page.locator("#diff-only").check();
  const diffs = await page.locator(".cmp-row").count();
  assert.ok(diffs < all && diffs > 0, `${diffs} of ${all}`);
  assert.equal(await sel(), "retrieve_docs", "selection kept");
  await finish(o);
});

test("open buttons ask the host to open either trace", async () => {
  const o = await open();
  const { page } = o;
  const fx = compareFixture("default");
  await page.locator("#open-a").click();
  await page.locator("#open-b").click();
  await page.waitForTimeout(50);
  const reqs = ((await page.evaluate("window.__requests")) as Array<{ method: string; params: unknown }>).filter((r) => r.method === "compare/openTrace");
  assert.deepEqual(
    reqs.map((r) => r.params),
    [{ traceId: fx.left?.summary.traceId }, { traceId: fx.right?.summary.traceId }],
  );
  await finish(o);
});

test("a 2,500-span pair aligns and only the rows in view are in the DOM", async () => {
  const started = Date.now();
  const o = await open("big");
  const { page } = o;
  await page.locator(".cmp-row").first().waitFor();
  const ms = Date.now() - started;
  assert.ok(ms < 10_000, `took ${ms} ms`);
  assert.match(await text(page, "#stats"), /2,970 aligned.*31 only in A.*0 only in B/);
  const rendered = await page.locator(".cmp-row").count();
  assert.ok(rendered < 100, `${rendered} rows in the DOM`);
  await page.locator("#rows").focus();
  await page.keyboard.press("End");
  await page.waitForTimeout(50);
  assert.equal(await page.locator(".cmp-row.selected").count(), 1);
  await page.screenshot({ path: shotPath("compare-big") });
  await finish(o);
});

test("a missing trace shows the host's message", async () => {
  const o = await open("missing", 400);
  const { page } = o;
  assert.equal(await text(page, "#message"), "Trace tr-0c1f… was deleted.");
  assert.ok(await page.locator("#rows").isHidden());
  assert.ok(await page.locator("#open-a").isVisible());
  await page.screenshot({ path: shotPath("compare-missing") });
  await finish(o);
});
