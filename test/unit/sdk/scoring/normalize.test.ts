import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FeedbackResult } from "../../../../protocol/scoring";
import { Feedback, INVALID_RETURN_ERROR_TYPE, normalizeScorerReturn, scorer } from "../../../../sdk/index";

const ALLOWED = "return a boolean, number, string, Feedback, Feedback[] or undefined";

function only(results: FeedbackResult[]): FeedbackResult {
  assert.equal(results.length, 1, `expected one Feedback, got ${JSON.stringify(results)}`);
  return results[0] as FeedbackResult;
}

function plain(name: string, value: unknown): FeedbackResult {
  return { name, value, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: name } };
}

function assertInvalid(results: FeedbackResult[], name: string, message: string | RegExp): void {
  const result = only(results);
  assert.equal(result.name, name);
  assert.equal(result.value, null);
  assert.equal(result.error?.type, INVALID_RETURN_ERROR_TYPE);
  assert.equal(result.error?.stack, null);
  assert.deepEqual(result.source, { type: "CODE", id: "x" });
  if (typeof message === "string") assert.equal(result.error?.message, message);
  else assert.match(result.error?.message ?? "", message);
}

describe("normalizeScorerReturn: allowed values", () => {
  it("primitives become one Feedback named after the scorer", () => {
    assert.deepEqual(normalizeScorerReturn("x", true), [plain("x", true)]);
    assert.deepEqual(normalizeScorerReturn("x", false), [plain("x", false)]);
    assert.deepEqual(normalizeScorerReturn("x", 0), [plain("x", 0)]);
    assert.deepEqual(normalizeScorerReturn("x", -2.5), [plain("x", -2.5)]);
    assert.deepEqual(normalizeScorerReturn("x", "yes"), [plain("x", "yes")]);
    assert.deepEqual(normalizeScorerReturn("x", "no"), [plain("x", "no")]);
    assert.deepEqual(normalizeScorerReturn("x", "free text"), [plain("x", "free text")]);
    assert.deepEqual(normalizeScorerReturn("x", ""), [plain("x", "")]);
  });

  it("undefined and null mean no assessment", () => {
    assert.deepEqual(normalizeScorerReturn("x", undefined), []);
    assert.deepEqual(normalizeScorerReturn("x", null), []);
  });

  it("an empty array means no assessment (a valid Feedback[] in TypeScript)", () => {
    assert.deepEqual(normalizeScorerReturn("x", []), []);
  });

  it("an unnamed Feedback takes the scorer's name; a named one keeps its name", () => {
    const unnamed = only(normalizeScorerReturn("x", new Feedback({ value: 0.8, rationale: "close" })));
    assert.deepEqual(unnamed, { name: "x", value: 0.8, rationale: "close", error: null, metadata: {}, source: { type: "CODE", id: "x" } });
    const named = only(normalizeScorerReturn("x", new Feedback({ name: "relevance", value: "yes" })));
    assert.equal(named.name, "relevance");
    assert.deepEqual(named.source, { type: "CODE", id: "x" });
  });

  it("a Feedback keeps its source, metadata and JSON object/array values", () => {
    const feedback = new Feedback({
      name: "judge",
      value: { score: 3, labels: ["a", "b"], nested: { ok: true, nothing: null } },
      source: { type: "LLM_JUDGE", id: "gpt-judge" },
      metadata: { model: "gpt", tokens: 12 },
    });
    const result = only(normalizeScorerReturn("x", feedback));
    assert.deepEqual(result.value, { score: 3, labels: ["a", "b"], nested: { ok: true, nothing: null } });
    assert.deepEqual(result.source, { type: "LLM_JUDGE", id: "gpt-judge" });
    assert.deepEqual(result.metadata, { model: "gpt", tokens: "12" });
  });

  it("a one-element list with an unnamed Feedback takes the scorer's name", () => {
    assert.equal(only(normalizeScorerReturn("x", [new Feedback({ value: true })])).name, "x");
    assert.equal(only(normalizeScorerReturn("x", [new Feedback({ name: "own", value: true })])).name, "own");
  });

  it("several named Feedbacks each keep their name, in order", () => {
    const results = normalizeScorerReturn("x", [
      new Feedback({ name: "length_ok", value: true }),
      new Feedback({ name: "tone", value: 4, rationale: "friendly" }),
    ]);
    assert.deepEqual(
      results.map((r) => [r.name, r.value, r.rationale]),
      [
        ["length_ok", true, null],
        ["tone", 4, "friendly"],
      ],
    );
    assert.ok(results.every((r) => r.error === null && r.source.id === "x"));
  });

  it("a Feedback that carries an error keeps it, with value null", () => {
    const result = only(normalizeScorerReturn("x", new Feedback({ error: new TypeError("judge down") })));
    assert.equal(result.name, "x");
    assert.equal(result.value, null);
    assert.equal(result.error?.type, "TypeError");
    assert.equal(result.error?.message, "judge down");
    assert.match(result.error?.stack ?? "", /judge down/);
  });
});

