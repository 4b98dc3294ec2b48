import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Tracer } from "@opentelemetry/api";
import { context, trace } from "@opentelemetry/api";
import { MAX_ATTR_DEPTH, TRUNCATED_VALUE } from "../../../../server/wire/attributes";
import { decodeOtlpProtobuf, encodeExportResponseProtobuf, encodeRpcStatusProtobuf, TAGS } from "../../../../server/wire/otlpProtobuf";
import { OTLP_TYPE_NAMES, otlpType } from "../../../../server/wire/otlpSchema";
import { WireFormatError } from "../../../../server/wire/wireFormatError";
import { capture, SAMPLE } from "./otelCapture";
import { assertFixtureSpans, cat, dbl, f64, fixture, hex, IDS, kv, ld, requestBytes, spanBytes, vf } from "./sample";

const TRACE = IDS.trace;
const SPAN = "1111111111111111";

function decodeSingleSpanAttrs(...attrs: Uint8Array[]) {
  const body = requestBytes([spanBytes({ traceId: TRACE, spanId: SPAN, name: "s", extra: attrs.map((a) => ld(9, a)) })]);
  const r = decodeOtlpProtobuf(body);
  assert.equal(r.rejected, 0, r.errors.join("\n"));
  return r.spans[0]!.attributes;
}

