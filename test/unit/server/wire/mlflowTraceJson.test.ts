import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NormalizedSpan, RawSpan, SpanRecord, TraceSummary } from "../../../../protocol/model";
import { SpanRecord as SpanRecordSchema, TraceSummary as TraceSummarySchema } from "../../../../protocol/model";
import { exportMlflowTraceJson, importMlflowTraceJson } from "../../../../server/wire/mlflowTraceJson";
import { decodeOtlpProtobuf } from "../../../../server/wire/otlpProtobuf";
import { WireFormatError } from "../../../../server/wire/wireFormatError";
import { fixture, IDS } from "./sample";

function text(name: string): string {
  return fixture(name).toString("utf8");
}

function expectWireError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(WireFormatError.is(caught), `expected a WireFormatError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
}

describe("importMlflowTraceJson: span variants", () => {
  it("proto-JSON spans (base64 ids, empty root parent, STATUS_CODE_*) with TraceInfo v3", () => {
    const r = importMlflowTraceJson(text("mlflow-v3-proto.json"));
    assert.deepEqual(r.errors, []);
    assert.equal(r.traces.length, 1);
    const t = r.traces[0]!;
    const [root, llm] = t.spans;
    assert.ok(root && llm);
    const traceId = "0d9a4b5c6e7f8091a2b3c4d5e6f70812";
    assert.deepEqual(
      t.spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.name, s.statusCode]),
      [
        [traceId, "1a2b3c4d5e6f7081", null, "qa_chain", "OK"],
        [traceId, "2b3c4d5e6f708192", "1a2b3c4d5e6f7081", "ChatOpenAI", "ERROR"],
      ],
    );
    // Nanosecond times written as bare JSON numbers stay exact.
    assert.equal(root.startTimeUnixNano, "1750000000123456789");
    assert.equal(root.endTimeUnixNano, "1750000001357456789");
    assert.equal(llm.statusMessage, "RateLimitError: slow down");
    // MLflow attribute values keep their JSON-encoded form.
    assert.equal(root.attributes["mlflow.spanType"], '"CHAIN"');
    assert.equal(root.attributes["mlflow.spanInputs"], '{"question": "What is MLflow?"}');
    assert.equal(llm.attributes["mlflow.chat.tokenUsage"], '{"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}');
    assert.deepEqual(llm.events, [
      {
        name: "exception",
        timeUnixNano: "1750000001223456788",
        attributes: { "exception.type": "RateLimitError", "exception.message": "slow down" },
      },
    ]);
    assert.deepEqual(t.tags, { "mlflow.traceName": "qa_chain", env: "dev" });
    assert.deepEqual(t.metadata, {
      "mlflow.trace_schema.version": "3",
      "mlflow.user": "alice",
      "mlflow.trace.session": "sess-1",
    });
    assert.equal(t.assessments.length, 1);
    assert.equal((t.assessments[0] as { assessment_name: string }).assessment_name, "correctness");
    assert.deepEqual(t.info, {
      requestId: `tr-${traceId}`,
      clientRequestId: "req-42",
      requestTimeMs: Date.parse("2025-06-15T14:07:41.282Z"),
      executionDurationMs: 1234,
      state: "OK",
      requestPreview: '{"question": "What is MLflow?"}',
      responsePreview: '"MLflow is an open source platform."',
      experimentId: "7",
    });
    for (const s of t.spans) assert.ok(SpanRecordSchema.omit(NORMALIZED_KEYS).safeParse(s).success);
  });

  it("Python to_dict v4 spans (tr- trace_id, otel_trace_id, hex ids, status names)", () => {
    const r = importMlflowTraceJson(text("mlflow-v4-dict.json"));
    assert.deepEqual(r.errors, []);
    const t = r.traces[0]!;
    const [agent, tool] = t.spans;
    assert.ok(agent && tool);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    assert.deepEqual(
      [agent.traceId, agent.spanId, agent.parentSpanId, agent.statusCode, agent.statusMessage],
      [traceId, "00f067aa0ba902b7", null, "ERROR", "tool failed"],
    );
    assert.deepEqual([tool.traceId, tool.spanId, tool.parentSpanId, tool.statusCode], [traceId, "b7ad6b7169203331", "00f067aa0ba902b7", "UNSET"]);
    assert.equal(agent.startTimeUnixNano, "1750000100000000001");
    // An unfinished span (end_time null) ends when it started.
    assert.equal(tool.endTimeUnixNano, tool.startTimeUnixNano);
    assert.equal(agent.attributes["mlflow.spanInputs"], '"hi"');
    assert.equal(agent.attributes["session.id"], "plain-otel-value");
    assert.equal(agent.attributes.retries, 2);
    assert.deepEqual(tool.events[0], {
      name: "mlflow.chunk.item.0",
      timeUnixNano: "1750000100000002001",
      attributes: { "mlflow.chunk.value": '{"x": 1}' },
    });
    assert.equal(t.info?.state, "ERROR");
    assert.equal(t.info?.executionDurationMs, 500);
  });

  it("MLflow 2 spans (context, parent_id, 0x ids, start_time/end_time, status_code) with TraceInfo v2", () => {
    const r = importMlflowTraceJson(text("mlflow-v2.json"));
    assert.deepEqual(r.errors, []);
    const t = r.traces[0]!;
    const [root, child] = t.spans;
    assert.ok(root && child);
    // v2 request ids are not OTel trace ids: the spans' own context.trace_id wins.
    const traceId = "6a5b4c3d2e1f00112233445566778899";
    assert.deepEqual(
      t.spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.statusCode, s.statusMessage]),
      [
        [traceId, "1111222233334444", null, "OK", ""],
        [traceId, "5555666677778888", "1111222233334444", "ERROR", "ValueError: bad"],
      ],
    );
    assert.equal(root.startTimeUnixNano, "1718000000000000000");
    assert.equal(root.endTimeUnixNano, "1718000001500000000");
    assert.deepEqual(child.events, [{ name: "exception", timeUnixNano: "1718000000001500000", attributes: { "exception.message": "bad" } }]);
    assert.equal(root.attributes["mlflow.spanOutputs"], "2");
    assert.deepEqual(t.metadata, { "mlflow.traceInputs": '{"x": 1}', "mlflow.traceOutputs": "2" });
    assert.equal(t.tags["mlflow.traceName"], "predict");
    assert.deepEqual(t.info, {
      requestId: "e0b0a0908070605040302010f0e0d0c0",
      clientRequestId: null,
      requestTimeMs: 1718000000000,
      executionDurationMs: 1500,
      state: "OK",
      requestPreview: null,
      responsePreview: null,
      experimentId: "3",
    });
  });

  it("re-encodes mlflow.* values that a writer stored already parsed (TS toJson)", () => {
    const hexTrace = "0123456789abcdef0123456789abcdef";
    const doc = {
      info: { trace_id: `tr-${hexTrace}` },
      data: {
        spans: [
          {
            trace_id: Buffer.from(hexTrace, "hex").toString("base64"),
            span_id: Buffer.from("0123456789abcdef", "hex").toString("base64"),
            parent_span_id: "",
            name: "ts",
            start_time_unix_nano: "100",
            end_time_unix_nano: "200",
            status: { code: "OK", message: "" },
            attributes: { "mlflow.spanInputs": { a: [1, 2] }, "mlflow.spanType": "LLM", other: { nested: true } },
            events: [],
          },
        ],
      },
    };
    const s = importMlflowTraceJson(doc).traces[0]!.spans[0]!;
    assert.equal(s.attributes["mlflow.spanInputs"], '{"a":[1,2]}');
    assert.equal(s.attributes["mlflow.spanType"], "LLM");
    assert.deepEqual(s.attributes.other, { nested: true });
    assert.equal(s.statusCode, "OK");
  });

  it("falls back to the info id when spans carry none, and to the spans when info has none", () => {
    const span = { span_id: "0123456789abcdef", name: "x", start_time_unix_nano: 1, end_time_unix_nano: 2 };
    const fromInfo = importMlflowTraceJson({ info: { trace_id: "tr-00000000000000000000000000000abc" }, data: { spans: [span] } });
    assert.equal(fromInfo.traces[0]!.spans[0]!.traceId, "00000000000000000000000000000abc");
    const fromV2 = importMlflowTraceJson({ info: { request_id: "00000000000000000000000000000def" }, data: { spans: [span] } });
    assert.equal(fromV2.traces[0]!.spans[0]!.traceId, "00000000000000000000000000000def");
    const none = importMlflowTraceJson({ info: { request_id: "not-hex" }, data: { spans: [span] } });
    assert.equal(none.traces.length, 0);
    assert.equal(none.rejected, 1);
    assert.match(none.errors[0]!, /spans\[0\]: no usable trace id/);
  });
});

describe("importMlflowTraceJson: files", () => {
  it("reads JSON Lines (blank lines ignored)", () => {
    const r = importMlflowTraceJson(text("mlflow-traces.jsonl"));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.traces.map((t) => [t.spans[0]!.traceId, t.spans.length]),
      [
        ["0d9a4b5c6e7f8091a2b3c4d5e6f70812", 2],
        ["4bf92f3577b34da6a3ce929d0e0e4736", 2],
      ],
    );
  });

  it("reads a JSON array of traces", () => {
    const arr = `[${text("mlflow-v3-proto.json")}, ${text("mlflow-v2.json")}]`;
    const r = importMlflowTraceJson(arr);
    assert.equal(r.traces.length, 2);
    assert.equal(r.traces[1]!.spans[0]!.name, "predict");
  });

  it("rejects bad spans, naming the trace and span, and keeps the rest", () => {
    const doc = JSON.parse(text("mlflow-v4-dict.json")) as { data: { spans: Array<Record<string, unknown>> } };
    doc.data.spans.push({ ...doc.data.spans[1], span_id: "zz", name: "broken" }, { ...doc.data.spans[1], span_id: undefined });
    const r = importMlflowTraceJson([doc]);
    assert.equal(r.traces[0]!.spans.length, 2);
    assert.equal(r.rejected, 2);
    assert.deepEqual(r.errors, [
      'traces[0].spans[2]: invalid span_id "zz" (expected 16 hex chars or base64 of 8 bytes) (span "broken")',
      'traces[0].spans[3]: missing span_id (span "search_tool")',
    ]);
  });

  it("a corrupt file throws, naming the line or the index", () => {
    const lines = text("mlflow-traces.jsonl").split("\n");
    expectWireError(() => importMlflowTraceJson(`${lines[0]}\n{"info": {}, "data": {"spans": [}\n`), /^invalid JSON at line 2, position 32: /);
    expectWireError(() => importMlflowTraceJson(`${lines[0]}\n{"info": {}}\n`), /^line 2: data\.spans must be an array/);
    expectWireError(() => importMlflowTraceJson(`[${lines[0]}, 42]`), /^traces\[1\]: expected an MLflow trace object/);
    expectWireError(() => importMlflowTraceJson('{"info": "x", "data": {"spans": []}}'), /^info must be an object/);
    // A truncated pretty-printed file is reported by position, not as JSON Lines.
    const pretty = text("mlflow-v3-proto.json");
    expectWireError(() => importMlflowTraceJson(pretty.slice(0, 200)), /^invalid JSON at position \d+: /);
    expectWireError(() => importMlflowTraceJson(""), /the file is empty/);
  });
});

// --- export → import --------------------------------------------------------------------------

const NORMALIZED_KEYS = {
  spanType: true,
  inputs: true,
  outputs: true,
  model: true,
  provider: true,
  usage: true,
  cost: true,
  error: true,
  sessionId: true,
  userId: true,
  tags: true,
  metadata: true,
  conventions: true,
} as const;

function normalized(over: Partial<NormalizedSpan>): NormalizedSpan {
  return {
    spanType: "UNKNOWN",
    inputs: null,
    outputs: null,
    model: null,
    provider: null,
    usage: null,
    cost: null,
    error: null,
    sessionId: null,
    userId: null,
    tags: {},
    metadata: {},
    conventions: [],
    ...over,
  };
}

function storedTrace(): { summary: TraceSummary; spans: SpanRecord[] } {
  const raw = decodeOtlpProtobuf(fixture("sdk-trace.pb")).spans;
  const byName = (n: string): RawSpan => raw.find((s) => s.name === n)!;
  const root = byName("agent.run");
  const llm = byName("llm.chat");
  const tool = byName("tool.search");
  const spans: SpanRecord[] = [
    {
      ...root,
      attributes: { ...root.attributes, "mlflow.spanFunctionName": "run", "mlflow.spanType": '"AGENT"' },
      ...normalized({ spanType: "AGENT", inputs: "What is 2+2?", outputs: { answer: 4 }, sessionId: "s-1" }),
    },
    {
      ...llm,
      ...normalized({
        spanType: "CHAT_MODEL",
        inputs: { messages: [{ role: "user", content: "What is 2+2?" }] },
        outputs: "4",
        model: "gpt-4o",
        provider: "openai",
        usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15, cacheReadInputTokens: 2 },
        cost: { inputCost: 0.001, outputCost: 0.002, totalCost: 0.003 },
      }),
    },
    {
      ...tool,
      ...normalized({ spanType: "TOOL", error: { type: "Error", message: "search backend down", stacktrace: null } }),
    },
  ];
  for (const s of spans) SpanRecordSchema.parse(s);
  const summary: TraceSummary = TraceSummarySchema.parse({
    traceId: IDS.trace,
    requestId: `tr-${IDS.trace}`,
    name: "agent.run",
    state: "OK",
    startTimeMs: 1750000000000,
    endTimeMs: 1750000000100,
    durationMs: 100,
    spanCount: 3,
    errorCount: 1,
    inputTokens: 12,
    outputTokens: 3,
    totalTokens: 15,
    costUsd: 0.003,
    requestPreview: "What is 2+2?",
    responsePreview: '{"answer":4}',
    tags: { env: "dev" },
    metadata: { "app.version": "1.0" },
    sessionId: "s-1",
    userId: "u-9",
    serviceName: "wire-test-app",
    hasRoot: true,
  });
  return { summary, spans };
}

describe("exportMlflowTraceJson", () => {
  it("writes MLflow 3 info and proto-JSON spans (base64 ids, JSON-encoded mlflow.* attributes)", () => {
    const { summary, spans } = storedTrace();
    const out = exportMlflowTraceJson({ summary, spans, assessments: [{ assessment_name: "ok" }] });
    assert.deepEqual(out.info, {
      trace_id: `tr-${IDS.trace}`,
      trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: "0" } },
      request_time: "2025-06-15T15:06:40.000Z",
      execution_duration: "0.1s",
      state: "OK",
      request_preview: "What is 2+2?",
      response_preview: '{"answer":4}',
      trace_metadata: {
        "app.version": "1.0",
        "mlflow.trace_schema.version": "3",
        "mlflow.trace.user": "u-9",
        "mlflow.trace.session": "s-1",
        "mlflow.trace.tokenUsage": '{"input_tokens":12,"output_tokens":3,"total_tokens":15}',
      },
      tags: { env: "dev", "mlflow.traceName": "agent.run" },
      assessments: [{ assessment_name: "ok" }],
    });
    const b64 = (h: string) => Buffer.from(h, "hex").toString("base64");
    const root = out.data.spans.find((s) => s.name === "agent.run")!;
    const llm = out.data.spans.find((s) => s.name === "llm.chat")!;
    assert.equal(root.trace_id, b64(IDS.trace));
    assert.equal(root.span_id, b64(IDS.root));
    assert.equal(root.parent_span_id, "");
    assert.equal(llm.parent_span_id, b64(IDS.root));
    assert.equal(root.status.code, "STATUS_CODE_OK");
    assert.equal(root.kind, "SPAN_KIND_SERVER");
    assert.equal(root.start_time_unix_nano, "1750000000000000000");
    // Existing encoded values are kept; raw strings get encoded; missing keys come from the normalized fields.
    assert.equal(root.attributes["mlflow.spanType"], '"AGENT"');
    assert.equal(root.attributes["mlflow.spanFunctionName"], '"run"');
    assert.equal(root.attributes["mlflow.spanInputs"], '"What is 2+2?"');
    assert.equal(root.attributes["mlflow.spanOutputs"], '{"answer":4}');
    assert.equal(root.attributes["mlflow.traceRequestId"], `"tr-${IDS.trace}"`);
    assert.equal(llm.attributes["mlflow.spanType"], '"CHAT_MODEL"');
    assert.equal(llm.attributes["mlflow.chat.tokenUsage"], '{"input_tokens":12,"output_tokens":3,"total_tokens":15,"cache_read_input_tokens":2}');
    assert.equal(llm.attributes["mlflow.llm.cost"], '{"input_cost":0.001,"output_cost":0.002,"total_cost":0.003}');
    assert.equal(llm.attributes["mlflow.llm.model"], '"gpt-4o"');
    assert.equal(llm.attributes["gen_ai.usage.input_tokens"], 12);
  });

  it("round-trips through importMlflowTraceJson", () => {
    const { summary, spans } = storedTrace();
    const assessments = [{ assessment_id: "a-1", assessment_name: "correctness", feedback: { value: true } }];
    const file = JSON.stringify(exportMlflowTraceJson({ summary, spans, assessments }), null, 2);
    const r = importMlflowTraceJson(file);
    assert.deepEqual(r.errors, []);
    assert.equal(r.traces.length, 1);
    const t = r.traces[0]!;
    assert.equal(t.spans.length, spans.length);
    for (const original of spans) {
      const back = t.spans.find((s) => s.spanId === original.spanId);
      assert.ok(back, original.name);
      const { attributes, resource, scope, ...facts } = back;
      const {
        attributes: origAttributes,
        resource: _r,
        scope: _s,
        ...origFacts
      } = SpanRecordSchema.omit(NORMALIZED_KEYS).parse(original);
      assert.deepEqual(facts, origFacts, original.name);
      // Resource and scope have no place in MLflow's format.
      assert.deepEqual([resource, scope], [{}, { name: "", version: "" }]);
      for (const [k, v] of Object.entries(origAttributes)) {
        if (k.startsWith("mlflow.")) continue;
        assert.deepEqual(attributes[k], v, `${original.name} ${k}`);
      }
      assert.equal(attributes["mlflow.spanType"], JSON.stringify(original.spanType));
      assert.equal(attributes["mlflow.traceRequestId"], JSON.stringify(`tr-${IDS.trace}`));
      if (original.inputs !== null) assert.deepEqual(JSON.parse(String(attributes["mlflow.spanInputs"])), original.inputs);
      if (original.outputs !== null) assert.deepEqual(JSON.parse(String(attributes["mlflow.spanOutputs"])), original.outputs);
    }
    const llm = t.spans.find((s) => s.name === "llm.chat")!;
    assert.deepEqual(JSON.parse(String(llm.attributes["mlflow.chat.tokenUsage"])), {
      input_tokens: 12,
      output_tokens: 3,
      total_tokens: 15,
      cache_read_input_tokens: 2,
    });
    assert.equal(t.tags.env, "dev");
    assert.equal(t.tags["mlflow.traceName"], "agent.run");
    assert.equal(t.metadata["app.version"], "1.0");
    assert.equal(t.metadata["mlflow.trace.user"], "u-9");
    assert.deepEqual(t.assessments, assessments);
    assert.equal(t.info?.requestId, `tr-${IDS.trace}`);
    assert.equal(t.info?.requestTimeMs, summary.startTimeMs);
    assert.equal(t.info?.executionDurationMs, summary.durationMs);
    assert.equal(t.info?.state, "OK");
  });
});
