import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ScorerSpan, ScorerTrace, scorerArgsFromTrace } from "../../../../sdk/index";
import { assessment, detail, span, summary, TRACE_ID } from "./fixtures";

const ID = {
  root: "a".repeat(16),
  retriever: "b".repeat(16),
  llm: "c".repeat(16),
  tool: "d".repeat(16),
  missing: "e".repeat(16),
  orphan: "f".repeat(16),
  orphan2: "0".repeat(16),
};

function ragTrace() {
  return detail(
    [
      // Deliberately out of start order.
      span({ spanId: ID.llm, parentSpanId: ID.root, name: "ChatOpenAI", spanType: "CHAT_MODEL", startOffsetMs: 30, model: "gpt-4o", outputs: { content: "Paris" } }),
      span({
        spanId: ID.root,
        name: "answer",
        spanType: "CHAIN",
        startOffsetMs: 0,
        durationMs: 250,
        inputs: { question: "Capital of France?" },
        outputs: "Paris",
        attributes: { "mlflow.spanType": '"CHAIN"', "mlflow.traceTag.env": "dev", count: 3 },
      }),
      span({ spanId: ID.retriever, parentSpanId: ID.root, name: "retrieve_docs", spanType: "RETRIEVER", startOffsetMs: 10, outputs: [{ page_content: "France…" }] }),
      span({ spanId: ID.tool, parentSpanId: ID.llm, name: "lookup_tool", spanType: "TOOL", startOffsetMs: 40, statusCode: "ERROR", statusMessage: "timeout" }),
    ],
    [
      assessment({ name: "expected_response", value: "Paris", updatedMs: 5 }),
      assessment({ name: "expected_response", value: "Paris, France", updatedMs: 9 }),
      assessment({ name: "expected_facts", value: ["capital"], updatedMs: 1 }),
      assessment({ name: "relevance", kind: "feedback", value: "yes" }),
      assessment({ name: "broken", value: null, error: { type: "E", message: "m", stack: null } }),
    ],
    { tags: { env: "dev" }, metadata: { "mlflow.user": "ada" }, requestPreview: "Capital?", responsePreview: "Paris", state: "OK" },
  );
}