describe("normalizeScorerReturn: naming errors in lists", () => {
  it("unnamed Feedbacks in a multi-element list are an error", () => {
    assertInvalid(
      normalizeScorerReturn("x", [new Feedback({ name: "a", value: 1 }), new Feedback({ value: 2 })]),
      "x",
      'scorer "x" returned 2 Feedbacks and 1 have no name; names are required when returning several Feedbacks: new Feedback({ name, value })',
    );
    assertInvalid(normalizeScorerReturn("x", [new Feedback({ value: 1 }), new Feedback({ value: 2 })]), "x", /2 Feedbacks and none has a name; names are required when returning several/);
  });

  it("duplicate names are an error naming the duplicates", () => {
    assertInvalid(
      normalizeScorerReturn("x", [
        new Feedback({ name: "a", value: 1 }),
        new Feedback({ name: "b", value: 2 }),
        new Feedback({ name: "a", value: 3 }),
        new Feedback({ name: "c", value: 4 }),
        new Feedback({ name: "c", value: 5 }),
      ]),
      "x",
      'scorer "x" returned several Feedbacks with the same name ("a", "c"); each Feedback in a list needs a unique name',
    );
  });
});

describe("normalizeScorerReturn: disallowed values become an error Feedback", () => {
  it("a plain object (with a hint when it looks like a Feedback)", () => {
    assertInvalid(normalizeScorerReturn("x", { a: 1 }), "x", `scorer "x" returned an object ({"a":1}); ${ALLOWED}`);
    assertInvalid(normalizeScorerReturn("x", { value: 1, rationale: "r" }), "x", /returned an object \(\{"value":1,"rationale":"r"\}\) \(to return a value with a rationale or a name, return new Feedback/);
  });

  it("NaN and ±Infinity", () => {
    assertInvalid(normalizeScorerReturn("x", NaN), "x", `scorer "x" returned NaN (a number must be finite); ${ALLOWED}`);
    assertInvalid(normalizeScorerReturn("x", Infinity), "x", `scorer "x" returned Infinity (a number must be finite); ${ALLOWED}`);
    assertInvalid(normalizeScorerReturn("x", -Infinity), "x", /returned -Infinity/);
  });

  it("functions, scorers, bigints and symbols", () => {
    assertInvalid(normalizeScorerReturn("x", function check() {}), "x", `scorer "x" returned a function (check) (did you mean to call it?); ${ALLOWED}`);
    assertInvalid(normalizeScorerReturn("x", scorer("inner", () => 1)), "x", /returned a scorer \(inner\), not its result/);
    assertInvalid(normalizeScorerReturn("x", 10n), "x", `scorer "x" returned a bigint (10n); ${ALLOWED}`);
    assertInvalid(normalizeScorerReturn("x", Symbol("s")), "x", `scorer "x" returned a symbol (Symbol(s)); ${ALLOWED}`);
  });

  it("arrays of non-Feedbacks (or mixed)", () => {
    assertInvalid(normalizeScorerReturn("x", [1, 2]), "x", `scorer "x" returned an array ([1,2]) with a number (1) at index 0; ${ALLOWED}`);
    assertInvalid(normalizeScorerReturn("x", [new Feedback({ name: "a", value: 1 }), "b"]), "x", /returned an array \(.*\) with a string \("b"\) at index 1/);
  });

  it("class instances, Dates, Maps and Promises name their type", () => {
    assertInvalid(normalizeScorerReturn("x", new Date(0)), "x", /^scorer "x" returned a Date \("1970-01-01T00:00:00.000Z"\)/);
    assertInvalid(normalizeScorerReturn("x", new Map([["k", 1]])), "x", /^scorer "x" returned a Map \(\{"k":1\}\)/);
    assertInvalid(normalizeScorerReturn("x", Promise.resolve(1)), "x", /^scorer "x" returned a Promise;/);
    class Verdict {
      ok = true;
    }
    assertInvalid(normalizeScorerReturn("x", new Verdict()), "x", /^scorer "x" returned a Verdict \(\{"ok":true\}\)/);
  });

  it("long values are cut in the message", () => {
    const message = only(normalizeScorerReturn("x", { text: "z".repeat(10_000) })).error?.message ?? "";
    assert.ok(message.length < 400, message);
  });

  it("a Feedback whose value is not JSON becomes an error Feedback with the Feedback's name", () => {
    const results = normalizeScorerReturn("x", [
      new Feedback({ name: "good", value: 1 }),
      new Feedback({ name: "bad", value: { scores: [1, NaN] } }),
      new Feedback({ name: "dated", value: { at: new Date(0) } }),
    ]);
    assert.equal(results.length, 3);
    assert.deepEqual(results[0], { name: "good", value: 1, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: "x" } });
    assert.equal(results[1]?.name, "bad");
    assert.equal(results[1]?.error?.message, 'scorer "x" returned a Feedback "bad" with NaN at value.scores[1]; a Feedback value must be JSON: boolean, finite number, string, array or plain object');
    assert.match(results[2]?.error?.message ?? "", /Feedback "dated" with a Date at value\.at/);
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    assertInvalid(normalizeScorerReturn("x", new Feedback({ value: cyclic })), "x", /a circular reference at value\.self/);
  });

  it("never throws on hostile values", () => {
    const hostile = new Proxy([], {
      get(_target, key) {
        if (key === "length") throw new Error("trap");
        return undefined;
      },
    });
    assertInvalid(normalizeScorerReturn("x", hostile), "x", /could not be read \(trap\)|returned/);
  });
});

