/** Span alignment of two traces (compare panel). */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SpanRecord, SpanType, TraceSummary } from "../../../protocol/model";
import {
  alignTraces,
  compareNanos,
  flattenPreorder,
  latencyVerdict,
  rowHasDifference,
  spanDurationMs,
  summaryDeltas,
} from "../../../protocol/traceAlign";

let nextId = 1;
const T0 = 1_750_000_000_000_000_000n;

interface SpanInit {
  name: string;
  parent?: SpanRecord | null;
  type?: SpanType;
  startMs?: number;
  durMs?: number;
  inputs?: unknown;
  outputs?: unknown;
  status?: SpanRecord["statusCode"];
  tokens?: number | null;
}

function span(init: SpanInit): SpanRecord {
  const id = (nextId++).toString(16).padStart(16, "0");
  const start = T0 + BigInt(Math.round((init.startMs ?? 0) * 1e6));
  const end = start + BigInt(Math.round((init.durMs ?? 10) * 1e6));
  return {
    traceId: "a".repeat(32),
    spanId: id,
    parentSpanId: init.parent ? init.parent.spanId : null,
    name: init.name,
    kind: 1,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    statusCode: init.status ?? "OK",
    statusMessage: "",
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: { name: "test", version: "1" },
    spanType: init.type ?? "CHAIN",
    inputs: init.inputs ?? null,
    outputs: init.outputs ?? null,
    model: null,
    provider: null,
    usage: init.tokens === undefined || init.tokens === null ? null : { inputTokens: null, outputTokens: null, totalTokens: init.tokens },
    cost: null,
    error: null,
    sessionId: null,
    userId: null,
    tags: {},
    metadata: {},
    conventions: [],
  };
}

/** root → [retrieve, llm → [tool]] with start times in order. */
function agentTrace(opts: { llmOut?: string; extraTool?: boolean; llmDur?: number } = {}): SpanRecord[] {
  const root = span({ name: "agent", type: "AGENT", durMs: 1000, inputs: { q: "hi" } });
  const retrieve = span({ name: "retrieve", type: "RETRIEVER", parent: root, startMs: 1, inputs: { q: "hi" }, outputs: ["doc"] });
  const llm = span({
    name: "chat",
    type: "LLM",
    parent: root,
    startMs: 20,
    durMs: opts.llmDur ?? 500,
    inputs: { messages: [{ role: "user", content: "hi" }] },
    outputs: opts.llmOut ?? "hello",
    tokens: 100,
  });
  const tool = span({ name: "search", type: "TOOL", parent: llm, startMs: 30, inputs: { q: "x" }, outputs: { n: 1 } });
  const spans = [tool, llm, root, retrieve]; // unordered on purpose
  if (opts.extraTool) spans.push(span({ name: "calculator", type: "TOOL", parent: llm, startMs: 40, inputs: "1+1" }));
  return spans;
}

test("compareNanos compares decimal strings numerically, leading zeros included", () => {
  assert.ok(compareNanos("9", "10") < 0);
  assert.ok(compareNanos("100", "99") > 0);
  assert.equal(compareNanos("0010", "10"), 0);
  assert.ok(compareNanos("1750000000000000001", "1750000000000000000") > 0);
});

test("spanDurationMs uses nanosecond precision and never goes negative", () => {
  const s = span({ name: "x", durMs: 1.5 });
  assert.equal(spanDurationMs(s), 1.5);
  assert.equal(spanDurationMs({ startTimeUnixNano: "100", endTimeUnixNano: "50" }), 0);
});

test("flattenPreorder orders children by start time and computes depth", () => {
  const flat = flattenPreorder(agentTrace());
  assert.deepEqual(
    flat.map((f) => `${f.depth}:${f.span.name}`),
    ["0:agent", "1:retrieve", "1:chat", "2:search"],
  );
});

test("flattenPreorder treats orphans as roots and survives parent cycles", () => {
  const a = span({ name: "a" });
  const b = span({ name: "b", parent: a, startMs: 1 });
  a.parentSpanId = b.spanId; // a ↔ b cycle
  const orphan = span({ name: "orphan", startMs: 5 });
  orphan.parentSpanId = "ffffffffffffffff";
  const flat = flattenPreorder([a, b, orphan]);
  assert.equal(flat.length, 3);
  assert.deepEqual(new Set(flat.map((f) => f.span.name)), new Set(["a", "b", "orphan"]));
  assert.equal(flat.find((f) => f.span.name === "orphan")?.depth, 0);
});

