/**
 * Real OTLP payloads from the official OpenTelemetry JS SDK (protobuf, protobuf+gzip, JSON and
 * JSON+gzip exporters), sent to the real headless server (`scorelens serve`, SQLite in a tmp
 * dir), then read back with `scorelens trace ID --json`. Also an OpenInference-instrumented LLM
 * call (OpenInference semantic attributes, as the OpenInference instrumentations emit them).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { HrTime, Span, Tracer } from "@opentelemetry/api";
import type { SpanRecord } from "../../protocol/model";
import { tmpDir } from "./lspHarness";
import { makeSdk, type ExporterKind } from "./otelSdk";
import { TraceQueries } from "../../server/store/traceQueries";
import { cliTrace, cliTraces, openReadonly, startServe, stopAllServers, type ServeProcess, type TraceJson } from "./serveHarness";

const SERVICE = "roundtrip-app";
const SCOPE = { name: "roundtrip-scope", version: "4.5.6" };

let server: ServeProcess;
let db: string;

before(async () => {
  db = path.join(tmpDir(), "traces.db");
  server = await startServe(db);
});
after(async () => {
  await stopAllServers();
});

/** HrTime at `baseSec` + `ns` nanoseconds (exact, so the stored ns strings can be checked). */
function at(baseSec: number, ns: number): HrTime {
  return [baseSec + Math.floor(ns / 1e9), ns % 1e9];
}
function nsString(baseSec: number, ns: number): string {
  return (BigInt(baseSec) * 1_000_000_000n + BigInt(ns)).toString();
}

interface EmittedTrace {
  traceId: string;
  baseSec: number;
  ids: { root: string; chat1: string; chat2: string; tool: string; publish: string; consume: string; cache: string };
}

/**
 * One agent run: a SERVER root (invoke_agent) with two CLIENT chat calls (gen_ai.* usage), an
 * INTERNAL tool call that fails (recordException + ERROR status) with a CLIENT grandchild, and a
 * PRODUCER span. Every attribute type the SDK supports appears on the first chat span.
 */
function emitAgentRun(tracer: Tracer): EmittedTrace {
  const baseSec = Math.floor(Date.now() / 1000) - 60;
  const root = tracer.startSpan("agent.run", {
    kind: SpanKind.SERVER,
    startTime: at(baseSec, 0),
    attributes: {
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "helper",
      "app.request_id": "req-42",
    },
  });
  const ctx = trace.setSpan(context.active(), root);
  const chat1 = tracer.startSpan(
    "chat gpt-4o-mini",
    {
      kind: SpanKind.CLIENT,
      startTime: at(baseSec, 10_000_001),
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 30,
        "gen_ai.request.temperature": 0.25,
        "app.str": "hello ✓ ünïcode",
        "app.int": 9_007_199_254_740_991,
        "app.negative": -17,
        "app.double": 3.5e-7,
        "app.bool": false,
        "app.str_list": ["a", "b", ""],
        "app.int_list": [1, 2, 3],
        "app.double_list": [0.5, 1.25],
        "app.bool_list": [true, false, true],
      },
    },
    ctx,
  );
  chat1.addEvent("gen_ai.first_token", { "gen_ai.token.index": 0, latency_ms: 12.5, streamed: true }, at(baseSec, 20_000_000));
  chat1.addEvent("checkpoint", undefined, at(baseSec, 25_000_000));
  chat1.setStatus({ code: SpanStatusCode.OK });
  chat1.end(at(baseSec, 60_000_000));

  const chat2 = tracer.startSpan(
    "chat gpt-4o-mini",
    {
      kind: SpanKind.CLIENT,
      startTime: at(baseSec, 62_000_000),
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": 80,
        "gen_ai.usage.output_tokens": 20,
      },
    },
    ctx,
  );
  chat2.end(at(baseSec, 64_000_000));

  const tool = tracer.startSpan(
    "execute_tool search",
    {
      kind: SpanKind.INTERNAL,
      startTime: at(baseSec, 65_000_000),
      attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search" },
    },
    ctx,
  );
  const toolCtx = trace.setSpan(ctx, tool);
  const cache: Span = tracer.startSpan("cache.get", { kind: SpanKind.CLIENT, startTime: at(baseSec, 66_000_000) }, toolCtx);
  cache.setAttribute("cache.hit", false);
  cache.end(at(baseSec, 67_000_000));
  const err = new TypeError("search backend down");
  err.stack = "TypeError: search backend down\n    at search (tool.ts:1:1)";
  tool.recordException(err, at(baseSec, 70_000_000));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: "search failed" });
  tool.end(at(baseSec, 90_000_000));

  const publish = tracer.startSpan("queue.publish", { kind: SpanKind.PRODUCER, startTime: at(baseSec, 91_000_000) }, ctx);
  const consume = tracer.startSpan(
    "queue.consume",
    { kind: SpanKind.CONSUMER, startTime: at(baseSec, 93_000_000) },
    trace.setSpan(ctx, publish),
  );
  publish.end(at(baseSec, 92_000_000));
  consume.end(at(baseSec, 95_000_000));

  root.end(at(baseSec, 100_000_000));
  return {
    traceId: root.spanContext().traceId,
    baseSec,
    ids: {
      root: root.spanContext().spanId,
      chat1: chat1.spanContext().spanId,
      chat2: chat2.spanContext().spanId,
      tool: tool.spanContext().spanId,
      publish: publish.spanContext().spanId,
      consume: consume.spanContext().spanId,
      cache: cache.spanContext().spanId,
    },
  };
}

