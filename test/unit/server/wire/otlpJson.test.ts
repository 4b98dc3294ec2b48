import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_ATTR_DEPTH, TRUNCATED_VALUE } from "../../../../server/wire/attributes";
import { decodeOtlpJson, encodeExportResponseJson } from "../../../../server/wire/otlpJson";
import { decodeOtlpProtobuf } from "../../../../server/wire/otlpProtobuf";
import { WireFormatError } from "../../../../server/wire/wireFormatError";
import { capture, SAMPLE } from "./otelCapture";
import { assertFixtureSpans, fixture, IDS } from "./sample";

const TRACE = IDS.trace;
const SPAN = "1111111111111111";

type Json = Record<string, unknown>;

function request(spans: unknown[], extra: Json = {}): Json {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeSpans: [{ scope: { name: "sc", version: "1" }, spans }],
        ...extra,
      },
    ],
  };
}

function span(o: Json = {}): Json {
  return { traceId: TRACE, spanId: SPAN, name: "s", startTimeUnixNano: "1", endTimeUnixNano: "2", ...o };
}

function attrsOf(...attributes: unknown[]) {
  const r = decodeOtlpJson(request([span({ attributes })]));
  assert.equal(r.rejected, 0, r.errors.join("\n"));
  return r.spans[0]!.attributes;
}

