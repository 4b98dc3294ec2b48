import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Feedback, isFeedback, normalizeScorerReturn } from "../../../../sdk/index";

describe("Feedback", () => {
  it("defaults: unnamed, no rationale, CODE source whose id is the scorer's name once normalized, empty metadata, no error", () => {
    const feedback = new Feedback({ value: true });
    assert.equal(feedback.name, null);
    assert.equal(feedback.value, true);
    assert.equal(feedback.rationale, null);
    assert.deepEqual(feedback.source, { type: "CODE", id: null });
    assert.deepEqual(feedback.metadata, {});
    assert.equal(feedback.error, null);
    assert.deepEqual(normalizeScorerReturn("my_scorer", feedback), [
      { name: "my_scorer", value: true, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: "my_scorer" } },
    ]);
  });

  it("a partial source keeps the scorer name as id; AI_JUDGE is read as LLM_JUDGE", () => {
    const judged = new Feedback({ value: "yes", source: { type: "AI_JUDGE" } });
    assert.deepEqual(judged.source, { type: "LLM_JUDGE", id: null });
    assert.deepEqual(normalizeScorerReturn("s", judged)[0]?.source, { type: "LLM_JUDGE", id: "s" });
    assert.deepEqual(new Feedback({ value: 1, source: { id: "me" } }).source, { type: "CODE", id: "me" });
    assert.throws(() => new Feedback({ value: 1, source: { type: "ROBOT" as "CODE" } }), /source type must be CODE, LLM_JUDGE or HUMAN/);
  });

  it("an empty name counts as unnamed; a non-string name is rejected", () => {
    assert.equal(new Feedback({ value: 1, name: "" }).name, null);
    assert.throws(() => new Feedback({ value: 1, name: 3 as unknown as string }), /name must be a string/);
  });

  it("metadata values become strings; null/undefined entries are dropped", () => {
    const feedback = new Feedback({ value: 1, metadata: { a: "x", n: 2, b: false, big: 3n, obj: { k: [1] }, gone: undefined, none: null } });
    assert.deepEqual(feedback.metadata, { a: "x", n: "2", b: "false", big: "3", obj: '{"k":[1]}' });
  });

  it("error may be an Error, {type, message, stack} or a message; value defaults to null", () => {
    const fromError = new Feedback({ error: new RangeError("too far") });
    assert.equal(fromError.value, null);
    assert.equal(fromError.error?.type, "RangeError");
    assert.equal(fromError.error?.message, "too far");
    assert.match(fromError.error?.stack ?? "", /RangeError: too far/);

    assert.deepEqual(new Feedback({ error: { type: "JudgeTimeout", message: "no answer", stack: "at judge()" } }).error, {
      type: "JudgeTimeout",
      message: "no answer",
      stack: "at judge()",
    });
    assert.deepEqual(new Feedback({ error: { message: "no type" } }).error, { type: "Error", message: "no type", stack: null });
    assert.deepEqual(new Feedback({ error: "just text" }).error, { type: "string", message: "just text", stack: null });
    // A value and an error together are kept (MLflow allows both).
    assert.equal(new Feedback({ value: 0, error: "partial" }).value, 0);
  });

  it("needs a value or an error", () => {
    assert.throws(() => new Feedback({}), /needs a value or an error/);
    assert.throws(() => new Feedback({ value: null }), /needs a value or an error/);
    assert.throws(() => new Feedback(undefined as unknown as { value: 1 }), /needs an object/);
  });

  it("falsy values are values", () => {
    assert.equal(new Feedback({ value: false }).value, false);
    assert.equal(new Feedback({ value: 0 }).value, 0);
    assert.equal(new Feedback({ value: "" }).value, "");
  });

  it("isFeedback checks the registry brand, so Feedbacks from another SDK copy are recognised", () => {
    assert.ok(isFeedback(new Feedback({ value: 1 })));
    assert.ok(isFeedback({ [Symbol.for("scorelens.feedback")]: 1, name: "n", value: 2 }));
    assert.equal(isFeedback({ name: "n", value: 2 }), false);
    assert.equal(isFeedback(null), false);
    assert.deepEqual(normalizeScorerReturn("s", { [Symbol.for("scorelens.feedback")]: 1, name: "n", value: 2 }), [
      { name: "n", value: 2, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: "s" } },
    ]);
  });
});
