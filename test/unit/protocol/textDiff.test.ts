/** Sequence alignment, line diff and stable JSON text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { alignSequences, diffLines, displayText, hasContent, splitLines, stableStringify } from "../../../protocol/textDiff";

function lcsLength(steps: ReadonlyArray<readonly [number | null, number | null]>): number {
  return steps.filter(([i, j]) => i !== null && j !== null).length;
}

test("alignSequences finds a longest common subsequence", () => {
  const a = ["a", "b", "c", "a", "b", "b", "a"];
  const b = ["c", "b", "a", "b", "a", "c"];
  const { steps, method } = alignSequences(a, b);
  assert.equal(method, "lcs");
  assert.equal(lcsLength(steps), 4);
  // every index appears exactly once, in order
  assert.deepEqual(steps.flatMap(([i]) => (i === null ? [] : [i])), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(steps.flatMap(([, j]) => (j === null ? [] : [j])), [0, 1, 2, 3, 4, 5]);
  for (const [i, j] of steps) if (i !== null && j !== null) assert.equal(a[i], b[j]);
});

test("alignSequences handles empty sides and emits deletions before insertions", () => {
  assert.deepEqual(alignSequences([], []).steps, []);
  assert.deepEqual(alignSequences(["x"], []).steps, [[0, null]]);
  assert.deepEqual(alignSequences([], ["x"]).steps, [[null, 0]]);
  assert.deepEqual(alignSequences(["a", "x", "b"], ["a", "y", "b"]).steps, [
    [0, 0],
    [1, null],
    [null, 1],
    [2, 2],
  ]);
});

test("the greedy fallback resynchronizes after an insertion", () => {
  const a = ["1", "2", "3", "4", "5", "6"];
  const b = ["1", "2", "new", "3", "4", "5", "6"];
  // the prefix/suffix trim makes even greedy exact here; force the middle through greedy
  const r = alignSequences(["s", ...a, "t"], ["u", ...b, "v"], 1);
  assert.equal(r.method, "greedy");
  assert.equal(lcsLength(r.steps), 6);
});

test("splitLines ignores one trailing newline", () => {
  assert.deepEqual(splitLines(""), []);
  assert.deepEqual(splitLines("a\nb\n"), ["a", "b"]);
  assert.deepEqual(splitLines("a\r\nb"), ["a", "b"]);
  assert.deepEqual(splitLines("\n"), [""]);
});

test("diffLines pairs removed and added lines into changed rows", () => {
  const left = ["{", '  "a": 1,', '  "b": 2,', '  "c": 3', "}"].join("\n");
  const right = ["{", '  "a": 1,', '  "b": 20,', '  "c": 3,', '  "d": 4', "}"].join("\n");
  const d = diffLines(left, right);
  assert.deepEqual(
    d.lines.map((l) => l.kind),
    ["same", "same", "changed", "changed", "added", "same"],
  );
  const changed = d.lines[2];
  assert.equal(changed?.left, '  "b": 2,');
  assert.equal(changed?.right, '  "b": 20,');
  assert.equal(changed?.leftNo, 3);
  assert.equal(changed?.rightNo, 3);
  const added = d.lines[4];
  assert.equal(added?.left, null);
  assert.equal(added?.leftNo, null);
  assert.equal(added?.rightNo, 5);
  assert.equal(d.changes, 3);
});

test("diffLines of identical or empty texts", () => {
  assert.equal(diffLines("x\ny", "x\ny").changes, 0);
  const onlyRight = diffLines("", "a\nb");
  assert.deepEqual(onlyRight.lines.map((l) => l.kind), ["added", "added"]);
  assert.deepEqual(diffLines("a", "").lines.map((l) => l.kind), ["removed"]);
});

test("stableStringify sorts keys at every level and keeps arrays in order", () => {
  assert.equal(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(stableStringify(undefined), "");
  assert.equal(stableStringify("s"), '"s"');
  let deep: unknown = 1;
  for (let i = 0; i < 500; i++) deep = { k: deep };
  assert.ok(stableStringify(deep).startsWith('{"k":'));
});

test("displayText: strings as they are, JSON pretty with sorted keys, capped", () => {
  assert.equal(displayText("line 1\nline 2"), "line 1\nline 2");
  assert.equal(displayText({ b: 1, a: 2 }), '{\n  "a": 2,\n  "b": 1\n}');
  assert.equal(displayText(null), "");
  const big = displayText("x".repeat(50), 10);
  assert.ok(big.startsWith("xxxxxxxxxx\n… (40 more characters not shown)"));
});

test("hasContent", () => {
  assert.equal(hasContent(null), false);
  assert.equal(hasContent(""), false);
  assert.equal(hasContent({}), false);
  assert.equal(hasContent([]), false);
  assert.equal(hasContent(0), true);
  assert.equal(hasContent(false), true);
  assert.equal(hasContent({ a: null }), true);
});