describe("ScorerTrace", () => {
  it("info mirrors MLflow's TraceInfo", () => {
    const trace = new ScorerTrace(ragTrace());
    assert.equal(trace.info.trace_id, `tr-${TRACE_ID}`);
    assert.equal(trace.info.request_time, 1_700_000_000_000);
    assert.equal(trace.info.execution_duration, 250);
    assert.equal(trace.info.state, "OK");
    assert.deepEqual(trace.info.tags, { env: "dev" });
    assert.deepEqual(trace.info.trace_metadata, { "mlflow.user": "ada" });
    assert.equal(trace.info.request_preview, "Capital?");
    assert.equal(trace.info.assessments.length, 5);
    // requestId without the prefix still yields tr-<id>.
    assert.equal(new ScorerTrace({ summary: summary({ requestId: TRACE_ID }), spans: [] }).info.trace_id, `tr-${TRACE_ID}`);
  });

  it("data.spans are ScorerSpans sorted by start time, with MLflow fields", () => {
    const trace = new ScorerTrace(ragTrace());
    assert.deepEqual(
      trace.data.spans.map((s) => s.name),
      ["answer", "retrieve_docs", "ChatOpenAI", "lookup_tool"],
    );
    const root = trace.data.spans[0] as ScorerSpan;
    assert.ok(root instanceof ScorerSpan);
    assert.equal(root.spanType, "CHAIN");
    assert.equal(root.parentId, null);
    assert.deepEqual(root.inputs, { question: "Capital of France?" });
    assert.equal(root.outputs, "Paris");
    assert.equal(root.endTimeNs - root.startTimeNs, 250_000_000n);
    assert.equal(root.durationMs, 250);
    assert.deepEqual(root.status, { code: "OK", message: "" });
    assert.equal(root.getAttribute("mlflow.spanType"), "CHAIN"); // JSON text parsed
    assert.equal(root.getAttribute("mlflow.traceTag.env"), "dev"); // not JSON: as-is
    assert.equal(root.getAttribute("count"), 3);
    assert.equal(root.getAttribute("absent"), undefined);
    const tool = trace.getSpan(ID.tool);
    assert.deepEqual(tool?.status, { code: "ERROR", message: "timeout" });
    assert.equal(trace.getSpan("nope"), null);
    assert.deepEqual(
      trace.getChildren(ID.root).map((s) => s.name),
      ["retrieve_docs", "ChatOpenAI"],
    );
  });

  it("searchSpans by type, several types, exact name, RegExp name and span id", () => {
    const trace = new ScorerTrace(ragTrace());
    const names = (spans: ScorerSpan[]) => spans.map((s) => s.name);
    assert.deepEqual(names(trace.searchSpans({ spanType: "RETRIEVER" })), ["retrieve_docs"]);
    assert.deepEqual(names(trace.searchSpans({ spanType: ["CHAT_MODEL", "TOOL"] })), ["ChatOpenAI", "lookup_tool"]);
    assert.deepEqual(names(trace.searchSpans({ spanType: "LLM" })), []);
    assert.deepEqual(names(trace.searchSpans({ name: "answer" })), ["answer"]);
    assert.deepEqual(names(trace.searchSpans({ name: "answe" })), []); // a string is an exact match
    assert.deepEqual(names(trace.searchSpans({ name: /^retrieve|tool$/ })), ["retrieve_docs", "lookup_tool"]);
    assert.deepEqual(names(trace.searchSpans({ name: /openai/i, spanType: "CHAT_MODEL" })), ["ChatOpenAI"]);
    assert.deepEqual(names(trace.searchSpans({ name: /openai/i, spanType: "TOOL" })), []);
    assert.deepEqual(names(trace.searchSpans({ spanId: ID.llm })), ["ChatOpenAI"]);
    assert.equal(trace.searchSpans().length, 4);
    // A global RegExp is not stateful across spans or calls.
    const global = /_/g;
    assert.deepEqual(names(trace.searchSpans({ name: global })), ["retrieve_docs", "lookup_tool"]);
    assert.deepEqual(names(trace.searchSpans({ name: global })), ["retrieve_docs", "lookup_tool"]);
  });

  it("rootSpan, inputs and outputs come from the root", () => {
    const trace = new ScorerTrace(ragTrace());
    assert.equal(trace.rootSpan?.spanId, ID.root);
    assert.deepEqual(trace.inputs, { question: "Capital of France?" });
    assert.equal(trace.outputs, "Paris");
    assert.deepEqual(trace.data.request, trace.inputs);
    assert.equal(trace.data.response, "Paris");
  });

  it("rootSpan prefers a parentless span over earlier orphans", () => {
    const trace = new ScorerTrace(
      detail([
        span({ spanId: ID.orphan, parentSpanId: ID.missing, name: "orphan", startOffsetMs: 0 }),
        span({ spanId: ID.root, name: "root", startOffsetMs: 5, inputs: "in" }),
      ]),
    );
    assert.equal(trace.rootSpan?.name, "root");
    assert.equal(trace.inputs, "in");
  });

  it("without a parentless span (partial trace), rootSpan is the earliest orphan", () => {
    const trace = new ScorerTrace(
      detail([
        span({ spanId: ID.llm, parentSpanId: ID.orphan2, name: "child of late orphan", startOffsetMs: 1 }),
        span({ spanId: ID.orphan2, parentSpanId: ID.missing, name: "late orphan", startOffsetMs: 20, outputs: "late" }),
        span({ spanId: ID.orphan, parentSpanId: ID.missing, name: "early orphan", startOffsetMs: 10, outputs: "early" }),
      ]),
    );
    // "child of late orphan" starts first but its parent is in the trace, so it is not an orphan.
    assert.equal(trace.rootSpan?.name, "early orphan");
    assert.equal(trace.outputs, "early");
  });

  it("a trace with no spans has no root and null inputs/outputs", () => {
    const trace = new ScorerTrace(detail([]));
    assert.equal(trace.rootSpan, null);
    assert.equal(trace.inputs, null);
    assert.equal(trace.outputs, null);
    assert.deepEqual(trace.searchSpans({ spanType: "LLM" }), []);
  });

  it("JSON.stringify works (nanosecond times as strings)", () => {
    const json = JSON.parse(JSON.stringify(new ScorerTrace(ragTrace()))) as { info: { trace_id: string }; data: { spans: Array<{ startTimeNs: string; name: string }> } };
    assert.equal(json.info.trace_id, `tr-${TRACE_ID}`);
    assert.equal(json.data.spans[0]?.name, "answer");
    assert.equal(json.data.spans[0]?.startTimeNs, "1700000000000000000");
  });
});

describe("scorerArgsFromTrace", () => {
  it("maps root inputs/outputs, expectation assessments (newest per name) and the trace", () => {
    const args = scorerArgsFromTrace(ragTrace());
    assert.deepEqual(args.inputs, { question: "Capital of France?" });
    assert.equal(args.outputs, "Paris");
    assert.deepEqual(args.expectations, { expected_response: "Paris, France", expected_facts: ["capital"] });
    assert.ok(args.trace instanceof ScorerTrace);
    assert.equal(args.trace.rootSpan?.name, "answer");
  });

  it("missing values are undefined so destructuring defaults apply", () => {
    const args = scorerArgsFromTrace(detail([span({ spanId: ID.root, name: "root" })]));
    assert.equal(args.inputs, undefined);
    assert.equal(args.outputs, undefined);
    assert.equal(args.expectations, undefined);
    const empty = scorerArgsFromTrace(detail([]));
    assert.equal(empty.inputs, undefined);
    assert.equal(empty.trace.rootSpan, null);
  });

  it("accepts an existing ScorerTrace", () => {
    const trace = new ScorerTrace(ragTrace());
    assert.equal(scorerArgsFromTrace(trace).trace, trace);
  });

  it("feeds a scorer end to end", async () => {
    const { scorer } = await import("../../../../sdk/index");
    const correct = scorer("correct", ({ outputs, expectations }) => String(expectations?.["expected_response"]).startsWith(String(outputs)));
    const [result] = await correct(scorerArgsFromTrace(ragTrace()));
    assert.equal(result?.value, true);
  });
});
