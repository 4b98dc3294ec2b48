import assert from "node:assert/strict";
import { test } from "node:test";
import type { SpanSkeleton } from "../../../protocol/model";
import { ancestorsOf, buildSpanTree, childrenOf, flattenVisible, spanExtentMs } from "../../../protocol/spanTree";

function span(spanId: string, parentSpanId: string | null, startMs = 0, durationMs = 1, extra: Partial<SpanSkeleton> = {}): SpanSkeleton {
  return {
    spanId,
    parentSpanId,
    name: spanId,
    spanType: "UNKNOWN",
    startMs,
    durationMs,
    statusCode: "OK",
    model: null,
    totalTokens: null,
    ...extra,
  };
}

test("children are sorted by start time, ties keep input order; depth is computed", () => {
  const t = buildSpanTree([span("c", "root", 30), span("a", "root", 10), span("root", null, 0, 100), span("b2", "root", 20), span("b1", "root", 20), span("a1", "a", 11)]);
  assert.deepEqual(t.roots, ["root"]);
  assert.deepEqual(childrenOf(t, "root"), ["a", "b2", "b1", "c"]);
  assert.deepEqual(childrenOf(t, "a1"), []);
  assert.equal(t.depth.get("root"), 0);
  assert.equal(t.depth.get("a1"), 2);
  assert.equal(t.parentOf.get("a1"), "a");
  assert.equal(t.orphanIds.size, 0);
  assert.deepEqual(flattenVisible(t, new Set()), ["root", "a", "a1", "b2", "b1", "c"]);
  assert.deepEqual(ancestorsOf(t, "a1"), ["a", "root"]);
  assert.equal(spanExtentMs(t), 100);
});

test("spans whose parent is missing are re-parented under the root and flagged, never dropped", () => {
  const t = buildSpanTree([span("x", "missing", 5), span("root", null, 0), span("y", "x", 6), span("z", "gone", 1)]);
  assert.deepEqual(t.roots, ["root"]);
  assert.deepEqual(childrenOf(t, "root"), ["z", "x"]);
  assert.deepEqual(childrenOf(t, "x"), ["y"]);
  assert.deepEqual([...t.orphanIds].sort(), ["x", "z"]);
  assert.equal(t.depth.get("y"), 2);
  assert.equal(t.byId.size, 4);
});

test("without a root, orphans become roots", () => {
  const t = buildSpanTree([span("b", "p1", 2), span("a", "p2", 1), span("a1", "a", 3)]);
  assert.deepEqual(t.roots, ["a", "b"]);
  assert.deepEqual([...t.orphanIds].sort(), ["a", "b"]);
  assert.deepEqual(flattenVisible(t, new Set()), ["a", "a1", "b"]);
});

test("the earliest parentless span is the root that orphans join; other parentless spans stay roots", () => {
  const t = buildSpanTree([span("late", null, 50), span("early", null, 0), span("o", "nope", 60)]);
  assert.deepEqual(t.roots, ["early", "late"]);
  assert.deepEqual(childrenOf(t, "early"), ["o"]);
});

test("cycles are broken and every span stays in the tree", () => {
  // a -> b -> c -> a (cycle), d -> c, plus a normal root with a child
  const t = buildSpanTree([
    span("root", null, 0),
    span("k", "root", 1),
    span("a", "c", 2),
    span("b", "a", 3),
    span("c", "b", 4),
    span("d", "c", 5),
    span("self", "self", 6),
  ]);
  const rows = flattenVisible(t, new Set());
  assert.equal(rows.length, 7);
  assert.deepEqual([...rows].sort(), ["a", "b", "c", "d", "k", "root", "self"]);
  assert.ok(t.cycleIds.size === 2, `cycleIds ${[...t.cycleIds]}`);
  assert.ok(t.cycleIds.has("self"));
  for (const id of t.cycleIds) {
    assert.equal(t.parentOf.get(id), "root");
    assert.ok(t.orphanIds.has(id));
  }
  for (const id of rows) assert.ok(ancestorsOf(t, id).length < 7);
  // depths are consistent with parents
  for (const id of rows) {
    const p = t.parentOf.get(id);
    assert.equal(t.depth.get(id), p === null || p === undefined ? 0 : t.depth.get(p)! + 1);
  }
});

