import { test } from "node:test";
import assert from "node:assert/strict";
import type { AttrValue } from "../../../../protocol/model";
import { unflattenIndexed } from "../../../../server/normalize/flatList";
import { decodeJson, parseJsonContainer, setIfAbsent, toNumber, toTagValue } from "../../../../server/normalize/jsonValue";

const entry = (index: number, path: string, value: AttrValue) => ({ index, path, value });

test("unflattenIndexed builds nested objects and arrays from dotted paths", () => {
  assert.deepEqual(
    unflattenIndexed([
      entry(1, "a.b", "x"),
      entry(0, "list.1.v", 2),
      entry(0, "list.0.v", 1),
      entry(2, "", "scalar"),
    ]),
    [{ list: [{ v: 1 }, { v: 2 }] }, { a: { b: "x" } }, "scalar"],
  );
  // A container wins over a scalar at the same spot, whatever the order.
  assert.deepEqual(unflattenIndexed([entry(0, "a", "leaf"), entry(0, "a.b", 1)]), [{ a: { b: 1 } }]);
  assert.deepEqual(unflattenIndexed([entry(0, "a.b", 1), entry(0, "a", "leaf")]), [{ a: { b: 1 } }]);
});

test("JSON helpers never throw and keep raw strings on failure", () => {
  assert.equal(decodeJson('"LLM"'), "LLM");
  assert.equal(decodeJson("LLM"), "LLM");
  assert.equal(decodeJson("{oops"), "{oops");
  assert.equal(decodeJson("12"), 12);
  assert.deepEqual(parseJsonContainer('  {"a": [1]} '), { a: [1] });
  assert.equal(parseJsonContainer("12"), "12");
  assert.equal(parseJsonContainer("[oops"), "[oops");
  assert.equal(toNumber("42"), 42);
  assert.equal(toNumber("4.5e3"), 4500);
  assert.equal(toNumber(""), null);
  assert.equal(toNumber("   "), null);
  assert.equal(toNumber("abc"), null);
  assert.equal(toNumber(Number.NaN), null);
  assert.equal(toTagValue("s"), "s");
  assert.equal(toTagValue(3), "3");
  assert.equal(toTagValue({ a: true }), '{"a":true}');
  assert.equal(toTagValue(null), "null");
  const map: Record<string, string> = {};
  setIfAbsent(map, "constructor", "c");
  setIfAbsent(map, "constructor", "ignored");
  assert.deepEqual(map, { constructor: "c" });
});