async function sendWithSdk<T>(kind: ExporterKind, batch: boolean, emit: (tracer: Tracer) => T): Promise<T> {
  const { provider, exporter } = makeSdk(kind, server.listening.endpoint, { batch, resource: { "service.name": SERVICE } });
  const out = emit(provider.getTracer(SCOPE.name, SCOPE.version));
  await provider.forceFlush();
  await provider.shutdown();
  assert.ok(exporter.results.length > 0, "the exporter exported something");
  for (const r of exporter.results) assert.equal(r.code, 0, `export failed: ${r.error ?? "?"}\nserver stderr:\n${server.stderr()}`);
  return out;
}

function byId(t: TraceJson, id: string): SpanRecord {
  const s = t.spans.find((x) => x.spanId === id);
  assert.ok(s, `span ${id} is stored`);
  return s;
}

const VARIANTS: Array<{ kind: ExporterKind; batch: boolean }> = [
  { kind: "proto", batch: false }, // one request per span: children arrive before their root
  { kind: "proto-gzip", batch: true },
  { kind: "json", batch: true },
  { kind: "json-gzip", batch: false },
];

describe("OTel JS SDK → scorelens serve → scorelens trace --json", () => {
  for (const v of VARIANTS) {
    test(`${v.kind} exporter (${v.batch ? "one batched request" : "one request per span"})`, async () => {
      const e = await sendWithSdk(v.kind, v.batch, emitAgentRun);
      const t = await cliTrace(db, e.traceId);
      const { ids, baseSec } = e;

      // Trace rollup.
      const sum = t.summary;
      assert.equal(sum.traceId, e.traceId);
      assert.equal(sum.requestId, `tr-${e.traceId}`);
      assert.equal(sum.name, "agent.run", "the trace is named after its root, whatever arrived first");
      assert.equal(sum.state, "OK", "root status UNSET → OK; a failed child does not fail the trace");
      assert.equal(sum.hasRoot, true);
      assert.equal(sum.spanCount, 7);
      assert.equal(sum.errorCount, 1);
      assert.equal(sum.inputTokens, 200);
      assert.equal(sum.outputTokens, 50);
      assert.equal(sum.totalTokens, 250);
      assert.equal(sum.serviceName, SERVICE);
      assert.equal(sum.startTimeMs, baseSec * 1000);
      assert.equal(sum.durationMs, 100);

      // Tree shape and span kinds.
      assert.equal(t.spans.length, 7);
      const shape = Object.fromEntries(
        Object.entries(ids).map(([k, id]) => {
          const s = byId(t, id);
          return [k, { name: s.name, parent: s.parentSpanId, kind: s.kind, type: s.spanType, status: s.statusCode }];
        }),
      );
      assert.deepEqual(shape, {
        root: { name: "agent.run", parent: null, kind: 2, type: "AGENT", status: "UNSET" },
        chat1: { name: "chat gpt-4o-mini", parent: ids.root, kind: 3, type: "CHAT_MODEL", status: "OK" },
        chat2: { name: "chat gpt-4o-mini", parent: ids.root, kind: 3, type: "CHAT_MODEL", status: "UNSET" },
        tool: { name: "execute_tool search", parent: ids.root, kind: 1, type: "TOOL", status: "ERROR" },
        cache: { name: "cache.get", parent: ids.tool, kind: 3, type: "UNKNOWN", status: "UNSET" },
        publish: { name: "queue.publish", parent: ids.root, kind: 4, type: "UNKNOWN", status: "UNSET" },
        consume: { name: "queue.consume", parent: ids.publish, kind: 5, type: "UNKNOWN", status: "UNSET" },
      });
      for (const s of t.spans) {
        assert.equal(s.traceId, e.traceId);
        assert.deepEqual(s.resource, { "service.name": SERVICE });
        assert.deepEqual(s.scope, SCOPE);
      }

      // Attributes of every type, exact nanosecond times, events, normalized model/usage.
      const chat1 = byId(t, ids.chat1);
      assert.deepEqual(chat1.attributes, {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 30,
        "gen_ai.request.temperature": 0.25,
        "app.str": "hello ✓ ünïcode",
        "app.int": 9_007_199_254_740_991,
        "app.negative": -17,
        "app.double": 3.5e-7,
        "app.bool": false,
        "app.str_list": ["a", "b", ""],
        "app.int_list": [1, 2, 3],
        "app.double_list": [0.5, 1.25],
        "app.bool_list": [true, false, true],
      });
      assert.equal(chat1.startTimeUnixNano, nsString(baseSec, 10_000_001));
      assert.equal(chat1.endTimeUnixNano, nsString(baseSec, 60_000_000));
      assert.deepEqual(chat1.events, [
        {
          name: "gen_ai.first_token",
          timeUnixNano: nsString(baseSec, 20_000_000),
          attributes: { "gen_ai.token.index": 0, latency_ms: 12.5, streamed: true },
        },
        { name: "checkpoint", timeUnixNano: nsString(baseSec, 25_000_000), attributes: {} },
      ]);
      assert.equal(chat1.model, "gpt-4o-mini");
      assert.equal(chat1.provider, "openai");
      assert.deepEqual(chat1.usage, { inputTokens: 120, outputTokens: 30, totalTokens: 150 });
      assert.equal(chat1.error, null);
      assert.deepEqual(byId(t, ids.chat2).usage, { inputTokens: 80, outputTokens: 20, totalTokens: 100 });
      assert.deepEqual(byId(t, ids.cache).attributes, { "cache.hit": false });

      // The failed tool call: status, exception event, normalized error.
      const tool = byId(t, ids.tool);
      assert.equal(tool.statusMessage, "search failed");
      assert.deepEqual(tool.events, [
        {
          name: "exception",
          timeUnixNano: nsString(baseSec, 70_000_000),
          attributes: {
            "exception.type": "TypeError",
            "exception.message": "search backend down",
            "exception.stacktrace": "TypeError: search backend down\n    at search (tool.ts:1:1)",
          },
        },
      ]);
      assert.deepEqual(tool.error, {
        type: "TypeError",
        message: "search backend down",
        stacktrace: "TypeError: search backend down\n    at search (tool.ts:1:1)",
      });
      assert.equal(tool.usage, null);
      assert.equal(byId(t, ids.root).attributes["gen_ai.agent.name"], "helper");
    });
  }

  test("a root that fails makes the trace ERROR, even when it arrives after its children", async () => {
    const e = await sendWithSdk("proto", false, (tracer) => {
      const root = tracer.startSpan("pipeline", { kind: SpanKind.SERVER });
      const child = tracer.startSpan("step", {}, trace.setSpan(context.active(), root));
      child.setStatus({ code: SpanStatusCode.OK });
      child.end();
      root.recordException(new RangeError("budget exceeded"));
      root.setStatus({ code: SpanStatusCode.ERROR, message: "budget exceeded" });
      root.end();
      return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId };
    });
    const t = await cliTrace(db, e.traceId);
    assert.equal(t.summary.name, "pipeline");
    assert.equal(t.summary.state, "ERROR");
    assert.equal(t.summary.errorCount, 1);
    assert.equal(t.summary.spanCount, 2);
    const root = byId(t, e.rootId);
    assert.equal(root.statusCode, "ERROR");
    assert.equal(root.error?.type, "RangeError");
    assert.equal(root.error?.message, "budget exceeded");
  });
});