function expectWireError(fn: () => unknown, pattern: RegExp, reason?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(WireFormatError.is(caught), `expected a WireFormatError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  if (reason) assert.equal(caught.reason, reason);
}

const toBase64 = (h: string) => Buffer.from(h, "hex").toString("base64");

describe("decodeOtlpJson: real SDK payloads", () => {
  it("decodes the captured JSON fixture (one batched request)", () => {
    const r = decodeOtlpJson(fixture("sdk-trace.json").toString("utf8"));
    assert.deepEqual(r.errors, []);
    assertFixtureSpans(r.spans);
  });

  it("decodes the same trace exactly like the protobuf decoder", () => {
    const fromJson = decodeOtlpJson(fixture("sdk-trace.json").toString("utf8"));
    const fromProto = decodeOtlpProtobuf(fixture("sdk-trace.pb"));
    assert.deepEqual(fromJson, fromProto);
  });

  for (const kind of ["json", "json-gzip"] as const) {
    it(`decodes live exports of exporter-trace-otlp-http (${kind})`, async () => {
      const requests = await capture(kind);
      assert.equal(requests.length, 3);
      const spans = requests.flatMap((req) => {
        assert.equal(req.contentType, "application/json");
        const r = decodeOtlpJson(req.body.toString("utf8"));
        assert.equal(r.rejected, 0);
        return r.spans;
      });
      const byName = new Map(spans.map((s) => [s.name, s]));
      const root = byName.get(SAMPLE.rootName)!;
      const llm = byName.get(SAMPLE.childName)!;
      assert.equal(root.parentSpanId, null);
      assert.equal(llm.parentSpanId, root.spanId);
      assert.equal(llm.kind, 3);
      assert.equal(llm.attributes["gen_ai.usage.output_tokens"], -3);
      assert.deepEqual(llm.attributes.tags, ["a", "b"]);
      assert.deepEqual(llm.attributes.raw, { $bytes: "AAEC+v8=" });
      assert.equal(llm.events[0]!.name, "gen_ai.content.prompt");
      assert.equal(root.resource["service.name"], SAMPLE.serviceName);
    });
  }

  it("accepts UTF-8 bytes and a byte order mark", () => {
    const text = "\uFEFF" + fixture("sdk-trace.json").toString("utf8");
    assertFixtureSpans(decodeOtlpJson(text).spans);
    assertFixtureSpans(decodeOtlpJson(new TextEncoder().encode(text)).spans);
    assertFixtureSpans(decodeOtlpJson(JSON.parse(fixture("sdk-trace.json").toString("utf8"))).spans);
  });
});

describe("decodeOtlpJson: encodings exporters disagree on", () => {
  it("reads ids as hex (any case) or base64 (standard or URL-safe, padded or not)", () => {
    const parent = "abcdef0123456789";
    const forms = [
      { traceId: TRACE, spanId: SPAN, parentSpanId: parent },
      { traceId: TRACE.toUpperCase(), spanId: SPAN.toUpperCase(), parentSpanId: parent.toUpperCase() },
      { traceId: toBase64(TRACE), spanId: toBase64(SPAN), parentSpanId: toBase64(parent) },
      {
        traceId: toBase64(TRACE).replace(/=+$/, ""),
        spanId: toBase64(SPAN).replace(/=+$/, ""),
        parentSpanId: Buffer.from(parent, "hex").toString("base64url"),
      },
    ];
    for (const ids of forms) {
      const s = decodeOtlpJson(request([span(ids)])).spans[0];
      assert.deepEqual([s?.traceId, s?.spanId, s?.parentSpanId], [TRACE, SPAN, parent], JSON.stringify(ids));
    }
  });

  it("reads 64-bit ints as numbers or strings, and keeps big ones exact", () => {
    const text = JSON.stringify(
      request([
        span({
          startTimeUnixNano: "@START@",
          endTimeUnixNano: "1750000000223456789",
          attributes: [
            { key: "n", value: { intValue: 42 } },
            { key: "s", value: { intValue: "42" } },
            { key: "neg", value: { intValue: "-7" } },
            { key: "bigStr", value: { intValue: "9223372036854775807" } },
            { key: "bigNum", value: { intValue: "@BIG@" } },
            { key: "d", value: { doubleValue: "2.5" } },
            { key: "nan", value: { doubleValue: "NaN" } },
          ],
        }),
      ]),
    )
      // Bare JSON numbers beyond 2^53, as other SDKs write them (a JS literal would be rounded).
      .replace('"@START@"', "1750000000123456789")
      .replace('"@BIG@"', "9007199254740993");
    const s = decodeOtlpJson(text).spans[0]!;
    assert.equal(s.startTimeUnixNano, "1750000000123456789");
    assert.equal(s.endTimeUnixNano, "1750000000223456789");
    assert.deepEqual(s.attributes, {
      n: 42,
      s: 42,
      neg: -7,
      bigStr: "9223372036854775807",
      bigNum: "9007199254740993",
      d: 2.5,
      nan: "NaN",
    });
  });

  it("accepts snake_case keys (proto3 JSON mapping) and enum names", () => {
    const doc = {
      resource_spans: [
        {
          resource: { attributes: [{ key: "service.name", value: { string_value: "svc" } }] },
          scope_spans: [
            {
              scope: { name: "sc", version: "1" },
              spans: [
                {
                  trace_id: TRACE,
                  span_id: SPAN,
                  parent_span_id: "",
                  name: "snake",
                  kind: "SPAN_KIND_CLIENT",
                  start_time_unix_nano: "10",
                  end_time_unix_nano: "20",
                  attributes: [
                    { key: "i", value: { int_value: "5" } },
                    { key: "b", value: { bool_value: true } },
                    { key: "a", value: { array_value: { values: [{ double_value: 1.5 }] } } },
                    { key: "m", value: { kvlist_value: { values: [{ key: "x", value: { bytes_value: "AQI=" } }] } } },
                  ],
                  events: [{ name: "e", time_unix_nano: "15", attributes: [] }],
                  links: [{ trace_id: TRACE, span_id: SPAN }],
                  status: { code: "STATUS_CODE_ERROR", message: "boom" },
                },
              ],
            },
          ],
        },
      ],
    };
    const r = decodeOtlpJson(JSON.stringify(doc));
    assert.equal(r.rejected, 0, r.errors.join());
    const s = r.spans[0]!;
    assert.equal(s.parentSpanId, null);
    assert.equal(s.kind, 3);
    assert.equal(s.statusCode, "ERROR");
    assert.equal(s.statusMessage, "boom");
    assert.deepEqual(s.attributes, { i: 5, b: true, a: [1.5], m: { x: { $bytes: "AQI=" } } });
    assert.deepEqual(s.events, [{ name: "e", timeUnixNano: "15", attributes: {} }]);
    assert.deepEqual(s.links, [{ traceId: TRACE, spanId: SPAN, attributes: {} }]);
    assert.deepEqual(s.resource, { "service.name": "svc" });
  });

  it("reads kind and status code as ints, numeric strings or names", () => {
    const cases: Array<[unknown, unknown, number, string]> = [
      [2, 1, 2, "OK"],
      ["3", "2", 3, "ERROR"],
      ["SPAN_KIND_PRODUCER", "STATUS_CODE_OK", 4, "OK"],
      ["consumer", "error", 5, "ERROR"],
      ["bogus", "bogus", 0, "UNSET"],
      [undefined, undefined, 0, "UNSET"],
    ];
    for (const [kind, code, k, c] of cases) {
      const s = decodeOtlpJson(request([span({ kind, status: { code } })])).spans[0]!;
      assert.deepEqual([s.kind, s.statusCode], [k, c], `${String(kind)} / ${String(code)}`);
    }
  });

  it("accepts the pre-1.0 instrumentationLibrarySpans naming", () => {
    const doc = {
      resourceSpans: [
        { instrumentationLibrarySpans: [{ instrumentationLibrary: { name: "old", version: "0.1" }, spans: [span()] }] },
      ],
    };
    assert.deepEqual(decodeOtlpJson(doc).spans[0]!.scope, { name: "old", version: "0.1" });
  });

  it("an all-zero parent id means root", () => {
    assert.equal(decodeOtlpJson(request([span({ parentSpanId: "0".repeat(16) })])).spans[0]!.parentSpanId, null);
  });
});

describe("decodeOtlpJson: partial success", () => {
  it("rejects spans with bad ids/times/shapes, naming where and why, and keeps the others", () => {
    const r = decodeOtlpJson(
      request([
        span({ name: "ok" }),
        span({ name: "no-span-id", spanId: undefined }),
        span({ name: "bad-trace", traceId: "xyz" }),
        span({ name: "zero", traceId: "0".repeat(32) }),
        "not a span",
        span({ name: "bad-time", startTimeUnixNano: "-5" }),
        span({ name: "attrs-object", attributes: { a: 1 } }),
        span({ name: "bad-parent", parentSpanId: "12" }),
        span({ name: "ok-2", spanId: "2222222222222222" }),
      ]),
    );
    assert.deepEqual(
      r.spans.map((s) => s.name),
      ["ok", "ok-2"],
    );
    assert.equal(r.rejected, 7);
    const at = (i: number) => `resourceSpans[0].scopeSpans[0].spans[${i}]: `;
    assert.deepEqual(r.errors, [
      `${at(1)}missing spanId (span "no-span-id")`,
      `${at(2)}invalid traceId "xyz" (expected 32 hex chars or base64 of 16 bytes) (span "bad-trace")`,
      `${at(3)}traceId is all zeros (span "zero")`,
      `${at(4)}span must be an object, got "not a span"`,
      `${at(5)}invalid startTimeUnixNano "-5" (expected an unsigned 64-bit integer) (span "bad-time")`,
      `${at(6)}attributes must be an array, got {"a":1} (span "attrs-object")`,
      `${at(7)}invalid parentSpanId "12" (expected 16 hex chars or base64 of 8 bytes) (span "bad-parent")`,
    ]);
  });

  it("drops bad links and events with a warning, keeping the span", () => {
    const r = decodeOtlpJson(
      request([
        span({
          links: [{ traceId: TRACE, spanId: "nope" }, { traceId: TRACE, spanId: SPAN }],
          events: [42, { name: "e", timeUnixNano: "x" }, { name: "ok", timeUnixNano: "3" }],
        }),
      ]),
    );
    assert.equal(r.rejected, 0);
    assert.equal(r.spans[0]!.links.length, 1);
    assert.deepEqual(r.spans[0]!.events, [{ name: "ok", timeUnixNano: "3", attributes: {} }]);
    assert.equal(r.errors.length, 3);
    assert.match(r.errors[0]!, /spans\[0\]\.events\[0\]: event dropped: not an object/);
    assert.match(r.errors[2]!, /spans\[0\]\.links\[0\]: link dropped: invalid spanId "nope"/);
  });

  it("caps the number of messages", () => {
    const r = decodeOtlpJson(request(Array.from({ length: 100 }, () => span({ spanId: "bad" }))));
    assert.equal(r.rejected, 100);
    assert.equal(r.errors.length, 21);
    assert.equal(r.errors[20], "… and 80 more");
  });
});

describe("decodeOtlpJson: undecodable bodies", () => {
  it("invalid JSON names the position", () => {
    expectWireError(() => decodeOtlpJson('{"resourceSpans": [}'), /^invalid JSON at position 19: /, "invalid-json");
    expectWireError(() => decodeOtlpJson(""), /^invalid JSON at position 0: Unexpected end of JSON input/, "invalid-json");
    expectWireError(() => decodeOtlpJson("{\"a\": 1"), /^invalid JSON at position 7: Expected ',' or '}'/);
  });

  it("a wrong top-level shape names what was wrong", () => {
    expectWireError(() => decodeOtlpJson("[]"), /must be an object with "resourceSpans", got an array/, "invalid-shape");
    expectWireError(() => decodeOtlpJson("null"), /must be an object/);
    expectWireError(() => decodeOtlpJson('{"resourceSpans": {}}'), /^resourceSpans must be an array, got \{\}/);
    expectWireError(() => decodeOtlpJson('{"resourceSpans": [1]}'), /^resourceSpans\[0\] must be an object, got 1/);
    expectWireError(
      () => decodeOtlpJson('{"resourceSpans": [{"scopeSpans": "x"}]}'),
      /^resourceSpans\[0\]\.scopeSpans must be an array/,
    );
    expectWireError(
      () => decodeOtlpJson('{"resourceSpans": [{"scopeSpans": [{"spans": {}}]}]}'),
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans must be an array/,
    );
  });

  it("an object without resourceSpans is an empty request", () => {
    assert.deepEqual(decodeOtlpJson("{}"), { spans: [], rejected: 0, errors: [] });
  });
});

describe("decodeOtlpJson: attribute values", () => {
  it("caps AnyValue nesting at 1000 levels of arrays and kvlists", () => {
    let arr: unknown = { stringValue: "leaf" };
    let map: unknown = { stringValue: "leaf" };
    for (let i = 0; i < 1000; i++) {
      arr = { arrayValue: { values: [arr] } };
      map = { kvlistValue: { values: [{ key: "k", value: map }] } };
    }
    const text = JSON.stringify(request([span({ attributes: [{ key: "arr", value: arr }, { key: "map", value: map }] })]));
    const attrs = decodeOtlpJson(text).spans[0]!.attributes;
    let a: unknown = attrs.arr;
    let depth = 0;
    while (Array.isArray(a)) {
      a = a[0];
      depth++;
    }
    assert.deepEqual([depth, a], [MAX_ATTR_DEPTH, TRUNCATED_VALUE]);
    let m: unknown = attrs.map;
    depth = 0;
    while (typeof m === "object" && m !== null) {
      m = (m as Record<string, unknown>).k;
      depth++;
    }
    assert.deepEqual([depth, m], [MAX_ATTR_DEPTH, TRUNCATED_VALUE]);
  });

  it("maps empty values to null, skips keyless entries, keeps __proto__ as data", () => {
    const attrs = attrsOf(
      { key: "empty", value: {} },
      { key: "missing" },
      { value: { stringValue: "no key" } },
      "garbage",
      { key: "__proto__", value: { stringValue: "x" } },
      { key: "inf", value: { doubleValue: "-Infinity" } },
      { key: "bare", value: "lenient" },
    );
    assert.equal(attrs.empty, null);
    assert.equal(attrs.missing, null);
    assert.equal(Object.keys(attrs).length, 5);
    assert.equal(Object.getOwnPropertyDescriptor(attrs, "__proto__")?.value, "x");
    assert.equal(attrs.inf, "-Infinity");
    assert.equal(attrs.bare, "lenient");
  });
});

describe("JSON responses", () => {
  it("encodes full and partial success", () => {
    assert.deepEqual(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: "" }), {});
    assert.deepEqual(encodeExportResponseJson({ rejectedSpans: 3, errorMessage: "bad ids" }), {
      partialSuccess: { rejectedSpans: "3", errorMessage: "bad ids" },
    });
    assert.deepEqual(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: "warning only" }), {
      partialSuccess: { errorMessage: "warning only" },
    });
  });
});