function expectWireError(fn: () => unknown, pattern: RegExp): WireFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(WireFormatError.is(caught), `expected a WireFormatError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}

describe("decodeOtlpProtobuf: real SDK payloads", () => {
  it("decodes the captured protobuf fixture (one batched request)", () => {
    const r = decodeOtlpProtobuf(fixture("sdk-trace.pb"));
    assert.deepEqual(r.errors, []);
    assert.equal(r.rejected, 0);
    assertFixtureSpans(r.spans);
  });

  for (const kind of ["proto", "proto-gzip"] as const) {
    it(`decodes live exports of exporter-trace-otlp-proto (${kind})`, async () => {
      const requests = await capture(kind);
      assert.equal(requests.length, 3, "SimpleSpanProcessor exports each span on its own");
      for (const req of requests) {
        assert.equal(req.contentType, "application/x-protobuf");
        assert.equal(req.contentEncoding, kind === "proto-gzip" ? "gzip" : "identity");
      }
      const spans = requests.flatMap((req) => {
        const r = decodeOtlpProtobuf(req.body);
        assert.equal(r.rejected, 0);
        return r.spans;
      });
      const byName = new Map(spans.map((s) => [s.name, s]));
      const root = byName.get(SAMPLE.rootName)!;
      const llm = byName.get(SAMPLE.childName)!;
      const tool = byName.get(SAMPLE.toolName)!;
      assert.match(root.traceId, /^[0-9a-f]{32}$/);
      assert.match(root.spanId, /^[0-9a-f]{16}$/);
      assert.equal(root.parentSpanId, null);
      assert.equal(llm.parentSpanId, root.spanId);
      assert.equal(tool.parentSpanId, root.spanId);
      assert.equal(llm.traceId, root.traceId);
      assert.equal(llm.kind, 3);
      assert.equal(tool.statusCode, "ERROR");
      assert.equal(llm.attributes["gen_ai.usage.input_tokens"], 12);
      assert.equal(llm.attributes["llm.temperature"], 0.25);
      assert.deepEqual(llm.attributes.nested, { role: "user", n: 7, deep: { x: [true, false] } });
      assert.deepEqual(llm.attributes.raw, { $bytes: "AAEC+v8=" });
      assert.equal(root.resource["service.name"], SAMPLE.serviceName);
      assert.deepEqual(root.scope, { name: SAMPLE.scopeName, version: SAMPLE.scopeVersion });
      assert.match(root.startTimeUnixNano, /^\d{19}$/);
      assert.ok(BigInt(root.endTimeUnixNano) >= BigInt(root.startTimeUnixNano));
      assert.deepEqual(tool.links, [{ traceId: root.traceId, spanId: llm.spanId, attributes: { "link.kind": "follows" } }]);
    });
  }

  it("agrees with the schema-based protobufjs decoder", () => {
    const body = fixture("sdk-trace.pb");
    const type = otlpType(OTLP_TYPE_NAMES.exportRequest);
    const obj = type.toObject(type.decode(body), { longs: String, bytes: String, enums: Number, defaults: true }) as {
      resourceSpans: Array<{
        scopeSpans: Array<{
          spans: Array<{
            traceId: string;
            spanId: string;
            parentSpanId: string;
            name: string;
            kind: number;
            startTimeUnixNano: string;
            endTimeUnixNano: string;
            attributes: Array<{ key: string }>;
            events: unknown[];
          }>;
        }>;
      }>;
    };
    const b64hex = (b: string) => Buffer.from(b, "base64").toString("hex");
    const expected = obj.resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => ({
          traceId: b64hex(s.traceId),
          spanId: b64hex(s.spanId),
          parentSpanId: b64hex(s.parentSpanId) || null,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: s.startTimeUnixNano,
          endTimeUnixNano: s.endTimeUnixNano,
          attributeKeys: s.attributes.map((a) => a.key),
          eventCount: s.events.length,
        })),
      ),
    );
    const actual = decodeOtlpProtobuf(body).spans.map((s) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      kind: s.kind,
      startTimeUnixNano: s.startTimeUnixNano,
      endTimeUnixNano: s.endTimeUnixNano,
      attributeKeys: Object.keys(s.attributes),
      eventCount: s.events.length,
    }));
    assert.deepEqual(actual, expected);
  });

  it("uses the field numbers of the schema", () => {
    const wireType = (t: string, resolved: boolean) =>
      resolved ? 2 : ["fixed64", "double"].includes(t) ? 1 : ["string", "bytes"].includes(t) ? 2 : 0;
    const check = (typeName: string, tags: Record<string, number>) => {
      const type = otlpType(typeName);
      for (const [field, tag] of Object.entries(tags)) {
        const f = type.fields[field];
        assert.ok(f, `${typeName}.${field} exists in the schema`);
        f.resolve();
        const isMessage = f.resolvedType !== null && !("values" in f.resolvedType);
        assert.equal(tag >>> 3, f.id, `${typeName}.${field} number`);
        assert.equal(tag & 7, wireType(f.type, isMessage), `${typeName}.${field} wire type`);
      }
    };
    const P = "opentelemetry.proto.";
    check(`${P}collector.trace.v1.ExportTraceServiceRequest`, TAGS.request);
    check(`${P}trace.v1.ResourceSpans`, TAGS.resourceSpans);
    check(`${P}resource.v1.Resource`, TAGS.resource);
    check(`${P}trace.v1.ScopeSpans`, TAGS.scopeSpans);
    check(`${P}common.v1.InstrumentationScope`, TAGS.scope);
    check(`${P}trace.v1.Span`, TAGS.span);
    check(`${P}trace.v1.Span.Event`, TAGS.event);
    check(`${P}trace.v1.Span.Link`, TAGS.link);
    check(`${P}trace.v1.Status`, TAGS.status);
    check(`${P}common.v1.KeyValue`, TAGS.keyValue);
    check(`${P}common.v1.AnyValue`, TAGS.anyValue);
    check(`${P}common.v1.ArrayValue`, TAGS.arrayValue);
    check(`${P}common.v1.KeyValueList`, TAGS.keyValueList);
  });

  it("decodes a 512-span request from the real SDK completely", async () => {
    const emit = (tracer: Tracer) => {
      const root = tracer.startSpan("root");
      const ctx = trace.setSpan(context.active(), root);
      for (let i = 0; i < 511; i++) {
        const s = tracer.startSpan(
          `llm.call.${i}`,
          {
            attributes: {
              "gen_ai.request.model": "gpt-4o",
              "gen_ai.usage.input_tokens": 1200 + i,
              "llm.temperature": 0.2,
              "input.value": JSON.stringify({ messages: [{ role: "user", content: "What is the capital of France?" }] }),
              tags: ["a", "b", "c"],
            },
          },
          ctx,
        );
        s.addEvent("gen_ai.content.prompt", { "gen_ai.prompt": "hello" });
        s.end();
      }
      root.end();
    };
    const [req] = await capture("proto", { emit, batch: true });
    assert.ok(req);
    // (decode speed is measured by bench/, not asserted here)
    const decoded = decodeOtlpProtobuf(req.body);
    assert.equal(decoded.spans.length, 512);
    assert.equal(decoded.rejected, 0);
    const last = decoded.spans.find((s) => s.name === "llm.call.510");
    assert.equal(last?.attributes["gen_ai.usage.input_tokens"], 1710);
    assert.deepEqual(last?.attributes.tags, ["a", "b", "c"]);
  });
});

describe("decodeOtlpProtobuf: partial success", () => {
  it("rejects spans with missing, all-zero or wrong-length ids and keeps the others", () => {
    const body = requestBytes([
      spanBytes({ traceId: TRACE, spanId: "0000000000000001", name: "ok-1" }),
      spanBytes({ traceId: TRACE, name: "no-span-id" }),
      spanBytes({ traceId: "0".repeat(32), spanId: SPAN, name: "zero-trace" }),
      spanBytes({ traceId: TRACE, spanId: "abcdef", name: "short-span" }),
      spanBytes({ spanId: SPAN, name: "no-trace" }),
      spanBytes({ traceId: TRACE, spanId: "0000000000000002", parent: "0000000000000000", name: "zero-parent" }),
      spanBytes({ traceId: TRACE, spanId: "0000000000000003", parent: "01", name: "bad-parent" }),
      spanBytes({ traceId: TRACE, spanId: "0".repeat(16), name: "zero-span" }),
    ]);
    const r = decodeOtlpProtobuf(body);
    assert.deepEqual(
      r.spans.map((s) => [s.name, s.parentSpanId]),
      [
        ["ok-1", null],
        ["zero-parent", null],
      ],
    );
    assert.equal(r.rejected, 6);
    assert.deepEqual(r.errors, [
      'resourceSpans[0].scopeSpans[0].spans[1]: missing span_id (span "no-span-id")',
      'resourceSpans[0].scopeSpans[0].spans[2]: trace_id is all zeros (span "zero-trace")',
      'resourceSpans[0].scopeSpans[0].spans[3]: span_id must be 8 bytes, got 3 (span "short-span")',
      'resourceSpans[0].scopeSpans[0].spans[4]: missing trace_id (span "no-trace")',
      'resourceSpans[0].scopeSpans[0].spans[6]: parent_span_id must be 8 bytes, got 1 (span "bad-parent")',
      'resourceSpans[0].scopeSpans[0].spans[7]: span_id is all zeros (span "zero-span")',
    ]);
  });

  it("drops a link with an invalid id but keeps its span, with a warning", () => {
    const badLink = ld(13, cat(ld(1, hex(TRACE)), ld(2, hex("00"))));
    const goodLink = ld(13, cat(ld(1, hex(TRACE)), ld(2, hex(SPAN)), ld(4, kv("k", ld(1, "v")))));
    const r = decodeOtlpProtobuf(requestBytes([spanBytes({ traceId: TRACE, spanId: SPAN, extra: [badLink, goodLink] })]));
    assert.equal(r.rejected, 0);
    assert.deepEqual(r.spans[0]!.links, [{ traceId: TRACE, spanId: SPAN, attributes: { k: "v" } }]);
    assert.deepEqual(r.errors, ["resourceSpans[0].scopeSpans[0].spans[0].links[0]: link dropped: span_id must be 8 bytes, got 1"]);
  });
});

describe("decodeOtlpProtobuf: values", () => {
  it("keeps 64-bit integers exact: numbers when safe, decimal strings otherwise", () => {
    const attrs = decodeSingleSpanAttrs(
      kv("max", vf(3, 9223372036854775807n)),
      kv("min", vf(3, -9223372036854775808n)),
      kv("safe", vf(3, 9007199254740991n)),
      kv("unsafe", vf(3, 9007199254740993n)),
      kv("neg", vf(3, -1n)),
      kv("negsafe", vf(3, -9007199254740991n)),
      kv("zero", vf(3, 0n)),
      kv("big32", vf(3, 4294967296n)),
    );
    assert.deepEqual(attrs, {
      max: "9223372036854775807",
      min: "-9223372036854775808",
      safe: 9007199254740991,
      unsafe: "9007199254740993",
      neg: -1,
      negsafe: -9007199254740991,
      zero: 0,
      big32: 4294967296,
    });
  });

  it("decodes times as exact decimal strings, up to 2^64-1", () => {
    const r = decodeOtlpProtobuf(
      requestBytes([spanBytes({ traceId: TRACE, spanId: SPAN, start: 1750000000123456789n, end: 18446744073709551615n })]),
    );
    assert.equal(r.spans[0]!.startTimeUnixNano, "1750000000123456789");
    assert.equal(r.spans[0]!.endTimeUnixNano, "18446744073709551615");
  });

  it("maps doubles (NaN/Infinity to strings), bools, bytes, empty values and repeated keys", () => {
    const attrs = decodeSingleSpanAttrs(
      kv("pi", dbl(4, 3.5)),
      kv("nan", dbl(4, NaN)),
      kv("inf", dbl(4, -Infinity)),
      kv("t", vf(2, 1)),
      kv("f", vf(2, 0)),
      kv("bytes", ld(7, [1, 2, 3])),
      kv("empty", new Uint8Array(0)),
      kv("dup", ld(1, "first")),
      kv("dup", ld(1, "second")),
      kv("__proto__", ld(1, "not a prototype")),
    );
    assert.equal(attrs.pi, 3.5);
    assert.equal(attrs.nan, "NaN");
    assert.equal(attrs.inf, "-Infinity");
    assert.equal(attrs.t, true);
    assert.equal(attrs.f, false);
    assert.deepEqual(attrs.bytes, { $bytes: "AQID" });
    assert.equal(attrs.empty, null);
    assert.equal(attrs.dup, "second");
    assert.equal(Object.getOwnPropertyDescriptor(attrs, "__proto__")?.value, "not a prototype");
    assert.equal(Object.getPrototypeOf(attrs), Object.prototype);
  });

  it("caps AnyValue nesting: 1000 nested arrays/kvlists decode without error, truncated at depth", () => {
    let arr: Uint8Array = ld(1, "leaf");
    let map: Uint8Array = ld(1, "leaf");
    for (let i = 0; i < 1000; i++) {
      arr = ld(5, ld(1, arr)); // AnyValue{array_value: ArrayValue{values: [arr]}}
      map = ld(6, ld(1, kv("k", map))); // AnyValue{kvlist_value: {values: [{k: map}]}}
    }
    const attrs = decodeSingleSpanAttrs(kv("deepArray", arr), kv("deepMap", map), kv("after", ld(1, "still here")));
    let a: unknown = attrs.deepArray;
    let depth = 0;
    while (Array.isArray(a)) {
      a = a[0];
      depth++;
    }
    assert.equal(depth, MAX_ATTR_DEPTH);
    assert.equal(a, TRUNCATED_VALUE);
    let m: unknown = attrs.deepMap;
    depth = 0;
    while (typeof m === "object" && m !== null) {
      m = (m as Record<string, unknown>).k;
      depth++;
    }
    assert.equal(depth, MAX_ATTR_DEPTH);
    assert.equal(m, TRUNCATED_VALUE);
    assert.equal(attrs.after, "still here");
  });

  it("skips unknown fields and accepts resource/scope after the spans", () => {
    const span = spanBytes({
      traceId: TRACE,
      spanId: SPAN,
      name: "s",
      extra: [vf(99, 5), ld(100, "future"), f64(101, 1n), ld(9, cat(kv("a", ld(1, "b")), vf(50, 1)))],
    });
    const scopeSpans = cat(ld(2, span), ld(1, cat(ld(1, "late-scope"), ld(2, "2.0"))), ld(3, "https://schema"));
    const resourceSpans = cat(ld(2, scopeSpans), ld(1, ld(1, kv("service.name", ld(1, "late-svc")))), vf(77, 1));
    const r = decodeOtlpProtobuf(cat(vf(42, 1), ld(1, resourceSpans)));
    assert.equal(r.rejected, 0);
    const s = r.spans[0]!;
    assert.equal(s.name, "s");
    assert.deepEqual(s.attributes, { a: "b" });
    assert.deepEqual(s.scope, { name: "late-scope", version: "2.0" });
    assert.deepEqual(s.resource, { "service.name": "late-svc" });
  });

  it("defaults: no resource/scope → empty objects, no status → UNSET, kind 0", () => {
    const body = ld(1, ld(2, ld(2, spanBytes({ traceId: TRACE, spanId: SPAN }))));
    const s = decodeOtlpProtobuf(body).spans[0]!;
    assert.deepEqual(s.resource, {});
    assert.deepEqual(s.scope, { name: "", version: "" });
    assert.equal(s.statusCode, "UNSET");
    assert.equal(s.statusMessage, "");
    assert.equal(s.kind, 0);
    assert.equal(s.name, "");
    assert.ok(!Object.isFrozen(s.resource));
  });

  it("an empty body is an empty request", () => {
    assert.deepEqual(decodeOtlpProtobuf(new Uint8Array(0)), { spans: [], rejected: 0, errors: [] });
  });
});

describe("decodeOtlpProtobuf: undecodable bodies", () => {
  it("a truncated body throws a WireFormatError naming the byte", () => {
    const body = fixture("sdk-trace.pb");
    for (const cut of [1, 10, 100, body.length - 1]) {
      const e = expectWireError(() => decodeOtlpProtobuf(body.subarray(0, cut)), /^invalid protobuf: index out of range at byte \d+/);
      assert.equal(e.reason, "invalid-protobuf");
      assert.equal(e.name, "WireFormatError");
    }
  });

  it("an invalid wire type throws", () => {
    expectWireError(() => decodeOtlpProtobuf(Uint8Array.from([0x0f, 0x00])), /^invalid protobuf: invalid wire type 7/);
  });

  it("a JSON body sent as protobuf gets a hint", () => {
    expectWireError(
      () => decodeOtlpProtobuf(new TextEncoder().encode('{"resourceSpans":[]}')),
      /looks like JSON.*application\/json/,
    );
  });

  it("WireFormatError.is recognizes copies from another bundle", () => {
    assert.ok(WireFormatError.is({ name: "WireFormatError", reason: "invalid-json", message: "x" }));
    assert.ok(!WireFormatError.is(new Error("x")));
    assert.ok(!WireFormatError.is(null));
  });
});

describe("protobuf responses", () => {
  it("full success is the empty message", () => {
    assert.equal(encodeExportResponseProtobuf({ rejectedSpans: 0, errorMessage: "" }).length, 0);
  });

  it("partial success round-trips through the schema", () => {
    const bytes = encodeExportResponseProtobuf({ rejectedSpans: 2, errorMessage: "spans[1]: missing span_id" });
    const type = otlpType(OTLP_TYPE_NAMES.exportResponse);
    assert.deepEqual(type.toObject(type.decode(bytes), { longs: Number }), {
      partialSuccess: { rejectedSpans: 2, errorMessage: "spans[1]: missing span_id" },
    });
  });

  it("google.rpc.Status for error responses", () => {
    const bytes = encodeRpcStatusProtobuf(3, "invalid protobuf: truncated");
    const type = otlpType(OTLP_TYPE_NAMES.rpcStatus);
    assert.deepEqual(type.toObject(type.decode(bytes)), { code: 3, message: "invalid protobuf: truncated" });
  });
});