describe("an OpenInference-instrumented LLM call (OpenInference attributes through the OTel SDK, protobuf)", () => {
  test("is normalized: span type, model, provider, usage, messages, input/output values, session, tags, metadata", async () => {
    const question = { question: "What is 2+2?", options: { terse: true } };
    const e = await sendWithSdk("proto", true, (tracer) => {
      // As @arizeai/openinference-instrumentation-* emit them: a CHAIN around an LLM call.
      const chain = tracer.startSpan("RunnableSequence", {
        attributes: {
          "openinference.span.kind": "CHAIN",
          "input.value": JSON.stringify(question),
          "input.mime_type": "application/json",
          "output.value": "4",
          "output.mime_type": "text/plain",
          "session.id": "sess-7",
          "user.id": "user-3",
          metadata: JSON.stringify({ env: "test", attempt: 2 }),
          "tag.tags": ["math", "smoke"],
        },
      });
      const llm = tracer.startSpan(
        "ChatOpenAI",
        {
          kind: SpanKind.CLIENT,
          attributes: {
            "openinference.span.kind": "LLM",
            "llm.system": "openai",
            "llm.provider": "openai",
            "llm.model_name": "gpt-4o-2024-08-06",
            "llm.invocation_parameters": JSON.stringify({ temperature: 0, max_tokens: 16 }),
            "llm.input_messages.0.message.role": "system",
            "llm.input_messages.0.message.content": "You are terse.",
            "llm.input_messages.1.message.role": "user",
            "llm.input_messages.1.message.content": "What is 2+2?",
            "llm.output_messages.0.message.role": "assistant",
            "llm.output_messages.0.message.content": "4",
            "llm.token_count.prompt": 21,
            "llm.token_count.completion": 1,
            "llm.token_count.total": 22,
            "input.value": JSON.stringify({ messages: [{ role: "user", content: "What is 2+2?" }] }),
            "input.mime_type": "application/json",
            "output.value": JSON.stringify({ choices: [{ message: { role: "assistant", content: "4" } }] }),
            "output.mime_type": "application/json",
          },
        },
        trace.setSpan(context.active(), chain),
      );
      llm.setStatus({ code: SpanStatusCode.OK });
      llm.end();
      chain.setStatus({ code: SpanStatusCode.OK });
      chain.end();
      return { traceId: chain.spanContext().traceId, chainId: chain.spanContext().spanId, llmId: llm.spanContext().spanId };
    });

    const t = await cliTrace(db, e.traceId);
    const llm = byId(t, e.llmId);
    assert.equal(llm.spanType, "LLM");
    assert.equal(llm.parentSpanId, e.chainId);
    assert.equal(llm.model, "gpt-4o-2024-08-06");
    assert.equal(llm.provider, "openai");
    assert.deepEqual(llm.usage, { inputTokens: 21, outputTokens: 1, totalTokens: 22 });
    assert.deepEqual(llm.inputs, {
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "What is 2+2?" },
      ],
    });
    assert.deepEqual(llm.outputs, { messages: [{ role: "assistant", content: "4" }] });
    assert.ok(llm.conventions.includes("openinference"), `conventions: ${llm.conventions.join(",")}`);

    const chain = byId(t, e.chainId);
    assert.equal(chain.spanType, "CHAIN");
    assert.equal(chain.parentSpanId, null);
    assert.deepEqual(chain.inputs, question, "input.value with mime application/json is parsed");
    assert.equal(chain.outputs, "4", "output.value with mime text/plain stays text");
    assert.equal(chain.sessionId, "sess-7");
    assert.equal(chain.userId, "user-3");
    assert.deepEqual(chain.tags, { math: "true", smoke: "true" });
    assert.deepEqual(chain.metadata, { env: "test", attempt: "2" });

    const sum = t.summary;
    assert.equal(sum.name, "RunnableSequence");
    assert.equal(sum.state, "OK");
    assert.equal(sum.spanCount, 2);
    assert.equal(sum.errorCount, 0);
    assert.equal(sum.inputTokens, 21);
    assert.equal(sum.outputTokens, 1);
    assert.equal(sum.totalTokens, 22);
    assert.equal(sum.requestPreview, JSON.stringify(question));
    assert.equal(sum.responsePreview, "4");
    assert.equal(sum.sessionId, "sess-7");
    assert.equal(sum.userId, "user-3");
    assert.deepEqual(sum.tags, { math: "true", smoke: "true" });
    assert.deepEqual(sum.metadata, { env: "test", attempt: "2" });

    // Reading the file directly (read-only, while the server runs) gives the same as the CLI.
    const ro = openReadonly(db);
    try {
      const q = new TraceQueries(ro);
      assert.deepEqual(q.getSummary(e.traceId), t.summary);
      assert.deepEqual(q.getSpans(e.traceId), t.spans);
    } finally {
      ro.close();
    }

    // The list command sees it too.
    const list = await cliTraces(db, 50);
    const row = list.find((x) => x.traceId === e.traceId);
    assert.ok(row, "listed by scorelens traces --json");
    assert.equal(row.totalTokens, 22);
  });
});
