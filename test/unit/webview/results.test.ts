/** Pure helpers of the evaluation results panel (webview/results/*): no DOM needed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeRunTable, filterWords, matchesWords, RunTable, rowSearchText } from "../../../protocol/runTable";
import type { EvalRun, FeedbackResult, RunResultRow } from "../../../protocol/scoring";
import { buildModel as buildTableModel, cellOf, columnKind, columnNotes } from "../../../webview/results/model";
import { filterRows, matchSet, nextSort, sortRows, type SortSpec } from "../../../webview/results/sortFilter";
import { binLabel, histogram, inBin, MAX_BINS, MIN_BINS, passRate } from "../../../webview/results/stats";
import { cellText, formatMetric, formatNumber, formatPercent, fullValueText, numberOf, passOf, shortId, truncate, valueKind } from "../../../webview/results/values";

function fb(name: string, value: unknown, over: Partial<FeedbackResult> = {}): FeedbackResult {
  return { name, value, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: name }, ...over };
}
function err(name: string, message = "boom"): FeedbackResult {
  return fb(name, null, { error: { type: "TypeError", message, stack: `TypeError: ${message}\n    at x (a.ts:1:1)` } });
}
function row(i: number, feedbacks: FeedbackResult[], over: Partial<RunResultRow> = {}): RunResultRow {
  return { traceId: `tr-${String(i).padStart(32, "0")}`, traceName: `trace_${i}`, traceState: "OK", feedbacks, durationMs: i, logs: [], datasetRow: null, ...over };
}
/** The model of full rows, through the columnar table the host sends (validated like the webview does). */
function buildModel(rows: RunResultRow[], run: Pick<EvalRun, "scorers" | "aggregates"> | null) {
  return buildTableModel(RunTable.parse(encodeRunTable(rows)), run);
}

// ─── values ───────────────────────────────────────────────────────────────────

test("value kinds, pass/fail and numbers", () => {
  assert.equal(valueKind(true), "boolean");
  assert.equal(valueKind(" Yes "), "yesno");
  assert.equal(valueKind("NO"), "yesno");
  assert.equal(valueKind("maybe"), "string");
  assert.equal(valueKind(3.5), "number");
  assert.equal(valueKind(null), "null");
  assert.equal(valueKind(undefined), "null");
  assert.equal(valueKind({ a: 1 }), "json");
  assert.equal(valueKind([1]), "json");
  assert.equal(passOf(true), true);
  assert.equal(passOf("yes"), true);
  assert.equal(passOf("No"), false);
  assert.equal(passOf(1), null);
  assert.equal(passOf("y"), null);
  assert.equal(numberOf(0), 0);
  assert.equal(numberOf("3"), null, "numeric strings are not numbers");
  assert.equal(numberOf(Number.NaN), null);
  assert.equal(numberOf(true), null);
});

test("number, metric and percent formatting", () => {
  assert.equal(formatNumber(1234.5, 2), "1,234.50");
  assert.equal(formatNumber(0.825, 2), "0.83");
  assert.equal(formatNumber(412, 0), "412");
  assert.equal(formatMetric(491.4333), "491.43");
  assert.equal(formatMetric(0.75), "0.75");
  assert.equal(formatMetric(1100), "1,100");
  assert.equal(formatMetric(0.00123), "0.0012");
  assert.equal(formatMetric(null), "—");
  assert.equal(formatPercent(0.77), "77%");
  assert.equal(formatPercent(0.735), "73.5%");
  assert.equal(formatPercent(1), "100%");
  assert.equal(formatPercent(0), "0%");
  assert.equal(formatPercent(0.99999), "99.9%", "never rounds up to 100%");
  assert.equal(formatPercent(0.0001), "<0.1%");
  assert.equal(formatPercent(null), "—");
});

