/**
 * The evaluation results panel in real Chromium, against a fake host (resultsHarness.ts) that
 * sends the columnar run table and answers full rows and text searches with the real protocol
 * code: header and summary of a 3-scorer run, sorting, errors only, the detail pane (its full
 * row requested on selection) with a stack trace, histogram hover and bar filters, a running run
 * that grows and is cancelled, a failed run, empty states, dataset rows without traces, hostile
 * content, and a 100,000-row run (bounded DOM; time to the first painted row reported, not
 * asserted). Screenshots go to test-output/webview-harness/results-*.png.
 *
 *   node scripts/build.mjs && node --import tsx --test test/webview-harness/results.harness.test.ts
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { HOSTILE, typicalRows } from "./resultsFixtures";
import { launchChromium, shotPath, startResultsHarness, type ResultsHarness } from "./resultsHarness";
import { hexId } from "./tracesFixtures";

let harness: ResultsHarness;
let browser: Browser;

before(async () => {
  harness = await startResultsHarness();
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

/** A new page (a new browser context: fresh sessionStorage, so no UI state from other tests). */
async function open(scenario = "default", width = 1400, height = 900): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width, height } });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${harness.url}/results.html?scenario=${scenario}`);
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
  // untrusted markup never becomes elements
  assert.equal(await o.page.locator("#app img, #app script, #app b").count(), 0, "no elements from hostile text");
  await o.page.close();
}

/** Polls a page expression until it is truthy (waitForFunction would need `new Function`, which the CSP refuses). */
async function until(page: Page, expr: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expr)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const text = async (page: Page, sel: string): Promise<string> => (await page.locator(sel).first().textContent()) ?? "";

/** The text of column `key`'s cells in the rendered rows, in display order. */
async function columnTexts(page: Page, colIndex: number, n = 10): Promise<string[]> {
  return (await page.evaluate(
    `[...document.querySelectorAll('.rs-row')].sort((a, b) => a.dataset.index - b.dataset.index).slice(0, ${n}).map((r) => r.children[${colIndex}].textContent)`,
  )) as string[];
}

const rowsEl = (page: Page) => page.locator(".rs-row");
/** Columns: 0 trace, 1 state, then assessments in scorer order, then time. */
const COL = { response_length: 2, mentions_keyword: 3, relevance: 4, groundedness: 5, tone: 6, answer_quality: 7 } as const;

test("typical run: header, summary cards with aggregates, pass rates and notes, table", async () => {
  const o = await open();
  const { page } = o;
  assert.equal(await text(page, "#run-title"), "response_length, mentions_keyword, answer_quality");
  assert.equal(await text(page, "#run-selection"), "on last 100 traces");
  assert.match(await text(page, "#status"), /Completed/);
  assert.match(await text(page, "#duration"), /8\.42 s/);
  assert.match(await text(page, "#scored"), /100 of 100 traces/);
  assert.equal(await text(page, "#errors-link"), "5 errors");
  assert.equal(await page.locator("#cancel").isVisible(), false);
  // the change from the previous run of the same scorers, and a way to compare them
  assert.match(await text(page, "#delta"), /^Δ mean −4\.2 · errors \+2 vs the previous run/);
  await page.locator("#compare-previous").click();
  await until(page, "window.__requests.some((r) => r.method === 'results/compare')");

  // one card per assessment, in scorer order
  const keys = await page.locator(".rs-card").evaluateAll((els) => els.map((e) => e.getAttribute("data-key")));
  assert.deepEqual(keys, ["response_length", "mentions_keyword", "relevance", "groundedness", "tone", "answer_quality"]);
  assert.match(await text(page, '[data-metric="response_length/mean"]'), /^mean\d/);
  assert.match(await text(page, '[data-key="response_length"] .rs-notes'), /2 non-numeric values excluded \(mean, median, p90\)/);
  // pass rate computed from the rows
  const rows = typicalRows(100);
  const kw = rows.flatMap((r) => r.feedbacks.filter((f) => f.name === "mentions_keyword" && !f.error));
  const pass = kw.filter((f) => f.value === true).length;
  const expected = `${Math.round((pass / kw.length) * 1000) / 10}%`.replace(/\.0%$/, "%");
  assert.equal(await text(page, '[data-metric="mentions_keyword/pass_rate"] .rs-tile-value'), expected);
  assert.match(await text(page, '[data-key="response_length"] .rs-tile.errors'), /errors3of 100/);
  assert.match(await text(page, '[data-key="answer_quality"] .rs-chart-empty'), /all 2 scorer calls failed/);
  // charts: a histogram for numbers, pass/fail bars for booleans and yes/no, top values for text
  const bins = await page.locator('[data-key="response_length"] .rs-bar').count();
  assert.ok(bins >= 10 && bins <= 20, `${bins} bins`);
  assert.equal(await page.locator('[data-key="mentions_keyword"] .rs-pf .rs-hbar').count(), 2);
  assert.equal(await page.locator('[data-key="relevance"] .rs-pf .rs-hbar').count(), 2);
  assert.ok((await page.locator('[data-key="tone"] .rs-top .rs-hbar').count()) > 1);

  // the table: 100 rows (not virtualized below the threshold), first row selected
  assert.equal(await rowsEl(page).count(), 100);
  assert.equal(await text(page, "#row-count"), "100 rows");
  assert.equal(await page.locator(".rs-row.selected").count(), 1);
  assert.match(await text(page, "#detail .rs-detail-name"), /support_agent\.run/);
  // the detail pane's full row came from the host, by table index
  await page.locator('#detail .rs-fb[data-name="relevance"]').waitFor();
  assert.deepEqual(await lastRequest(page, "results/row"), { index: 0 });
  // hostile trace name: text in the cell
  assert.equal(await page.locator(".rs-row").nth(6).locator(".rs-trace-name").textContent(), HOSTILE.traceName);
  // booleans ✓/✗, integers without decimals, floats with 2, errors as chips
  const kwCells = await columnTexts(page, COL.mentions_keyword, 100);
  assert.ok(kwCells.every((c) => c === "✓" || c === "✗"));
  assert.ok((await columnTexts(page, COL.groundedness, 100)).some((c) => /^0\.\d\d$/.test(c ?? "")));
  assert.equal(await page.locator(".rs-row").nth(4).locator(".rs-chip-error").count(), 1);
  await page.screenshot({ path: shotPath("results-default") });
  await finish(o);
});

test("sorting: click a column header (numeric-aware), again for descending, a third time for run order", async () => {
  const o = await open();
  const { page } = o;
  const header = page.locator('.rs-sort[data-sort="col:response_length"]');
  await header.click();
  assert.equal(await page.locator(".rs-th.sorted").getAttribute("aria-sort"), "ascending");
  const asc = (await columnTexts(page, COL.response_length, 95)).map((t) => Number((t ?? "").replace(/,/g, "")));
  assert.deepEqual(
    asc,
    [...asc].sort((a, b) => a - b),
    "ascending by number, not by text",
  );
  await header.click();
  assert.equal(await page.locator(".rs-th.sorted").getAttribute("aria-sort"), "descending");
  const desc = await columnTexts(page, COL.response_length, 100);
  const descNums = desc.slice(0, 95).map((t) => Number((t ?? "").replace(/,/g, "")));
  assert.deepEqual(
    descNums,
    [...descNums].sort((a, b) => b - a),
    "largest first",
  );
  // the selected row stays in view, not under the sticky column header
  const sel = await page.locator(".rs-row.selected").boundingBox();
  const head = await page.locator(".rs-thead").boundingBox();
  const table = await page.locator("#table").boundingBox();
  assert.ok(sel && head && table && sel.y >= head.y + head.height - 0.5 && sel.y + sel.height <= table.y + table.height, "selected row visible");
  // errors and the non-numeric values sort after the numbers in both directions
  assert.deepEqual(desc.slice(95), ["n/a", "n/a", "error", "error", "error"]);
  await page.screenshot({ path: shotPath("results-sorted") });
  // pass/fail: ✗ first ascending
  await page.locator('.rs-sort[data-sort="col:mentions_keyword"]').click();
  assert.equal((await columnTexts(page, COL.mentions_keyword, 1))[0], "✗");
  // the third click on the same header restores run order
  await page.locator('.rs-sort[data-sort="col:mentions_keyword"]').click();
  await page.locator('.rs-sort[data-sort="col:mentions_keyword"]').click();
  assert.equal(await page.locator(".rs-th.sorted").count(), 0);
  assert.equal(await rowsEl(page).first().getAttribute("data-id"), hexId(0, 32));
  await finish(o);
});

test("errors only (header link) shows the failing rows; the detail pane shows the stack trace; Enter opens the trace", async () => {
  const o = await open();
  const { page } = o;
  await page.locator("#errors-link").click();
  await until(page, "document.querySelectorAll('.rs-row').length === 5");
  assert.equal(await page.locator("#errors-only").getAttribute("aria-pressed"), "true");
  assert.equal(await page.locator("#errors-link").getAttribute("aria-pressed"), "true");
  assert.equal(await text(page, "#row-count"), "5 of 100 rows");
  // the selection moved to the first error row
  const selected = page.locator(".rs-row.selected");
  assert.equal(await selected.getAttribute("data-id"), hexId(4, 32));
  const err = page.locator("#detail .rs-fb.is-error");
  await err.first().waitFor();
  assert.equal(await err.count(), 1);
  assert.match(await text(page, "#detail .rs-err-msg"), /TypeError: Cannot read properties of undefined \(reading 'length'\)/);
  const stack = page.locator("#detail pre.rs-stack");
  assert.ok(await stack.isVisible());
  assert.match((await stack.textContent()) ?? "", /at responseLength \(\/work\/app\/scorers\/quality\.ts:12:31\)/);
  await page.screenshot({ path: shotPath("results-errors-detail") });

  // keyboard: Down selects the next error row (the judge error, with the scorer's log lines)
  await page.locator("#table").focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator(".rs-row.selected").getAttribute("data-id"), hexId(9, 32));
  await until(page, "document.querySelector('#detail .rs-err-msg')?.textContent.includes('429 Too Many Requests')");
  assert.match(await text(page, "#logs"), /giving up after 3 attempts/);
  await page.keyboard.press("Enter");
  await until(page, "window.__requests.some((r) => r.method === 'results/openTrace')");
  assert.deepEqual(await lastRequest(page, "results/openTrace"), { traceId: hexId(9, 32) });
  // double-click opens too; the Open trace button as well
  await rowsEl(page).nth(2).dblclick();
  await until(page, "window.__requests.filter((r) => r.method === 'results/openTrace').length === 2");
  assert.deepEqual(await lastRequest(page, "results/openTrace"), { traceId: hexId(23, 32) });
  await page.locator("#open-trace").click();
  await until(page, "window.__requests.filter((r) => r.method === 'results/openTrace').length === 3");
  // toggling off shows every row again
  await page.locator("#errors-only").click();
  await until(page, "document.querySelectorAll('.rs-row').length === 100");
  await finish(o);
});

test("text filter; hostile rationale and log line show as text in the detail pane", async () => {
  const o = await open();
  const { page } = o;
  await page.locator("#filter").fill("wrong document");
  await until(page, "document.querySelectorAll('.rs-row').length === 1");
  // matched by the host over full rows (the rationale is not in the table)
  assert.deepEqual(await lastRequest(page, "results/search"), { text: "wrong document" });
  assert.equal(await rowsEl(page).first().getAttribute("data-id"), hexId(2, 32));
  assert.equal(await page.locator(".rs-row.selected").getAttribute("data-id"), hexId(2, 32));
  const rationale = page.locator('#detail .rs-fb[data-name="relevance"] .rs-rationale-text');
  await rationale.waitFor();
  assert.equal(await rationale.textContent(), HOSTILE.rationale);
  assert.match(await text(page, "#logs pre"), new RegExp(HOSTILE.log.replace(/[()[\]<>/]/g, "\\$&")));
  assert.match(await text(page, '#detail .rs-fb[data-name="relevance"] .rs-meta-list'), /judge_model.*gpt-4o-mini/);
  assert.match(await text(page, '#detail .rs-fb[data-name="relevance"] .rs-fb-source'), /LLM judge · answer_quality/);
  await page.screenshot({ path: shotPath("results-hostile") });
  // filtering by the hostile trace name matches it as text
  await page.locator("#filter").fill("onerror=alert(3)");
  await until(page, `document.querySelector('.rs-row')?.dataset.id === '${hexId(6, 32)}'`);
  assert.equal(await rowsEl(page).count(), 1);
  assert.equal(await rowsEl(page).first().locator(".rs-trace-name").textContent(), HOSTILE.traceName);
  await page.locator("#filter").fill("no such thing anywhere");
  await page.locator("#clear-filters").waitFor();
  assert.match(await text(page, "#table-empty"), /No rows match/);
  await page.locator("#clear-filters").click();
  await until(page, "document.querySelectorAll('.rs-row').length === 100");
  assert.equal(await page.locator("#filter").inputValue(), "");
  await finish(o);
});

test("histogram: hovering a bar shows its range and count; clicking filters the table to it", async () => {
  const o = await open();
  const { page } = o;
  const bar = page.locator('[data-key="response_length"] .rs-bar:not(.empty)').nth(2);
  await bar.hover();
  await page.locator("#tip").waitFor();
  const tip = (await page.locator("#tip").innerText()).split("\n");
  assert.match(tip[0] ?? "", /^response_length: [\d,.]+ – [\d,.]+$/);
  const m = /^(\d+) traces? \(/.exec(tip[1] ?? "");
  assert.ok(m, tip.join(" | "));
  const count = Number(m[1]);
  await page.screenshot({ path: shotPath("results-histogram-hover"), clip: { x: 0, y: 0, width: 1400, height: 460 } });
  await bar.click();
  await page.locator("#chart-filter").waitFor();
  assert.match(await text(page, "#chart-filter"), /response_length [\d,.]+ – [\d,.]+/);
  await until(page, `document.querySelectorAll('.rs-row').length === ${count}`);
  assert.equal(await page.locator('[data-key="response_length"] .rs-bar.active').count(), 1);
  // pass/fail bars filter as well; the chip replaces the previous one
  await page.locator('[data-key="mentions_keyword"] .rs-hbar[data-value="fail"]').click();
  await until(page, "document.querySelector('#chart-filter').textContent.includes('mentions_keyword')");
  const fails = await columnTexts(page, COL.mentions_keyword, 100);
  assert.ok(fails.length > 0 && fails.every((c) => c === "✗"));
  await page.screenshot({ path: shotPath("results-passfail-filter") });
  await page.locator("#chart-filter .rs-chip-clear").click();
  await until(page, "document.querySelectorAll('.rs-row').length === 100");
  // the errors tile of a card shows that column's errors
  await page.locator('[data-key="response_length"] .rs-tile.errors').click();
  await until(page, "document.querySelectorAll('.rs-row').length === 3");
  await page.locator("#chart-filter .rs-chip-clear").click();
  await until(page, "document.querySelectorAll('.rs-row').length === 100");
  // keyboard: the histogram is one tab stop; arrows read the bins, Enter filters
  await page.locator('[data-key="groundedness"] .rs-hist-plot').focus();
  await page.keyboard.press("End");
  await page.locator("#tip").waitFor();
  const last = (await page.locator("#tip").innerText()).split("\n");
  assert.match(last[0] ?? "", /^groundedness: 0\.\d+ – 1$/);
  await page.keyboard.press("ArrowLeft");
  assert.notEqual((await page.locator("#tip").innerText()).split("\n")[0], last[0]);
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  const n = Number(/^(\d+) trace/.exec(last[1] ?? "")?.[1]);
  await until(page, `document.querySelectorAll('.rs-row').length === ${n}`);
  const g = (await columnTexts(page, COL.groundedness, 100)).map(Number);
  assert.ok(g.every((v) => v >= 0.95), g.join(","));
  await finish(o);
});

test("running: progress bar and partial rows; new snapshots keep the sort and the selection; Cancel", async () => {
  const o = await open("running");
  const { page } = o;
  assert.match(await text(page, "#status"), /Running/);
  assert.equal(await text(page, "#progress .rs-progress-text"), "37 / 100 · 37%");
  assert.equal(await page.locator("#progress [role=progressbar]").getAttribute("aria-valuenow"), "37");
  assert.match(await text(page, "#row-count"), /37 rows · partial: 37 of 100 scored so far/);
  assert.match(await text(page, "#duration"), /so far/);
  assert.ok(await page.locator("#rerun").isDisabled());
  await page.screenshot({ path: shotPath("results-running") });

  await page.locator('.rs-sort[data-sort="col:groundedness"]').click();
  await rowsEl(page).nth(3).click();
  const selectedId = await page.locator(".rs-row.selected").getAttribute("data-id");
  await page.evaluate("window.__harness.advance(30)");
  await until(page, "document.querySelectorAll('.rs-row').length === 67");
  assert.equal(await text(page, "#progress .rs-progress-text"), "67 / 100 · 67%");
  assert.equal(await page.locator(".rs-row.selected").getAttribute("data-id"), selectedId, "selection kept");
  assert.equal(await page.locator(".rs-th.sorted .rs-sort").getAttribute("data-sort"), "col:groundedness", "sort kept");
  const g = (await columnTexts(page, COL.groundedness, 60)).map(Number);
  assert.deepEqual(
    g,
    [...g].sort((a, b) => a - b),
  );

  await page.locator("#cancel").click();
  await until(page, "document.querySelector('#status').textContent.includes('Cancelled')");
  assert.equal((await requests(page)).filter((r) => r.method === "results/cancel").length, 1);
  assert.equal(await page.locator("#cancel").isVisible(), false);
  assert.equal(await page.locator("#progress").count(), 0);
  assert.ok(await page.locator("#rerun").isEnabled());
  await page.locator("#rerun").click();
  await until(page, "window.__requests.some((r) => r.method === 'results/rerun')");
  await until(page, "document.querySelector('#action-message').textContent.includes('Re-run started')");
  await page.screenshot({ path: shotPath("results-cancelled"), clip: { x: 0, y: 0, width: 1400, height: 120 } });
  await finish(o);
});

test("failed run: the bundle error as text, no table", async () => {
  const o = await open("failed", 1000, 600);
  const { page } = o;
  assert.match(await text(page, "#status"), /Failed/);
  assert.match(await text(page, "#message"), /The run failed\./);
  assert.match(await text(page, "#message pre"), /Could not bundle \/work\/app\/scorers\/quality\.ts:[\s\S]*Expected ";" but found "response"/);
  assert.equal(await page.locator("#toolbar").isVisible(), false);
  assert.equal(await page.locator("#detail").isVisible(), false);
  assert.match(await text(page, "#table-empty"), /No traces were scored/);
  await page.screenshot({ path: shotPath("results-failed") });
  await finish(o);
});

test("empty states: no run, a run that matched no traces, a run where every call failed", async () => {
  const none = await open("null", 1000, 400);
  assert.match(await text(none.page, "#empty"), /No results to show/);
  assert.match(await text(none.page, "#empty-message"), /is not in the store/);
  assert.equal(await none.page.locator("header.rs-header").isVisible(), false);
  await none.page.screenshot({ path: shotPath("results-null") });
  await finish(none);

  const empty = await open("empty", 1000, 400);
  assert.match(await text(empty.page, "#table-empty"), /matched no traces/);
  assert.equal(await empty.page.locator("#summary").isVisible(), false);
  assert.equal(await empty.page.locator("#errors-link").textContent(), "no errors");
  await empty.page.screenshot({ path: shotPath("results-empty") });
  await finish(empty);

  const allErr = await open("allerrors", 1200, 700);
  assert.ok(await allErr.page.locator("#all-errors").isVisible());
  await allErr.page.locator("#detail pre.rs-stack").waitFor();
  assert.equal(await allErr.page.locator(".rs-chip-error").count(), 21, "20 rows + the detail pane");
  assert.ok(await allErr.page.locator("#detail pre.rs-stack").isVisible());
  assert.match(await text(allErr.page, '[data-key="response_length"] .rs-notes'), /no numeric values/);
  await allErr.page.screenshot({ path: shotPath("results-all-errors") });
  await finish(allErr);
});

test("100,000 rows: only the rows in view are in the DOM; sort and filter still work", async (t) => {
  const o = await open("big");
  const { page } = o;
  await until(page, "window.__firstRowMs !== null", 30_000);
  const ms = (await page.evaluate("window.__firstRowMs")) as number;
  const phases = (await page.evaluate("window.__firstRowPhases")) as { clone: number; handle: number; paint: number };
  t.diagnostic(
    `100,000 rows: ${Math.round(ms)} ms from webview/ready to the first painted row (the first 1,000 rows' snapshot) — postMessage clone ${phases.clone} ms, ` +
      `snapshot validation + panel code ${phases.handle} ms, layout/paint ${phases.paint} ms`,
  );
  await until(page, "window.__fullMs !== null", 30_000);
  t.diagnostic(`100,000 rows: ${Math.round((await page.evaluate("window.__fullMs")) as number)} ms from webview/ready until the panel took the whole table`);
  assert.equal(await text(page, "#row-count"), "100,000 rows");
  assert.equal(await page.locator("#summary-partial").count(), 0, "the summary no longer says it is partial");
  const rendered = await rowsEl(page).count();
  assert.ok(rendered > 10 && rendered < 120, `virtualized: ${rendered} rows in the DOM`);
  await page.evaluate("document.querySelector('#table').scrollTop = 1e9");
  await until(page, "[...document.querySelectorAll('.rs-row')].some((r) => r.dataset.index === '99999')");
  assert.ok((await rowsEl(page).count()) < 120);
  await page.screenshot({ path: shotPath("results-big-bottom") });

  let start = Date.now();
  await page.locator('.rs-sort[data-sort="col:groundedness"]').click();
  await until(page, "document.querySelector('.rs-th.sorted') !== null", 10_000);
  t.diagnostic(`sort 100,000 rows by groundedness: ${Date.now() - start} ms (click to re-render)`);
  start = Date.now();
  await page.locator("#errors-only").click();
  await until(page, "document.querySelector('#row-count').textContent.startsWith('5,000 of 100,000')", 10_000);
  t.diagnostic(`errors only over 100,000 rows: ${Date.now() - start} ms`);
  start = Date.now();
  await page.locator("#filter").fill("too many requests");
  await until(page, "document.querySelector('#row-count').textContent.startsWith('2,000 of 100,000')", 10_000);
  t.diagnostic(`text filter over 100,000 rows: ${Date.now() - start} ms (includes the 200 ms typing debounce)`);
  assert.ok((await rowsEl(page).count()) < 120);
  await page.screenshot({ path: shotPath("results-big") });
  await finish(o);
});