describe("error capture", () => {
  it("a synchronous throw becomes one error Feedback and the run continues", async () => {
    const broken = scorer("broken", () => {
      throw new TypeError("cannot read outputs");
    });
    const result = only(await broken({}));
    assert.equal(result.name, "broken");
    assert.equal(result.value, null);
    assert.equal(result.rationale, null);
    assert.equal(result.error?.type, "TypeError");
    assert.equal(result.error?.message, "cannot read outputs");
    assert.match(result.error?.stack ?? "", /TypeError: cannot read outputs/);
    assert.deepEqual(result.source, { type: "CODE", id: "broken" });
    // Still usable afterwards.
    assert.equal(only(await broken({})).error?.type, "TypeError");
  });

  it("an async rejection becomes one error Feedback", async () => {
    const rejects = scorer("rejects", async () => {
      await Promise.resolve();
      throw new Error("later");
    });
    const result = only(await rejects({}));
    assert.equal(result.error?.type, "Error");
    assert.equal(result.error?.message, "later");
  });

  it("a custom Error subclass reports its class name", async () => {
    class JudgeUnavailable extends Error {}
    const result = only(await scorer("j", () => {
      throw new JudgeUnavailable("503");
    })({}));
    assert.equal(result.error?.type, "JudgeUnavailable");
  });

  it("non-Error throws: strings, objects, undefined", async () => {
    const str = only(await scorer("s", () => {
      throw "plain string";
    })({}));
    assert.deepEqual(str.error, { type: "string", message: "plain string", stack: null });

    const obj = only(await scorer("o", () => {
      throw { code: 42 };
    })({}));
    assert.deepEqual(obj.error, { type: "object", message: '{"code":42}', stack: null });

    const errorLike = only(await scorer("e", () => {
      throw { name: "RemoteError", message: "from a worker" };
    })({}));
    assert.deepEqual(errorLike.error, { type: "RemoteError", message: "from a worker", stack: null });

    const undef = only(await scorer("u", () => Promise.reject(undefined))({}));
    assert.equal(undef.error?.type, "undefined");
  });

  it("an invalid Feedback constructed inside the scorer is captured as a thrown error", async () => {
    const result = only(await scorer("f", () => new Feedback({}))({}));
    assert.equal(result.error?.type, "TypeError");
    assert.match(result.error?.message ?? "", /needs a value or an error/);
  });
});