test("cell text: ✓/✗, numbers with the column's decimals, strings cut, errors, missing", () => {
  assert.deepEqual(cellText(fb("a", true), 0), { text: "✓", cls: "v-pass", title: "true" });
  assert.deepEqual(cellText(fb("a", "no"), 0), { text: "✗", cls: "v-fail", title: "no" });
  assert.equal(cellText(fb("a", 0.8), 2).text, "0.80");
  assert.equal(cellText(fb("a", 1046), 0).text, "1,046");
  assert.equal(cellText(fb("a", 1046), 2).text, "1,046.00");
  assert.equal(cellText(fb("a", null), 2).cls, "v-null");
  const long = cellText(fb("a", `line one\nline two ${"x".repeat(100)}`), 2);
  assert.equal(long.cls, "v-str");
  assert.ok(long.text.startsWith("line one line two"), "one line");
  assert.ok(long.text.length <= 48 && long.text.endsWith("…"));
  assert.equal(cellText(fb("a", { k: [1, 2] }), 2).text, '{"k":[1,2]}');
  const e = cellText(err("a", "Cannot read properties of undefined"), 2);
  assert.equal(e.text, "error");
  assert.equal(e.cls, "v-error");
  assert.equal(e.title, "TypeError: Cannot read properties of undefined");
  assert.equal(cellText(undefined, 2).cls, "v-missing");
  assert.equal(cellText(undefined, 2).text, "");
  // hostile text stays text (the DOM side uses textContent)
  assert.equal(cellText(fb("a", "<img src=x onerror=alert(1)>"), 2).text, "<img src=x onerror=alert(1)>");
});

test("truncate keeps whole code points; shortId; full value text", () => {
  assert.equal(truncate("abcdef", 6), "abcdef");
  assert.equal(truncate("abcdefg", 6), "abcde…");
  assert.equal(truncate("😀😀😀😀", 3), "😀😀…");
  assert.equal(truncate("😀😀😀", 3), "😀😀😀", "3 code points fit although 6 UTF-16 units");
  assert.equal(shortId("tr-3c6ef36a8fc0e0032718c6ccfa2358c5"), "3c6ef36a");
  assert.equal(shortId("abc"), "abc");
  assert.equal(fullValueText({ a: 1 }), '{\n  "a": 1\n}');
  assert.equal(fullValueText("text"), "text");
  assert.equal(fullValueText(null), "null");
});

// ─── stats ────────────────────────────────────────────────────────────────────

test("pass rate over pass/fail values only", () => {
  assert.equal(passRate({ pass: 3, fail: 1 }), 0.75);
  assert.equal(passRate({ pass: 0, fail: 0 }), null);
  assert.equal(passRate({ pass: 0, fail: 5 }), 0);
});

function binsOk(values: number[]): ReturnType<typeof histogram> {
  const h = histogram(values);
  assert.ok(h);
  assert.equal(
    h.bins.reduce((n, b) => n + b.count, 0),
    values.filter(Number.isFinite).length,
    "every value counted once",
  );
  for (let i = 1; i < h.bins.length; i++) assert.equal(h.bins[i]?.lo, h.bins[i - 1]?.hi, "contiguous bins");
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const hist = h;
    const hits: number = hist.bins.map((_, i) => inBin(hist, i, v)).filter(Boolean).length;
    assert.equal(hits, 1, `value ${v} in exactly one bin`);
  }
  return h;
}

test("histogram: nice bins between MIN_BINS and MAX_BINS covering min..max", () => {
  const values = Array.from({ length: 200 }, (_, i) => 0.35 + ((i * 37) % 100) / 154);
  const h = binsOk(values);
  assert.ok(h && h.bins.length >= MIN_BINS && h.bins.length <= MAX_BINS, `${h?.bins.length} bins`);
  assert.ok(h && h.lo <= h.min && h.hi >= h.max);
  // nice width: 1, 2, 2.5 or 5 × 10^k
  const m = h ? h.step / 10 ** Math.floor(Math.log10(h.step)) : 0;
  assert.ok([1, 2, 2.5, 5].some((x) => Math.abs(x - m) < 1e-9), `step ${h?.step}`);
  assert.equal(h?.perInteger, false);
});

test("histogram: integer lengths get integer-aligned nice bins", () => {
  const values = [150, 180, 230, 310, 333, 400, 412, 480, 499, 560, 617, 640, 700, 845, 1046, 1100];
  const h = binsOk(values);
  assert.ok(h && h.bins.length >= MIN_BINS && h.bins.length <= MAX_BINS);
  assert.ok(h?.bins.every((b) => Number.isInteger(b.lo) && Number.isInteger(b.hi)));
  assert.equal(binLabel(h!, 0, formatMetric), `${formatMetric(h!.bins[0]!.lo)} – ${formatMetric(h!.bins[0]!.hi)}`);
});

test("histogram: a small integer range (1–5 rating) gets one bin per value", () => {
  const h = binsOk([1, 2, 2, 3, 5, 5, 5, 4]);
  assert.equal(h?.perInteger, true);
  assert.deepEqual(
    h?.bins.map((b) => b.count),
    [1, 2, 1, 1, 3],
  );
  assert.equal(binLabel(h!, 4, formatMetric), "5");
  assert.equal(h?.maxCount, 3);
});

