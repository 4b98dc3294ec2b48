/** Display formatting: durations, tokens, cost, ages, badge classes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  badgeClass,
  filterErrorCaret,
  windowAround,
  badgeGlyph,
  formatAge,
  formatCost,
  formatCostDelta,
  formatCount,
  formatDuration,
  formatDurationDelta,
  formatRatio,
  formatTokens,
  formatTokensDelta,
} from "../../../protocol/format";

test("formatDuration picks ms, s, m/s, h/m and d/h and carries rounding into the next unit", () => {
  const cases: Array<[number, string]> = [
    [0, "0 ms"],
    [0.004, "<0.01 ms"],
    [0.42, "0.42 ms"],
    [4.25, "4.3 ms"],
    [9.96, "10 ms"],
    [12.4, "12 ms"],
    [850, "850 ms"],
    [999.4, "999 ms"],
    [999.6, "1.00 s"],
    [1000, "1.00 s"],
    [1240, "1.24 s"],
    [9999, "10.0 s"],
    [12_400, "12.4 s"],
    [59_949, "59.9 s"],
    [59_960, "1m 00s"],
    [123_000, "2m 03s"],
    [3_599_600, "1h 00m"],
    [3_720_000, "1h 02m"],
    [90_000_000, "1d 01h"],
  ];
  for (const [ms, want] of cases) assert.equal(formatDuration(ms), want, `formatDuration(${ms})`);
});

test("formatDuration handles missing, negative and non-finite values", () => {
  assert.equal(formatDuration(null), "—");
  assert.equal(formatDuration(undefined), "—");
  assert.equal(formatDuration(Number.NaN), "—");
  assert.equal(formatDuration(Infinity), "—");
  assert.equal(formatDuration(-850), "-850 ms");
});

test("formatDurationDelta is signed", () => {
  assert.equal(formatDurationDelta(120), "+120 ms");
  assert.equal(formatDurationDelta(-1240), "-1.24 s");
  assert.equal(formatDurationDelta(0), "±0 ms");
  assert.equal(formatDurationDelta(null), "—");
});

test("formatTokens is compact", () => {
  const cases: Array<[number, string]> = [
    [0, "0"],
    [850, "850"],
    [999, "999"],
    [1000, "1k"],
    [1234, "1.2k"],
    [12_345, "12k"],
    [999_600, "1M"],
    [3_400_000, "3.4M"],
    [2_000_000_000, "2B"],
  ];
  for (const [n, want] of cases) assert.equal(formatTokens(n), want, `formatTokens(${n})`);
  assert.equal(formatTokens(null), "—");
  assert.equal(formatTokensDelta(35), "+35");
  assert.equal(formatTokensDelta(-1200), "-1.2k");
  assert.equal(formatTokensDelta(0), "±0");
});

test("formatCost keeps two significant digits under a dollar", () => {
  const cases: Array<[number, string]> = [
    [0, "$0"],
    [0.00004, "<$0.0001"],
    [0.0031, "$0.0031"],
    [0.00314, "$0.0031"],
    [0.042, "$0.042"],
    [0.4249, "$0.42"],
    [0.999, "$1.00"],
    [1.244, "$1.24"],
    [1234.5, "$1,235"],
  ];
  for (const [usd, want] of cases) assert.equal(formatCost(usd), want, `formatCost(${usd})`);
  assert.equal(formatCost(null), "—");
  assert.equal(formatCostDelta(0.0012), "+$0.0012");
  assert.equal(formatCostDelta(-1.2), "-$1.20");
  assert.equal(formatCostDelta(0), "±$0");
});

test("formatRatio shows a percentage change", () => {
  assert.equal(formatRatio(1.35), "+35%");
  assert.equal(formatRatio(0.5), "-50%");
  assert.equal(formatRatio(1), "±0%");
  assert.equal(formatRatio(1.054), "+5.4%");
  assert.equal(formatRatio(12.5), "×12.5");
  assert.equal(formatRatio(null), "—");
});

test("formatCount groups thousands independently of the locale", () => {
  assert.equal(formatCount(1234), "1,234");
  assert.equal(formatCount(1_234_567), "1,234,567");
  assert.equal(formatCount(0), "0");
});

test("formatAge is relative and tolerates clock skew", () => {
  const now = 1_750_000_000_000;
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  const cases: Array<[number, string]> = [
    [-10 * s, "just now"],
    [2 * s, "just now"],
    [42 * s, "42s ago"],
    [3 * m + 10 * s, "3m ago"],
    [59 * m, "59m ago"],
    [5 * h, "5h ago"],
    [2 * d, "2d ago"],
    [20 * d, "2w ago"],
    [100 * d, "3mo ago"],
    [800 * d, "2y ago"],
  ];
  for (const [ago, want] of cases) assert.equal(formatAge(now, now - ago), want, `${ago} ms ago`);
  assert.equal(formatAge(now, Number.NaN), "—");
});

test("badgeClass: error wins, then pass/fail, else neutral", () => {
  assert.equal(badgeClass({ pass: true, error: false }), "assess-pass");
  assert.equal(badgeClass({ pass: false, error: false }), "assess-fail");
  assert.equal(badgeClass({ pass: null, error: false }), "assess-neutral");
  assert.equal(badgeClass({ pass: true, error: true }), "assess-error");
  assert.equal(badgeGlyph({ pass: true, error: false, text: "yes" }), "✓");
  assert.equal(badgeGlyph({ pass: false, error: false, text: "no" }), "✗");
  assert.equal(badgeGlyph({ pass: null, error: false, text: "0.82" }), "0.82");
  assert.equal(badgeGlyph({ pass: null, error: false, text: "a very long label" }), "a ver…");
  assert.equal(badgeGlyph({ pass: null, error: true, text: "boom" }), "!");
});

test("filterErrorCaret maps a 1-based filter column into the excerpt", () => {
  const f = "trace.status = 'ERROR' OR span.type = 'TOOL'";
  const col = f.indexOf("OR") + 1;
  assert.equal(filterErrorCaret(f, { column: col, excerpt: f }), col - 1);
  const excerpt = "'ERROR' OR span";
  assert.equal(filterErrorCaret(f, { column: col, excerpt }), excerpt.indexOf("OR"));
  assert.equal(filterErrorCaret(f, { column: col, excerpt: `…${excerpt}…` }), excerpt.indexOf("OR") + 1);
  // past the end (e.g. "unexpected end of input") clamps to the end of the excerpt
  assert.equal(filterErrorCaret("trace.status =", { column: 99, excerpt: "trace.status =" }), 14);
  // an excerpt not found in the filter: fall back to the column itself
  assert.equal(filterErrorCaret("abc", { column: 2, excerpt: "xyz" }), 1);
});

test("windowAround keeps the caret visible in a narrow box", () => {
  const text = "0123456789abcdefghijklmnopqrstuvwxyz";
  assert.deepEqual(windowAround(text, 3, 100), { text, caret: 3 });
  const w = windowAround(text, 30, 12);
  assert.equal(w.text.length, 12);
  assert.ok(w.text.startsWith("…"));
  assert.equal(w.text[w.caret], "u");
  const start = windowAround(text, 1, 12);
  assert.equal(start.text[start.caret], "1");
  assert.ok(start.text.endsWith("…"));
  const mid = windowAround(text, 18, 12);
  assert.equal(mid.text[mid.caret], "i");
  assert.equal(mid.text.length, 12);
});
