import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeSpan } from "../../../../server/normalize/normalizeSpan";
import { event, rawSpan } from "./rawSpan";

test("status ERROR + exception event → type, message and stacktrace from the first exception", () => {
  const out = normalizeSpan(
    rawSpan({
      statusCode: "ERROR",
      statusMessage: "RateLimitError: 429",
      attributes: { "error.type": "openai.RateLimitError" },
      events: [
        event("gen_ai.user.message", { content: "hi" }),
        event("exception", {
          "exception.type": "RateLimitError",
          "exception.message": "Rate limit reached for gpt-4o",
          "exception.stacktrace": "Traceback (most recent call last):\n  File \"app.py\", line 3",
          "exception.escaped": "False",
        }),
        event("exception", { "exception.type": "Second", "exception.message": "ignored" }),
      ],
    }),
  );
  assert.deepEqual(out.error, {
    type: "RateLimitError",
    message: "Rate limit reached for gpt-4o",
    stacktrace: "Traceback (most recent call last):\n  File \"app.py\", line 3",
  });
});

test("status ERROR without exception event → error.type and the status message", () => {
  const out = normalizeSpan(
    rawSpan({ statusCode: "ERROR", statusMessage: "upstream timed out", attributes: { "error.type": "timeout" } }),
  );
  assert.deepEqual(out.error, { type: "timeout", message: "upstream timed out", stacktrace: null });
  const bare = normalizeSpan(rawSpan({ statusCode: "ERROR" }));
  assert.deepEqual(bare.error, { type: null, message: null, stacktrace: null });
});

test("an exception event is an error even when the status is not ERROR", () => {
  const out = normalizeSpan(rawSpan({ statusCode: "UNSET", events: [event("exception", { "exception.message": "boom" })] }));
  assert.deepEqual(out.error, { type: null, message: "boom", stacktrace: null });
});

test("no ERROR status and no exception event → error is null, even with error.type", () => {
  assert.equal(normalizeSpan(rawSpan({ statusCode: "OK", attributes: { "error.type": "x" } })).error, null);
  assert.equal(normalizeSpan(rawSpan({ statusCode: "UNSET", statusMessage: "fine" })).error, null);
});
