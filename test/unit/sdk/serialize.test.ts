import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SPAN_TYPES as PROTOCOL_SPAN_TYPES } from "../../../protocol/model";
import { SPAN_TYPES, toJsonString, TRUNCATED_MARKER_KEY } from "../../../sdk/index";
import { parseStackFrame } from "../../../sdk/tracing/callsite";
import { buildInputs, parseParameterNames } from "../../../sdk/tracing/inputs";

describe("toJsonString", () => {
  it("handles cycles, shared references, bigint, functions, symbols, non-finite numbers", () => {
    const shared = { id: 1 };
    const value: Record<string, unknown> = { a: shared, b: shared, n: 10n, f: function named() {}, s: Symbol("x"), nan: NaN, u: undefined };
    value["self"] = value;
    value["list"] = [1, value, undefined];
    assert.deepEqual(JSON.parse(toJsonString(value)), {
      a: { id: 1 },
      b: { id: 1 },
      n: "10",
      f: "[Function: named]",
      s: "Symbol(x)",
      nan: "NaN",
      self: "[Circular]",
      list: [1, "[Circular]", null],
    });
  });

  it("handles Errors, Maps, Sets, Dates, binary data, toJSON and throwing getters", () => {
    const error = new Error("boom", { cause: "root cause" });
    const tricky = {
      get bad(): never {
        throw new Error("getter exploded");
      },
      good: 1,
    };
    const parsed = JSON.parse(
      toJsonString({
        error,
        map: new Map<unknown, unknown>([["k", 1], [2, "two"]]),
        set: new Set([1, 2]),
        date: new Date(0),
        bytes: new Uint8Array(4),
        url: new URL("http://example.com/x"),
        tricky,
      }),
    ) as Record<string, unknown>;
    const serializedError = parsed["error"] as Record<string, unknown>;
    assert.equal(serializedError["name"], "Error");
    assert.equal(serializedError["message"], "boom");
    assert.equal(serializedError["cause"], "root cause");
    assert.match(String(serializedError["stack"]), /boom/);
    assert.deepEqual(parsed["map"], { k: 1, "2": "two" });
    assert.deepEqual(parsed["set"], [1, 2]);
    assert.equal(parsed["date"], "1970-01-01T00:00:00.000Z");
    assert.equal(parsed["bytes"], "[Uint8Array(4)]");
    assert.equal(parsed["url"], "http://example.com/x");
    assert.deepEqual(parsed["tricky"], { bad: "[Unserializable: getter exploded]", good: 1 });
  });

  it("top-level undefined is null, strings are JSON strings", () => {
    assert.equal(toJsonString(undefined), "null");
    assert.equal(toJsonString("hi"), '"hi"');
  });

  it("truncates huge values with markers and stays valid JSON", () => {
    const longString = "x".repeat(200_000);
    const parsedString = JSON.parse(toJsonString(longString)) as string;
    assert.ok(parsedString.length < 110_000);
    assert.match(parsedString, /…\[truncated 100000 chars\]$/);

    const longArray = Array.from({ length: 5000 }, (_, index) => index);
    const parsedArray = JSON.parse(toJsonString(longArray)) as unknown[];
    assert.equal(parsedArray.length, 1001);
    assert.equal(parsedArray[1000], "[… 4000 more items]");

    const big = Array.from({ length: 900 }, () => "y".repeat(5000));
    const text = toJsonString(big, { maxChars: 50_000 });
    assert.ok(text.length <= 60_000, `length ${text.length}`);
    const marker = JSON.parse(text) as Record<string, unknown>;
    assert.equal(marker[TRUNCATED_MARKER_KEY], true);
    assert.equal(typeof marker["originalLength"], "number");
    assert.equal(typeof marker["preview"], "string");

    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 100; i++) {
      const next: Record<string, unknown> = {};
      deep["d"] = next;
      deep = next;
    }
    assert.match(toJsonString(top), /\[MaxDepth\]/);
  });
});

describe("inputs from arguments", () => {
  it("parses simple parameter lists and refuses the rest", () => {
    assert.deepEqual(parseParameterNames(function f(a: number, b = "x,y", ...rest: number[]) {
      return [a, b, rest];
    }), { names: ["a", "b"], rest: "rest" });
    assert.deepEqual(parseParameterNames((q: string) => q), { names: ["q"], rest: null });
    assert.deepEqual(parseParameterNames(async (a: number, b = Math.max(1, 2)) => a + b), { names: ["a", "b"], rest: null });
    const obj = {
      method(x: number, /* comment, here */ y: number) {
        return x + y;
      },
    };
    assert.deepEqual(parseParameterNames(obj.method), { names: ["x", "y"], rest: null });
    assert.equal(parseParameterNames(({ a }: { a: number }) => a), null);
    assert.equal(parseParameterNames(Math.max), null);
    assert.equal(parseParameterNames(obj.method.bind(obj)), null);
  });

  it("builds inputs", () => {
    const params = { names: ["a", "b"], rest: null };
    assert.deepEqual(buildInputs([], params), {});
    assert.deepEqual(buildInputs([{ k: 1 }], params), { k: 1 });
    assert.deepEqual(buildInputs([[1, 2]], params), { a: [1, 2] });
    assert.deepEqual(buildInputs([1], params), { a: 1 });
    assert.deepEqual(buildInputs([1, 2, 3], params), { args: [1, 2, 3] });
    assert.deepEqual(buildInputs([1, 2], null), { args: [1, 2] });
  });
});

describe("misc", () => {
  it("SDK span types match protocol/model.ts", () => {
    assert.deepEqual([...SPAN_TYPES], [...PROTOCOL_SPAN_TYPES]);
  });

  it("parses V8 stack frames", () => {
    assert.deepEqual(parseStackFrame("    at myFn (/app/src/a.ts:10:5)"), { functionName: "myFn", filePath: "/app/src/a.ts", line: 10, column: 5 });
    assert.deepEqual(parseStackFrame("    at async Foo.run (file:///app/b.mjs:3:7)"), { functionName: "Foo.run", filePath: "/app/b.mjs", line: 3, column: 7 });
    assert.deepEqual(parseStackFrame("    at /app/c.js:1:2"), { functionName: null, filePath: "/app/c.js", line: 1, column: 2 });
    assert.equal(parseStackFrame("    at Array.map (<anonymous>)"), null);
  });
});