test("histogram: one distinct value, no values, non-finite values ignored", () => {
  const one = histogram([7, 7, 7]);
  assert.equal(one?.bins.length, 1);
  assert.equal(one?.bins[0]?.count, 3);
  assert.equal(binLabel(one!, 0, formatMetric), "= 7");
  assert.equal(histogram([]), null);
  assert.equal(histogram([Number.NaN]), null);
  const h = binsOk([0, 1, Number.POSITIVE_INFINITY, 0.5, 0.25, 0.75, 0.1, 0.9, 0.33, 0.66, 0.2]);
  assert.equal(h?.total, 10);
});

test("histogram: the max value lands in the last bin; negative values work", () => {
  const h = binsOk([-5, -2.5, 0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20]);
  assert.equal(h?.bins[h.bins.length - 1]?.count, 1);
  assert.ok((h?.lo ?? 0) <= -5);
  binsOk(Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3));
  binsOk(Array.from({ length: 1000 }, (_, i) => 1e9 + i * 12345));
});

// ─── model ────────────────────────────────────────────────────────────────────

const RUN = {
  scorers: [
    { name: "response_length", file: "a.ts", sourceHash: "x" },
    { name: "mentions_keyword", file: "a.ts", sourceHash: "x" },
    { name: "answer_quality", file: "a.ts", sourceHash: "x" },
  ],
  aggregates: [
    { name: "response_length/mean", assessment: "response_length", aggregation: "mean", value: 3, count: 2, note: "1 non-numeric value excluded" },
    { name: "mentions_keyword/mean", assessment: "mentions_keyword", aggregation: "mean", value: 0.5, count: 2, note: null },
  ],
};

function sampleRows(): RunResultRow[] {
  const aq = (rel: string, g: number): FeedbackResult[] => [
    fb("relevance", rel, { source: { type: "LLM_JUDGE", id: "answer_quality" } }),
    fb("groundedness", g, { source: { type: "LLM_JUDGE", id: "answer_quality" } }),
  ];
  return [
    row(0, [fb("mentions_keyword", true), fb("response_length", 2), ...aq("yes", 0.5)]),
    row(1, [err("response_length"), fb("mentions_keyword", false), ...aq("no", 0.25)], { traceName: "<img src=x onerror=alert(1)>" }),
    row(2, [fb("response_length", 4), fb("mentions_keyword", true), err("answer_quality", "429 Too Many Requests")]),
    row(3, [fb("response_length", "n/a", { rationale: "no outputs here" }), fb("mentions_keyword", "yes"), ...aq("YES", 1)], { traceState: "ERROR" }),
  ];
}

test("model: columns in scorer order, then first appearance; cells and stats", () => {
  const m = buildModel(sampleRows(), RUN);
  assert.deepEqual(
    m.columns.map((c) => c.key),
    ["response_length", "mentions_keyword", "relevance", "groundedness", "answer_quality"],
  );
  const [len, kw, rel, gr, aq] = m.columns;
  assert.equal(len?.kind, "numeric");
  assert.deepEqual(len?.stats.numbers, [2, 4]);
  assert.equal(len?.stats.errors, 1);
  assert.equal(len?.stats.others, 1);
  assert.equal(len?.decimals, 0);
  assert.equal(len?.aggregates.length, 1);
  assert.equal(kw?.kind, "pass");
  assert.equal(kw?.stats.pass, 3);
  assert.equal(kw?.stats.fail, 1);
  assert.equal(aq?.kind, "empty");
  assert.equal(aq?.stats.errors, 1);
  assert.equal(rel?.kind, "pass");
  assert.equal(rel?.stats.pass, 2, '"YES" counts as yes');
  assert.deepEqual(rel?.scorers, ["answer_quality"]);
  assert.deepEqual(rel?.sourceTypes, ["LLM_JUDGE"]);
  assert.equal(gr?.kind, "numeric");
  assert.equal(gr?.decimals, 2);
  assert.equal(cellOf(m, 2, 2), undefined, "no relevance where answer_quality failed");
  assert.equal(cellOf(m, 0, 0)?.value, 2);
  assert.equal(m.errorRows, 2);
  assert.equal(m.errorFeedbacks, 2);
  assert.deepEqual([...m.rowHasError], [0, 1, 1, 0]);
});