test("a big run opens with its first rows; the rest keeps the selection, the sort and the text filter", async () => {
  const o = await open("partial", 1200, 800);
  const { page } = o;
  assert.equal(await text(page, "#row-count"), "1,000 rows · loading the rest of 3,000…");
  assert.match(await text(page, "#summary-partial"), /from the first 1,000 rows/);
  await page.locator('.rs-sort[data-sort="col:groundedness"]').click();
  await page.locator("#filter").fill("support_agent");
  await until(page, "document.querySelector('#row-count').textContent.startsWith('200 of 1,000 rows')");
  await rowsEl(page).nth(4).click();
  const selected = await page.locator(".rs-row.selected").getAttribute("data-id");
  await page.evaluate("window.__harness.full()");
  await until(page, "document.querySelector('#row-count').textContent.startsWith('600 of 3,000 rows')");
  assert.equal(await page.locator("#summary-partial").count(), 0);
  assert.equal(await page.locator(".rs-th.sorted .rs-sort").getAttribute("data-sort"), "col:groundedness");
  assert.equal(await text(page, "#detail .rs-detail-id"), selected, "selection kept");
  // the host searched again over every row
  assert.equal((await requests(page)).filter((r) => r.method === "results/search").length, 2);
  await finish(o);
});

test("dataset run: rows without a trace show their dataset row and can't open a trace", async () => {
  const o = await open("dataset", 1200, 700);
  const { page } = o;
  assert.equal(await rowsEl(page).count(), 10);
  const noTrace = rowsEl(page).nth(7);
  assert.equal(await noTrace.locator(".rs-trace-name").textContent(), "dataset row 7");
  assert.equal(await noTrace.locator(".rs-trace-id").textContent(), "row 7");
  assert.match((await noTrace.locator(".c-state").textContent()) ?? "", /No trace/);
  assert.match((await rowsEl(page).nth(3).locator(".c-state").textContent()) ?? "", /Deleted/);
  await noTrace.click();
  assert.match(await text(page, "#detail .rs-detail-sub"), /^dataset row 7 · scored in/);
  assert.ok(await page.locator("#open-trace").isDisabled());
  await page.locator("#detail .rs-fb").first().waitFor();
  // Enter and double-click don't ask the host to open anything; they say why
  await page.locator("#table").focus();
  await page.keyboard.press("Enter");
  await until(page, "document.querySelector('#action-message').textContent.includes('dataset row 7, which has no trace')");
  await noTrace.dblclick();
  // a dataset row with a trace opens it, and shows both
  await rowsEl(page).nth(1).click();
  assert.match(await text(page, "#detail .rs-detail-sub"), /dataset row 1 · scored in/);
  await page.locator("#open-trace").click();
  await until(page, "window.__requests.some((r) => r.method === 'results/openTrace')");
  assert.equal((await requests(page)).filter((r) => r.method === "results/openTrace").length, 1);
  await page.screenshot({ path: shotPath("results-dataset") });
  await finish(o);
});