test("flattenPreorder is iterative: a 20,000-deep chain does not overflow the stack", () => {
  const spans: SpanRecord[] = [];
  let parent: SpanRecord | null = null;
  for (let i = 0; i < 20_000; i++) {
    const s = span({ name: `s${i}`, parent, startMs: i });
    spans.push(s);
    parent = s;
  }
  const flat = flattenPreorder(spans);
  assert.equal(flat.length, 20_000);
  assert.equal(flat[19_999]?.depth, 19_999);
});

test("identical traces align one to one with no differences", () => {
  const al = alignTraces(agentTrace(), agentTrace());
  assert.equal(al.method, "lcs");
  assert.equal(al.rows.length, 4);
  assert.deepEqual(al.stats, { matched: 4, onlyLeft: 0, onlyRight: 0, changed: 0 });
  for (const r of al.rows) {
    assert.ok(r.left && r.right);
    assert.equal(r.left.name, r.right.name);
    assert.ok(!rowHasDifference(r), r.left.name);
  }
  const chat = al.rows[2];
  assert.equal(chat?.changes.inputs, "same");
  assert.equal(chat?.changes.tokensDelta, 0);
  assert.equal(chat?.changes.latencyDeltaMs, 0);
  assert.equal(chat?.changes.latencyRatio, 1);
  assert.equal(al.rows[3]?.changes.outputs, "same");
});

test("an extra span on the right becomes a gap on the left", () => {
  const al = alignTraces(agentTrace(), agentTrace({ extraTool: true }));
  assert.equal(al.rows.length, 5);
  const extra = al.rows[4];
  assert.equal(extra?.left, null);
  assert.equal(extra?.right?.name, "calculator");
  assert.equal(extra?.depth, 2);
  assert.equal(extra?.changes.status, "only-right");
  assert.equal(extra?.changes.inputs, "only-right");
  assert.equal(extra?.changes.outputs, "none");
  assert.equal(al.stats.onlyRight, 1);
});

test("a removed span becomes a gap on the right, in tree position", () => {
  const left = agentTrace({ extraTool: true });
  const right = agentTrace();
  const al = alignTraces(left, right);
  assert.deepEqual(
    al.rows.map((r) => [r.left?.name ?? null, r.right?.name ?? null]),
    [
      ["agent", "agent"],
      ["retrieve", "retrieve"],
      ["chat", "chat"],
      ["search", "search"],
      ["calculator", null],
    ],
  );
});

test("changed outputs, status, latency and tokens are reported per row", () => {
  const left = agentTrace();
  const right = agentTrace({ llmOut: "goodbye", llmDur: 1500 });
  const chatR = right.find((s) => s.name === "chat") as SpanRecord;
  chatR.statusCode = "ERROR";
  chatR.usage = { inputTokens: null, outputTokens: null, totalTokens: 160 };
  const al = alignTraces(left, right);
  const chat = al.rows.find((r) => r.left?.name === "chat");
  assert.ok(chat);
  assert.equal(chat.changes.inputs, "same");
  assert.equal(chat.changes.outputs, "changed");
  assert.equal(chat.changes.status, "changed");
  assert.equal(chat.changes.latencyDeltaMs, 1000);
  assert.equal(chat.changes.latencyRatio, 3);
  assert.equal(chat.changes.tokensDelta, 60);
  assert.equal(latencyVerdict(chat.changes), "slower");
  assert.ok(rowHasDifference(chat));
  assert.equal(al.stats.changed, 1);
});

test("key order in inputs does not count as a change; missing tokens give a null delta", () => {
  const l = span({ name: "x", inputs: { a: 1, b: { c: 2, d: 3 } }, tokens: 5 });
  const r = span({ name: "x", inputs: { b: { d: 3, c: 2 }, a: 1 } });
  const al = alignTraces([l], [r]);
  assert.equal(al.rows[0]?.changes.inputs, "same");
  assert.equal(al.rows[0]?.changes.outputs, "none");
  assert.equal(al.rows[0]?.changes.tokensDelta, null);
});

test("inputs present on one side only", () => {
  const al = alignTraces([span({ name: "x", inputs: "q" })], [span({ name: "x", inputs: "" })]);
  assert.equal(al.rows[0]?.changes.inputs, "only-left");
});