test("a pure cycle with no root at all becomes roots", () => {
  const t = buildSpanTree([span("a", "b", 1), span("b", "a", 2)]);
  assert.equal(t.roots.length, 1);
  assert.deepEqual(flattenVisible(t, new Set()).sort(), ["a", "b"]);
});

test("duplicate span ids keep the last copy", () => {
  const t = buildSpanTree([span("root", null, 0), span("a", "root", 1, 1, { name: "first" }), span("a", "root", 1, 5, { name: "second" })]);
  assert.equal(t.byId.get("a")!.name, "second");
  assert.equal(t.duplicateCount, 1);
  assert.deepEqual(flattenVisible(t, new Set()), ["root", "a"]);
});

test("flattenVisible skips the descendants of collapsed spans", () => {
  const t = buildSpanTree([
    span("root", null, 0),
    span("a", "root", 1),
    span("a1", "a", 2),
    span("a2", "a", 3),
    span("a2x", "a2", 4),
    span("b", "root", 5),
    span("b1", "b", 6),
  ]);
  assert.deepEqual(flattenVisible(t, new Set(["a"])), ["root", "a", "b", "b1"]);
  assert.deepEqual(flattenVisible(t, new Set(["a2", "b"])), ["root", "a", "a1", "a2", "b"]);
  assert.deepEqual(flattenVisible(t, new Set(["root"])), ["root"]);
  // collapsing a leaf changes nothing
  assert.deepEqual(flattenVisible(t, new Set(["b1"])), ["root", "a", "a1", "a2", "a2x", "b", "b1"]);
});

test("a 50,000-deep chain builds and flattens without stack overflow", () => {
  const n = 50_000;
  const spans: SpanSkeleton[] = [];
  // shuffled order (parents after children) to exercise out-of-order arrival
  for (let i = n - 1; i >= 0; i--) spans.push(span(`s${i}`, i === 0 ? null : `s${i - 1}`, i, n - i));
  const started = performance.now();
  const t = buildSpanTree(spans);
  const rows = flattenVisible(t, new Set());
  const ms = performance.now() - started;
  assert.equal(rows.length, n);
  assert.equal(rows[0], "s0");
  assert.equal(rows[n - 1], `s${n - 1}`);
  assert.equal(t.depth.get(`s${n - 1}`), n - 1);
  assert.equal(ancestorsOf(t, `s${n - 1}`).length, n - 1);
  assert.ok(ms < 2000, `took ${ms} ms`);
  // a cycle that long is also fine
  const cyc = spans.map((s) => (s.spanId === "s0" ? { ...s, parentSpanId: `s${n - 1}` } : s));
  const tc = buildSpanTree(cyc);
  assert.equal(flattenVisible(tc, new Set()).length, n);
  assert.equal(tc.cycleIds.size, 1);
});

test("a 50,000-wide trace builds and sorts quickly", () => {
  const n = 50_000;
  const spans: SpanSkeleton[] = [span("root", null, 0, n)];
  for (let i = 0; i < n; i++) spans.push(span(`c${i}`, "root", (i * 7919) % n, 1));
  const started = performance.now();
  const t = buildSpanTree(spans);
  const rows = flattenVisible(t, new Set());
  const ms = performance.now() - started;
  assert.equal(rows.length, n + 1);
  const kids = childrenOf(t, "root");
  for (let i = 1; i < kids.length; i++) assert.ok(t.byId.get(kids[i - 1]!)!.startMs <= t.byId.get(kids[i]!)!.startMs);
  assert.deepEqual(flattenVisible(t, new Set(["root"])), ["root"]);
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test("an empty trace is an empty tree", () => {
  const t = buildSpanTree([]);
  assert.deepEqual(t.roots, []);
  assert.deepEqual(flattenVisible(t, new Set()), []);
  assert.equal(spanExtentMs(t), 0);
});