test("UI state (sort, errors only, selection) survives a reload", async () => {
  const o = await open();
  const { page } = o;
  await page.locator('.rs-sort[data-sort="duration"]').click();
  await page.locator("#errors-only").click();
  await until(page, "document.querySelectorAll('.rs-row').length === 5");
  await rowsEl(page).nth(1).click();
  const id = await page.locator(".rs-row.selected").getAttribute("data-id");
  await page.waitForTimeout(300); // saves are debounced
  await page.reload();
  await page.locator("#app[aria-busy=false]").waitFor();
  assert.equal(await page.locator(".rs-row").count(), 5);
  assert.equal(await page.locator(".rs-th.sorted .rs-sort").getAttribute("data-sort"), "duration");
  assert.equal(await page.locator(".rs-row.selected").getAttribute("data-id"), id);
  await finish(o);
});

test("narrow editor: the detail pane goes under the table", async () => {
  const o = await open("default", 820, 900);
  const { page } = o;
  const table = await page.locator("#table").boundingBox();
  const detail = await page.locator("#detail").boundingBox();
  assert.ok(table && detail && detail.y >= table.y + table.height - 1, "detail below the table");
  await page.locator("#summary-toggle").click();
  assert.equal(await page.locator("#cards").isVisible(), false);
  assert.equal(await page.locator("#summary-toggle").getAttribute("aria-expanded"), "false");
  await page.screenshot({ path: shotPath("results-narrow") });
  await finish(o);
});

test("without the CSP, hostile content still cannot run script", async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${harness.url}/results.html?csp=0`);
  await page.locator("#app[aria-busy=false]").waitFor();
  await page.locator("#filter").fill("wrong document");
  await until(page, "document.querySelectorAll('.rs-row').length === 1");
  await rowsEl(page).first().hover();
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator("#app img, #app script").count(), 0);
  await page.close();
});