test("spans with the same name at a different depth or type do not match", () => {
  const rootL = span({ name: "root" });
  const l = [rootL, span({ name: "step", parent: rootL, startMs: 1, type: "TOOL" })];
  const rootR = span({ name: "root" });
  const r = [rootR, span({ name: "step", parent: rootR, startMs: 1, type: "LLM" })];
  const al = alignTraces(l, r);
  assert.equal(al.rows.length, 3);
  assert.equal(al.stats.matched, 1);
  assert.equal(al.stats.onlyLeft, 1);
  assert.equal(al.stats.onlyRight, 1);
});

test("repeated names align in order (LCS), e.g. an extra loop iteration", () => {
  const mk = (n: number): SpanRecord[] => {
    const root = span({ name: "loop" });
    const out = [root];
    for (let i = 0; i < n; i++) out.push(span({ name: i % 2 === 0 ? "think" : "act", parent: root, startMs: i + 1 }));
    return out;
  };
  const al = alignTraces(mk(4), mk(6));
  assert.equal(al.stats.matched, 5);
  assert.equal(al.stats.onlyRight, 2);
  assert.deepEqual(
    al.rows.slice(-2).map((r) => [r.left, r.right?.name]),
    [
      [null, "think"],
      [null, "act"],
    ],
  );
});

test("above the cell budget the greedy fallback still aligns every span exactly once", () => {
  const mk = (names: string[]): SpanRecord[] => {
    const root = span({ name: "root" });
    return [root, ...names.map((n, i) => span({ name: n, parent: root, startMs: i + 1 }))];
  };
  const left = mk(["a", "b", "c", "d", "e", "f"]);
  const right = mk(["a", "x", "c", "d", "y", "f"]);
  const exact = alignTraces(left, right);
  const greedy = alignTraces(left, right, { maxCells: 1 });
  assert.equal(exact.method, "lcs");
  assert.equal(greedy.method, "greedy");
  for (const al of [exact, greedy]) {
    const ls = al.rows.flatMap((r) => (r.left ? [r.left.spanId] : []));
    const rs = al.rows.flatMap((r) => (r.right ? [r.right.spanId] : []));
    assert.deepEqual(ls, flattenPreorder(left).map((f) => f.span.spanId));
    assert.deepEqual(rs, flattenPreorder(right).map((f) => f.span.spanId));
    assert.equal(al.stats.matched, 5); // root, a, c, d, f
  }
});

test("a large pair of traces aligns quickly", () => {
  const mk = (n: number, skipEvery: number): SpanRecord[] => {
    const root = span({ name: "root" });
    const out = [root];
    for (let i = 0; i < n; i++) if (i % skipEvery !== 3) out.push(span({ name: `step-${i % 50}`, parent: root, startMs: i + 1 }));
    return out;
  };
  const started = Date.now();
  const al = alignTraces(mk(3000, 7), mk(3000, 11));
  assert.equal(al.method, "lcs");
  assert.ok(Date.now() - started < 5000, "took too long");
  assert.ok(al.stats.matched > 2000);
});

test("summaryDeltas colours lower-is-better metrics and ignores noise", () => {
  const base = {
    traceId: "a".repeat(32),
    requestId: "tr-x",
    name: "t",
    state: "OK",
    startTimeMs: 0,
    endTimeMs: 1000,
    durationMs: 1000,
    spanCount: 4,
    errorCount: 0,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 1000,
    costUsd: 0.01,
    requestPreview: "",
    responsePreview: "",
    tags: {},
    metadata: {},
    sessionId: null,
    userId: null,
    serviceName: null,
    hasRoot: true,
  } satisfies TraceSummary;
  const d = summaryDeltas(base, { ...base, durationMs: 1020, totalTokens: 800, costUsd: null, spanCount: 6, errorCount: 1 });
  const by = Object.fromEntries(d.map((m) => [m.key, m]));
  assert.equal(by.duration?.verdict, "same"); // +2%
  assert.equal(by.tokens?.verdict, "better");
  assert.equal(by.tokens?.delta, -200);
  assert.equal(by.cost?.verdict, "unknown");
  assert.equal(by.spans?.verdict, "changed");
  assert.equal(by.errors?.verdict, "worse");
});