test("model: the same feedback name from two scorers becomes two columns", () => {
  const rows = [
    row(0, [fb("score", 1, { source: { type: "CODE", id: "a" } }), fb("score", 0.5, { source: { type: "CODE", id: "b" } })]),
    row(1, [fb("score", 2, { source: { type: "CODE", id: "a" } })]),
  ];
  const m = buildModel(rows, null);
  assert.deepEqual(
    m.columns.map((c) => [c.key, c.name, c.source]),
    [
      ["a/score", "score", "a"],
      ["b/score", "score", "b"],
    ],
  );
  assert.equal(cellOf(m, 0, 1)?.value, 0.5);
  assert.equal(cellOf(m, 1, 1), undefined);
});

test("model: aggregates without rows still make a column; empty input", () => {
  const m = buildModel([], RUN);
  assert.deepEqual(
    m.columns.map((c) => c.key),
    ["response_length", "mentions_keyword"],
  );
  assert.equal(m.columns[0]?.kind, "empty");
  const none = buildModel([], null);
  assert.equal(none.columns.length, 0);
  assert.equal(none.rowCount, 0);
});

test("column kind and notes", () => {
  const base = { present: 0, errors: 0, nulls: 0, numbers: [] as number[], pass: 0, fail: 0, others: 0, integers: true };
  assert.equal(columnKind({ ...base, numbers: [1, 2], pass: 1 }), "numeric");
  assert.equal(columnKind({ ...base, numbers: [1], pass: 2, fail: 1 }), "pass");
  assert.equal(columnKind({ ...base, others: 3 }), "text");
  assert.equal(columnKind({ ...base, errors: 3 }), "empty");
  const m = buildModel(sampleRows(), RUN);
  assert.deepEqual(columnNotes(m.columns[0]!), ["1 non-numeric value excluded from the chart"]);
});

// ─── sorting and filtering ────────────────────────────────────────────────────

test("sort cycle: ascending, descending, run order (duration starts descending)", () => {
  const by = { kind: "column", key: "x" } as const;
  const a = nextSort(null, by);
  assert.deepEqual(a, { by, dir: "asc" });
  const b = nextSort(a, by);
  assert.deepEqual(b, { by, dir: "desc" });
  assert.equal(nextSort(b, by), null);
  assert.deepEqual(nextSort(b, { kind: "trace" }), { by: { kind: "trace" }, dir: "asc" });
  assert.deepEqual(nextSort(null, { kind: "duration" }), { by: { kind: "duration" }, dir: "desc" });
});

test("sorting a numeric column: numbers numerically, then text, errors last in both directions", () => {
  const rows = sampleRows();
  const m = buildModel(rows, RUN);
  const asc: SortSpec = { by: { kind: "column", key: "response_length" }, dir: "asc" };
  assert.deepEqual(sortRows(m, asc), [0, 2, 3, 1]);
  assert.deepEqual(sortRows(m, { ...asc, dir: "desc" }), [2, 0, 3, 1], "numbers first, the text value after, the error last");
  assert.deepEqual(sortRows(m, null), [0, 1, 2, 3]);
});

test("sorting pass/fail: fail before pass ascending; missing last; stable ties", () => {
  const rows = sampleRows();
  const m = buildModel(rows, RUN);
  assert.deepEqual(sortRows(m, { by: { kind: "column", key: "mentions_keyword" }, dir: "asc" }), [1, 0, 2, 3]);
  assert.deepEqual(sortRows(m, { by: { kind: "column", key: "mentions_keyword" }, dir: "desc" }), [0, 2, 3, 1]);
  assert.deepEqual(sortRows(m, { by: { kind: "column", key: "relevance" }, dir: "asc" }), [1, 0, 3, 2], "row 2 has no relevance");
});

test("sorting by trace name (natural), state, duration", () => {
  const rows = [row(0, [], { traceName: "b10" }), row(1, [], { traceName: "b9" }), row(2, [], { traceName: "A" })];
  const m = buildModel(rows, null);
  assert.deepEqual(sortRows(m, { by: { kind: "trace" }, dir: "asc" }), [2, 1, 0]);
  const st = [row(0, [], { traceState: "OK" }), row(1, [], { traceState: "ERROR" }), row(2, [], { traceState: "DELETED" }), row(3, [], { traceState: "NO_TRACE", datasetRow: 3 })];
  assert.deepEqual(sortRows(buildModel(st, null), { by: { kind: "state" }, dir: "asc" }), [1, 0, 3, 2]);
  assert.deepEqual(sortRows(m, { by: { kind: "duration" }, dir: "desc" }), [2, 1, 0]);
});

