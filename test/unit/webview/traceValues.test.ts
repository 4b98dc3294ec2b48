/** Pure helpers of the trace panel webview (format.ts, values.ts): no DOM needed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SpanRecord } from "../../../protocol/model";
import { fmtCompact, fmtCost, fmtDuration, fmtTick, niceStep } from "../../../webview/trace/format";
import { parseExpectationValue, retrievedDocs, sourceLocation } from "../../../webview/trace/values";

test("durations, counts and costs", () => {
  assert.equal(fmtDuration(0), "0 ms");
  assert.equal(fmtDuration(0.25), "250 µs");
  assert.equal(fmtDuration(6.834), "6.83 ms");
  assert.equal(fmtDuration(36), "36.0 ms");
  assert.equal(fmtDuration(707), "707 ms");
  assert.equal(fmtDuration(8420), "8.42 s");
  assert.equal(fmtDuration(90_000), "1m 30s");
  assert.equal(fmtDuration(600_000), "10m 00s");
  assert.equal(fmtDuration(3_720_000), "1h 02m");
  assert.equal(fmtDuration(-1), "—");
  assert.equal(fmtCompact(950), "950");
  assert.equal(fmtCompact(1326), "1.3k");
  assert.equal(fmtCompact(25_000), "25k");
  assert.equal(fmtCompact(1_200_000), "1.2M");
  assert.equal(fmtCost(0.01534), "$0.0153");
  assert.equal(fmtCost(12.5), "$12.50");
  assert.equal(fmtCost(0.00001), "<$0.0001");
});

test("axis steps are round and clock-friendly", () => {
  assert.equal(niceStep(8420, 4), 5000);
  assert.equal(niceStep(8420, 6), 2000);
  assert.equal(niceStep(600_000, 5), 120_000);
  assert.equal(niceStep(600_000, 3), 300_000);
  assert.equal(niceStep(36, 4), 10);
  assert.equal(niceStep(0.8, 4), 0.2);
  for (const total of [0.5, 3, 47, 999, 8420, 65_000, 3_600_000, 86_400_000 * 3]) {
    for (const ticks of [2, 5, 9]) {
      const step = niceStep(total, ticks);
      assert.ok(total / step <= ticks + 1e-9, `${total}/${ticks}: ${step}`);
    }
  }
  assert.equal(fmtTick(2000, 2000, 8420), "2s");
  assert.equal(fmtTick(2500, 500, 8420), "2.5s");
  assert.equal(fmtTick(500, 500, 8420), "0.5s");
  assert.equal(fmtTick(40, 20, 95), "40ms");
  assert.equal(fmtTick(0.4, 0.2, 0.9), "400µs");
  assert.equal(fmtTick(120_000, 120_000, 600_000), "2m");
  assert.equal(fmtTick(90_000, 30_000, 600_000), "1m30s");
  assert.equal(fmtTick(7_200_000, 3_600_000, 9_000_000), "2h");
});

test("expectation values: JSON when it parses, text otherwise", () => {
  assert.deepEqual(parseExpectationValue('{"a": [1, 2]}'), { value: { a: [1, 2] }, kind: "JSON object" });
  assert.deepEqual(parseExpectationValue(" 42 "), { value: 42, kind: "JSON number" });
  assert.deepEqual(parseExpectationValue("true"), { value: true, kind: "JSON boolean" });
  assert.deepEqual(parseExpectationValue('["x"]'), { value: ["x"], kind: "JSON array" });
  assert.deepEqual(parseExpectationValue('"quoted"'), { value: "quoted", kind: "JSON string" });
  assert.deepEqual(parseExpectationValue("Paris is the capital"), { value: "Paris is the capital", kind: "text" });
  assert.deepEqual(parseExpectationValue("{not json"), { value: "{not json", kind: "text" });
});

test("retrieved documents: LangChain, OpenInference and plain shapes; anything else is null", () => {
  assert.deepEqual(retrievedDocs([{ page_content: "a", metadata: { source: "x.md" }, score: 0.5, id: "d1" }]), [{ id: "d1", text: "a", score: 0.5, metadata: { source: "x.md" } }]);
  assert.deepEqual(retrievedDocs({ documents: [{ document: { content: "b", id: 7 } }] }), [{ id: "7", text: "b", score: null, metadata: {} }]);
  assert.equal(retrievedDocs([{ foo: 1 }]), null);
  assert.equal(retrievedDocs([]), null);
  assert.equal(retrievedDocs("text"), null);
});

test("source location from new and old code.* attributes", () => {
  const span = (attributes: SpanRecord["attributes"]) => ({ attributes }) as SpanRecord;
  assert.deepEqual(sourceLocation(span({ "code.file.path": "src/a.ts", "code.line.number": 42, "code.function.name": "run" })), { file: "src/a.ts", line: 42, fn: "run" });
  assert.deepEqual(sourceLocation(span({ "code.filepath": "/app/t.py", "code.lineno": "88" })), { file: "/app/t.py", line: 88, fn: null });
  assert.equal(sourceLocation(span({ "code.lineno": 3 })), null);
});