test("sorting 100,000 rows stays fast enough for a click", () => {
  const rows = Array.from({ length: 100_000 }, (_, i) => row(i, [fb("len", (i * 7919) % 1000), fb("ok", i % 3 === 0)]));
  const m = buildModel(rows, null);
  const t = performance.now();
  const order = sortRows(m, { by: { kind: "column", key: "len" }, dir: "asc" });
  const ms = performance.now() - t;
  assert.equal(order.length, 100_000);
  assert.equal(cellOf(m, order[0]!, 0)?.value, 0);
  assert.equal(cellOf(m, order[99_999]!, 0)?.value, 999);
  assert.ok(ms < 2000, `${ms} ms`);
});

test("filter: the host's text matches, errors only, a cell test, combined", () => {
  const rows = sampleRows();
  const m = buildModel(rows, RUN);
  const order = [0, 1, 2, 3];
  const f = (matches: Uint8Array | null, errorsOnly = false) => filterRows(order, m, { matches, errorsOnly, cell: null });
  assert.deepEqual(f(null), order);
  assert.deepEqual(f(null, true), [1, 2]);
  assert.deepEqual(f(matchSet([1, 3], 4)), [1, 3]);
  assert.deepEqual(f(matchSet([1, 3], 4), true), [1]);
  assert.deepEqual(f(matchSet([], 4)), []);
  assert.deepEqual(matchSet([0, 7, -1, 2], 4), new Uint8Array([1, 0, 1, 0]), "out-of-range indexes are ignored");
  const kw = m.columns.findIndex((c) => c.key === "mentions_keyword");
  assert.deepEqual(filterRows(order, m, { matches: null, errorsOnly: false, cell: { col: kw, test: (x) => passOf(x.value) === true } }), [0, 2, 3]);
  assert.deepEqual(filterRows([3, 0, 2], m, { matches: matchSet([0, 3], 4), errorsOnly: false, cell: { col: kw, test: (x) => passOf(x.value) === true } }), [3, 0], "display order kept");
  // error cells carry type and message (no stack: that comes with the full row)
  assert.deepEqual(cellOf(m, 1, 0), { value: null, error: { type: "TypeError", message: "boom" } });
});

test("text search helpers: every word, names, ids, values, rationales and errors, case-insensitive", () => {
  const rows = sampleRows();
  const hay = rows.map((r) => rowSearchText(r.traceName, r.traceId, r.feedbacks));
  const f = (text: string) => order(hay, filterWords(text));
  assert.deepEqual(f("onerror"), [1], "trace names");
  assert.deepEqual(f("no outputs"), [3], "rationales");
  assert.deepEqual(f("429"), [2], "error messages");
  assert.deepEqual(f("trace_3 n/a"), [3], "every word");
  assert.deepEqual(f("TR-0000"), [0, 1, 2, 3], "ids, case-insensitive");
  assert.deepEqual(f("typeerror"), [1, 2]);
  assert.deepEqual(filterWords("  A  b "), ["a", "b"]);
  assert.match(hay[0] ?? "", /trace_0/);
});

function order(hay: string[], words: string[]): number[] {
  return hay.flatMap((h, i) => (matchesWords(h, words) ? [i] : []));
}

test("the table schema: per-row lists must have rowCount entries; cells are v/n/e/-", () => {
  const t = encodeRunTable(sampleRows());
  assert.ok(RunTable.safeParse(t).success);
  assert.equal(RunTable.safeParse({ ...t, rowCount: 5 }).success, false);
  assert.equal(RunTable.safeParse({ ...t, durationsMs: [...t.durationsMs.slice(1), "3"] }).success, false);
  assert.equal(RunTable.safeParse({ ...t, traceIds: [...t.traceIds.slice(1), 7] }).success, false);
  const col = t.columns[0]!;
  assert.equal(RunTable.safeParse({ ...t, columns: [{ ...col, cells: col.cells.replace("v", "x") }] }).success, false);
  const withErrors = t.columns.find((c) => c.errorRows.length > 0)!;
  assert.equal(RunTable.safeParse({ ...t, columns: [{ ...withErrors, errorTypes: [] }] }).success, false, "error lists of one length");
  assert.equal(RunTable.safeParse({ ...t, seqs: [0, 1] }).success, false);
  assert.equal(RunTable.safeParse({ ...t, seqs: [3, 4, 5, 6] }).success, true);
});
